//! The one error type of the library.
//!
//! Every failure a host can see is a variant here with a stable machine code ([`Error::code`]).
//! Bindings map on the code, never on the message, so messages are free to improve; codes are not.

use std::fmt;

/// `Result` with the library's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in sitebuilder, each with a message that says what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller passed a value the library cannot accept; the message names the field.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The record does not exist for this account (rows of other accounts are never visible).
    #[error("{entity} {id} not found for this account")]
    NotFound {
        /// The kind of record looked up (`site_blueprint`, `page_blueprint`, `task`, …).
        entity: &'static str,
        /// The id or name that was looked up.
        id: String,
    },

    /// The account's balance does not cover the operation; nothing was charged.
    #[error(
        "insufficient credits: {required} required, {available} available; grant credits to the account or change the credit policy"
    )]
    InsufficientCredits {
        /// Credits the operation costs.
        required: i64,
        /// Credits the account holds now.
        available: i64,
    },

    /// The database schema is behind the library; nothing was read or written.
    #[error(
        "database schema is not up to date: pending migrations {}; call `migrate()` (command line: `sitebuilder migrate`)",
        pending.join(", ")
    )]
    MigrationRequired {
        /// `NNNN_name` of every pending migration.
        pending: Vec<String>,
    },

    /// An applied migration's recorded checksum differs from the migration this library ships.
    #[error(
        "migration {version:04}_{name} was applied with checksum {recorded} but this library ships {expected}; the schema was edited by hand or by another version of sitebuilder: restore the migration or reconcile the database before migrating"
    )]
    MigrationChecksumMismatch {
        /// Version number of the migration.
        version: i64,
        /// Name of the migration.
        name: String,
        /// Checksum stored in the history table.
        recorded: String,
        /// Checksum of the migration in this build.
        expected: String,
    },

    /// Tables made by the seed's Django app lack columns this library needs.
    #[error(
        "cannot adopt existing tables: missing columns {}; apply the seed app's migrations (`python manage.py migrate site_building`) or add the columns",
        missing.join(", ")
    )]
    SchemaMismatch {
        /// `table.column` for every missing column.
        missing: Vec<String>,
    },

    /// The operation conflicts with the record's current state (e.g. a generation already running).
    #[error("conflict: {message}")]
    Conflict {
        /// What conflicts and what to do about it.
        message: String,
        /// For a write based on a stale version of a blueprint: the version it has now, so the
        /// caller can reload and retry (exposed as the `current_version` field on every surface).
        current_version: Option<i32>,
    },

    /// The AI provider could not be reached or kept failing after retries.
    #[error("AI provider {provider} unavailable: {message}")]
    ProviderUnavailable {
        /// Provider label (`openai:gpt-4o-mini`, `offline`, …).
        provider: String,
        /// What happened on the last attempt.
        message: String,
        /// The transport or HTTP cause, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The AI provider rejected the request (4xx other than 429): bad key, unknown model, bad request.
    #[error("AI provider {provider} rejected the request with HTTP {status}: {message}")]
    ProviderRejected {
        /// Provider label.
        provider: String,
        /// HTTP status returned.
        status: u16,
        /// The provider's error message (never the API key).
        message: String,
    },

    /// The model refused to answer (`refusal` in the response).
    #[error("the model refused: {message}")]
    AiRefused {
        /// The refusal text.
        message: String,
    },

    /// The model's answer was cut off (`finish_reason: length`); raise the token limit or shorten the brief.
    #[error(
        "the model's answer was truncated at its token limit; raise max_tokens or simplify the brief"
    )]
    AiOutputTruncated,

    /// The model's answer could not be parsed or validated, even after re-asking.
    #[error("invalid AI output after {attempts} attempt(s): {}", errors.join("; "))]
    InvalidAiOutput {
        /// How many answers were tried.
        attempts: u32,
        /// Validation errors of the last answer.
        errors: Vec<String>,
    },

    /// The run was cancelled before it finished; nothing was charged.
    #[error("cancelled: {message}")]
    Cancelled {
        /// Where the run was when it stopped.
        message: String,
    },

    /// The library is configured inconsistently (bad URL, feature not compiled in, …).
    #[error("configuration error: {message}")]
    Configuration {
        /// What to change.
        message: String,
    },

    /// The database failed; the operation was rolled back. The driver's text stays in the source
    /// chain (for logs), out of the message, which may reach an untrusted client.
    #[error(
        "database error during {context}; the operation was rolled back, retry later (the cause is logged with the error's source)"
    )]
    Database {
        /// What the library was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// A JSON value could not be encoded or decoded.
    #[error("JSON error in {context}: {source}")]
    Json {
        /// Which value.
        context: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },

    /// A storage quota or size limit would be exceeded; nothing was written.
    #[error("quota exceeded: {message}")]
    QuotaExceeded {
        /// Which limit, with the numbers.
        message: String,
    },

    /// A file or object store operation failed.
    #[error("file storage error: {message}")]
    FileStorage {
        /// What failed.
        message: String,
        /// The underlying cause.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

/// The stable machine codes of [`Error`], one per variant.
pub const ERROR_CODES: &[&str] = &[
    "invalid_input",
    "not_found",
    "insufficient_credits",
    "migration_required",
    "migration_checksum_mismatch",
    "schema_mismatch",
    "conflict",
    "provider_unavailable",
    "provider_rejected",
    "ai_refused",
    "ai_output_truncated",
    "invalid_ai_output",
    "cancelled",
    "configuration",
    "database",
    "json",
    "quota_exceeded",
    "file_storage",
];

impl Error {
    /// Stable machine code of this error; bindings and task logs use it, never the message.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::NotFound { .. } => "not_found",
            Error::InsufficientCredits { .. } => "insufficient_credits",
            Error::MigrationRequired { .. } => "migration_required",
            Error::MigrationChecksumMismatch { .. } => "migration_checksum_mismatch",
            Error::SchemaMismatch { .. } => "schema_mismatch",
            Error::Conflict { .. } => "conflict",
            Error::ProviderUnavailable { .. } => "provider_unavailable",
            Error::ProviderRejected { .. } => "provider_rejected",
            Error::AiRefused { .. } => "ai_refused",
            Error::AiOutputTruncated => "ai_output_truncated",
            Error::InvalidAiOutput { .. } => "invalid_ai_output",
            Error::Cancelled { .. } => "cancelled",
            Error::Configuration { .. } => "configuration",
            Error::Database { .. } => "database",
            Error::Json { .. } => "json",
            Error::QuotaExceeded { .. } => "quota_exceeded",
            Error::FileStorage { .. } => "file_storage",
        }
    }

    /// Whether retrying the same call later may succeed (transport and availability failures).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::ProviderUnavailable { .. } | Error::Database { .. }
        )
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl fmt::Display) -> Self {
        Error::InvalidInput {
            message: message.to_string(),
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(entity: &'static str, id: impl fmt::Display) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// Shorthand for [`Error::Conflict`].
    pub fn conflict(message: impl fmt::Display) -> Self {
        Error::Conflict {
            message: message.to_string(),
            current_version: None,
        }
    }

    /// A write based on `expected` when the blueprint is at `current`: [`Error::Conflict`]
    /// carrying the current version, never a silent overwrite.
    pub fn stale_version(blueprint_id: i64, expected: i32, current: i32) -> Self {
        Error::Conflict {
            message: format!(
                "site blueprint {blueprint_id} changed since version {expected} (it is at version {current} now); reload it and apply the change again"
            ),
            current_version: Some(current),
        }
    }

    /// Shorthand for [`Error::Configuration`].
    pub fn config(message: impl fmt::Display) -> Self {
        Error::Configuration {
            message: message.to_string(),
        }
    }

    /// Wraps a database error with what the library was doing.
    pub fn db(context: impl fmt::Display) -> impl FnOnce(sqlx::Error) -> Self {
        let context = context.to_string();
        move |source| Error::Database { context, source }
    }

    /// Wraps a JSON error with which value it concerns.
    pub fn json(context: impl fmt::Display) -> impl FnOnce(serde_json::Error) -> Self {
        let context = context.to_string();
        move |source| Error::Json { context, source }
    }
}

impl Error {
    /// The variant's own fields (`required`/`available`, `entity`/`id`, `pending`, …) as JSON, so
    /// every surface exposes the same ones without picking them out by hand.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let value = match self {
            Error::NotFound { entity, id } => json!({"entity": entity, "id": id}),
            Error::InsufficientCredits {
                required,
                available,
            } => json!({"required": required, "available": available}),
            Error::MigrationRequired { pending } => json!({"pending": pending}),
            Error::MigrationChecksumMismatch {
                version,
                name,
                recorded,
                expected,
            } => json!({
                "migration": format!("{version:04}_{name}"),
                "version": version,
                "recorded": recorded,
                "expected": expected
            }),
            Error::SchemaMismatch { missing } => json!({"missing": missing}),
            Error::Conflict {
                current_version: Some(v),
                ..
            } => json!({"current_version": v}),
            Error::ProviderUnavailable { provider, .. } => json!({"provider": provider}),
            Error::ProviderRejected {
                provider, status, ..
            } => json!({"provider": provider, "status": status}),
            Error::InvalidAiOutput { attempts, errors } => {
                json!({"attempts": attempts, "errors": errors})
            }
            Error::Database { context, .. } | Error::Json { context, .. } => {
                json!({"context": context})
            }
            _ => json!({}),
        };
        match value {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }
}

/// `{"code", "message", "transient", ...fields}`: the error as every binding and HTTP surface
/// shows it.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let fields = self.fields();
        let mut map = serializer.serialize_map(Some(3 + fields.len()))?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        map.serialize_entry("transient", &self.is_transient())?;
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        let samples = [
            Error::invalid("x"),
            Error::not_found("site_blueprint", 1),
            Error::InsufficientCredits {
                required: 50,
                available: 0,
            },
            Error::MigrationRequired { pending: vec![] },
            Error::conflict("x"),
            Error::AiOutputTruncated,
        ];
        for e in samples {
            assert!(ERROR_CODES.contains(&e.code()), "{} not listed", e.code());
        }
        let mut sorted = ERROR_CODES.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ERROR_CODES.len());
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = Error::MigrationRequired {
            pending: vec!["0001_blueprints".into(), "0002_options".into()],
        };
        let msg = e.to_string();
        assert!(msg.contains("0001_blueprints, 0002_options"));
        assert!(msg.contains("migrate()"));
        let e = Error::InsufficientCredits {
            required: 50,
            available: 20,
        };
        assert!(e.to_string().contains("50 required, 20 available"));
    }
}
