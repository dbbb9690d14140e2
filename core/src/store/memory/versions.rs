//! Blueprint history of the in-memory store: the same semantics as the SQL store's
//! `sql/versions.rs` (the one mutex makes every check-then-write atomic).

use std::collections::{BTreeMap, HashSet};

use super::MemoryStore;
use super::content::PageOwner;
use super::{State, now, visible};
use crate::model::{
    BlueprintVersion, PageBlueprint, Scope, SiteBlueprint, VersionContent, VersionSummary,
};
use crate::store::traits::VersionStore;
use crate::store::traits::{ContentWrite, SavedStructure};
use crate::{Error, Result};
use async_trait::async_trait;

/// Every blueprint's recorded versions, by (blueprint, version).
#[derive(Debug)]
pub(super) struct History {
    pub(super) rows: BTreeMap<(i64, i32), BlueprintVersion>,
    pub(super) keep: u32,
}

impl Default for History {
    fn default() -> Self {
        History {
            rows: BTreeMap::new(),
            keep: crate::store::DEFAULT_KEEP_VERSIONS,
        }
    }
}

impl State {
    /// `conflict` with the current version when the caller's base is stale.
    pub(super) fn check_base(&self, scope: &Scope, id: i64, base: Option<i32>) -> Result<i32> {
        let bp = self.blueprint(scope, id)?;
        match base {
            Some(b) if b != bp.version => Err(Error::stale_version(id, b, bp.version)),
            _ => Ok(bp.version),
        }
    }

    /// Bumps the version (unless the caller did) and records the content as it now stands,
    /// pruned to the retention.
    pub(super) fn record_version(
        &mut self,
        actor: &Scope,
        blueprint_id: i64,
        operation: &str,
        credits: i64,
        bump: bool,
    ) -> Result<(SiteBlueprint, Vec<PageBlueprint>)> {
        let at = now();
        let bp = {
            let bp = self
                .blueprints
                .get_mut(&blueprint_id)
                .ok_or_else(|| Error::not_found("site_blueprint", blueprint_id))?;
            if bump {
                bp.version = bp.version.saturating_add(1);
                bp.updated_at = at;
            }
            bp.clone()
        };
        let pages = self.pages_of(blueprint_id);
        let content = VersionContent::of(&bp.structure_json, &pages);
        self.history.rows.insert(
            (bp.id, bp.version),
            BlueprintVersion {
                summary: VersionSummary::new(
                    bp.id, bp.version, operation, *actor, credits, at, &content,
                ),
                content,
            },
        );
        let keep = i32::try_from(self.history.keep.max(1)).unwrap_or(i32::MAX);
        let cut = bp.version.saturating_sub(keep);
        self.history
            .rows
            .retain(|(b, v), _| *b != bp.id || *v > cut);
        Ok((bp, pages))
    }

    pub(super) fn write_content(
        &mut self,
        scope: &Scope,
        blueprint_id: i64,
        write: ContentWrite,
    ) -> Result<SavedStructure> {
        // Every check first: a failing write changes nothing.
        self.check_base(scope, blueprint_id, write.base_version)?;
        write.check()?;
        let owner = PageOwner::of(self.blueprint(scope, blueprint_id)?);
        let have: HashSet<i64> = self.pages_of(blueprint_id).iter().map(|p| p.id).collect();
        let kept: HashSet<i64> = write
            .content
            .pages
            .iter()
            .filter_map(|p| p.id.filter(|id| have.contains(id)))
            .collect();
        let at = now();
        self.pages
            .retain(|id, p| p.site_blueprint_id != blueprint_id || kept.contains(id));
        for p in write.content.pages {
            let id = p.id.filter(|id| kept.contains(id));
            let order = p.order;
            self.upsert_page(owner, id, p.into(), order, at);
        }
        if let Some(row) = self.blueprints.get_mut(&blueprint_id) {
            row.structure_json = write.content.structure;
        }
        let (blueprint, pages) =
            self.record_version(scope, blueprint_id, &write.operation, 0, true)?;
        Ok(SavedStructure { blueprint, pages })
    }

    pub(super) fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: u32,
    ) -> Result<Vec<VersionSummary>> {
        self.blueprint(scope, blueprint_id)?;
        Ok(self
            .history
            .rows
            .range((blueprint_id, i32::MIN)..=(blueprint_id, i32::MAX))
            .rev()
            .take(limit as usize)
            .map(|(_, v)| v.summary.clone())
            .collect())
    }

    pub(super) fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion> {
        let bp = self.blueprint(scope, blueprint_id)?;
        debug_assert!(visible(scope, bp.account_id, bp.site_id, bp.sector_id));
        self.history
            .rows
            .get(&(blueprint_id, version))
            .cloned()
            .ok_or_else(|| {
                Error::not_found(
                    "site_blueprint_version",
                    format!("{blueprint_id}/{version}"),
                )
            })
    }

    /// Forgets a deleted blueprint's history.
    pub(super) fn delete_versions(&mut self, blueprint_id: i64) {
        self.history.rows.retain(|(b, _), _| *b != blueprint_id);
    }
}

#[async_trait]
impl VersionStore for MemoryStore {
    fn set_version_retention(&self, keep: u32) {
        self.lock().history.keep = keep.max(1);
    }

    async fn write_content(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        write: ContentWrite,
    ) -> Result<SavedStructure> {
        self.lock().write_content(scope, blueprint_id, write)
    }

    async fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: u32,
    ) -> Result<Vec<VersionSummary>> {
        self.lock().list_versions(scope, blueprint_id, limit)
    }

    async fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion> {
        self.lock().get_version(scope, blueprint_id, version)
    }
}
