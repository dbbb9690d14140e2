//! Choosing the provider: explicit configuration, the environment, or the offline planner.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::ai::provider::{
    FallbackProvider, JsonMode, OfflinePlanner, OpenAiCompatible, Provider, ReplayProvider,
    StepwiseProvider,
};

/// Which provider answers prompts.
///
/// It deserialises from the tagged JSON the bindings pass (`{"kind": "openai_compatible",
/// "base_url": …}`); an unknown field is an error rather than a setting silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProviderConfig {
    /// `SITEBUILDER_AI_BASE_URL` / `SITEBUILDER_AI_API_KEY` (or `OPENAI_API_KEY`) /
    /// `SITEBUILDER_AI_MODEL` / `SITEBUILDER_AI_JSON_MODE` / `SITEBUILDER_AI_STREAM`, and
    /// `SITEBUILDER_AI_GENERATION` (`auto`, the default: [`ProviderConfig::Steps`] for a server on
    /// this machine, one answer for a hosted one; `whole`; `steps`; `planned`, see
    /// [`Generation::Planned`]); the offline planner when none is set.
    #[default]
    FromEnv,
    /// The deterministic offline planner (no network).
    Offline,
    /// An OpenAI-compatible chat completions endpoint.
    #[serde(alias = "openai_compatible")]
    OpenAiCompatible {
        /// Base URL up to `/v1` (e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8080/v1`).
        base_url: String,
        /// Bearer key; `None` for local servers without auth.
        api_key: Option<String>,
        /// Model name.
        model: String,
        /// Per-request timeout in seconds (default 60).
        timeout_secs: Option<f64>,
        /// Transport retries (default 3).
        max_retries: Option<u32>,
        /// How JSON is asked for (default [`JsonMode::Auto`]; `json_object_schema` for
        /// llama.cpp's server and llama-cpp-python).
        #[serde(default)]
        json_mode: Option<JsonMode>,
        /// Stream answers as server-sent events so pages show while the model writes (default
        /// on; `false` for servers whose streams misbehave). A server that ignores or refuses
        /// `stream` is handled either way.
        #[serde(default)]
        stream: Option<bool>,
        /// Whole site in one answer or in steps (default [`Generation::Auto`]: steps for a
        /// server on this machine, where small models run, one answer for a hosted one).
        #[serde(default)]
        generation: Option<Generation>,
    },
    /// Recorded answers from a JSON file (tests).
    Replay {
        /// The recording.
        path: PathBuf,
    },
    /// Tries each provider in order, moving on when one is unavailable or rejects the request.
    Fallback {
        /// The chain, first choice first.
        providers: Vec<ProviderConfig>,
    },
    /// Structures generated in steps by `provider` (sitemap, then each page's blocks, re-asking
    /// only a failed page): for models too small to write a whole site in one answer.
    Steps {
        /// Who answers each step.
        provider: Box<ProviderConfig>,
    },
}

/// How an OpenAI-compatible server is asked for a structure (`SITEBUILDER_AI_GENERATION`, the
/// Python `generation=` and the Node `generation` option take the snake_case names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    /// [`Generation::Steps`] for a server on this machine (a loopback address or `localhost`),
    /// [`Generation::Whole`] for any other. A local server (llama.cpp, Ollama,
    /// llama-cpp-python) mostly runs a small model, whose context a whole site in one answer
    /// overflows; a hosted one writes the whole site at once.
    #[default]
    Auto,
    /// The whole structure in one answer.
    Whole,
    /// A sitemap first, then each page's blocks, re-asking only a failed step (see
    /// [`ProviderConfig::Steps`]).
    Steps,
    /// In steps, with the sitemap and each page's block types from the embedded planner (which
    /// reads the brief's goals) and every word from the model: for the smallest models, which
    /// write copy better than they plan a site (see [`StepwiseProvider::planned`]).
    Planned,
}

impl Generation {
    /// What `Auto` means for a server, local or not; the others as they are.
    pub fn resolve(self, local: bool) -> Generation {
        match self {
            Generation::Auto if local => Generation::Steps,
            Generation::Auto => Generation::Whole,
            other => other,
        }
    }
}

impl std::str::FromStr for Generation {
    type Err = crate::Error;

    /// A setting by name, case-insensitive; empty is [`Generation::Auto`].
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(Generation::Auto),
            "whole" => Ok(Generation::Whole),
            "steps" => Ok(Generation::Steps),
            "planned" => Ok(Generation::Planned),
            other => Err(crate::Error::config(format!(
                "generation is {other:?}; use \"auto\" (the default: steps for a server on this machine, one answer for a hosted one), \"whole\", \"steps\" or \"planned\""
            ))),
        }
    }
}

/// `provider`, asked in steps when `generation` says so for a server there.
fn with_generation(provider: OpenAiCompatible, generation: Generation) -> Arc<dyn Provider> {
    match generation.resolve(provider.is_local()) {
        Generation::Steps => Arc::new(StepwiseProvider::new(Arc::new(provider))),
        Generation::Planned => Arc::new(StepwiseProvider::planned(Arc::new(provider))),
        Generation::Auto | Generation::Whole => Arc::new(provider),
    }
}

impl ProviderConfig {
    /// Builds the provider.
    pub fn build(&self) -> Result<Arc<dyn Provider>> {
        Ok(match self {
            ProviderConfig::FromEnv => match OpenAiCompatible::from_env()? {
                Some(p) => {
                    let generation = std::env::var("SITEBUILDER_AI_GENERATION")
                        .unwrap_or_default()
                        .parse::<Generation>()
                        .map_err(|e| {
                            crate::Error::config(format!("SITEBUILDER_AI_GENERATION: {e}"))
                        })?;
                    with_generation(p, generation)
                }
                None => Arc::new(OfflinePlanner),
            },
            ProviderConfig::Offline => Arc::new(OfflinePlanner),
            ProviderConfig::OpenAiCompatible {
                base_url,
                api_key,
                model,
                timeout_secs,
                max_retries,
                json_mode,
                stream,
                generation,
            } => {
                let mut b = OpenAiCompatible::builder()
                    .base_url(base_url.clone())
                    .model(model.clone());
                if let Some(k) = api_key {
                    b = b.api_key(k.clone());
                }
                if let Some(t) = timeout_secs {
                    if !(t.is_finite() && *t > 0.0) {
                        return Err(crate::Error::invalid(format!(
                            "timeout_secs must be positive, got {t}"
                        )));
                    }
                    b = b.timeout(Duration::from_secs_f64(*t));
                }
                if let Some(r) = max_retries {
                    b = b.max_retries(*r);
                }
                if let Some(mode) = json_mode {
                    b = b.json_mode(*mode);
                }
                if let Some(stream) = stream {
                    b = b.stream(*stream);
                }
                with_generation(b.build()?, generation.unwrap_or_default())
            }
            ProviderConfig::Replay { path } => Arc::new(ReplayProvider::from_file(path)?),
            ProviderConfig::Fallback { providers } => {
                if providers.is_empty() {
                    return Err(crate::Error::invalid(
                        "a fallback chain needs at least one provider",
                    ));
                }
                let chain = providers
                    .iter()
                    .map(ProviderConfig::build)
                    .collect::<Result<Vec<_>>>()?;
                Arc::new(FallbackProvider::new(chain))
            }
            ProviderConfig::Steps { provider } => {
                Arc::new(StepwiseProvider::new(provider.build()?))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Generation, ProviderConfig};

    fn in_steps(setting: &str, local: bool) -> crate::Result<bool> {
        Ok(setting.parse::<Generation>()?.resolve(local) != Generation::Whole)
    }

    #[test]
    fn a_server_on_this_machine_generates_in_steps_unless_told_otherwise() {
        assert!(in_steps("", true).expect("default"));
        assert!(!in_steps("", false).expect("default"));
        assert!(in_steps(" Auto ", true).expect("auto"));
        assert!(!in_steps("whole", true).expect("whole"));
        assert!(in_steps("steps", false).expect("steps"));
        let err = in_steps("pages", true).expect_err("unknown");
        assert_eq!(err.code(), "configuration");
        assert!(err.to_string().contains("\"auto\""), "{err}");
    }

    #[test]
    fn the_bindings_json_names_the_generation_and_rejects_unknown_fields() {
        let config: ProviderConfig = serde_json::from_value(serde_json::json!({
            "kind": "openai_compatible", "base_url": "http://127.0.0.1:8080/v1", "model": "m",
            "generation": "whole",
        }))
        .expect("openai_compatible");
        assert!(matches!(
            config,
            ProviderConfig::OpenAiCompatible {
                generation: Some(Generation::Whole),
                ..
            }
        ));
        let built = |base_url: &str, generation| {
            let config = ProviderConfig::OpenAiCompatible {
                base_url: base_url.into(),
                api_key: None,
                model: "m".into(),
                timeout_secs: None,
                max_retries: None,
                json_mode: None,
                stream: None,
                generation,
            };
            format!("{:?}", config.build().expect("build"))
        };
        // An explicit configuration follows the same rule as the environment.
        assert!(built("http://127.0.0.1:8080/v1", None).starts_with("StepwiseProvider"));
        assert!(built("http://localhost:8080/v1", None).starts_with("StepwiseProvider"));
        assert!(built("https://api.example.com/v1", None).starts_with("OpenAiCompatible"));
        let whole = built("http://127.0.0.1:8080/v1", Some(Generation::Whole));
        assert!(whole.starts_with("OpenAiCompatible"), "{whole}");
        let steps = built("https://api.example.com/v1", Some(Generation::Steps));
        assert!(steps.starts_with("StepwiseProvider"), "{steps}");
        assert!(steps.contains("planned: false"), "{steps}");
        let planned = built("https://api.example.com/v1", Some(Generation::Planned));
        assert!(planned.contains("planned: true"), "{planned}");
        assert!(in_steps("planned", false).expect("planned"));
        let typo = serde_json::from_value::<ProviderConfig>(serde_json::json!({
            "kind": "open_ai_compatible", "base_url": "http://x/v1", "model": "m", "modle": "n",
        }))
        .expect_err("unknown field");
        assert!(typo.to_string().contains("modle"), "{typo}");
    }
}
