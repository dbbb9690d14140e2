//! A real HTTP server speaking the OpenAI chat completions wire format, scripted per test.
//!
//! Each test pushes the steps the server plays, one per chat request (an answer with usage, a raw
//! status with headers, a delay, a refusal, a truncated answer, a rejected `json_schema`), and
//! reads back every request it received. The spec helpers validate requests and answers against
//! the chat-completions part of OpenAI's OpenAPI description, vendored in `openai-spec/`.
//!
//! Use from any test file: `#[path = "support/openai_server.rs"] mod openai_server;`.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{Value, json};

/// How a [`Step::Stream`] answer is sent as server-sent events.
#[derive(Debug, Clone)]
pub(crate) struct StreamSpec {
    pub(crate) content: String,
    /// Bytes of content per event (cut on character boundaries).
    pub(crate) chunk: usize,
    pub(crate) prompt_tokens: u64,
    pub(crate) completion_tokens: u64,
    /// Send the usage chunk at the end (`stream_options.include_usage`).
    pub(crate) usage: bool,
    /// Waits for this before sending the finishing chunk (the test decides when the answer ends).
    pub(crate) gate: Option<Arc<tokio::sync::Notify>>,
    /// Mixes in a comment line and a data line that is not JSON.
    pub(crate) garbage: bool,
    /// Sends `[DONE]` at the end.
    pub(crate) done: bool,
}

/// What the server does with one chat request.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A streamed answer (`text/event-stream`, `chat.completion.chunk` events, then `[DONE]`).
    Stream(StreamSpec),
    /// A chat completion whose message content is `content`.
    Answer {
        content: String,
        prompt_tokens: u64,
        completion_tokens: u64,
        finish_reason: &'static str,
        model: Option<String>,
    },
    /// A chat completion whose message is a refusal (content null).
    Refusal(String),
    /// Any status, body and headers.
    Raw {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Waits, then plays the inner step (longer than the client's timeout = a timeout).
    Delay(Duration, Box<Step>),
}

impl Step {
    /// A normal answer (`finish_reason: stop`), 100 prompt and 50 completion tokens.
    pub(crate) fn answer(content: impl Into<String>) -> Step {
        Step::answer_with_usage(content, 100, 50)
    }

    /// A normal answer with the given token usage.
    pub(crate) fn answer_with_usage(
        content: impl Into<String>,
        prompt_tokens: u64,
        completion_tokens: u64,
    ) -> Step {
        Step::Answer {
            content: content.into(),
            prompt_tokens,
            completion_tokens,
            finish_reason: "stop",
            model: None,
        }
    }

    /// A streamed answer in events of `chunk` bytes, with usage (1234 prompt, 567 completion
    /// tokens) in the final chunk.
    pub(crate) fn stream(content: impl Into<String>, chunk: usize) -> Step {
        Step::Stream(StreamSpec {
            content: content.into(),
            chunk: chunk.max(1),
            prompt_tokens: 1234,
            completion_tokens: 567,
            usage: true,
            gate: None,
            garbage: false,
            done: true,
        })
    }

    /// Changes a streamed answer.
    pub(crate) fn with_stream(self, change: impl FnOnce(&mut StreamSpec)) -> Step {
        match self {
            Step::Stream(mut spec) => {
                change(&mut spec);
                Step::Stream(spec)
            }
            other => panic!("not a streamed step: {other:?}"),
        }
    }

    /// An answer cut at the token limit (`finish_reason: length`).
    pub(crate) fn truncated(content: impl Into<String>) -> Step {
        match Step::answer(content) {
            Step::Answer {
                content,
                prompt_tokens,
                completion_tokens,
                model,
                ..
            } => Step::Answer {
                content,
                prompt_tokens,
                completion_tokens,
                finish_reason: "length",
                model,
            },
            other => other,
        }
    }

    /// A refusal (`message.refusal` set, content null).
    pub(crate) fn refusal(text: impl Into<String>) -> Step {
        Step::Refusal(text.into())
    }

    /// An error status with OpenAI's error body `{"error": {"message", "type", "param", "code"}}`.
    pub(crate) fn status(status: u16, message: impl Into<String>) -> Step {
        let body = json!({"error": {
            "message": message.into(),
            "type": if status == 429 { "rate_limit_error" } else { "invalid_request_error" },
            "param": null,
            "code": null,
        }});
        Step::raw(status, body.to_string())
    }

    /// Any status with a raw body.
    pub(crate) fn raw(status: u16, body: impl Into<String>) -> Step {
        Step::Raw {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// The 400 OpenAI sends to a model without structured outputs.
    pub(crate) fn reject_json_schema() -> Step {
        Step::status(
            400,
            "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
        )
    }

    /// Waits `delay`, then plays `step`.
    pub(crate) fn delay(delay: Duration, step: Step) -> Step {
        Step::Delay(delay, Box::new(step))
    }

    /// Adds a response header (raw steps only; e.g. `Retry-After`).
    pub(crate) fn header(self, name: &str, value: &str) -> Step {
        match self {
            Step::Raw {
                status,
                body,
                mut headers,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Step::Raw {
                    status,
                    body,
                    headers,
                }
            }
            Step::Delay(d, inner) => Step::Delay(d, Box::new(inner.header(name, value))),
            other => panic!("headers can only be added to raw steps, not {other:?}"),
        }
    }

    /// Sets the model named in the answer (default: the requested model).
    pub(crate) fn model(self, name: &str) -> Step {
        match self {
            Step::Answer {
                content,
                prompt_tokens,
                completion_tokens,
                finish_reason,
                ..
            } => Step::Answer {
                content,
                prompt_tokens,
                completion_tokens,
                finish_reason,
                model: Some(name.to_owned()),
            },
            other => other,
        }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct RecordedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    /// Header names lowercased.
    pub(crate) headers: BTreeMap<String, String>,
    /// The JSON body (`Null` when empty or not JSON; see `raw_body`).
    pub(crate) body: Value,
    pub(crate) raw_body: String,
}

/// A response the server sent (after any delay).
#[derive(Debug, Clone)]
pub(crate) struct RecordedResponse {
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) body: String,
}

#[derive(Debug, Default)]
struct Script {
    steps: VecDeque<Step>,
    /// Played when the queue is empty.
    default: Option<Step>,
    models: Vec<String>,
    models_status: Option<u16>,
    requests: Vec<RecordedRequest>,
    responses: Vec<RecordedResponse>,
    counter: u64,
}

type Shared = Arc<Mutex<Script>>;

/// The server; it runs until the test's runtime stops.
#[derive(Debug, Clone)]
pub(crate) struct OpenAiServer {
    addr: SocketAddr,
    script: Shared,
}

impl OpenAiServer {
    /// Starts a server on 127.0.0.1 on a free port.
    pub(crate) async fn start() -> OpenAiServer {
        let script: Shared = Arc::new(Mutex::new(Script {
            models: vec!["gpt-4o-mini".into(), "gpt-4o".into()],
            ..Script::default()
        }));
        let app = Router::new().fallback(handle).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("test server");
        });
        OpenAiServer { addr, script }
    }

    /// The API root to configure the provider with (`http://127.0.0.1:PORT/v1`).
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Queues a step for the next chat request.
    pub(crate) fn push(&self, step: Step) -> &Self {
        self.lock().steps.push_back(step);
        self
    }

    /// Queues `step` `times` times.
    pub(crate) fn push_times(&self, times: usize, step: Step) -> &Self {
        for _ in 0..times {
            self.push(step.clone());
        }
        self
    }

    /// The step played when the queue is empty (default: a 500 saying the script ran out).
    pub(crate) fn set_default(&self, step: Step) -> &Self {
        self.lock().default = Some(step);
        self
    }

    /// Models listed by `GET /v1/models`.
    pub(crate) fn set_models(&self, models: &[&str]) -> &Self {
        self.lock().models = models.iter().map(|m| (*m).to_owned()).collect();
        self
    }

    /// Makes `GET /v1/models` answer this status instead of the list (e.g. 404).
    pub(crate) fn set_models_status(&self, status: u16) -> &Self {
        self.lock().models_status = Some(status);
        self
    }

    /// Every request received, in order.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The chat completion requests received, in order.
    pub(crate) fn chat_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .collect()
    }

    /// Every response sent, in order (delayed responses whose client left are not sent).
    pub(crate) fn responses(&self) -> Vec<RecordedResponse> {
        self.lock().responses.clone()
    }

    /// Steps not yet played.
    pub(crate) fn pending(&self) -> usize {
        self.lock().steps.len()
    }

    /// Panics unless every chat request validates against `CreateChatCompletionRequest` and every
    /// successful chat answer against `CreateChatCompletionResponse`.
    pub(crate) fn assert_wire_valid(&self) {
        for request in self.chat_requests() {
            if let Err(errors) = validate("CreateChatCompletionRequest", &request.body) {
                panic!(
                    "request does not match CreateChatCompletionRequest: {errors:#?}\n{}",
                    request.raw_body
                );
            }
        }
        for response in self.responses() {
            if response.path.ends_with("/chat/completions")
                && response.status == 200
                && response.body.starts_with("data:")
            {
                for line in response.body.lines() {
                    let Some(data) = line.strip_prefix("data: ") else {
                        continue;
                    };
                    let Ok(chunk) = serde_json::from_str::<Value>(data) else {
                        continue; // `[DONE]` and the deliberately malformed lines
                    };
                    if let Err(errors) = validate("CreateChatCompletionStreamResponse", &chunk) {
                        panic!(
                            "chunk does not match CreateChatCompletionStreamResponse: {errors:#?}\n{data}"
                        );
                    }
                }
                continue;
            }
            if response.path.ends_with("/chat/completions") && response.status == 200 {
                let body: Value = serde_json::from_str(&response.body).expect("answer is JSON");
                if let Err(errors) = validate("CreateChatCompletionResponse", &body) {
                    panic!(
                        "answer does not match CreateChatCompletionResponse: {errors:#?}\n{}",
                        response.body
                    );
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().expect("script lock")
    }
}

async fn handle(
    State(script): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw_body = String::from_utf8_lossy(&body).into_owned();
    let path = uri.path().to_owned();
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_str(&raw_body).unwrap_or(Value::Null),
        raw_body,
    };
    let requested_model = recorded
        .body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("gpt-4o-mini")
        .to_owned();
    let (step, counter) = {
        let mut s = script.lock().expect("script lock");
        s.requests.push(recorded);
        s.counter += 1;
        let step = match (method.as_str(), path.as_str()) {
            ("GET", "/v1/models") => match s.models_status {
                Some(status) => Step::status(status, "no model list here"),
                None => Step::raw(
                    200,
                    json!({"object": "list", "data": s.models.iter().map(|id| json!({
                        "id": id, "object": "model", "created": 1_700_000_000, "owned_by": "test"
                    })).collect::<Vec<_>>()})
                    .to_string(),
                ),
            },
            ("POST", "/v1/chat/completions") => s
                .steps
                .pop_front()
                .or_else(|| s.default.clone())
                .unwrap_or_else(|| Step::status(500, "test server: no scripted step left")),
            _ => Step::status(404, format!("test server: no route {method} {path}")),
        };
        (step, s.counter)
    };
    let mut step = step;
    while let Step::Delay(delay, inner) = step {
        tokio::time::sleep(delay).await;
        step = *inner;
    }
    if let Step::Stream(spec) = step {
        return stream_response(&script, path, spec, &requested_model, counter);
    }
    let (status, body, extra) = play(step, &requested_model, counter).await;
    script
        .lock()
        .expect("script lock")
        .responses
        .push(RecordedResponse {
            path,
            status,
            body: body.clone(),
        });
    let mut response = (
        StatusCode::from_u16(status).expect("valid status"),
        [("content-type", "application/json")],
        body,
    )
        .into_response();
    for (name, value) in extra {
        response.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(&value).expect("header value"),
        );
    }
    response
}

/// Plays a step: status, body and extra headers.
async fn play(
    step: Step,
    requested_model: &str,
    counter: u64,
) -> (u16, String, Vec<(String, String)>) {
    let mut step = step;
    while let Step::Delay(delay, inner) = step {
        tokio::time::sleep(delay).await;
        step = *inner;
    }
    match step {
        Step::Answer {
            content,
            prompt_tokens,
            completion_tokens,
            finish_reason,
            model,
        } => {
            let model = model.unwrap_or_else(|| requested_model.to_owned());
            let message = json!({"role": "assistant", "content": content, "refusal": null, "annotations": []});
            let body = completion_body(
                counter,
                &model,
                message,
                finish_reason,
                prompt_tokens,
                completion_tokens,
            );
            (200, body.to_string(), Vec::new())
        }
        Step::Refusal(text) => {
            let message = json!({"role": "assistant", "content": null, "refusal": text});
            let body = completion_body(counter, requested_model, message, "stop", 40, 12);
            (200, body.to_string(), Vec::new())
        }
        Step::Raw {
            status,
            body,
            headers,
        } => (status, body, headers),
        Step::Delay(..) => unreachable!("delays are unwrapped above"),
        Step::Stream(_) => unreachable!("streams are answered by stream_response"),
    }
}

/// Sends a streamed answer: one event per content piece, a finishing chunk (after the gate, if
/// any), the usage chunk and `[DONE]`.
fn stream_response(
    script: &Shared,
    path: String,
    spec: StreamSpec,
    model: &str,
    counter: u64,
) -> Response {
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let chunk = |choices: Value, usage: Option<Value>| {
        let mut c = json!({
            "id": format!("chatcmpl-test{counter}"),
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_sitebuilder_test",
            "choices": choices,
        });
        if let Some(usage) = usage {
            c["usage"] = usage;
        }
        format!("data: {c}\n\n")
    };
    let mut before_gate = vec![chunk(
        json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]),
        None,
    )];
    let text = spec.content.as_str();
    let mut start = 0;
    let mut n = 0;
    while start < text.len() {
        let mut end = (start + spec.chunk).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        before_gate.push(chunk(
            json!([{"index": 0, "delta": {"content": &text[start..end]}, "finish_reason": null}]),
            None,
        ));
        n += 1;
        if spec.garbage && n % 7 == 3 {
            before_gate.push(": keep-alive\n\n".to_owned());
            before_gate.push("data: {\"choices\": [{\"delta\": \n\n".to_owned());
        }
        start = end;
    }
    let mut after_gate = vec![chunk(
        json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
        None,
    )];
    if spec.usage {
        after_gate.push(chunk(
            json!([]),
            Some(json!({
                "prompt_tokens": spec.prompt_tokens,
                "completion_tokens": spec.completion_tokens,
                "total_tokens": spec.prompt_tokens + spec.completion_tokens,
            })),
        ));
    }
    if spec.done {
        after_gate.push("data: [DONE]\n\n".to_owned());
    }
    let full: String = before_gate.concat() + &after_gate.concat();
    script
        .lock()
        .expect("script lock")
        .responses
        .push(RecordedResponse {
            path,
            status: 200,
            body: full,
        });
    let gate = spec.gate.clone();
    let events = futures_util::stream::iter(before_gate.into_iter().map(Some))
        .chain(futures_util::stream::once(async move {
            if let Some(gate) = gate {
                gate.notified().await;
            }
            None
        }))
        .chain(futures_util::stream::iter(after_gate.into_iter().map(Some)))
        .filter_map(
            |e| async move { e.map(|e| Ok::<_, std::convert::Infallible>(Bytes::from(e))) },
        );
    let mut response = axum::body::Body::from_stream(events).into_response();
    response.headers_mut().insert(
        HeaderName::from_static("content-type"),
        HeaderValue::from_static("text/event-stream"),
    );
    response
}

fn completion_body(
    counter: u64,
    model: &str,
    message: Value,
    finish_reason: &str,
    prompt_tokens: u64,
    completion_tokens: u64,
) -> Value {
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    json!({
        "id": format!("chatcmpl-test{counter}"),
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        },
        "service_tier": "default",
        "system_fingerprint": "fp_sitebuilder_test"
    })
}

// ---- the OpenAPI description ------------------------------------------------------------------

const SPEC_URI: &str = "https://spec.sitebuilder.test/openai-openapi.json";

/// The chat-completions part of OpenAI's OpenAPI description, vendored with its source and licence
/// in `openai-spec/` beside this file (the full document is 3 MB of YAML; this is what the wire
/// tests validate against).
const SPEC_JSON: &str = include_str!("openai-spec/chat-completions.json");

fn registry() -> &'static jsonschema::Registry<'static> {
    static REGISTRY: OnceLock<jsonschema::Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // Integers beyond i64 (the bounds of `seed`) parse as floats, which is what they are.
        let mut spec: Value = serde_json::from_str(SPEC_JSON).expect("the vendored spec is JSON");
        // The stream schemas still carry OpenAPI 3.0's `nullable: true` (JSON Schema ignores it):
        // read it as the spec means it, so a chunk's `finish_reason: null` is valid.
        openapi_nullable(&mut spec);
        jsonschema::Registry::new()
            .draft(jsonschema::Draft::Draft202012)
            .add(SPEC_URI, spec)
            .expect("register the spec")
            .prepare()
            .expect("prepare the registry")
    })
}

/// Rewrites OpenAPI 3.0's `nullable: true` as JSON Schema: `null` joins the type (and enum).
fn openapi_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(options)) = map.get_mut("enum") {
                    options.push(Value::Null);
                }
            }
            map.values_mut().for_each(openapi_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_nullable),
        _ => {}
    }
}

/// Validates `value` against `#/components/schemas/<schema>` of the spec; the error list says
/// where and why.
pub(crate) fn validate(schema: &str, value: &Value) -> Result<(), Vec<String>> {
    static VALIDATORS: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> =
        OnceLock::new();
    let validators = VALIDATORS.get_or_init(Mutex::default);
    let validator = {
        let mut cache = validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(schema.to_owned())
            .or_insert_with(|| {
                let root = json!({"$ref": format!("{SPEC_URI}#/components/schemas/{schema}")});
                Arc::new(
                    jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .with_registry(registry())
                        .build(&root)
                        .unwrap_or_else(|e| panic!("build a validator for {schema}: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
