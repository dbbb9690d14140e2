//! Model providers: who answers a rendered prompt.
//!
//! A provider turns a [`CompletionRequest`] into a [`Completion`]. Transport concerns (timeouts,
//! retries, fallbacks, pricing) live here; parsing and validating the answer is the engine's job.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::tasks::Partial;

/// Role of a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions.
    System,
    /// The request (and re-asks).
    User,
    /// A previous answer (sent back with a re-ask).
    Assistant,
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who speaks.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage {
            role: Role::System,
            content: content.into(),
        }
    }
    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage {
            role: Role::User,
            content: content.into(),
        }
    }
    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        ChatMessage {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// The JSON schema the answer must follow (sent as `response_format` where supported).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputSchema {
    /// Schema name: 1–64 characters of a-z, A-Z, 0-9, `_`, `-`.
    pub name: String,
    /// What the output is.
    pub description: Option<String>,
    /// A JSON schema that meets strict mode's rules (every object closed, every property required).
    /// Shared (`Arc`): the built-in schemas are ~20 KB of JSON and hundreds of runs may be in
    /// flight at once.
    pub schema: std::sync::Arc<Value>,
}

/// A request to a provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionRequest {
    /// AI function being run (`generate_site_structure`, …).
    pub function_name: String,
    /// Prompt type of the rendered prompt.
    pub prompt_type: String,
    /// Conversation: system, user, then assistant/user pairs for re-asks.
    pub messages: Vec<ChatMessage>,
    /// Expected output shape.
    pub output_schema: Option<OutputSchema>,
    /// The function's prepared context (brief, chosen options, page…) as data. Network providers
    /// ignore it (the prompt carries it as text); the offline planner works from it directly.
    pub context: Value,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Upper bound on answer tokens.
    pub max_tokens: Option<u32>,
}

/// Token usage of one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
}

/// A provider's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The answer text (expected to hold JSON).
    pub content: String,
    /// Provider label that answered (`offline`, `openai:https://…`, …).
    pub provider: String,
    /// Model that answered.
    pub model: String,
    /// Token usage.
    pub usage: Usage,
    /// Estimated cost in USD from the price table.
    pub cost_usd: f64,
    /// Transport retries made before this answer.
    pub retries: u32,
    /// What the provider asked again on its own before this answer (a step of the steps
    /// provider, and why), kept in the task log with the result under `reasks`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasks: Vec<String>,
}

/// What a provider reports while an answer is being written (see
/// [`Provider::complete_streaming`]).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamDelta<'a> {
    /// More text of the answer, in order.
    Text(&'a str),
    /// Completion tokens written so far in this answer (counted or estimated).
    Tokens(u64),
    /// A piece the provider assembled and checked itself (the steps provider's sitemap and each
    /// page): its answer text comes whole at the end instead of as [`StreamDelta::Text`].
    Partial(Partial),
    /// What was reported so far is dropped: the answer starts again (a retry, the next provider
    /// of a fallback chain).
    Restart,
    /// Usage of answers the provider asked for but does not return (the steps of a generation
    /// in steps that failed), reported before it returns: the task log counts what a run cost
    /// even when it fails.
    Spent {
        /// Tokens of those answers.
        usage: Usage,
        /// Their estimated cost in USD.
        cost_usd: f64,
    },
}

/// Receives [`StreamDelta`]s; called on the provider's task, so it must be cheap.
pub type DeltaSink<'a> = dyn Fn(StreamDelta<'_>) + Send + Sync + 'a;

/// Something that answers prompts.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// Label shown in results and task logs; never contains a secret.
    fn label(&self) -> String;

    /// Whether this provider works without a network (the offline planner, replays).
    fn is_offline(&self) -> bool {
        false
    }

    /// Answers one request (with the provider's own retries).
    async fn complete(&self, request: &CompletionRequest) -> Result<Completion>;

    /// Answers one request like [`Provider::complete`], reporting the answer to `on_delta` while
    /// it is written, so a host can show pages before the run ends. The returned completion is
    /// the whole answer either way. The default (providers that cannot stream) reports the whole
    /// answer once when it is there.
    async fn complete_streaming(
        &self,
        request: &CompletionRequest,
        on_delta: &DeltaSink<'_>,
    ) -> Result<Completion> {
        let completion = self.complete(request).await?;
        on_delta(StreamDelta::Text(&completion.content));
        on_delta(StreamDelta::Tokens(completion.usage.completion_tokens));
        Ok(completion)
    }

    /// How many requests to send at once when a run has independent ones (the steps
    /// generation's pages). A server on this machine (llama.cpp, Ollama) usually answers one at
    /// a time: parallel requests only queue there, and llama-cpp-python's server by default ends
    /// a streaming answer as soon as another request arrives, so each would cut the other off.
    fn parallel_requests(&self) -> usize {
        4
    }

    /// A cheap check that the provider is configured and answering (for `doctor`).
    async fn health_check(&self) -> Result<String>;
}

mod fallback;
mod openai;
mod pricing;
mod replay;

pub use fallback::FallbackProvider;
pub use openai::{
    DEFAULT_BASE_URL, DEFAULT_MODEL, JsonMode, OpenAiCompatible, OpenAiCompatibleBuilder,
};
pub use pricing::{ModelPrice, PriceTable};
pub use replay::{RecordedAnswer, ReplayProvider};

mod planner;
pub use planner::OfflinePlanner;
mod steps;
pub use steps::StepwiseProvider;

/// Calls `f` on every object inside `value`, outer before inner (what `f` puts into an object
/// is visited too): the one walk behind the schema rewrites below and the steps generation's.
pub(crate) fn each_object(
    value: &mut serde_json::Value,
    f: &mut impl FnMut(&mut serde_json::Map<String, serde_json::Value>),
) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            f(map);
            map.values_mut().for_each(|v| each_object(v, f));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| each_object(v, f)),
        _ => {}
    }
}

/// Calls `f` on every free-text string schema inside `schema` (type `string`, or a union with
/// it, without `enum`, `const`, `pattern` or `format`): where a grammar-constrained server is
/// given length bounds that strict structured outputs cannot carry.
pub(crate) fn each_free_text(
    schema: &mut serde_json::Value,
    f: &mut impl FnMut(&mut serde_json::Map<String, serde_json::Value>),
) {
    use serde_json::Value;
    each_object(schema, &mut |map| {
        let is_string = match map.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "string"),
            _ => false,
        };
        if is_string
            && !["enum", "const", "pattern", "format"]
                .iter()
                .any(|k| map.contains_key(*k))
        {
            f(map);
        }
    });
}

/// Removes `minLength`/`maxLength`. A schema may carry them for grammar-constrained servers (the
/// steps generation bounds its fields so that a small model cannot loop inside a string): strict
/// structured outputs do not take them, and an answer is checked without them (they steer how
/// much a model writes; validation decides what is too long).
pub(crate) fn drop_lengths(schema: &mut serde_json::Value) {
    each_object(schema, &mut |map| {
        map.remove("minLength");
        map.remove("maxLength");
    });
}
