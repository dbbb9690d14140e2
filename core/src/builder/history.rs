//! [`SiteBuilder`]'s history and hand edits: list, read, compare and restore versions, and edit
//! blocks and pages without AI, every write checked against the version it was based on.

use super::SiteBuilder;
use super::edit::{self, BlueprintEdit};
use crate::Result;
use crate::model::{BlueprintVersion, Scope, VersionContent, VersionDiff, VersionSummary};
use crate::store::{ContentWrite, SavedStructure};

/// Versions listed when the caller gives no limit.
const DEFAULT_LIST: u32 = 50;

impl SiteBuilder {
    /// A blueprint's recorded versions, newest first (at most `limit`, default 50, at most 500).
    pub async fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: Option<u32>,
    ) -> Result<Vec<VersionSummary>> {
        let limit = limit.unwrap_or(DEFAULT_LIST).clamp(1, 500);
        self.storage()
            .list_versions(scope, blueprint_id, limit)
            .await
    }

    /// One recorded version with its content.
    pub async fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion> {
        self.storage()
            .get_version(scope, blueprint_id, version)
            .await
    }

    /// What changed from version `from` to version `to`: pages added, removed and changed, and
    /// within a changed page the blocks that differ.
    pub async fn diff_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        from: i32,
        to: i32,
    ) -> Result<VersionDiff> {
        let a = self.get_version(scope, blueprint_id, from).await?;
        let b = self.get_version(scope, blueprint_id, to).await?;
        Ok(VersionDiff::between(from, &a.content, to, &b.content))
    }

    /// Puts the blueprint's structure and pages back as they were at `version` (free); the
    /// restore is itself a new version, so it can be undone the same way. With
    /// `expected_version`, a blueprint that moved on since is a `conflict`.
    pub async fn restore_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
        expected_version: Option<i32>,
    ) -> Result<SavedStructure> {
        let old = self.get_version(scope, blueprint_id, version).await?;
        self.storage()
            .write_content(
                scope,
                blueprint_id,
                ContentWrite {
                    base_version: expected_version,
                    operation: "restore_version".into(),
                    content: old.content,
                },
            )
            .await
    }

    /// Applies one hand edit (a block or a page) and records it as a new version. The edit is
    /// computed from the blueprint as read now and written only if the blueprint is still at
    /// that version (or at `expected_version` when given): a stale edit is a `conflict`
    /// carrying the current version, never a silent overwrite.
    pub async fn edit_blueprint(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        expected_version: Option<i32>,
        edit: BlueprintEdit,
    ) -> Result<SavedStructure> {
        crate::model::check_scope(scope)?;
        let bp = self.storage().get_blueprint(scope, blueprint_id).await?;
        if let Some(expected) = expected_version
            && expected != bp.version
        {
            return Err(crate::Error::stale_version(blueprint_id, expected, bp.version));
        }
        let pages = self.storage().list_pages(scope, blueprint_id).await?;
        let mut content = VersionContent::of(&bp.structure_json, &pages);
        let action = edit.action();
        edit::apply(&mut content, edit, &self.engine.env.catalogue)?;
        self.storage()
            .write_content(
                scope,
                blueprint_id,
                ContentWrite {
                    base_version: Some(bp.version),
                    operation: action.into(),
                    content,
                },
            )
            .await
    }
}
