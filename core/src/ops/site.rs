//! The rendered site: live preview, export and publishing.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::model::{Deployment, Scope};
use crate::{
    ExportFormat, ExportSiteRequest, ExportSiteResponse, PublishResponse, RenderPageResponse,
    Result, SiteBuilder, UnpublishResponse,
};

/// One page of a blueprint's site as a self-contained HTML document, for a live preview (`404`
/// renders the not-found page). Data the templates cannot show renders as an annotated fallback
/// listed in `issues`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RenderPage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Which page.
    pub slug: String,
}

impl Operation for RenderPage {
    type Response = RenderPageResponse;
    const SPEC: Spec = Spec {
        name: "render_page",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id", "slug"],
        http: http("GET", "blueprints/{blueprint_id}/preview/{slug}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<RenderPageResponse> {
        sb.render_page(&self.scope, self.blueprint_id, &self.slug)
            .await
    }
}

/// Writes every file of a blueprint's site (pages, CSS, assets, sitemap.xml, robots.txt, 404)
/// to a folder or a zip, a local path or an object store URL. Not served over HTTP: the target
/// is a path on the server.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ExportSite {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// A folder, a `.zip` path or an object store URL.
    pub target: String,
    /// Folder or zip (default: zip when the target ends in `.zip`).
    #[serde(default)]
    pub format: Option<ExportFormat>,
}

impl Operation for ExportSite {
    type Response = ExportSiteResponse;
    const SPEC: Spec = Spec {
        name: "export_site",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id", "target"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<ExportSiteResponse> {
        let request = ExportSiteRequest {
            blueprint_id: self.blueprint_id,
            target: self.target,
            format: self.format,
        };
        sb.export_site(&self.scope, request).await
    }
}

/// Publishes the blueprint's current version to its hosting target: sets `deployed_version` and
/// status `deployed` and records a deployment; the same version twice uploads nothing; a failed
/// upload leaves the previous release serving.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Publish {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
}

impl Operation for Publish {
    type Response = PublishResponse;
    const SPEC: Spec = Spec {
        name: "publish",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("POST", "blueprints/{blueprint_id}/publish/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<PublishResponse> {
        sb.publish(&self.scope, self.blueprint_id).await
    }
}

/// Takes a published site down and sets the blueprint back to `ready`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Unpublish {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
}

impl Operation for Unpublish {
    type Response = UnpublishResponse;
    const SPEC: Spec = Spec {
        name: "unpublish",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("POST", "blueprints/{blueprint_id}/unpublish/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<UnpublishResponse> {
        sb.unpublish(&self.scope, self.blueprint_id).await
    }
}

/// A blueprint's deployments, newest first.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListDeployments {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
}

impl Operation for ListDeployments {
    type Response = Vec<Deployment>;
    const SPEC: Spec = Spec {
        name: "list_deployments",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("GET", "blueprints/{blueprint_id}/deployments/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<Deployment>> {
        sb.list_deployments(&self.scope, self.blueprint_id).await
    }
}
