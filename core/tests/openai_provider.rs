//! The OpenAI-compatible provider against a real HTTP server speaking the wire format.
//!
//! Every test ends by checking that each request the server received validates against the
//! spec's `CreateChatCompletionRequest` (and each answer it sent against the response schema).

#[path = "support/openai_server.rs"]
mod openai_server;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use openai_server::{OpenAiServer, Step};
use serde_json::json;
use sitebuilder::Error;
use sitebuilder::ai::provider::{
    ChatMessage, CompletionRequest, FallbackProvider, JsonMode, OpenAiCompatible,
    OpenAiCompatibleBuilder, OutputSchema, PriceTable, Provider,
};

const KEY: &str = "sk-test-8d1f0c2b9a7e4f65b3c1d0e9f8a7b6c5";

fn builder(server: &OpenAiServer) -> OpenAiCompatibleBuilder {
    OpenAiCompatible::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .timeout(Duration::from_secs(5))
        .backoff(Duration::from_millis(10), Duration::from_secs(3))
}

fn provider(server: &OpenAiServer) -> OpenAiCompatible {
    builder(server).build().expect("provider")
}

fn request() -> CompletionRequest {
    CompletionRequest {
        function_name: "generate_site_structure".into(),
        prompt_type: "site_structure_generation".into(),
        messages: vec![
            ChatMessage::system("You plan websites. Answer with JSON."),
            ChatMessage::user("A bakery in Lisbon."),
        ],
        output_schema: Some(OutputSchema {
            name: "site structure".into(),
            description: Some("The generated site structure".into()),
            schema: std::sync::Arc::new(json!({
                "type": "object",
                "properties": {"ok": {"type": "boolean"}},
                "required": ["ok"],
                "additionalProperties": false
            })),
        }),
        context: json!({"brief": "ignored by network providers"}),
        temperature: Some(0.2),
        max_tokens: Some(500),
    }
}

#[tokio::test]
async fn a_good_answer_with_usage_and_price() {
    let server = OpenAiServer::start().await;
    server.push(Step::answer_with_usage(r#"{"ok": true}"#, 1000, 2000));
    let provider = provider(&server);

    let answer = provider.complete(&request()).await.expect("answer");
    assert_eq!(answer.content, r#"{"ok": true}"#);
    assert_eq!(answer.model, "gpt-4o-mini");
    assert_eq!(
        (answer.usage.prompt_tokens, answer.usage.completion_tokens),
        (1000, 2000)
    );
    // 1000 × 0.15 + 2000 × 0.60 per million.
    assert!(
        (answer.cost_usd - 0.00135).abs() < 1e-12,
        "{}",
        answer.cost_usd
    );
    assert_eq!(answer.retries, 0);
    let port = server
        .base_url()
        .split(':')
        .nth(2)
        .expect("port")
        .replace("/v1", "");
    assert_eq!(
        answer.provider,
        format!("openai:gpt-4o-mini@127.0.0.1:{port}")
    );
    assert_eq!(provider.label(), answer.provider);

    let sent = server.chat_requests();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.headers["authorization"], format!("Bearer {KEY}"));
    assert_eq!(sent.headers["content-type"], "application/json");
    assert_eq!(sent.body["model"], "gpt-4o-mini");
    assert_eq!(sent.body["temperature"], json!(0.2));
    assert_eq!(sent.body["max_tokens"], json!(500));
    assert_eq!(
        sent.body["messages"],
        json!([
            {"role": "system", "content": "You plan websites. Answer with JSON."},
            {"role": "user", "content": "A bakery in Lisbon."}
        ])
    );
    assert_eq!(
        sent.body["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": "site_structure",
            "description": "The generated site structure",
            "schema": request().output_schema.expect("schema").schema,
            "strict": true
        }})
    );
    assert!(sent.body.get("context").is_none(), "context stays local");
    server.assert_wire_valid();
}

#[tokio::test]
async fn prices_follow_the_answering_model_and_the_table() {
    let server = OpenAiServer::start().await;
    server.push(Step::answer_with_usage("{}", 1_000_000, 1_000_000).model("gpt-4o-2024-08-06"));
    server.push(Step::answer_with_usage("{}", 1_000_000, 0).model("llama3.1:8b"));
    let mut prices = PriceTable::default();
    prices.set("llama3", 0.05, 0.10);
    let provider = builder(&server).prices(prices).build().expect("provider");
    let dated = provider.complete(&request()).await.expect("answer");
    assert_eq!(dated.model, "gpt-4o-2024-08-06");
    assert!((dated.cost_usd - 12.5).abs() < 1e-9, "{}", dated.cost_usd);
    let local = provider.complete(&request()).await.expect("answer");
    assert!((local.cost_usd - 0.05).abs() < 1e-9, "{}", local.cost_usd);
    server.assert_wire_valid();
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let server = OpenAiServer::start().await;
    server.push(Step::status(429, "Rate limit reached for gpt-4o-mini").header("Retry-After", "1"));
    server.push(Step::answer(r#"{"ok": true}"#));
    let provider = provider(&server);

    let started = Instant::now();
    let answer = provider
        .complete(&request())
        .await
        .expect("answer after retry");
    let waited = started.elapsed();
    assert_eq!(answer.retries, 1);
    assert_eq!(server.chat_requests().len(), 2);
    // The backoff alone would wait at most 10 ms; Retry-After asked for a second.
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    server.assert_wire_valid();
}

#[tokio::test]
async fn server_errors_are_retried() {
    let server = OpenAiServer::start().await;
    server.push(Step::status(500, "The server had an error"));
    server.push(Step::status(503, "Overloaded"));
    server.push(Step::answer(r#"{"ok": true}"#));
    let answer = provider(&server)
        .complete(&request())
        .await
        .expect("answer");
    assert_eq!(answer.retries, 2);
    assert_eq!(server.chat_requests().len(), 3);
    server.assert_wire_valid();
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_retried() {
    let server = OpenAiServer::start().await;
    server.push(Step::delay(Duration::from_secs(2), Step::answer("{}")));
    server.push(Step::answer(r#"{"ok": true}"#));
    let provider = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("provider");
    let answer = provider
        .complete(&request())
        .await
        .expect("second try answers");
    assert_eq!(answer.content, r#"{"ok": true}"#);
    assert_eq!(answer.retries, 1);
    server.assert_wire_valid();
}

#[tokio::test]
async fn always_slow_ends_unavailable_after_the_retries() {
    let server = OpenAiServer::start().await;
    server.set_default(Step::delay(Duration::from_secs(2), Step::answer("{}")));
    let provider = builder(&server)
        .timeout(Duration::from_millis(200))
        .max_retries(2)
        .build()
        .expect("provider");
    let err = provider
        .complete(&request())
        .await
        .expect_err("always slow");
    assert_eq!(err.code(), "provider_unavailable");
    assert!(err.is_transient());
    let message = err.to_string();
    assert!(message.contains("no answer within 200ms"), "{message}");
    assert!(message.contains("gave up after 3 attempts"), "{message}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the transport error is kept as the source"
    );
    assert_eq!(server.chat_requests().len(), 3);
    server.assert_wire_valid();
}

#[tokio::test]
async fn exhausted_server_errors_end_unavailable_with_the_last_cause() {
    let server = OpenAiServer::start().await;
    server.set_default(Step::status(502, "Bad gateway from upstream"));
    let provider = builder(&server).max_retries(1).build().expect("provider");
    let err = provider.complete(&request()).await.expect_err("down");
    assert!(matches!(err, Error::ProviderUnavailable { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("HTTP 502: Bad gateway from upstream"),
        "{err}"
    );
    assert_eq!(server.chat_requests().len(), 2);
    server.assert_wire_valid();
}

#[tokio::test]
async fn nobody_listening_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let provider = OpenAiCompatible::builder()
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .max_retries(1)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("provider");
    let err = provider.complete(&request()).await.expect_err("refused");
    assert_eq!(err.code(), "provider_unavailable");
    assert!(err.to_string().contains("cannot connect"), "{err}");
}

#[tokio::test]
async fn a_refusal_is_reported_as_such() {
    let server = OpenAiServer::start().await;
    server.push(Step::refusal("I can't help with that request."));
    let err = provider(&server)
        .complete(&request())
        .await
        .expect_err("refused");
    match err {
        Error::AiRefused { message } => assert_eq!(message, "I can't help with that request."),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server.chat_requests().len(), 1, "a refusal is not retried");
    server.assert_wire_valid();
}

#[tokio::test]
async fn an_answer_cut_at_the_token_limit_is_truncated() {
    let server = OpenAiServer::start().await;
    server.push(Step::truncated(r#"{"pages": [{"slug": "ho"#));
    let err = provider(&server)
        .complete(&request())
        .await
        .expect_err("cut");
    assert!(matches!(err, Error::AiOutputTruncated), "{err:?}");
    server.assert_wire_valid();
}

#[tokio::test]
async fn an_empty_answer_is_invalid_output() {
    let server = OpenAiServer::start().await;
    server.push(Step::answer("  "));
    let err = provider(&server)
        .complete(&request())
        .await
        .expect_err("empty");
    match err {
        Error::InvalidAiOutput { attempts, errors } => {
            assert_eq!(attempts, 1);
            assert_eq!(errors, ["the model returned an empty answer"]);
        }
        other => panic!("expected invalid output, got {other:?}"),
    }
    server.assert_wire_valid();
}

#[tokio::test]
async fn unauthorised_is_rejected_without_retry() {
    let server = OpenAiServer::start().await;
    server.push(Step::status(401, "Invalid authentication credentials"));
    server.push(Step::answer("{}"));
    let err = provider(&server)
        .complete(&request())
        .await
        .expect_err("401");
    match &err {
        Error::ProviderRejected {
            status, message, ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(message, "Invalid authentication credentials");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(!err.is_transient());
    assert_eq!(server.chat_requests().len(), 1);
    assert_eq!(server.pending(), 1, "the second step was never asked for");
    server.assert_wire_valid();
}

#[tokio::test]
async fn json_schema_refused_falls_back_to_json_object_and_remembers() {
    let server = OpenAiServer::start().await;
    server.push(Step::reject_json_schema());
    server.push(Step::answer(r#"{"ok": true}"#));
    server.push(Step::answer(r#"{"ok": false}"#));
    let provider = provider(&server);
    assert!(!provider.uses_json_object_fallback());

    let first = provider
        .complete(&request())
        .await
        .expect("fallback answers");
    assert_eq!(first.content, r#"{"ok": true}"#);
    assert_eq!(first.retries, 1);
    assert!(provider.uses_json_object_fallback());
    let second = provider.complete(&request()).await.expect("remembered");
    assert_eq!(second.retries, 0);

    let formats: Vec<_> = server
        .chat_requests()
        .iter()
        .map(|r| r.body["response_format"]["type"].clone())
        .collect();
    assert_eq!(
        formats,
        [
            json!("json_schema"),
            json!("json_object"),
            json!("json_object")
        ]
    );
    // The first fallback is llama.cpp's form: json_object with the schema beside it.
    assert_eq!(
        server.chat_requests()[1].body["response_format"]["schema"]["required"],
        json!(["ok"])
    );
    server.assert_wire_valid();
}

#[tokio::test]
async fn a_format_refusal_is_recognised_whatever_the_status() {
    // llama-cpp-python answers json_schema with a 500 naming response_format, FastAPI with a 422
    // listing the field: neither is retried as is.
    let server = OpenAiServer::start().await;
    server.push(Step::status(
        500,
        "1 validation error for CreateChatCompletionRequest response_format: Input should be 'text' or 'json_object'",
    ));
    server.push(Step::answer(r#"{"ok": true}"#));
    let provider = builder(&server).max_retries(0).build().expect("provider");
    let answer = provider.complete(&request()).await.expect("adapted");
    assert_eq!(answer.content, r#"{"ok": true}"#);
    let sent = server.chat_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].body["response_format"]["type"], "json_object");
    assert!(sent[1].body["response_format"]["schema"].is_object());

    // A server that refuses the schema beside json_object too ends at plain json_object.
    let server = OpenAiServer::start().await;
    server.push(Step::reject_json_schema());
    server.push(Step::raw(
        422,
        r#"{"detail": [{"loc": ["body", "response_format", "schema"], "msg": "Extra inputs are not permitted"}]}"#,
    ));
    server.push(Step::answer(r#"{"ok": true}"#));
    server.push(Step::answer(r#"{"ok": true}"#));
    let provider = builder(&server).max_retries(0).build().expect("provider");
    provider.complete(&request()).await.expect("adapted twice");
    provider.complete(&request()).await.expect("remembered");
    let formats: Vec<_> = server
        .chat_requests()
        .iter()
        .map(|r| r.body["response_format"].clone())
        .collect();
    assert_eq!(formats[0]["type"], "json_schema");
    assert!(formats[1]["schema"].is_object());
    assert_eq!(formats[2], json!({"type": "json_object"}));
    assert_eq!(formats[3], json!({"type": "json_object"}));

    // A 500 that names no request feature is still an outage, retried then given up.
    let server = OpenAiServer::start().await;
    server.push_times(2, Step::status(500, "model crashed"));
    let err = builder(&server)
        .max_retries(1)
        .build()
        .expect("provider")
        .complete(&request())
        .await
        .expect_err("unavailable");
    assert_eq!(err.code(), "provider_unavailable");
    assert_eq!(server.chat_requests().len(), 2);
    server.assert_wire_valid();
}

#[tokio::test]
async fn every_json_mode_can_be_chosen() {
    let server = OpenAiServer::start().await;
    let mut seen = Vec::new();
    for name in JsonMode::NAMES {
        let mode: JsonMode = name.parse().expect("a mode");
        assert_eq!(mode.as_str(), name);
        server.push(Step::answer(r#"{"ok": true}"#));
        builder(&server)
            .json_mode(mode)
            .build()
            .expect("provider")
            .complete(&request())
            .await
            .expect("answer");
        let body = server.chat_requests().pop().expect("request").body;
        seen.push((
            name,
            body["response_format"]["type"].clone(),
            body["response_format"].get("schema").is_some(),
        ));
    }
    assert_eq!(
        seen,
        [
            ("auto", json!("json_schema"), false),
            ("json_schema", json!("json_schema"), false),
            ("json_object_schema", json!("json_object"), true),
            ("json_object", json!("json_object"), false),
            ("off", serde_json::Value::Null, false),
        ]
    );
    assert_eq!(
        "llama".parse::<JsonMode>().ok(),
        Some(JsonMode::JsonObjectSchema)
    );
    let err = "grammar".parse::<JsonMode>().expect_err("unknown");
    assert_eq!(err.code(), "configuration");
    assert!(err.to_string().contains("json_object_schema"), "{err}");
    server.assert_wire_valid();
}

#[tokio::test]
async fn json_schema_mode_does_not_fall_back() {
    let server = OpenAiServer::start().await;
    server.push(Step::reject_json_schema());
    let provider = builder(&server)
        .json_mode(JsonMode::JsonSchema)
        .build()
        .expect("provider");
    let err = provider.complete(&request()).await.expect_err("rejected");
    assert!(
        matches!(err, Error::ProviderRejected { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(server.chat_requests().len(), 1);

    server.push(Step::answer("{}"));
    let off = builder(&server)
        .json_mode(JsonMode::Off)
        .build()
        .expect("provider");
    off.complete(&request()).await.expect("answer");
    let last = server.chat_requests().pop().expect("request");
    assert!(last.body.get("response_format").is_none());
    server.assert_wire_valid();
}

#[tokio::test]
async fn max_tokens_refused_switches_to_max_completion_tokens() {
    let server = OpenAiServer::start().await;
    server.push(Step::status(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    ));
    server.push(Step::answer("{}"));
    provider(&server)
        .complete(&request())
        .await
        .expect("answer");
    let sent = server.chat_requests();
    assert_eq!(sent[0].body["max_tokens"], json!(500));
    assert!(sent[1].body.get("max_tokens").is_none());
    assert_eq!(sent[1].body["max_completion_tokens"], json!(500));
    server.assert_wire_valid();
}

#[tokio::test]
async fn a_fallback_chain_moves_to_the_second_server() {
    let down = OpenAiServer::start().await;
    down.set_default(Step::status(503, "Service unavailable"));
    let up = OpenAiServer::start().await;
    up.push(Step::answer(r#"{"ok": true}"#));
    let first: Arc<dyn Provider> = Arc::new(builder(&down).max_retries(1).build().expect("a"));
    let second: Arc<dyn Provider> = Arc::new(builder(&up).model("gpt-4o").build().expect("b"));
    let chain = FallbackProvider::new(vec![first.clone(), second.clone()]);
    assert_eq!(
        chain.label(),
        format!("fallback({},{})", first.label(), second.label())
    );
    let answer = chain.complete(&request()).await.expect("second answers");
    assert_eq!(answer.provider, second.label());
    assert_eq!(answer.model, "gpt-4o");
    assert_eq!(down.chat_requests().len(), 2);
    assert_eq!(up.chat_requests().len(), 1);

    // A refusal from the first is final: the second is not asked.
    let refusing = OpenAiServer::start().await;
    refusing.push(Step::refusal("No."));
    let chain = FallbackProvider::new(vec![Arc::new(provider(&refusing)), second]);
    let err = chain.complete(&request()).await.expect_err("refused");
    assert_eq!(err.code(), "ai_refused");
    assert_eq!(up.chat_requests().len(), 1);
    for server in [&down, &up, &refusing] {
        server.assert_wire_valid();
    }
}

#[tokio::test]
async fn health_check_lists_models_or_falls_back_to_a_tiny_completion() {
    let server = OpenAiServer::start().await;
    let status = provider(&server).health_check().await.expect("healthy");
    assert!(
        status.contains("model `gpt-4o-mini` is available"),
        "{status}"
    );
    let other = builder(&server)
        .model("gpt-5-nano")
        .build()
        .expect("provider");
    let status = other.health_check().await.expect("answering");
    assert!(status.contains("not among the 2 models"), "{status}");
    assert!(server.chat_requests().is_empty());

    let bare = OpenAiServer::start().await;
    bare.set_models_status(404);
    bare.push(Step::truncated("O"));
    let status = provider(&bare).health_check().await.expect("healthy");
    assert!(status.contains("one-token chat completion"), "{status}");
    let ping = bare.chat_requests().pop().expect("ping");
    assert_eq!(ping.body["max_tokens"], json!(1));
    bare.assert_wire_valid();

    let locked = OpenAiServer::start().await;
    locked.set_models_status(401);
    let err = provider(&locked).health_check().await.expect_err("bad key");
    assert_eq!(err.code(), "provider_rejected");
}

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from the first call on, at TRACE level (reqwest's and
/// hyper's too). A global subscriber, because a thread-scoped one misses events when other tests
/// touch the same callsites concurrently.
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first global subscriber");
        logs
    })
}

#[tokio::test]
async fn the_api_key_never_leaks() {
    let logs = captured_logs();

    let server = OpenAiServer::start().await;
    // Servers that echo the key back, whole and in part.
    server.push(Step::status(
        401,
        format!("Incorrect API key provided: {KEY}. You can find your API key at https://platform.openai.com/account/api-keys."),
    ));
    server.set_default(Step::status(
        500,
        format!("upstream failed for key {}…", &KEY[..20]),
    ));
    let provider = builder(&server).max_retries(1).build().expect("provider");

    let rejected = provider.complete(&request()).await.expect_err("401");
    let unavailable = provider.complete(&request()).await.expect_err("500s");
    let health = builder(&server)
        .build()
        .expect("provider")
        .health_check()
        .await
        .expect("models listed");

    let log_text = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(
        log_text.contains("chat completion rejected"),
        "logs were captured:\n{log_text}"
    );
    assert!(
        log_text.contains("retrying"),
        "logs were captured:\n{log_text}"
    );
    let key_fragment = &KEY[8..24];
    for (what, text) in [
        ("rejection", rejected.to_string()),
        ("rejection debug", format!("{rejected:?}")),
        ("unavailable", unavailable.to_string()),
        ("unavailable debug", format!("{unavailable:?}")),
        ("provider debug", format!("{provider:?}")),
        ("builder debug", format!("{:?}", builder(&server))),
        ("label", provider.label()),
        ("health", health),
        ("logs", log_text),
    ] {
        assert!(
            !text.contains(key_fragment),
            "the key leaked in the {what}: {text}"
        );
    }
    assert!(
        rejected
            .to_string()
            .contains("Incorrect API key provided: [redacted]")
    );
    // The key was really sent, so the checks above had something to find.
    assert_eq!(
        server.chat_requests()[0].headers["authorization"],
        format!("Bearer {KEY}")
    );
    server.assert_wire_valid();
}

#[tokio::test]
async fn the_spec_validator_rejects_bad_requests() {
    // Guards the wire checks themselves: a request the spec forbids must fail validation.
    let bad = json!({"model": "gpt-4o-mini", "messages": []});
    assert!(openai_server::validate("CreateChatCompletionRequest", &bad).is_err());
    let bad = json!({"model": "gpt-4o-mini", "messages": [{"role": "robot", "content": "x"}]});
    assert!(openai_server::validate("CreateChatCompletionRequest", &bad).is_err());
    let bad = json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
        "response_format": {"type": "json_schema"}});
    assert!(openai_server::validate("CreateChatCompletionRequest", &bad).is_err());
    let good = json!({"model": "m", "messages": [{"role": "user", "content": "x"}]});
    assert_eq!(
        openai_server::validate("CreateChatCompletionRequest", &good),
        Ok(())
    );
    let bad_answer = json!({"choices": [{"index": 0, "message": {"role": "assistant"}, "finish_reason": "stop"}]});
    assert!(openai_server::validate("CreateChatCompletionResponse", &bad_answer).is_err());
}
