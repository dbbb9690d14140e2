//! `generate_site_structure`: a brief in, a validated sitemap with typed blocks out.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::context::{
    ChosenOptions, bullets, data_or, describe, option_json, payload_scope, prepared_target,
};
use crate::ai::function::{AiFunction, FunctionEnv, Prepared, payload_id};
use crate::ai::provider::OutputSchema;
use crate::blocks::validate::{validate_page, validate_structure};
use crate::credits::Capture;
use crate::model::{
    BlueprintPatch, BlueprintStatus, LAYOUTS, NewPage, PageLocks, PageStatus, PageType,
    SiteStructure,
};
use crate::prompts::SITE_STRUCTURE_GENERATION;
use crate::store::SaveStructure;
use crate::{Error, Result};

/// The built-in structure generator (50 credits, prompt type `site_structure_generation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateSiteStructure;

#[async_trait]
impl AiFunction for GenerateSiteStructure {
    fn name(&self) -> &str {
        "generate_site_structure"
    }

    fn prompt_type(&self) -> &str {
        SITE_STRUCTURE_GENERATION
    }

    fn credit_operation(&self) -> &str {
        "site_structure_generation"
    }

    fn validate(&self, payload: &Value) -> Result<()> {
        payload_id(payload, "blueprint_id").map(|_| ())
    }

    async fn prepare(
        &self,
        env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared> {
        let scope = payload_scope(account_id, payload);
        let id = payload_id(payload, "blueprint_id")?;
        let storage = env.storage.as_ref();
        let bp = storage.get_blueprint(&scope, id).await?;
        if bp.config.business_brief.trim().is_empty() && bp.description.trim().is_empty() {
            return Err(Error::invalid(format!(
                "blueprint {id} has no business brief: set config.business_brief (or a description) before generating"
            )));
        }
        let chosen = ChosenOptions::load(storage, &bp.config).await?;
        let existing = SiteStructure::from_stored(&bp.structure_json)?;
        let existing_value = existing.as_ref().map(SiteStructure::to_value);
        let brief = if bp.config.business_brief.trim().is_empty() {
            bp.description.clone()
        } else {
            bp.config.business_brief.clone()
        };
        let mut variables = std::collections::BTreeMap::new();
        let mut set = |k: &str, v: String| {
            variables.insert(k.to_string(), v);
        };
        // Everything a user wrote (or a model chose earlier) goes in as a data block.
        let mut data = |k: &str, v: Option<String>, fallback: &str| {
            set(k, data_or(k, v, fallback));
        };
        data("blueprint_name", Some(bp.name.clone()), "none given");
        data("business_brief", Some(brief.clone()), "none given");
        data(
            "objectives",
            bullets(&bp.config.objectives),
            "- not specified: infer sensible goals from the brief",
        );
        data(
            "business_type",
            describe(chosen.business_type.as_slice()),
            "not specified: infer it from the brief",
        );
        data(
            "audience",
            describe(&chosen.audience_profiles),
            "not specified: infer it from the brief",
        );
        data(
            "brand_personality",
            describe(&chosen.brand_personalities),
            "not specified: clear, warm and professional",
        );
        data(
            "hero_imagery",
            describe(chosen.hero_imagery.as_slice()),
            "not specified: choose what fits the business",
        );
        data(
            "locked_pages",
            (!bp.config.locked_pages.is_empty()).then(|| bp.config.locked_pages.join(", ")),
            "none",
        );
        data(
            "existing_structure",
            existing_value.as_ref().map(Value::to_string),
            "none (first generation)",
        );
        set("hosting_type", bp.hosting_type.to_string());
        set("layouts", LAYOUTS.join(", "));
        set(
            "page_types",
            PageType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
        set("block_catalogue", env.derived.prompt_description.clone());
        let context = json!({
            "blueprint": {"id": bp.id, "name": bp.name, "description": bp.description},
            "brief": brief,
            "objectives": bp.config.objectives,
            "style": bp.config.style,
            "business_type": chosen.business_type.as_ref().map(option_json),
            "audience_profiles": chosen.audience_profiles.iter().map(option_json).collect::<Vec<_>>(),
            "brand_personalities": chosen.brand_personalities.iter().map(option_json).collect::<Vec<_>>(),
            "hero_imagery": chosen.hero_imagery.as_ref().map(option_json),
            "hosting_type": bp.hosting_type,
            "block_types": env.catalogue.names(),
            "existing_structure": existing_value,
            "locked_pages": bp.config.locked_pages,
        });
        // Marking the blueprint is the last step, so a failure above leaves it untouched.
        storage.begin_generation(&scope, id).await?;
        Ok(Prepared {
            scope: Some(scope),
            variables,
            context,
            // What save() needs from the blueprint, as the model was briefed with it: the locks
            // and the structure being replaced (the blueprint is `generating` until then).
            state: json!({
                "blueprint_id": id,
                "locked_pages": bp.config.locked_pages,
                "existing_structure": existing_value,
                // The save must find the blueprint still at this version: a hand edit that
                // lands during the run wins, and the run ends in `conflict`, charging nothing.
                "base_version": bp.version,
            }),
        })
    }

    fn output_schema(&self, env: &FunctionEnv) -> Option<OutputSchema> {
        Some(OutputSchema {
            name: "site_structure".into(),
            description: Some(
                "A website's sitemap: site settings and pages made of typed blocks.".into(),
            ),
            schema: env.derived.structure_schema.clone(),
        })
    }

    fn parse(
        &self,
        env: &FunctionEnv,
        _prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>> {
        validate_structure(answer, &env.catalogue, &env.limits).map(|s| s.to_value())
    }

    fn coerce(&self, env: &FunctionEnv, answer: &mut Value) -> Vec<String> {
        crate::blocks::coerce::coerce_answer(answer, &env.catalogue, &env.limits)
    }

    fn streams_pages(&self) -> bool {
        true
    }

    fn streamed_page(&self, env: &FunctionEnv, index: usize, page: &Value) -> Option<Value> {
        let spec = validate_page(page, index, &env.catalogue, &env.limits).ok()?;
        serde_json::to_value(spec).ok()
    }

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        mut capture: Capture,
    ) -> Result<Value> {
        let (scope, id) = prepared_target(prepared, "blueprint_id")?;
        let structure: SiteStructure =
            serde_json::from_value(output).map_err(Error::json("validated structure"))?;
        // The store applies the locks to the pages as they are inside its transaction.
        let locks = PageLocks {
            locked_pages: serde_json::from_value(prepared.state["locked_pages"].clone())
                .map_err(Error::json("locked pages of the run"))?,
            previous: SiteStructure::from_stored(&prepared.state["existing_structure"])?,
        };
        // Placeholders the owner must fill before publishing, listed in the result so every
        // surface (CLI, bindings, task log) can show them without reading the blocks.
        let to_fill = crate::quality::to_fill(&structure);
        let notes = structure.extra.get("notes").cloned().unwrap_or(json!([]));
        let pages = structure
            .pages
            .iter()
            .map(|spec| NewPage {
                slug: spec.slug.clone(),
                title: spec.title.clone(),
                page_type: spec.page_type,
                blocks: spec.blocks.clone(),
                status: PageStatus::Draft,
                order: None,
            })
            .collect();
        capture.usage.related_object_type = Some("site_blueprint".into());
        capture.usage.related_object_id = Some(id);
        let saved = env
            .storage
            .save_structure(
                &scope,
                id,
                SaveStructure {
                    structure,
                    pages,
                    status: BlueprintStatus::Ready,
                    capture: Some(capture),
                    locks: Some(locks),
                    base_version: prepared.state["base_version"]
                        .as_i64()
                        .and_then(|v| i32::try_from(v).ok()),
                },
            )
            .await?;
        // The structure itself is the blueprint's `structure_json` at this version: the result
        // (kept in the task log of every run) names it instead of holding another copy.
        Ok(json!({
            "blueprint_id": saved.blueprint.id,
            "version": saved.blueprint.version,
            "status": saved.blueprint.status,
            "pages": saved.pages.iter().map(|p| json!({
                "id": p.id, "slug": p.slug, "title": p.title, "type": p.page_type, "block_count": p.blocks.len(),
            })).collect::<Vec<_>>(),
            "to_fill": to_fill,
            "notes": notes,
        }))
    }

    async fn fail(&self, env: &FunctionEnv, prepared: &Prepared) -> Result<()> {
        let (scope, id) = prepared_target(prepared, "blueprint_id")?;
        env.storage
            .update_blueprint(
                &scope,
                id,
                BlueprintPatch {
                    status: Some(BlueprintStatus::Failed),
                    ..BlueprintPatch::default()
                },
            )
            .await
            .map(|_| ())
    }
}
