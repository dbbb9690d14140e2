//! Turns the core's [`sitebuilder::Error`] into a JavaScript error carrying its stable code.
//!
//! napi-rs rejects an `async fn` with an `Error` whose `code` is napi's status name and offers no way
//! to set our own code from Rust. So the reason gets a machine-readable tail,
//! `[sitebuilder-error {"code":"insufficient_credits","required":50,"available":0}]`, which `errors.js`
//! strips and turns into `err.code` and fields. The readable part is the core's message followed by
//! its cause chain, so even a caller of the raw addon sees what to do.

use std::error::Error as _;

use napi::Status;
use serde_json::{Value, json};
use sitebuilder::Error;

/// The marker `errors.js` looks for; keep both sides in sync.
const TAG: &str = "[sitebuilder-error ";

/// A napi error for a core error: readable message + cause chain, then the tag with code and fields.
pub(crate) fn to_napi(err: Error) -> napi::Error {
    napi::Error::new(Status::GenericFailure, reason(&err))
}

/// Shorthand for `map_err(to_napi)`.
pub(crate) trait IntoNapi<T> {
    /// Converts the error side into a napi error with our tag.
    fn napi(self) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for sitebuilder::Result<T> {
    fn napi(self) -> napi::Result<T> {
        self.map_err(to_napi)
    }
}

/// The full reason string: message, causes, tag.
pub(crate) fn reason(err: &Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // thiserror messages often embed their source already; do not repeat it.
        if !message.contains(&text) {
            message.push_str(": caused by: ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    format!("{message} {TAG}{}]", fields(err))
}

/// `{code, ...fields}` for the tag: the core's own fields of the variant (`Error::fields`).
fn fields(err: &Error) -> Value {
    let mut map = err.fields();
    map.insert("code".into(), json!(err.code()));
    Value::Object(map)
}

/// A napi error for a value JavaScript handed over that the binding cannot translate.
pub(crate) fn invalid(message: impl std::fmt::Display) -> napi::Error {
    to_napi(Error::invalid(message))
}

/// A representative core error for `code`, so the JavaScript tests can check the translation of
/// every code, including those no API call can provoke on a healthy machine.
pub(crate) fn sample(code: &str) -> Option<Error> {
    Some(match code {
        "invalid_input" => Error::invalid("sample"),
        "not_found" => Error::not_found("site_blueprint", 42),
        "insufficient_credits" => Error::InsufficientCredits {
            required: 50,
            available: 3,
        },
        "migration_required" => Error::MigrationRequired {
            pending: vec!["0001_sample".into()],
        },
        "migration_checksum_mismatch" => Error::MigrationChecksumMismatch {
            version: 1,
            name: "sample".into(),
            recorded: "aa".into(),
            expected: "bb".into(),
        },
        "schema_mismatch" => Error::SchemaMismatch {
            missing: vec!["igny8_site_blueprints.sample".into()],
        },
        "conflict" => Error::conflict("sample"),
        "provider_unavailable" => Error::ProviderUnavailable {
            provider: "openai:sample".into(),
            message: "connection refused".into(),
            source: None,
        },
        "provider_rejected" => Error::ProviderRejected {
            provider: "openai:sample".into(),
            status: 401,
            message: "bad key".into(),
        },
        "ai_refused" => Error::AiRefused {
            message: "sample".into(),
        },
        "ai_output_truncated" => Error::AiOutputTruncated,
        "invalid_ai_output" => Error::InvalidAiOutput {
            attempts: 2,
            errors: vec!["pages: missing".into()],
        },
        "cancelled" => Error::Cancelled {
            message: "sample".into(),
        },
        "configuration" => Error::config("sample"),
        "database" => Error::db("sample")(sqlx::Error::PoolTimedOut),
        "json" => Error::json("sample")(serde_json::from_str::<Value>("{").err()?),
        "quota_exceeded" => Error::QuotaExceeded {
            message: "sample".into(),
        },
        "file_storage" => Error::FileStorage {
            message: "sample".into(),
            source: None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_of(reason: &str) -> Value {
        let start = reason.rfind(TAG).expect("tag present");
        let json = &reason[start + TAG.len()..reason.len() - 1];
        serde_json::from_str(json).expect("tag is JSON")
    }

    #[test]
    fn insufficient_credits_carries_both_amounts() {
        let r = reason(&Error::InsufficientCredits {
            required: 50,
            available: 7,
        });
        assert!(r.starts_with("insufficient credits: 50 required, 7 available"));
        let tag = tag_of(&r);
        assert_eq!(tag["code"], "insufficient_credits");
        assert_eq!(tag["required"], 50);
        assert_eq!(tag["available"], 7);
    }

    #[test]
    fn causes_are_chained_into_the_message() {
        let source = serde_json::from_str::<Value>("{").expect_err("invalid JSON");
        let r = reason(&Error::json("payload")(source));
        assert!(r.contains("JSON error in payload"), "{r}");
        assert_eq!(tag_of(&r)["code"], "json");
    }
}
