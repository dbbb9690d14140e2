//! `generate_site_structure`: a brief in, a validated sitemap with typed blocks out.

use std::collections::BTreeSet;

use async_trait::async_trait;
use serde_json::{Value, json};

use super::context::{
    ChosenOptions, bullets, describe, option_json, payload_scope, prepared_target,
};
use super::validate::validate_structure;
use crate::ai::function::{AiFunction, FunctionEnv, Prepared, payload_id};
use crate::ai::provider::OutputSchema;
use crate::credits::Capture;
use crate::model::{
    Block, BlueprintPatch, BlueprintStatus, LAYOUTS, NewPage, PageBlueprint, PageStatus, PageType,
    SiteStructure,
};
use crate::prompts::SITE_STRUCTURE_GENERATION;
use crate::store::SaveStructure;
use crate::{Error, Result};

/// The built-in structure generator (50 credits, prompt type `site_structure_generation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerateSiteStructure;

/// Keeps locked blocks of a page at their old positions in the new block list.
pub(crate) fn merge_locked_blocks(old: &[Block], mut new: Vec<Block>) -> Vec<Block> {
    for (i, b) in old.iter().enumerate().filter(|(_, b)| b.locked) {
        if let Some(id) = &b.id {
            new.retain(|n| n.id.as_ref() != Some(id));
        }
        let at = i.min(new.len());
        new.insert(at, b.clone());
    }
    new
}

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
        set("blueprint_name", bp.name.clone());
        set("business_brief", brief.clone());
        set(
            "objectives",
            bullets(
                &bp.config.objectives,
                "- not specified: infer sensible goals from the brief",
            ),
        );
        set(
            "business_type",
            describe(
                chosen.business_type.as_slice(),
                "not specified: infer it from the brief",
            ),
        );
        set(
            "audience",
            describe(
                &chosen.audience_profiles,
                "not specified: infer it from the brief",
            ),
        );
        set(
            "brand_personality",
            describe(
                &chosen.brand_personalities,
                "not specified: clear, warm and professional",
            ),
        );
        set(
            "hero_imagery",
            describe(
                chosen.hero_imagery.as_slice(),
                "not specified: choose what fits the business",
            ),
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
        set(
            "locked_pages",
            if bp.config.locked_pages.is_empty() {
                "none".to_string()
            } else {
                bp.config.locked_pages.join(", ")
            },
        );
        set(
            "existing_structure",
            existing_value
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_else(|| "none (first generation)".to_string()),
        );
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

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        mut capture: Capture,
    ) -> Result<Value> {
        let (scope, id) = prepared_target(prepared, "blueprint_id")?;
        let mut structure: SiteStructure =
            serde_json::from_value(output).map_err(Error::json("validated structure"))?;
        let old_pages = env.storage.list_pages(&scope, id).await?;
        let old_structure = SiteStructure::from_stored(&prepared.state["existing_structure"])?;
        let locked_pages: Vec<String> =
            serde_json::from_value(prepared.state["locked_pages"].clone())
                .map_err(Error::json("locked pages of the run"))?;
        let locked: BTreeSet<&str> = locked_pages.iter().map(String::as_str).collect();
        let find_old =
            |slug: &str| -> Option<&PageBlueprint> { old_pages.iter().find(|p| p.slug == slug) };

        // Locked pages keep their content; if the model dropped one, it is put back.
        for slug in &locked {
            if find_old(slug).is_some()
                && !structure.pages.iter().any(|p| p.slug == *slug)
                && let Some(spec) = old_structure
                    .as_ref()
                    .and_then(|s| s.pages.iter().find(|p| p.slug == *slug))
            {
                structure.pages.push(spec.clone());
            }
        }
        let mut pages: Vec<NewPage> = Vec::with_capacity(structure.pages.len());
        for spec in &mut structure.pages {
            let old = find_old(&spec.slug);
            let page = match old {
                Some(o) if locked.contains(spec.slug.as_str()) => {
                    spec.blocks = o.blocks.clone();
                    NewPage {
                        slug: o.slug.clone(),
                        title: o.title.clone(),
                        page_type: o.page_type,
                        blocks: o.blocks.clone(),
                        status: o.status,
                        order: None,
                    }
                }
                _ => {
                    let blocks = match old {
                        Some(o) => merge_locked_blocks(&o.blocks, spec.blocks.clone()),
                        None => spec.blocks.clone(),
                    };
                    spec.blocks = blocks.clone();
                    NewPage {
                        slug: spec.slug.clone(),
                        title: spec.title.clone(),
                        page_type: spec.page_type,
                        blocks,
                        status: PageStatus::Draft,
                        order: None,
                    }
                }
            };
            pages.push(page);
        }
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
                },
            )
            .await?;
        Ok(json!({
            "blueprint_id": saved.blueprint.id,
            "version": saved.blueprint.version,
            "status": saved.blueprint.status,
            "structure": saved.blueprint.structure_json,
            "pages": saved.pages.iter().map(|p| json!({
                "id": p.id, "slug": p.slug, "title": p.title, "type": p.page_type, "block_count": p.blocks.len(),
            })).collect::<Vec<_>>(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_blocks_keep_their_place() {
        let mut keep = Block::new("text", json!({"body": "ours"}));
        keep.locked = true;
        let old = vec![Block::new("hero", json!({})), keep.clone()];
        let new = vec![
            Block::new("hero", json!({"heading": "new"})),
            Block::new("cta", json!({})),
        ];
        let merged = merge_locked_blocks(&old, new);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[1], keep);
    }
}
