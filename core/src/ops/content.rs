//! Blueprints and their pages: the site structure a host edits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, NewBlueprint, NewPage, PageBlueprint,
    PagePatch, Paged, Scope, SiteBlueprint,
};
use crate::{Result, SiteBuilder};

/// The wizard's four option lists (business types, audience profiles, brand personalities, hero
/// imagery), active only and ordered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct GetMetadata {}

impl Operation for GetMetadata {
    type Response = crate::Metadata;
    const SPEC: Spec = Spec {
        name: "metadata",
        read_only: true,
        admin: false,
        args: &[],
        http: http("GET", "metadata/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<crate::Metadata> {
        sb.metadata().await
    }
}

/// Creates a blueprint (status `draft`, version 1) from a name and the wizard's answers.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CreateBlueprint {
    /// Who it is for.
    #[serde(flatten)]
    pub scope: Scope,
    /// Name, description, config and hosting type.
    #[serde(flatten)]
    pub blueprint: NewBlueprint,
}

impl Operation for CreateBlueprint {
    type Response = SiteBlueprint;
    const SPEC: Spec = Spec {
        name: "create_blueprint",
        read_only: false,
        admin: false,
        args: &["scope", "name"],
        http: http("POST", "blueprints/", 201),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SiteBlueprint> {
        sb.create_blueprint(&self.scope, self.blueprint).await
    }
}

/// Reads one blueprint of the scope (another account's is `not_found`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GetBlueprint {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub blueprint_id: i64,
}

impl Operation for GetBlueprint {
    type Response = SiteBlueprint;
    const SPEC: Spec = Spec {
        name: "get_blueprint",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("GET", "blueprints/{blueprint_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SiteBlueprint> {
        sb.get_blueprint(&self.scope, self.blueprint_id).await
    }
}

/// Lists the scope's blueprints by id, a page at a time (`after_id` = the previous page's
/// `next_after_id`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListBlueprints {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Only this status.
    #[serde(default)]
    pub status: Option<BlueprintStatus>,
    /// Ids above this one.
    #[serde(default)]
    pub after_id: Option<i64>,
    /// At most this many (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

impl Operation for ListBlueprints {
    type Response = Paged<SiteBlueprint>;
    const SPEC: Spec = Spec {
        name: "list_blueprints",
        read_only: true,
        admin: false,
        args: &["scope"],
        http: http("GET", "blueprints/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Paged<SiteBlueprint>> {
        let defaults = BlueprintQuery::default();
        let query = BlueprintQuery {
            status: self.status,
            after_id: self.after_id,
            limit: self.limit.unwrap_or(defaults.limit),
            ..defaults
        };
        sb.list_blueprints(&self.scope, query).await
    }
}

/// Changes the given fields of a blueprint; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct UpdateBlueprint {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub blueprint_id: i64,
    /// The changes.
    #[serde(flatten)]
    pub patch: BlueprintPatch,
}

impl Operation for UpdateBlueprint {
    type Response = SiteBlueprint;
    const SPEC: Spec = Spec {
        name: "update_blueprint",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("PATCH", "blueprints/{blueprint_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SiteBlueprint> {
        sb.update_blueprint(&self.scope, self.blueprint_id, self.patch)
            .await
    }
}

/// Deletes a blueprint with its pages and site assets (files and their quota bytes).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DeleteBlueprint {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub blueprint_id: i64,
}

impl Operation for DeleteBlueprint {
    type Response = ();
    const SPEC: Spec = Spec {
        name: "delete_blueprint",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("DELETE", "blueprints/{blueprint_id}/", 204),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<()> {
        sb.delete_blueprint(&self.scope, self.blueprint_id).await
    }
}

/// Adds a page to a blueprint (slug unique in the blueprint; appended unless `order` is given).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CreatePage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// The blueprint it belongs to.
    pub blueprint_id: i64,
    /// Slug, title, type, blocks, status and order.
    #[serde(flatten)]
    pub page: NewPage,
    /// The blueprint version this change is based on: if the blueprint moved on since, the
    /// change is a `conflict` carrying the current version (absent: no check).
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for CreatePage {
    type Response = PageBlueprint;
    const SPEC: Spec = Spec {
        name: "create_page",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id", "slug", "title"],
        http: http("POST", "blueprints/{blueprint_id}/pages/", 201),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<PageBlueprint> {
        match self.expected_version {
            Some(v) => {
                sb.create_page_at(&self.scope, self.blueprint_id, self.page, v)
                    .await
            }
            None => {
                sb.create_page(&self.scope, self.blueprint_id, self.page)
                    .await
            }
        }
    }
}

/// Reads one page of the scope.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GetPage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub page_id: i64,
}

impl Operation for GetPage {
    type Response = PageBlueprint;
    const SPEC: Spec = Spec {
        name: "get_page",
        read_only: true,
        admin: false,
        args: &["scope", "page_id"],
        http: http("GET", "pages/{page_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<PageBlueprint> {
        sb.get_page(&self.scope, self.page_id).await
    }
}

/// A blueprint's pages in order.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListPages {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
}

impl Operation for ListPages {
    type Response = Vec<PageBlueprint>;
    const SPEC: Spec = Spec {
        name: "list_pages",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("GET", "blueprints/{blueprint_id}/pages/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<PageBlueprint>> {
        sb.list_pages(&self.scope, self.blueprint_id).await
    }
}

/// Changes the given fields of a page; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct UpdatePage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub page_id: i64,
    /// The changes.
    #[serde(flatten)]
    pub patch: PagePatch,
    /// The blueprint version this change is based on: if the blueprint moved on since, the
    /// change is a `conflict` carrying the current version (absent: no check).
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for UpdatePage {
    type Response = PageBlueprint;
    const SPEC: Spec = Spec {
        name: "update_page",
        read_only: false,
        admin: false,
        args: &["scope", "page_id"],
        http: http("PATCH", "pages/{page_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<PageBlueprint> {
        match self.expected_version {
            Some(v) => {
                sb.update_page_at(&self.scope, self.page_id, self.patch, v)
                    .await
            }
            None => sb.update_page(&self.scope, self.page_id, self.patch).await,
        }
    }
}

/// Deletes a page.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DeletePage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which.
    pub page_id: i64,
    /// The blueprint version this change is based on: if the blueprint moved on since, the
    /// change is a `conflict` carrying the current version (absent: no check).
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for DeletePage {
    type Response = ();
    const SPEC: Spec = Spec {
        name: "delete_page",
        read_only: false,
        admin: false,
        args: &["scope", "page_id"],
        http: http("DELETE", "pages/{page_id}/", 204),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<()> {
        match self.expected_version {
            Some(v) => sb.delete_page_at(&self.scope, self.page_id, v).await,
            None => sb.delete_page(&self.scope, self.page_id).await,
        }
    }
}

/// Puts a blueprint's pages in the order of `page_ids` (every page once) and returns them so.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ReorderPages {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Every page id of the blueprint, in the new order.
    pub page_ids: Vec<i64>,
    /// The blueprint version this change is based on: if the blueprint moved on since, the
    /// change is a `conflict` carrying the current version (absent: no check).
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for ReorderPages {
    type Response = Vec<PageBlueprint>;
    const SPEC: Spec = Spec {
        name: "reorder_pages",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id", "page_ids"],
        http: http("POST", "blueprints/{blueprint_id}/reorder_pages/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<PageBlueprint>> {
        match self.expected_version {
            Some(v) => {
                sb.reorder_pages_at(&self.scope, self.blueprint_id, &self.page_ids, v)
                    .await
            }
            None => {
                sb.reorder_pages(&self.scope, self.blueprint_id, &self.page_ids)
                    .await
            }
        }
    }
}
