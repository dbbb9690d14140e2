//! The chat completions wire format: the request body we send and the parts of the answer we read.
//!
//! Only what the provider needs is modelled; unknown fields are ignored so OpenAI-compatible
//! servers (vLLM, llama.cpp, Ollama, OpenRouter, Azure) that add or omit fields still work.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::super::{CompletionRequest, OutputSchema, Usage};

/// How the answer format is asked for in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    None,
    JsonObject,
    /// llama.cpp's `{"type": "json_object", "schema": …}`.
    JsonObjectSchema,
    JsonSchema,
}

/// Request knobs that depend on what the server accepted before.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) format: Format,
    /// Send the token limit as `max_completion_tokens` (OpenAI's reasoning models refuse
    /// `max_tokens`, which most compatible servers still expect).
    pub(super) max_completion_tokens: bool,
    /// Leave `temperature` out (models that only accept their default).
    pub(super) omit_temperature: bool,
    /// Ask for server-sent events (`stream`, with usage in the final chunk).
    pub(super) stream: bool,
}

/// The `CreateChatCompletionRequest` body.
pub(super) fn request_body(
    model: &str,
    request: &CompletionRequest,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    shape: Shape,
) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(model));
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|m| json!({"role": m.role, "content": m.content}))
        .collect();
    body.insert("messages".into(), Value::Array(messages));
    if let Some(t) = temperature.filter(|_| !shape.omit_temperature) {
        // f32 → f64 widening shows noise (0.2 → 0.20000000298…); four decimals is plenty.
        let t = (f64::from(t) * 1e4).round() / 1e4;
        body.insert("temperature".into(), json!(t));
    }
    if let Some(n) = max_tokens {
        let key = if shape.max_completion_tokens {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body.insert(key.into(), json!(n));
    }
    if shape.stream {
        body.insert("stream".into(), json!(true));
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    match (shape.format, &request.output_schema) {
        (Format::JsonSchema, Some(schema)) => {
            body.insert("response_format".into(), json_schema_format(schema));
        }
        (Format::JsonObject, Some(_)) => {
            body.insert("response_format".into(), json!({"type": "json_object"}));
        }
        (Format::JsonObjectSchema, Some(schema)) => {
            let mut grammar = Value::clone(&schema.schema);
            non_empty_strings(&mut grammar);
            body.insert(
                "response_format".into(),
                json!({"type": "json_object", "schema": grammar}),
            );
        }
        _ => {}
    }
    Value::Object(body)
}

/// Gives every free-text string of `schema` `minLength: 1` for llama.cpp's grammar, which
/// enforces it while the model writes. Strict structured outputs have no such keyword, so the
/// answer schemas leave it out (the block catalogue's own validation requires text anyway);
/// a small model's commonest unusable answer is an empty string where words belong.
///
/// A nullable string (`"type": ["string", "null"]`) becomes `anyOf` a bounded string or null:
/// llama.cpp's converter drops length bounds on a union of types.
fn non_empty_strings(schema: &mut Value) {
    crate::ai::provider::each_free_text(schema, &mut |field| {
        field.entry("minLength").or_insert(json!(1));
        if let Some(Value::Array(kinds)) = field.get("type")
            && kinds.len() > 1
        {
            let others: Vec<Value> = kinds
                .iter()
                .filter(|k| *k != "string")
                .map(|k| json!({"type": k}))
                .collect();
            let mut text = std::mem::take(field);
            let description = text.remove("description");
            text.insert("type".into(), json!("string"));
            let mut options = vec![Value::Object(text)];
            options.extend(others);
            field.insert("anyOf".into(), Value::Array(options));
            if let Some(d) = description {
                field.insert("description".into(), d);
            }
        }
    });
}

/// [`request_body`] serialised.
pub(super) fn request_bytes(
    model: &str,
    request: &CompletionRequest,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    shape: Shape,
) -> Vec<u8> {
    serde_json::to_vec(&request_body(
        model,
        request,
        temperature,
        max_tokens,
        shape,
    ))
    .unwrap_or_default()
}

fn json_schema_format(schema: &OutputSchema) -> Value {
    let mut spec = Map::new();
    spec.insert("name".into(), json!(schema_name(&schema.name)));
    if let Some(description) = schema.description.as_deref().filter(|d| !d.is_empty()) {
        spec.insert("description".into(), json!(description));
    }
    let mut strict = Value::clone(&schema.schema);
    crate::ai::provider::drop_lengths(&mut strict);
    spec.insert("schema".into(), strict);
    spec.insert("strict".into(), json!(true));
    json!({"type": "json_schema", "json_schema": spec})
}

/// The schema name in the charset the API allows (a-z, A-Z, 0-9, `_`, `-`; 1–64 characters).
pub(super) fn schema_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if cleaned.is_empty() {
        "output".to_owned()
    } else {
        cleaned
    }
}

/// The parts of `CreateChatCompletionResponse` the provider reads.
#[derive(Debug, Deserialize)]
pub(super) struct ChatResponse {
    #[serde(default)]
    pub(super) model: Option<String>,
    #[serde(default)]
    pub(super) choices: Vec<Choice>,
    #[serde(default)]
    pub(super) usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Choice {
    #[serde(default)]
    pub(super) message: Option<Message>,
    #[serde(default)]
    pub(super) finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Message {
    /// A string, null, or (some compatible servers) an array of `{type: text, text}` parts.
    #[serde(default)]
    pub(super) content: Option<Value>,
    #[serde(default)]
    pub(super) refusal: Option<String>,
}

impl Message {
    pub(super) fn text(&self) -> String {
        match &self.content {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct WireUsage {
    #[serde(default)]
    pub(super) prompt_tokens: u64,
    #[serde(default)]
    pub(super) completion_tokens: u64,
}

/// One server-sent event of a streamed answer (`chat.completion.chunk`).
#[derive(Debug, Deserialize)]
pub(super) struct ChatChunk {
    #[serde(default)]
    pub(super) model: Option<String>,
    #[serde(default)]
    pub(super) choices: Vec<ChunkChoice>,
    /// Only in the final chunk (`stream_options.include_usage`).
    #[serde(default)]
    pub(super) usage: Option<WireUsage>,
    /// Some servers report a failure inside the stream.
    #[serde(default)]
    pub(super) error: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChunkChoice {
    #[serde(default)]
    pub(super) delta: Option<Message>,
    #[serde(default)]
    pub(super) finish_reason: Option<String>,
}

/// Whether a server message names the `stream` request field (not "upstream", "downstream").
pub(super) fn names_stream(lower: &str) -> bool {
    lower.match_indices("stream").any(|(at, _)| {
        !lower[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphabetic())
    })
}

impl From<&WireUsage> for Usage {
    fn from(usage: &WireUsage) -> Self {
        Usage {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        }
    }
}

/// The message of an error body: `{"error": {"message"}}` (OpenAI), `{"error": "…"}`,
/// `{"message"}` or `{"detail"}` (other servers), else the text itself, shortened.
pub(super) fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        let candidates = [
            v.pointer("/error/message"),
            v.get("error"),
            v.get("message"),
            v.get("detail"),
        ];
        candidates
            .into_iter()
            .flatten()
            .find_map(|m| m.as_str().map(str::to_owned))
    });
    let message = from_json.unwrap_or_else(|| body.trim().to_owned());
    shorten(&message, 500)
}

pub(super) fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::provider::ChatMessage;

    fn request(schema: Option<OutputSchema>) -> CompletionRequest {
        CompletionRequest {
            function_name: "generate_site_structure".into(),
            prompt_type: "site_structure_generation".into(),
            messages: vec![ChatMessage::system("s"), ChatMessage::user("u")],
            output_schema: schema,
            context: Value::Null,
            temperature: None,
            max_tokens: None,
        }
    }

    #[test]
    fn schema_names_are_sanitised() {
        assert_eq!(schema_name("site structure/v2"), "site_structure_v2");
        assert_eq!(schema_name(""), "output");
        assert_eq!(schema_name(&"é".repeat(100)).len(), 64);
    }

    #[test]
    fn body_follows_the_shape() {
        let schema = OutputSchema {
            name: "site.structure".into(),
            description: Some("A site".into()),
            schema: std::sync::Arc::new(json!({"type": "object"})),
        };
        let shape = Shape {
            format: Format::JsonSchema,
            max_completion_tokens: false,
            omit_temperature: false,
            stream: false,
        };
        let body = request_body("m", &request(Some(schema)), Some(0.2), Some(100), shape);
        assert!(body.get("stream").is_none());
        assert_eq!(body["temperature"], json!(0.2));
        assert_eq!(body["max_tokens"], json!(100));
        assert_eq!(
            body["messages"][0],
            json!({"role": "system", "content": "s"})
        );
        assert_eq!(
            body["response_format"],
            json!({"type": "json_schema", "json_schema": {"name": "site_structure", "description": "A site", "schema": {"type": "object"}, "strict": true}})
        );
        let shape = Shape {
            format: Format::JsonObject,
            max_completion_tokens: true,
            omit_temperature: true,
            stream: true,
        };
        let body = request_body(
            "m",
            &request(Some(OutputSchema {
                name: "x".into(),
                description: None,
                schema: std::sync::Arc::new(json!({})),
            })),
            Some(0.2),
            Some(7),
            shape,
        );
        assert!(body.get("temperature").is_none());
        assert_eq!(body["max_completion_tokens"], json!(7));
        assert_eq!(body["response_format"], json!({"type": "json_object"}));
        assert_eq!(body["stream"], json!(true));
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        // llama.cpp's form carries the schema, with free text non-empty for its grammar.
        let schema = json!({"type": "object", "properties": {
            "name": {"type": "string"},
            "note": {"type": ["string", "null"]},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "list": {"type": "array", "items": {"type": "string"}},
            "short": {"type": "string", "maxLength": 60}
        }});
        let strict = json_schema_format(&OutputSchema {
            name: "x".into(),
            description: None,
            schema: std::sync::Arc::new(schema.clone()),
        });
        // Strict structured outputs take no length bounds.
        assert!(
            strict["json_schema"]["schema"]["properties"]["short"]
                .get("maxLength")
                .is_none()
        );
        let body = request_body(
            "m",
            &request(Some(OutputSchema {
                name: "x".into(),
                description: None,
                schema: std::sync::Arc::new(schema),
            })),
            None,
            None,
            Shape {
                format: Format::JsonObjectSchema,
                ..shape
            },
        );
        let sent = &body["response_format"]["schema"]["properties"];
        assert_eq!(body["response_format"]["type"], "json_object");
        assert_eq!(sent["name"]["minLength"], json!(1));
        assert_eq!(
            sent["note"]["anyOf"],
            json!([{"type": "string", "minLength": 1}, {"type": "null"}])
        );
        assert!(sent["kind"].get("minLength").is_none());
        assert_eq!(sent["list"]["items"]["minLength"], json!(1));
        assert_eq!(sent["short"]["maxLength"], json!(60));
        // Without a schema no format is asked for, whatever the mode.
        assert!(
            request_body("m", &request(None), None, None, shape)
                .get("response_format")
                .is_none()
        );
    }

    #[test]
    fn stream_refusals_are_told_from_proxy_errors() {
        assert!(names_stream("'stream' is not supported"));
        assert!(names_stream("unknown field: stream_options"));
        assert!(names_stream("streaming is not available for this model"));
        assert!(!names_stream("upstream connect error"));
        assert!(!names_stream("downstream timeout"));
    }

    #[test]
    fn error_messages_are_found() {
        assert_eq!(
            error_message(r#"{"error": {"message": "bad key", "type": "x"}}"#),
            "bad key"
        );
        assert_eq!(error_message(r#"{"detail": "nope"}"#), "nope");
        assert_eq!(error_message("  plain text "), "plain text");
        assert_eq!(error_message(&"x".repeat(600)).chars().count(), 501);
    }
}
