//! AI runs: options with a progress callback and a cancel handle, outcomes, progress events, the
//! task log and its statistics, and declarative functions registered from JavaScript.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use napi::Status;
use napi::bindgen_prelude::Unknown;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::Value;

use crate::cancel::CancelHandle;
use crate::enums::{Phase, TaskStatus};
use crate::error::invalid;

/// The JavaScript progress callback: called from any thread, never waits for JavaScript (calls
/// are queued to the event loop), and does not keep the process alive on its own.
pub(crate) type ProgressFn =
    ThreadsafeFunction<ProgressEvent, Unknown<'static>, ProgressEvent, Status, false, true>;

/// Options of one AI run.
#[napi(object, object_to_js = false)]
pub struct RunOptions {
    /// Idempotency key of the run: a run with a task id that was already charged is never charged
    /// again (a queue's job id fits). Default: a fresh id.
    pub task_id: Option<String>,
    /// Prompt text used instead of the account's or the default prompt, for this run only.
    pub prompt_override: Option<String>,
    /// Receives progress events (phase, percent, message) while the run goes on. Keep it cheap.
    #[napi(ts_type = "(event: ProgressEvent) => void")]
    pub on_progress: Option<ProgressFn>,
    /// Aborting it stops the run: the call rejects with `code: "cancelled"`, nothing is charged and
    /// nothing is left `generating`; an already-aborted signal rejects at once without running.
    /// Dropping the Promise alone does not stop a run. Taken by `generateStructure`,
    /// `generatePageContent`, `generateAllPages`, `run` and `dispatch` (which returns at once: an
    /// abort later stops the background run, and its task row says `cancelled`).
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<AbortSignalLike>,
    /// The native handle a `signal` becomes (the package does this for you); `cancel()` on it stops
    /// the run like aborting the signal. Napi keeps it alive while the run goes on.
    pub cancel: Option<&'static CancelHandle>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("task_id", &self.task_id)
            .field("prompt_override", &self.prompt_override.is_some())
            .field("on_progress", &self.on_progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// All the native addon reads of an `AbortSignal` given to it directly: the package entry turns
/// a signal into a `CancelHandle` before the addon sees the options, so one arriving here means
/// the raw addon was called and the signal would do nothing; `runOptions` refuses it.
#[napi(object, object_to_js = false)]
#[derive(Debug, Clone, Copy)]
pub struct AbortSignalLike {
    /// Whether the signal was aborted.
    pub aborted: bool,
}

/// The core's run options for JavaScript ones. A `signal` never reaches here through the package
/// entry (it becomes `cancel`); one that does would be silently ignored, so it is refused.
pub(crate) fn run_options(options: Option<RunOptions>) -> napi::Result<sitebuilder::RunOptions> {
    let Some(options) = options else {
        return Ok(sitebuilder::RunOptions::default());
    };
    if options.signal.is_some() {
        return Err(invalid(
            "options.signal is handled by the `sitebuilder` package entry, not the raw native addon; import \"sitebuilder\", or pass `cancel: new CancelHandle()` and call its cancel()",
        ));
    }
    let on_progress = options.on_progress.map(|tsfn| {
        let tsfn = Arc::new(tsfn);
        let callback: sitebuilder::tasks::ProgressCallback =
            Arc::new(move |progress: &sitebuilder::tasks::Progress| {
                // NonBlocking: the run never waits for the event loop; the status is ignored
                // because a closing loop simply stops receiving progress.
                let _ = tsfn.call(
                    ProgressEvent::from(progress.clone()),
                    ThreadsafeFunctionCallMode::NonBlocking,
                );
            });
        callback
    });
    Ok(sitebuilder::RunOptions {
        task_id: options.task_id,
        on_progress,
        prompt_override: options.prompt_override,
        cancel: options.cancel.map(CancelHandle::token),
        ..sitebuilder::RunOptions::default()
    })
}

/// One progress event of a run.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ProgressEvent {
    /// Task id of the run.
    pub task_id: String,
    /// Current phase.
    pub phase: Phase,
    /// Overall percent (0–100).
    pub percent: u32,
    /// What is happening, for a person.
    pub message: String,
    /// Item being processed in a bulk run (1-based).
    pub current: Option<u32>,
    /// Items in a bulk run.
    pub total: Option<u32>,
}

impl From<sitebuilder::tasks::Progress> for ProgressEvent {
    fn from(p: sitebuilder::tasks::Progress) -> Self {
        ProgressEvent {
            task_id: p.task_id,
            phase: p.phase.into(),
            percent: u32::from(p.percent),
            message: p.message,
            current: p.current,
            total: p.total,
        }
    }
}

/// What a finished run produced and cost.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The run's task id (its idempotency key).
    pub task_id: String,
    /// AI function that ran.
    pub function_name: String,
    /// Final state.
    pub status: TaskStatus,
    /// The function's output (for `generate_site_structure`: the saved structure and page ids).
    pub result: Value,
    /// Provider label (`offline`, `openai:<model>@<base url>`, …).
    pub provider: String,
    /// Model that answered.
    pub model: String,
    /// Prompt tokens over all attempts.
    pub tokens_in: i64,
    /// Completion tokens over all attempts.
    pub tokens_out: i64,
    /// Estimated provider cost in USD.
    pub cost_usd: f64,
    /// Credits charged by this run (0 when `replayed`).
    pub credits_charged: i64,
    /// The task id had already run: its stored outcome is returned and nothing is charged again.
    pub replayed: bool,
    /// Repairs the lenient parser applied to the accepted answer (code fences, trailing commas, …).
    pub repairs: Vec<String>,
}

impl From<sitebuilder::RunOutcome> for RunOutcome {
    fn from(o: sitebuilder::RunOutcome) -> Self {
        RunOutcome {
            task_id: o.task_id,
            function_name: o.function_name,
            status: o.status.into(),
            result: o.result,
            provider: o.provider,
            model: o.model,
            tokens_in: o.tokens_in,
            tokens_out: o.tokens_out,
            cost_usd: o.cost_usd,
            credits_charged: o.credits_charged,
            replayed: o.replayed,
            repairs: o.repairs,
        }
    }
}

/// Tasks waiting for a worker, read from the task log.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct QueueStatus {
    /// Tasks in `queued`.
    pub queued: i64,
    /// Seconds the oldest of them has waited (0 when none waits).
    pub oldest_wait_secs: f64,
    /// The wait after which a task counts as stuck, in seconds.
    pub stuck_after_secs: f64,
    /// Ids of tasks waiting longer than that, oldest first (at most 20).
    pub stuck: Vec<String>,
    /// How many tasks wait longer than that.
    pub stuck_count: i64,
}

impl From<sitebuilder::tasks::QueueStatus> for QueueStatus {
    fn from(q: sitebuilder::tasks::QueueStatus) -> Self {
        QueueStatus {
            queued: i64::try_from(q.queued).unwrap_or(i64::MAX),
            oldest_wait_secs: q.oldest_wait_secs,
            stuck_after_secs: q.stuck_after_secs,
            stuck: q.stuck,
            stuck_count: i64::try_from(q.stuck_count).unwrap_or(i64::MAX),
        }
    }
}

/// A row of the AI task log: readable while the run goes on and after.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TaskRecord {
    /// Unique task id.
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
    pub progress: u32,
    /// Last progress message.
    pub message: String,
    /// Prompt type used.
    pub prompt_type: Option<String>,
    /// Hash of the rendered prompt (which template version answered).
    pub prompt_hash: Option<String>,
    /// Provider label.
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
    /// Stable error code when failed.
    pub error_code: Option<String>,
    /// Error message when failed.
    pub error_message: Option<String>,
    /// The input payload.
    pub payload: Value,
    /// The output, when succeeded.
    pub result: Option<Value>,
    /// Model calls made (re-asks included).
    /// Milliseconds spent per phase (`INIT`, `PREP`, …).
    pub phase_timings: serde_json::Map<String, Value>,
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

impl From<sitebuilder::tasks::TaskRecord> for TaskRecord {
    fn from(t: sitebuilder::tasks::TaskRecord) -> Self {
        TaskRecord {
            task_id: t.task_id,
            account_id: t.account_id,
            function_name: t.function_name,
            status: t.status.into(),
            phase: t.phase.into(),
            progress: u32::from(t.progress),
            message: t.message,
            prompt_type: t.prompt_type,
            provider: t.provider,
            model: t.model,
            tokens_in: t.tokens_in,
            tokens_out: t.tokens_out,
            cost_usd: t.cost_usd,
            credits: t.credits,
            error_code: t.error_code,
            error_message: t.error_message,
            payload: t.payload,
            result: t.result,
            prompt_hash: t.prompt_hash,
            phase_timings: t
                .phase_timings
                .into_iter()
                .map(|(phase, ms)| (phase, Value::from(ms)))
                .collect(),
            attempts: t.attempts,
            created_at: t.created_at,
            started_at: t.started_at,
            finished_at: t.finished_at,
            updated_at: t.updated_at,
        }
    }
}

/// How one AI function fared since a point in time, from the task log.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TaskStats {
    /// AI function name.
    pub function_name: String,
    /// Runs that finished (succeeded, failed or cancelled).
    pub finished: i64,
    /// Runs that succeeded.
    pub succeeded: i64,
    /// Failed runs by stable error code (`provider_unavailable`, `invalid_ai_output`, …).
    pub failed_by_code: BTreeMap<String, i64>,
    /// Runs that were cancelled.
    pub cancelled: i64,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<sitebuilder::store::TaskStats> for TaskStats {
    fn from(s: sitebuilder::store::TaskStats) -> Self {
        TaskStats {
            function_name: s.function_name,
            finished: count(s.finished),
            succeeded: count(s.succeeded),
            failed_by_code: s
                .failed_by_code
                .into_iter()
                .map(|(code, n)| (code, count(n)))
                .collect(),
            cancelled: count(s.cancelled),
        }
    }
}

/// An AI function defined without Rust: a prompt, the JSON schema its answer must match, and the
/// credit operation it is charged as.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DeclarativeFunction {
    /// Name to `run` it by (unique; built-in names cannot be replaced).
    pub name: String,
    /// Prompt with `{{key}}` placeholders filled from the payload's top-level keys.
    pub prompt_template: String,
    /// JSON schema the model's answer must satisfy.
    pub output_schema: Value,
    /// Credit operation charged (from the credit policy, e.g. `idea_generation`).
    pub credit_operation: String,
    /// Flat cost per run, registered in the policy under `creditOperation`.
    pub credit_cost: Option<i64>,
    /// What the function does (sent to the model with the schema).
    pub description: Option<String>,
}

impl From<DeclarativeFunction> for sitebuilder::DeclarativeFunction {
    fn from(f: DeclarativeFunction) -> Self {
        sitebuilder::DeclarativeFunction {
            name: f.name,
            prompt_template: f.prompt_template,
            output_schema: f.output_schema,
            credit_operation: f.credit_operation,
            credit_cost: f.credit_cost,
            description: f.description,
        }
    }
}
