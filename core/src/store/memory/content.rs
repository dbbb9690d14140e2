//! Blueprints, pages and structures of the in-memory store.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::MemoryStore;
use super::{State, now, validate_name, visible};
use crate::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, NewBlueprint, NewPage, PageBlueprint,
    PagePatch, Paged, Scope, SiteBlueprint,
};
use crate::store::traits::{BlueprintStore, PageStore};
use crate::store::traits::{SavePageContent, SaveStructure, SavedStructure};
use crate::store::validate_slug;
use crate::{Error, Result};
use async_trait::async_trait;

/// Longest page title (the column is `varchar(255)`).
const MAX_TITLE: usize = 255;

fn validate_title(title: &str) -> Result<()> {
    let len = title.chars().count();
    if len > MAX_TITLE {
        return Err(Error::invalid(format!(
            "page title is {len} characters long; the limit is {MAX_TITLE}"
        )));
    }
    Ok(())
}

/// The blueprint a page belongs to, with the owner columns its new pages copy.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageOwner {
    blueprint_id: i64,
    account_id: i64,
    site_id: Option<i64>,
    sector_id: Option<i64>,
}

impl PageOwner {
    pub(super) fn of(bp: &SiteBlueprint) -> Self {
        PageOwner {
            blueprint_id: bp.id,
            account_id: bp.account_id,
            site_id: bp.site_id,
            sector_id: bp.sector_id,
        }
    }
}

fn duplicate_slug(slug: &str) -> Error {
    Error::conflict(format!(
        "a page with slug {slug:?} already exists in this blueprint; pick another slug"
    ))
}

impl State {
    pub(super) fn blueprint(&self, scope: &Scope, id: i64) -> Result<&SiteBlueprint> {
        self.blueprints
            .get(&id)
            .filter(|b| visible(scope, b.account_id, b.site_id, b.sector_id))
            .ok_or_else(|| Error::not_found("site_blueprint", id))
    }

    fn blueprint_mut(&mut self, scope: &Scope, id: i64) -> Result<&mut SiteBlueprint> {
        self.blueprint(scope, id)?;
        self.blueprints
            .get_mut(&id)
            .ok_or_else(|| Error::not_found("site_blueprint", id))
    }

    pub(super) fn page(&self, scope: &Scope, id: i64) -> Result<&PageBlueprint> {
        self.pages
            .get(&id)
            .filter(|p| visible(scope, p.account_id, p.site_id, p.sector_id))
            .ok_or_else(|| Error::not_found("page_blueprint", id))
    }

    /// Pages of a blueprint ordered by `order`, then id.
    pub(super) fn pages_of(&self, blueprint_id: i64) -> Vec<PageBlueprint> {
        let mut pages: Vec<PageBlueprint> = self
            .pages
            .values()
            .filter(|p| p.site_blueprint_id == blueprint_id)
            .cloned()
            .collect();
        pages.sort_by_key(|p| (p.order, p.id));
        pages
    }

    fn slug_taken(&self, blueprint_id: i64, slug: &str, except: Option<i64>) -> bool {
        self.pages
            .values()
            .any(|p| p.site_blueprint_id == blueprint_id && p.slug == slug && Some(p.id) != except)
    }

    /// Writes `new` over page `id` of the blueprint when there is one, or as a new page with the
    /// blueprint's owner columns: the one place a page row is written. Returns the page's id.
    pub(super) fn upsert_page(
        &mut self,
        owner: PageOwner,
        id: Option<i64>,
        new: NewPage,
        order: i32,
        at: DateTime<Utc>,
    ) -> i64 {
        if let Some(row) = id.and_then(|id| self.pages.get_mut(&id)) {
            row.slug = new.slug;
            row.title = new.title;
            row.page_type = new.page_type;
            row.blocks = new.blocks;
            row.status = new.status;
            row.order = order;
            row.updated_at = at;
            return row.id;
        }
        let id = self.next_page_id;
        self.next_page_id += 1;
        self.pages.insert(
            id,
            PageBlueprint {
                id,
                site_blueprint_id: owner.blueprint_id,
                account_id: owner.account_id,
                site_id: owner.site_id,
                sector_id: owner.sector_id,
                slug: new.slug,
                title: new.title,
                page_type: new.page_type,
                blocks: new.blocks,
                status: new.status,
                order,
                created_at: at,
                updated_at: at,
            },
        );
        id
    }

    pub(super) fn create_blueprint(
        &mut self,
        scope: &Scope,
        new: NewBlueprint,
    ) -> Result<SiteBlueprint> {
        validate_name("blueprint name", &new.name, 255)?;
        let now = now();
        let id = self.next_blueprint_id;
        self.next_blueprint_id += 1;
        let row = SiteBlueprint {
            id,
            account_id: scope.account_id,
            site_id: scope.site_id,
            sector_id: scope.sector_id,
            name: new.name,
            description: new.description,
            config: new.config,
            structure_json: Value::Object(Map::new()),
            status: BlueprintStatus::Draft,
            hosting_type: new.hosting_type,
            version: 1,
            deployed_version: None,
            created_at: now,
            updated_at: now,
        };
        self.blueprints.insert(id, row.clone());
        Ok(row)
    }

    pub(super) fn update_blueprint(
        &mut self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint> {
        if let Some(name) = &patch.name {
            validate_name("blueprint name", name, 255)?;
        }
        let row = self.blueprint_mut(scope, id)?;
        if let Some(v) = patch.name {
            row.name = v;
        }
        if let Some(v) = patch.description {
            row.description = v;
        }
        if let Some(v) = patch.config {
            row.config = v;
        }
        if let Some(v) = patch.status {
            row.status = v;
        }
        if let Some(v) = patch.hosting_type {
            row.hosting_type = v;
        }
        if let Some(v) = patch.deployed_version {
            row.deployed_version = Some(v);
        }
        row.updated_at = now();
        Ok(row.clone())
    }

    pub(super) fn delete_blueprint(&mut self, scope: &Scope, id: i64) -> Result<()> {
        self.blueprint(scope, id)?;
        self.blueprints.remove(&id);
        self.pages.retain(|_, p| p.site_blueprint_id != id);
        self.delete_versions(id);
        Ok(())
    }

    pub(super) fn list_blueprints(
        &self,
        scope: &Scope,
        query: &BlueprintQuery,
    ) -> Paged<SiteBlueprint> {
        let limit = match query.limit {
            0 => 50,
            n => n.min(500),
        } as usize;
        let after = query.after_id.unwrap_or(i64::MIN);
        let matching = self
            .blueprints
            .values()
            .filter(|b| visible(scope, b.account_id, b.site_id, b.sector_id))
            .filter(|b| query.status.is_none_or(|s| b.status == s))
            .filter(|b| query.site_id.is_none_or(|s| b.site_id == Some(s)))
            .filter(|b| query.sector_id.is_none_or(|s| b.sector_id == Some(s)));
        let count = matching.clone().count() as u64;
        let items: Vec<SiteBlueprint> = matching
            .filter(|b| b.id > after)
            .take(limit)
            .cloned()
            .collect();
        let next_after_id = if items.len() == limit {
            items.last().map(|b| b.id)
        } else {
            None
        };
        Paged {
            items,
            next_after_id,
            count,
        }
    }

    pub(super) fn begin_generation(&mut self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        let row = self.blueprint_mut(scope, id)?;
        if row.status == BlueprintStatus::Generating {
            return Err(Error::conflict(format!(
                "site blueprint {id} is already generating; wait for that run to finish or fail"
            )));
        }
        row.status = BlueprintStatus::Generating;
        row.updated_at = now();
        Ok(row.clone())
    }

    pub(super) fn create_page(
        &mut self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint> {
        let owner = PageOwner::of(self.blueprint(scope, blueprint_id)?);
        validate_slug(&new.slug)?;
        validate_title(&new.title)?;
        if self.slug_taken(blueprint_id, &new.slug, None) {
            return Err(duplicate_slug(&new.slug));
        }
        let order = match new.order {
            Some(o) => o,
            None => self
                .pages
                .values()
                .filter(|p| p.site_blueprint_id == blueprint_id)
                .map(|p| p.order.saturating_add(1))
                .max()
                .unwrap_or(0),
        };
        let id = self.upsert_page(owner, None, new, order, now());
        let row = self
            .pages
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::not_found("page_blueprint", id))?;
        self.record_version(scope, blueprint_id, "create_page", 0, true)?;
        Ok(row)
    }

    pub(super) fn update_page(
        &mut self,
        scope: &Scope,
        id: i64,
        patch: PagePatch,
    ) -> Result<PageBlueprint> {
        let blueprint_id = self.page(scope, id)?.site_blueprint_id;
        if let Some(slug) = &patch.slug {
            validate_slug(slug)?;
            if self.slug_taken(blueprint_id, slug, Some(id)) {
                return Err(duplicate_slug(slug));
            }
        }
        if let Some(title) = &patch.title {
            validate_title(title)?;
        }
        // A status change alone (a run marking its page) is no change of content: no version.
        let content_change = patch.slug.is_some()
            || patch.title.is_some()
            || patch.page_type.is_some()
            || patch.blocks.is_some()
            || patch.order.is_some();
        let row = self
            .pages
            .get_mut(&id)
            .ok_or_else(|| Error::not_found("page_blueprint", id))?;
        if let Some(v) = patch.slug {
            row.slug = v;
        }
        if let Some(v) = patch.title {
            row.title = v;
        }
        if let Some(v) = patch.page_type {
            row.page_type = v;
        }
        if let Some(v) = patch.blocks {
            row.blocks = v;
        }
        if let Some(v) = patch.status {
            row.status = v;
        }
        if let Some(v) = patch.order {
            row.order = v;
        }
        row.updated_at = now();
        let row = row.clone();
        if content_change {
            self.record_version(scope, blueprint_id, "update_page", 0, true)?;
        }
        Ok(row)
    }

    pub(super) fn delete_page(&mut self, scope: &Scope, id: i64) -> Result<()> {
        let blueprint_id = self.page(scope, id)?.site_blueprint_id;
        self.pages.remove(&id);
        self.record_version(scope, blueprint_id, "delete_page", 0, true)?;
        Ok(())
    }

    pub(super) fn reorder_pages(
        &mut self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
    ) -> Result<Vec<PageBlueprint>> {
        self.blueprint(scope, blueprint_id)?;
        let current: HashSet<i64> = self
            .pages
            .values()
            .filter(|p| p.site_blueprint_id == blueprint_id)
            .map(|p| p.id)
            .collect();
        let given: HashSet<i64> = page_ids.iter().copied().collect();
        if given.len() != page_ids.len() || given != current {
            return Err(Error::invalid(format!(
                "page_ids must list every page of site blueprint {blueprint_id} exactly once (it has {} pages; got {} ids)",
                current.len(),
                page_ids.len()
            )));
        }
        let now = now();
        for (i, id) in page_ids.iter().enumerate() {
            if let Some(p) = self.pages.get_mut(id) {
                p.order = i32::try_from(i).unwrap_or(i32::MAX);
                p.updated_at = now;
            }
        }
        Ok(self
            .record_version(scope, blueprint_id, "reorder_pages", 0, true)?
            .1)
    }

    pub(super) fn save_structure(
        &mut self,
        scope: &Scope,
        blueprint_id: i64,
        mut save: SaveStructure,
    ) -> Result<SavedStructure> {
        // Every check before the first write: a failure must leave the old structure intact.
        let current = self.check_base(scope, blueprint_id, None)?;
        if let Some(base) = save.base_version.filter(|b| *b != current) {
            // As in the SQL store: only changes the locks keep may have happened since.
            let locked = save
                .locks
                .as_ref()
                .map(|l| l.locked_pages.clone())
                .unwrap_or_default();
            let stored = self.pages_of(blueprint_id);
            let lost = match self.history.rows.get(&(blueprint_id, base)) {
                Some(before) => crate::model::overwrites_changes(&before.content, &stored, &locked),
                None => true,
            };
            if lost {
                return Err(Error::stale_version(blueprint_id, base, current));
            }
        }
        let owner = PageOwner::of(self.blueprint(scope, blueprint_id)?);
        if let Some(locks) = &save.locks {
            let stored = self.pages_of(blueprint_id);
            locks.apply(&stored, &mut save.structure, &mut save.pages);
        }
        let mut seen: HashSet<String> = HashSet::new();
        for page in &save.pages {
            validate_slug(&page.slug)?;
            validate_title(&page.title)?;
            if !seen.insert(page.slug.clone()) {
                return Err(Error::invalid(format!(
                    "slug {:?} appears more than once in the structure; every page needs its own slug",
                    page.slug
                )));
            }
        }
        let capture = match &save.capture {
            Some(c) => Some((
                c,
                self.ledger.check_capture(scope.account_id, &c.reference)?,
            )),
            None => None,
        };

        let now = now();
        let existing: HashMap<String, i64> = self
            .pages
            .values()
            .filter(|p| p.site_blueprint_id == blueprint_id)
            .map(|p| (p.slug.clone(), p.id))
            .collect();
        self.pages
            .retain(|_, p| p.site_blueprint_id != blueprint_id || seen.contains(p.slug.as_str()));
        for (i, new) in save.pages.into_iter().enumerate() {
            let order = new.order.unwrap_or(i32::try_from(i).unwrap_or(i32::MAX));
            let id = existing.get(&new.slug).copied();
            self.upsert_page(owner, id, new, order, now);
        }
        let structure_json = save.structure.to_value();
        match self.blueprints.get_mut(&blueprint_id) {
            Some(b) => {
                b.structure_json = structure_json;
                b.status = save.status;
                b.version = b.version.saturating_add(1);
                b.updated_at = now;
            }
            None => return Err(Error::not_found("site_blueprint", blueprint_id)),
        }
        let mut credits = 0;
        if let Some((c, step)) = capture {
            credits = step.amount();
            self.ledger.apply_capture(scope.account_id, c, step);
        }
        let (blueprint, pages) =
            self.record_version(scope, blueprint_id, "generate_structure", credits, false)?;
        Ok(SavedStructure { blueprint, pages })
    }

    pub(super) fn save_page_content(
        &mut self,
        scope: &Scope,
        page_id: i64,
        save: SavePageContent,
    ) -> Result<PageBlueprint> {
        let page = self.page(scope, page_id)?;
        let (blueprint_id, slug) = (page.site_blueprint_id, page.slug.clone());
        self.check_base(
            &Scope::account(scope.account_id),
            blueprint_id,
            save.base_version,
        )?;
        if save.base_blocks.as_ref().is_some_and(|b| *b != page.blocks) {
            return Err(Error::Conflict {
                message: format!(
                    "page {page_id} was edited while its content was generated; nothing was saved or charged: reload it and generate again"
                ),
                current_version: self.blueprints.get(&blueprint_id).map(|b| b.version),
            });
        }
        let seo = match &save.seo {
            Some(seo) => Some(serde_json::to_value(seo).map_err(Error::json("page seo"))?),
            None => None,
        };
        let capture = match &save.capture {
            Some(c) => Some((
                c,
                self.ledger.check_capture(scope.account_id, &c.reference)?,
            )),
            None => None,
        };

        let now = now();
        if let (Some(seo), Some(bp)) = (seo, self.blueprints.get_mut(&blueprint_id)) {
            let entry = bp
                .structure_json
                .get_mut("pages")
                .and_then(Value::as_array_mut)
                .and_then(|pages| {
                    pages
                        .iter_mut()
                        .find(|p| p.get("slug").and_then(Value::as_str) == Some(slug.as_str()))
                })
                .and_then(Value::as_object_mut);
            if let Some(entry) = entry {
                entry.insert("seo".to_string(), seo);
                bp.updated_at = now;
            }
        }
        let row = self
            .pages
            .get_mut(&page_id)
            .ok_or_else(|| Error::not_found("page_blueprint", page_id))?;
        row.blocks = save.blocks;
        row.status = save.status;
        row.updated_at = now;
        let row = row.clone();
        let mut credits = 0;
        if let Some((c, step)) = capture {
            credits = step.amount();
            self.ledger.apply_capture(scope.account_id, c, step);
        }
        let operation = save.operation.as_deref().unwrap_or("generate_page_content");
        self.record_version(scope, blueprint_id, operation, credits, true)?;
        Ok(row)
    }
}

#[async_trait]
impl BlueprintStore for MemoryStore {
    async fn create_blueprint(&self, scope: &Scope, new: NewBlueprint) -> Result<SiteBlueprint> {
        self.lock().create_blueprint(scope, new)
    }

    async fn get_blueprint(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.lock().blueprint(scope, id).cloned()
    }

    async fn update_blueprint(
        &self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint> {
        self.lock().update_blueprint(scope, id, patch)
    }

    async fn delete_blueprint(&self, scope: &Scope, id: i64) -> Result<()> {
        self.lock().delete_blueprint(scope, id)
    }

    async fn list_blueprints(
        &self,
        scope: &Scope,
        query: BlueprintQuery,
    ) -> Result<Paged<SiteBlueprint>> {
        Ok(self.lock().list_blueprints(scope, &query))
    }

    async fn begin_generation(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.lock().begin_generation(scope, id)
    }
}

#[async_trait]
impl PageStore for MemoryStore {
    async fn create_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint> {
        self.lock().create_page(scope, blueprint_id, new)
    }

    async fn get_page(&self, scope: &Scope, id: i64) -> Result<PageBlueprint> {
        self.lock().page(scope, id).cloned()
    }

    async fn update_page(&self, scope: &Scope, id: i64, patch: PagePatch) -> Result<PageBlueprint> {
        self.lock().update_page(scope, id, patch)
    }

    async fn delete_page(&self, scope: &Scope, id: i64) -> Result<()> {
        self.lock().delete_page(scope, id)
    }

    async fn list_pages(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<PageBlueprint>> {
        let state = self.lock();
        state.blueprint(scope, blueprint_id)?;
        Ok(state.pages_of(blueprint_id))
    }

    async fn reorder_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
    ) -> Result<Vec<PageBlueprint>> {
        self.lock().reorder_pages(scope, blueprint_id, page_ids)
    }

    async fn save_structure(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        save: SaveStructure,
    ) -> Result<SavedStructure> {
        self.lock().save_structure(scope, blueprint_id, save)
    }

    async fn save_page_content(
        &self,
        scope: &Scope,
        page_id: i64,
        save: SavePageContent,
    ) -> Result<PageBlueprint> {
        self.lock().save_page_content(scope, page_id, save)
    }
}
