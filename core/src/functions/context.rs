//! Shared helpers to turn records into prompt variables and planner context.

use serde_json::{Value, json};

use crate::Result;
use crate::model::{
    OptionKind, PageBlueprint, SiteBlueprint, SiteBuilderOption, SiteConfig, SiteInfo,
    SiteStructure,
};
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

/// What every prompt about one page of a blueprint starts from (page content and regeneration):
/// the site's settings (the blueprint's name alone before any structure), the page's objective
/// and call to action from the structure, and the chosen options.
#[derive(Debug, Clone)]
pub(crate) struct PageFacts {
    pub site: SiteInfo,
    pub objective: String,
    pub primary_cta: String,
    pub chosen: ChosenOptions,
}

impl PageFacts {
    pub(crate) async fn load(
        storage: &dyn Storage,
        bp: &SiteBlueprint,
        structure: Option<&SiteStructure>,
        page: &PageBlueprint,
    ) -> Result<Self> {
        let site = structure
            .map(|s| s.site.clone())
            .unwrap_or_else(|| SiteInfo {
                name: bp.name.clone(),
                tagline: String::new(),
                tone: String::new(),
                layout: "default".into(),
                primary_navigation: vec![],
                secondary_navigation: vec![],
                hero_message: String::new(),
            });
        let spec = structure.and_then(|s| s.pages.iter().find(|p| p.slug == page.slug));
        Ok(PageFacts {
            site,
            objective: spec.map(|s| s.objective.clone()).unwrap_or_default(),
            primary_cta: spec.map(|s| s.primary_cta.clone()).unwrap_or_default(),
            chosen: ChosenOptions::load(storage, &bp.config).await?,
        })
    }

    /// The planner context both functions share (the site, the page, the brief and the chosen
    /// options), consumed: each function adds its own keys to the object.
    pub(crate) fn context(
        self,
        bp: &SiteBlueprint,
        page: &PageBlueprint,
    ) -> serde_json::Map<String, Value> {
        let PageFacts {
            site,
            objective,
            primary_cta,
            chosen,
        } = self;
        let mut context = serde_json::Map::new();
        for (key, value) in [
            ("site", json!(site)),
            (
                "page",
                json!({
                    "slug": page.slug, "title": page.title, "type": page.page_type,
                    "objective": objective, "primary_cta": primary_cta, "blocks": page.blocks,
                }),
            ),
            ("brief", json!(bp.config.business_brief)),
            ("objectives", json!(bp.config.objectives)),
            (
                "audience_profiles",
                json!(
                    chosen
                        .audience_profiles
                        .iter()
                        .map(option_json)
                        .collect::<Vec<_>>()
                ),
            ),
            (
                "brand_personalities",
                json!(
                    chosen
                        .brand_personalities
                        .iter()
                        .map(option_json)
                        .collect::<Vec<_>>()
                ),
            ),
            (
                "business_type",
                json!(chosen.business_type.as_ref().map(option_json)),
            ),
        ] {
            context.insert(key.to_string(), value);
        }
        context
    }

    /// The prompt variables both prompts share. Every one was written by a model or a user
    /// earlier, so each goes in as a data block (or the host's fallback line when empty).
    pub(crate) fn variables(
        &self,
        bp: &SiteBlueprint,
        page: &PageBlueprint,
    ) -> std::collections::BTreeMap<String, String> {
        let site = &self.site;
        let chosen = &self.chosen;
        [
            ("site_name", Some(site.name.clone()), "not named yet"),
            ("site_tagline", Some(site.tagline.clone()), "none yet"),
            ("tone", Some(site.tone.clone()), "clear and friendly"),
            (
                "business_brief",
                Some(bp.config.business_brief.clone()),
                "none given",
            ),
            (
                "audience",
                describe(&chosen.audience_profiles),
                "not specified",
            ),
            (
                "brand_personality",
                describe(&chosen.brand_personalities),
                "not specified",
            ),
            ("page_title", Some(page.title.clone()), "untitled"),
            ("page_slug", Some(page.slug.clone()), "none"),
            (
                "page_objective",
                Some(self.objective.clone()),
                "not specified",
            ),
            (
                "primary_cta",
                Some(self.primary_cta.clone()),
                "not specified",
            ),
        ]
        .into_iter()
        .map(|(k, v, fallback)| (k.to_string(), data_or(k, v, fallback)))
        .collect()
    }
}
