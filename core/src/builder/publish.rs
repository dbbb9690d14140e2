//! Publishing a rendered site to its hosting target, and taking it down again.
//!
//! The target of hosting type `igny8_sites` is an `object_store` URL given to
//! [`super::SiteBuilderBuilder::publish_url`] (`file:///srv/sites`, `s3://bucket/sites` when that
//! backend is compiled in).
//!
//! The other hosting types (`wordpress`, `shopify`, `multi`) are not static hosts: the built-in
//! publisher cannot push a site into WordPress or Shopify. Publishing a blueprint of such a type
//! is a `conflict` that says so and names the ways forward: `export_site` (or the HTTP
//! `blueprints/{id}/export/` download) gives the files to upload, the blueprint's `hosting_type`
//! can be set to `igny8_sites`, or the host plugs its own target for that type with
//! [`super::SiteBuilderBuilder::publish_url_for`] (a bucket its WordPress or CDN serves from, a
//! folder a sync job watches), after which publishing works exactly as for `igny8_sites`. A site lives under `{account}/{blueprint}/`: each publish stages its
//! files in a release folder of its own (`releases/{deployment}-v{version}/`), and only when every
//! file is written does it switch `current.json` (one atomic object write) to that release, so a
//! failed upload leaves the previous release serving and its pointer untouched. Hosts serve
//! `{account}/{blueprint}/` + the `release` named in `current.json`.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::SiteBuilder;
use crate::files::store::Objects;
use crate::model::{
    BlueprintPatch, BlueprintStatus, Deployment, HostingType, NewDeployment, Scope, SiteStructure,
};
use crate::render::RenderIssue;
use crate::{Error, Result};

/// Request of `publish` and of `unpublish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequest {
    /// The blueprint.
    pub blueprint_id: i64,
}

/// Response of `publish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishResponse {
    /// The deployment serving the blueprint's current version.
    pub deployment: Deployment,
    /// True when this version was already deployed and nothing was uploaded.
    pub no_op: bool,
    /// What the renderer worked around (empty for a no-op).
    pub issues: Vec<RenderIssue>,
}

/// Response of `unpublish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnpublishResponse {
    /// Objects removed from the hosting store.
    pub removed_objects: u64,
    /// The deployment that was serving, now `unpublished`; `None` when nothing was live.
    pub deployment: Option<Deployment>,
}

/// The publish store, opened from its URL when the builder is built.
#[derive(Debug, Clone)]
pub(crate) struct PublishTarget {
    pub(crate) url: String,
    pub(crate) objects: Objects,
}

impl PublishTarget {
    pub(crate) fn open(url: &str, options: &[(String, String)]) -> Result<PublishTarget> {
        Ok(PublishTarget {
            url: url.to_string(),
            objects: Objects::from_url(url, options)?,
        })
    }
}

impl SiteBuilder {
    fn publish_target(&self, blueprint_id: i64, hosting: HostingType) -> Result<&PublishTarget> {
        if let Some((_, target)) = self.publish.iter().find(|(h, _)| *h == hosting) {
            return Ok(target);
        }
        if hosting != HostingType::Igny8Sites {
            return Err(Error::conflict(format!(
                "blueprint {blueprint_id} is hosted on {kind}, and the built-in publisher serves static hosting (igny8_sites) only: \
                 export the site with export_site (or download GET blueprints/{blueprint_id}/export/) and upload the files to {kind}, \
                 set the blueprint's hosting_type to igny8_sites to publish here, \
                 or configure a target for {kind} with SiteBuilderBuilder::publish_url_for",
                kind = hosting.as_str()
            )));
        }
        Err(Error::config(
            "no publishing target is configured; give the builder publish_url(\"file:///srv/sites\") or another object store URL (Python: publish_url=..., Node: publishUrl, Django: SITEBUILDER[\"PUBLISH_URL\"])",
        ))
    }

    /// Renders the blueprint's current version and publishes it (see the module docs): the
    /// blueprint becomes `deployed` with `deployed_version` = `version` and a deployment row
    /// records files, bytes and checksum. Publishing a version that is already deployed uploads
    /// nothing (`no_op`). A failed upload is `file_storage`: its row is `failed`, and the
    /// previous release keeps serving.
    pub async fn publish(&self, scope: &Scope, blueprint_id: i64) -> Result<PublishResponse> {
        let bp = self.get_blueprint(scope, blueprint_id).await?;
        let target = self.publish_target(bp.id, bp.hosting_type)?;
        if SiteStructure::from_stored(&bp.structure_json)?.is_none() {
            return Err(Error::invalid(format!(
                "blueprint {blueprint_id} has no generated structure yet; run generate_structure before publishing"
            )));
        }
        let history = self.storage().list_deployments(scope, blueprint_id).await?;
        let live = history.iter().find(|d| d.status == "deployed");
        if bp.status == BlueprintStatus::Deployed
            && bp.deployed_version == Some(bp.version)
            && let Some(d) = live.filter(|d| d.version == bp.version)
        {
            return Ok(PublishResponse {
                deployment: d.clone(),
                no_op: true,
                issues: Vec::new(),
            });
        }
        let site = self.site_files(scope, blueprint_id).await?;
        let root = format!("{}/{}", bp.account_id, bp.id);
        let row = self
            .storage()
            .insert_deployment(NewDeployment {
                account_id: bp.account_id,
                site_id: bp.site_id,
                sector_id: bp.sector_id,
                site_blueprint_id: bp.id,
                version: bp.version,
                target: target.url.clone(),
                files: site.files.len() as i64,
                bytes: i64::try_from(site.bytes()).unwrap_or(i64::MAX),
                checksum: site.checksum(),
            })
            .await?;
        let release = format!("releases/{}-v{}", row.id, bp.version);
        let pointer = json!({
            "version": bp.version,
            "release": release,
            "deployment_id": row.id,
            "checksum": row.checksum,
        });
        let upload = async {
            for f in &site.files {
                target
                    .objects
                    .put(
                        &format!("{root}/{release}/{}", f.path),
                        f.bytes.clone().into(),
                    )
                    .await?;
            }
            // The switch: one object write, after every file is in place.
            target
                .objects
                .put(
                    &format!("{root}/current.json"),
                    pointer.to_string().into_bytes().into(),
                )
                .await
        };
        if let Err(e) = upload.await {
            if let Err(clean) = target
                .objects
                .delete_prefix(&format!("{root}/{release}"))
                .await
            {
                tracing::warn!(error = %clean, "could not remove the files of a failed publish");
            }
            self.storage()
                .finish_deployment(row.id, "failed", Some(e.to_string()))
                .await?;
            return Err(e);
        }
        self.storage()
            .update_blueprint(
                scope,
                bp.id,
                BlueprintPatch {
                    status: Some(BlueprintStatus::Deployed),
                    deployed_version: Some(bp.version),
                    ..BlueprintPatch::default()
                },
            )
            .await?;
        let deployment = self
            .storage()
            .finish_deployment(row.id, "deployed", None)
            .await?;
        for old in history.iter().filter(|d| d.status == "deployed") {
            self.storage()
                .finish_deployment(old.id, "superseded", None)
                .await?;
            let folder = format!("{root}/releases/{}-v{}", old.id, old.version);
            if let Err(e) = target.objects.delete_prefix(&folder).await {
                tracing::warn!(error = %e, folder, "could not remove a superseded release");
            }
        }
        Ok(PublishResponse {
            deployment,
            no_op: false,
            issues: site.issues,
        })
    }

    /// Takes a published site down: removes its releases and pointer from the hosting store,
    /// marks the serving deployment `unpublished` and the blueprint `ready` again.
    pub async fn unpublish(&self, scope: &Scope, blueprint_id: i64) -> Result<UnpublishResponse> {
        let bp = self.get_blueprint(scope, blueprint_id).await?;
        let target = self.publish_target(bp.id, bp.hosting_type)?;
        let removed = target
            .objects
            .delete_prefix(&format!("{}/{}", bp.account_id, bp.id))
            .await?;
        let mut deployment = None;
        for d in self.storage().list_deployments(scope, blueprint_id).await? {
            if d.status == "deployed" {
                deployment = Some(
                    self.storage()
                        .finish_deployment(d.id, "unpublished", None)
                        .await?,
                );
            }
        }
        if bp.status == BlueprintStatus::Deployed {
            self.storage()
                .update_blueprint(
                    scope,
                    bp.id,
                    BlueprintPatch {
                        status: Some(BlueprintStatus::Ready),
                        ..BlueprintPatch::default()
                    },
                )
                .await?;
        }
        Ok(UnpublishResponse {
            removed_objects: removed as u64,
            deployment,
        })
    }

    /// A blueprint's deployments, newest first.
    pub async fn list_deployments(
        &self,
        scope: &Scope,
        blueprint_id: i64,
    ) -> Result<Vec<Deployment>> {
        self.get_blueprint(scope, blueprint_id).await?;
        self.storage().list_deployments(scope, blueprint_id).await
    }
}
