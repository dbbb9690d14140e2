//! Site blueprints: the record the wizard creates and generation fills.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{BlueprintStatus, HostingType, SiteConfig};

/// A site blueprint (`igny8_site_blueprints`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteBlueprint {
    /// Primary key.
    pub id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site.
    pub site_id: Option<i64>,
    /// The host's sector.
    pub sector_id: Option<i64>,
    /// Display name (≤ 255 characters).
    pub name: String,
    /// Free text.
    pub description: String,
    /// The wizard's answers.
    pub config: SiteConfig,
    /// The last accepted generated structure (`{}` before the first generation).
    pub structure_json: Value,
    /// Lifecycle status.
    pub status: BlueprintStatus,
    /// Hosting target.
    pub hosting_type: HostingType,
    /// +1 per accepted structure.
    pub version: i32,
    /// The version last deployed, if any.
    pub deployed_version: Option<i32>,
    /// Creation time (UTC).
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
}

/// Fields for creating a blueprint; the rest take the seed's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NewBlueprint {
    /// Display name (required, ≤ 255 characters).
    pub name: String,
    /// Free text.
    pub description: String,
    /// The wizard's answers.
    pub config: SiteConfig,
    /// Hosting target (default `igny8_sites`).
    pub hosting_type: HostingType,
}

impl NewBlueprint {
    /// A blueprint with a name and a business brief.
    pub fn new(name: impl Into<String>, business_brief: impl Into<String>) -> Self {
        NewBlueprint {
            name: name.into(),
            config: SiteConfig {
                business_brief: business_brief.into(),
                ..SiteConfig::default()
            },
            ..NewBlueprint::default()
        }
    }
}

/// A partial update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct BlueprintPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New config (replaces the whole object).
    pub config: Option<SiteConfig>,
    /// New status.
    pub status: Option<BlueprintStatus>,
    /// New hosting target.
    pub hosting_type: Option<HostingType>,
    /// New deployed version.
    pub deployed_version: Option<i32>,
}

/// Filters and pagination for listing blueprints.
///
/// Pagination is keyset by id (ascending): pass the last id seen as `after_id` for the next page, so
/// pages stay stable while rows are added or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct BlueprintQuery {
    /// Only this status.
    pub status: Option<BlueprintStatus>,
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Rows after this id.
    pub after_id: Option<i64>,
    /// Page size (1–500, default 50).
    pub limit: u32,
}

impl Default for BlueprintQuery {
    fn default() -> Self {
        BlueprintQuery {
            status: None,
            site_id: None,
            sector_id: None,
            after_id: None,
            limit: 50,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Paged<T> {
    /// The rows, ordered by id.
    pub items: Vec<T>,
    /// Pass as `after_id` to get the next page; `None` at the end.
    pub next_after_id: Option<i64>,
    /// Rows matching the filters over all pages (`after_id` and `limit` aside): the real total a
    /// DRF-style `count` shows.
    #[serde(default)]
    pub count: u64,
}
