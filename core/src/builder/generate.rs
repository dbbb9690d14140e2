//! Running functions: inline, in bulk, in the background, and recovering abandoned runs.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use tracing::warn;

use super::SiteBuilder;
use crate::ai::engine::{RunOptions, RunOutcome};
use crate::model::{BlueprintPatch, BlueprintStatus, PagePatch, PageStatus, Scope};
use crate::store::TaskStats;
use crate::tasks::{TaskQuery, TaskRecord, TaskStatus};
use crate::{Error, Result};

/// Pages generated at once by [`SiteBuilder::generate_all_pages`].
pub(crate) const BULK_CONCURRENCY: usize = 4;

pub(super) fn scoped_payload(scope: &Scope, key: &str, id: i64) -> Value {
    let mut p = json!({ key: id });
    if let Some(s) = scope.site_id {
        p["site_id"] = json!(s);
    }
    if let Some(s) = scope.sector_id {
        p["sector_id"] = json!(s);
    }
    p
}

impl SiteBuilder {
    /// Runs any registered function now and returns its outcome.
    ///
    /// The run itself is a task of its own on the current tokio runtime: if the caller stops
    /// waiting (a dropped future, a cancelled Python awaitable, a closed HTTP request), the run still
    /// finishes or fails cleanly — credits captured or released, nothing left `generating`. To stop
    /// a run, use [`RunOptions::cancel`].
    pub async fn run(
        &self,
        function_name: &str,
        payload: Value,
        account_id: i64,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let engine = self.engine.clone();
        let name = function_name.to_string();
        match tokio::spawn(async move { engine.run(&name, payload, account_id, opts).await }).await
        {
            Ok(result) => result,
            Err(e) => Err(Error::Cancelled {
                message: format!(
                    "the run stopped unexpectedly ({e}); see the task log, and recover_stale() releases anything it held"
                ),
            }),
        }
    }

    /// Generates (or regenerates) a blueprint's structure: `generating` → `ready` with version + 1,
    /// or → `failed` with the previous structure intact and nothing charged.
    pub async fn generate_structure(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let payload = scoped_payload(scope, "blueprint_id", blueprint_id);
        self.run("generate_site_structure", payload, scope.account_id, opts)
            .await
    }

    /// Fills one page's blocks with copy and SEO metadata (20 credits).
    pub async fn generate_page_content(
        &self,
        scope: &Scope,
        page_id: i64,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let payload = scoped_payload(scope, "page_id", page_id);
        self.run("generate_page_content", payload, scope.account_id, opts)
            .await
    }

    /// Generates every page of a blueprint, four at a time. Each page is its own
    /// task (`<task id>:<page id>`), so retrying the bulk call never charges a finished page
    /// twice. Returns one result per page in page order; the first error is returned after every
    /// page was attempted.
    pub async fn generate_all_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        opts: RunOptions,
    ) -> Result<Vec<RunOutcome>> {
        if let Some(id) = &opts.task_id {
            // Each page's run appends `:<page id>` to it, within the task log's 100 characters.
            crate::model::check_task_id(id)?;
            crate::model::check_text("task_id", id, 64)?;
        }
        let pages = self.list_pages(scope, blueprint_id).await?;
        let base = opts
            .task_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let total = pages.len() as u32;
        let sem = Arc::new(tokio::sync::Semaphore::new(BULK_CONCURRENCY));
        let mut set = tokio::task::JoinSet::new();
        for (i, page) in pages.iter().enumerate() {
            let sb = self.clone();
            let scope = *scope;
            let sem = sem.clone();
            let mut o = opts.clone();
            o.task_id = Some(format!("{base}:{}", page.id));
            o.item = Some((i as u32 + 1, total));
            let page_id = page.id;
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                (i, sb.generate_page_content(&scope, page_id, o).await)
            });
        }
        let mut results: Vec<Option<Result<RunOutcome>>> = (0..pages.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            let (i, r) = joined
                .map_err(|e| Error::invalid(format!("a page generation task panicked: {e}")))?;
            results[i] = Some(r);
        }
        let mut out = Vec::with_capacity(results.len());
        let mut first_err = None;
        for r in results.into_iter().flatten() {
            match r {
                Ok(o) => out.push(o),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Starts a run in the background on the current tokio runtime and returns its task id at
    /// once; read its progress and result with [`SiteBuilder::task`].
    pub async fn dispatch(
        &self,
        function_name: &str,
        payload: Value,
        account_id: i64,
        mut opts: RunOptions,
    ) -> Result<String> {
        let existing = self
            .queue_task(
                function_name,
                payload.clone(),
                account_id,
                opts.task_id.clone(),
            )
            .await?;
        let task_id = existing.task_id;
        if existing.status == TaskStatus::Running {
            return Err(Error::conflict(format!(
                "task {task_id} is already running"
            )));
        }
        opts.task_id = Some(task_id.clone());
        let sb = self.clone();
        let name = function_name.to_string();
        tokio::spawn(async move {
            if let Err(e) = sb.run(&name, payload, account_id, opts).await {
                warn!(task_id = %e.code(), error = %e, "background run failed (recorded in the task log)");
            }
        });
        Ok(task_id)
    }

    /// Reads a task log row (`account_id` restricts it to that account).
    pub async fn task(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord> {
        crate::model::check_task_id(task_id)?;
        self.storage().get_task(account_id, task_id).await
    }

    /// Waits for a dispatched task to finish, polling the task log.
    pub async fn wait_task(
        &self,
        account_id: Option<i64>,
        task_id: &str,
        timeout: Duration,
    ) -> Result<TaskRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let t = self.task(account_id, task_id).await?;
            if t.status.is_finished() {
                return Ok(t);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Cancelled {
                    message: format!(
                        "task {task_id} still {} after {timeout:?}",
                        t.status.as_str()
                    ),
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Success and failure counts per function since `since` (the seed's "metrics for AI task
    /// success/failure rates").
    pub async fn stats(&self, since: chrono::DateTime<Utc>) -> Result<Vec<TaskStats>> {
        self.storage().task_stats(since).await
    }

    /// Marks runs with no progress for `older_than` as failed (their worker died), releases their
    /// credit holds and puts their blueprint or page back from `generating`: a blueprint to the
    /// status it had before the run (`draft` before its first structure, else `ready`, or
    /// `deployed` when its version is the deployed one), a page to `failed`. Returns their ids.
    /// Hosts schedule it (the Celery beat entry and the BullMQ repeatable job of the bindings).
    ///
    /// Pick `older_than` above the provider's timeout × retries: a healthy run writes its task
    /// row when it starts, shortly into each model call, and when it ends, but one model call
    /// may legitimately take that long.
    pub async fn recover_stale(&self, older_than: Duration) -> Result<Vec<String>> {
        let cutoff = Utc::now()
            - chrono::Duration::from_std(older_than)
                .map_err(|e| Error::invalid(format!("older_than: {e}")))?;
        let stale = self
            .storage()
            .list_tasks(TaskQuery {
                status: Some(TaskStatus::Running),
                updated_before: Some(cutoff),
                ..TaskQuery::default()
            })
            .await?;
        let mut recovered = Vec::new();
        for mut t in stale {
            self.storage()
                .release_credits(t.account_id, &t.task_id)
                .await?;
            let scope = Scope::account(t.account_id);
            if let Some(id) = t.payload.get("blueprint_id").and_then(Value::as_i64)
                && let Ok(bp) = self.get_blueprint(&scope, id).await
                && bp.status == BlueprintStatus::Generating
            {
                // Back to where it was before the run: its structure was never touched.
                let never_generated = bp
                    .structure_json
                    .as_object()
                    .is_none_or(serde_json::Map::is_empty);
                let previous = if never_generated {
                    BlueprintStatus::Draft
                } else if bp.deployed_version == Some(bp.version) {
                    BlueprintStatus::Deployed
                } else {
                    BlueprintStatus::Ready
                };
                let patch = BlueprintPatch {
                    status: Some(previous),
                    ..BlueprintPatch::default()
                };
                self.storage().update_blueprint(&scope, id, patch).await?;
            }
            if let Some(id) = t.payload.get("page_id").and_then(Value::as_i64)
                && let Ok(page) = self.get_page(&scope, id).await
                && page.status == PageStatus::Generating
            {
                let patch = PagePatch {
                    status: Some(PageStatus::Failed),
                    ..PagePatch::default()
                };
                self.storage().update_page(&scope, id, patch).await?;
            }
            t.status = TaskStatus::Failed;
            t.error_code = Some("cancelled".into());
            t.error_message = Some(format!(
                "abandoned: no progress since {}; the worker running it probably stopped. Credits were released; run it again with the same task id to retry.",
                t.updated_at
            ));
            t.finished_at = Some(Utc::now());
            t.updated_at = Utc::now();
            self.storage().update_task(&t).await?;
            recovered.push(t.task_id);
        }
        Ok(recovered)
    }
}
