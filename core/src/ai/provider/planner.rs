//! The offline planner as a provider: the adapter between the `Provider` trait and the
//! network-free content writer in `crate::planner`.
//!
//! It exists so that a host without an API key still gets a usable first draft (and a test suite
//! gets realistic answers). Transport concerns only: the planner writes, this turns its answer
//! into a [`Completion`] with estimated token usage.

use async_trait::async_trait;

use super::{Completion, CompletionRequest, Provider, Usage};
use crate::planner::{self, PlanRequest};
use crate::{Error, Result};

/// The deterministic, network-free provider; always labelled `offline` in results.
#[derive(Debug, Clone, Default)]
pub struct OfflinePlanner;

impl OfflinePlanner {
    /// A planner (it holds no state; one per builder is plenty).
    pub fn new() -> Self {
        OfflinePlanner
    }

    /// The business's name as the planner reads it from a brief ([`planner::business_name`]).
    pub fn business_name(brief: &str) -> Option<String> {
        planner::business_name(brief)
    }

    /// Whether `text` reads as instructions ([`planner::reads_as_instructions`]).
    pub fn reads_as_instructions(text: &str) -> bool {
        planner::reads_as_instructions(text)
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
        let answer = planner::answer(PlanRequest {
            function_name: &request.function_name,
            prompt_type: &request.prompt_type,
            context: &request.context,
            output_schema: request.output_schema.as_ref().map(|s| &*s.schema),
        })?;
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
