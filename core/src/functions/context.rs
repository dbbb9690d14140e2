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
    pub(crate) async fn load(storage: &dyn Storage, config: &SiteConfig) -> Result<Self> {
        let pick = |all: &[SiteBuilderOption], ids: &[i64]| -> Vec<SiteBuilderOption> {
            ids.iter()
                .filter_map(|id| all.iter().find(|o| o.id == *id).cloned())
                .collect()
        };
        let mut out = ChosenOptions::default();
        if let Some(id) = config.business_type_id {
            let all = storage.list_all_options(OptionKind::BusinessType).await?;
            out.business_type = pick(&all, &[id]).into_iter().next();
        }
        if !config.audience_profile_ids.is_empty() {
            let all = storage
                .list_all_options(OptionKind::AudienceProfile)
                .await?;
            out.audience_profiles = pick(&all, &config.audience_profile_ids);
        }
        if !config.brand_personality_ids.is_empty() {
            let all = storage
                .list_all_options(OptionKind::BrandPersonality)
                .await?;
            out.brand_personalities = pick(&all, &config.brand_personality_ids);
        }
        if let Some(id) = config.hero_imagery_direction_id {
            let all = storage.list_all_options(OptionKind::HeroImagery).await?;
            out.hero_imagery = pick(&all, &[id]).into_iter().next();
        }
        Ok(out)
    }
}

/// `{"name", "description"}` of an option, for planner context.
pub(crate) fn option_json(o: &SiteBuilderOption) -> Value {
    json!({"name": o.name, "description": o.description})
}

/// "Name — description" lines, or a fallback, for prompts.
pub(crate) fn describe(options: &[SiteBuilderOption], fallback: &str) -> String {
    if options.is_empty() {
        return fallback.to_string();
    }
    options
        .iter()
        .map(|o| format!("{} — {}", o.name, o.description))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Bulleted objectives, or a fallback.
pub(crate) fn bullets(items: &[String], fallback: &str) -> String {
    if items.is_empty() {
        return fallback.to_string();
    }
    items
        .iter()
        .map(|i| format!("- {i}"))
        .collect::<Vec<_>>()
        .join("\n")
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
