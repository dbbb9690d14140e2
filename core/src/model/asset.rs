//! Site assets: files (logos, hero images, documents) attached to a site blueprint.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;

/// One stored file of a site blueprint (`{prefix}sb_site_assets`).
///
/// The bytes live in the object store under `key`; this row is what the library trusts about
/// them (type sniffed from the content, size and checksum computed on upload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Object store key, `{account_id}/{blueprint_id}/{uuid}-{sanitised name}`; unique.
    pub key: String,
    /// The name the uploader gave, as validated.
    pub file_name: String,
    /// MIME type detected from the content (`image/png`, `application/pdf`, …).
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lowercase hex, so hosts can verify or deduplicate downloads.
    pub checksum_sha256: String,
    /// Who uploaded it, as the host names its users.
    pub uploaded_by: Option<String>,
    /// When the upload completed (UTC).
    pub created_at: DateTime<Utc>,
}

/// An asset row to insert, built by [`crate::files::Assets`] after the object is written.
///
/// Stores take it as given: the caller already checked the blueprint is in scope and copied its
/// site and sector, as pages take their blueprint's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssetRow {
    /// Owning account.
    pub account_id: i64,
    /// The blueprint's site.
    pub site_id: Option<i64>,
    /// The blueprint's sector.
    pub sector_id: Option<i64>,
    /// The blueprint.
    pub site_blueprint_id: i64,
    /// Object store key.
    pub key: String,
    /// Validated file name.
    pub file_name: String,
    /// Detected MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256, lowercase hex.
    pub checksum_sha256: String,
    /// Uploader, if the host names one.
    pub uploaded_by: Option<String>,
}

/// The error for an upload that does not fit, with the numbers and what to do.
pub(crate) fn quota_error(account_id: i64, bytes: i64, used: i64, quota: i64) -> Error {
    Error::QuotaExceeded {
        message: format!(
            "account {account_id} uses {used} of its {quota} bytes of asset storage; a file of {bytes} bytes does not fit ({} bytes free): delete assets or raise account_quota_bytes",
            (quota - used).max(0)
        ),
    }
}
