//! Page blueprints and the blocks they are made of.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{PageStatus, PageType};

/// One block of a page, as the seed's renderer reads it: `{type, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Block {
    /// Block type from the block catalogue (`hero`, `text`, `features`, …).
    #[serde(rename = "type")]
    pub block_type: String,
    /// Type-specific content: heading, subheading, items, cta, ….
    #[serde(default = "empty_object")]
    pub data: Value,
    /// Stable id, when the editor assigned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Visual variant the renderer understands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// A locked block keeps its content when the page is regenerated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl Block {
    /// A block of `block_type` with `data`.
    pub fn new(block_type: impl Into<String>, data: Value) -> Self {
        Block {
            block_type: block_type.into(),
            data,
            id: None,
            variant: None,
            locked: false,
        }
    }
}

/// A page blueprint (`igny8_page_blueprints`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageBlueprint {
    /// Primary key.
    pub id: i64,
    /// The site blueprint this page belongs to.
    pub site_blueprint_id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site.
    pub site_id: Option<i64>,
    /// The host's sector.
    pub sector_id: Option<i64>,
    /// URL slug, unique within the blueprint.
    pub slug: String,
    /// Page title.
    pub title: String,
    /// What the page is for.
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// The page's blocks (`blocks_json`).
    pub blocks: Vec<Block>,
    /// Lifecycle status.
    pub status: PageStatus,
    /// Position in the sitemap.
    pub order: i32,
    /// Creation time (UTC).
    pub created_at: DateTime<Utc>,
    /// Last change (UTC).
    pub updated_at: DateTime<Utc>,
}

/// Fields for creating a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NewPage {
    /// URL slug: lowercase `a-z0-9-`, 1–255 characters.
    pub slug: String,
    /// Page title.
    pub title: String,
    /// What the page is for.
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// Initial blocks.
    pub blocks: Vec<Block>,
    /// Initial status.
    pub status: PageStatus,
    /// Position; `None` appends after the last page.
    pub order: Option<i32>,
}

/// A partial page update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PagePatch {
    /// New slug.
    pub slug: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New type.
    #[serde(rename = "type")]
    pub page_type: Option<PageType>,
    /// New blocks (replaces the list).
    pub blocks: Option<Vec<Block>>,
    /// New status.
    pub status: Option<PageStatus>,
    /// New position.
    pub order: Option<i32>,
}
