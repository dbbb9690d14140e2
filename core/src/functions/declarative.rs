//! Functions a host declares at run time: a prompt, an output schema and a credit operation.
//!
//! They let Python and Node hosts add AI functions without Rust. The result is validated against
//! the schema and returned (not stored); credits are captured once the answer is accepted.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::ai::function::{AiFunction, FunctionEnv, Prepared};
use crate::ai::provider::OutputSchema;
use crate::credits::Capture;
use crate::{Error, Result};

/// A host-declared function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarativeFunction {
    /// Registry name (lowercase snake_case); also its prompt type.
    pub name: String,
    /// Template with `{{key}}` placeholders filled from the payload's top-level keys, each value
    /// as a `<data name="key">` block (the template is the host's and trusted; the payload is data).
    pub prompt_template: String,
    /// JSON schema the answer must satisfy.
    pub output_schema: Value,
    /// Credit operation charged; must exist in the policy unless `credit_cost` is given.
    pub credit_operation: String,
    /// Flat cost per run, registered in the policy under `credit_operation`.
    #[serde(default)]
    pub credit_cost: Option<i64>,
    /// What the function does (sent with the schema).
    #[serde(default)]
    pub description: Option<String>,
}

/// The runnable form of a [`DeclarativeFunction`].
pub(crate) struct Declared {
    spec: DeclarativeFunction,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Declared")
            .field("name", &self.spec.name)
            .finish()
    }
}

impl Declared {
    /// Compiles the schema; an invalid schema is `invalid_input` naming the problem.
    pub(crate) fn new(spec: DeclarativeFunction) -> Result<Arc<Self>> {
        if spec.prompt_template.trim().is_empty() {
            return Err(Error::invalid(format!(
                "function {:?} needs a prompt_template",
                spec.name
            )));
        }
        let validator = jsonschema::validator_for(&spec.output_schema).map_err(|e| {
            Error::invalid(format!(
                "output_schema of {:?} is not a valid JSON schema: {e}",
                spec.name
            ))
        })?;
        Ok(Arc::new(Declared { spec, validator }))
    }

    pub(crate) fn spec(&self) -> &DeclarativeFunction {
        &self.spec
    }
}

fn as_prompt_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[async_trait]
impl AiFunction for Declared {
    fn name(&self) -> &str {
        &self.spec.name
    }

    fn prompt_type(&self) -> &str {
        &self.spec.name
    }

    fn credit_operation(&self) -> &str {
        &self.spec.credit_operation
    }

    fn validate(&self, payload: &Value) -> Result<()> {
        if payload.is_object() {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "payload of {} must be a JSON object whose keys fill the prompt, got {payload}",
                self.spec.name
            )))
        }
    }

    async fn prepare(
        &self,
        _env: &FunctionEnv,
        account_id: i64,
        payload: &Value,
    ) -> Result<Prepared> {
        let variables: BTreeMap<String, String> = payload
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), crate::prompts::data_block(k, &as_prompt_text(v))))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Prepared {
            scope: None,
            variables,
            context: payload.clone(),
            state: json!({"account_id": account_id}),
        })
    }

    fn output_schema(&self, _env: &FunctionEnv) -> Option<OutputSchema> {
        Some(OutputSchema {
            name: self.spec.name.clone(),
            description: self.spec.description.clone(),
            schema: Arc::new(self.spec.output_schema.clone()),
        })
    }

    fn parse(
        &self,
        _env: &FunctionEnv,
        _prepared: &Prepared,
        answer: &Value,
    ) -> std::result::Result<Value, Vec<String>> {
        let errors: Vec<String> = self
            .validator
            .iter_errors(answer)
            .map(|e| format!("{}: {}", e.instance_path(), e))
            .collect();
        if errors.is_empty() {
            Ok(answer.clone())
        } else {
            Err(errors)
        }
    }

    async fn save(
        &self,
        env: &FunctionEnv,
        prepared: &Prepared,
        output: Value,
        capture: Capture,
    ) -> Result<Value> {
        let account_id = prepared.state["account_id"]
            .as_i64()
            .ok_or_else(|| Error::invalid("prepared run has no account"))?;
        env.storage.capture_credits(account_id, capture).await?;
        Ok(output)
    }

    async fn fail(&self, _env: &FunctionEnv, _prepared: &Prepared) -> Result<()> {
        Ok(())
    }
}
