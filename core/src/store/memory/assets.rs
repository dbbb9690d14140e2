//! Site assets of the in-memory store: metadata rows and the per-account byte counter.

use std::collections::{BTreeMap, HashMap};

use super::MemoryStore;
use super::{now, visible};
use crate::model::{NewAssetRow, Scope, SiteAsset, quota_error};
use crate::store::traits::AssetStore;
use crate::{Error, Result};
use async_trait::async_trait;

/// Asset rows and bytes used per account.
#[derive(Debug, Default)]
pub(super) struct AssetTable {
    next_id: i64,
    rows: BTreeMap<i64, SiteAsset>,
    used: HashMap<i64, i64>,
}

impl AssetTable {
    /// Adds `bytes` if the account stays within `quota`; the store's lock makes it atomic.
    pub(super) fn reserve(&mut self, account_id: i64, bytes: i64, quota: i64) -> Result<i64> {
        if bytes < 0 {
            return Err(Error::invalid(format!(
                "cannot reserve a negative number of bytes ({bytes})"
            )));
        }
        let used = self.used(account_id);
        if used.saturating_add(bytes) > quota {
            return Err(quota_error(account_id, bytes, used, quota));
        }
        let total = used + bytes;
        self.used.insert(account_id, total);
        Ok(total)
    }

    pub(super) fn release(&mut self, account_id: i64, bytes: i64) {
        if bytes <= 0 {
            return;
        }
        if let Some(used) = self.used.get_mut(&account_id) {
            *used = (*used - bytes).max(0);
        }
    }

    pub(super) fn used(&self, account_id: i64) -> i64 {
        self.used.get(&account_id).copied().unwrap_or(0)
    }

    pub(super) fn insert(&mut self, row: NewAssetRow) -> Result<SiteAsset> {
        if self.rows.values().any(|a| a.key == row.key) {
            return Err(Error::conflict(format!(
                "recording a site asset: key {:?} exists; upload again to get a fresh key",
                row.key
            )));
        }
        self.next_id += 1;
        let asset = SiteAsset {
            id: self.next_id,
            account_id: row.account_id,
            site_id: row.site_id,
            sector_id: row.sector_id,
            site_blueprint_id: row.site_blueprint_id,
            key: row.key,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            checksum_sha256: row.checksum_sha256,
            uploaded_by: row.uploaded_by,
            created_at: now(),
        };
        self.rows.insert(asset.id, asset.clone());
        Ok(asset)
    }

    pub(super) fn get(&self, scope: &Scope, id: i64) -> Result<&SiteAsset> {
        self.rows
            .get(&id)
            .filter(|a| visible(scope, a.account_id, a.site_id, a.sector_id))
            .ok_or_else(|| Error::not_found("site_asset", id))
    }

    pub(super) fn list(&self, scope: &Scope, blueprint_id: i64) -> Vec<SiteAsset> {
        self.rows
            .values()
            .filter(|a| {
                a.site_blueprint_id == blueprint_id
                    && visible(scope, a.account_id, a.site_id, a.sector_id)
            })
            .cloned()
            .collect()
    }

    pub(super) fn delete(&mut self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.get(scope, id)?;
        self.rows
            .remove(&id)
            .ok_or_else(|| Error::not_found("site_asset", id))
    }
}

#[async_trait]
impl AssetStore for MemoryStore {
    async fn reserve_asset_bytes(&self, account_id: i64, bytes: i64, quota: i64) -> Result<i64> {
        self.lock().assets.reserve(account_id, bytes, quota)
    }

    async fn release_asset_bytes(&self, account_id: i64, bytes: i64) -> Result<()> {
        self.lock().assets.release(account_id, bytes);
        Ok(())
    }

    async fn insert_asset(&self, row: NewAssetRow) -> Result<SiteAsset> {
        self.lock().assets.insert(row)
    }

    async fn get_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.lock().assets.get(scope, id).cloned()
    }

    async fn list_assets(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<SiteAsset>> {
        Ok(self.lock().assets.list(scope, blueprint_id))
    }

    async fn delete_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.lock().assets.delete(scope, id)
    }

    async fn asset_bytes_used(&self, account_id: i64) -> Result<i64> {
        Ok(self.lock().assets.used(account_id))
    }
}
