//! The asset operations that carry bytes (upload, download), which the JSON catalogue does not;
//! listing, deleting and usage go through `call` like every other operation. Names, content sniffing, size limits and the
//! per-account quota are the core's; nothing here decides what is accepted.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::json as value;
use sha2::{Digest, Sha256};

use crate::builder::{NativeSiteBuilder, json, scope};
use crate::call::{Call, Output};

#[pymethods]
impl NativeSiteBuilder {
    /// Stores a file of a blueprint; returns its record. With `idempotency_key`, a retried upload
    /// answers the first record instead of storing the file (and using quota) again.
    #[pyo3(signature = (account_id, blueprint_id, file_name, data, uploaded_by=None, site_id=None, sector_id=None, idempotency_key=None))]
    #[allow(clippy::too_many_arguments)]
    fn upload_asset(
        &self,
        account_id: i64,
        blueprint_id: i64,
        file_name: String,
        data: &Bound<'_, PyBytes>,
        uploaded_by: Option<String>,
        site_id: Option<i64>,
        sector_id: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Call {
        let bytes = data.as_bytes().to_vec();
        let s = scope(account_id, site_id, sector_id);
        self.call(move |sb| async move {
            let Some(key) = idempotency_key else {
                return json(
                    sb.assets()
                        .upload(&s, blueprint_id, &file_name, bytes, uploaded_by.as_deref())
                        .await?,
                );
            };
            // The request as the key remembers it: the content by its digest, not its bytes.
            let digest: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let request = value!({
                "blueprint_id": blueprint_id, "file_name": file_name, "sha256": digest,
                "site_id": site_id, "sector_id": sector_id,
            });
            let assets = sb.assets();
            let upload = assets.upload(&s, blueprint_id, &file_name, bytes, uploaded_by.as_deref());
            json(
                sb.idempotent(account_id, &key, "upload_asset", &request, || upload)
                    .await?,
            )
        })
    }

    /// An asset's record and content, as `(dict, bytes)`.
    #[pyo3(signature = (account_id, asset_id, site_id=None, sector_id=None))]
    fn download_asset(
        &self,
        account_id: i64,
        asset_id: i64,
        site_id: Option<i64>,
        sector_id: Option<i64>,
    ) -> Call {
        let s = scope(account_id, site_id, sector_id);
        self.output_call(move |sb| async move {
            let (asset, bytes) = sb.assets().download(&s, asset_id).await?;
            Ok(Output::JsonAndBytes(json(asset)?, bytes))
        })
    }

    /// The asset limits in force (the core's defaults where the host set none), known without
    /// opening the database so a host can bound how much of an upload it reads.
    fn asset_limits(&self) -> (u64, u64) {
        let config = &self.inner.config.assets;
        (config.max_file_bytes, config.account_quota_bytes)
    }
}
