//! [`SqlStore`]: the storage on PostgreSQL or SQLite, chosen from the URL.

mod assets;
mod blueprints;
mod credits;
pub(crate) mod db;
mod deployments;
mod idempotency;
mod options;
mod pages;
mod tasks;
mod versions;

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use sea_query::{Cond, Condition, Expr, ExprTrait};

use crate::model::Scope;
use crate::schema::{Dialect, MigrationReport, MigrationState, Tables, runner};
use crate::store::{Admin, StorageBackend};
use crate::{Error, Result};
use db::DbPool;

/// How to open a [`SqlStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlStoreOptions {
    /// Table name prefix (default `igny8_`, the seed's).
    pub table_prefix: String,
    /// Apply pending migrations on open (default true). When false, calls fail with
    /// `migration_required` until [`crate::store::Admin::migrate`] is called.
    pub auto_migrate: bool,
    /// Pool size (default 10; SQLite in-memory databases always use 1).
    pub max_connections: u32,
}

impl Default for SqlStoreOptions {
    fn default() -> Self {
        SqlStoreOptions {
            table_prefix: crate::schema::DEFAULT_PREFIX.to_string(),
            auto_migrate: true,
            max_connections: 10,
        }
    }
}

/// Whether adopted tables demand site/sector ids (the seed's Django tables make them NOT NULL).
#[derive(Debug, Clone, Copy, Default)]
struct Tenancy {
    site_required: bool,
    sector_required: bool,
}

/// Storage in PostgreSQL or SQLite through sqlx.
#[derive(Debug)]
pub struct SqlStore {
    pool: DbPool,
    /// Connections for a run's writes whose loss in a database-server crash is harmless: its
    /// task row and credit hold, task-log progress and status rows, and the `generating` flag
    /// (a crash ends the run; it was charged nothing, and `recover_stale` fails what it left
    /// `running`). On PostgreSQL they commit without waiting for the WAL flush
    /// (`synchronous_commit = off`), which saves a disk flush per write; the WAL stays ordered,
    /// so the run's durable save (output and capture, on the main pool) makes every earlier
    /// commit durable too. On SQLite it is the same pool.
    relaxed: DbPool,
    tables: Tables,
    tenancy: std::sync::RwLock<Tenancy>,
    ready: AtomicBool,
    /// Versions of history kept per blueprint (see [`crate::store::VersionStore::set_version_retention`]).
    keep_versions: std::sync::atomic::AtomicU32,
}

/// The URL with any password replaced, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl SqlStore {
    /// Connects to `url` (`postgres://…`, `sqlite://path.db`, `sqlite::memory:`) and, unless
    /// turned off, applies pending migrations.
    pub async fn open(url: &str, options: SqlStoreOptions) -> Result<SqlStore> {
        let tables = Tables::new(&options.table_prefix)?;
        let max = Ord::max(options.max_connections, 1);
        let pool = connect(url, max, Durability::Synchronous).await?;
        let relaxed = match &pool {
            #[cfg(feature = "postgres")]
            DbPool::Pg(_) => connect(url, Ord::max(max / 2, 2), Durability::Relaxed).await?,
            #[allow(unreachable_patterns)]
            _ => pool.clone(),
        };
        let store = SqlStore {
            pool,
            relaxed,
            tables,
            tenancy: std::sync::RwLock::new(Tenancy::default()),
            ready: AtomicBool::new(false),
            keep_versions: std::sync::atomic::AtomicU32::new(crate::store::DEFAULT_KEEP_VERSIONS),
        };
        if options.auto_migrate {
            store.migrate().await?;
        } else {
            store.check_ready().await?;
        }
        Ok(store)
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.pool.dialect()
    }

    /// The table names in use.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Closes the pools; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
        self.relaxed.close().await;
    }

    /// Re-reads the migration state; true when nothing is pending.
    async fn check_ready(&self) -> Result<bool> {
        let pending: Vec<String> = self
            .migration_status()
            .await?
            .into_iter()
            .filter(|m| !m.applied)
            .map(|m| m.label())
            .collect();
        if pending.is_empty() {
            self.load_tenancy().await?;
            self.ready.store(true, Ordering::Release);
        }
        Ok(pending.is_empty())
    }

    /// Fails with `migration_required` (naming the pending migrations) until the schema is current.
    pub(crate) async fn ensure_ready(&self) -> Result<()> {
        if self.ready.load(Ordering::Acquire) || self.check_ready().await? {
            return Ok(());
        }
        let pending = self
            .migration_status()
            .await?
            .into_iter()
            .filter(|m| !m.applied)
            .map(|m| m.label())
            .collect();
        Err(Error::MigrationRequired { pending })
    }

    async fn load_tenancy(&self) -> Result<()> {
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        let cols = runner::table_columns(&mut conn, &self.tables.blueprints()).await?;
        let t = Tenancy {
            site_required: cols.get("site_id") == Some(&false),
            sector_required: cols.get("sector_id") == Some(&false),
        };
        *self.tenancy.write().unwrap_or_else(|e| e.into_inner()) = t;
        Ok(())
    }

    /// Checks that a create supplies the site/sector the tables demand.
    fn check_tenancy(&self, scope: &Scope) -> Result<()> {
        let t = *self.tenancy.read().unwrap_or_else(|e| e.into_inner());
        let mut missing = Vec::new();
        if t.site_required && scope.site_id.is_none() {
            missing.push("site_id");
        }
        if t.sector_required && scope.sector_id.is_none() {
            missing.push("sector_id");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "table {} requires {} (NOT NULL in the adopted Django schema); pass them in the scope",
                self.tables.blueprints(),
                missing.join(" and ")
            )))
        }
    }
}

#[async_trait]
impl Admin for SqlStore {
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
        let report = runner::migrate(&self.pool, &self.tables).await?;
        self.load_tenancy().await?;
        self.ready.store(true, Ordering::Release);
        Ok(report)
    }

    async fn migration_status(&self) -> Result<Vec<MigrationState>> {
        runner::status(&self.pool, &self.tables).await
    }
}

/// A pooled connection idle for longer than this is pinged before it is handed out.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Replaces sqlx's ping on every acquire, which costs a round trip per statement the pipeline
/// runs (≈ a dozen per generation): only a connection that sat idle long enough for the server,
/// a proxy or a firewall to have dropped it is checked; a dead one is replaced transparently.
async fn ping_if_idle<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> std::result::Result<bool, sqlx::Error> {
    if meta.idle_for >= PING_AFTER_IDLE {
        conn.ping().await?;
    }
    Ok(true)
}

/// Whether a pool's commits wait for the write-ahead log to reach disk (PostgreSQL only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
enum Durability {
    Synchronous,
    Relaxed,
}

async fn connect(url: &str, max_connections: u32, durability: Durability) -> Result<DbPool> {
    let shown = redact_url(url);
    // Only PostgreSQL pools have a durability setting.
    #[cfg(not(feature = "postgres"))]
    let _ = durability;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        {
            let opts = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(|e| Error::config(format!("invalid PostgreSQL URL {shown}: {e}")))?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if durability == Durability::Relaxed {
                            use sqlx::Executor;
                            conn.execute("SET synchronous_commit = off").await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(opts)
                .await
                .map_err(Error::db(format!("connecting to {shown}")))?;
            return Ok(DbPool::Pg(pool));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(Error::config(
            "this build of sitebuilder has no PostgreSQL support; enable the `postgres` feature",
        ));
    }
    if url.starts_with("sqlite:") {
        #[cfg(feature = "sqlite")]
        {
            use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let mut opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| Error::config(format!("invalid SQLite URL {shown}: {e}")))?
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            if !in_memory {
                // WAL with synchronous=NORMAL: a commit survives a process crash and only the
                // last commits may be lost on power loss, for one fsync per checkpoint instead
                // of one per transaction (a run commits several times).
                opts = opts
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory { 1 } else { max_connections })
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .connect_with(opts)
                .await
                .map_err(Error::db(format!("opening {shown}")))?;
            return Ok(DbPool::Sqlite(pool));
        }
        #[cfg(not(feature = "sqlite"))]
        return Err(Error::config(
            "this build of sitebuilder has no SQLite support; enable the `sqlite` feature",
        ));
    }
    Err(Error::config(format!(
        "unsupported database URL {shown}: use postgres://user@host/db or sqlite://path.db"
    )))
}

/// `tenant_id = account` plus site/sector when the scope narrows to them.
pub(crate) fn scope_cond(scope: &Scope) -> Condition {
    let mut c = Cond::all().add(Expr::col("tenant_id").eq(scope.account_id));
    if let Some(site) = scope.site_id {
        c = c.add(Expr::col("site_id").eq(site));
    }
    if let Some(sector) = scope.sector_id {
        c = c.add(Expr::col("sector_id").eq(sector));
    }
    c
}

/// The current time as a bindable value.
/// A JSON document as a statement value, serialised once straight from its Rust value: no
/// `serde_json::Value` tree to build, clone into the statement and walk again to encode it
/// (a generation writes ≈ 20 KB of JSON). PostgreSQL gets text cast to `jsonb` (which also
/// assigns to a `json` column); SQLite keeps JSON as text anyway.
pub(crate) fn json_doc<T: serde::Serialize + ?Sized>(value: &T, dialect: Dialect) -> Result<Expr> {
    let text = serde_json::to_string(value).map_err(Error::json("a JSON column"))?;
    Ok(match dialect {
        Dialect::Postgres => Expr::val(text).cast_as("jsonb"),
        Dialect::Sqlite => Expr::val(text),
    })
}

pub(crate) fn now() -> Expr {
    Expr::val(chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    /// Only the relaxed pool skips the WAL flush; everything else commits durably.
    #[cfg(feature = "postgres")]
    #[tokio::test]
    async fn only_the_relaxed_pool_commits_asynchronously() {
        use sqlx::Executor;
        let base = std::env::var("SITEBUILDER_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let schema = format!("sbunit_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&base)
            .await
            .expect("PostgreSQL at 127.0.0.1:5432 (tests/services.sh starts it)");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .await
            .expect("schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let store = SqlStore::open(&url, SqlStoreOptions::default())
            .await
            .expect("open");
        async fn setting(pool: &DbPool) -> String {
            let mut held = pool.acquire().await.expect("acquire");
            #[allow(irrefutable_let_patterns)]
            let db::Held::Pg(conn) = &mut held else {
                panic!("not PostgreSQL")
            };
            let (value,): (String,) = sqlx::query_as("SHOW synchronous_commit")
                .fetch_one(&mut **conn)
                .await
                .expect("show");
            value
        }
        assert_eq!(setting(&store.relaxed).await, "off");
        assert_ne!(setting(&store.pool).await, "off");
        store.close().await;
        admin
            .execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .await
            .expect("drop schema");
    }
}
