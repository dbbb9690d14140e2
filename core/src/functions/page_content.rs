//! `generate_page_content`: fills every block of one page with copy, plus its SEO metadata.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::context::{PageFacts, data_or, payload_scope, prepared_target};
use crate::ai::function::{AiFunction, FunctionEnv, Prepared, payload_id};
use crate::ai::provider::OutputSchema;
use crate::blocks::validate::validate_page_content;
use crate::credits::Capture;
use crate::model::{PagePatch, PageStatus, Scope, SiteStructure, merge_locked_blocks};
use crate::prompts::SITE_PAGE_GENERATION;
use crate::store::SavePageContent;
use crate::{Error, Result};

/// The built-in page writer (20 credits a page, prompt type `site_page_generation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GeneratePageContent;

#[async_trait]
impl AiFunction for GeneratePageContent {
    fn name(&self) -> &str {
        "generate_page_content"
    }

    fn prompt_type(&self) -> &str {
        SITE_PAGE_GENERATION
    }

    fn credit_operation(&self) -> &str {
        "site_page_generation"
    }

    fn validate(&self, payload: &Value) -> Result<()> {
        payload_id(payload, "page_id").map(|_| ())
    }

    async fn prepare(
        &self,
        env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared> {
        let scope = payload_scope(account_id, payload);
        let page_id = payload_id(payload, "page_id")?;
        let storage = env.storage.as_ref();
        let page = storage.get_page(&scope, page_id).await?;
        if page.status == PageStatus::Generating {
            return Err(Error::conflict(format!(
                "page {page_id} is already generating; wait for that run, or call recover_stale() if its worker died"
            )));
        }
        let bp = storage
            .get_blueprint(&Scope::account(account_id), page.site_blueprint_id)
            .await?;
        let structure = SiteStructure::from_stored(&bp.structure_json)?;
        let facts = PageFacts::load(storage, &bp, structure.as_ref(), &page).await?;
        let blocks_json =
            serde_json::to_string(&page.blocks).map_err(Error::json("page blocks"))?;
        // The site's name, tagline, tone, the page's title, objective and blocks were chosen by
        // a model or a user earlier: like the brief, they go in as data blocks.
        let mut variables = facts.variables(&bp, &page);
        for (k, v, fallback) in [
            ("layout", Some(facts.site.layout.clone()), "default"),
            ("page_blocks", Some(blocks_json), "[]"),
        ] {
            variables.insert(k.to_string(), data_or(k, v, fallback));
        }
        for (k, v) in [
            ("page_type", page.page_type.to_string()),
            ("block_catalogue", env.derived.prompt_description.clone()),
        ] {
            variables.insert(k.to_string(), v);
        }
        let context = Value::Object(facts.context(&bp, &page));
        storage
            .update_page(
                &scope,
                page_id,
                PagePatch {
                    status: Some(PageStatus::Generating),
                    ..PagePatch::default()
                },
            )
            .await?;
        Ok(Prepared {
            scope: Some(scope),
            variables,
            context,
            state: json!({"page_id": page_id, "blocks": page.blocks}),
        })
    }

    fn output_schema(&self, env: &FunctionEnv) -> Option<OutputSchema> {
        Some(OutputSchema {
            name: "page_content".into(),
            description: Some(
                "The blocks of one page filled with copy, and its SEO metadata.".into(),
            ),
            schema: env.derived.page_schema.clone(),
        })
    }

    fn parse(
        &self,
        env: &FunctionEnv,
        _prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>> {
        let content = validate_page_content(answer, &env.catalogue, &env.limits)?;
        Ok(json!({"blocks": content.blocks, "seo": content.seo}))
    }

    fn coerce(&self, env: &FunctionEnv, answer: &mut Value) -> Vec<String> {
        crate::blocks::coerce::coerce_answer(answer, &env.catalogue, &env.limits)
    }

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        mut capture: Capture,
    ) -> Result<Value> {
        let (scope, page_id) = prepared_target(prepared, "page_id")?;
        let old_blocks: Vec<crate::model::Block> =
            serde_json::from_value(prepared.state["blocks"].clone())
                .map_err(Error::json("previous blocks"))?;
        let new_blocks = serde_json::from_value(output["blocks"].clone())
            .map_err(Error::json("generated blocks"))?;
        let seo =
            serde_json::from_value(output["seo"].clone()).map_err(Error::json("generated seo"))?;
        capture.usage.related_object_type = Some("page_blueprint".into());
        capture.usage.related_object_id = Some(page_id);
        let page = env
            .storage
            .save_page_content(
                &scope,
                page_id,
                SavePageContent {
                    blocks: merge_locked_blocks(&old_blocks, new_blocks),
                    // A hand edit of the page during the run wins; the run ends in `conflict`.
                    base_blocks: Some(old_blocks.clone()),
                    seo: Some(seo),
                    status: PageStatus::Ready,
                    capture: Some(capture),
                    base_version: None,
                    operation: None,
                },
            )
            .await?;
        Ok(json!({
            "page_id": page.id,
            "slug": page.slug,
            "status": page.status,
            "to_fill": crate::quality::to_fill_page(&page.slug, &page.blocks),
            "blocks": page.blocks,
            "seo": output["seo"],
        }))
    }

    async fn fail(&self, env: &FunctionEnv, prepared: &Prepared) -> Result<()> {
        let (scope, page_id) = prepared_target(prepared, "page_id")?;
        env.storage
            .update_page(
                &scope,
                page_id,
                PagePatch {
                    status: Some(PageStatus::Failed),
                    ..PagePatch::default()
                },
            )
            .await
            .map(|_| ())
    }
}
