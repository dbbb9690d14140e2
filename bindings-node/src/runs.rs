//! What JSON cannot carry into an AI run: a progress callback and a cancel handle (plus the
//! progress events themselves), and declarative functions registered from JavaScript. Outcomes and
//! task rows come back as JSON through `call`.

use std::sync::Arc;

use napi::Status;
use napi::bindgen_prelude::Unknown;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::Value;

use crate::cancel::CancelHandle;
use crate::error::invalid;

/// The JavaScript progress callback: called from any thread, never waits for JavaScript (calls
/// are queued to the event loop), and does not keep the process alive on its own.
pub(crate) type ProgressFn =
    ThreadsafeFunction<ProgressEvent, Unknown<'static>, ProgressEvent, Status, false, true>;

/// What an AI run takes besides its JSON request (where `taskId` and `promptOverride` travel).
#[napi(object, object_to_js = false)]
pub struct RunOptions {
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
    /// Makes a write safe to retry: the first call with this key runs, a later one with the same
    /// key and request answers the first result without running or charging again; the same key
    /// with another request is a `conflict`. Keys belong to the account.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("on_progress", &self.on_progress.is_some())
            .field("cancel", &self.cancel)
            .field("idempotency_key", &self.idempotency_key)
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
        on_progress,
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
    #[napi(ts_type = "'INIT' | 'PREP' | 'AI_CALL' | 'PARSE' | 'SAVE' | 'DONE'")]
    pub phase: String,
    /// Overall percent (0–100).
    pub percent: u32,
    /// What is happening, for a person.
    pub message: String,
    /// Item being processed in a bulk run (1-based).
    pub current: Option<u32>,
    /// Items in a bulk run.
    pub total: Option<u32>,
    /// What arrived with this event in a streamed run, as the core serialises it (the JSON the
    /// HTTP stream sends): the site settings, one complete page (`index` is its position in the
    /// answer) or the completion tokens so far. Absent on plain phase events.
    #[napi(
        ts_type = "{ kind: 'site'; site: Record<string, any> } | { kind: 'page'; index: number; page: Record<string, any> } | { kind: 'tokens'; completion_tokens: number }"
    )]
    pub partial: Option<Value>,
}

impl From<sitebuilder::tasks::Progress> for ProgressEvent {
    fn from(p: sitebuilder::tasks::Progress) -> Self {
        ProgressEvent {
            task_id: p.task_id,
            phase: p.phase.as_str().to_string(),
            percent: u32::from(p.percent),
            message: p.message,
            current: p.current,
            total: p.total,
            partial: p
                .partial
                .as_ref()
                .and_then(|partial| serde_json::to_value(partial).ok()),
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
