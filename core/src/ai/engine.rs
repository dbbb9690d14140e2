//! Runs an AI function through the seed's phases, with credits, re-asks and the task log.
//!
//! Order of guarantees: the task row exists before anything else (so every failure is counted);
//! credits are held before the model is called; once held, any failure releases them; once
//! `prepare` marked records in progress, any failure calls `fail` to put them back.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::{Instrument, info_span, warn};

use super::cancel::CancelToken;
use super::function::{AiFunction, FunctionEnv, Prepared};
use super::lenient::incremental::{Piece, StructureScanner};
use super::lenient::parse_lenient;
use super::provider::{ChatMessage, CompletionRequest, Provider, StreamDelta, Usage};
use super::registry::Registry;
use crate::credits::{Capture, CreditPolicy, HoldOutcome, UsageRecord};
use crate::prompts::PromptCatalogue;
use crate::prompts::render::render;
use crate::store::TaskHold;
use crate::tasks::{Partial, Phase, Progress, ProgressCallback, TaskRecord, TaskStatus};
use crate::telemetry;
use crate::{Error, Result};

/// Per-run options.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Task id (the idempotency key); a fresh UUID when `None`.
    pub task_id: Option<String>,
    /// Receives progress events.
    pub on_progress: Option<ProgressCallback>,
    /// Template used instead of the account's or the default one.
    pub prompt_override: Option<String>,
    /// Stops the run when cancelled.
    pub cancel: Option<CancelToken>,
    /// Position in a bulk run (`current`, `total`), copied into progress events.
    pub item: Option<(u32, u32)>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("task_id", &self.task_id)
            .field("on_progress", &self.on_progress.is_some())
            .field("prompt_override", &self.prompt_override.is_some())
            .field("cancel", &self.cancel)
            .field("item", &self.item)
            .finish()
    }
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunOutcome {
    /// Task id.
    pub task_id: String,
    /// Function run.
    pub function_name: String,
    /// Final status (always `succeeded` for a returned outcome).
    pub status: TaskStatus,
    /// The function's result.
    pub result: Value,
    /// Provider label that answered (`offline` for the planner).
    pub provider: String,
    /// Model that answered.
    pub model: String,
    /// Prompt tokens over all attempts.
    pub tokens_in: i64,
    /// Completion tokens over all attempts.
    pub tokens_out: i64,
    /// Estimated provider cost in USD.
    pub cost_usd: f64,
    /// Credits captured by this run (0 when replayed).
    pub credits_charged: i64,
    /// True when the task had already succeeded and its stored result was returned unchanged.
    pub replayed: bool,
    /// Lenient-parser repairs applied to the accepted answer, then the schema coercions
    /// (`coerced …`, also kept in the task log's result under `coercions`).
    pub repairs: Vec<String>,
}

impl RunOutcome {
    fn from_record(r: &TaskRecord, replayed: bool) -> Self {
        RunOutcome {
            task_id: r.task_id.clone(),
            function_name: r.function_name.clone(),
            status: r.status,
            result: r.result.clone().unwrap_or(Value::Null),
            provider: r.provider.clone().unwrap_or_default(),
            model: r.model.clone().unwrap_or_default(),
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            cost_usd: r.cost_usd,
            credits_charged: if replayed { 0 } else { r.credits },
            replayed,
            repairs: Vec::new(),
        }
    }
}

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Re-asks after an invalid answer (default 2).
    pub max_reasks: u32,
    /// Sampling temperature sent to providers.
    pub temperature: Option<f32>,
    /// Answer token limit sent to providers.
    pub max_tokens: Option<u32>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            max_reasks: 2,
            temperature: Some(0.4),
            max_tokens: Some(8000),
        }
    }
}

/// Runs functions.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) env: FunctionEnv,
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) prompts: Arc<RwLock<PromptCatalogue>>,
    pub(crate) policy: Arc<RwLock<CreditPolicy>>,
    pub(crate) registry: Arc<RwLock<Registry>>,
    pub(crate) config: EngineConfig,
}

/// Keeps the task row and the progress callback in step.
struct Tracker {
    record: TaskRecord,
    on_progress: Option<ProgressCallback>,
    item: Option<(u32, u32)>,
    phase_started: Instant,
}

impl Tracker {
    async fn enter(
        &mut self,
        env: &FunctionEnv,
        phase: Phase,
        percent: u8,
        message: impl Into<String>,
    ) -> Result<()> {
        self.close_phase();
        tracing::Span::current().record("phase", phase.as_str());
        self.record.phase = phase;
        self.record.progress = percent;
        self.record.message = message.into();
        self.record.updated_at = Utc::now();
        env.storage.update_task(&self.record).await?;
        self.emit();
        Ok(())
    }

    /// Moves to `phase` and tells the callback, without writing the task log.
    fn enter_quiet(&mut self, phase: Phase, percent: u8, message: impl Into<String>) {
        self.close_phase();
        tracing::Span::current().record("phase", phase.as_str());
        self.record.phase = phase;
        self.record.progress = percent;
        self.record.message = message.into();
        self.emit();
    }

    /// Adds the time spent in the current phase to the task log and the phase histogram.
    fn close_phase(&mut self) {
        let spent = self.phase_started.elapsed();
        *self
            .record
            .phase_timings
            .entry(self.record.phase.as_str().to_string())
            .or_default() += spent.as_millis() as u64;
        telemetry::phase_time(
            &self.record.function_name,
            self.record.phase.as_str(),
            spent,
        );
        self.phase_started = Instant::now();
    }

    fn emit(&self) {
        if let Some(cb) = &self.on_progress {
            let p = Progress {
                task_id: self.record.task_id.clone(),
                phase: self.record.phase,
                percent: self.record.progress,
                message: self.record.message.clone(),
                current: self.item.map(|i| i.0),
                total: self.item.map(|i| i.1),
                partial: None,
            };
            deliver(cb, &p);
        }
    }
}

/// Hands one event to the host's callback; a panicking callback must not take the run (and its
/// credits) down with it.
fn deliver(cb: &ProgressCallback, p: &Progress) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(p))).is_err() {
        warn!(task_id = %p.task_id, "progress callback panicked; ignoring");
    }
}

/// Token events are sent at least this often (in tokens) even when the percent does not move.
const TOKENS_EVENT_EVERY: u64 = 64;

/// Answer tokens expected when the request sets no limit (moves AI_CALL's percent).
const EXPECTED_TOKENS: u64 = 4096;

/// Turns what a streaming provider reports into progress events: token counts that move
/// AI_CALL's percent, and (for structure answers) the site settings and each valid page as soon
/// as they are complete. Only events: the answer is still parsed, validated and saved whole.
struct Relay<'a> {
    f: &'a dyn AiFunction,
    env: &'a FunctionEnv,
    on_progress: &'a ProgressCallback,
    task_id: &'a str,
    item: Option<(u32, u32)>,
    message: &'a str,
    /// AI_CALL's percent when this attempt began; token progress runs from here to just
    /// below PARSE.
    percent_from: u8,
    expected_tokens: u64,
    state: Mutex<RelayState>,
}

struct RelayState {
    /// `None`: this function's answers are not shown piece by piece.
    scanner: Option<StructureScanner>,
    percent: u8,
    tokens_sent: u64,
}

impl Relay<'_> {
    fn on_delta(&self, delta: StreamDelta<'_>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match delta {
            StreamDelta::Text(text) => {
                let Some(scanner) = state.scanner.as_mut() else {
                    return;
                };
                let mut pieces = Vec::new();
                scanner.feed_with(text, |piece| pieces.push(piece));
                for piece in pieces {
                    match piece {
                        Piece::Site(site) => self.send(&state, Partial::Site { site }),
                        Piece::Page { index, value } => self.page(&state, index, &value),
                    }
                }
            }
            StreamDelta::Tokens(n)
            | StreamDelta::Partial(Partial::Tokens {
                completion_tokens: n,
            }) => {
                let fraction = n as f64 / self.expected_tokens.max(1) as f64;
                let span = f64::from(
                    Phase::Parse
                        .range()
                        .0
                        .saturating_sub(1)
                        .saturating_sub(self.percent_from),
                );
                let percent = self.percent_from + (span * fraction.min(1.0)).floor() as u8;
                if percent > state.percent || n >= state.tokens_sent + TOKENS_EVENT_EVERY {
                    state.percent = state.percent.max(percent);
                    state.tokens_sent = n;
                    self.send(
                        &state,
                        Partial::Tokens {
                            completion_tokens: n,
                        },
                    );
                }
            }
            StreamDelta::Partial(Partial::Page { index, page }) => {
                self.page(&state, index as usize, &page);
            }
            StreamDelta::Partial(site @ Partial::Site { .. }) => self.send(&state, site),
            StreamDelta::Restart => {
                if let Some(scanner) = state.scanner.as_mut() {
                    scanner.reset();
                }
                state.tokens_sent = 0;
            }
            // Counted by the run, not shown.
            StreamDelta::Spent { .. } => {}
        }
    }

    /// A page is shown only if it passes the function's own page check.
    fn page(&self, state: &RelayState, index: usize, page: &Value) {
        if let Some(page) = self.f.streamed_page(self.env, index, page) {
            self.send(
                state,
                Partial::Page {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    page,
                },
            );
        }
    }

    fn send(&self, state: &RelayState, partial: Partial) {
        let p = Progress {
            task_id: self.task_id.to_owned(),
            phase: Phase::AiCall,
            percent: state.percent,
            message: self.message.to_owned(),
            current: self.item.map(|i| i.0),
            total: self.item.map(|i| i.1),
            partial: Some(partial),
        };
        deliver(self.on_progress, &p);
    }
}

/// A model call still running after this is written to the task log as the run's AI_CALL
/// progress (quicker calls are not: the final row follows right after).
const LOG_SLOW_CALL_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// The ledger description of a run's hold and deduction.
fn hold_description(f: &dyn AiFunction) -> String {
    format!("{} ({})", f.credit_operation(), f.name())
}

fn check_cancel(cancel: &Option<CancelToken>, at: &str) -> Result<()> {
    match cancel {
        Some(c) if c.is_cancelled() => Err(Error::Cancelled {
            message: format!("stopped before {at}; nothing was charged"),
        }),
        _ => Ok(()),
    }
}

fn reask_message(errors: &[String]) -> String {
    let list: Vec<String> = errors.iter().map(|e| format!("- {e}")).collect();
    format!(
        "Your previous answer could not be used:\n{}\nAnswer again with the complete, corrected JSON only.",
        list.join("\n")
    )
}

impl Engine {
    /// Runs `function_name` for `account_id`. See the module docs for the guarantees.
    pub async fn run(
        &self,
        function_name: &str,
        payload: Value,
        account_id: i64,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let f = self
            .registry
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(function_name)?;
        if let Some(id) = &opts.task_id {
            crate::model::check_task_id(id)?;
        }
        let task_id = opts
            .task_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let span = info_span!("ai_run", function = function_name, account_id, task_id = %task_id, phase = tracing::field::Empty);
        self.run_tracked(f, task_id, payload, account_id, opts)
            .instrument(span)
            .await
    }

    async fn run_tracked(
        &self,
        f: Arc<dyn AiFunction>,
        task_id: String,
        payload: Value,
        account_id: i64,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let env = &self.env;
        // Validating and pricing need no I/O, so they come first: a valid run's task row and
        // its credit hold are then written in one transaction.
        let credits = f
            .validate(&payload)
            .and_then(|()| self.credits_for(f.as_ref(), &payload));
        let hold = match &credits {
            Ok(amount) if check_cancel(&opts.cancel, "holding credits").is_ok() => Some(TaskHold {
                amount: *amount,
                description: hold_description(f.as_ref()),
            }),
            _ => None,
        };
        // A new task row is written already running in INIT: one write instead of two.
        let mut fresh = TaskRecord::new(task_id.clone(), account_id, f.name(), payload.clone());
        fresh.status = TaskStatus::Running;
        fresh.started_at = Some(Utc::now());
        fresh.message = "validating input".into();
        let started = env.storage.start_task(fresh, hold).await?;
        let (mut record, inserted) = (started.record, started.inserted);
        if !inserted {
            if record.account_id != account_id {
                return Err(Error::conflict(format!(
                    "task id {task_id} belongs to another account; use a new task id"
                )));
            }
            match record.status {
                TaskStatus::Succeeded => return Ok(RunOutcome::from_record(&record, true)),
                TaskStatus::Running => {
                    return Err(Error::conflict(format!(
                        "task {task_id} is already running; wait for it, or call recover_stale() if its worker died"
                    )));
                }
                TaskStatus::Queued | TaskStatus::Failed | TaskStatus::Cancelled => {}
            }
            // Two deliveries of one queued message (a redelivery, a duplicate) both get here;
            // one atomic claim decides which of them runs.
            let from = record.status;
            if !env.storage.claim_task(account_id, &task_id, from).await? {
                let now = env.storage.get_task(Some(account_id), &task_id).await?;
                if now.status == TaskStatus::Succeeded {
                    return Ok(RunOutcome::from_record(&now, true));
                }
                return Err(Error::conflict(format!(
                    "task {task_id} is already running; wait for it, or call recover_stale() if its worker died"
                )));
            }
            if from == TaskStatus::Queued {
                telemetry::task_waited(f.name(), Utc::now() - record.created_at);
            }
            record.error_code = None;
            record.error_message = None;
            record.result = None;
        }
        record.status = TaskStatus::Running;
        record.started_at = Some(Utc::now());
        record.finished_at = None;
        let mut tracker = Tracker {
            record,
            on_progress: opts.on_progress.clone(),
            item: opts.item,
            phase_started: Instant::now(),
        };
        if inserted {
            tracker.emit();
        } else {
            tracker
                .enter(env, Phase::Init, 0, "validating input")
                .await?;
        }
        let outcome = self
            .hold_and_run(
                &f,
                &mut tracker,
                &payload,
                account_id,
                &opts,
                credits,
                started.hold,
            )
            .await;
        tracker.close_phase();
        let r = &mut tracker.record;
        r.finished_at = Some(Utc::now());
        r.updated_at = Utc::now();
        match outcome {
            Ok(mut out) => {
                r.status = TaskStatus::Succeeded;
                r.phase = Phase::Done;
                r.progress = 100;
                r.message = "done".into();
                r.result = Some(out.result.clone());
                env.storage.update_task(r).await?;
                telemetry::run_finished(&r.function_name, "success", "ok");
                if !out.replayed {
                    telemetry::credits_charged(&r.function_name, out.credits_charged);
                }
                out.task_id = r.task_id.clone();
                tracker.emit();
                Ok(out)
            }
            Err(e) => {
                r.status = if matches!(e, Error::Cancelled { .. }) {
                    TaskStatus::Cancelled
                } else {
                    TaskStatus::Failed
                };
                r.credits = 0;
                r.error_code = Some(e.code().to_string());
                r.error_message = Some(e.to_string());
                r.message = format!("failed: {}", e.code());
                let outcome = if r.status == TaskStatus::Cancelled {
                    "cancelled"
                } else {
                    "failure"
                };
                telemetry::run_finished(&r.function_name, outcome, e.code());
                if let Err(log_err) = env.storage.update_task(r).await {
                    warn!(error = %log_err, "could not record the failure in the task log");
                }
                Err(e)
            }
        }
    }

    fn credits_for(&self, f: &dyn AiFunction, payload: &Value) -> Result<i64> {
        self.policy
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .credits_for(f.credit_operation(), f.credit_quantity(payload))
    }

    /// Holds the run's credits unless [`crate::store::TaskLog::start_task`] already did, then runs it; any
    /// failure after the hold releases it.
    #[allow(clippy::too_many_arguments)]
    async fn hold_and_run(
        &self,
        f: &Arc<dyn AiFunction>,
        t: &mut Tracker,
        payload: &Value,
        account_id: i64,
        opts: &RunOptions,
        credits: Result<i64>,
        held: Option<Result<HoldOutcome>>,
    ) -> Result<RunOutcome> {
        let credits = credits?;
        let task_id = t.record.task_id.clone();
        let hold = match held {
            Some(outcome) => outcome?,
            None => {
                check_cancel(&opts.cancel, "holding credits")?;
                self.env
                    .storage
                    .hold_credits(account_id, credits, &task_id, &hold_description(f.as_ref()))
                    .await?
            }
        };
        match hold {
            HoldOutcome::AlreadyCaptured => {
                // A previous attempt saved and paid but died before updating the task log.
                let mut out = RunOutcome::from_record(&t.record, true);
                out.status = TaskStatus::Succeeded;
                return Ok(out);
            }
            HoldOutcome::Held { .. } => {}
        }
        let result = self
            .prepare_and_run(f, t, payload, account_id, credits, opts)
            .await;
        if result.is_err() {
            match self.env.storage.release_credits(account_id, &task_id).await {
                Ok(true) => telemetry::credits_released(f.name(), credits),
                Ok(false) => {}
                Err(e) => {
                    warn!(error = %e, "could not release a credit hold; recover_stale() will retry")
                }
            }
        }
        result
    }

    async fn prepare_and_run(
        &self,
        f: &Arc<dyn AiFunction>,
        t: &mut Tracker,
        payload: &Value,
        account_id: i64,
        credits: i64,
        opts: &RunOptions,
    ) -> Result<RunOutcome> {
        // PREP is short and the INIT row already says `running`: the callback hears of it, the
        // task log gets its timing with the next write.
        t.enter_quiet(Phase::Prep, 10, "loading context");
        // The template does not depend on the function's context: both are read at once.
        let (prepared, template) = tokio::join!(
            f.prepare(&self.env, account_id, payload),
            self.template_for(f.as_ref(), account_id, opts)
        );
        let prepared = prepared?;
        let result = match template {
            Ok(template) => {
                self.call_and_save(f, t, &prepared, &template, credits, opts)
                    .await
            }
            Err(e) => Err(e),
        };
        if result.is_err()
            && let Err(e) = f.fail(&self.env, &prepared).await
        {
            warn!(error = %e, "could not reset records after a failed run");
        }
        result
    }

    /// The template a run uses: the call's override, the account's, or the default.
    async fn template_for(
        &self,
        f: &dyn AiFunction,
        account_id: i64,
        opts: &RunOptions,
    ) -> Result<String> {
        let catalogue = self
            .prompts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (template, _source) = catalogue
            .resolve(
                self.env.storage.as_ref(),
                account_id,
                f.prompt_type(),
                opts.prompt_override.as_deref(),
            )
            .await?;
        Ok(template)
    }

    async fn call_and_save(
        &self,
        f: &Arc<dyn AiFunction>,
        t: &mut Tracker,
        prepared: &Prepared,
        template: &str,
        credits: i64,
        opts: &RunOptions,
    ) -> Result<RunOutcome> {
        let env = &self.env;
        let prompt_type = f.prompt_type().to_string();
        let rendered = render(&prompt_type, template, &prepared.variables)?;
        t.record.prompt_type = Some(prompt_type.clone());
        t.record.prompt_hash = Some(rendered.hash.clone());
        let mut request = CompletionRequest {
            function_name: f.name().to_string(),
            prompt_type,
            messages: vec![
                ChatMessage::system(crate::prompts::defaults::SYSTEM_PROMPT),
                ChatMessage::user(rendered.text),
            ],
            output_schema: f.output_schema(env),
            context: prepared.context.clone(),
            temperature: self.config.temperature,
            max_tokens: self.config.max_tokens,
        };
        let max_attempts = self.config.max_reasks + 1;
        let mut cost = 0.0;
        let mut reasks = Vec::new();
        let (output, mut repairs, coercions) = loop {
            check_cancel(&opts.cancel, "calling the model")?;
            let attempt = t.record.attempts as u32 + 1;
            let msg = if attempt == 1 {
                format!("asking {}", self.provider.label())
            } else {
                format!(
                    "re-asking {} (attempt {attempt} of {max_attempts})",
                    self.provider.label()
                )
            };
            let pct = Phase::AiCall.percent_at(f64::from(attempt - 1) / f64::from(max_attempts));
            t.enter_quiet(Phase::AiCall, pct, msg);
            t.record.updated_at = Utc::now();
            let relay = t.on_progress.as_ref().map(|cb| Relay {
                f: f.as_ref(),
                env,
                on_progress: cb,
                task_id: &t.record.task_id,
                item: t.item,
                message: &t.record.message,
                percent_from: pct,
                expected_tokens: request.max_tokens.map_or(EXPECTED_TOKENS, u64::from),
                state: Mutex::new(RelayState {
                    scanner: f.streams_pages().then(StructureScanner::new),
                    percent: pct,
                    tokens_sent: 0,
                }),
            });
            // What the provider spent on answers it does not return (failed steps) still counts.
            let spent = Mutex::new((Usage::default(), 0.0_f64));
            let on_delta = |delta: StreamDelta<'_>| {
                if let StreamDelta::Spent { usage, cost_usd } = &delta {
                    let mut sum = spent.lock().unwrap_or_else(|e| e.into_inner());
                    sum.0.prompt_tokens += usage.prompt_tokens;
                    sum.0.completion_tokens += usage.completion_tokens;
                    sum.1 += cost_usd;
                }
                if let Some(relay) = &relay {
                    relay.on_delta(delta);
                }
            };
            let completion = {
                let ask = self.provider.complete_streaming(&request, &on_delta);
                let call = async {
                    match &opts.cancel {
                        Some(c) => tokio::select! {
                            r = ask => r,
                            _ = c.cancelled() => Err(Error::Cancelled { message: "stopped while waiting for the model; nothing was charged".into() }),
                        },
                        None => ask.await,
                    }
                };
                // The task log hears of the model call only if the model takes a while: then it is
                // written while the model works (no wall time added), and a waiting run shows as
                // alive; a quick answer costs no write at all.
                tokio::pin!(call);
                tokio::select! {
                    r = &mut call => r,
                    _ = tokio::time::sleep(LOG_SLOW_CALL_AFTER) => {
                        let (logged, r) = tokio::join!(env.storage.update_task(&t.record), &mut call);
                        logged?;
                        r
                    }
                }
            };
            let (unreturned, unreturned_cost) =
                spent.into_inner().unwrap_or_else(|e| e.into_inner());
            t.record.tokens_in += unreturned.prompt_tokens as i64;
            t.record.tokens_out += unreturned.completion_tokens as i64;
            cost += unreturned_cost;
            t.record.cost_usd = cost;
            let completion = completion?;
            if let Some(relay) = relay {
                let reached = relay.state.into_inner().unwrap_or_else(|e| e.into_inner());
                t.record.progress = t.record.progress.max(reached.percent);
            }
            t.record.attempts += 1;
            t.record.tokens_in += completion.usage.prompt_tokens as i64;
            t.record.tokens_out += completion.usage.completion_tokens as i64;
            t.record.provider = Some(completion.provider.clone());
            t.record.model = Some(completion.model.clone());
            cost += completion.cost_usd;
            telemetry::tokens(
                f.name(),
                completion.usage.prompt_tokens,
                completion.usage.completion_tokens,
            );
            t.record.cost_usd = cost;
            reasks.extend(completion.reasks.iter().cloned());
            // PARSE is CPU-only and short: hosts get the event, the task log gets it with SAVE.
            t.enter_quiet(Phase::Parse, 80, "parsing and validating the answer");
            let errors = match parse_lenient(&completion.content) {
                Err(e) => vec![format!("the answer is not valid JSON: {e}")],
                Ok(parsed) => {
                    let repairs = || -> Vec<String> {
                        parsed
                            .repairs
                            .iter()
                            .map(|r| r.as_str().to_string())
                            .collect()
                    };
                    match f.parse(env, prepared, &parsed.value) {
                        Ok(output) => break (output, repairs(), Vec::new()),
                        Err(errors) => {
                            // A near-miss whose meaning is clear is mapped, not re-asked.
                            let mut mapped = parsed.value.clone();
                            let coercions = f.coerce(env, &mut mapped);
                            match (!coercions.is_empty()).then(|| f.parse(env, prepared, &mapped)) {
                                Some(Ok(output)) => break (output, repairs(), coercions),
                                _ => errors,
                            }
                        }
                    }
                }
            };
            if attempt >= max_attempts {
                return Err(Error::InvalidAiOutput {
                    attempts: attempt,
                    errors,
                });
            }
            request
                .messages
                .push(ChatMessage::assistant(completion.content));
            request
                .messages
                .push(ChatMessage::user(reask_message(&errors)));
        };
        check_cancel(&opts.cancel, "saving")?;
        // SAVE is one transaction; the task log gets it with the final status right after.
        t.enter_quiet(Phase::Save, 90, "saving the result");
        let capture = Capture {
            reference: t.record.task_id.clone(),
            description: hold_description(f.as_ref()),
            usage: UsageRecord {
                operation_type: f.credit_operation().to_string(),
                credits_used: credits,
                cost_usd: cost,
                model_used: t.record.model.clone().unwrap_or_default(),
                tokens_input: t.record.tokens_in,
                tokens_output: t.record.tokens_out,
                related_object_type: None,
                related_object_id: None,
                metadata: serde_json::json!({
                    "task_id": t.record.task_id,
                    "function": f.name(),
                    "provider": t.record.provider,
                }),
            },
        };
        let mut result = f.save(env, prepared, output, capture).await?;
        t.record.credits = credits;
        if !coercions.is_empty() {
            // Kept with the result in the task log: what was mapped instead of re-asked.
            if let Some(object) = result.as_object_mut() {
                object.insert("coercions".into(), serde_json::json!(coercions));
            }
            repairs.extend(coercions.iter().map(|c| format!("coerced {c}")));
        }
        if !reasks.is_empty() {
            // Kept with the result in the task log: which steps the provider asked again, why.
            if let Some(object) = result.as_object_mut() {
                object.insert("reasks".into(), serde_json::json!(reasks));
            }
        }
        Ok(RunOutcome {
            task_id: t.record.task_id.clone(),
            function_name: f.name().to_string(),
            status: TaskStatus::Succeeded,
            result,
            provider: t.record.provider.clone().unwrap_or_default(),
            model: t.record.model.clone().unwrap_or_default(),
            tokens_in: t.record.tokens_in,
            tokens_out: t.record.tokens_out,
            cost_usd: cost,
            credits_charged: credits,
            replayed: false,
            repairs,
        })
    }
}
