//! Site assets: the files of a site blueprint (logos, hero images, documents).
//!
//! Bytes go to an object store (a local folder by default, any `object_store` URL by
//! configuration); what the library trusts about them (sniffed type, size, checksum, uploader) is
//! a row of `{prefix}sb_site_assets`, tenant-scoped like every other table.
//!
//! An upload is checked completely before anything is written (name, size, content type, the
//! blueprint in scope), then reserves its bytes against the account's quota in one atomic database
//! update, then writes the object in one `put`, then records the row. If the write or the row
//! fails, the reservation is given back and the object removed, so a failed upload leaves neither
//! a file nor used quota behind, and concurrent uploads can never pass the quota together.

mod names;
mod sniff;
pub(crate) mod store;

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

pub use names::{MAX_FILE_NAME_BYTES, validate_file_name};
pub use sniff::{ALLOWED, AssetKind, sniff};

pub use crate::model::SiteAsset;
use crate::model::{NewAssetRow, Scope};
use crate::store::Storage;
use crate::{Error, Result};
use store::Objects;

/// Where assets are stored and how much an account may store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetConfig {
    /// Local folder for assets when no `url` is given (default `./sitebuilder-assets`, created on
    /// the first upload so hosts that never upload get no stray folder).
    pub root: Option<PathBuf>,
    /// An `object_store` URL (`memory:///`, `file:///srv/assets`, `s3://bucket/prefix` when that
    /// backend is compiled in); when set it wins over `root`.
    pub url: Option<String>,
    /// Backend options for `url` (region, credentials, endpoint…), as `object_store` names them.
    pub url_options: Vec<(String, String)>,
    /// Largest file accepted, in bytes (default 10 MiB).
    pub max_file_bytes: u64,
    /// Bytes one account may store across all its assets (default 200 MiB).
    pub account_quota_bytes: u64,
}

impl Default for AssetConfig {
    fn default() -> Self {
        AssetConfig {
            root: None,
            url: None,
            url_options: Vec::new(),
            max_file_bytes: 10 * 1024 * 1024,
            account_quota_bytes: 200 * 1024 * 1024,
        }
    }
}

impl AssetConfig {
    /// Defaults with the local folder at `root`.
    pub fn local(root: impl Into<PathBuf>) -> Self {
        AssetConfig {
            root: Some(root.into()),
            ..AssetConfig::default()
        }
    }
}

/// Uploads, downloads, lists and deletes the files of site blueprints. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Assets {
    storage: Arc<dyn Storage>,
    config: Arc<AssetConfig>,
    objects: Arc<OnceCell<Objects>>,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Assets {
    /// Assets over `storage` with `config`. A `url` is parsed now, so a bad one fails here; a
    /// local folder is created on first use.
    pub fn new(storage: Arc<dyn Storage>, config: AssetConfig) -> Result<Assets> {
        let objects = OnceCell::new();
        if let Some(url) = &config.url {
            let opened = Objects::from_url(url, &config.url_options)?;
            objects
                .set(opened)
                .map_err(|_| Error::config("asset store initialised twice"))?;
        }
        if config.max_file_bytes == 0 {
            return Err(Error::config("max_file_bytes must be at least 1"));
        }
        Ok(Assets {
            storage,
            config: Arc::new(config),
            objects: Arc::new(objects),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &AssetConfig {
        &self.config
    }

    async fn objects(&self) -> Result<&Objects> {
        self.objects
            .get_or_try_init(|| async {
                let root = self.config.root.clone().unwrap_or_else(store::default_root);
                tokio::task::spawn_blocking(move || Objects::local(&root))
                    .await
                    .map_err(|e| Error::FileStorage {
                        message: format!("opening the asset folder: {e}"),
                        source: None,
                    })?
            })
            .await
    }

    /// Stores a file of a blueprint and returns its record.
    ///
    /// Refused before anything is written: a bad name (`..`, a path separator, NUL, over 255
    /// bytes), content that is not an allowed kind or whose extension names another kind, an
    /// SVG that could run script (`invalid_input`); a file over `max_file_bytes` or one that does
    /// not fit the account's quota (`quota_exceeded`); a blueprint not in `scope` (`not_found`).
    pub async fn upload(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        file_name: &str,
        bytes: impl Into<Bytes>,
        uploaded_by: Option<&str>,
    ) -> Result<SiteAsset> {
        let bytes: Bytes = bytes.into();
        validate_file_name(file_name)?;
        if bytes.is_empty() {
            return Err(Error::invalid(format!(
                "file {file_name:?} is empty; upload a file with content"
            )));
        }
        let size = bytes.len() as u64;
        if size > self.config.max_file_bytes {
            // No size in the message: a host reads at most one byte past the limit, so the size
            // here is not the file's.
            let limit = self.config.max_file_bytes;
            return Err(Error::QuotaExceeded {
                message: format!(
                    "file {file_name:?} is larger than the limit per file of {limit} bytes (max_file_bytes): upload a smaller file"
                ),
            });
        }
        let kind = sniff(&bytes)?;
        sniff::check_extension(file_name, names::extension(file_name).as_deref(), kind)?;
        if let Some(by) = uploaded_by.filter(|b| b.len() > 255) {
            return Err(Error::invalid(format!(
                "uploaded_by is {} bytes; the limit is 255",
                by.len()
            )));
        }
        let blueprint = self.storage.get_blueprint(scope, blueprint_id).await?;
        let objects = self.objects().await?;
        let checksum = crate::schema::hex(&Sha256::digest(&bytes));
        let key = format!(
            "{}/{}/{}-{}",
            scope.account_id,
            blueprint.id,
            uuid::Uuid::new_v4(),
            names::key_segment(file_name)
        );
        let size = to_i64(size);
        self.storage
            .reserve_asset_bytes(
                scope.account_id,
                size,
                to_i64(self.config.account_quota_bytes),
            )
            .await?;
        let guard = Undo {
            storage: Arc::clone(&self.storage),
            objects: objects.clone(),
            account_id: scope.account_id,
            bytes: size,
            key: Some(key.clone()),
        };
        if let Err(e) = objects.put(&key, bytes).await {
            guard.run().await;
            return Err(e);
        }
        let row = NewAssetRow {
            account_id: scope.account_id,
            site_id: blueprint.site_id,
            sector_id: blueprint.sector_id,
            site_blueprint_id: blueprint.id,
            key,
            file_name: file_name.to_string(),
            content_type: kind.mime().to_string(),
            size_bytes: size,
            checksum_sha256: checksum,
            uploaded_by: uploaded_by.map(str::to_string),
        };
        match self.storage.insert_asset(row).await {
            Ok(asset) => {
                guard.disarm();
                Ok(asset)
            }
            Err(e) => {
                guard.run().await;
                Err(e)
            }
        }
    }

    /// An asset's record and bytes; the bytes are checked against the recorded checksum.
    pub async fn download(&self, scope: &Scope, asset_id: i64) -> Result<(SiteAsset, Vec<u8>)> {
        let asset = self.storage.get_asset(scope, asset_id).await?;
        let bytes = self.objects().await?.get(&asset.key).await?;
        let checksum = crate::schema::hex(&Sha256::digest(&bytes));
        if checksum != asset.checksum_sha256 {
            return Err(Error::FileStorage {
                message: format!(
                    "asset {asset_id} ({}) changed in the object store: checksum {checksum}, recorded {}; restore the object or delete the asset",
                    asset.key, asset.checksum_sha256
                ),
                source: None,
            });
        }
        Ok((asset, bytes.to_vec()))
    }

    /// Assets of a blueprint, oldest first; a blueprint not in `scope` is `not_found`.
    pub async fn list(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<SiteAsset>> {
        self.storage.get_blueprint(scope, blueprint_id).await?;
        self.storage.list_assets(scope, blueprint_id).await
    }

    /// Deletes an asset: its row, then its object, then its bytes come back to the quota.
    pub async fn delete(&self, scope: &Scope, asset_id: i64) -> Result<()> {
        let asset = self.storage.delete_asset(scope, asset_id).await?;
        self.objects().await?.delete(&asset.key).await?;
        self.storage
            .release_asset_bytes(asset.account_id, asset.size_bytes)
            .await
    }

    /// Bytes the account's assets use and its quota.
    pub async fn usage(&self, account_id: i64) -> Result<(u64, u64)> {
        let used = self.storage.asset_bytes_used(account_id).await?;
        Ok((
            u64::try_from(used).unwrap_or(0),
            self.config.account_quota_bytes,
        ))
    }
}

/// Undoes a half-done upload (reserved bytes, maybe a written object) unless disarmed. It runs on
/// every early return and also when the upload future is dropped midway (a cancelled request),
/// so neither quota nor files leak.
struct Undo {
    storage: Arc<dyn Storage>,
    objects: Objects,
    account_id: i64,
    bytes: i64,
    key: Option<String>,
}

impl Undo {
    /// The upload succeeded: keep everything.
    fn disarm(mut self) {
        self.key = None;
    }

    /// The upload failed: undo now, so the caller's error arrives with nothing left behind.
    async fn run(mut self) {
        if let Some(key) = self.key.take() {
            undo(
                Arc::clone(&self.storage),
                self.objects.clone(),
                self.account_id,
                self.bytes,
                key,
            )
            .await;
        }
    }
}

/// Removes the object, then gives the bytes back (in that order, so the quota never counts a
/// file as gone while it is still there).
async fn undo(
    storage: Arc<dyn Storage>,
    objects: Objects,
    account_id: i64,
    bytes: i64,
    key: String,
) {
    if let Err(e) = objects.delete(&key).await {
        tracing::warn!(key = %key, error = %e, "could not remove the object of a failed upload");
    }
    if let Err(e) = storage.release_asset_bytes(account_id, bytes).await {
        tracing::warn!(account_id, bytes, error = %e, "could not give back the bytes of a failed upload");
    }
}

impl Drop for Undo {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let undo = undo(
            Arc::clone(&self.storage),
            self.objects.clone(),
            self.account_id,
            self.bytes,
            key,
        );
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => drop(handle.spawn(undo)),
            Err(_) => tracing::warn!(
                account_id = self.account_id,
                bytes = self.bytes,
                "no runtime to undo a failed upload on"
            ),
        }
    }
}

impl std::fmt::Debug for Undo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Undo")
            .field("account_id", &self.account_id)
            .field("key", &self.key)
            .finish()
    }
}
