//! OpenAI-compatible chat completions (OpenAI, Azure, OpenRouter, vLLM, llama.cpp, Ollama).
//!
//! The provider owns transport: timeouts, retries with backoff and jitter that honour
//! `Retry-After`, and quietly adapting to servers that refuse `json_schema` (it falls back to
//! `json_object` and remembers). A streaming caller gets the answer as server-sent events
//! (`stream: true`, usage from the final chunk); a server that answers one JSON body instead is
//! read as today, and one that refuses `stream` is asked again without it, from then on. It never logs, prints or returns the API key, even when a server
//! echoes it back.

mod backoff;
mod wire;

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::{
    ChatMessage, Completion, CompletionRequest, DeltaSink, PriceTable, Provider, StreamDelta, Usage,
};
use crate::{Error, Result};
use backoff::Backoff;
use wire::{ChatChunk, ChatResponse, Format, Shape};

/// Base URL used when only a key is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// Model used when none is configured.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// How the provider asks for JSON (`SITEBUILDER_AI_JSON_MODE`, the Python `json_mode=` and the
/// Node `jsonMode` option take the snake_case names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonMode {
    /// `json_schema` (strict); a server that refuses it (whatever the status code) gets
    /// llama.cpp's `json_object` + `schema` from then on, and one that refuses that too plain
    /// `json_object`.
    #[default]
    Auto,
    /// Always `json_schema` (strict); a server that rejects it is an error.
    JsonSchema,
    /// Always `{"type": "json_object", "schema": …}`: llama.cpp's server and llama-cpp-python
    /// turn the schema into a grammar, so even a small model answers in shape.
    JsonObjectSchema,
    /// Always `json_object` (older models and servers without structured outputs).
    JsonObject,
    /// No `response_format` at all (servers that reject the field); the prompt alone asks for JSON.
    Off,
}

impl JsonMode {
    /// Every mode's name, as the environment variable and the bindings take it.
    pub const NAMES: [&'static str; 5] = [
        "auto",
        "json_schema",
        "json_object_schema",
        "json_object",
        "off",
    ];

    /// The mode's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonMode::Auto => "auto",
            JsonMode::JsonSchema => "json_schema",
            JsonMode::JsonObjectSchema => "json_object_schema",
            JsonMode::JsonObject => "json_object",
            JsonMode::Off => "off",
        }
    }
}

impl std::str::FromStr for JsonMode {
    type Err = Error;

    /// A mode by name (case and `-`/`_` insensitive); `llama` is `json_object_schema`.
    fn from_str(s: &str) -> Result<Self> {
        let name = s.trim().to_ascii_lowercase().replace('-', "_");
        Ok(match name.as_str() {
            "auto" | "" => JsonMode::Auto,
            "json_schema" => JsonMode::JsonSchema,
            "json_object_schema" | "llama" => JsonMode::JsonObjectSchema,
            "json_object" => JsonMode::JsonObject,
            "off" | "none" => JsonMode::Off,
            _ => {
                return Err(Error::config(format!(
                    "unknown JSON mode {s:?}; use one of: {}",
                    JsonMode::NAMES.join(", ")
                )));
            }
        })
    }
}

/// Steps of [`JsonMode::Auto`]'s fallback, remembered per provider.
const AUTO_SCHEMA: u8 = 0;
const AUTO_OBJECT_SCHEMA: u8 = 1;
const AUTO_OBJECT: u8 = 2;

/// An API key that cannot leak through `Debug` or `Display`.
#[derive(Clone)]
struct ApiKey(String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Builds an [`OpenAiCompatible`]; every setting has a default.
#[derive(Clone)]
pub struct OpenAiCompatibleBuilder {
    base_url: String,
    api_key: Option<ApiKey>,
    model: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    backoff_base: Duration,
    backoff_max: Duration,
    json_mode: JsonMode,
    prices: PriceTable,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    stream: bool,
}

impl fmt::Debug for OpenAiCompatibleBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiCompatibleBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("json_mode", &self.json_mode)
            .finish_non_exhaustive()
    }
}

impl Default for OpenAiCompatibleBuilder {
    fn default() -> Self {
        OpenAiCompatibleBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            model: DEFAULT_MODEL.to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            json_mode: JsonMode::Auto,
            prices: PriceTable::default(),
            temperature: None,
            max_tokens: None,
            stream: true,
        }
    }
}

impl OpenAiCompatibleBuilder {
    /// API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Bearer key; local servers usually need none.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey(api_key.into()));
        self
    }

    /// Model name sent with every request (default `gpt-4o-mini`).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// Limit for one whole request, answer included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for opening the connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after a 429, 5xx, timeout or connection failure (default 3).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// First backoff cap (doubled per retry, default 500 ms) and the largest wait, which also caps
    /// a server's `Retry-After` (default 30 s).
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max.max(base);
        self
    }

    /// How JSON output is requested (default [`JsonMode::Auto`]).
    pub fn json_mode(mut self, json_mode: JsonMode) -> Self {
        self.json_mode = json_mode;
        self
    }

    /// Prices used for `cost_usd` (default: the seed's list prices).
    pub fn prices(mut self, prices: PriceTable) -> Self {
        self.prices = prices;
        self
    }

    /// Temperature for requests that do not set one.
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Answer token limit for requests that do not set one.
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Whether a streaming caller gets server-sent events (default `true`). Off for servers whose
    /// streams misbehave: every answer is then one JSON body, and pages show only at the end.
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = stream;
        self
    }

    /// Checks the settings and builds the HTTP client.
    pub fn build(self) -> Result<OpenAiCompatible> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        let url = Url::parse(&base_url).map_err(|e| {
            Error::config(format!(
                "AI base URL `{base_url}` is not a URL ({e}); set SITEBUILDER_AI_BASE_URL to e.g. {DEFAULT_BASE_URL}"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::config(format!(
                "AI base URL `{base_url}` must be an http(s) URL with a host, e.g. {DEFAULT_BASE_URL}"
            )));
        }
        let model = self.model.trim().to_owned();
        if model.is_empty() {
            return Err(Error::config(
                "the AI model name is empty; set SITEBUILDER_AI_MODEL (e.g. gpt-4o-mini)",
            ));
        }
        let authorization = match &self.api_key {
            Some(ApiKey(key)) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.trim()))
                    .map_err(|_| {
                        Error::config("the AI API key holds characters an HTTP header cannot carry; check SITEBUILDER_AI_API_KEY for stray quotes or line breaks")
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        // reqwest is built without a default TLS crypto provider; install ring once per process.
        // An error only means one is installed already, which is what we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("sitebuilder/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        // A server on this machine answers one request at a time (see
        // `Provider::parallel_requests`).
        let host_name = url.host_str().unwrap_or_default();
        let local = host_name.eq_ignore_ascii_case("localhost")
            || host_name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        Ok(OpenAiCompatible {
            client,
            label: format!("openai:{model}@{host}"),
            base_url,
            local,
            secret: self.api_key.map(|k| k.0.trim().to_owned()),
            authorization,
            model,
            timeout: self.timeout,
            max_retries: self.max_retries,
            backoff: Backoff::new(self.backoff_base, self.backoff_max),
            json_mode: self.json_mode,
            prices: self.prices,
            temperature: self.temperature,
            max_tokens: self.max_tokens,
            auto_step: AtomicU8::new(AUTO_SCHEMA),
            max_completion_tokens: AtomicBool::new(false),
            omit_temperature: AtomicBool::new(false),
            stream: self.stream,
            stream_refused: AtomicBool::new(false),
        })
    }
}

/// A chat completions client for any OpenAI-compatible server.
pub struct OpenAiCompatible {
    client: reqwest::Client,
    label: String,
    base_url: String,
    /// The server runs on this machine (loopback or `localhost`).
    local: bool,
    secret: Option<String>,
    authorization: Option<HeaderValue>,
    model: String,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    json_mode: JsonMode,
    prices: PriceTable,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    /// How far [`JsonMode::Auto`] fell back: `json_schema`, then `json_object` + `schema`, then
    /// plain `json_object`.
    auto_step: AtomicU8,
    /// The server wants `max_completion_tokens` instead of `max_tokens`.
    max_completion_tokens: AtomicBool,
    /// The server refuses any temperature but its default.
    omit_temperature: AtomicBool,
    /// Streaming callers get server-sent events.
    stream: bool,
    /// The server refused `stream`: whole answers from then on.
    stream_refused: AtomicBool,
}

impl fmt::Debug for OpenAiCompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiCompatible")
            .field("label", &self.label)
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &if self.secret.is_some() {
                    "[redacted]"
                } else {
                    "none"
                },
            )
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("json_mode", &self.json_mode)
            .field("auto_step", &self.auto_step.load(Ordering::Relaxed))
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

/// What one HTTP exchange came to.
enum Outcome {
    Answer(ChatResponse),
    /// Worth retrying after a wait (429, 5xx, timeout, connection failure).
    Transient {
        cause: String,
        retry_after: Option<Duration>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A 4xx that retrying will not fix.
    Rejected {
        status: u16,
        message: String,
    },
}

impl OpenAiCompatible {
    /// A builder with the defaults (OpenAI, `gpt-4o-mini`, 60 s timeout, 3 retries).
    pub fn builder() -> OpenAiCompatibleBuilder {
        OpenAiCompatibleBuilder::default()
    }

    /// Configuration from the process environment; see [`OpenAiCompatible::from_env_with`].
    pub fn from_env() -> Result<Option<Self>> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Configuration from `get` (an environment lookup): `SITEBUILDER_AI_BASE_URL` (default
    /// OpenAI's when only a key is set), `SITEBUILDER_AI_API_KEY` or `OPENAI_API_KEY`,
    /// `SITEBUILDER_AI_MODEL` (default `gpt-4o-mini`), `SITEBUILDER_AI_JSON_MODE` (one of
    /// [`JsonMode::NAMES`], default `auto`), `SITEBUILDER_AI_STREAM` (`0`, `false` or `off` turns
    /// streaming off; default on). `None` when neither a base URL nor a key is set: the
    /// caller then uses the offline planner.
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let base_url = var("SITEBUILDER_AI_BASE_URL");
        let api_key = var("SITEBUILDER_AI_API_KEY").or_else(|| var("OPENAI_API_KEY"));
        if base_url.is_none() && api_key.is_none() {
            return Ok(None);
        }
        let mut builder = Self::builder()
            .base_url(base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()))
            .model(var("SITEBUILDER_AI_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_owned()));
        if let Some(key) = api_key {
            builder = builder.api_key(key);
        }
        if let Some(mode) = var("SITEBUILDER_AI_JSON_MODE") {
            builder = builder.json_mode(
                mode.parse()
                    .map_err(|e: Error| Error::config(format!("SITEBUILDER_AI_JSON_MODE: {e}")))?,
            );
        }
        if let Some(stream) = var("SITEBUILDER_AI_STREAM") {
            builder = builder.stream(match stream.to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                other => {
                    return Err(Error::config(format!(
                        "SITEBUILDER_AI_STREAM is {other:?}; use 1 (stream answers, the default) or 0"
                    )));
                }
            });
        }
        builder.build().map(Some)
    }

    /// The model sent with requests.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The API root requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The prices used for `cost_usd`.
    pub fn prices(&self) -> &PriceTable {
        &self.prices
    }

    /// Whether the server runs on this machine (a loopback address or `localhost`): such a
    /// server answers one request at a time and usually runs a small model.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// Whether the server refused `json_schema` earlier and `json_object` is used instead.
    pub fn uses_json_object_fallback(&self) -> bool {
        self.auto_step.load(Ordering::Relaxed) > AUTO_SCHEMA
    }

    /// The JSON mode asked for.
    pub fn json_mode(&self) -> JsonMode {
        self.json_mode
    }

    /// Whether streaming callers get server-sent events: configured on, and the server did not
    /// refuse `stream` earlier.
    pub fn streams(&self) -> bool {
        self.stream && !self.stream_refused.load(Ordering::Relaxed)
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url)
    }

    /// `text` with the API key (or any long fragment of it) replaced by `[redacted]`.
    fn redact(&self, text: &str) -> String {
        match &self.secret {
            Some(secret) => redact_secret(text, secret),
            None => text.to_owned(),
        }
    }

    fn shape(&self, request: &CompletionRequest, schema_refused: bool, stream: bool) -> Shape {
        let format = match (self.json_mode, &request.output_schema) {
            (_, None) | (JsonMode::Off, _) => Format::None,
            (JsonMode::JsonObject, _) => Format::JsonObject,
            (JsonMode::JsonObjectSchema, _) => Format::JsonObjectSchema,
            (JsonMode::JsonSchema, _) => Format::JsonSchema,
            (JsonMode::Auto, _) if schema_refused => Format::JsonObject,
            (JsonMode::Auto, _) => match self.auto_step.load(Ordering::Relaxed) {
                AUTO_SCHEMA => Format::JsonSchema,
                AUTO_OBJECT_SCHEMA => Format::JsonObjectSchema,
                _ => Format::JsonObject,
            },
        };
        Shape {
            format,
            max_completion_tokens: self.max_completion_tokens.load(Ordering::Relaxed),
            omit_temperature: self.omit_temperature.load(Ordering::Relaxed),
            stream: stream && self.streams(),
        }
    }

    /// Sends one request: the body of a 2xx answer, else the failure sorted for retrying.
    async fn exchange(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<String, Outcome> {
        let response = self.send(method, path, body).await?;
        response.text().await.map_err(|e| self.transport_failure(e))
    }

    /// Sends one request: a 2xx response (its body unread), else the failure sorted for
    /// retrying.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<reqwest::Response, Outcome> {
        let mut request = self.client.request(method, self.endpoint(path));
        if let Some(auth) = &self.authorization {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = backoff::retry_after(response.headers());
        let text = response
            .text()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let mut message = self.redact(&wire::error_message(&text));
        if message.is_empty() {
            message = status.canonical_reason().unwrap_or("no message").to_owned();
        }
        if status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
            || status.is_server_error()
        {
            return Err(Outcome::Transient {
                cause: format!("HTTP {}: {message}", status.as_u16()),
                retry_after,
                source: None,
            });
        }
        Err(Outcome::Rejected {
            status: status.as_u16(),
            message,
        })
    }

    fn transport_failure(&self, error: reqwest::Error) -> Outcome {
        let cause = if error.is_timeout() {
            format!("no answer within {:?}", self.timeout)
        } else if error.is_connect() {
            format!("cannot connect to {}: {}", self.base_url, causes(&error))
        } else {
            format!("request failed: {}", causes(&error))
        };
        Outcome::Transient {
            cause: self.redact(&cause),
            retry_after: None,
            source: Some(Box::new(error)),
        }
    }

    /// One chat completion exchange, with the answer decoded: server-sent events as they come
    /// (told to `sink`), or one JSON body (a server that ignored `stream`, or none asked).
    async fn chat_once(&self, body: &[u8], sink: Option<&DeltaSink<'_>>) -> Outcome {
        let response = match self
            .send(reqwest::Method::POST, "chat/completions", Some(body))
            .await
        {
            Ok(response) => response,
            Err(outcome) => return outcome,
        };
        let is_event_stream = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/event-stream"));
        let sink = sink.unwrap_or(&ignore_delta);
        if is_event_stream {
            let events = response.bytes_stream().eventsource();
            return self.read_events(events, sink).await;
        }
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) => return self.transport_failure(e),
        };
        if text.trim_start().starts_with("data:") {
            // Events under another content type: read them all the same.
            let events = futures_util::stream::iter([Ok::<_, reqwest::Error>(text.into_bytes())])
                .eventsource();
            return self.read_events(events, sink).await;
        }
        match serde_json::from_str::<ChatResponse>(&text) {
            Ok(response) => {
                // One whole answer (no stream asked, or the server ignored `stream`): a
                // streaming caller hears it once, as if it had streamed in one piece.
                if let Some(message) = response.choices.first().and_then(|c| c.message.as_ref()) {
                    sink(StreamDelta::Text(&message.text()));
                }
                if let Some(usage) = &response.usage {
                    sink(StreamDelta::Tokens(usage.completion_tokens));
                }
                Outcome::Answer(response)
            }
            Err(e) => Outcome::Transient {
                cause: format!(
                    "the server answered HTTP 200 with a body that is not a chat completion ({e}): {}",
                    self.redact(&wire::shorten(&text, 200))
                ),
                retry_after: None,
                source: None,
            },
        }
    }

    /// Reads a streamed answer: content deltas in order (each told to `sink` with the tokens so
    /// far), usage from the final chunk, up to `[DONE]`. A chunk that is not JSON is skipped
    /// (the whole answer's parse decides); a stream that stops before its end is transient.
    async fn read_events<S>(&self, events: S, sink: &DeltaSink<'_>) -> Outcome
    where
        S: futures_util::Stream<
                Item = std::result::Result<
                    eventsource_stream::Event,
                    eventsource_stream::EventStreamError<reqwest::Error>,
                >,
            >,
    {
        let mut events = std::pin::pin!(events);
        let mut content = String::new();
        let mut refusal = String::new();
        let mut model = None;
        let mut usage = None;
        let mut finish_reason = None;
        let mut deltas = 0u64;
        let mut skipped = 0u32;
        let mut done = false;
        while let Some(event) = events.next().await {
            let event = match event {
                Ok(event) => event,
                Err(eventsource_stream::EventStreamError::Transport(e)) => {
                    return self.transport_failure(e);
                }
                Err(e) => {
                    return Outcome::Transient {
                        cause: format!("the answer stream is not valid server-sent events: {e}"),
                        retry_after: None,
                        source: None,
                    };
                }
            };
            let data = event.data.trim();
            if data == "[DONE]" {
                done = true;
                break;
            }
            if data.is_empty() {
                continue;
            }
            let chunk = match serde_json::from_str::<ChatChunk>(data) {
                Ok(chunk) => chunk,
                Err(e) => {
                    skipped += 1;
                    tracing::debug!(provider = %self.label, error = %e, "skipping a stream chunk that is not a chat completion chunk");
                    continue;
                }
            };
            if let Some(error) = chunk.error.filter(|e| !e.is_null()) {
                return Outcome::Transient {
                    cause: format!(
                        "the server reported an error inside the answer stream: {}",
                        self.redact(&wire::error_message(
                            &serde_json::json!({"error": error}).to_string()
                        ))
                    ),
                    retry_after: None,
                    source: None,
                };
            }
            if let Some(m) = chunk.model.filter(|m| !m.is_empty()) {
                model = Some(m);
            }
            if chunk.usage.is_some() {
                usage = chunk.usage;
            }
            let Some(choice) = chunk.choices.into_iter().next() else {
                continue;
            };
            if let Some(reason) = choice.finish_reason {
                finish_reason = Some(reason);
            }
            if let Some(delta) = choice.delta {
                if let Some(r) = &delta.refusal {
                    refusal.push_str(r);
                }
                let text = delta.text();
                if !text.is_empty() {
                    content.push_str(&text);
                    deltas += 1;
                    sink(StreamDelta::Text(&text));
                    sink(StreamDelta::Tokens(deltas));
                }
            }
        }
        if !done && finish_reason.is_none() {
            return Outcome::Transient {
                cause: format!(
                    "the answer stream ended before the answer did ({} characters received)",
                    content.len()
                ),
                retry_after: None,
                source: None,
            };
        }
        if skipped > 0 {
            tracing::warn!(provider = %self.label, skipped, "skipped stream chunks that were not chat completion chunks");
        }
        // Servers that ignore `include_usage` send none: one chunk is about one token.
        let usage = usage.unwrap_or(wire::WireUsage {
            prompt_tokens: 0,
            completion_tokens: deltas,
        });
        Outcome::Answer(ChatResponse {
            model,
            choices: vec![wire::Choice {
                message: Some(wire::Message {
                    content: Some(Value::String(content)),
                    refusal: (!refusal.is_empty()).then_some(refusal),
                }),
                finish_reason,
            }],
            usage: Some(usage),
        })
    }

    /// Whether the server refused a request feature we can drop (whatever the status code: a
    /// 400 from OpenAI, a 422 or 500 from llama-cpp-python's validation); switches it off and
    /// says which (`None`: a real rejection or failure).
    fn adapt(
        &self,
        shape: Shape,
        message: &str,
        schema_refused: &mut bool,
    ) -> Option<&'static str> {
        let lower = message.to_ascii_lowercase();
        let names_format = lower.contains("response_format")
            || lower.contains("json_schema")
            || lower.contains("json_object");
        if self.json_mode == JsonMode::Auto && names_format && !*schema_refused {
            if lower.contains("invalid schema") {
                // This schema is the problem, not the feature: plain json_object for this call.
                *schema_refused = true;
                return Some("the answer schema was refused; using json_object for this call");
            }
            match shape.format {
                Format::JsonSchema => {
                    self.auto_step.store(AUTO_OBJECT_SCHEMA, Ordering::Relaxed);
                    return Some("json_schema response format refused; using json_object + schema");
                }
                Format::JsonObjectSchema => {
                    self.auto_step.store(AUTO_OBJECT, Ordering::Relaxed);
                    return Some("json_object + schema refused; using json_object");
                }
                _ => {}
            }
        }
        if shape.stream && wire::names_stream(&lower) {
            self.stream_refused.store(true, Ordering::Relaxed);
            return Some("stream refused; asking for whole answers");
        }
        if !shape.max_completion_tokens
            && lower.contains("max_tokens")
            && lower.contains("max_completion_tokens")
        {
            self.max_completion_tokens.store(true, Ordering::Relaxed);
            return Some("max_tokens refused; using max_completion_tokens");
        }
        if !shape.omit_temperature && lower.contains("temperature") && lower.contains("unsupported")
        {
            self.omit_temperature.store(true, Ordering::Relaxed);
            return Some("temperature refused; using the model's default");
        }
        None
    }

    fn completion(&self, response: ChatResponse, retries: u32) -> Result<Completion> {
        let empty = || Error::InvalidAiOutput {
            attempts: 1,
            errors: vec!["the model returned an empty answer".to_owned()],
        };
        let Some(choice) = response.choices.into_iter().next() else {
            return Err(empty());
        };
        let message = choice.message;
        if let Some(refusal) = message
            .as_ref()
            .and_then(|m| m.refusal.as_deref())
            .filter(|r| !r.trim().is_empty())
        {
            return Err(Error::AiRefused {
                message: refusal.to_owned(),
            });
        }
        match choice.finish_reason.as_deref() {
            Some("length") => return Err(Error::AiOutputTruncated),
            Some("content_filter") => {
                return Err(Error::AiRefused {
                    message:
                        "the provider's content filter withheld the answer; rephrase the brief"
                            .to_owned(),
                });
            }
            _ => {}
        }
        let content = message.map(|m| m.text()).unwrap_or_default();
        if content.trim().is_empty() {
            return Err(empty());
        }
        let usage = response.usage.as_ref().map(Usage::from).unwrap_or_default();
        let model = response
            .model
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| self.model.clone());
        let cost_usd = self.prices.cost(&model, usage);
        tracing::debug!(
            provider = %self.label,
            model = %model,
            prompt_tokens = usage.prompt_tokens,
            completion_tokens = usage.completion_tokens,
            cost_usd,
            retries,
            "chat completion answered"
        );
        Ok(Completion {
            content,
            provider: self.label.clone(),
            model,
            usage,
            cost_usd,
            retries,
            reasks: Vec::new(),
        })
    }
}

#[async_trait]
impl Provider for OpenAiCompatible {
    fn label(&self) -> String {
        self.label.clone()
    }

    /// One at a time for a server on this machine, four for a hosted one.
    fn parallel_requests(&self) -> usize {
        if self.is_local() { 1 } else { 4 }
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
        self.check_health().await
    }
}

impl OpenAiCompatible {
    /// Asks until answered, adapting to refusals and retrying transient failures; a streaming
    /// caller hears [`StreamDelta::Restart`] before every attempt after the first.
    async fn answer(
        &self,
        request: &CompletionRequest,
        sink: Option<&DeltaSink<'_>>,
    ) -> Result<Completion> {
        let temperature = request.temperature.or(self.temperature);
        let max_tokens = request.max_tokens.or(self.max_tokens);
        let mut schema_refused = false;
        let mut retries = 0u32;
        let mut failures = 0u32;
        loop {
            if let Some(sink) = sink.filter(|_| retries > 0) {
                sink(StreamDelta::Restart);
            }
            let shape = self.shape(request, schema_refused, sink.is_some());
            // Serialised at once: the body's JSON tree (the answer schema is ~20 KB of JSON) must
            // not stay alive while waiting for the model, with hundreds of runs in flight.
            let body = wire::request_bytes(&self.model, request, temperature, max_tokens, shape);
            tracing::debug!(
                provider = %self.label,
                function = %request.function_name,
                attempt = retries + 1,
                "sending chat completion"
            );
            match self.chat_once(&body, sink).await {
                Outcome::Answer(response) => return self.completion(response, retries),
                Outcome::Rejected { status, message } => {
                    if let Some(change) = self.adapt(shape, &message, &mut schema_refused) {
                        tracing::warn!(provider = %self.label, server_message = %message, "{change}");
                        retries += 1;
                        continue;
                    }
                    tracing::warn!(provider = %self.label, status, server_message = %message, "chat completion rejected");
                    return Err(Error::ProviderRejected {
                        provider: self.label.clone(),
                        status,
                        message,
                    });
                }
                Outcome::Transient {
                    cause,
                    retry_after,
                    source,
                } => {
                    // A 5xx that names a request feature is a refusal in disguise: adapt and
                    // ask again at once instead of retrying the same request.
                    if cause.starts_with("HTTP ")
                        && let Some(change) = self.adapt(shape, &cause, &mut schema_refused)
                    {
                        tracing::warn!(provider = %self.label, server_message = %cause, "{change}");
                        retries += 1;
                        continue;
                    }
                    if failures >= self.max_retries {
                        tracing::warn!(provider = %self.label, attempts = failures + 1, %cause, "chat completion failed, giving up");
                        return Err(Error::ProviderUnavailable {
                            provider: self.label.clone(),
                            message: format!(
                                "{cause} (gave up after {} attempt{})",
                                failures + 1,
                                if failures == 0 { "" } else { "s" }
                            ),
                            source,
                        });
                    }
                    let delay = self.backoff.delay(failures, retry_after);
                    tracing::warn!(
                        provider = %self.label,
                        attempt = failures + 1,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        %cause,
                        "chat completion failed, retrying"
                    );
                    crate::telemetry::provider_retry(&self.label);
                    tokio::time::sleep(delay).await;
                    failures += 1;
                    retries += 1;
                }
            }
        }
    }

    async fn check_health(&self) -> Result<String> {
        match self.exchange(reqwest::Method::GET, "models", None).await {
            Ok(text) => Ok(self.describe_models(&text)),
            Err(Outcome::Rejected {
                status: 404 | 405, ..
            }) => {
                // Some compatible servers have no model list: ask for a one-token answer instead.
                let ping = CompletionRequest {
                    function_name: "health_check".to_owned(),
                    prompt_type: "health_check".to_owned(),
                    messages: vec![ChatMessage::user("Reply with OK.")],
                    output_schema: None,
                    context: Value::Null,
                    temperature: None,
                    max_tokens: Some(1),
                };
                let shape = self.shape(&ping, false, false);
                let body = wire::request_bytes(&self.model, &ping, None, Some(1), shape);
                match self.chat_once(&body, None).await {
                    Outcome::Answer(_) => Ok(format!(
                        "{} is answering (checked with a one-token chat completion; the server lists no models)",
                        self.label
                    )),
                    outcome => Err(self.health_error(outcome)),
                }
            }
            Err(outcome) => Err(self.health_error(outcome)),
        }
    }
}

impl OpenAiCompatible {
    fn describe_models(&self, text: &str) -> String {
        let listed: Vec<String> = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("data").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
        if listed.contains(&self.model) {
            format!(
                "{} is answering; model `{}` is available",
                self.label, self.model
            )
        } else if listed.is_empty() {
            format!("{} is answering", self.label)
        } else {
            format!(
                "{} is answering, but model `{}` is not among the {} models it lists; check SITEBUILDER_AI_MODEL",
                self.label,
                self.model,
                listed.len()
            )
        }
    }

    fn health_error(&self, outcome: Outcome) -> Error {
        match outcome {
            Outcome::Rejected { status, message } => Error::ProviderRejected {
                provider: self.label.clone(),
                status,
                message,
            },
            Outcome::Transient { cause, source, .. } => Error::ProviderUnavailable {
                provider: self.label.clone(),
                message: cause,
                source,
            },
            Outcome::Answer(_) => Error::ProviderUnavailable {
                provider: self.label.clone(),
                message: "unexpected answer to the health check".to_owned(),
                source: None,
            },
        }
    }
}

/// The sink of a caller that does not listen.
fn ignore_delta(_: StreamDelta<'_>) {}

/// A transport error with its causes (reqwest's own message is generic: "error sending request").
fn causes(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Replaces `secret`, and any run of key-like characters (8 or more) that is part of it, with
/// `[redacted]`: servers echo keys whole or partly ("Incorrect API key provided: sk-abc…").
fn redact_secret(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    let replaced = text.replace(secret, "[redacted]");
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(replaced.len());
    let mut run_start = None;
    for (i, c) in replaced
        .char_indices()
        .chain(std::iter::once((replaced.len(), ' ')))
    {
        match (is_key_char(c) && i < replaced.len(), run_start) {
            (true, None) => run_start = Some(i),
            (true, Some(_)) => {}
            (false, start) => {
                if let Some(start) = start {
                    let run = &replaced[start..i];
                    if run.len() >= 8 && secret.contains(run) {
                        out.push_str("[redacted]");
                    } else {
                        out.push_str(run);
                    }
                    run_start = None;
                }
                if i < replaced.len() {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_this_machine_is_asked_one_request_at_a_time() {
        let at = |url: &str| {
            OpenAiCompatible::builder()
                .base_url(url)
                .model("m")
                .build()
                .expect("build")
                .parallel_requests()
        };
        for local in [
            "http://127.0.0.1:8765/v1",
            "http://localhost:11434/v1",
            "http://[::1]:8000/v1",
            "http://0.0.0.0:8080",
        ] {
            assert_eq!(at(local), 1, "{local}");
        }
        assert_eq!(at("https://api.openai.com/v1"), 4);
        assert_eq!(at("http://10.0.0.5:8000/v1"), 4);
    }

    #[test]
    fn redaction_covers_whole_and_partial_echoes() {
        let secret = "sk-test-9f8e7d6c5b4a39281706";
        assert_eq!(
            redact_secret(&format!("Incorrect API key provided: {secret}."), secret),
            "Incorrect API key provided: [redacted]."
        );
        assert_eq!(
            redact_secret("key sk-test-9f8e7d6c…706 is wrong", secret),
            "key [redacted]…706 is wrong"
        );
        assert_eq!(
            redact_secret("model gpt-4o-mini not found", secret),
            "model gpt-4o-mini not found"
        );
        assert_eq!(redact_secret("ünïcode ok", secret), "ünïcode ok");
    }

    #[test]
    fn env_configuration() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(
            OpenAiCompatible::from_env_with(env(&[]))
                .expect("ok")
                .is_none()
        );
        assert!(
            OpenAiCompatible::from_env_with(env(&[("SITEBUILDER_AI_API_KEY", "  ")]))
                .expect("ok")
                .is_none()
        );
        let p = OpenAiCompatible::from_env_with(env(&[("OPENAI_API_KEY", "sk-env-secret-123456")]))
            .expect("ok")
            .expect("configured");
        assert_eq!(p.base_url(), DEFAULT_BASE_URL);
        assert_eq!(p.label(), "openai:gpt-4o-mini@api.openai.com");
        assert!(!format!("{p:?}").contains("sk-env-secret"));
        let p = OpenAiCompatible::from_env_with(env(&[
            ("SITEBUILDER_AI_BASE_URL", "http://127.0.0.1:11434/v1/"),
            ("SITEBUILDER_AI_MODEL", "llama3.1"),
        ]))
        .expect("ok")
        .expect("configured");
        assert_eq!(p.base_url(), "http://127.0.0.1:11434/v1");
        assert_eq!(p.label(), "openai:llama3.1@127.0.0.1:11434");
        assert_eq!(p.json_mode(), JsonMode::Auto);
        let p = OpenAiCompatible::from_env_with(env(&[
            ("SITEBUILDER_AI_BASE_URL", "http://127.0.0.1:8080/v1"),
            ("SITEBUILDER_AI_JSON_MODE", " JSON-Object-Schema "),
        ]))
        .expect("ok")
        .expect("configured");
        assert_eq!(p.json_mode(), JsonMode::JsonObjectSchema);
        let err = OpenAiCompatible::from_env_with(env(&[
            ("SITEBUILDER_AI_BASE_URL", "http://127.0.0.1:8080/v1"),
            ("SITEBUILDER_AI_JSON_MODE", "grammar"),
        ]))
        .expect_err("unknown mode");
        assert_eq!(err.code(), "configuration");
        assert!(
            err.to_string().contains("SITEBUILDER_AI_JSON_MODE"),
            "{err}"
        );
        let err = OpenAiCompatible::from_env_with(env(&[("SITEBUILDER_AI_BASE_URL", "localhost")]))
            .expect_err("not a URL");
        assert_eq!(err.code(), "configuration");
        assert!(err.to_string().contains("SITEBUILDER_AI_BASE_URL"), "{err}");
    }

    #[test]
    fn bad_key_characters_are_reported_without_the_key() {
        let err = OpenAiCompatible::builder()
            .api_key("sk-line\nbreak-secret")
            .build()
            .expect_err("bad header");
        assert!(!err.to_string().contains("secret"), "{err}");
        let builder = OpenAiCompatible::builder().api_key("sk-visible-secret");
        assert!(!format!("{builder:?}").contains("sk-visible-secret"));
    }
}
