//! Options and inputs JavaScript passes in, converted to the core's types field for field.
//!
//! Every field a caller may leave out is optional here; the core's defaults apply.

use napi::bindgen_prelude::Either;
use napi_derive::napi;
use serde_json::{Map, Value};
use sitebuilder::model;

use crate::assets::AssetOptions;
use crate::enums::{BlueprintStatus, HostingType, PageStatus, PageType};
use crate::error::invalid;
use crate::records::Block;

/// How `SiteBuilder.open` connects to its database and AI provider.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// `sqlite://path/to/file.db` (created when missing), `postgres://user@host/db`, or `memory:` for
    /// a throwaway in-memory store. Default: `sqlite://sitebuilder.db`.
    pub database_url: Option<String>,
    /// Which model answers; default: from the environment (`SITEBUILDER_AI_BASE_URL`,
    /// `SITEBUILDER_AI_API_KEY` or `OPENAI_API_KEY`, `SITEBUILDER_AI_MODEL`), else the offline planner.
    pub provider: Option<ProviderOptions>,
    /// Prefix of every table name (default `igny8_`, the seed's tables).
    pub table_prefix: Option<String>,
    /// Apply pending migrations on open (default `true`). With `false`, calls on an outdated schema
    /// fail with `migration_required` until `migrate()` is called.
    pub auto_migrate: Option<bool>,
    /// Where uploaded site assets are stored and the size limits (default: `./sitebuilder-assets`,
    /// 10 MiB per file, 200 MiB per account).
    pub assets: Option<AssetOptions>,
    /// Where `publish` uploads sites of hosting type `igny8_sites`: an object store URL
    /// (`file:///srv/sites`, `s3://bucket/sites` when compiled in).
    pub publish_url: Option<String>,
    /// The address published sites are served from (canonical URLs, Open Graph, `sitemap.xml`).
    pub base_url: Option<String>,
    /// Where the rendered sites' forms post (default `#`).
    pub form_action: Option<String>,
    /// A folder of templates overriding the shipped ones by relative path.
    pub template_dir: Option<String>,
}

/// An AI provider as a plain object, chosen by `kind`:
/// `{ kind: "openai", baseUrl, apiKey, model }`, `{ kind: "offline" }`, `{ kind: "replay", path }`,
/// `{ kind: "env" }` (read the environment, the default), or `{ kind: "fallback", providers }` (each
/// in turn, moving on when one is unavailable or rejects the request).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ProviderOptions {
    /// Which provider.
    #[napi(ts_type = "'openai' | 'offline' | 'replay' | 'env' | 'fallback'")]
    pub kind: String,
    /// OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1` (`kind: "openai"`; required).
    pub base_url: Option<String>,
    /// Bearer key (`kind: "openai"`); never logged.
    pub api_key: Option<String>,
    /// Model name (`kind: "openai"`; required), e.g. `gpt-4o-mini`.
    pub model: Option<String>,
    /// Per-request timeout in seconds (`kind: "openai"`).
    pub timeout_secs: Option<f64>,
    /// Retries on 429/5xx and transport errors (`kind: "openai"`).
    pub max_retries: Option<u32>,
    /// How JSON is asked for (`kind: "openai"`): "auto" (default), "json_schema",
    /// "json_object_schema" (llama.cpp's server and llama-cpp-python), "json_object" or "off".
    pub json_mode: Option<String>,
    /// File of recorded answers (`kind: "replay"`; required).
    pub path: Option<String>,
    /// The chain, first choice first (`kind: "fallback"`; required, not empty).
    pub providers: Option<Vec<ProviderOptions>>,
}

impl TryFrom<ProviderOptions> for sitebuilder::ProviderConfig {
    type Error = napi::Error;

    fn try_from(p: ProviderOptions) -> napi::Result<Self> {
        Ok(match p.kind.as_str() {
            "openai" => sitebuilder::ProviderConfig::OpenAiCompatible {
                base_url: p
                    .base_url
                    .ok_or_else(|| invalid("provider.baseUrl is required for kind \"openai\""))?,
                api_key: p.api_key,
                model: p
                    .model
                    .ok_or_else(|| invalid("provider.model is required for kind \"openai\""))?,
                timeout_secs: p.timeout_secs,
                max_retries: p.max_retries,
                json_mode: p
                    .json_mode
                    .as_deref()
                    .map(str::parse::<sitebuilder::ai::provider::JsonMode>)
                    .transpose()
                    .map_err(|e| invalid(format!("provider.jsonMode: {e}")))?,
            },
            "offline" => sitebuilder::ProviderConfig::Offline,
            "replay" => sitebuilder::ProviderConfig::Replay {
                path: p
                    .path
                    .ok_or_else(|| invalid("provider.path is required for kind \"replay\""))?
                    .into(),
            },
            "env" => sitebuilder::ProviderConfig::FromEnv,
            "fallback" => sitebuilder::ProviderConfig::Fallback {
                providers: p
                    .providers
                    .filter(|chain| !chain.is_empty())
                    .ok_or_else(|| {
                        invalid("provider.providers (a non-empty list) is required for kind \"fallback\"")
                    })?
                    .into_iter()
                    .map(Self::try_from)
                    .collect::<napi::Result<_>>()?,
            },
            other => {
                return Err(invalid(format!(
                    "unknown provider kind {other:?}; expected \"openai\", \"offline\", \"replay\", \"env\" or \"fallback\""
                )));
            }
        })
    }
}

/// Which account (and optionally which site and sector) a call acts for.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// The owning account (stored in the seed's `tenant_id` column).
    pub account_id: i64,
    /// The host's site id, when the host has sites.
    pub site_id: Option<i64>,
    /// The host's sector id, when the host has sectors.
    pub sector_id: Option<i64>,
}

/// An account id alone, or a full scope object.
pub(crate) type ScopeArg = Either<i64, Scope>;

/// The core scope for a scope argument.
pub(crate) fn scope(arg: ScopeArg) -> model::Scope {
    match arg {
        Either::A(account_id) => model::Scope::account(account_id),
        Either::B(s) => model::Scope {
            account_id: s.account_id,
            site_id: s.site_id,
            sector_id: s.sector_id,
        },
    }
}

/// Blueprint config fields to set; absent fields take their defaults.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct SiteConfigInput {
    /// The business brief in the owner's words.
    pub business_brief: Option<String>,
    /// What the site should achieve.
    pub objectives: Option<Vec<String>>,
    /// Free-form style preferences.
    pub style: Option<Map<String, Value>>,
    /// Chosen business type option id.
    pub business_type_id: Option<i64>,
    /// Chosen audience profile option ids.
    pub audience_profile_ids: Option<Vec<i64>>,
    /// Chosen brand personality option ids.
    pub brand_personality_ids: Option<Vec<i64>>,
    /// Chosen hero imagery direction option id.
    pub hero_imagery_direction_id: Option<i64>,
    /// Slugs of pages whose content regeneration must keep.
    pub locked_pages: Option<Vec<String>>,
    /// Any other keys to store in `config_json` as-is.
    pub extra: Option<Map<String, Value>>,
}

impl From<SiteConfigInput> for model::SiteConfig {
    fn from(c: SiteConfigInput) -> Self {
        model::SiteConfig {
            business_brief: c.business_brief.unwrap_or_default(),
            objectives: c.objectives.unwrap_or_default(),
            style: c.style.unwrap_or_default(),
            business_type_id: c.business_type_id,
            audience_profile_ids: c.audience_profile_ids.unwrap_or_default(),
            brand_personality_ids: c.brand_personality_ids.unwrap_or_default(),
            hero_imagery_direction_id: c.hero_imagery_direction_id,
            locked_pages: c.locked_pages.unwrap_or_default(),
            extra: c.extra.unwrap_or_default(),
        }
    }
}

/// Fields of a new blueprint.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct NewBlueprint {
    /// Display name (required, ≤ 255 characters).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The wizard's answers: at least `businessBrief` before generating.
    pub config: Option<SiteConfigInput>,
    /// Hosting target (default `igny8_sites`).
    pub hosting_type: Option<HostingType>,
}

impl From<NewBlueprint> for model::NewBlueprint {
    fn from(b: NewBlueprint) -> Self {
        model::NewBlueprint {
            name: b.name,
            description: b.description.unwrap_or_default(),
            config: b.config.map(Into::into).unwrap_or_default(),
            hosting_type: b.hosting_type.map(Into::into).unwrap_or_default(),
        }
    }
}

/// A partial blueprint update: absent fields stay as they are.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BlueprintPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New config (replaces the whole object).
    pub config: Option<SiteConfigInput>,
    /// New status.
    pub status: Option<BlueprintStatus>,
    /// New hosting target.
    pub hosting_type: Option<HostingType>,
    /// New deployed version.
    pub deployed_version: Option<i32>,
}

impl From<BlueprintPatch> for model::BlueprintPatch {
    fn from(p: BlueprintPatch) -> Self {
        model::BlueprintPatch {
            name: p.name,
            description: p.description,
            config: p.config.map(Into::into),
            status: p.status.map(Into::into),
            hosting_type: p.hosting_type.map(Into::into),
            deployed_version: p.deployed_version,
        }
    }
}

/// Filters and keyset pagination for `listBlueprints`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BlueprintQuery {
    /// Only this status.
    pub status: Option<BlueprintStatus>,
    /// Only this site.
    pub site_id: Option<i64>,
    /// Only this sector.
    pub sector_id: Option<i64>,
    /// Rows after this id (the previous page's `nextAfterId`).
    pub after_id: Option<i64>,
    /// Page size (1–500, default 50).
    pub limit: Option<u32>,
}

impl From<BlueprintQuery> for model::BlueprintQuery {
    fn from(q: BlueprintQuery) -> Self {
        let defaults = model::BlueprintQuery::default();
        model::BlueprintQuery {
            status: q.status.map(Into::into),
            site_id: q.site_id,
            sector_id: q.sector_id,
            after_id: q.after_id,
            limit: q.limit.unwrap_or(defaults.limit),
        }
    }
}

/// Fields of a new page.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct NewPage {
    /// URL slug: lowercase `a-z0-9-`, 1–255 characters, unique in the blueprint.
    pub slug: String,
    /// Page title.
    pub title: Option<String>,
    /// What the page is for (default `custom`).
    #[napi(js_name = "type")]
    pub page_type: Option<PageType>,
    /// Initial blocks.
    pub blocks: Option<Vec<Block>>,
    /// Initial status (default `draft`).
    pub status: Option<PageStatus>,
    /// Position; absent appends after the last page.
    pub order: Option<i32>,
}

impl From<NewPage> for model::NewPage {
    fn from(p: NewPage) -> Self {
        model::NewPage {
            slug: p.slug,
            title: p.title.unwrap_or_default(),
            page_type: p.page_type.map(Into::into).unwrap_or_default(),
            blocks: p
                .blocks
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            status: p.status.map(Into::into).unwrap_or_default(),
            order: p.order,
        }
    }
}

/// A partial page update: absent fields stay as they are.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct PagePatch {
    /// New slug.
    pub slug: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New type.
    #[napi(js_name = "type")]
    pub page_type: Option<PageType>,
    /// New blocks (replaces the list).
    pub blocks: Option<Vec<Block>>,
    /// New status.
    pub status: Option<PageStatus>,
    /// New position.
    pub order: Option<i32>,
}

impl From<PagePatch> for model::PagePatch {
    fn from(p: PagePatch) -> Self {
        model::PagePatch {
            slug: p.slug,
            title: p.title,
            page_type: p.page_type.map(Into::into),
            blocks: p
                .blocks
                .map(|blocks| blocks.into_iter().map(Into::into).collect()),
            status: p.status.map(Into::into),
            order: p.order,
        }
    }
}
