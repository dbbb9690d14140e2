//! The AI function contract: the seed's `BaseAIFunction` steps as a trait.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;

use super::provider::OutputSchema;
use crate::Result;
use crate::blocks::BlockCatalogue;
use crate::blocks::validate::Limits;
use crate::credits::Capture;
use crate::model::Scope;
use crate::store::Storage;

/// What a function may use while it runs.
#[derive(Debug, Clone)]
pub struct FunctionEnv {
    /// Where records live.
    pub storage: Arc<dyn Storage>,
    /// Block types the model may use.
    pub catalogue: Arc<BlockCatalogue>,
    /// Size bounds for validation.
    pub limits: Limits,
    /// Derived once from `catalogue` (they cost ~1 ms to build): the strict answer schemas and
    /// the catalogue's prompt text.
    pub derived: Arc<CatalogueDerived>,
}

/// What the engine derives from a block catalogue once instead of on every run.
#[derive(Debug, Clone)]
pub struct CatalogueDerived {
    /// `catalogue.structure_output_schema()`.
    pub structure_schema: Arc<Value>,
    /// `catalogue.page_output_schema()`.
    pub page_schema: Arc<Value>,
    /// `catalogue.prompt_description()`.
    pub prompt_description: String,
}

impl CatalogueDerived {
    /// Derives everything from `catalogue`.
    pub fn new(catalogue: &BlockCatalogue) -> Self {
        CatalogueDerived {
            structure_schema: Arc::new(catalogue.structure_output_schema()),
            page_schema: Arc::new(catalogue.page_output_schema()),
            prompt_description: catalogue.prompt_description(),
        }
    }
}

/// The output of `prepare`: everything the later steps need.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The scope the run acts in.
    pub scope: Option<Scope>,
    /// Values for the prompt template's placeholders.
    pub variables: BTreeMap<String, String>,
    /// The same context as data, for providers that plan without a prompt (offline).
    pub context: Value,
    /// Function-private state carried to `parse`, `save` and `fail` (ids, previous status…).
    pub state: Value,
}

/// An AI function: validate → prepare → (prompt, model) → parse → save, plus its credit operation.
///
/// The engine owns the phases, progress, task log, retries/re-asks and credits; a function only
/// knows its own input, context, output shape and how to store the result.
#[async_trait]
pub trait AiFunction: Send + Sync + Debug {
    /// Registry name (`generate_site_structure`).
    fn name(&self) -> &str;

    /// Prompt type used to resolve the template.
    fn prompt_type(&self) -> &str;

    /// Credit operation charged (`site_structure_generation`).
    fn credit_operation(&self) -> &str;

    /// Units of the credit operation this payload costs (1 for per-request operations).
    fn credit_quantity(&self, _payload: &Value) -> u64 {
        1
    }

    /// Checks the payload's shape (INIT). No I/O.
    fn validate(&self, payload: &Value) -> Result<()>;

    /// Loads context and marks records as in progress (PREP).
    async fn prepare(
        &self,
        env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared>;

    /// The answer's JSON schema, sent to providers that support structured output.
    fn output_schema(&self, env: &FunctionEnv) -> Option<OutputSchema>;

    /// Validates a parsed answer (PARSE); errors are phrased for the model, which is re-asked.
    fn parse(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>>;

    /// Maps unambiguous near-misses of an answer that failed [`AiFunction::parse`] onto the
    /// output schema, in place; returns one line per mapping (none: nothing to try). The engine
    /// parses the mapped answer before re-asking, and keeps the mappings in the task log.
    fn coerce(&self, _env: &FunctionEnv, _answer: &mut Value) -> Vec<String> {
        Vec::new()
    }

    /// Whether this function's answer is a site structure (`{"site": …, "pages": […]}`) whose
    /// settings and pages are worth showing while the answer streams in.
    fn streams_pages(&self) -> bool {
        false
    }

    /// Checks one page of a streamed answer on its own ([`AiFunction::streams_pages`]); `Some`
    /// holds the page to show (normalised), `None` a page not worth showing yet. Never decides
    /// what is saved: [`AiFunction::parse`] of the whole answer does.
    fn streamed_page(&self, _env: &FunctionEnv, _index: usize, _page: &Value) -> Option<Value> {
        None
    }

    /// Stores the output and captures credits in the same transaction (SAVE); returns the result.
    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        capture: Capture,
    ) -> Result<Value>;

    /// Puts records back after a failure that happened after `prepare` succeeded, so nothing is
    /// left `generating`. Must not touch the previous output.
    async fn fail(&self, env: &FunctionEnv, prepared: &Prepared) -> Result<()>;
}

/// Reads an integer id from a payload, with an error a host can act on.
pub fn payload_id(payload: &Value, key: &str) -> Result<i64> {
    payload
        .get(key)
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .ok_or_else(|| {
            crate::Error::invalid(format!("payload needs an integer {key:?}, got {payload}"))
        })
}

/// Reads an optional integer from a payload.
pub fn payload_opt_id(payload: &Value, key: &str) -> Option<i64> {
    payload.get(key).and_then(Value::as_i64)
}
