//! [`SiteBuilder`]'s history and hand edits: list, read, compare and restore versions, and edit
//! blocks and pages without AI, every write checked against the version it was based on.

use super::SiteBuilder;
use super::edit::{self, BlueprintEdit};
use crate::Result;
use crate::model::{
    BlueprintVersion, InputLimits, NewPage, PageBlueprint, PagePatch, PageSnapshot, Scope,
    VersionContent, VersionDiff, VersionSummary,
};
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
            return Err(crate::Error::stale_version(
                blueprint_id,
                expected,
                bp.version,
            ));
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

/// The page CRUD operations with an `expected_version`: the same change, written as a content
/// write checked against that version (the plain calls write without a check).
impl SiteBuilder {
    async fn write_based(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        expected: i32,
        operation: &str,
        change: impl FnOnce(&mut VersionContent) -> Result<()>,
    ) -> Result<SavedStructure> {
        let bp = self.storage().get_blueprint(scope, blueprint_id).await?;
        if expected != bp.version {
            return Err(crate::Error::stale_version(
                blueprint_id,
                expected,
                bp.version,
            ));
        }
        let pages = self.storage().list_pages(scope, blueprint_id).await?;
        let mut content = VersionContent::of(&bp.structure_json, &pages);
        change(&mut content)?;
        self.storage()
            .write_content(
                scope,
                blueprint_id,
                ContentWrite {
                    base_version: Some(expected),
                    operation: operation.into(),
                    content,
                },
            )
            .await
    }

    /// [`SiteBuilder::create_page`] only if the blueprint is still at `expected`.
    pub async fn create_page_at(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
        expected: i32,
    ) -> Result<PageBlueprint> {
        crate::model::check_scope(scope)?;
        new.check(&self.engine.env.catalogue, &InputLimits::default())?;
        let slug = new.slug.clone();
        let saved = self
            .write_based(scope, blueprint_id, expected, "create_page", |content| {
                if content.pages.iter().any(|p| p.slug == new.slug) {
                    return Err(crate::Error::conflict(format!(
                        "blueprint {blueprint_id} already has a page with slug {:?}; pick another slug or update that page",
                        new.slug
                    )));
                }
                let order = new.order.unwrap_or_else(|| {
                    content.pages.iter().map(|p| p.order + 1).max().unwrap_or(0)
                });
                content.pages.push(PageSnapshot {
                    id: None,
                    slug: new.slug,
                    title: new.title,
                    page_type: new.page_type,
                    blocks: new.blocks,
                    status: new.status,
                    order,
                });
                Ok(())
            })
            .await?;
        find(saved.pages, |p| p.slug == slug, &slug)
    }

    /// [`SiteBuilder::update_page`] only if its blueprint is still at `expected`.
    pub async fn update_page_at(
        &self,
        scope: &Scope,
        id: i64,
        patch: PagePatch,
        expected: i32,
    ) -> Result<PageBlueprint> {
        patch.check(&self.engine.env.catalogue, &InputLimits::default())?;
        let page = self.storage().get_page(scope, id).await?;
        let saved = self
            .write_based(
                scope,
                page.site_blueprint_id,
                expected,
                "update_page",
                |content| {
                    let p = content
                        .pages
                        .iter_mut()
                        .find(|p| p.id == Some(id))
                        .ok_or_else(|| crate::Error::not_found("page_blueprint", id))?;
                    if let Some(v) = patch.slug {
                        p.slug = v;
                    }
                    if let Some(v) = patch.title {
                        p.title = v;
                    }
                    if let Some(v) = patch.page_type {
                        p.page_type = v;
                    }
                    if let Some(v) = patch.blocks {
                        p.blocks = v;
                    }
                    if let Some(v) = patch.order {
                        p.order = v;
                    }
                    Ok(())
                },
            )
            .await?;
        find(saved.pages, |p| p.id == id, id)
    }

    /// [`SiteBuilder::delete_page`] only if its blueprint is still at `expected`.
    pub async fn delete_page_at(&self, scope: &Scope, id: i64, expected: i32) -> Result<()> {
        let page = self.storage().get_page(scope, id).await?;
        self.write_based(
            scope,
            page.site_blueprint_id,
            expected,
            "delete_page",
            |content| {
                edit::apply(
                    content,
                    BlueprintEdit::DeletePage { page_id: id },
                    &self.engine.env.catalogue,
                )
            },
        )
        .await
        .map(|_| ())
    }

    /// [`SiteBuilder::reorder_pages`] only if the blueprint is still at `expected`.
    pub async fn reorder_pages_at(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
        expected: i32,
    ) -> Result<Vec<PageBlueprint>> {
        let page_ids = page_ids.to_vec();
        self.write_based(scope, blueprint_id, expected, "reorder_pages", |content| {
            edit::apply(
                content,
                BlueprintEdit::ReorderPages { page_ids },
                &self.engine.env.catalogue,
            )
        })
        .await
        .map(|saved| saved.pages)
    }
}

fn find(
    pages: Vec<PageBlueprint>,
    pick: impl Fn(&PageBlueprint) -> bool,
    id: impl std::fmt::Display,
) -> Result<PageBlueprint> {
    pages
        .into_iter()
        .find(pick)
        .ok_or_else(|| crate::Error::not_found("page_blueprint", id))
}
