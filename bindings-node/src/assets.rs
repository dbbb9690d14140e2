//! Site assets (images, PDFs a site shows): the options of `SiteBuilder.open({ assets })` and the
//! two operations that carry bytes (listing, deleting and usage go through `call`). Checks (names,
//! content sniffing, limits) all live in the core.

use std::collections::HashMap;

use napi::bindgen_prelude::{Buffer, Uint8Array};
use napi_derive::napi;

use crate::error::{IntoNapi, invalid};
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

/// Where an upload or a download goes: the scope fields, the blueprint or asset, the file name.
#[derive(Debug, serde::Deserialize)]
struct AssetRequest {
    #[serde(flatten)]
    scope: sitebuilder::Scope,
    #[serde(default)]
    blueprint_id: i64,
    #[serde(default)]
    asset_id: i64,
    #[serde(default)]
    file_name: String,
    #[serde(default)]
    uploaded_by: Option<String>,
}

fn asset_request(request: &str) -> napi::Result<AssetRequest> {
    serde_json::from_str(request).map_err(|e| invalid(format!("asset request: {e}")))
}

fn asset_json(asset: &sitebuilder::SiteAsset) -> napi::Result<String> {
    serde_json::to_string(asset).map_err(|e| invalid(format!("asset record: {e}")))
}

/// A downloaded asset as the native layer hands it to `ops.js`: the record as JSON, the bytes.
#[napi(object)]
pub struct AssetBytes {
    /// The asset's record, JSON text of a `SiteAsset`.
    pub asset: String,
    /// The file's content, verified against the record's checksum.
    pub data: Buffer,
}

impl std::fmt::Debug for AssetBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetBytes")
            .field("data_len", &self.data.len())
            .finish()
    }
}

/// The asset operations that carry bytes, which the JSON catalogue does not; `ops.js` wraps them
/// as `uploadAsset(scope, blueprintId, fileName, data, options?)` and `downloadAsset(scope,
/// assetId)`. Names, content sniffing, limits and quotas are the core's.
#[napi]
impl SiteBuilder {
    /// Stores a file of a blueprint (`request`: scope, `blueprint_id`, `file_name`,
    /// `uploaded_by`); answers the `SiteAsset` record as JSON.
    #[napi]
    pub async fn upload_asset_bytes(
        &self,
        request: String,
        data: Uint8Array,
    ) -> napi::Result<String> {
        let r = asset_request(&request)?;
        let asset = (self.inner.assets())
            .upload(
                &r.scope,
                r.blueprint_id,
                &r.file_name,
                data.to_vec(),
                r.uploaded_by.as_deref(),
            )
            .await
            .napi()?;
        asset_json(&asset)
    }

    /// An asset's record (JSON) and bytes (`request`: scope, `asset_id`).
    #[napi]
    pub async fn download_asset_bytes(&self, request: String) -> napi::Result<AssetBytes> {
        let r = asset_request(&request)?;
        let (asset, data) = self
            .inner
            .assets()
            .download(&r.scope, r.asset_id)
            .await
            .napi()?;
        Ok(AssetBytes {
            asset: asset_json(&asset)?,
            data: data.into(),
        })
    }
}
