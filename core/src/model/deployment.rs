//! Deployments: one row per publish of a blueprint's rendered site (`{prefix}site_deployments`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One publish attempt and what it shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deployment {
    /// Primary key.
    pub id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site, copied from the blueprint.
    pub site_id: Option<i64>,
    /// The host's sector, copied from the blueprint.
    pub sector_id: Option<i64>,
    /// The blueprint published.
    pub site_blueprint_id: i64,
    /// The blueprint version the files were rendered from.
    pub version: i32,
    /// Where the release lives: the hosting store URL and the release folder in it.
    pub target: String,
    /// Files shipped.
    pub files: i64,
    /// Bytes shipped.
    pub bytes: i64,
    /// SHA-256 over every file's path and content (as `export_site` reports it).
    pub checksum: String,
    /// `publishing`, `deployed`, `failed`, `superseded` or `unpublished`.
    pub status: String,
    /// Why a failed deployment failed.
    pub error: Option<String>,
    /// When the upload started (UTC).
    pub started_at: DateTime<Utc>,
    /// When it ended (UTC); `None` while publishing.
    pub finished_at: Option<DateTime<Utc>>,
}

/// A deployment row to insert, status `publishing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeployment {
    /// Owning account.
    pub account_id: i64,
    /// The blueprint's site.
    pub site_id: Option<i64>,
    /// The blueprint's sector.
    pub sector_id: Option<i64>,
    /// The blueprint.
    pub site_blueprint_id: i64,
    /// Its version.
    pub version: i32,
    /// Store URL and release folder.
    pub target: String,
    /// Files to ship.
    pub files: i64,
    /// Bytes to ship.
    pub bytes: i64,
    /// Site checksum.
    pub checksum: String,
}
