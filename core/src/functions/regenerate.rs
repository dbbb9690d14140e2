//! `regenerate_page` and `regenerate_block`: one page's blocks, or one block, written again
//! following the owner's instruction, with the rest of the site as context.
//!
//! Why separate functions rather than `generate_page_content` with an extra field: a
//! regeneration answers a different shape (blocks only, or one block of a fixed type), is priced
//! differently (a block is cheaper than a page), has its own prompt type a host can override, and
//! is recorded in the history under its own operation name so an owner can see and undo it.
//!
//! What stays: every other page and block, the page's SEO and the site settings; locked blocks
//! (a page regeneration keeps them at their positions; a block regeneration refuses a locked
//! block). The save is checked against the blocks the prompt was built from (a hand edit during
//! the model call wins: `conflict`, nothing charged) and, when the caller gave one, against
//! `expected_version`.

use async_trait::async_trait;
use serde_json::{Value, json};

use super::context::{PageFacts, data_or, option_json, payload_scope};
use crate::ai::function::{AiFunction, FunctionEnv, Prepared, payload_id};
use crate::ai::provider::OutputSchema;
use crate::blocks::validate::{validate_regenerated_block, validate_regenerated_blocks};
use crate::credits::Capture;
use crate::model::{
    Block, PageBlueprint, PagePatch, PageStatus, Scope, SiteBlueprint, SiteStructure,
    merge_locked_blocks,
};
use crate::prompts::{SITE_BLOCK_REGENERATION, SITE_PAGE_REGENERATION, data_block};
use crate::store::SavePageContent;
use crate::{Error, Result};

/// Longest instruction accepted, in characters: a request for a change, not a brief.
pub const MAX_INSTRUCTION_CHARS: usize = 2000;

/// Credit operation of a block regeneration (a page regeneration costs `site_page_generation`).
pub const SITE_BLOCK_GENERATION: &str = "site_block_generation";

/// The instruction of a payload: a non-empty string within [`MAX_INSTRUCTION_CHARS`].
pub(crate) fn check_instruction(instruction: &str) -> Result<()> {
    if instruction.trim().is_empty() {
        return Err(Error::invalid(
            "instruction: must not be empty; say what should change (for example \"make the hero about catering\")",
        ));
    }
    crate::model::check_text("instruction", instruction, MAX_INSTRUCTION_CHARS)
}

fn payload_instruction(payload: &Value) -> Result<&str> {
    let instruction = payload
        .get("instruction")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::invalid(format!(
                "payload needs a string \"instruction\", got {payload}"
            ))
        })?;
    check_instruction(instruction)?;
    Ok(instruction)
}

fn payload_index(payload: &Value) -> Result<usize> {
    payload
        .get("block_index")
        .and_then(Value::as_u64)
        .and_then(|i| usize::try_from(i).ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "payload needs a non-negative integer \"block_index\", got {payload}"
            ))
        })
}

fn payload_expected(payload: &Value) -> Result<Option<i32>> {
    match payload.get("expected_version") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| Error::invalid(format!("expected_version must be an integer, got {v}"))),
    }
}

/// The locked block at `index` of `page`, as the error a caller gets before anything is held.
pub(crate) fn locked_block_error(page: &PageBlueprint, index: usize) -> Error {
    Error::conflict(format!(
        "block {index} of page {:?} is locked, so it is never regenerated; unlock it first (edit_blueprint with action unlock_block) and regenerate it again",
        page.slug
    ))
}

/// A page whose every block is locked, which a regeneration could not change.
pub(crate) fn all_locked_error(page: &PageBlueprint) -> Error {
    Error::conflict(format!(
        "every block of page {:?} is locked, so a regeneration could change nothing; unlock the blocks to rewrite first",
        page.slug
    ))
}

/// The block at `index`, or `invalid_input` naming `block_index`.
pub(crate) fn block_at(page: &PageBlueprint, index: usize) -> Result<&Block> {
    page.blocks.get(index).ok_or_else(|| {
        Error::invalid(format!(
            "block_index: page {:?} has {} blocks, so there is no block at index {index}",
            page.slug,
            page.blocks.len()
        ))
    })
}

/// The page `page_id` of blueprint `blueprint_id` (a page of another blueprint is not found),
/// and the blueprint; a blueprint moved past `expected` is a `conflict` with its version.
pub(crate) async fn load_target(
    storage: &dyn crate::store::Storage,
    scope: &Scope,
    blueprint_id: i64,
    page_id: i64,
    expected: Option<i32>,
) -> Result<(SiteBlueprint, PageBlueprint)> {
    let page = storage.get_page(scope, page_id).await?;
    if page.site_blueprint_id != blueprint_id {
        return Err(Error::not_found(
            "page_blueprint",
            format!("{page_id} in site blueprint {blueprint_id}"),
        ));
    }
    let bp = storage.get_blueprint(scope, blueprint_id).await?;
    if let Some(expected) = expected
        && expected != bp.version
    {
        return Err(Error::stale_version(blueprint_id, expected, bp.version));
    }
    Ok((bp, page))
}

/// What both regenerations read before the model is called.
struct Loaded {
    scope: Scope,
    page: PageBlueprint,
    expected: Option<i32>,
    variables: std::collections::BTreeMap<String, String>,
    context: Value,
}

/// Loads the page, its blueprint and the site's context, and fills the variables and planner
/// context both prompts share (site, voice, navigation, page).
async fn load(env: &FunctionEnv, account_id: i64, payload: &Value) -> Result<Loaded> {
    let scope = payload_scope(account_id, payload);
    let blueprint_id = payload_id(payload, "blueprint_id")?;
    let page_id = payload_id(payload, "page_id")?;
    let expected = payload_expected(payload)?;
    let instruction = payload_instruction(payload)?.to_string();
    let storage = env.storage.as_ref();
    let (bp, page) = load_target(storage, &scope, blueprint_id, page_id, expected).await?;
    if page.status == PageStatus::Generating {
        return Err(Error::conflict(format!(
            "page {page_id} is already generating; wait for that run, or call recover_stale() if its worker died"
        )));
    }
    let pages = storage.list_pages(&scope, blueprint_id).await?;
    let structure = SiteStructure::from_stored(&bp.structure_json)?;
    let mut facts = PageFacts::load(storage, &bp, structure.as_ref(), &page).await?;
    if facts.site.primary_navigation.is_empty() {
        facts.site.primary_navigation = pages.iter().map(|p| p.slug.clone()).collect();
    }
    // Page titles and slugs are the owner's or an earlier answer's: data, like the brief.
    let navigation = pages
        .iter()
        .map(|p| format!("- {} (/{})", p.title, p.slug))
        .collect::<Vec<_>>()
        .join("\n");
    let mut variables = facts.variables(&bp, &page);
    variables.insert(
        "navigation".to_string(),
        data_or("navigation", Some(navigation), "no other pages yet"),
    );
    let hero_imagery = facts.chosen.hero_imagery.as_ref().map(option_json);
    let mut context = facts.context(&bp, &page);
    // The owner's request: always a data block, whatever it says.
    variables.insert(
        "instruction".to_string(),
        data_block("instruction", &instruction),
    );
    variables.insert("page_type".to_string(), page.page_type.to_string());
    context.insert(
        "navigation".into(),
        json!(
            pages
                .iter()
                .map(|p| json!({"slug": p.slug, "title": p.title}))
                .collect::<Vec<_>>()
        ),
    );
    context.insert("instruction".into(), json!(instruction));
    context.insert("hero_imagery".into(), json!(hero_imagery));
    let context = Value::Object(context);
    Ok(Loaded {
        scope,
        page,
        expected,
        variables,
        context,
    })
}

/// Marks the page `generating` (a status change alone records no version) and returns the
/// state `save` and `fail` need.
async fn mark(env: &FunctionEnv, loaded: &Loaded, extra: Value) -> Result<Value> {
    env.storage
        .update_page(
            &loaded.scope,
            loaded.page.id,
            PagePatch {
                status: Some(PageStatus::Generating),
                ..PagePatch::default()
            },
        )
        .await?;
    let mut state = json!({
        "page_id": loaded.page.id,
        "blocks": loaded.page.blocks,
        "status": loaded.page.status,
        "expected_version": loaded.expected,
    });
    if let (Some(state), Some(extra)) = (state.as_object_mut(), extra.as_object()) {
        state.extend(extra.clone());
    }
    Ok(state)
}

/// The page's status after a regeneration: its lifecycle does not change, except that a page
/// whose last run failed now has content again.
fn status_after(before: PageStatus) -> PageStatus {
    match before {
        PageStatus::Failed | PageStatus::Generating => PageStatus::Ready,
        other => other,
    }
}

fn state_status(prepared: &Prepared) -> PageStatus {
    prepared.state["status"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(PageStatus::Ready)
}

fn state_blocks(prepared: &Prepared) -> Result<Vec<Block>> {
    serde_json::from_value(prepared.state["blocks"].clone()).map_err(Error::json("previous blocks"))
}

fn state_expected(prepared: &Prepared) -> Option<i32> {
    prepared.state["expected_version"]
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
}

fn target(prepared: &Prepared) -> Result<(Scope, i64)> {
    super::context::prepared_target(prepared, "page_id")
}

/// Saves the page's new blocks checked against the blocks the run started from (and the
/// expected version), capturing the run's credits and recording `operation` in the history.
async fn save_blocks(
    env: &FunctionEnv,
    prepared: &Prepared,
    blocks: Vec<Block>,
    mut capture: Capture,
    operation: &str,
) -> Result<PageBlueprint> {
    let (scope, page_id) = target(prepared)?;
    capture.usage.related_object_type = Some("page_blueprint".into());
    capture.usage.related_object_id = Some(page_id);
    env.storage
        .save_page_content(
            &scope,
            page_id,
            SavePageContent {
                blocks,
                seo: None,
                status: status_after(state_status(prepared)),
                capture: Some(capture),
                base_blocks: Some(state_blocks(prepared)?),
                base_version: state_expected(prepared),
                operation: Some(operation.to_string()),
            },
        )
        .await
}

/// Puts the page's status back as it was before the run (its blocks were never touched).
async fn restore_status(env: &FunctionEnv, prepared: &Prepared) -> Result<()> {
    let (scope, page_id) = target(prepared)?;
    env.storage
        .update_page(
            &scope,
            page_id,
            PagePatch {
                status: Some(state_status(prepared)),
                ..PagePatch::default()
            },
        )
        .await
        .map(|_| ())
}

/// The built-in page regeneration (a page's cost, `site_page_generation`; prompt type
/// `site_page_regeneration`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegeneratePage;

#[async_trait]
impl AiFunction for RegeneratePage {
    fn name(&self) -> &str {
        "regenerate_page"
    }

    fn prompt_type(&self) -> &str {
        SITE_PAGE_REGENERATION
    }

    fn credit_operation(&self) -> &str {
        "site_page_generation"
    }

    fn validate(&self, payload: &Value) -> Result<()> {
        payload_id(payload, "blueprint_id")?;
        payload_id(payload, "page_id")?;
        payload_expected(payload)?;
        payload_instruction(payload).map(|_| ())
    }

    async fn prepare(
        &self,
        env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared> {
        let mut loaded = load(env, account_id, payload).await?;
        if !loaded.page.blocks.is_empty() && loaded.page.blocks.iter().all(|b| b.locked) {
            return Err(all_locked_error(&loaded.page));
        }
        let blocks_json =
            serde_json::to_string(&loaded.page.blocks).map_err(Error::json("page blocks"))?;
        loaded.variables.insert(
            "page_blocks".into(),
            data_or("page_blocks", Some(blocks_json), "[]"),
        );
        loaded.variables.insert(
            "block_catalogue".into(),
            env.derived.prompt_description.clone(),
        );
        let state = mark(env, &loaded, json!({})).await?;
        Ok(Prepared {
            scope: Some(loaded.scope),
            variables: loaded.variables,
            context: loaded.context,
            state,
        })
    }

    fn output_schema(&self, env: &FunctionEnv) -> Option<OutputSchema> {
        Some(OutputSchema {
            name: "page_blocks".into(),
            description: Some("The blocks of one page, rewritten as the owner asked.".into()),
            schema: std::sync::Arc::new(json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["blocks"],
                "properties": {
                    "blocks": {"type": "array", "items": env.catalogue.block_output_schema()}
                }
            })),
        })
    }

    fn parse(
        &self,
        env: &FunctionEnv,
        _prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>> {
        let blocks = validate_regenerated_blocks(answer, &env.catalogue, &env.limits)?;
        Ok(json!({ "blocks": blocks }))
    }

    fn coerce(&self, env: &FunctionEnv, answer: &mut Value) -> Vec<String> {
        crate::blocks::coerce::coerce_answer(answer, &env.catalogue, &env.limits)
    }

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        capture: Capture,
    ) -> Result<Value> {
        let old = state_blocks(prepared)?;
        let new: Vec<Block> = serde_json::from_value(output["blocks"].clone())
            .map_err(Error::json("regenerated blocks"))?;
        // Locked blocks stay exactly as they were, at their positions.
        let blocks = merge_locked_blocks(&old, new);
        let page = save_blocks(env, prepared, blocks, capture, "regenerate_page").await?;
        Ok(json!({
            "page_id": page.id,
            "slug": page.slug,
            "status": page.status,
            "to_fill": crate::quality::to_fill_page(&page.slug, &page.blocks),
            "blocks": page.blocks,
        }))
    }

    async fn fail(&self, env: &FunctionEnv, prepared: &Prepared) -> Result<()> {
        restore_status(env, prepared).await
    }
}

/// The built-in block regeneration (`site_block_generation`, 5 credits by default; prompt
/// type `site_block_regeneration`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegenerateBlock;

#[async_trait]
impl AiFunction for RegenerateBlock {
    fn name(&self) -> &str {
        "regenerate_block"
    }

    fn prompt_type(&self) -> &str {
        SITE_BLOCK_REGENERATION
    }

    fn credit_operation(&self) -> &str {
        SITE_BLOCK_GENERATION
    }

    fn validate(&self, payload: &Value) -> Result<()> {
        payload_id(payload, "blueprint_id")?;
        payload_id(payload, "page_id")?;
        payload_index(payload)?;
        payload_expected(payload)?;
        payload_instruction(payload).map(|_| ())
    }

    async fn prepare(
        &self,
        env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared> {
        let index = payload_index(payload)?;
        let mut loaded = load(env, account_id, payload).await?;
        let block = block_at(&loaded.page, index)?.clone();
        if block.locked {
            return Err(locked_block_error(&loaded.page, index));
        }
        let Some(block_type) = env.catalogue.get(&block.block_type) else {
            return Err(Error::invalid(format!(
                "block_index: block {index} has type {:?}, which the block catalogue does not have, so it cannot be regenerated",
                block.block_type
            )));
        };
        let fields = env
            .catalogue
            .subset(&[block_type.name()])
            .prompt_description();
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| loaded.page.blocks.get(i))
                .map(|b| json!({"type": b.block_type, "data": b.data}))
        };
        let before = neighbour(index.checked_sub(1));
        let after = neighbour(index.checked_add(1));
        let as_text = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        for (k, v, fallback) in [
            (
                "block_before",
                as_text(&before),
                "none: this is the first block of the page",
            ),
            (
                "block_after",
                as_text(&after),
                "none: this is the last block of the page",
            ),
            ("current_block", Some(block.data.to_string()), "{} (empty)"),
        ] {
            loaded
                .variables
                .insert(k.to_string(), data_or(k, v, fallback));
        }
        loaded
            .variables
            .insert("block_type".into(), block.block_type.clone());
        loaded.variables.insert("block_fields".into(), fields);
        if let Some(context) = loaded.context.as_object_mut() {
            context.insert("block_index".into(), json!(index));
            context.insert("block".into(), json!(block));
            context.insert("before".into(), before.unwrap_or(Value::Null));
            context.insert("after".into(), after.unwrap_or(Value::Null));
        }
        let state = mark(
            env,
            &loaded,
            json!({"block_index": index, "block_type": block.block_type}),
        )
        .await?;
        Ok(Prepared {
            scope: Some(loaded.scope),
            variables: loaded.variables,
            context: loaded.context,
            state,
        })
    }

    fn output_schema(&self, env: &FunctionEnv) -> Option<OutputSchema> {
        Some(OutputSchema {
            name: "block".into(),
            description: Some(
                "One block rewritten as the owner asked; its type stays the same.".into(),
            ),
            schema: std::sync::Arc::new(json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["block"],
                "properties": {"block": env.catalogue.block_output_schema()}
            })),
        })
    }

    fn parse(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>> {
        let block_type = prepared.state["block_type"].as_str().unwrap_or_default();
        let block = validate_regenerated_block(answer, block_type, &env.catalogue, &env.limits)?;
        Ok(json!({ "block": block }))
    }

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        capture: Capture,
    ) -> Result<Value> {
        let index = payload_index(&prepared.state)?;
        let mut blocks = state_blocks(prepared)?;
        let fresh: Block = serde_json::from_value(output["block"].clone())
            .map_err(Error::json("regenerated block"))?;
        let old = blocks
            .get_mut(index)
            .ok_or_else(|| Error::invalid(format!("block_index: no block at index {index}")))?;
        // The block keeps its identity (type, id, variant); only its copy is new.
        old.data = fresh.data;
        let page = save_blocks(env, prepared, blocks, capture, "regenerate_block").await?;
        Ok(json!({
            "page_id": page.id,
            "slug": page.slug,
            "status": page.status,
            "block_index": index,
            "block": page.blocks.get(index),
            "to_fill": crate::quality::to_fill_page(&page.slug, &page.blocks),
        }))
    }

    async fn fail(&self, env: &FunctionEnv, prepared: &Prepared) -> Result<()> {
        restore_status(env, prepared).await
    }
}
