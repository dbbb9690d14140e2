//! `impl Storage for SqlStore`: delegation to the per-concept modules.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::SqlStore;
use super::db::DbPool;
use crate::Result;
use crate::credits::{Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry};
use crate::model::{
    BlueprintPatch, BlueprintQuery, NewBlueprint, NewOption, NewPage, OptionKind, OptionPatch,
    PageBlueprint, PagePatch, Paged, Scope, SiteBlueprint, SiteBuilderOption,
};
use crate::model::{BlueprintVersion, VersionSummary};
use crate::model::{Deployment, NewAssetRow, NewDeployment, SiteAsset};
use crate::schema::{MigrationReport, MigrationState};
use crate::store::{
    ContentWrite, IdempotencyClaim, IdempotencyRequest, SavePageContent, SaveStructure,
    SavedStructure, StartedTask, Storage, StorageBackend, TaskHold, TaskStats,
};
use crate::tasks::{TaskQuery, TaskRecord, TaskStatus};

#[async_trait]
impl Storage for SqlStore {
    fn backend(&self) -> StorageBackend {
        match self.pool {
            #[cfg(feature = "postgres")]
            DbPool::Pg(_) => StorageBackend::Postgres,
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(_) => StorageBackend::Sqlite,
        }
    }

    async fn ping(&self) -> Result<()> {
        let mut held = self.pool.acquire().await?;
        held.conn()
            .execute_raw("SELECT 1", "pinging the database")
            .await
    }

    async fn migrate(&self) -> Result<MigrationReport> {
        self.run_migrations().await
    }

    async fn migration_status(&self) -> Result<Vec<MigrationState>> {
        self.status().await
    }

    async fn create_blueprint(&self, scope: &Scope, new: NewBlueprint) -> Result<SiteBlueprint> {
        self.bp_create(scope, new).await
    }
    async fn get_blueprint(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.bp_get(scope, id).await
    }
    async fn update_blueprint(
        &self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint> {
        self.bp_update(scope, id, patch).await
    }
    async fn delete_blueprint(&self, scope: &Scope, id: i64) -> Result<()> {
        self.bp_delete(scope, id).await
    }
    async fn list_blueprints(
        &self,
        scope: &Scope,
        query: BlueprintQuery,
    ) -> Result<Paged<SiteBlueprint>> {
        self.bp_list(scope, query).await
    }
    async fn begin_generation(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.bp_begin_generation(scope, id).await
    }

    async fn create_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint> {
        self.page_create(scope, blueprint_id, new).await
    }
    async fn get_page(&self, scope: &Scope, id: i64) -> Result<PageBlueprint> {
        self.page_get(scope, id).await
    }
    async fn update_page(&self, scope: &Scope, id: i64, patch: PagePatch) -> Result<PageBlueprint> {
        self.page_update(scope, id, patch).await
    }
    async fn delete_page(&self, scope: &Scope, id: i64) -> Result<()> {
        self.page_delete(scope, id).await
    }
    async fn list_pages(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<PageBlueprint>> {
        self.page_list(scope, blueprint_id).await
    }
    async fn reorder_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
    ) -> Result<Vec<PageBlueprint>> {
        self.page_reorder(scope, blueprint_id, page_ids).await
    }

    async fn save_structure(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        save: SaveStructure,
    ) -> Result<SavedStructure> {
        self.save_structure_tx(scope, blueprint_id, save).await
    }
    async fn save_page_content(
        &self,
        scope: &Scope,
        page_id: i64,
        save: SavePageContent,
    ) -> Result<PageBlueprint> {
        self.save_page_content_tx(scope, page_id, save).await
    }

    async fn list_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        self.options_list(kind, true).await
    }
    async fn list_all_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        self.options_list(kind, false).await
    }
    async fn create_option(&self, kind: OptionKind, new: NewOption) -> Result<SiteBuilderOption> {
        self.option_create(kind, new).await
    }
    async fn update_option(
        &self,
        kind: OptionKind,
        id: i64,
        patch: OptionPatch,
    ) -> Result<SiteBuilderOption> {
        self.option_update(kind, id, patch).await
    }

    async fn balance(&self, account_id: i64) -> Result<i64> {
        self.credits_balance(account_id).await
    }
    async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        kind: TransactionType,
        description: &str,
        reference: Option<&str>,
    ) -> Result<CreditTransaction> {
        self.grant_credits_row(account_id, amount, kind, description, reference)
            .await
    }
    async fn hold_credits(
        &self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        self.credits_hold(account_id, amount, reference, description)
            .await
    }
    async fn release_credits(&self, account_id: i64, reference: &str) -> Result<bool> {
        self.credits_release(account_id, reference).await
    }
    async fn capture_credits(&self, account_id: i64, capture: Capture) -> Result<()> {
        self.credits_capture(account_id, capture).await
    }
    async fn list_transactions(&self, account_id: i64) -> Result<Vec<CreditTransaction>> {
        self.credits_transactions(account_id).await
    }
    async fn list_usage(&self, account_id: i64) -> Result<Vec<UsageLogEntry>> {
        self.credits_usage(account_id).await
    }

    async fn insert_task(&self, record: TaskRecord) -> Result<(TaskRecord, bool)> {
        self.task_insert(record).await
    }
    async fn start_task(&self, record: TaskRecord, hold: Option<TaskHold>) -> Result<StartedTask> {
        self.task_start(record, hold).await
    }
    async fn claim_task(&self, account_id: i64, task_id: &str, from: TaskStatus) -> Result<bool> {
        self.task_claim(account_id, task_id, from).await
    }
    async fn update_task(&self, record: &TaskRecord) -> Result<()> {
        self.task_update(record).await
    }
    async fn get_task(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord> {
        self.task_get(account_id, task_id).await
    }
    async fn list_tasks(&self, query: TaskQuery) -> Result<Vec<TaskRecord>> {
        self.task_list(query).await
    }
    async fn task_stats(&self, since: DateTime<Utc>) -> Result<Vec<TaskStats>> {
        self.task_stats_since(since).await
    }

    async fn prompt_override(&self, account_id: i64, prompt_type: &str) -> Result<Option<String>> {
        self.prompt_get(account_id, prompt_type).await
    }
    async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: &str,
        text: Option<&str>,
    ) -> Result<()> {
        self.prompt_set(account_id, prompt_type, text).await
    }

    async fn claim_idempotency_key(
        &self,
        req: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim> {
        self.idempotency_claim(req).await
    }
    async fn finish_idempotency_key(
        &self,
        account_id: i64,
        key: &str,
        response: &serde_json::Value,
    ) -> Result<()> {
        self.idempotency_finish(account_id, key, response).await
    }
    async fn abandon_idempotency_key(&self, account_id: i64, key: &str) -> Result<()> {
        self.idempotency_abandon(account_id, key).await
    }

    async fn reserve_asset_bytes(&self, account_id: i64, bytes: i64, quota: i64) -> Result<i64> {
        self.assets_reserve(account_id, bytes, quota).await
    }
    async fn release_asset_bytes(&self, account_id: i64, bytes: i64) -> Result<()> {
        self.assets_release(account_id, bytes).await
    }
    async fn insert_asset(&self, row: NewAssetRow) -> Result<SiteAsset> {
        self.assets_insert(row).await
    }
    async fn get_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.assets_get(scope, id).await
    }
    async fn list_assets(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<SiteAsset>> {
        self.assets_list(scope, blueprint_id).await
    }
    async fn delete_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.assets_delete(scope, id).await
    }
    async fn asset_bytes_used(&self, account_id: i64) -> Result<i64> {
        self.assets_used(account_id).await
    }
    async fn insert_deployment(&self, row: NewDeployment) -> Result<Deployment> {
        self.deployments_insert(row).await
    }
    async fn finish_deployment(
        &self,
        id: i64,
        status: &str,
        error: Option<String>,
    ) -> Result<Deployment> {
        self.deployments_finish(id, status, error).await
    }
    async fn list_deployments(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<Deployment>> {
        self.deployments_list(scope, blueprint_id).await
    }

    fn set_version_retention(&self, keep: u32) {
        self.keep_versions
            .store(keep.max(1), std::sync::atomic::Ordering::Relaxed);
    }
    async fn write_content(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        write: ContentWrite,
    ) -> Result<SavedStructure> {
        self.write_content_tx(scope, blueprint_id, write).await
    }
    async fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: u32,
    ) -> Result<Vec<VersionSummary>> {
        self.versions_list(scope, blueprint_id, limit).await
    }
    async fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion> {
        self.version_get(scope, blueprint_id, version).await
    }
}
