//! A chain of providers: when one is down or refuses the request, the next one answers.
//!
//! Only availability failures move down the chain. A refusal, a truncated answer or an invalid
//! one comes back as-is: another provider would not make the brief acceptable, and silently
//! switching models on content problems would hide them.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Completion, CompletionRequest, DeltaSink, Provider, StreamDelta};
use crate::{Error, Result};

/// Tries each provider in order; see the module docs for when it moves on.
#[derive(Debug, Clone)]
pub struct FallbackProvider {
    providers: Vec<Arc<dyn Provider>>,
}

impl FallbackProvider {
    /// A chain tried first to last.
    pub fn new(providers: Vec<Arc<dyn Provider>>) -> Self {
        FallbackProvider { providers }
    }

    /// The providers, in the order they are tried.
    pub fn providers(&self) -> &[Arc<dyn Provider>] {
        &self.providers
    }

    fn empty(&self) -> Error {
        Error::config("the fallback provider chain is empty; give it at least one provider")
    }
}

#[async_trait]
impl Provider for FallbackProvider {
    fn label(&self) -> String {
        let labels: Vec<String> = self.providers.iter().map(|p| p.label()).collect();
        format!("fallback({})", labels.join(","))
    }

    /// Offline only when every provider in the chain is.
    fn is_offline(&self) -> bool {
        !self.providers.is_empty() && self.providers.iter().all(|p| p.is_offline())
    }

    /// The fewest of the chain: any of its providers may be the one answering.
    fn parallel_requests(&self) -> usize {
        self.providers
            .iter()
            .map(|p| p.parallel_requests())
            .min()
            .unwrap_or(1)
    }

    async fn complete(&self, request: &CompletionRequest) -> Result<Completion> {
        self.answer(request, None).await
    }

    async fn complete_streaming(
        &self,
        request: &CompletionRequest,
        on_delta: &DeltaSink<'_>,
    ) -> Result<Completion> {
        self.answer(request, Some(on_delta)).await
    }

    async fn health_check(&self) -> Result<String> {
        let mut lines = Vec::new();
        let mut last_error = None;
        let mut healthy = false;
        for provider in &self.providers {
            match provider.health_check().await {
                Ok(status) => {
                    healthy = true;
                    lines.push(status);
                }
                Err(e) => {
                    lines.push(format!("{}: {e}", provider.label()));
                    last_error = Some(e);
                }
            }
        }
        match (healthy, last_error) {
            (true, _) => Ok(lines.join("; ")),
            (false, Some(e)) => Err(e),
            (false, None) => Err(self.empty()),
        }
    }
}

impl FallbackProvider {
    /// Tries each provider in turn; a streaming caller hears a restart before the next one.
    async fn answer(
        &self,
        request: &CompletionRequest,
        on_delta: Option<&DeltaSink<'_>>,
    ) -> Result<Completion> {
        let mut failures: Vec<String> = Vec::new();
        let mut any_unavailable = false;
        let mut last = None;
        for provider in &self.providers {
            let answered = match on_delta {
                Some(sink) => {
                    if last.is_some() {
                        sink(StreamDelta::Restart);
                    }
                    provider.complete_streaming(request, sink).await
                }
                None => provider.complete(request).await,
            };
            match answered {
                Ok(completion) => return Ok(completion),
                Err(e @ (Error::ProviderUnavailable { .. } | Error::ProviderRejected { .. })) => {
                    tracing::warn!(
                        provider = %provider.label(),
                        error = %e,
                        "provider failed; trying the next in the chain"
                    );
                    any_unavailable |= matches!(e, Error::ProviderUnavailable { .. });
                    failures.push(e.to_string());
                    last = Some(e);
                }
                Err(other) => return Err(other),
            }
        }
        match last {
            None => Err(self.empty()),
            Some(only) if failures.len() == 1 => Err(only),
            // Every provider refused the request itself (bad keys, unknown models): not transient.
            Some(rejected) if !any_unavailable => Err(rejected),
            Some(last) => Err(Error::ProviderUnavailable {
                provider: self.label(),
                message: format!("every provider failed: {}", failures.join("; ")),
                source: Some(Box::new(last)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RecordedAnswer, ReplayProvider};
    use super::*;
    use serde_json::Value;

    /// A provider that always fails with a given error code.
    #[derive(Debug)]
    struct Failing(&'static str);

    #[async_trait]
    impl Provider for Failing {
        fn label(&self) -> String {
            format!("failing-{}", self.0)
        }
        async fn complete(&self, _: &CompletionRequest) -> Result<Completion> {
            Err(match self.0 {
                "unavailable" => Error::ProviderUnavailable {
                    provider: self.label(),
                    message: "down".into(),
                    source: None,
                },
                "rejected" => Error::ProviderRejected {
                    provider: self.label(),
                    status: 401,
                    message: "bad key".into(),
                },
                _ => Error::AiRefused {
                    message: "no".into(),
                },
            })
        }
        async fn health_check(&self) -> Result<String> {
            Err(Error::config("down"))
        }
    }

    fn request() -> CompletionRequest {
        CompletionRequest {
            function_name: "f".into(),
            prompt_type: "p".into(),
            messages: vec![],
            output_schema: None,
            context: Value::Null,
            temperature: None,
            max_tokens: None,
        }
    }

    fn replay() -> Arc<dyn Provider> {
        Arc::new(ReplayProvider::new(
            "r",
            vec![RecordedAnswer::new("f", "{}")],
        ))
    }

    #[tokio::test]
    async fn moves_on_only_for_availability_failures() {
        let chain = FallbackProvider::new(vec![
            Arc::new(Failing("unavailable")),
            Arc::new(Failing("rejected")),
            replay(),
        ]);
        assert_eq!(
            chain.label(),
            "fallback(failing-unavailable,failing-rejected,replay:r)"
        );
        assert!(!chain.is_offline());
        let answer = chain.complete(&request()).await.expect("third answers");
        assert_eq!(answer.provider, "replay:r");
        assert!(
            chain
                .health_check()
                .await
                .expect("one healthy")
                .contains("replay:r")
        );

        let chain = FallbackProvider::new(vec![Arc::new(Failing("refused")), replay()]);
        let err = chain
            .complete(&request())
            .await
            .expect_err("refusal is final");
        assert_eq!(err.code(), "ai_refused");
    }

    #[tokio::test]
    async fn reports_every_failure() {
        let chain = FallbackProvider::new(vec![
            Arc::new(Failing("unavailable")),
            Arc::new(Failing("rejected")),
        ]);
        let err = chain.complete(&request()).await.expect_err("all down");
        assert_eq!(err.code(), "provider_unavailable");
        let message = err.to_string();
        assert!(
            message.contains("down") && message.contains("bad key"),
            "{message}"
        );

        let chain = FallbackProvider::new(vec![
            Arc::new(Failing("rejected")),
            Arc::new(Failing("rejected")),
        ]);
        assert_eq!(
            chain.complete(&request()).await.expect_err("x").code(),
            "provider_rejected"
        );
        let empty = FallbackProvider::new(vec![]);
        assert_eq!(
            empty.complete(&request()).await.expect_err("x").code(),
            "configuration"
        );
    }
}
