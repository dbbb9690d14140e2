//! A blueprint's history and hand edits: list, read, compare and restore versions; edit blocks
//! and pages without AI. Every write takes the version it was based on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::model::{BlueprintVersion, Scope, VersionDiff, VersionSummary};
use crate::store::SavedStructure;
use crate::{BlueprintEdit, Result, SiteBuilder};

/// A blueprint's recorded versions, newest first, without their content: who changed it (the
/// scope), with which operation, when, and the credits charged.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListVersions {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// At most this many (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

impl Operation for ListVersions {
    type Response = Vec<VersionSummary>;
    const SPEC: Spec = Spec {
        name: "list_versions",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("GET", "blueprints/{blueprint_id}/versions/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<VersionSummary>> {
        sb.list_versions(&self.scope, self.blueprint_id, self.limit)
            .await
    }
}

/// One recorded version of a blueprint with its content (structure and pages with blocks).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GetVersion {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Which version.
    pub version: i32,
}

impl Operation for GetVersion {
    type Response = BlueprintVersion;
    const SPEC: Spec = Spec {
        name: "get_version",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id", "version"],
        http: http("GET", "blueprints/{blueprint_id}/versions/{version}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<BlueprintVersion> {
        sb.get_version(&self.scope, self.blueprint_id, self.version)
            .await
    }
}

/// What changed from version `a` to version `b` of a blueprint: pages added, removed and
/// changed, and within a changed page the blocks that differ.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DiffVersions {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// The older version.
    pub a: i32,
    /// The newer version.
    pub b: i32,
}

impl Operation for DiffVersions {
    type Response = VersionDiff;
    const SPEC: Spec = Spec {
        name: "diff_versions",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id", "a", "b"],
        http: http("GET", "blueprints/{blueprint_id}/diff/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<VersionDiff> {
        sb.diff_versions(&self.scope, self.blueprint_id, self.a, self.b)
            .await
    }
}

/// Puts a blueprint's structure and pages back as they were at `version` (free; undo). The
/// restore is itself a new version. With `expected_version`, a blueprint that moved on since is
/// a `conflict` carrying its current version.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RestoreVersion {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// The version to go back to.
    pub version: i32,
    /// The blueprint version this restore is based on.
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for RestoreVersion {
    type Response = SavedStructure;
    const SPEC: Spec = Spec {
        name: "restore_version",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id", "version"],
        http: http(
            "POST",
            "blueprints/{blueprint_id}/versions/{version}/restore/",
            200,
        ),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SavedStructure> {
        sb.restore_version(
            &self.scope,
            self.blueprint_id,
            self.version,
            self.expected_version,
        )
        .await
    }
}

/// Edits a blueprint by hand, without AI: insert, move, duplicate, delete, lock or unlock a
/// block, change its variant or its data (validated against its type's schema); add a page
/// (navigation follows), change a slug (internal links follow), reorder or delete pages. Each
/// edit is a new version; a stale `expected_version` is a `conflict` carrying the current one.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct EditBlueprint {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// The edit (its `action` says which).
    pub edit: BlueprintEdit,
    /// The blueprint version the edit is based on (recommended: without it the edit applies to
    /// whatever version is current).
    #[serde(default)]
    pub expected_version: Option<i32>,
}

impl Operation for EditBlueprint {
    type Response = SavedStructure;
    const SPEC: Spec = Spec {
        name: "edit_blueprint",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id", "edit"],
        http: http("POST", "blueprints/{blueprint_id}/edit/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SavedStructure> {
        sb.edit_blueprint(
            &self.scope,
            self.blueprint_id,
            self.expected_version,
            self.edit,
        )
        .await
    }
}
