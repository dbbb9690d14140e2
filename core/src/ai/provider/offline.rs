//! The offline planner: a provider that answers the two site functions from their prepared
//! context, with no model and no network.
//!
//! It exists so that a host without an API key still gets a usable first draft (and a test suite
//! gets realistic answers): the page set and block recipes follow the business type and the
//! objectives, the copy is composed from the brief, the tone from the brand personality and the
//! hero from the imagery direction. It never invents facts: where a block needs a price, a figure
//! or a customer quote the brief does not give, it writes a bracketed note for the owner.
//!
//! Answers are deterministic: the same request gives byte-identical JSON.

mod compose;
mod instance;
mod page;
mod plan;
mod profile;
mod text;
mod voice;

use async_trait::async_trait;
use serde_json::Value;

use super::{Completion, CompletionRequest, Provider, Usage};
use crate::{Error, Result};

/// Prompt type of the structure generator.
const STRUCTURE: &str = "site_structure_generation";
/// Prompt type of the page-content generator.
const PAGE: &str = "site_page_generation";

/// The deterministic, network-free provider; always labelled `offline` in results.
#[derive(Debug, Clone, Default)]
pub struct OfflinePlanner;

impl OfflinePlanner {
    /// A planner (it holds no state; one per builder is plenty).
    pub fn new() -> Self {
        OfflinePlanner
    }

    /// The business's name as the planner reads it from a brief: a quoted or « »-marked name,
    /// "called X", or the subject of a sentence; `None` rather than instruction-like text.
    pub fn business_name(brief: &str) -> Option<String> {
        text::name_in_brief(brief)
    }

    /// Whether `text` reads as instructions to a builder or a model (a prompt injection,
    /// template syntax, a role tag) and so must never become a name or heading.
    pub fn reads_as_instructions(text: &str) -> bool {
        text::instruction_like(text)
    }

    /// The answer text for `request`, as a model would send it.
    fn answer(&self, request: &CompletionRequest) -> Result<Value> {
        match request.prompt_type.as_str() {
            STRUCTURE => plan::structure(&request.context),
            PAGE => page::content(&request.context),
            other => match &request.output_schema {
                Some(schema) => Ok(instance::minimal(&schema.schema)),
                None => Err(Error::config(format!(
                    "the offline planner cannot answer function {:?} (prompt type {other:?}): it has no output schema; configure an AI provider (SITEBUILDER_AI_API_KEY) or give the function an output schema",
                    request.function_name
                ))),
            },
        }
    }
}

/// Tokens as the usual rule of thumb counts them: four characters each, rounded up.
fn estimate_tokens(chars: usize) -> u64 {
    chars.div_ceil(4) as u64
}

#[async_trait]
impl Provider for OfflinePlanner {
    fn label(&self) -> String {
        "offline".to_string()
    }

    fn is_offline(&self) -> bool {
        true
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion> {
        let answer = self.answer(request)?;
        let content =
            serde_json::to_string(&answer).map_err(Error::json("offline planner answer"))?;
        let prompt_chars: usize = request
            .messages
            .iter()
            .map(|m| m.content.chars().count())
            .sum();
        Ok(Completion {
            usage: Usage {
                prompt_tokens: estimate_tokens(prompt_chars),
                completion_tokens: estimate_tokens(content.chars().count()),
            },
            content,
            provider: self.label(),
            model: "offline-planner-1".to_string(),
            cost_usd: 0.0,
            retries: 0,
        })
    }

    async fn health_check(&self) -> Result<String> {
        Ok("offline planner: no network needed".to_string())
    }
}

#[cfg(test)]
mod tests;
