//! The offline planner: content writing that answers the site functions from their prepared
//! context, with no model and no network. It is no transport: `ai::provider::OfflinePlanner`
//! adapts it to the `Provider` trait.
//!
//! It exists so that a host without an API key still gets a usable first draft (and a test suite
//! gets realistic answers). It reads the brief: the business's name, its kind (a chosen business
//! type the brief contradicts is set aside, with a note in the answer's `notes`), its offerings,
//! place and conversion goals ([`goals`]). Each goal gets the page or button that serves it (cake
//! pre-orders an order page with a form, calls a `tel:` button on every page) and no conversion
//! page appears that the brief does not suggest; the kind adds only its content pages. The copy is
//! composed from the brief, the tone from the brand personality and the hero from the imagery
//! direction, and a last pass drops item copy an earlier page already used. It never invents
//! facts: where a block needs a price, a figure or a customer quote the brief does not give, it
//! writes one marked note for the owner, `[Add …]`, which [`crate::quality::to_fill`] lists.
//!
//! Answers are deterministic: the same request gives byte-identical JSON.

mod compose;
pub mod goals;
mod instance;
mod page;
mod plan;
mod profile;
pub mod recipes;
mod regen;
mod text;
mod tidy;
mod voice;

use serde_json::Value;

use crate::{Error, Result};

/// Prompt type of the structure generator.
const STRUCTURE: &str = "site_structure_generation";
/// Prompt type of the page-content generator.
const PAGE: &str = "site_page_generation";
/// Prompt type of a page regenerated with an instruction.
const PAGE_REGEN: &str = "site_page_regeneration";
/// Prompt type of a block regenerated with an instruction.
const BLOCK_REGEN: &str = "site_block_regeneration";

/// What the planner needs of a function run: which function, its prompt type, its prepared
/// context and (for functions it has no recipe for) the output schema to fill minimally.
#[derive(Debug, Clone, Copy)]
pub struct PlanRequest<'a> {
    /// AI function being run (for error messages).
    pub function_name: &'a str,
    /// Prompt type: selects the structure or page recipe.
    pub prompt_type: &'a str,
    /// The function's prepared context (brief, chosen options, page…).
    pub context: &'a Value,
    /// The expected output's JSON schema, when the function has one.
    pub output_schema: Option<&'a Value>,
}

/// The business's name as the planner reads it from a brief: a quoted or « »-marked name,
/// "called X", or the subject of a sentence; `None` rather than instruction-like text.
pub fn business_name(brief: &str) -> Option<String> {
    text::name_in_brief(brief)
}

/// A name for a site whose brief names no business: the business's name when it has one
/// ([`business_name`]), else the brief's opening noun phrase title-cased ("A family bakery in
/// Porto …" → "Family Bakery"); `None` when the brief has no descriptive sentence.
pub fn site_name(brief: &str) -> Option<String> {
    text::name_in_brief(brief).or_else(|| text::descriptive_name(brief))
}

/// Whether `text` reads as instructions to a builder or a model (a prompt injection, template
/// syntax, a role tag) and so must never become a name or heading.
pub fn reads_as_instructions(text: &str) -> bool {
    text::instruction_like(text)
}

/// The answer for `request`, as a model would send it. Deterministic: the same request gives
/// byte-identical JSON.
pub fn answer(request: PlanRequest<'_>) -> Result<Value> {
    match request.prompt_type {
        STRUCTURE => plan::structure(request.context),
        PAGE => page::content(request.context),
        PAGE_REGEN => regen::page(request.context),
        BLOCK_REGEN => regen::block(request.context),
        other => match request.output_schema {
            Some(schema) => Ok(instance::minimal(schema)),
            None => Err(Error::config(format!(
                "the offline planner cannot answer function {:?} (prompt type {other:?}): it has no output schema; configure an AI provider (SITEBUILDER_AI_API_KEY) or give the function an output schema",
                request.function_name
            ))),
        },
    }
}

#[cfg(test)]
mod tests;
