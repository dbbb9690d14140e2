//! AI runs (inline, in bulk, in the background) and the task log that records them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CallContext, Operation, Spec, route as http};
use crate::model::Scope;
use crate::store::TaskStats;
use crate::tasks::TaskRecord;
use crate::{Error, Result, RunOptions, RunOutcome, SiteBuilder};

/// The serialisable part of [`RunOptions`], shared by every run operation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct RunArgs {
    /// Idempotency key: a retried call with the same id never charges twice (fresh when absent).
    #[serde(default)]
    pub task_id: Option<String>,
    /// A prompt template used instead of the account's or the default one.
    #[serde(default)]
    pub prompt_override: Option<String>,
}

impl RunArgs {
    fn options(self, ctx: CallContext) -> RunOptions {
        RunOptions {
            task_id: self.task_id,
            prompt_override: self.prompt_override,
            on_progress: ctx.on_progress,
            cancel: ctx.cancel,
            ..RunOptions::default()
        }
    }
}

/// Generates (or regenerates) a blueprint's structure and pages: `ready` with version + 1, or
/// `failed` with the previous structure intact and nothing charged.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GenerateStructure {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for GenerateStructure {
    type Response = RunOutcome;
    const SPEC: Spec = Spec {
        name: "generate_structure",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("POST", "blueprints/{blueprint_id}/generate_structure/", 200),
    };
    const STREAMS: bool = true;
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<RunOutcome> {
        sb.generate_structure(&self.scope, self.blueprint_id, self.run.options(ctx))
            .await
    }
}

/// Fills one page's blocks with copy and SEO metadata.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GeneratePageContent {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which page.
    pub page_id: i64,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for GeneratePageContent {
    type Response = RunOutcome;
    const SPEC: Spec = Spec {
        name: "generate_page_content",
        read_only: false,
        admin: false,
        args: &["scope", "page_id"],
        http: http("POST", "pages/{page_id}/generate_content/", 200),
    };
    const STREAMS: bool = true;
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<RunOutcome> {
        sb.generate_page_content(&self.scope, self.page_id, self.run.options(ctx))
            .await
    }
}

/// Rewrites one page's blocks following the owner's `instruction` (content direction, sent to
/// the model as delimited data), with the site's name, voice and navigation as context. Locked
/// blocks, other pages, the page's SEO and the site settings stay; costs a page generation
/// (`site_page_generation`); records a `regenerate_page` version (undo with `restore_version`).
/// A stale `expected_version` is a `conflict` with `current_version` before anything is charged.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RegeneratePage {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// The page's blueprint.
    pub blueprint_id: i64,
    /// Which page.
    pub page_id: i64,
    /// What should change, in the owner's words (for example "make it about catering"); at most
    /// 2000 characters.
    pub instruction: String,
    /// The blueprint version the request is based on; a blueprint that moved on is a
    /// `conflict` carrying `current_version`.
    #[serde(default)]
    pub expected_version: Option<i32>,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for RegeneratePage {
    type Response = RunOutcome;
    const SPEC: Spec = Spec {
        name: "regenerate_page",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id", "page_id", "instruction"],
        http: http(
            "POST",
            "blueprints/{blueprint_id}/pages/{page_id}/regenerate/",
            200,
        ),
    };
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<RunOutcome> {
        sb.regenerate_page(
            &self.scope,
            self.blueprint_id,
            self.page_id,
            &self.instruction,
            self.expected_version,
            self.run.options(ctx),
        )
        .await
    }
}

/// Rewrites one block of a page (addressed by its position, as `edit_blueprint` does) following
/// the owner's `instruction`, with the blocks around it and the site's context in the prompt.
/// The block keeps its type, id and variant; its data is validated against its type's schema.
/// A locked block is a `conflict` before anything is charged. Costs `site_block_generation`
/// (5 credits by default); records a `regenerate_block` version (undo with `restore_version`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RegenerateBlock {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// The page's blueprint.
    pub blueprint_id: i64,
    /// Which page.
    pub page_id: i64,
    /// Position of the block in the page (0 = first).
    pub block_index: usize,
    /// What should change, in the owner's words (for example "make the hero about catering");
    /// at most 2000 characters.
    pub instruction: String,
    /// The blueprint version the request is based on; a blueprint that moved on is a
    /// `conflict` carrying `current_version`.
    #[serde(default)]
    pub expected_version: Option<i32>,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for RegenerateBlock {
    type Response = RunOutcome;
    const SPEC: Spec = Spec {
        name: "regenerate_block",
        read_only: false,
        admin: false,
        args: &[
            "scope",
            "blueprint_id",
            "page_id",
            "block_index",
            "instruction",
        ],
        http: http(
            "POST",
            "blueprints/{blueprint_id}/pages/{page_id}/blocks/{block_index}/regenerate/",
            200,
        ),
    };
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<RunOutcome> {
        sb.regenerate_block(
            &self.scope,
            self.blueprint_id,
            self.page_id,
            self.block_index,
            &self.instruction,
            self.expected_version,
            self.run.options(ctx),
        )
        .await
    }
}

/// Generates every page of a blueprint, a few at a time, each its own task
/// (`<task id>:<page id>`), so retrying never charges a finished page twice.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GenerateAllPages {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
    /// Task id (the prefix of each page's) and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for GenerateAllPages {
    type Response = Vec<RunOutcome>;
    const SPEC: Spec = Spec {
        name: "generate_all_pages",
        read_only: false,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("POST", "blueprints/{blueprint_id}/generate_all_pages/", 200),
    };
    const STREAMS: bool = true;
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<Vec<RunOutcome>> {
        sb.generate_all_pages(&self.scope, self.blueprint_id, self.run.options(ctx))
            .await
    }
}

/// Runs any registered AI function now with a JSON payload and returns its outcome.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Run {
    /// A registered function (see `function_names`).
    pub function_name: String,
    /// The function's input.
    pub payload: Value,
    /// Who pays.
    pub account_id: i64,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for Run {
    type Response = RunOutcome;
    const SPEC: Spec = Spec {
        name: "run",
        read_only: false,
        admin: false,
        args: &["function_name", "payload", "account_id"],
        http: None,
    };
    const STREAMS: bool = true;
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<RunOutcome> {
        let opts = self.run.options(ctx);
        sb.run(&self.function_name, self.payload, self.account_id, opts)
            .await
    }
}

/// Starts a run in the background and returns its task id at once (read it with `task`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Dispatch {
    /// A registered function.
    pub function_name: String,
    /// The function's input.
    pub payload: Value,
    /// Who pays.
    pub account_id: i64,
    /// Task id and prompt override.
    #[serde(flatten)]
    pub run: RunArgs,
}

impl Operation for Dispatch {
    type Response = String;
    const SPEC: Spec = Spec {
        name: "dispatch",
        read_only: false,
        admin: false,
        args: &["function_name", "payload", "account_id"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, ctx: CallContext) -> Result<String> {
        let opts = self.run.options(ctx);
        sb.dispatch(&self.function_name, self.payload, self.account_id, opts)
            .await
    }
}

/// Reads a task log row: status, progress, result or error.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Task {
    /// Restricts the lookup to this account (`null`: any account, for workers and admins).
    pub account_id: Option<i64>,
    /// Which task.
    pub task_id: String,
}

impl Operation for Task {
    type Response = TaskRecord;
    const SPEC: Spec = Spec {
        name: "task",
        read_only: true,
        admin: false,
        args: &["account_id", "task_id"],
        http: http("GET", "tasks/{task_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<TaskRecord> {
        sb.task(self.account_id, &self.task_id).await
    }
}

/// Waits for a dispatched task to finish (`cancelled` error after `timeout_secs`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct WaitTask {
    /// Restricts the lookup to this account (`null`: any account).
    pub account_id: Option<i64>,
    /// Which task.
    pub task_id: String,
    /// How long to wait (default 60 seconds).
    #[serde(default)]
    pub timeout_secs: Option<f64>,
}

impl Operation for WaitTask {
    type Response = TaskRecord;
    const SPEC: Spec = Spec {
        name: "wait_task",
        read_only: true,
        admin: false,
        args: &["account_id", "task_id", "timeout_secs"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<TaskRecord> {
        let timeout = seconds(self.timeout_secs.unwrap_or(60.0), "timeout_secs")?;
        sb.wait_task(self.account_id, &self.task_id, timeout).await
    }
}

/// Success and failure counts per function of runs created since `since`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Stats {
    /// Start of the period (RFC 3339).
    pub since: DateTime<Utc>,
}

impl Operation for Stats {
    type Response = Vec<TaskStats>;
    const SPEC: Spec = Spec {
        name: "stats",
        read_only: true,
        admin: true,
        args: &["since"],
        http: http("GET", "stats/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<TaskStats>> {
        sb.stats(self.since).await
    }
}

/// Fails runs with no progress for `older_than_secs` (their worker died), releases their credit
/// holds and puts their blueprint or page back from `generating`; returns their task ids.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RecoverStale {
    /// Idle time after which a run counts as abandoned (above provider timeout × retries).
    pub older_than_secs: f64,
}

impl Operation for RecoverStale {
    type Response = Vec<String>;
    const SPEC: Spec = Spec {
        name: "recover_stale",
        read_only: false,
        admin: true,
        args: &["older_than_secs"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<String>> {
        sb.recover_stale(seconds(self.older_than_secs, "older_than_secs")?)
            .await
    }
}

/// A non-negative, finite number of seconds.
fn seconds(secs: f64, field: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(secs).map_err(|_| {
        Error::invalid(format!(
            "{field} must be a non-negative number of seconds, got {secs}"
        ))
    })
}

/// Records a task as `queued` before its message goes to a broker, so `task` answers at once and a
/// dashboard can show it waiting; the worker's run with the same task id claims it exactly once.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct QueueTask {
    /// The AI function the worker will run.
    pub function_name: String,
    /// Its input (`blueprint_id`, `page_id`, …).
    pub payload: Value,
    /// Whose.
    pub account_id: i64,
    /// The id the message carries (default: a new one).
    #[serde(default)]
    pub task_id: Option<String>,
}

impl Operation for QueueTask {
    type Response = TaskRecord;
    const SPEC: Spec = Spec {
        name: "queue_task",
        read_only: false,
        admin: false,
        args: &["function_name", "payload", "account_id"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<TaskRecord> {
        sb.queue_task(
            &self.function_name,
            self.payload,
            self.account_id,
            self.task_id,
        )
        .await
    }
}

/// Tasks waiting for a worker: how many, the oldest wait, and those waiting too long.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct QueueStatus {
    /// Seconds after which a waiting task counts as stuck (default 60).
    #[serde(default)]
    pub stuck_after_secs: Option<f64>,
}

impl Operation for QueueStatus {
    type Response = crate::tasks::QueueStatus;
    const SPEC: Spec = Spec {
        name: "queue_status",
        read_only: true,
        admin: true,
        args: &[],
        http: http("GET", "queue/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<crate::tasks::QueueStatus> {
        sb.queue_status(stuck_after(self.stuck_after_secs)).await
    }
}

/// The wait after which a queued task is stuck: seconds given, else the default.
pub(crate) fn stuck_after(secs: Option<f64>) -> Duration {
    secs.filter(|s| s.is_finite())
        .map_or(crate::tasks::DEFAULT_STUCK_AFTER, |s| {
            Duration::from_secs_f64(s.max(0.0))
        })
}

/// Every metric in the Prometheus text format: runs, phases, credits, queue depth and waits.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Metrics {}

impl Operation for Metrics {
    type Response = String;
    const SPEC: Spec = Spec {
        name: "metrics",
        read_only: true,
        admin: true,
        args: &[],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<String> {
        sb.metrics().await
    }
}
