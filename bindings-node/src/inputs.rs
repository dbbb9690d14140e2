//! The options of `SiteBuilder.open`: a typed object rather than JSON because napi generates
//! their declarations with docs, and the provider chain is checked field by field here.
//!
//! Every field a caller may leave out is optional; the core's defaults apply.

use napi_derive::napi;

use crate::assets::AssetOptions;
use crate::error::invalid;

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
    /// Stream answers so pages show while the model writes (`kind: "openai"`; default on);
    /// `false` for servers whose streams misbehave.
    pub stream: Option<bool>,
    /// Whole site in one answer or in steps (`kind: "openai"`): "auto" (default: in steps for a
    /// server on this machine, where small models run, one answer for a hosted one), "whole",
    /// "steps" (a sitemap first, then each page) or "planned" (pages and block types from the
    /// embedded planner, every word from the model: for the smallest models).
    #[napi(ts_type = "'auto' | 'whole' | 'steps' | 'planned'")]
    pub generation: Option<String>,
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
                stream: p.stream,
                generation: p
                    .generation
                    .as_deref()
                    .map(str::parse::<sitebuilder::Generation>)
                    .transpose()
                    .map_err(|e| invalid(format!("provider.generation: {e}")))?,
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
