//! The `SiteBuilder` class: one open library instance (database pool, provider, function registry).
//!
//! Every I/O method is an `async fn`, so it returns a Promise and runs on napi's tokio runtime while
//! the event loop keeps turning. Methods only translate arguments, results and errors.

use std::time::Duration;

use chrono::{DateTime, Utc};
use napi_derive::napi;
use serde_json::Value;

use crate::enums::CreditUnit;
use crate::error::{IntoNapi, invalid};
use crate::inputs::{
    BlueprintPatch, BlueprintQuery, NewBlueprint, NewPage, OpenOptions, PagePatch, ScopeArg, scope,
};
use crate::ops::{CreditTransaction, DoctorReport, MigrationReport, MigrationState};
use crate::records::{BlueprintList, Metadata, PageBlueprint, SiteBlueprint};
use crate::runs::{
    DeclarativeFunction, QueueStatus, RunOptions, RunOutcome, TaskRecord, TaskStats, run_options,
};

/// An open sitebuilder: blueprints, pages, credits and AI runs over one database.
///
/// Create it with `await SiteBuilder.open({ databaseUrl, provider })`; it is cheap to share.
/// Failed calls reject with an `Error` whose `code` is one of `ERROR_CODES`.
#[napi]
#[derive(Debug)]
pub struct SiteBuilder {
    inner: sitebuilder::SiteBuilder,
}

impl SiteBuilder {
    /// The core instance, for the `#[napi] impl SiteBuilder` blocks of other modules (assets).
    pub(crate) fn core(&self) -> &sitebuilder::SiteBuilder {
        &self.inner
    }
}

#[napi]
impl SiteBuilder {
    /// Connects, applies pending migrations (unless `autoMigrate: false`) and sets up the provider.
    #[napi]
    pub async fn open(options: Option<OpenOptions>) -> napi::Result<SiteBuilder> {
        let options = options.unwrap_or_default();
        let mut builder = sitebuilder::SiteBuilder::builder();
        if let Some(url) = options.database_url {
            builder = builder.database_url(url);
        }
        if let Some(prefix) = options.table_prefix {
            builder = builder.table_prefix(prefix);
        }
        if let Some(auto) = options.auto_migrate {
            builder = builder.auto_migrate(auto);
        }
        if let Some(provider) = options.provider {
            builder = builder.provider(provider.try_into()?);
        }
        if let Some(assets) = options.assets {
            builder = builder.asset_config(assets.try_into()?);
        }
        if let Some(url) = options.publish_url {
            builder = builder.publish_url(url);
        }
        builder = builder.render_options(sitebuilder::render::RenderOptions {
            base_url: options.base_url,
            form_action: options.form_action,
            template_dir: options.template_dir.map(Into::into),
            layout: None,
        });
        let inner = builder.build().await.napi()?;
        Ok(SiteBuilder { inner })
    }

    /// Applies pending migrations (idempotent; safe with many processes starting at once).
    #[napi]
    pub async fn migrate(&self) -> napi::Result<MigrationReport> {
        Ok(self.inner.migrate().await.napi()?.into())
    }

    /// Every migration with whether it is applied (the seed's `showmigrations`).
    #[napi]
    pub async fn migration_status(&self) -> napi::Result<Vec<MigrationState>> {
        let states = self.inner.migration_status().await.napi()?;
        Ok(states.into_iter().map(Into::into).collect())
    }

    /// The verification checklist: database, migrations, seed data, tasks waiting for a worker
    /// longer than `stuckAfterMs` (default 60 000), provider.
    #[napi]
    pub async fn doctor(&self, stuck_after_ms: Option<u32>) -> DoctorReport {
        self.inner
            .doctor_with(stuck_after(stuck_after_ms))
            .await
            .into()
    }

    /// The four option catalogues of the wizard.
    #[napi]
    pub async fn metadata(&self) -> napi::Result<Metadata> {
        Ok(self.inner.metadata().await.napi()?.into())
    }

    /// Label of the configured provider (`offline`, `openai:<model>@<base url>`, …).
    #[napi(getter)]
    pub fn provider_label(&self) -> String {
        self.inner.provider_label()
    }

    /// Creates a blueprint for an account (a number) or a scope `{ accountId, siteId, sectorId }`.
    #[napi(ts_args_type = "scope: number | Scope, input: NewBlueprint")]
    pub async fn create_blueprint(
        &self,
        scope_arg: ScopeArg,
        input: NewBlueprint,
    ) -> napi::Result<SiteBlueprint> {
        let b = self
            .inner
            .create_blueprint(&scope(scope_arg), input.into())
            .await
            .napi()?;
        Ok(b.into())
    }

    /// A blueprint of the scope's account; `not_found` for another account's.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number")]
    pub async fn get_blueprint(&self, scope_arg: ScopeArg, id: i64) -> napi::Result<SiteBlueprint> {
        let b = self
            .inner
            .get_blueprint(&scope(scope_arg), id)
            .await
            .napi()?;
        Ok(b.into())
    }

    /// One page of the account's blueprints, by ascending id.
    #[napi(ts_args_type = "scope: number | Scope, query?: BlueprintQuery")]
    pub async fn list_blueprints(
        &self,
        scope_arg: ScopeArg,
        query: Option<BlueprintQuery>,
    ) -> napi::Result<BlueprintList> {
        let q = query.unwrap_or_default().into();
        let page = self
            .inner
            .list_blueprints(&scope(scope_arg), q)
            .await
            .napi()?;
        Ok(page.into())
    }

    /// Changes the given fields of a blueprint.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number, patch: BlueprintPatch")]
    pub async fn update_blueprint(
        &self,
        scope_arg: ScopeArg,
        id: i64,
        patch: BlueprintPatch,
    ) -> napi::Result<SiteBlueprint> {
        let b = self
            .inner
            .update_blueprint(&scope(scope_arg), id, patch.into())
            .await
            .napi()?;
        Ok(b.into())
    }

    /// Deletes a blueprint and its pages.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number")]
    pub async fn delete_blueprint(&self, scope_arg: ScopeArg, id: i64) -> napi::Result<()> {
        self.inner
            .delete_blueprint(&scope(scope_arg), id)
            .await
            .napi()
    }

    /// Adds a page to a blueprint.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number, input: NewPage")]
    pub async fn create_page(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
        input: NewPage,
    ) -> napi::Result<PageBlueprint> {
        let p = self
            .inner
            .create_page(&scope(scope_arg), blueprint_id, input.into())
            .await
            .napi()?;
        Ok(p.into())
    }

    /// A page of the scope's account.
    #[napi(ts_args_type = "scope: number | Scope, pageId: number")]
    pub async fn get_page(&self, scope_arg: ScopeArg, id: i64) -> napi::Result<PageBlueprint> {
        Ok(self
            .inner
            .get_page(&scope(scope_arg), id)
            .await
            .napi()?
            .into())
    }

    /// The pages of a blueprint, in sitemap order.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number")]
    pub async fn list_pages(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
    ) -> napi::Result<Vec<PageBlueprint>> {
        let pages = self
            .inner
            .list_pages(&scope(scope_arg), blueprint_id)
            .await
            .napi()?;
        Ok(pages.into_iter().map(Into::into).collect())
    }

    /// Changes the given fields of a page.
    #[napi(ts_args_type = "scope: number | Scope, pageId: number, patch: PagePatch")]
    pub async fn update_page(
        &self,
        scope_arg: ScopeArg,
        id: i64,
        patch: PagePatch,
    ) -> napi::Result<PageBlueprint> {
        let p = self
            .inner
            .update_page(&scope(scope_arg), id, patch.into())
            .await
            .napi()?;
        Ok(p.into())
    }

    /// Deletes a page.
    #[napi(ts_args_type = "scope: number | Scope, pageId: number")]
    pub async fn delete_page(&self, scope_arg: ScopeArg, id: i64) -> napi::Result<()> {
        self.inner.delete_page(&scope(scope_arg), id).await.napi()
    }

    /// Puts a blueprint's pages in the given order (every page id once); returns them in it.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number, pageIds: number[]")]
    pub async fn reorder_pages(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
        page_ids: Vec<i64>,
    ) -> napi::Result<Vec<PageBlueprint>> {
        let pages = self
            .inner
            .reorder_pages(&scope(scope_arg), blueprint_id, &page_ids)
            .await
            .napi()?;
        Ok(pages.into_iter().map(Into::into).collect())
    }

    /// Generates and saves a blueprint's structure and pages (50 credits by default).
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number, options?: RunOptions")]
    pub async fn generate_structure(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
        options: Option<RunOptions>,
    ) -> napi::Result<RunOutcome> {
        let outcome = self
            .inner
            .generate_structure(&scope(scope_arg), blueprint_id, run_options(options)?)
            .await
            .napi()?;
        Ok(outcome.into())
    }

    /// Generates and saves one page's blocks (20 credits by default).
    #[napi(ts_args_type = "scope: number | Scope, pageId: number, options?: RunOptions")]
    pub async fn generate_page_content(
        &self,
        scope_arg: ScopeArg,
        page_id: i64,
        options: Option<RunOptions>,
    ) -> napi::Result<RunOutcome> {
        let outcome = self
            .inner
            .generate_page_content(&scope(scope_arg), page_id, run_options(options)?)
            .await
            .napi()?;
        Ok(outcome.into())
    }

    /// Generates every page of a blueprint, one run per page; progress carries `current`/`total`.
    #[napi(ts_args_type = "scope: number | Scope, blueprintId: number, options?: RunOptions")]
    pub async fn generate_all_pages(
        &self,
        scope_arg: ScopeArg,
        blueprint_id: i64,
        options: Option<RunOptions>,
    ) -> napi::Result<Vec<RunOutcome>> {
        let outcomes = self
            .inner
            .generate_all_pages(&scope(scope_arg), blueprint_id, run_options(options)?)
            .await
            .napi()?;
        Ok(outcomes.into_iter().map(Into::into).collect())
    }

    /// Runs an AI function by name, as the seed's `run_ai_task(function_name, payload, account_id)`.
    /// Payloads: `generate_site_structure` takes `{ blueprint_id }`, `generate_page_content`
    /// `{ page_id }`.
    #[napi]
    pub async fn run(
        &self,
        function_name: String,
        payload: Value,
        account_id: i64,
        options: Option<RunOptions>,
    ) -> napi::Result<RunOutcome> {
        let outcome = self
            .inner
            .run(&function_name, payload, account_id, run_options(options)?)
            .await
            .napi()?;
        Ok(outcome.into())
    }

    /// Starts a run in the background and resolves at once with its task id; read it with `task()`.
    #[napi]
    pub async fn dispatch(
        &self,
        function_name: String,
        payload: Value,
        account_id: i64,
        options: Option<RunOptions>,
    ) -> napi::Result<String> {
        self.inner
            .dispatch(&function_name, payload, account_id, run_options(options)?)
            .await
            .napi()
    }

    /// A task log row; with an account id, another account's task is `not_found`.
    #[napi(ts_args_type = "accountId: number | null | undefined, taskId: string")]
    pub async fn task(&self, account_id: Option<i64>, task_id: String) -> napi::Result<TaskRecord> {
        Ok(self.inner.task(account_id, &task_id).await.napi()?.into())
    }

    /// Waits until a task finishes (polling the task log); `cancelled` when `timeoutMs` passes first.
    #[napi(
        ts_args_type = "accountId: number | null | undefined, taskId: string, timeoutSecs?: number"
    )]
    pub async fn wait_task(
        &self,
        account_id: Option<i64>,
        task_id: String,
        timeout_secs: Option<f64>,
    ) -> napi::Result<TaskRecord> {
        let timeout = seconds(timeout_secs.unwrap_or(60.0), "timeoutSecs")?;
        let task = self
            .inner
            .wait_task(account_id, &task_id, timeout)
            .await
            .napi()?;
        Ok(task.into())
    }

    /// Records a task as `queued` before its job goes to a queue, so `task()` answers at once; the
    /// worker's `run()` with the same task id claims it, exactly once.
    #[napi]
    pub async fn queue_task(
        &self,
        function_name: String,
        payload: Value,
        account_id: i64,
        task_id: Option<String>,
    ) -> napi::Result<TaskRecord> {
        let record = self
            .inner
            .queue_task(&function_name, payload, account_id, task_id)
            .await
            .napi()?;
        Ok(record.into())
    }

    /// Tasks waiting for a worker (from the task log), the oldest wait, and those waiting longer
    /// than `stuckAfterMs` (default 60 000).
    #[napi]
    pub async fn queue_status(&self, stuck_after_ms: Option<u32>) -> napi::Result<QueueStatus> {
        let status = self.inner.queue_status(stuck_after(stuck_after_ms)).await;
        Ok(status.napi()?.into())
    }

    /// Every metric in the Prometheus text format (runs, phases, credits, queue depth, waits).
    #[napi]
    pub async fn metrics(&self) -> napi::Result<String> {
        self.inner.metrics().await.napi()
    }

    /// Marks runs without progress for `olderThanMs` as failed (their worker died), releases their
    /// credit holds and resets their blueprint or page; returns their task ids. Pick a value above
    /// the provider's timeout × retries.
    #[napi]
    pub async fn recover_stale(&self, older_than_secs: f64) -> napi::Result<Vec<String>> {
        let older_than = seconds(older_than_secs, "olderThanSecs")?;
        self.inner.recover_stale(older_than).await.napi()
    }

    /// Stores an account's own prompt template for a prompt type (`site_structure_generation`,
    /// `site_page_generation`, …); `null` deactivates it.
    #[napi]
    pub async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: String,
        template: Option<String>,
    ) -> napi::Result<()> {
        self.inner
            .set_prompt_override(account_id, &prompt_type, template.as_deref())
            .await
            .napi()
    }

    /// Sets what an operation costs from now on, in this process (default unit `per_request`).
    #[napi]
    pub fn set_credit_cost(
        &self,
        operation: String,
        credits: i64,
        unit: Option<CreditUnit>,
    ) -> napi::Result<()> {
        let unit = unit.unwrap_or(CreditUnit::PerRequest).into();
        self.inner.set_credit_cost(&operation, credits, unit).napi()
    }

    /// Per AI function, the runs that finished since `since`: succeeded, failed by error code,
    /// cancelled (from the task log; for dashboards and alerts).
    #[napi]
    pub async fn stats(&self, since: DateTime<Utc>) -> napi::Result<Vec<TaskStats>> {
        let stats = self.inner.stats(since).await.napi()?;
        Ok(stats.into_iter().map(Into::into).collect())
    }

    /// The account's credit balance.
    #[napi]
    pub async fn balance(&self, account_id: i64) -> napi::Result<i64> {
        self.inner.balance(account_id).await.napi()
    }

    /// Adds credits to an account (a purchase); returns the ledger row.
    #[napi(ts_args_type = "accountId: number, amount: number, description?: string")]
    pub async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        description: Option<String>,
    ) -> napi::Result<CreditTransaction> {
        let description = description.unwrap_or_else(|| "grant".to_string());
        let tx = self
            .inner
            .grant_credits(account_id, amount, &description)
            .await
            .napi()?;
        Ok(tx.into())
    }

    /// Registers an AI function defined by a prompt and an output schema; `run` it by name.
    #[napi]
    pub fn register_function(&self, definition: DeclarativeFunction) -> napi::Result<()> {
        self.inner.register_declarative(definition.into()).napi()
    }

    /// Names of every registered AI function.
    #[napi]
    pub fn function_names(&self) -> Vec<String> {
        self.inner.function_names()
    }

    /// Runs the catalogue operation `name` (`catalogue()`) with a JSON request and answers JSON
    /// text: the one generic path; the package's JavaScript layer builds the operations that have
    /// no typed method here on it.
    #[napi]
    pub async fn call(&self, name: String, request: String) -> napi::Result<String> {
        let request: Value = serde_json::from_str(&request)
            .map_err(|e| invalid(format!("{name}: the request is not JSON: {e}")))?;
        Ok(self.inner.call(&name, request).await.napi()?.to_string())
    }
}

/// A non-negative, finite number of seconds.
fn seconds(secs: f64, what: &str) -> napi::Result<Duration> {
    Duration::try_from_secs_f64(secs).map_err(|_| {
        invalid(format!(
            "{what} must be a non-negative number of seconds, got {secs}"
        ))
    })
}

/// The wait after which a queued task counts as stuck: `ms`, or the core's default.
fn stuck_after(ms: Option<u32>) -> Duration {
    ms.map_or(sitebuilder::tasks::DEFAULT_STUCK_AFTER, |ms| {
        Duration::from_millis(u64::from(ms))
    })
}
