//! Generation in steps, for models too small to write a whole site in one answer: the sitemap
//! first (site settings and pages without blocks: a small schema), then each page's blocks with
//! a schema of their own, pages in parallel (as many at once as the provider serves well: one
//! for a server on this machine), re-asking only a page that failed.
//!
//! It wraps any provider and answers a structure request with one assembled answer, so the
//! engine still holds and charges once, validates the whole and keeps one task-log row. Every
//! step is a continuation of the same conversation (the brief stays fenced as data in the first
//! user message; the sitemap goes back as the model's own answer). Other requests pass through.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{
    ChatMessage, Completion, CompletionRequest, DeltaSink, OutputSchema, Provider, StreamDelta,
    Usage, drop_lengths, each_free_text, each_object,
};
use crate::ai::lenient::parse_lenient;
use crate::blocks::coerce::{coerce_data, coerce_sitemap, is_nullable};
use crate::blocks::validate::Limits;
use crate::tasks::Partial;
use crate::{Error, Result};

/// The sitemap step's ask, after the function's own prompt.
const SITEMAP_ASK: &str = "Work in steps. First only the sitemap: the \"site\" settings and every \
page with slug, title, type, objective, primary_cta and seo, but no blocks yet. Answer with one \
JSON object {\"site\": {...}, \"pages\": [...]} and nothing else.";

/// Asks per page (the first and its re-asks).
const PAGE_ATTEMPTS: u32 = 3;
/// Asks for the sitemap (the first and its re-asks): a sitemap that was cut off or broke a rule
/// is asked again on its own, before any page is written, instead of failing the run.
const SITEMAP_ATTEMPTS: u32 = 3;
/// Pages a sitemap may list once a longer one was cut off: the re-ask's schema carries the
/// tighter bound, so the model's grammar cannot run long again.
const STEP_RETRY_PAGES: usize = 3;
/// Most tokens the sitemap step may write: what [`STEP_MAX_PAGES`] pages take with every field
/// at its [`SITEMAP_LENGTHS`] bound (about 150 tokens a page, 150 for the site settings), so a
/// grammar-constrained answer always fits; a typical one is 400 to 700 (SmolLM2-135M). Without
/// a cap a small model that loops (an endless array, a string that never closes) writes until
/// the run's whole budget is spent, and a one-slot local server keeps writing after the run has
/// given up, so the next run waits behind it. SmolLM2-135M writes about 18 tokens per second.
const STEP_MAX_TOKENS: u32 = 800;
/// Most tokens one page step may write: [`STEP_MAX_BLOCKS`] blocks of short copy take about 300
/// (SmolLM2-135M wrote 50 to 620 per page); a page that runs past this is looping, and is asked
/// again sooner.
const PAGE_MAX_TOKENS: u32 = 512;
/// Pages a sitemap step may list, and entries of each menu. The step schemas carry these bounds
/// (`minItems`/`maxItems`, which strict structured outputs and llama.cpp's JSON grammars both
/// enforce while the model writes), so a small model can neither answer an empty sitemap nor
/// repeat pages until its budget runs out. Four: a small model on a CPU writes 14 to 19 tokens a
/// second under a JSON grammar (SmolLM2-135M on two cores), so every page costs it 20 to 30 s of
/// sitemap and blocks; six pages ran past 800 sitemap tokens more often than not.
const STEP_MAX_PAGES: usize = 4;
/// Blocks one page step may write (at least one): a page in steps is a small model's work, and
/// every block costs it seconds.
const STEP_MAX_BLOCKS: usize = 3;

/// `base`'s token budget, capped at `cap`.
fn step_budget(base: Option<u32>, cap: u32) -> Option<u32> {
    Some(base.map_or(cap, |m| m.min(cap)))
}

/// A provider that generates site structures in steps.
#[derive(Debug, Clone)]
pub struct StepwiseProvider {
    inner: Arc<dyn Provider>,
    /// Whether the sitemap and each page's block types come from the embedded planner.
    planned: bool,
}

impl StepwiseProvider {
    /// Wraps `inner`: structure requests go in steps, everything else straight through.
    pub fn new(inner: Arc<dyn Provider>) -> Self {
        StepwiseProvider {
            inner,
            planned: false,
        }
    }

    /// Like [`StepwiseProvider::new`], but the sitemap (site settings, pages, their SEO and
    /// calls to action) and each page's block types come from the embedded planner, which reads
    /// the brief's goals; `inner` writes every block's words. For the smallest models, which
    /// write a page's copy well enough but plan a site badly (SmolLM2-135M's own sitemaps miss
    /// the brief's goals and name). A page the model cannot write after its re-asks keeps the
    /// planner's blocks, noted in the task log.
    pub fn planned(inner: Arc<dyn Provider>) -> Self {
        StepwiseProvider {
            inner,
            planned: true,
        }
    }
}

/// Blocks the model writes for a planned page. Two, not [`STEP_MAX_BLOCKS`]: planned types are
/// often list blocks (features, testimonials, a form's fields), and SmolLM2-135M wrote three of
/// them past the page step's token cap on most pages (measured: 10 of 13 page answers cut off at
/// 511 tokens), so every page was asked again and no site finished in 180 s.
const PLANNED_MAX_BLOCKS: usize = 2;
/// Longest text of one block field in a planned page step: one sentence, for the same reason
/// (SmolLM2-135M writes each field to its bound; at 160 characters two blocks still took about
/// 400 tokens a page and a six-page site ran past 180 s).
const PLANNED_TEXT_MAX: usize = 80;

/// Block fields a planned page step leaves out (all nullable, so the blocks stay valid).
const PLANNED_LEFT_OUT: &[&str] = &["id", "variant", "locked", "image"];

/// What the model is shown of a planned sitemap before it writes a page: the site's name and
/// tone and each page's slug, title, type and objective. Not the tagline, meta titles or
/// descriptions: SmolLM2-135M copied them into headings ("Services | Leeds Rapid Plumbing" four
/// times), which the rubric's repetition rule counts.
fn planned_outline(sitemap: &Value) -> Value {
    let pages: Vec<Value> = sitemap["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            json!({
                "slug": p["slug"], "title": p["title"], "type": p["type"],
                "objective": p["objective"],
            })
        })
        .collect();
    json!({
        "site": {"name": sitemap["site"]["name"], "tone": sitemap["site"]["tone"]},
        "pages": pages,
    })
}

/// Where a planned block's own links (list items) may point: each page's path. The planner's
/// `tel:` and `mailto:` links stay on its buttons ([`fix_buttons`]): offered to list items as
/// well, SmolLM2-135M put `tel:` under items titled "Home".
fn link_targets(plan: &Value) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    for page in plan["pages"].as_array().into_iter().flatten() {
        let path = match (page["type"].as_str(), page["slug"].as_str()) {
            (Some("home"), _) | (_, Some("home")) => "/".to_string(),
            (_, Some(slug)) => format!("/{slug}"),
            _ => continue,
        };
        targets.push(path);
    }
    let mut seen = std::collections::BTreeSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    targets
}

/// Of a planned page's blocks, those the model writes (at most [`PLANNED_MAX_BLOCKS`]): the
/// first (the page's opening), every form (a form is how most goals are served), then the rest
/// in page order.
fn planned_blocks(page: &Value) -> Vec<Value> {
    let blocks: &[Value] = page["blocks"].as_array().map_or(&[], Vec::as_slice);
    let mut keep: Vec<usize> = Vec::new();
    let wanted = (0..blocks.len())
        .filter(|&i| i == 0)
        .chain((0..blocks.len()).filter(|&i| blocks[i]["type"] == "form"))
        .chain(0..blocks.len());
    for i in wanted {
        if keep.len() == PLANNED_MAX_BLOCKS {
            break;
        }
        if !keep.contains(&i) {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    keep.into_iter().map(|i| blocks[i].clone()).collect()
}

/// Whether a property's schema is a button (`{href, label}`, maybe nullable).
fn is_button(schema: &Value) -> bool {
    let has_href = |s: &Value| s.pointer("/properties/href").is_some();
    has_href(schema)
        || schema["anyOf"]
            .as_array()
            .is_some_and(|branches| branches.iter().any(has_href))
}

/// A planned block's step schema with its buttons fixed to the planner's (`const`), or left out
/// where the planner has none: where a button leads and what it says is the site's navigation,
/// which the planner keeps consistent (one label per target, `tel:` where the brief wants
/// calls); SmolLM2-135M gave one target three labels and called pages by their meta titles.
fn fix_buttons(branch: &mut Value, planned: &Value) {
    let Some(Value::Object(props)) = branch.pointer_mut("/properties/data/properties") else {
        return;
    };
    let buttons: Vec<String> = props
        .iter()
        .filter(|(_, schema)| is_button(schema))
        .map(|(key, _)| key.clone())
        .collect();
    let mut left_out = Vec::new();
    for key in buttons {
        match planned["data"].get(&key) {
            Some(button @ Value::Object(_)) => {
                props.insert(key, json!({ "const": button }));
            }
            _ => {
                props.remove(&key);
                left_out.push(key);
            }
        }
    }
    if let Some(Value::Array(required)) = branch.pointer_mut("/properties/data/required") {
        required.retain(|r| !left_out.iter().any(|k| r == k));
    }
}

/// The page step's schema narrowed to the `planned` blocks: exactly their types in that order (a tuple:
/// `prefixItems`, no further items; with a set of allowed types instead, SmolLM2-135M wrote the
/// first type twice on every page, "hero, hero" for "hero, form"), text fields to
/// [`PLANNED_TEXT_MAX`], buttons the planner's ([`fix_buttons`]), other links to `targets`, so a
/// grammar-constrained model writes the planned page.
fn narrowed(page_schema: &Value, planned: &[Value], targets: &[String]) -> Value {
    let mut schema = page_schema.clone();
    each_object(&mut schema, &mut |map| {
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            // What a small model spent most of a page's tokens on and the planner fills
            // better: editor fields (id, variant, locked) and image descriptions. All nullable.
            for field in PLANNED_LEFT_OUT {
                props.remove(*field);
            }
            // Links go where the site has something (its pages), never an invented URL.
            if let Some(Value::Object(href)) = props.get_mut("href") {
                href.insert("enum".into(), json!(targets));
            }
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| !PLANNED_LEFT_OUT.iter().any(|f| r == f));
        }
    });
    each_free_text(&mut schema, &mut |field| {
        let max = field
            .get("maxLength")
            .and_then(Value::as_u64)
            .map_or(PLANNED_TEXT_MAX, |m| (m as usize).min(PLANNED_TEXT_MAX));
        field.insert("maxLength".into(), json!(max));
    });
    if let Some(blocks) = schema.pointer_mut("/properties/blocks") {
        let branches: Vec<Value> = blocks
            .pointer("/items/anyOf")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let branch = |kind: &str| branches.iter().find(|b| branch_type(b) == Some(kind));
        let tuple: Option<Vec<Value>> = planned
            .iter()
            .map(|block| {
                let mut branch = branch(block["type"].as_str()?)?.clone();
                fix_buttons(&mut branch, block);
                Some(branch)
            })
            .collect();
        if let (Some(tuple), Some(blocks)) = (tuple, blocks.as_object_mut()) {
            blocks.insert("prefixItems".into(), Value::Array(tuple));
            blocks.insert("items".into(), json!(false));
        }
        bound(blocks, planned.len().max(1), planned.len().max(1));
    }
    schema
}

/// The sitemap schema (pages without blocks) and one page's blocks schema, cut from a structure
/// answer schema; `None` when the schema is not one.
fn split_schema(schema: &Value) -> Option<(Value, Value)> {
    let page = schema.pointer("/properties/pages/items")?;
    let mut blocks = page.pointer("/properties/blocks")?.clone();
    bound(&mut blocks, 1, STEP_MAX_BLOCKS);
    cap_strings(&mut blocks, BLOCK_TEXT_MAX);
    if let Some(types) = blocks.pointer_mut("/items") {
        cap_lists(types, BLOCK_LIST_MAX);
    }
    let mut sitemap = schema.clone();
    let page = sitemap.pointer_mut("/properties/pages/items")?;
    page["properties"].as_object_mut()?.remove("blocks");
    if let Some(required) = page["required"].as_array_mut() {
        required.retain(|r| r != "blocks");
    }
    bound(sitemap.pointer_mut("/properties/pages")?, 1, STEP_MAX_PAGES);
    for (pointer, max) in SITEMAP_LENGTHS {
        if let Some(Value::Object(field)) = sitemap.pointer_mut(pointer) {
            field.insert("maxLength".into(), json!(max));
        }
    }

    if let Some(menu) = sitemap.pointer_mut("/properties/site/properties/primary_navigation") {
        bound(menu, 1, STEP_MAX_PAGES);
    }
    if let Some(menu) = sitemap.pointer_mut("/properties/site/properties/secondary_navigation") {
        bound(menu, 0, STEP_MAX_PAGES);
    }
    let page_schema = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["blocks"],
        "properties": {"blocks": blocks}
    });
    Some((sitemap, page_schema))
}

/// Length bounds of the sitemap's text fields (within the prompt's own: meta title 60,
/// description 155). Strict structured outputs drop them; llama.cpp's grammar enforces them
/// while the model writes, so a small model that repeats a word inside a string ("Fiona Fiona
/// …", seen with SmolLM2-135M) is made to close it instead of writing until its token cap.
const SITEMAP_LENGTHS: &[(&str, usize)] = &[
    ("/properties/site/properties/name", 50),
    ("/properties/site/properties/tagline", 80),
    ("/properties/site/properties/tone", 60),
    ("/properties/site/properties/hero_message", 80),
    ("/properties/pages/items/properties/slug", 30),
    ("/properties/pages/items/properties/title", 50),
    ("/properties/pages/items/properties/objective", 80),
    ("/properties/pages/items/properties/primary_cta", 30),
    (
        "/properties/pages/items/properties/seo/properties/meta_title",
        60,
    ),
    (
        "/properties/pages/items/properties/seo/properties/meta_description",
        100,
    ),
];

/// Longest text of one block field in a page step (two or three sentences), for the same reason:
/// every token costs a small model on a CPU 50 to 70 ms under a grammar.
const BLOCK_TEXT_MAX: usize = 300;

/// Items of any list inside a block in a page step (features, services, questions, form
/// fields): SmolLM2-135M filled a services list to its catalogue bound of 24 and ran out of
/// page tokens.
const BLOCK_LIST_MAX: usize = 3;

/// Lowers every array's `maxItems` inside `schema` to at most `max` (and `minItems` with it).
fn cap_lists(schema: &mut Value, max: usize) {
    each_object(schema, &mut |map| {
        if map.get("type") == Some(&json!("array")) {
            let upper = map
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(max, |m| (m as usize).min(max));
            map.insert("maxItems".into(), json!(upper));
            if let Some(lower) = map.get("minItems").and_then(Value::as_u64) {
                map.insert("minItems".into(), json!((lower as usize).min(upper)));
            }
        }
    });
}

/// Gives every free-text string of `schema` without a bound of its own a `maxLength` of `max`.
fn cap_strings(schema: &mut Value, max: usize) {
    each_free_text(schema, &mut |field| {
        field.entry("maxLength").or_insert(json!(max));
    });
}

/// Bounds an array schema to `min..=max` items.
fn bound(array: &mut Value, min: usize, max: usize) {
    if let Some(a) = array.as_object_mut() {
        a.insert("minItems".into(), json!(min));
        a.insert("maxItems".into(), json!(max));
    }
}

/// `schema` with every property that may be null made optional (what strict mode means by a
/// nullable field), so a page's answer is checked the way the engine's validation checks it.
fn relax(schema: &mut Value) {
    each_object(schema, &mut |map| {
        if let (Some(Value::Object(props)), Some(Value::Array(required))) =
            (map.get("properties"), map.get("required"))
        {
            let kept: Vec<Value> = required
                .iter()
                .filter(|r| {
                    r.as_str()
                        .and_then(|r| props.get(r))
                        .is_none_or(|p| !is_nullable(p))
                })
                .cloned()
                .collect();
            map.insert("required".into(), Value::Array(kept));
        }
    });
}

/// The block type one branch of a page schema's `blocks.items.anyOf` stands for.
fn branch_type(branch: &Value) -> Option<&str> {
    let kind = &branch["properties"]["type"];
    kind["enum"][0].as_str().or(kind["const"].as_str())
}

/// Checks one page's blocks the way the engine will check them: each block against its own
/// type's schema after the same near-miss mapping ([`coerce_data`]). A re-ask then names the
/// fields that are wrong; the page schema's `anyOf` only says that no block type matched, which a
/// small model cannot act on. The blocks are handed on as written: the engine maps them again
/// on the assembled answer and keeps each mapping in the task log.
struct PageCheck {
    /// Block type → its `data` schema (for the mapping) and a validator of a whole block.
    types: Vec<(String, Value, jsonschema::Validator)>,
}

impl PageCheck {
    /// From a page step's schema (`{"blocks": {"items": {"anyOf": [one branch per type]}}}`).
    fn new(page_schema: &Value) -> Result<Self> {
        let items = &page_schema["properties"]["blocks"]["items"];
        let branches = items["anyOf"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![items.clone()]);
        let mut types = Vec::with_capacity(branches.len());
        for mut branch in branches {
            let Some(name) = branch_type(&branch) else {
                continue;
            };
            let name = name.to_string();
            let data = branch["properties"]["data"].clone();
            drop_lengths(&mut branch);
            relax(&mut branch);
            let validator = jsonschema::validator_for(&branch).map_err(|e| {
                Error::config(format!("the {name} block schema does not compile: {e}"))
            })?;
            types.push((name, data, validator));
        }
        Ok(PageCheck { types })
    }

    /// The page's blocks, or what is wrong with them (at most eight lines).
    fn blocks(&self, answer: &Value) -> std::result::Result<Value, Vec<String>> {
        let blocks = match answer.get("blocks") {
            Some(b) => b,
            None if answer.is_array() => answer,
            None => return Err(vec!["expected one JSON object {\"blocks\": [...]}".into()]),
        };
        let Some(list) = blocks.as_array() else {
            return Err(vec!["blocks: expected an array of blocks".into()]);
        };
        if list.is_empty() || list.len() > STEP_MAX_BLOCKS {
            return Err(vec![format!(
                "blocks: {} blocks; write 1 to {STEP_MAX_BLOCKS}",
                list.len()
            )]);
        }
        let names = || {
            self.types
                .iter()
                .map(|(n, _, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut errors = Vec::new();
        for (i, block) in list.iter().enumerate() {
            let Some(kind) = block.get("type").and_then(Value::as_str) else {
                errors.push(format!("blocks[{i}].type: missing; one of {}", names()));
                continue;
            };
            let Some((_, data_schema, validator)) = self.types.iter().find(|(n, _, _)| n == kind)
            else {
                errors.push(format!(
                    "blocks[{i}].type: \"{kind}\" is not a block type; use one of {}",
                    names()
                ));
                continue;
            };
            let problems = |block: &Value| -> Vec<String> {
                let mut found: Vec<String> = validator
                    .iter_errors(block)
                    .take(4)
                    .map(|e| format!("blocks[{i}] ({kind}){}: {e}", e.instance_path()))
                    .collect();
                empty_texts(
                    &block["data"],
                    &format!("blocks[{i}] ({kind})/data"),
                    &mut found,
                );
                found
            };
            let mut mapped = block.clone();
            if let Some(data) = mapped.get_mut("data") {
                coerce_data(data, data_schema, "data");
            }
            let after_mapping = problems(&mapped);
            if !after_mapping.is_empty() {
                // Told as the model wrote it (`[""]`), not as the mapping left it (`[]`).
                let as_written = problems(block);
                errors.extend(if as_written.is_empty() {
                    after_mapping
                } else {
                    as_written
                });
            }
        }
        errors.truncate(8);
        if errors.is_empty() {
            Ok(blocks.clone())
        } else {
            Err(errors)
        }
    }
}

/// Empty or blank text inside block data, which the block catalogue's validation refuses (its
/// text fields need words) but the strict page schema cannot say.
fn empty_texts(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.trim().is_empty() => {
            found.push(format!(
                "{path}: empty text; write the words or leave the item out"
            ));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                empty_texts(item, &format!("{path}/{i}"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                empty_texts(item, &format!("{path}/{key}"), found);
            }
        }
        _ => {}
    }
}

/// What is wrong with a sitemap answer before any page is written (empty: nothing): the sitemap
/// schema, and the structure's rule that a page step cannot mend (exactly one home page),
/// checked after the mapping the engine applies (a repeated slug's page dropped, so slugs are
/// distinct; a second `home` typed by its slug; menus cut to the pages).
fn sitemap_errors(sitemap: &Value, validator: &jsonschema::Validator) -> Vec<String> {
    let mut mapped = sitemap.clone();
    coerce_sitemap(&mut mapped, &Limits::default());
    let mut errors: Vec<String> = validator
        .iter_errors(&mapped)
        .take(8)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    let pages = mapped["pages"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let homes = pages.iter().filter(|p| p["type"] == "home").count();
    if homes != 1 {
        errors.push(format!(
            "pages: {homes} pages have type \"home\"; exactly one must"
        ));
    }
    errors
}

/// Temperature added on each re-ask of a step: a small model asked again at the same
/// temperature with its own answer in view wrote the same answer three times (SmolLM2-135M).
const REASK_WARMER: f32 = 0.3;

/// Continues a step's conversation with the model's unusable `answer` and what was wrong with
/// it, so the next ask corrects that answer rather than starting over, a little warmer.
fn push_reask(request: &mut CompletionRequest, answer: String, what: &str, errors: &[String]) {
    request.temperature = Some((request.temperature.unwrap_or(0.4) + REASK_WARMER).min(1.0));
    let messages = &mut request.messages;
    messages.push(ChatMessage::assistant(answer));
    messages.push(ChatMessage::user(format!(
        "That {what} could not be used:\n- {}\nAnswer again with the complete, corrected JSON only.",
        errors.join("\n- ")
    )));
}

/// How one page is asked for: its step schema, and the block types it must have when planned.
#[derive(Clone, Copy)]
struct PageAsk<'a> {
    schema: &'a OutputSchema,
    types: Option<&'a [String]>,
}

/// Sums what every step cost, and notes each re-ask for the task log.
#[derive(Default)]
struct Spent {
    usage: Usage,
    cost_usd: f64,
    retries: u32,
    reasks: Vec<String>,
    /// Provider label and model of the first answer.
    answered_by: Option<(String, String)>,
}

impl Spent {
    fn add(&mut self, c: &Completion) {
        self.absorb(Spent {
            usage: c.usage,
            cost_usd: c.cost_usd,
            retries: c.retries,
            reasks: c.reasks.clone(),
            answered_by: Some((c.provider.clone(), c.model.clone())),
        });
    }

    fn absorb(&mut self, other: Spent) {
        if self.answered_by.is_none() {
            self.answered_by = other.answered_by;
        }
        self.usage.prompt_tokens += other.usage.prompt_tokens;
        self.usage.completion_tokens += other.usage.completion_tokens;
        self.cost_usd += other.cost_usd;
        self.retries += other.retries;
        self.reasks.extend(other.reasks);
    }

    /// Notes that `what` was asked again (attempt `next`) and why, briefly.
    fn reasked(&mut self, what: &str, next: u32, why: &[String]) {
        let mut why = why.join("; ");
        if why.len() > REASK_NOTE_MAX {
            let cut = (0..=REASK_NOTE_MAX)
                .rev()
                .find(|i| why.is_char_boundary(*i))
                .unwrap_or(0);
            why.truncate(cut);
            why.push('…');
        }
        self.reasks.push(format!("{what}, attempt {next}: {why}"));
    }
}

/// How much of a re-ask's reasons the task log keeps.
const REASK_NOTE_MAX: usize = 240;

impl StepwiseProvider {
    /// The model's sitemap: asked, checked, and asked again on its own (a cut-off one with fewer
    /// pages allowed) up to [`SITEMAP_ATTEMPTS`] times; its answer text and its value.
    async fn ask_sitemap(
        &self,
        request: &CompletionRequest,
        sitemap_schema: Value,
        tokens: &TokenCount<'_>,
        spent: &mut Spent,
    ) -> Result<(String, Value)> {
        let mut checked_sitemap = sitemap_schema.clone();
        drop_lengths(&mut checked_sitemap);
        relax(&mut checked_sitemap);
        let sitemap_check = jsonschema::validator_for(&checked_sitemap)
            .map_err(|e| Error::config(format!("the sitemap schema does not compile: {e}")))?;
        let mut sitemap_request = request.clone();
        sitemap_request.max_tokens = step_budget(request.max_tokens, STEP_MAX_TOKENS);
        sitemap_request.output_schema = Some(OutputSchema {
            name: "sitemap".into(),
            description: Some("Site settings and pages, without their blocks.".into()),
            schema: Arc::new(sitemap_schema),
        });
        sitemap_request
            .messages
            .push(ChatMessage::user(SITEMAP_ASK));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let errors = match tokens.ask(self.inner.as_ref(), &sitemap_request).await {
                Ok(completion) => {
                    spent.add(&completion);
                    let errors = match parse_lenient(&completion.content) {
                        Err(e) => vec![format!("the answer is not valid JSON: {e}")],
                        Ok(parsed) => {
                            let errors = sitemap_errors(&parsed.value, &sitemap_check);
                            if errors.is_empty() {
                                return Ok((completion.content, parsed.value));
                            }
                            errors
                        }
                    };
                    if attempt < SITEMAP_ATTEMPTS {
                        spent.reasked("sitemap", attempt + 1, &errors);
                        push_reask(&mut sitemap_request, completion.content, "sitemap", &errors);
                    }
                    errors
                }
                Err(e @ Error::AiOutputTruncated) if attempt < SITEMAP_ATTEMPTS => {
                    // Cut off: asked again without the broken answer, with fewer pages allowed.
                    spent.reasked("sitemap", attempt + 1, &[e.to_string()]);
                    if let Some(schema) = sitemap_request.output_schema.as_mut() {
                        let mut tighter = Value::clone(&schema.schema);
                        if let Some(pages) = tighter.pointer_mut("/properties/pages") {
                            bound(pages, 1, STEP_RETRY_PAGES);
                        }
                        schema.schema = Arc::new(tighter);
                    }
                    sitemap_request.messages.push(ChatMessage::user(format!(
                        "That sitemap was cut off. Answer again with at most {STEP_RETRY_PAGES} pages \
                         and short texts."
                    )));
                    continue;
                }
                Err(e) => return Err(tokens.failed(spent, e)),
            };
            if attempt >= SITEMAP_ATTEMPTS {
                return Err(tokens.failed(
                    spent,
                    Error::InvalidAiOutput {
                        attempts: attempt,
                        errors: errors
                            .into_iter()
                            .map(|e| format!("sitemap: {e}"))
                            .collect(),
                    },
                ));
            }
        }
    }

    /// One page's blocks: asks, checks the answer against the page schema, re-asks this page
    /// only (with what was wrong) up to [`PAGE_ATTEMPTS`] times.
    async fn page_blocks(
        &self,
        base: &CompletionRequest,
        sitemap_answer: &str,
        page: &Value,
        ask: PageAsk<'_>,
        check: &PageCheck,
        tokens: &TokenCount<'_>,
    ) -> (Result<Value>, Spent) {
        let mut spent = Spent::default();
        let mut request = base.clone();
        request.output_schema = Some(ask.schema.clone());
        request.max_tokens = step_budget(base.max_tokens, PAGE_MAX_TOKENS);
        request
            .messages
            .push(ChatMessage::assistant(sitemap_answer.to_string()));
        let which = match ask.types {
            Some(types) => format!(
                " Write exactly these blocks, in this order: {}.",
                types.join(", ")
            ),
            None => String::new(),
        };
        request.messages.push(ChatMessage::user(format!(
            "Good. Now write the blocks of one page only: slug {}, title {}, type {}, objective {}.{which} \
             Follow the block catalogue and the rules above. Answer with one JSON object: \
             {{\"blocks\": [...]}} and nothing else.",
            json!(page["slug"]),
            json!(page["title"]),
            json!(page["type"]),
            json!(page["objective"]),
        )));
        let mut last_error = Error::InvalidAiOutput {
            attempts: 0,
            errors: vec![],
        };
        for attempt in 1..=PAGE_ATTEMPTS {
            let completion = match tokens.ask(self.inner.as_ref(), &request).await {
                Ok(c) => c,
                Err(e @ (Error::AiOutputTruncated | Error::InvalidAiOutput { .. })) => {
                    if attempt < PAGE_ATTEMPTS {
                        spent.reasked(
                            &format!("page {}", page["slug"]),
                            attempt + 1,
                            &[e.to_string()],
                        );
                    }
                    last_error = e;
                    request.messages.push(ChatMessage::user(
                        "That answer was cut off or empty. Answer again with fewer, shorter blocks.",
                    ));
                    continue;
                }
                Err(e) => return (Err(e), spent),
            };
            spent.add(&completion);
            let errors: Vec<String> = match parse_lenient(&completion.content) {
                Err(e) => vec![format!("the answer is not valid JSON: {e}")],
                Ok(parsed) => match check.blocks(&parsed.value) {
                    Ok(blocks) => return (Ok(blocks), spent),
                    Err(errors) => errors,
                },
            };
            if attempt < PAGE_ATTEMPTS {
                spent.reasked(&format!("page {}", page["slug"]), attempt + 1, &errors);
            }
            last_error = Error::InvalidAiOutput {
                attempts: attempt,
                errors: errors.clone(),
            };
            push_reask(&mut request, completion.content, "page's answer", &errors);
        }
        (Err(last_error), spent)
    }
}

#[async_trait]
impl Provider for StepwiseProvider {
    fn label(&self) -> String {
        self.inner.label()
    }

    fn is_offline(&self) -> bool {
        self.inner.is_offline()
    }

    fn parallel_requests(&self) -> usize {
        self.inner.parallel_requests()
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion> {
        self.answer(request, None).await
    }

    /// Forwards the streamed steps: completion tokens summed over the steps as they are
    /// written, then the sitemap's site settings as [`Partial::Site`] and each page, once its
    /// blocks passed the page check, as [`Partial::Page`] (in page order).
    async fn complete_streaming(
        &self,
        request: &CompletionRequest,
        on_delta: &DeltaSink<'_>,
    ) -> Result<Completion> {
        self.answer(request, Some(on_delta)).await
    }

    async fn health_check(&self) -> Result<String> {
        self.inner.health_check().await
    }
}

/// Sums the completion tokens of every step (pages run in parallel) for a streaming caller.
struct TokenCount<'a> {
    sink: Option<&'a DeltaSink<'a>>,
    total: AtomicU64,
}

impl TokenCount<'_> {
    /// One step's request: streamed when the caller listens (only its token count is passed
    /// on: a step's text is not the run's answer), else a plain completion.
    async fn ask(&self, inner: &dyn Provider, request: &CompletionRequest) -> Result<Completion> {
        let Some(sink) = self.sink else {
            return inner.complete(request).await;
        };
        let seen = AtomicU64::new(0);
        let forward = |delta: StreamDelta<'_>| match delta {
            StreamDelta::Tokens(n) => {
                let before = seen.swap(n, Ordering::Relaxed);
                let total = if n >= before {
                    self.total.fetch_add(n - before, Ordering::Relaxed) + (n - before)
                } else {
                    self.total.load(Ordering::Relaxed)
                };
                sink(StreamDelta::Tokens(total));
            }
            StreamDelta::Restart => seen.store(0, Ordering::Relaxed),
            // What the step's provider spent on answers it did not return (a fallback chain's
            // failed link) is the run's cost too.
            spent @ StreamDelta::Spent { .. } => sink(spent),
            StreamDelta::Text(_) | StreamDelta::Partial(_) => {}
        };
        inner.complete_streaming(request, &forward).await
    }

    /// `error`, after telling a streaming caller what the failed run's answers cost: the run
    /// returns no completion to carry it.
    fn failed(&self, spent: &Spent, error: Error) -> Error {
        if let Some(sink) = self.sink
            && (spent.usage != Usage::default() || spent.cost_usd > 0.0)
        {
            sink(StreamDelta::Spent {
                usage: spent.usage,
                cost_usd: spent.cost_usd,
            });
        }
        error
    }

    fn partial(&self, partial: Partial) {
        if let Some(sink) = self.sink {
            sink(StreamDelta::Partial(partial));
        }
    }
}

impl StepwiseProvider {
    async fn answer(
        &self,
        request: &CompletionRequest,
        on_delta: Option<&DeltaSink<'_>>,
    ) -> Result<Completion> {
        let tokens = TokenCount {
            sink: on_delta,
            total: AtomicU64::new(0),
        };
        let Some((sitemap_schema, page_schema)) = request
            .output_schema
            .as_ref()
            .filter(|_| request.function_name == "generate_site_structure")
            .and_then(|s| split_schema(&s.schema))
        else {
            // Not a structure: one answer, streamed as the caller asked.
            return match on_delta {
                Some(sink) => self.inner.complete_streaming(request, sink).await,
                None => self.inner.complete(request).await,
            };
        };
        // Step 1: the sitemap, the model's or the planner's.
        let mut spent = Spent::default();
        let (first, mut sitemap, plan) = if self.planned {
            let plan = crate::planner::answer(super::planner::plan_request(request))?;
            let mut sitemap = plan.clone();
            for page in sitemap["pages"].as_array_mut().into_iter().flatten() {
                if let Some(page) = page.as_object_mut() {
                    page.remove("blocks");
                }
            }
            (planned_outline(&sitemap).to_string(), sitemap, Some(plan))
        } else {
            let (first, sitemap) = self
                .ask_sitemap(request, sitemap_schema, &tokens, &mut spent)
                .await?;
            (first, sitemap, None)
        };
        let pages: Vec<Value> = sitemap["pages"].as_array().cloned().unwrap_or_default();
        if sitemap["site"].is_object() {
            tokens.partial(Partial::Site {
                site: sitemap["site"].clone(),
            });
        }
        // Step 2: each page's blocks, a few at a time, each re-asked on its own.
        let page_output = OutputSchema {
            name: "page_blocks".into(),
            description: Some("The blocks of one page.".into()),
            schema: Arc::new(page_schema),
        };
        let check = PageCheck::new(&page_output.schema).map_err(|e| tokens.failed(&spent, e))?;
        // Each page step continues the sitemap step's conversation word for word (its ask, then
        // the model's own answer as written), so a server that caches the last prompt's prefix
        // reads only the page's ask.
        let mut page_base = request.clone();
        page_base.messages.push(ChatMessage::user(SITEMAP_ASK));
        // A planned page is written to its planned block types, with a schema of its own.
        let targets = plan.as_ref().map(link_targets).unwrap_or_default();
        let planned_pages: Vec<Option<(Vec<String>, OutputSchema)>> = pages
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let planned = plan.as_ref()?.pointer(&format!("/pages/{i}"))?;
                let blocks = planned_blocks(planned);
                let types = blocks
                    .iter()
                    .map(|b| b["type"].as_str().unwrap_or_default().to_string())
                    .collect();
                let schema = OutputSchema {
                    schema: Arc::new(narrowed(&page_output.schema, &blocks, &targets)),
                    ..page_output.clone()
                };
                Some((types, schema))
            })
            .collect();
        // A few pages at a time, handed on in page order as each is written.
        let mut asks = Vec::with_capacity(pages.len());
        for (page, planned) in pages.iter().zip(&planned_pages) {
            asks.push(self.page_blocks(
                &page_base,
                &first,
                page,
                PageAsk {
                    schema: planned.as_ref().map_or(&page_output, |(_, schema)| schema),
                    types: planned.as_ref().map(|(types, _)| types.as_slice()),
                },
                &check,
                &tokens,
            ));
        }
        let mut in_order =
            futures_util::stream::iter(asks).buffered(self.inner.parallel_requests().max(1));
        let mut written: Vec<(Result<Value>, Spent)> = Vec::with_capacity(pages.len());
        while let Some((mut blocks, mut page_spent)) = in_order.next().await {
            let index = written.len();
            if let (Err(Error::InvalidAiOutput { .. } | Error::AiOutputTruncated), Some(planned)) = (
                &blocks,
                plan.as_ref()
                    .and_then(|p| p.pointer(&format!("/pages/{index}/blocks"))),
            ) {
                // The planner's page stands in for one the model could not write.
                page_spent.reasks.push(format!(
                    "page {}: kept the planner's blocks after {PAGE_ATTEMPTS} unusable answers",
                    pages[index]["slug"]
                ));
                blocks = Ok(planned.clone());
            }
            if let Ok(blocks) = &blocks {
                let mut page = pages[written.len()].clone();
                page["blocks"] = blocks.clone();
                tokens.partial(Partial::Page {
                    index: u32::try_from(written.len()).unwrap_or(u32::MAX),
                    page,
                });
            }
            written.push((blocks, page_spent));
        }
        let mut failed = Vec::new();
        let mut unavailable = None;
        for (i, (blocks, page_spent)) in written.into_iter().enumerate() {
            spent.absorb(page_spent);
            match blocks {
                Ok(blocks) => sitemap["pages"][i]["blocks"] = blocks,
                Err(Error::InvalidAiOutput { errors, .. }) => failed.extend(
                    errors
                        .iter()
                        .map(|e| format!("page {}: {e}", pages[i]["slug"])),
                ),
                Err(e) => {
                    unavailable.get_or_insert(e);
                }
            }
        }
        // A provider failure (down, refused, cancelled) is reported as itself.
        if let Some(e) = unavailable {
            return Err(tokens.failed(&spent, e));
        }
        if !failed.is_empty() {
            return Err(tokens.failed(
                &spent,
                Error::InvalidAiOutput {
                    attempts: PAGE_ATTEMPTS,
                    errors: failed,
                },
            ));
        }
        let (provider, model) = spent
            .answered_by
            .take()
            .unwrap_or_else(|| (self.inner.label(), String::new()));
        Ok(Completion {
            content: sitemap.to_string(),
            provider,
            model,
            usage: spent.usage,
            cost_usd: spent.cost_usd,
            retries: spent.retries,
            reasks: spent.reasks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::blocks::BlockCatalogue;

    #[test]
    fn the_structure_schema_splits_into_sitemap_and_page() {
        let schema = BlockCatalogue::default().structure_output_schema();
        let (sitemap, page) = split_schema(&schema).expect("a structure schema");
        let requires = |object: &Value, key: &str| {
            object["required"]
                .as_array()
                .expect("required")
                .contains(&json!(key))
        };
        let items = &sitemap["properties"]["pages"]["items"];
        assert!(items["properties"].get("blocks").is_none());
        // Bounded, so a small model's grammar can neither answer nothing nor loop.
        let pages = &sitemap["properties"]["pages"];
        assert_eq!(
            (pages["minItems"].clone(), pages["maxItems"].clone()),
            (json!(1), json!(STEP_MAX_PAGES))
        );
        let menu = &sitemap["properties"]["site"]["properties"]["primary_navigation"];
        assert_eq!(menu["minItems"], json!(1));
        let blocks = &page["properties"]["blocks"];
        assert_eq!(
            (blocks["minItems"].clone(), blocks["maxItems"].clone()),
            (json!(1), json!(STEP_MAX_BLOCKS))
        );
        assert!(!requires(items, "blocks"));
        // Every block type, its text bounded for a grammar (strict mode drops the bound).
        let types = |s: &Value| s["anyOf"].as_array().map(Vec::len);
        assert_eq!(
            types(&page["properties"]["blocks"]["items"]),
            types(&schema["properties"]["pages"]["items"]["properties"]["blocks"]["items"])
        );
        let hero = &page["properties"]["blocks"]["items"]["anyOf"][0]["properties"]["data"];
        assert_eq!(
            hero["properties"]["heading"]["maxLength"],
            json!(BLOCK_TEXT_MAX)
        );
        assert_eq!(
            items["properties"]["seo"]["properties"]["meta_title"]["maxLength"],
            json!(60)
        );
        let features = &page["properties"]["blocks"]["items"]["anyOf"][2]["properties"]["data"];
        assert_eq!(
            features["properties"]["items"]["maxItems"],
            json!(BLOCK_LIST_MAX)
        );
        assert!(split_schema(&BlockCatalogue::default().page_output_schema()).is_none());
        let mut relaxed = page.clone();
        relax(&mut relaxed);
        let block = &relaxed["properties"]["blocks"]["items"]["anyOf"][0];
        assert!(!requires(block, "id") && requires(block, "data"));
        // The sitemap schema is a fraction of the whole.
        assert!(sitemap.to_string().len() * 5 < schema.to_string().len());
    }
}
