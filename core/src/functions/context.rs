//! Shared helpers to turn records into prompt variables and planner context.

use serde_json::{Value, json};

use crate::Result;
use crate::model::{OptionKind, SiteBuilderOption, SiteConfig};
use crate::store::Storage;

/// The options a blueprint's config chose, resolved to their records.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChosenOptions {
    pub business_type: Option<SiteBuilderOption>,
    pub audience_profiles: Vec<SiteBuilderOption>,
    pub brand_personalities: Vec<SiteBuilderOption>,
    pub hero_imagery: Option<SiteBuilderOption>,
}

impl ChosenOptions {
    /// Looks the config's option ids up (inactive options still count: old blueprints keep them).
    /// The catalogues are read at once: one round trip of latency instead of four.
    pub(crate) async fn load(storage: &dyn Storage, config: &SiteConfig) -> Result<Self> {
        async fn pick(
            storage: &dyn Storage,
            kind: OptionKind,
            ids: &[i64],
        ) -> Result<Vec<SiteBuilderOption>> {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let all = storage.list_all_options(kind).await?;
            Ok(ids
                .iter()
                .filter_map(|id| all.iter().find(|o| o.id == *id).cloned())
                .collect())
        }
        let business_type: Vec<i64> = config.business_type_id.into_iter().collect();
        let hero_imagery: Vec<i64> = config.hero_imagery_direction_id.into_iter().collect();
        let (business_type, audience_profiles, brand_personalities, hero_imagery) = tokio::try_join!(
            pick(storage, OptionKind::BusinessType, &business_type),
            pick(
                storage,
                OptionKind::AudienceProfile,
                &config.audience_profile_ids
            ),
            pick(
                storage,
                OptionKind::BrandPersonality,
                &config.brand_personality_ids
            ),
            pick(storage, OptionKind::HeroImagery, &hero_imagery),
        )?;
        Ok(ChosenOptions {
            business_type: business_type.into_iter().next(),
            audience_profiles,
            brand_personalities,
            hero_imagery: hero_imagery.into_iter().next(),
        })
    }
}

/// `{"name", "description"}` of an option, for planner context.
pub(crate) fn option_json(o: &SiteBuilderOption) -> Value {
    json!({"name": o.name, "description": o.description})
}

/// "Name — description" lines, or `None` when nothing was chosen. Option names and
/// descriptions are editable by a host's users, so they reach prompts as data.
pub(crate) fn describe(options: &[SiteBuilderOption]) -> Option<String> {
    (!options.is_empty()).then(|| {
        options
            .iter()
            .map(|o| format!("{} — {}", o.name, o.description))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Bulleted objectives, or `None` when there are none.
pub(crate) fn bullets(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| {
        items
            .iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// A prompt value: user-written (or model-written) `text` fenced as the data block `name`, or,
/// when there is none, the host's own `fallback` line, which stays an instruction.
pub(crate) fn data_or(name: &str, text: Option<String>, fallback: &str) -> String {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => crate::prompts::data_block(name, &t),
        None => fallback.to_string(),
    }
}

/// The scope a payload asks for: the account plus the optional `site_id` / `sector_id` keys.
pub(crate) fn payload_scope(account_id: i64, payload: &serde_json::Value) -> crate::model::Scope {
    use crate::ai::function::payload_opt_id;
    crate::model::Scope {
        account_id,
        site_id: payload_opt_id(payload, "site_id"),
        sector_id: payload_opt_id(payload, "sector_id"),
    }
}

/// The scope and the record id (`key` in the state) a prepared run carries to save/fail.
pub(crate) fn prepared_target(
    prepared: &crate::ai::function::Prepared,
    key: &str,
) -> Result<(crate::model::Scope, i64)> {
    let scope = prepared
        .scope
        .ok_or_else(|| crate::Error::invalid("prepared run has no scope"))?;
    Ok((
        scope,
        crate::ai::function::payload_id(&prepared.state, key)?,
    ))
}
