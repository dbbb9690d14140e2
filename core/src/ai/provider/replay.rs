//! Recorded answers played back in order: tests of the whole pipeline without a model or a
//! network, with answers that really came from one (or were written to exercise a case).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{Completion, CompletionRequest, PriceTable, Provider, Usage};
use crate::{Error, Result};

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    /// AI function the answer belongs to (`generate_site_structure`, …).
    pub function_name: String,
    /// The answer text exactly as the model sent it.
    pub content: String,
    /// Model that answered (priced with the default table; `replay` when absent).
    #[serde(default)]
    pub model: Option<String>,
    /// Prompt tokens reported with the answer.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Completion tokens reported with the answer.
    #[serde(default)]
    pub completion_tokens: u64,
}

impl RecordedAnswer {
    /// An answer for `function_name` with no model or token counts.
    pub fn new(function_name: impl Into<String>, content: impl Into<String>) -> Self {
        RecordedAnswer {
            function_name: function_name.into(),
            content: content.into(),
            model: None,
            prompt_tokens: 0,
            completion_tokens: 0,
        }
    }
}

/// Answers each function's requests with its recorded answers, in order; a function whose answers
/// are used up gets `ProviderUnavailable`.
#[derive(Debug)]
pub struct ReplayProvider {
    label: String,
    recorded: usize,
    queues: Mutex<HashMap<String, VecDeque<RecordedAnswer>>>,
    prices: PriceTable,
}

impl ReplayProvider {
    /// Plays `answers`; the label is `replay:<name>`.
    pub fn new(name: &str, answers: Vec<RecordedAnswer>) -> Self {
        let recorded = answers.len();
        let mut queues: HashMap<String, VecDeque<RecordedAnswer>> = HashMap::new();
        for answer in answers {
            queues
                .entry(answer.function_name.clone())
                .or_default()
                .push_back(answer);
        }
        ReplayProvider {
            label: format!("replay:{name}"),
            recorded,
            queues: Mutex::new(queues),
            prices: PriceTable::default(),
        }
    }

    /// Plays the answers of a JSON file (`[{"function_name", "content", "model"?,
    /// "prompt_tokens"?, "completion_tokens"?}]`); the label is `replay:<file name>`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!("cannot read replay file {}: {e}", path.display()))
        })?;
        let answers: Vec<RecordedAnswer> = serde_json::from_str(&text).map_err(|e| {
            Error::config(format!(
                "replay file {} is not a JSON array of recorded answers ({e}); each needs \"function_name\" and \"content\"",
                path.display()
            ))
        })?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(Self::new(&name, answers))
    }

    /// Answers not yet played for `function_name`.
    pub fn remaining(&self, function_name: &str) -> usize {
        self.lock().get(function_name).map_or(0, VecDeque::len)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<RecordedAnswer>>> {
        // A panic while holding the lock cannot leave the queues inconsistent (one pop).
        self.queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl Provider for ReplayProvider {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn is_offline(&self) -> bool {
        true
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion> {
        let answer = self
            .lock()
            .get_mut(&request.function_name)
            .and_then(VecDeque::pop_front);
        let Some(answer) = answer else {
            return Err(Error::ProviderUnavailable {
                provider: self.label.clone(),
                message: format!(
                    "no recorded answer left for `{}` ({} recorded in all); record more answers for this function",
                    request.function_name, self.recorded
                ),
                source: None,
            });
        };
        let usage = Usage {
            prompt_tokens: answer.prompt_tokens,
            completion_tokens: answer.completion_tokens,
        };
        let model = answer.model.unwrap_or_else(|| "replay".to_owned());
        Ok(Completion {
            content: answer.content,
            provider: self.label.clone(),
            cost_usd: self.prices.cost(&model, usage),
            model,
            usage,
            retries: 0,
            reasks: Vec::new(),
        })
    }

    async fn health_check(&self) -> Result<String> {
        let left: usize = self.lock().values().map(VecDeque::len).sum();
        Ok(format!(
            "{}: {left} of {} recorded answers left",
            self.label, self.recorded
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn request(function_name: &str) -> CompletionRequest {
        CompletionRequest {
            function_name: function_name.into(),
            prompt_type: "p".into(),
            messages: vec![],
            output_schema: None,
            context: Value::Null,
            temperature: None,
            max_tokens: None,
        }
    }

    #[tokio::test]
    async fn answers_in_order_per_function_then_unavailable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("structure.json");
        std::fs::write(
            &path,
            r#"[
              {"function_name": "a", "content": "first", "model": "gpt-4o-mini", "prompt_tokens": 1000, "completion_tokens": 2000},
              {"function_name": "b", "content": "other"},
              {"function_name": "a", "content": "second"}
            ]"#,
        )
        .expect("write");
        let replay = ReplayProvider::from_file(&path).expect("load");
        assert_eq!(replay.label(), "replay:structure.json");
        assert!(replay.is_offline());
        assert_eq!(replay.remaining("a"), 2);

        let first = replay.complete(&request("a")).await.expect("first");
        assert_eq!(first.content, "first");
        assert_eq!(first.model, "gpt-4o-mini");
        assert_eq!(first.usage.completion_tokens, 2000);
        assert!((first.cost_usd - 0.00135).abs() < 1e-12);
        assert_eq!(
            replay.complete(&request("b")).await.expect("b").content,
            "other"
        );
        let second = replay.complete(&request("a")).await.expect("second");
        assert_eq!(
            (second.content.as_str(), second.model.as_str()),
            ("second", "replay")
        );

        let err = replay.complete(&request("a")).await.expect_err("used up");
        assert_eq!(err.code(), "provider_unavailable");
        assert!(
            err.to_string().contains("no recorded answer left for `a`"),
            "{err}"
        );
        assert!(
            replay
                .health_check()
                .await
                .expect("health")
                .contains("0 of 3")
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err = ReplayProvider::from_file("/nonexistent/replay.json").expect_err("missing");
        assert_eq!(err.code(), "configuration");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.json");
        std::fs::write(&path, r#"[{"content": "x"}]"#).expect("write");
        let err = ReplayProvider::from_file(&path).expect_err("no function_name");
        assert!(err.to_string().contains("function_name"), "{err}");
    }
}
