//! The offline planner as a provider: the adapter between the `Provider` trait and the
//! network-free content writer in `crate::planner`.
//!
//! It exists so that a host without an API key still gets a usable first draft (and a test suite
//! gets realistic answers). Transport concerns only: the planner writes, this turns its answer
//! into a [`Completion`] with estimated token usage.

use async_trait::async_trait;

use super::{Completion, CompletionRequest, DeltaSink, Provider, StreamDelta, Usage};
use crate::planner::{self, PlanRequest};
use crate::{Error, Result};

/// What the planner needs of a completion request (the steps provider's planned generation
/// asks the planner with the same request).
pub(super) fn plan_request(request: &CompletionRequest) -> PlanRequest<'_> {
    PlanRequest {
        function_name: &request.function_name,
        prompt_type: &request.prompt_type,
        context: &request.context,
        output_schema: request.output_schema.as_ref().map(|s| &*s.schema),
    }
}

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

/// The answer as text with its `site` settings written first, as a model writes a structure
/// (serde_json sorts keys, which would put every page before the settings when streamed).
fn site_first(answer: &serde_json::Value) -> Result<String> {
    let json = |v: &serde_json::Value| {
        serde_json::to_string(v).map_err(Error::json("offline planner answer"))
    };
    let Some(object) = answer.as_object().filter(|o| o.contains_key("site")) else {
        return json(answer);
    };
    let mut out = String::from("{");
    let keys =
        std::iter::once("site").chain(object.keys().map(String::as_str).filter(|k| *k != "site"));
    for (i, key) in keys.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json(&serde_json::Value::from(key))?);
        out.push(':');
        out.push_str(&json(&object[key])?);
    }
    out.push('}');
    Ok(out)
}

/// Bytes of the answer handed on at once when streaming (about a hundred tokens).
const STREAM_CHUNK: usize = 400;

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
        let answer = planner::answer(plan_request(request))?;
        let content = site_first(&answer)?;
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
            reasks: Vec::new(),
        })
    }

    /// Writes the answer as [`Provider::complete`] does, then hands it on in pieces the way a
    /// streaming model would, yielding between them: a host watching the default (offline) path
    /// sees the site settings and then each page arrive, and its progress bar move.
    async fn complete_streaming(
        &self,
        request: &CompletionRequest,
        on_delta: &DeltaSink<'_>,
    ) -> Result<Completion> {
        let completion = self.complete(request).await?;
        let text = completion.content.as_str();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + STREAM_CHUNK).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            on_delta(StreamDelta::Text(&text[start..end]));
            on_delta(StreamDelta::Tokens(estimate_tokens(end)));
            start = end;
            tokio::task::yield_now().await;
        }
        on_delta(StreamDelta::Tokens(completion.usage.completion_tokens));
        Ok(completion)
    }

    async fn health_check(&self) -> Result<String> {
        Ok("offline planner: no network needed".to_string())
    }
}
