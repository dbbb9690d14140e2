//! The AI task log: one row per run, readable while it runs and after.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Phase;

/// State of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Accepted, not started.
    Queued,
    /// Running.
    Running,
    /// Finished with a saved result.
    Succeeded,
    /// Finished with an error (see `error_code`).
    Failed,
    /// Stopped by the host.
    Cancelled,
}

impl TaskStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Running => "running",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the run is over.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }
}

impl std::str::FromStr for TaskStatus {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Ok(match s {
            "queued" => TaskStatus::Queued,
            "running" => TaskStatus::Running,
            "succeeded" => TaskStatus::Succeeded,
            "failed" => TaskStatus::Failed,
            "cancelled" => TaskStatus::Cancelled,
            other => {
                return Err(crate::Error::invalid(format!(
                    "unknown task status {other:?}"
                )));
            }
        })
    }
}

/// A task log row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskRecord {
    /// Unique task id (the idempotency key of its credits).
    pub task_id: String,
    /// Account the run acts for.
    pub account_id: i64,
    /// AI function name.
    pub function_name: String,
    /// State.
    pub status: TaskStatus,
    /// Current or last phase.
    pub phase: Phase,
    /// Percent done.
    pub progress: u8,
    /// Last progress message.
    pub message: String,
    /// Prompt type used.
    pub prompt_type: Option<String>,
    /// SHA-256 of the rendered prompt (the prompt itself is not stored).
    pub prompt_hash: Option<String>,
    /// Provider label (`offline`, `openai:…`).
    pub provider: Option<String>,
    /// Model that answered.
    pub model: Option<String>,
    /// Prompt tokens over all attempts.
    pub tokens_in: i64,
    /// Completion tokens over all attempts.
    pub tokens_out: i64,
    /// Estimated cost in USD.
    pub cost_usd: f64,
    /// Credits charged (0 unless captured).
    pub credits: i64,
    /// Error code when failed.
    pub error_code: Option<String>,
    /// Error message when failed.
    pub error_message: Option<String>,
    /// The input payload.
    pub payload: Value,
    /// The output, when succeeded.
    pub result: Option<Value>,
    /// Milliseconds spent per phase (`INIT`, `PREP`, …).
    pub phase_timings: BTreeMap<String, u64>,
    /// Model calls made (transport retries excluded, re-asks included).
    pub attempts: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Started running.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Last write (a heartbeat while running).
    pub updated_at: DateTime<Utc>,
}

impl TaskRecord {
    /// A fresh queued record.
    pub fn new(
        task_id: impl Into<String>,
        account_id: i64,
        function_name: impl Into<String>,
        payload: Value,
    ) -> Self {
        let now = Utc::now();
        TaskRecord {
            task_id: task_id.into(),
            account_id,
            function_name: function_name.into(),
            status: TaskStatus::Queued,
            phase: Phase::Init,
            progress: 0,
            message: String::new(),
            prompt_type: None,
            prompt_hash: None,
            provider: None,
            model: None,
            tokens_in: 0,
            tokens_out: 0,
            cost_usd: 0.0,
            credits: 0,
            error_code: None,
            error_message: None,
            payload,
            result: None,
            phase_timings: BTreeMap::new(),
            attempts: 0,
            created_at: now,
            started_at: None,
            finished_at: None,
            updated_at: now,
        }
    }
}

/// Filter for listing task log rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct TaskQuery {
    /// Only this account.
    pub account_id: Option<i64>,
    /// Only this function.
    pub function_name: Option<String>,
    /// Only this status.
    pub status: Option<TaskStatus>,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Last write before (stale detection).
    pub updated_before: Option<DateTime<Utc>>,
    /// At most this many rows (0 = 500).
    pub limit: u32,
}
