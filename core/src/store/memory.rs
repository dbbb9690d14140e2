//! In-memory storage: every table as a plain map behind one mutex.
//!
//! [`MemoryStore`] exists so that tests, examples and hosts that persist elsewhere get exactly the
//! behaviour of the SQL store without a database. Because one mutex guards all state and no call
//! awaits while holding it, every call is atomic: a call validates everything it needs first and
//! only then writes, so a failing call leaves the state untouched (the SQL store gets the same
//! guarantee from its transactions).

mod assets;
mod catalogue;
mod content;
mod ledger;
mod tasklog;
mod versions;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

use crate::model::{Deployment, NewDeployment, OptionKind, Scope, SiteBuilderOption};
use crate::model::{PageBlueprint, SiteBlueprint};
use crate::schema::{MIGRATIONS, MigrationReport, MigrationState};
use crate::store::traits::{
    Admin, DeploymentStore, IdempotencyClaim, IdempotencyRequest, IdempotencyStore, PromptStore,
    StorageBackend,
};
use crate::{Error, Result};

use assets::AssetTable;
use ledger::Ledger;
use tasklog::TaskTable;

/// Storage in process memory, with the same semantics as the SQL store.
///
/// Shared semantics (the storage test suite asserts each of them on every backend):
///
/// - **Scope.** Rows belong to `scope.account_id`. A row of another account is
///   [`Error::NotFound`] for get, update, delete and for listing its children; when `scope.site_id`
///   or `scope.sector_id` is set it must match too. Creates copy them into the row (pages take
///   their blueprint's).
/// - **Blueprints.** A name is required (non-empty after trimming, ≤ 255 characters); a new
///   blueprint is `draft`, version 1, `structure_json` `{}`. Listing is ordered by id, keyset-paged
///   by `after_id`, the limit clamped to 1..=500 (0 means 50); `next_after_id` is set only when the
///   page is full. [`crate::store::BlueprintStore::begin_generation`] is [`Error::Conflict`] on a blueprint already
///   `generating`.
/// - **Pages.** Slugs follow [`crate::store::validate_slug`] and are unique per blueprint
///   ([`Error::Conflict`] otherwise); a page without `order` goes after the last one; pages list by
///   order, then id; reordering needs exactly the blueprint's page ids.
/// - **Structures.** [`crate::store::PageStore::save_structure`] checks every slug (and duplicates) before
///   writing, upserts pages by slug (kept slugs keep their ids), deletes the rest, bumps the
///   version and captures credits; any failure, including a failed capture, changes nothing.
/// - **Credits.** The sum of an account's ledger amounts is its balance, which never goes below
///   zero. Grants are idempotent per (kind, reference); holds, releases and captures per
///   reference: a captured reference answers [`crate::credits::HoldOutcome::AlreadyCaptured`] and is never charged
///   twice. A capture's usage row records the held amount as `credits_used`, and `{}` for null
///   metadata.
/// - **Timestamps** are UTC truncated to microseconds, the precision PostgreSQL keeps, so records
///   compare equal across backends after a round trip.
#[derive(Debug)]
pub struct MemoryStore {
    state: Mutex<State>,
}

/// Everything the store holds.
#[derive(Debug)]
struct State {
    /// When the store was made: the "applied_at" of every migration.
    created_at: DateTime<Utc>,
    /// Whether `migrate()` was called (the first call reports migrations as applied).
    migrated: bool,
    next_blueprint_id: i64,
    next_page_id: i64,
    blueprints: BTreeMap<i64, SiteBlueprint>,
    pages: BTreeMap<i64, PageBlueprint>,
    options: HashMap<OptionKind, Catalogue>,
    ledger: Ledger,
    tasks: TaskTable,
    prompts: HashMap<(i64, String), PromptOverride>,
    /// (account, key) → (operation, request hash, answer once finished, claimed at).
    idempotency: HashMap<(i64, String), IdempotentCall>,
    assets: AssetTable,
    next_deployment_id: i64,
    deployments: BTreeMap<i64, Deployment>,
    history: versions::History,
}

#[derive(Debug)]
struct IdempotentCall {
    operation: String,
    request_hash: String,
    response: Option<serde_json::Value>,
    claimed_at: DateTime<Utc>,
}

/// One option table.
#[derive(Debug, Default)]
struct Catalogue {
    next_id: i64,
    rows: BTreeMap<i64, SiteBuilderOption>,
}

#[derive(Debug)]
struct PromptOverride {
    text: String,
    active: bool,
}

/// Now, at the precision every backend keeps.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Whether a row with these owner columns is visible to `scope`.
fn visible(scope: &Scope, account_id: i64, site_id: Option<i64>, sector_id: Option<i64>) -> bool {
    account_id == scope.account_id
        && scope.site_id.is_none_or(|s| site_id == Some(s))
        && scope.sector_id.is_none_or(|s| sector_id == Some(s))
}

/// Checks a required name: non-empty after trimming and at most `max` characters.
fn validate_name(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field} is required")));
    }
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(format!(
            "{field} is {len} characters long; the limit is {max}"
        )));
    }
    Ok(())
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store with the option catalogues seeded, as a freshly migrated database has them.
    pub fn new() -> Self {
        let created_at = now();
        let options = OptionKind::ALL
            .into_iter()
            .map(|kind| (kind, Catalogue::seeded(kind, created_at)))
            .collect();
        MemoryStore {
            state: Mutex::new(State {
                created_at,
                migrated: false,
                next_blueprint_id: 1,
                next_page_id: 1,
                blueprints: BTreeMap::new(),
                pages: BTreeMap::new(),
                options,
                ledger: Ledger::default(),
                tasks: TaskTable::default(),
                prompts: HashMap::new(),
                idempotency: HashMap::new(),
                assets: AssetTable::default(),
                next_deployment_id: 0,
                deployments: BTreeMap::new(),
                history: versions::History::default(),
            }),
        }
    }

    /// The state; a panic in another call cannot leave it half-written (writes happen after all
    /// checks and do not panic), so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Admin for MemoryStore {
    fn backend(&self) -> StorageBackend {
        StorageBackend::Memory
    }

    async fn ping(&self) -> Result<()> {
        Ok(())
    }

    async fn migrate(&self) -> Result<MigrationReport> {
        let mut state = self.lock();
        let labels = MIGRATIONS.iter().map(|m| m.label()).collect();
        let first = !state.migrated;
        state.migrated = true;
        Ok(if first {
            MigrationReport {
                applied: labels,
                ..MigrationReport::default()
            }
        } else {
            MigrationReport {
                already_applied: labels,
                ..MigrationReport::default()
            }
        })
    }

    async fn migration_status(&self) -> Result<Vec<MigrationState>> {
        let applied_at = self.lock().created_at;
        Ok(MIGRATIONS
            .iter()
            .map(|m| MigrationState {
                version: m.version,
                name: m.name.to_string(),
                applied: true,
                applied_at: Some(applied_at),
                adopted: false,
                checksum_mismatch: None,
            })
            .collect())
    }
}

#[async_trait]
impl PromptStore for MemoryStore {
    async fn prompt_override(&self, account_id: i64, prompt_type: &str) -> Result<Option<String>> {
        Ok(self
            .lock()
            .prompts
            .get(&(account_id, prompt_type.to_string()))
            .filter(|p| p.active)
            .map(|p| p.text.clone()))
    }

    async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: &str,
        text: Option<&str>,
    ) -> Result<()> {
        let mut state = self.lock();
        let key = (account_id, prompt_type.to_string());
        match text {
            Some(text) => {
                state.prompts.insert(
                    key,
                    PromptOverride {
                        text: text.to_string(),
                        active: true,
                    },
                );
            }
            None => {
                if let Some(p) = state.prompts.get_mut(&key) {
                    p.active = false;
                }
            }
        }
        Ok(())
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim_idempotency_key(
        &self,
        req: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim> {
        let mut state = self.lock();
        let now = Utc::now();
        let fresh = IdempotentCall {
            operation: req.operation.to_string(),
            request_hash: req.request_hash.to_string(),
            response: None,
            claimed_at: now,
        };
        match state
            .idempotency
            .entry((req.account_id, req.key.to_string()))
        {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(fresh);
                Ok(IdempotencyClaim::Claimed)
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let call = slot.get();
                let same = call.operation == req.operation && call.request_hash == req.request_hash;
                if same && call.response.is_none() && call.claimed_at < now - req.takeover_after {
                    slot.insert(fresh);
                    return Ok(IdempotencyClaim::Claimed);
                }
                let status = if call.response.is_some() {
                    "done"
                } else {
                    "running"
                };
                IdempotencyClaim::from_row(same, status, call.response.clone())
            }
        }
    }

    async fn finish_idempotency_key(
        &self,
        account_id: i64,
        key: &str,
        response: &serde_json::Value,
    ) -> Result<()> {
        if let Some(call) = self
            .lock()
            .idempotency
            .get_mut(&(account_id, key.to_string()))
        {
            call.response = Some(response.clone());
        }
        Ok(())
    }

    async fn abandon_idempotency_key(&self, account_id: i64, key: &str) -> Result<()> {
        let mut state = self.lock();
        let slot = (account_id, key.to_string());
        if state
            .idempotency
            .get(&slot)
            .is_some_and(|call| call.response.is_none())
        {
            state.idempotency.remove(&slot);
        }
        Ok(())
    }
}

#[async_trait]
impl DeploymentStore for MemoryStore {
    async fn insert_deployment(&self, row: NewDeployment) -> Result<Deployment> {
        let mut state = self.lock();
        state.next_deployment_id += 1;
        let d = Deployment {
            id: state.next_deployment_id,
            account_id: row.account_id,
            site_id: row.site_id,
            sector_id: row.sector_id,
            site_blueprint_id: row.site_blueprint_id,
            version: row.version,
            target: row.target,
            files: row.files,
            bytes: row.bytes,
            checksum: row.checksum,
            status: "publishing".into(),
            error: None,
            started_at: now(),
            finished_at: None,
        };
        state.deployments.insert(d.id, d.clone());
        Ok(d)
    }

    async fn finish_deployment(
        &self,
        id: i64,
        status: &str,
        error: Option<String>,
    ) -> Result<Deployment> {
        let mut state = self.lock();
        let d = state
            .deployments
            .get_mut(&id)
            .ok_or_else(|| Error::not_found("site_deployment", id))?;
        d.status = status.to_string();
        d.error = error;
        d.finished_at = Some(now());
        Ok(d.clone())
    }

    async fn list_deployments(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<Deployment>> {
        Ok(self
            .lock()
            .deployments
            .values()
            .rev()
            .filter(|d| {
                d.site_blueprint_id == blueprint_id
                    && visible(scope, d.account_id, d.site_id, d.sector_id)
            })
            .cloned()
            .collect())
    }
}
