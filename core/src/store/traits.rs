//! The storage contract every backend fulfils.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::credits::{Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry};
use crate::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, NewBlueprint, NewOption, NewPage, OptionKind,
    OptionPatch, PageBlueprint, PageLocks, PagePatch, PageStatus, Paged, Scope, Seo, SiteBlueprint,
    SiteBuilderOption, SiteStructure,
};
use crate::model::{BlueprintVersion, VersionContent, VersionSummary};
use crate::model::{Deployment, NewAssetRow, NewDeployment, SiteAsset};
use crate::schema::{MigrationReport, MigrationState};
use crate::tasks::{TaskQuery, TaskRecord, TaskStatus};

/// A call that carries an idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyRequest<'a> {
    /// Keys are per account.
    pub account_id: i64,
    /// The client's key (`Idempotency-Key` over HTTP).
    pub key: &'a str,
    /// The operation's name.
    pub operation: &'a str,
    /// SHA-256 (hex) of the request, so a key reused for another request is caught.
    pub request_hash: &'a str,
    /// A first call still "running" after this long is taken to have died with its process.
    pub takeover_after: chrono::Duration,
}

/// What claiming an idempotency key found.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyClaim {
    /// This call is the first with the key: run it.
    Claimed,
    /// A call with the same key and request finished with this answer.
    Done(serde_json::Value),
}

impl IdempotencyClaim {
    /// The outcome for a key found already stored, by the same request (`same`) or not.
    pub(crate) fn from_row(
        same: bool,
        status: &str,
        response: Option<serde_json::Value>,
    ) -> Result<IdempotencyClaim> {
        if !same {
            return Err(crate::Error::conflict(
                "this idempotency key was already used for a different request; use a new key for a new request",
            ));
        }
        match (status, response) {
            ("done", Some(response)) => Ok(IdempotencyClaim::Done(response)),
            _ => Err(crate::Error::conflict(
                "the first request with this idempotency key is still running; retry it in a moment",
            )),
        }
    }
}

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageBackend {
    /// PostgreSQL through sqlx.
    Postgres,
    /// SQLite through sqlx.
    Sqlite,
    /// Process memory.
    Memory,
}

/// A new structure and its pages, written in one transaction by [`PageStore::save_structure`].
#[derive(Debug, Clone, PartialEq)]
pub struct SaveStructure {
    /// The validated structure, stored in `structure_json`.
    pub structure: SiteStructure,
    /// Pages to upsert by slug; pages of the blueprint whose slug is absent are deleted.
    pub pages: Vec<NewPage>,
    /// Status the blueprint gets (normally `ready`).
    pub status: BlueprintStatus,
    /// Credits to capture in the same transaction, if the run holds any.
    pub capture: Option<Capture>,
    /// Locked pages and blocks to keep, applied to the stored pages inside the transaction
    /// (`pages` then lists one page per structure page; locks adjust both).
    pub locks: Option<PageLocks>,
    /// The blueprint version the structure was made from: if the blueprint has moved on (a hand
    /// edit won the race), the save is a `conflict` carrying the current version and changes
    /// nothing. `None` writes over whatever is there.
    pub base_version: Option<i32>,
}

/// New content for one page, written in one transaction by [`PageStore::save_page_content`].
#[derive(Debug, Clone, PartialEq)]
pub struct SavePageContent {
    /// The page's new blocks.
    pub blocks: Vec<crate::model::Block>,
    /// SEO metadata, also written into the blueprint's `structure_json` entry of the page.
    pub seo: Option<Seo>,
    /// Status the page gets (normally `ready`).
    pub status: PageStatus,
    /// Credits to capture in the same transaction, if the run holds any.
    pub capture: Option<Capture>,
    /// The page's blocks the content was generated from: if the stored blocks differ at save
    /// time (a hand edit of the page won the race), the save is a `conflict` carrying the
    /// blueprint's current version and changes nothing. `None` writes over whatever is there.
    pub base_blocks: Option<Vec<crate::model::Block>>,
    /// The blueprint version the caller based the content on (a regeneration's
    /// `expected_version`): a blueprint that moved on since is a `conflict` carrying its current
    /// version, checked under the same lock. `None` checks only `base_blocks`.
    pub base_version: Option<i32>,
    /// The operation the history records (`None`: `generate_page_content`), so a regeneration
    /// of one page or block is told apart from a full page generation.
    pub operation: Option<String>,
}

/// A whole new content for a blueprint (structure and pages), written by
/// [`VersionStore::write_content`] only if the blueprint is still at `base_version`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentWrite {
    /// The version the content was computed from; `None` writes over whatever is there.
    pub base_version: Option<i32>,
    /// The operation recorded in the history (`edit_blueprint`, `restore_version`, …).
    pub operation: String,
    /// The new `structure_json` and pages: pages with an id the blueprint has are updated,
    /// the others created, and pages of the blueprint not listed deleted.
    pub content: VersionContent,
}

impl ContentWrite {
    /// Checks every page before anything is written (slugs valid and unique, titles within the
    /// column), the same for every backend.
    pub(crate) fn check(&self) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        for p in &self.content.pages {
            super::validate_slug(&p.slug)?;
            if p.title.chars().count() > 255 {
                return Err(crate::Error::invalid(
                    "page title must be at most 255 characters",
                ));
            }
            if !seen.insert(p.slug.as_str()) {
                return Err(crate::Error::invalid(format!(
                    "two pages have slug {:?}; slugs must be unique in a blueprint",
                    p.slug
                )));
            }
        }
        Ok(())
    }
}

/// The blueprint and pages as stored after [`PageStore::save_structure`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
// The published catalogue keeps the name callers use (`Storage` has every store method).
#[schemars(description = "The blueprint and pages as stored after [`Storage::save_structure`].")]
pub struct SavedStructure {
    /// The updated blueprint.
    pub blueprint: SiteBlueprint,
    /// Its pages in order.
    pub pages: Vec<PageBlueprint>,
}

/// Credits a new task reserves as it is written ([`TaskLog::start_task`]); the hold's reference
/// is the task id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskHold {
    /// Credits to reserve.
    pub amount: i64,
    /// Ledger description of the hold.
    pub description: String,
}

/// What [`TaskLog::start_task`] did.
#[derive(Debug)]
pub struct StartedTask {
    /// The new row, or the existing row with this task id.
    pub record: TaskRecord,
    /// Whether the row is new.
    pub inserted: bool,
    /// The hold's outcome when the row is new and a hold was asked for, `None` otherwise. An
    /// [`crate::Error::InsufficientCredits`] here still leaves the new row written.
    pub hold: Option<Result<HoldOutcome>>,
}

/// Success and failure counts of one function over a period (from the task log).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskStats {
    /// Function name.
    pub function_name: String,
    /// Runs that finished.
    pub finished: u64,
    /// Runs that succeeded.
    pub succeeded: u64,
    /// Runs that failed, by error code.
    pub failed_by_code: BTreeMap<String, u64>,
    /// Runs cancelled.
    pub cancelled: u64,
}

/// Which backend a store is, whether it answers, and its schema: what a host's health check and
/// deploy step need, apart from any one concern's data.
#[async_trait]
pub trait Admin: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> StorageBackend;

    /// Checks the store answers (`SELECT 1` on SQL backends).
    async fn ping(&self) -> Result<()>;

    /// Applies pending migrations (no-op for memory).
    async fn migrate(&self) -> Result<MigrationReport>;

    /// Every migration with its state.
    async fn migration_status(&self) -> Result<Vec<MigrationState>>;
}

/// Site blueprints: the rows a host lists, edits and starts generations on.
#[async_trait]
pub trait BlueprintStore: Send + Sync {
    /// Creates a blueprint in `scope` (status `draft`, version 1).
    async fn create_blueprint(&self, scope: &Scope, new: NewBlueprint) -> Result<SiteBlueprint>;
    /// Reads a blueprint.
    async fn get_blueprint(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint>;
    /// Updates the given fields of a blueprint.
    async fn update_blueprint(
        &self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint>;
    /// Deletes a blueprint and its pages.
    async fn delete_blueprint(&self, scope: &Scope, id: i64) -> Result<()>;
    /// Lists blueprints of the scope's account, ordered by id, keyset-paginated.
    async fn list_blueprints(
        &self,
        scope: &Scope,
        query: BlueprintQuery,
    ) -> Result<Paged<SiteBlueprint>>;
    /// Atomically moves a blueprint to `generating`; [`crate::Error::Conflict`] if it already is.
    async fn begin_generation(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint>;
}

/// A blueprint's pages and the saves of generated content (a structure with its pages, one
/// page's blocks). Kept apart from [`BlueprintStore`] because each save writes pages, the
/// blueprint's structure, its history and a credit capture in one transaction.
#[async_trait]
pub trait PageStore: Send + Sync {
    /// Creates a page of a blueprint (slug validated and unique in the blueprint).
    async fn create_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint>;
    /// Reads a page.
    async fn get_page(&self, scope: &Scope, id: i64) -> Result<PageBlueprint>;
    /// Updates the given fields of a page.
    async fn update_page(&self, scope: &Scope, id: i64, patch: PagePatch) -> Result<PageBlueprint>;
    /// Deletes a page.
    async fn delete_page(&self, scope: &Scope, id: i64) -> Result<()>;
    /// Pages of a blueprint ordered by `order`, then id.
    async fn list_pages(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<PageBlueprint>>;
    /// Sets `order` to the position of each id in `page_ids`, which must list every page once.
    async fn reorder_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
    ) -> Result<Vec<PageBlueprint>>;

    /// Writes a structure, upserts pages by slug, deletes absent pages, bumps `version`, sets
    /// status and captures credits, all in one transaction: on any failure nothing changes.
    async fn save_structure(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        save: SaveStructure,
    ) -> Result<SavedStructure>;
    /// Writes a page's generated content (and captures credits) in one transaction.
    async fn save_page_content(
        &self,
        scope: &Scope,
        page_id: i64,
        save: SavePageContent,
    ) -> Result<PageBlueprint>;
}

/// A blueprint's history (its recorded versions) and whole-content writes checked against it.
///
/// Every write of [`PageStore`] that changes a blueprint's structure or pages (save_structure,
/// save_page_content, create/update/delete/reorder page) bumps the blueprint's `version` and
/// records the content after the change in the same transaction, pruned to the retention.
#[async_trait]
pub trait VersionStore: Send + Sync {
    /// How many versions per blueprint the history keeps (the newest; at least 1).
    fn set_version_retention(&self, keep: u32);
    /// Replaces a blueprint's structure and pages in one transaction, only if it is still at
    /// `write.base_version` (checked under the blueprint's row lock; otherwise a `conflict`
    /// carrying the current version), bumping the version and recording it.
    async fn write_content(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        write: ContentWrite,
    ) -> Result<SavedStructure>;
    /// A blueprint's recorded versions, newest first, at most `limit`.
    async fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: u32,
    ) -> Result<Vec<VersionSummary>>;
    /// One recorded version with its content (`not_found` if it was never recorded or pruned).
    async fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion>;
}

/// The option catalogues (industries, site types, …) that briefs pick from; global, not per
/// account.
#[async_trait]
pub trait OptionStore: Send + Sync {
    /// Active options of a kind, ordered by `order`, then name.
    async fn list_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>>;
    /// Every option of a kind, inactive included (admin).
    async fn list_all_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>>;
    /// Creates an option (admin); a duplicate name is [`crate::Error::Conflict`].
    async fn create_option(&self, kind: OptionKind, new: NewOption) -> Result<SiteBuilderOption>;
    /// Updates an option (admin).
    async fn update_option(
        &self,
        kind: OptionKind,
        id: i64,
        patch: OptionPatch,
    ) -> Result<SiteBuilderOption>;
}

/// Per-account prompt overrides, read by every AI function before its model call.
#[async_trait]
pub trait PromptStore: Send + Sync {
    /// The account's active prompt for a prompt type, if any.
    async fn prompt_override(&self, account_id: i64, prompt_type: &str) -> Result<Option<String>>;
    /// Sets (Some) or deactivates (None) the account's prompt for a prompt type.
    async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: &str,
        text: Option<&str>,
    ) -> Result<()>;
}

/// The credit ledger: balances that never go below zero, append-only transactions, holds and
/// the usage log. What each call may do is decided by the core's credit rules
/// (`credits/rules.rs`), the same for every backend; a backend only makes each call atomic.
#[async_trait]
pub trait CreditLedger: Send + Sync {
    /// Current balance (0 for an account never granted anything).
    async fn balance(&self, account_id: i64) -> Result<i64>;
    /// Adds credits; with a `reference`, a repeated grant returns the first transaction.
    async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        kind: TransactionType,
        description: &str,
        reference: Option<&str>,
    ) -> Result<CreditTransaction>;
    /// Reserves `amount` for `reference`; idempotent per reference.
    async fn hold_credits(
        &self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome>;
    /// Gives a live hold back; returns whether anything was released.
    async fn release_credits(&self, account_id: i64, reference: &str) -> Result<bool>;
    /// Converts a live hold into a deduction with its usage row (for outputs that are not saved
    /// through `save_structure` / `save_page_content`).
    async fn capture_credits(&self, account_id: i64, capture: Capture) -> Result<()>;
    /// Ledger rows of an account, oldest first.
    async fn list_transactions(&self, account_id: i64) -> Result<Vec<CreditTransaction>>;
    /// Usage rows of an account, oldest first.
    async fn list_usage(&self, account_id: i64) -> Result<Vec<UsageLogEntry>>;
}

/// The task log: one row per AI run, claimed by exactly one worker. A [`CreditLedger`] too,
/// because a run's row and its credit hold are written together ([`TaskLog::start_task`]).
#[async_trait]
pub trait TaskLog: CreditLedger {
    /// Inserts a task row; if the task id exists, returns the existing row and `false`.
    async fn insert_task(&self, record: TaskRecord) -> Result<(TaskRecord, bool)>;
    /// Inserts a task row and, when it is new, holds credits for it. SQL stores do both in one
    /// transaction (a run starts with one commit instead of two); the default calls
    /// [`TaskLog::insert_task`] then [`CreditLedger::hold_credits`].
    async fn start_task(&self, record: TaskRecord, hold: Option<TaskHold>) -> Result<StartedTask> {
        let (account_id, reference) = (record.account_id, record.task_id.clone());
        let (record, inserted) = self.insert_task(record).await?;
        let hold = match hold {
            Some(h) if inserted => Some(
                self.hold_credits(account_id, h.amount, &reference, &h.description)
                    .await,
            ),
            _ => None,
        };
        Ok(StartedTask {
            record,
            inserted,
            hold,
        })
    }
    /// Moves a task of `account_id` from `from` to `running` in one atomic step and returns
    /// whether this caller won it. Two deliveries of one queued message both try; exactly one
    /// wins, so the run happens once.
    async fn claim_task(&self, account_id: i64, task_id: &str, from: TaskStatus) -> Result<bool>;
    /// Overwrites a task row (matched by task id).
    async fn update_task(&self, record: &TaskRecord) -> Result<()>;
    /// Reads a task row; `account_id` restricts it to that account.
    async fn get_task(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord>;
    /// Lists task rows, newest first.
    async fn list_tasks(&self, query: TaskQuery) -> Result<Vec<TaskRecord>>;
    /// Success/failure counts per function of runs created since `since`.
    async fn task_stats(&self, since: DateTime<Utc>) -> Result<Vec<TaskStats>>;
}

/// Idempotency keys: a retried write with the same key answers the first call's result.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims an idempotency key for a request, atomically: [`IdempotencyClaim::Claimed`] when
    /// this call is the first (run the operation, then
    /// [`IdempotencyStore::finish_idempotency_key`] or
    /// [`IdempotencyStore::abandon_idempotency_key`]), [`IdempotencyClaim::Done`] with the first
    /// answer when a call with the same key and request already finished, and a `conflict`
    /// error when the key belongs to another request or its first call is still running.
    async fn claim_idempotency_key(&self, req: &IdempotencyRequest<'_>)
    -> Result<IdempotencyClaim>;
    /// Records the answer of a claimed key's call.
    async fn finish_idempotency_key(
        &self,
        account_id: i64,
        key: &str,
        response: &serde_json::Value,
    ) -> Result<()>;
    /// Releases a claimed key whose call failed, so that a retry runs it again (a failed write
    /// changed nothing).
    async fn abandon_idempotency_key(&self, account_id: i64, key: &str) -> Result<()>;
}

/// Uploaded site assets' metadata and each account's stored bytes (the objects themselves live
/// in an object store, see [`crate::files`]).
#[async_trait]
pub trait AssetStore: Send + Sync {
    /// Adds `bytes` to the account's stored bytes only if the total stays within `quota`, in one
    /// atomic step (concurrent uploads can never together pass the quota). Returns the total
    /// after; [`crate::Error::QuotaExceeded`] with the numbers when it would not fit.
    async fn reserve_asset_bytes(&self, account_id: i64, bytes: i64, quota: i64) -> Result<i64>;
    /// Gives `bytes` back (a failed upload, a deleted asset); the total never goes below zero.
    async fn release_asset_bytes(&self, account_id: i64, bytes: i64) -> Result<()>;
    /// Records an uploaded asset; a duplicate key is [`crate::Error::Conflict`].
    async fn insert_asset(&self, row: NewAssetRow) -> Result<SiteAsset>;
    /// Reads an asset's metadata.
    async fn get_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset>;
    /// Assets of a blueprint, oldest first.
    async fn list_assets(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<SiteAsset>>;
    /// Removes an asset's row and returns it (the caller then removes the object).
    async fn delete_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset>;
    /// Bytes the account's assets take (0 for an account that never uploaded).
    async fn asset_bytes_used(&self, account_id: i64) -> Result<i64>;
}

/// Records of publishes to a hosting target.
#[async_trait]
pub trait DeploymentStore: Send + Sync {
    /// Records a publish that is starting (status `publishing`).
    async fn insert_deployment(&self, row: NewDeployment) -> Result<Deployment>;
    /// Sets a deployment's final `status` (and error) and its finish time.
    async fn finish_deployment(
        &self,
        id: i64,
        status: &str,
        error: Option<String>,
    ) -> Result<Deployment>;
    /// Deployments of a blueprint, newest first.
    async fn list_deployments(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<Deployment>>;
}

/// Everything the library persists: every focused trait at once, the one type callers hold
/// (`Arc<dyn Storage>`). All methods are scoped: a row of another account is
/// [`crate::Error::NotFound`], never visible, for reads, updates and deletes alike.
///
/// Implemented for every type that implements the focused traits; a backend implements those,
/// never this. Bring the methods into scope with `use sitebuilder::store::prelude::*`.
pub trait Storage:
    Admin
    + BlueprintStore
    + PageStore
    + VersionStore
    + OptionStore
    + PromptStore
    + CreditLedger
    + TaskLog
    + IdempotencyStore
    + AssetStore
    + DeploymentStore
    + std::fmt::Debug
{
}

impl<T> Storage for T where
    T: Admin
        + BlueprintStore
        + PageStore
        + VersionStore
        + OptionStore
        + PromptStore
        + CreditLedger
        + TaskLog
        + IdempotencyStore
        + AssetStore
        + DeploymentStore
        + std::fmt::Debug
{
}
