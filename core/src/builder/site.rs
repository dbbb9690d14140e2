//! Seeing and shipping a site: `render_page` for a live preview and `export_site` to a folder or
//! a zip, both over the renderer in [`crate::render`].
//!
//! Each operation has a plain serde request and response type so the operations catalogue can
//! expose it on every surface unchanged.

use std::io::Write;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SiteBuilder;
use crate::files::store::Objects;
use crate::functions::context::ChosenOptions;
use crate::model::Scope;
use crate::render::{RenderIssue, RenderedFile, SiteInput};
use crate::{Error, Result};

/// Request of `render_page`: one page's HTML for a live preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderPageRequest {
    /// The blueprint.
    pub blueprint_id: i64,
    /// The page's slug; empty for the home page, `404` for the not-found page.
    pub slug: String,
    /// The URL prefix a preview is served under, ending in `/`
    /// (`/api/v1/site-builder/blueprints/7/preview/`): internal links then point at
    /// `{link_base}{slug}/` (the home page at `link_base`) and images at `{link_base}assets/…`,
    /// so the preview can be browsed. Without it links name the exported files (`about.html`).
    #[serde(default)]
    pub link_base: Option<String>,
    /// Answer an unknown slug with the site's 404 page and `found: false` instead of
    /// `not_found`, as a web server does.
    #[serde(default)]
    pub missing_as_404: bool,
}

/// Response of `render_page`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RenderPageResponse {
    /// A self-contained HTML document (stylesheet inlined).
    pub html: String,
    /// What the renderer worked around on this page.
    pub issues: Vec<RenderIssue>,
    /// False when the slug named no page and the site's 404 page was rendered instead
    /// (`missing_as_404`, or the slug `404`): serve it with status 404.
    pub found: bool,
}

/// How an export is packaged.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// A folder of files (`index.html`, `about.html`, `assets/…`).
    #[default]
    Folder,
    /// One zip archive holding the same files.
    Zip,
}

/// Request of `export_site`: every file of the site to a folder or a zip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSiteRequest {
    /// The blueprint.
    pub blueprint_id: i64,
    /// A local path (`site/`, `casa-lupa.zip`) or an `object_store` URL (`file:///srv/site`,
    /// `memory:///`, `s3://bucket/prefix` when compiled in).
    pub target: String,
    /// Folder or zip; `None` picks zip when the target ends in `.zip`.
    #[serde(default)]
    pub format: Option<ExportFormat>,
}

/// Response of `export_site`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportSiteResponse {
    /// Where the files went, as given.
    pub target: String,
    /// How they were packaged.
    pub format: ExportFormat,
    /// Relative paths of the site's files, in render order.
    pub files: Vec<String>,
    /// Bytes of all files (before zipping).
    pub bytes: u64,
    /// SHA-256 over every file's path and content, lowercase hex: equal for equal sites.
    pub checksum: String,
    /// What the renderer worked around.
    pub issues: Vec<RenderIssue>,
}

/// A rendered site with every file's bytes, ready to write anywhere.
#[derive(Debug, Clone)]
pub(crate) struct SiteFiles {
    pub(crate) files: Vec<RenderedFile>,
    pub(crate) issues: Vec<RenderIssue>,
}

impl SiteFiles {
    pub(crate) fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes.len() as u64).sum()
    }

    /// SHA-256 of `path\0sha256(content)\n` for every file, sorted by path.
    pub(crate) fn checksum(&self) -> String {
        let mut entries: Vec<(&str, String)> = self
            .files
            .iter()
            .map(|f| {
                (
                    f.path.as_str(),
                    crate::schema::hex(&Sha256::digest(&f.bytes)),
                )
            })
            .collect();
        entries.sort();
        let mut hasher = Sha256::new();
        for (path, sum) in entries {
            hasher.update(path.as_bytes());
            hasher.update([0]);
            hasher.update(sum.as_bytes());
            hasher.update(b"\n");
        }
        crate::schema::hex(&hasher.finalize())
    }

    /// The files as one zip archive (deflated, fixed timestamps so equal sites zip equally).
    pub(crate) fn zip(&self) -> Result<Vec<u8>> {
        let fail = |e: zip::result::ZipError| Error::FileStorage {
            message: format!("building the zip archive: {e}"),
            source: Some(Box::new(e)),
        };
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for f in &self.files {
            writer.start_file(f.path.as_str(), options).map_err(fail)?;
            writer.write_all(&f.bytes).map_err(|e| Error::FileStorage {
                message: format!("building the zip archive: {e}"),
                source: Some(Box::new(e)),
            })?;
        }
        Ok(writer.finish().map_err(fail)?.into_inner())
    }
}

/// A blueprint with everything the renderer reads about it.
struct SiteData {
    blueprint: crate::model::SiteBlueprint,
    pages: Vec<crate::model::PageBlueprint>,
    assets: Vec<crate::model::SiteAsset>,
    business_type: Option<String>,
    personalities: Vec<String>,
}

impl SiteData {
    fn input<'a>(
        &'a self,
        catalogue: &'a crate::functions::blocks::BlockCatalogue,
    ) -> SiteInput<'a> {
        SiteInput {
            blueprint: &self.blueprint,
            pages: &self.pages,
            assets: &self.assets,
            business_type: self.business_type.as_deref(),
            personalities: &self.personalities,
            catalogue,
        }
    }
}

/// A preview's link base: an absolute path or http(s) URL ending in `/`, with nothing an HTML
/// attribute or a URL would have to escape.
fn check_link_base(base: &str) -> Result<&str> {
    let ok = (base.starts_with('/') || base.starts_with("https://") || base.starts_with("http://"))
        && !base.starts_with("//")
        && base.ends_with('/')
        && base.len() <= 2048
        && base
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\'));
    if ok {
        Ok(base)
    } else {
        Err(Error::invalid(format!(
            "link_base must be an absolute path or http(s) URL ending in '/' without spaces or quotes, got {base:?}"
        )))
    }
}

/// Opens an export target: a URL through `object_store`, a local path as a folder (created).
pub(crate) fn open_target(target: &str) -> Result<Objects> {
    if target.contains("://") {
        Objects::from_url(target, &[])
    } else {
        Objects::local(std::path::Path::new(target))
    }
}

impl SiteBuilder {
    /// What the renderer reads about a blueprint, loaded in scope.
    async fn site_data(&self, scope: &Scope, blueprint_id: i64) -> Result<SiteData> {
        let blueprint = self.get_blueprint(scope, blueprint_id).await?;
        let pages = self.list_pages(scope, blueprint_id).await?;
        let assets = self.assets().list(scope, blueprint_id).await?;
        let options = ChosenOptions::load(self.storage().as_ref(), &blueprint.config).await?;
        Ok(SiteData {
            personalities: options
                .brand_personalities
                .into_iter()
                .map(|o| o.name)
                .collect(),
            business_type: options.business_type.map(|o| o.name),
            blueprint,
            pages,
            assets,
        })
    }

    /// Renders a blueprint's site in memory, asset files included.
    pub(crate) async fn site_files(&self, scope: &Scope, blueprint_id: i64) -> Result<SiteFiles> {
        let data = self.site_data(scope, blueprint_id).await?;
        let site = self
            .renderer
            .render_site(&data.input(&self.engine.env.catalogue));
        let mut files = site.files;
        for file in &mut files {
            if let Some(id) = file.asset_id {
                file.bytes = self.assets().download(scope, id).await?.1;
            }
        }
        Ok(SiteFiles {
            files,
            issues: site.report.issues,
        })
    }

    /// One page of a blueprint's site as a self-contained HTML document, for a live preview.
    /// An unknown slug is `not_found`; data the templates cannot show renders as an annotated
    /// fallback listed in `issues`, never as an error.
    pub async fn render_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        slug: &str,
    ) -> Result<RenderPageResponse> {
        self.render_preview(
            scope,
            &RenderPageRequest {
                blueprint_id,
                slug: slug.to_string(),
                link_base: None,
                missing_as_404: false,
            },
        )
        .await
    }

    /// [`Self::render_page`] for a preview served over HTTP (see [`RenderPageRequest`]): the HTTP
    /// surfaces' `blueprints/{id}/preview/` routes answer its `html`, with status 404 when it is
    /// not `found`.
    pub async fn render_preview(
        &self,
        scope: &Scope,
        request: &RenderPageRequest,
    ) -> Result<RenderPageResponse> {
        let link_base = request
            .link_base
            .as_deref()
            .map(check_link_base)
            .transpose()?;
        let data = self.site_data(scope, request.blueprint_id).await?;
        let page = self.renderer.render_preview(
            &data.input(&self.engine.env.catalogue),
            &crate::render::PreviewRequest {
                slug: &request.slug,
                link_base,
                missing_as_404: request.missing_as_404,
            },
        )?;
        Ok(RenderPageResponse {
            html: page.html,
            issues: page.report.issues,
            found: page.found,
        })
    }

    /// A blueprint's exported site, rendered in memory, as one zip archive (what the HTTP
    /// surfaces' `blueprints/{id}/export/` download answers), with its summary.
    pub async fn export_zip(
        &self,
        scope: &Scope,
        blueprint_id: i64,
    ) -> Result<(Vec<u8>, ExportSiteResponse)> {
        let site = self.site_files(scope, blueprint_id).await?;
        let archive = site.zip()?;
        let summary = ExportSiteResponse {
            target: String::new(),
            format: ExportFormat::Zip,
            bytes: site.bytes(),
            checksum: site.checksum(),
            files: site.files.iter().map(|f| f.path.clone()).collect(),
            issues: site.issues,
        };
        Ok((archive, summary))
    }

    /// Writes every file of a blueprint's site to a folder or a zip (see [`ExportSiteRequest`]).
    pub async fn export_site(
        &self,
        scope: &Scope,
        request: ExportSiteRequest,
    ) -> Result<ExportSiteResponse> {
        let target = request.target.trim();
        if target.is_empty() {
            return Err(Error::invalid(
                "export target is empty; give a folder, a .zip path or an object store URL",
            ));
        }
        let format = request.format.unwrap_or(if target.ends_with(".zip") {
            ExportFormat::Zip
        } else {
            ExportFormat::Folder
        });
        let site = self.site_files(scope, request.blueprint_id).await?;
        match format {
            ExportFormat::Folder => {
                let objects = open_target(target)?;
                for f in &site.files {
                    objects.put(&f.path, f.bytes.clone().into()).await?;
                }
            }
            ExportFormat::Zip => {
                let archive = site.zip()?;
                let (dir, name) = target.rsplit_once('/').unwrap_or((".", target));
                let dir = if dir.is_empty() {
                    "/".to_string()
                } else if dir.ends_with("//") {
                    format!("{dir}/")
                } else {
                    dir.to_string()
                };
                let store = open_target(&dir)?;
                store.put(name, archive.into()).await?;
            }
        }
        Ok(ExportSiteResponse {
            target: target.to_string(),
            format,
            bytes: site.bytes(),
            checksum: site.checksum(),
            files: site.files.iter().map(|f| f.path.clone()).collect(),
            issues: site.issues,
        })
    }
}
