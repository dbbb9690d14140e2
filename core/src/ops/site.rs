//! The rendered site: live preview, export and publishing.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::model::{Deployment, Scope};
use crate::{
    ExportFormat, ExportSiteRequest, ExportSiteResponse, PublishResponse, RenderPageRequest,
    RenderPageResponse, Result, SiteBuilder, UnpublishResponse,
};

/// One page of a blueprint's site as a self-contained HTML document, for a live preview (`404`
/// renders the not-found page). Data the templates cannot show renders as an annotated fallback
/// listed in `issues`. Over HTTP the preview routes (`blueprints/{id}/preview/` and
/// `…/preview/{slug}/`) answer the page itself as `text/html`, links pointing at other preview
/// URLs.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RenderPage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Which page; empty for the home page.
    pub slug: String,
    /// The URL prefix the preview is served under, ending in `/`: internal links point at
    /// `{link_base}{slug}/` (home at `link_base`), images at `{link_base}assets/…`. Without it
    /// links name the exported files (`about.html`).
    #[serde(default)]
    pub link_base: Option<String>,
    /// Answer an unknown slug with the site's 404 page and `found: false` instead of `not_found`.
    #[serde(default)]
    pub missing_as_404: bool,
}

impl Operation for RenderPage {
    type Response = RenderPageResponse;
    const SPEC: Spec = Spec {
        name: "render_page",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id", "slug"],
        // Served as HTML by the preview routes (see `openapi_routes`), not as JSON.
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<RenderPageResponse> {
        let request = RenderPageRequest {
            blueprint_id: self.blueprint_id,
            slug: self.slug,
            link_base: self.link_base,
            missing_as_404: self.missing_as_404,
        };
        sb.render_preview(&self.scope, &request).await
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

/// The routes both HTTP surfaces serve outside the JSON catalogue, for the OpenAPI document: the
/// HTML preview (`render_page` with `link_base` set to the preview URL and `missing_as_404`) and
/// the zip download (`export_site` to a zip).
pub(super) fn openapi_routes() -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let id = json!({"name": "blueprint_id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let slug =
        json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}});
    let html = |summary: &str, params: Vec<serde_json::Value>| {
        json!({"get": {
            "operationId": if params.len() == 1 { "preview_home" } else { "preview_page" },
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                "404": {
                    "description": "No such page: the site's 404 page (text/html); no such blueprint: a JSON error",
                    "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}},
                },
                "default": {"description": "An error: {code, message, ...fields}"},
            },
        }})
    };
    vec![
        (
            format!("{}blueprints/{{blueprint_id}}/preview/", super::HTTP_PREFIX),
            html(
                "The site's home page as HTML, for a live preview: links lead to the other preview pages and the stylesheet is inline.",
                vec![id.clone()],
            ),
        ),
        (
            format!(
                "{}blueprints/{{blueprint_id}}/preview/{{slug}}/",
                super::HTTP_PREFIX
            ),
            html(
                "One page of the site as HTML, for a live preview; an unknown slug is a 404 with the site's 404 page.",
                vec![id.clone(), slug],
            ),
        ),
        (
            format!("{}blueprints/{{blueprint_id}}/export/", super::HTTP_PREFIX),
            json!({"get": {
                "operationId": "export_download",
                "summary": "Every file of the site (pages, stylesheet, assets, sitemap.xml, robots.txt, 404.html) as one zip, downloaded as an attachment.",
                "parameters": [id],
                "responses": {
                    "200": {"description": "The zip", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                    "default": {"description": "An error: {code, message, ...fields}"},
                },
            }}),
        ),
    ]
}
