//! Records handed to JavaScript: plain objects with camelCase fields, mirrored from the core's types.
//!
//! Each struct's doc comments become the `index.d.ts` documentation, so they describe the field for
//! a Node user. Timestamps are `Date`s; free-form JSON (`structureJson`, block `data`, run results)
//! stays `any`. Conversions are field-for-field: no logic lives here.

use chrono::{DateTime, Utc};
use napi_derive::napi;
use serde_json::{Map, Value};
use sitebuilder::model;

use crate::enums::{BlueprintStatus, HostingType, OptionKind, PageStatus, PageType};

/// The wizard's answers stored in a blueprint's `config_json`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The business brief in the owner's words.
    pub business_brief: String,
    /// What the site should achieve ("book appointments", "sell online", …).
    pub objectives: Vec<String>,
    /// Free-form style preferences (palette, typography, layout hint, …).
    pub style: Map<String, Value>,
    /// Chosen business type option id.
    pub business_type_id: Option<i64>,
    /// Chosen audience profile option ids.
    pub audience_profile_ids: Vec<i64>,
    /// Chosen brand personality option ids.
    pub brand_personality_ids: Vec<i64>,
    /// Chosen hero imagery direction option id.
    pub hero_imagery_direction_id: Option<i64>,
    /// Slugs of pages the user locked: regeneration keeps their content.
    pub locked_pages: Vec<String>,
    /// Every other key of `config_json`, kept as-is (snake_case keys as stored).
    pub extra: Map<String, Value>,
}

impl From<model::SiteConfig> for SiteConfig {
    fn from(c: model::SiteConfig) -> Self {
        SiteConfig {
            business_brief: c.business_brief,
            objectives: c.objectives,
            style: c.style,
            business_type_id: c.business_type_id,
            audience_profile_ids: c.audience_profile_ids,
            brand_personality_ids: c.brand_personality_ids,
            hero_imagery_direction_id: c.hero_imagery_direction_id,
            locked_pages: c.locked_pages,
            extra: c.extra,
        }
    }
}

/// A site blueprint (table `igny8_site_blueprints`): what the wizard creates and generation fills.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SiteBlueprint {
    /// Primary key.
    pub id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site, when set.
    pub site_id: Option<i64>,
    /// The host's sector, when set.
    pub sector_id: Option<i64>,
    /// Display name (≤ 255 characters).
    pub name: String,
    /// Free text.
    pub description: String,
    /// The wizard's answers.
    pub config: SiteConfig,
    /// The last accepted generated structure (`{}` before the first generation): `{site, pages}`.
    pub structure_json: Value,
    /// Lifecycle status.
    pub status: BlueprintStatus,
    /// Hosting target.
    pub hosting_type: HostingType,
    /// +1 per accepted structure.
    pub version: i32,
    /// The version last deployed, if any.
    pub deployed_version: Option<i32>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<model::SiteBlueprint> for SiteBlueprint {
    fn from(b: model::SiteBlueprint) -> Self {
        SiteBlueprint {
            id: b.id,
            account_id: b.account_id,
            site_id: b.site_id,
            sector_id: b.sector_id,
            name: b.name,
            description: b.description,
            config: b.config.into(),
            structure_json: b.structure_json,
            status: b.status.into(),
            hosting_type: b.hosting_type.into(),
            version: b.version,
            deployed_version: b.deployed_version,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// One page of a blueprint listing.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BlueprintList {
    /// The blueprints, ordered by id.
    pub items: Vec<SiteBlueprint>,
    /// Pass as `afterId` to get the next page; absent at the end.
    pub next_after_id: Option<i64>,
}

impl From<model::Paged<model::SiteBlueprint>> for BlueprintList {
    fn from(p: model::Paged<model::SiteBlueprint>) -> Self {
        BlueprintList {
            items: p.items.into_iter().map(Into::into).collect(),
            next_after_id: p.next_after_id,
        }
    }
}

/// One block of a page, as the seed's renderer reads it: `{type, data}`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Block {
    /// Block type from the block catalogue (`hero`, `text`, `features`, …).
    #[napi(js_name = "type")]
    pub block_type: String,
    /// Type-specific content: heading, subheading, items, cta, …
    pub data: Option<Value>,
    /// Stable id, when the editor assigned one.
    pub id: Option<String>,
    /// Visual variant the renderer understands.
    pub variant: Option<String>,
    /// A locked block keeps its content when the page is regenerated.
    pub locked: Option<bool>,
}

impl From<model::Block> for Block {
    fn from(b: model::Block) -> Self {
        Block {
            block_type: b.block_type,
            data: Some(b.data),
            id: b.id,
            variant: b.variant,
            locked: Some(b.locked),
        }
    }
}

impl From<Block> for model::Block {
    fn from(b: Block) -> Self {
        let mut block = model::Block::new(
            b.block_type,
            b.data.unwrap_or_else(|| Value::Object(Map::new())),
        );
        block.id = b.id;
        block.variant = b.variant;
        block.locked = b.locked.unwrap_or(false);
        block
    }
}

/// A page blueprint (table `igny8_page_blueprints`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PageBlueprint {
    /// Primary key.
    pub id: i64,
    /// The site blueprint this page belongs to.
    pub site_blueprint_id: i64,
    /// Owning account (column `tenant_id`).
    pub account_id: i64,
    /// The host's site, when set.
    pub site_id: Option<i64>,
    /// The host's sector, when set.
    pub sector_id: Option<i64>,
    /// URL slug, unique within the blueprint.
    pub slug: String,
    /// Page title.
    pub title: String,
    /// What the page is for.
    #[napi(js_name = "type")]
    pub page_type: PageType,
    /// The page's blocks (`blocks_json`).
    pub blocks: Vec<Block>,
    /// Lifecycle status.
    pub status: PageStatus,
    /// Position in the sitemap.
    pub order: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<model::PageBlueprint> for PageBlueprint {
    fn from(p: model::PageBlueprint) -> Self {
        PageBlueprint {
            id: p.id,
            site_blueprint_id: p.site_blueprint_id,
            account_id: p.account_id,
            site_id: p.site_id,
            sector_id: p.sector_id,
            slug: p.slug,
            title: p.title,
            page_type: p.page_type.into(),
            blocks: p.blocks.into_iter().map(Into::into).collect(),
            status: p.status.into(),
            order: p.order,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One option of a wizard catalogue (business type, audience profile, …).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SiteBuilderOption {
    /// Primary key (store it in the blueprint config's `…Id` fields).
    pub id: i64,
    /// Which catalogue.
    pub kind: OptionKind,
    /// Unique name (≤ 120 characters).
    pub name: String,
    /// One sentence a person picks from.
    pub description: String,
    /// Inactive options are hidden from the dropdowns but kept for old blueprints.
    pub is_active: bool,
    /// Position in the dropdown.
    pub order: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<model::SiteBuilderOption> for SiteBuilderOption {
    fn from(o: model::SiteBuilderOption) -> Self {
        SiteBuilderOption {
            id: o.id,
            kind: o.kind.into(),
            name: o.name,
            description: o.description,
            is_active: o.is_active,
            order: o.order,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// The four option catalogues behind the wizard's dropdowns (the seed's metadata endpoint).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Business types.
    pub business_types: Vec<SiteBuilderOption>,
    /// Audience profiles.
    pub audience_profiles: Vec<SiteBuilderOption>,
    /// Brand personalities.
    pub brand_personalities: Vec<SiteBuilderOption>,
    /// Hero imagery directions.
    pub hero_imagery: Vec<SiteBuilderOption>,
}

impl From<sitebuilder::Metadata> for Metadata {
    fn from(m: sitebuilder::Metadata) -> Self {
        fn list(v: Vec<model::SiteBuilderOption>) -> Vec<SiteBuilderOption> {
            v.into_iter().map(Into::into).collect()
        }
        Metadata {
            business_types: list(m.business_types),
            audience_profiles: list(m.audience_profiles),
            brand_personalities: list(m.brand_personalities),
            hero_imagery: list(m.hero_imagery),
        }
    }
}
