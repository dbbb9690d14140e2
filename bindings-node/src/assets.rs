//! Site assets (images, PDFs a site shows): the options of `SiteBuilder.open({ assets })`, the
//! `SiteAsset` record, and the upload/download/list/delete/usage methods over the core's
//! `sb.assets()`. Checks (names, content sniffing, limits) all live in the core.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Buffer, Uint8Array};
use napi_derive::napi;

use crate::error::{IntoNapi, invalid};
use crate::inputs::{ScopeArg, scope};
use crate::site_builder::SiteBuilder;

/// Where uploaded files go and how much may be stored; every field is optional.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct AssetOptions {
    /// Local folder for the files (default `./sitebuilder-assets`, created on the first upload).
    pub root: Option<String>,
    /// An object store URL (`file:///srv/assets`, `memory:///`, …); wins over `root`.
    pub url: Option<String>,
    /// Backend options for `url` (region, endpoint, credentials…), as `object_store` names them.
    pub url_options: Option<HashMap<String, String>>,
    /// Largest file accepted, in bytes (default 10 MiB); larger uploads fail with `quota_exceeded`.
    pub max_file_bytes: Option<i64>,
    /// Bytes one account may store over all its files (default 200 MiB); an upload that does not
    /// fit fails with `quota_exceeded`.
    pub account_quota_bytes: Option<i64>,
}

fn byte_limit(name: &str, value: Option<i64>, default: u64) -> napi::Result<u64> {
    match value {
        None => Ok(default),
        Some(v) => u64::try_from(v).map_err(|_| {
            invalid(format!(
                "assets.{name} is {v}; give a number of bytes of at least 0"
            ))
        }),
    }
}

impl TryFrom<AssetOptions> for sitebuilder::AssetConfig {
    type Error = napi::Error;

    fn try_from(o: AssetOptions) -> napi::Result<Self> {
        let defaults = sitebuilder::AssetConfig::default();
        let mut url_options: Vec<(String, String)> =
            o.url_options.unwrap_or_default().into_iter().collect();
        url_options.sort();
        Ok(sitebuilder::AssetConfig {
            root: o.root.map(Into::into),
            url: o.url,
            url_options,
            max_file_bytes: byte_limit("maxFileBytes", o.max_file_bytes, defaults.max_file_bytes)?,
            account_quota_bytes: byte_limit(
                "accountQuotaBytes",
                o.account_quota_bytes,
                defaults.account_quota_bytes,
            )?,
        })
    }
}

/// A file uploaded for a blueprint (table `igny8_site_assets`). The bytes live in the asset
/// store under `key`; `downloadAsset` returns them checked against `checksumSha256`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SiteAsset {
    /// Primary key.
    pub id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site, copied from the blueprint.
    pub site_id: Option<i64>,
    /// The host's sector, copied from the blueprint.
    pub sector_id: Option<i64>,
    /// The blueprint the file belongs to.
    pub site_blueprint_id: i64,
    /// Object store key, `{accountId}/{blueprintId}/{uuid}-{sanitised name}`; unique.
    pub key: String,
    /// The name the uploader gave, as validated.
    pub file_name: String,
    /// MIME type detected from the content (`image/png`, `application/pdf`, …), never from the name.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lowercase hex, to verify or deduplicate downloads.
    pub checksum_sha256: String,
    /// Who uploaded it, as the host names its users.
    pub uploaded_by: Option<String>,
    /// When the upload completed.
    pub created_at: DateTime<Utc>,
}

impl From<sitebuilder::SiteAsset> for SiteAsset {
    fn from(a: sitebuilder::SiteAsset) -> Self {
        SiteAsset {
            id: a.id,
            account_id: a.account_id,
            site_id: a.site_id,
            sector_id: a.sector_id,
            site_blueprint_id: a.site_blueprint_id,
            key: a.key,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            checksum_sha256: a.checksum_sha256,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}

/// Optional details of an upload.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct UploadOptions {
    /// Who uploaded the file, as the host names its users (≤ 255 bytes).
    pub uploaded_by: Option<String>,
}

/// A downloaded asset: its record and its bytes.
#[napi(object)]
pub struct AssetDownload {
    /// The asset's record.
    pub asset: SiteAsset,
    /// The file's content, verified against `asset.checksumSha256`.
    pub data: Buffer,
}

impl std::fmt::Debug for AssetDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetDownload")
            .field("asset", &self.asset)
            .field("data_len", &self.data.len())
            .finish()
    }
}

/// How much of its asset quota an account uses.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AssetUsage {
    /// Bytes the account's files take.
    pub used_bytes: i64,
    /// Bytes the account may store (`assets.accountQuotaBytes`).
    pub quota_bytes: i64,
}

fn bytes_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[napi]
impl SiteBuilder {
    /// Stores a file of a blueprint: a PNG, JPEG, WebP, GIF, script-free SVG or PDF whose name
    /// matches its content. Refused with nothing written: a bad name or a content mismatch
    /// (`invalid_input`), a file or account over its limit (`quota_exceeded`), another account's
    /// blueprint (`not_found`).
    #[napi(
        ts_args_type = "scope: number | Scope, blueprintId: number, fileName: string, data: Buffer | Uint8Array, options?: UploadOptions"
    )]
    pub async fn upload_asset(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
        file_name: String,
        data: Uint8Array,
        options: Option<UploadOptions>,
    ) -> napi::Result<SiteAsset> {
        let uploaded_by = options.and_then(|o| o.uploaded_by);
        let asset = self
            .core()
            .assets()
            .upload(
                &scope(scope_arg),
                blueprint_id,
                &file_name,
                data.to_vec(),
                uploaded_by.as_deref(),
            )
            .await
            .napi()?;
        Ok(asset.into())
    }

    /// An asset's record and bytes; another account's asset is `not_found`, bytes changed in the
    /// store behind the library's back are `file_storage`.
    #[napi(ts_args_type = "scope: number | Scope, assetId: number")]
    pub async fn download_asset(
        &self,
        scope_arg: ScopeArg,
        asset_id: i64,
    ) -> napi::Result<AssetDownload> {
        let (asset, data) = self
            .core()
            .assets()
            .download(&scope(scope_arg), asset_id)
            .await
            .napi()?;
        Ok(AssetDownload {
            asset: asset.into(),
            data: data.into(),
        })
    }

    /// The assets of a blueprint, oldest first.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number")]
    pub async fn list_assets(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
    ) -> napi::Result<Vec<SiteAsset>> {
        let assets = self
            .core()
            .assets()
            .list(&scope(scope_arg), blueprint_id)
            .await
            .napi()?;
        Ok(assets.into_iter().map(Into::into).collect())
    }

    /// Deletes an asset's record and file; its bytes count against the quota no more.
    #[napi(ts_args_type = "scope: number | Scope, assetId: number")]
    pub async fn delete_asset(&self, scope_arg: ScopeArg, asset_id: i64) -> napi::Result<()> {
        self.core()
            .assets()
            .delete(&scope(scope_arg), asset_id)
            .await
            .napi()
    }

    /// Bytes the account's assets use, and its quota.
    #[napi]
    pub async fn asset_usage(&self, account_id: i64) -> napi::Result<AssetUsage> {
        let (used, quota) = self.core().assets().usage(account_id).await.napi()?;
        Ok(AssetUsage {
            used_bytes: bytes_i64(used),
            quota_bytes: bytes_i64(quota),
        })
    }
}
