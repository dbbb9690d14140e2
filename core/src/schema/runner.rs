//! Applies migrations: one transaction each, under a database-wide lock, with adoption of tables
//! the seed's Django app already created.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_query::{ColumnDef, Expr, Order, Query, Table};
use sha2::{Digest, Sha256};

use super::{
    ChecksumMismatch, Dialect, MIGRATIONS, MigrationDef, MigrationReport, MigrationState, Tables,
};
use crate::model::OptionKind;
use crate::store::sql::db::{Conn, DbPool};
use crate::{Error, Result};

/// Django migrations of the seed's `site_building` app that our first two migrations correspond to.
const DJANGO_APP: &str = "site_building";

fn django_name(version: i64) -> Option<&'static str> {
    match version {
        1 => Some("0001_initial"),
        2 => Some("0002_sitebuilder_metadata"),
        _ => None,
    }
}

/// Columns the library needs in each table a migration makes (checked when adopting).
fn required_columns(tables: &Tables, version: i64) -> Vec<(String, &'static [&'static str])> {
    const BLUEPRINT: &[&str] = &[
        "id",
        "tenant_id",
        "site_id",
        "sector_id",
        "name",
        "description",
        "config_json",
        "structure_json",
        "status",
        "hosting_type",
        "version",
        "deployed_version",
        "created_at",
        "updated_at",
    ];
    const PAGE: &[&str] = &[
        "id",
        "site_blueprint_id",
        "tenant_id",
        "site_id",
        "sector_id",
        "slug",
        "title",
        "type",
        "blocks_json",
        "status",
        "order",
        "created_at",
        "updated_at",
    ];
    const OPTION: &[&str] = &[
        "id",
        "name",
        "description",
        "is_active",
        "order",
        "created_at",
        "updated_at",
    ];
    match version {
        1 => vec![(tables.blueprints(), BLUEPRINT), (tables.pages(), PAGE)],
        2 => OptionKind::ALL
            .into_iter()
            .map(|k| (tables.options(k), OPTION))
            .collect(),
        _ => vec![],
    }
}

/// A stable advisory-lock key per table prefix, so two prefixes in one database don't wait on each other.
fn lock_key(tables: &Tables) -> i64 {
    let digest = Sha256::digest(format!("sitebuilder-migrate:{}", tables.prefix()).as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

struct Recorded {
    name: String,
    checksum: String,
    applied_at: DateTime<Utc>,
    adopted: bool,
}

async fn ensure_history(conn: &mut Conn<'_>, tables: &Tables) -> Result<()> {
    let stmt = Table::create()
        .table(tables.migrations())
        .if_not_exists()
        .col(
            ColumnDef::new("version")
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new("name").string_len(255).not_null())
        .col(ColumnDef::new("checksum").string_len(64).not_null())
        .col(
            ColumnDef::new("applied_at")
                .timestamp_with_time_zone()
                .not_null(),
        )
        .col(ColumnDef::new("adopted").boolean().not_null())
        .take();
    let sql = match conn.dialect() {
        Dialect::Postgres => stmt.to_string(sea_query::PostgresQueryBuilder),
        Dialect::Sqlite => stmt.to_string(sea_query::SqliteQueryBuilder),
    };
    conn.execute_raw(&sql, "creating the migration history table")
        .await
}

async fn read_history(conn: &mut Conn<'_>, tables: &Tables) -> Result<BTreeMap<i64, Recorded>> {
    let q = Query::select()
        .columns(["version", "name", "checksum", "applied_at", "adopted"])
        .from(tables.migrations())
        .order_by("version", Order::Asc)
        .take();
    let rows = conn.fetch_all(&q, "reading the migration history").await?;
    let mut out = BTreeMap::new();
    for r in rows {
        out.insert(
            r.i64("version")?,
            Recorded {
                name: r.string("name")?,
                checksum: r.string("checksum")?,
                applied_at: r.ts("applied_at")?,
                adopted: r.bool("adopted")?,
            },
        );
    }
    Ok(out)
}

async fn table_exists(conn: &mut Conn<'_>, table: &str) -> Result<bool> {
    let sql = match conn.dialect() {
        Dialect::Postgres => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
        }
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
    };
    Ok(!conn
        .fetch_raw(sql, &[table], "looking up a table")
        .await?
        .is_empty())
}

/// Column name → nullable, for an existing table (empty when the table does not exist).
pub(crate) async fn table_columns(
    conn: &mut Conn<'_>,
    table: &str,
) -> Result<BTreeMap<String, bool>> {
    let mut out = BTreeMap::new();
    match conn.dialect() {
        Dialect::Postgres => {
            let rows = conn
                .fetch_raw(
                    "SELECT column_name::text AS name, (is_nullable = 'YES') AS nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                    &[table],
                    "reading table columns",
                )
                .await?;
            for r in rows {
                out.insert(r.string("name")?, r.bool("nullable")?);
            }
        }
        Dialect::Sqlite => {
            let rows = conn
                .fetch_raw(
                    "SELECT name, (\"notnull\" = 0) AS nullable FROM pragma_table_info(?)",
                    &[table],
                    "reading table columns",
                )
                .await?;
            for r in rows {
                out.insert(r.string("name")?, r.bool("nullable")?);
            }
        }
    }
    Ok(out)
}

async fn django_applied(conn: &mut Conn<'_>, name: &str) -> Result<bool> {
    if !table_exists(conn, "django_migrations").await? {
        return Ok(false);
    }
    let sql = match conn.dialect() {
        Dialect::Postgres => "SELECT name FROM django_migrations WHERE app = $1 AND name = $2",
        Dialect::Sqlite => "SELECT name FROM django_migrations WHERE app = ? AND name = ?",
    };
    Ok(!conn
        .fetch_raw(sql, &[DJANGO_APP, name], "reading django_migrations")
        .await?
        .is_empty())
}

/// If the seed's Django app applied this migration, checks its columns and returns true.
async fn adoptable(conn: &mut Conn<'_>, tables: &Tables, m: &MigrationDef) -> Result<bool> {
    let Some(dj) = django_name(m.version) else {
        return Ok(false);
    };
    if !django_applied(conn, dj).await? {
        return Ok(false);
    }
    let mut missing = Vec::new();
    for (table, cols) in required_columns(tables, m.version) {
        let have = table_columns(conn, &table).await?;
        for c in cols {
            if !have.contains_key(*c) {
                missing.push(format!("{table}.{c}"));
            }
        }
    }
    if missing.is_empty() {
        Ok(true)
    } else {
        Err(Error::SchemaMismatch { missing })
    }
}

async fn record(
    conn: &mut Conn<'_>,
    tables: &Tables,
    m: &MigrationDef,
    checksum: &str,
    adopted: bool,
) -> Result<()> {
    let q = Query::insert()
        .into_table(tables.migrations())
        .columns(["version", "name", "checksum", "applied_at", "adopted"])
        .values_panic([
            m.version.into(),
            m.name.into(),
            checksum.into(),
            Expr::val(Utc::now()),
            adopted.into(),
        ])
        .take();
    conn.execute(&q, "recording a migration").await.map(|_| ())
}

/// Applies one migration in its own transaction, re-checking the history inside it so that a
/// concurrent process that got there first is respected (the SQLite path has no advisory lock).
async fn apply_one(
    conn: &mut Conn<'_>,
    tables: &Tables,
    m: &MigrationDef,
    report: &mut MigrationReport,
) -> Result<()> {
    let dialect = conn.dialect();
    let begin = match dialect {
        Dialect::Postgres => "BEGIN",
        Dialect::Sqlite => "BEGIN IMMEDIATE",
    };
    conn.execute_raw(begin, "beginning a migration").await?;
    let outcome = async {
        if read_history(conn, tables).await?.contains_key(&m.version) {
            report.already_applied.push(m.label());
            return Ok(());
        }
        let checksum = m.checksum(tables, dialect);
        if adoptable(conn, tables, m).await? {
            record(conn, tables, m, &checksum, true).await?;
            report.adopted.push(m.label());
            return Ok(());
        }
        for stmt in m.statements(tables, dialect) {
            conn.execute_raw(&stmt, &format!("applying migration {}", m.label()))
                .await?;
        }
        record(conn, tables, m, &checksum, false).await?;
        report.applied.push(m.label());
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => conn.execute_raw("COMMIT", "committing a migration").await,
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = conn
                .execute_raw("ROLLBACK", "rolling back a migration")
                .await;
            Err(e)
        }
    }
}

fn verify_checksums(
    history: &BTreeMap<i64, Recorded>,
    tables: &Tables,
    dialect: Dialect,
) -> Result<()> {
    for m in MIGRATIONS {
        if let Some(r) = history.get(&m.version) {
            let expected = m.checksum(tables, dialect);
            if r.checksum != expected {
                return Err(Error::MigrationChecksumMismatch {
                    version: m.version,
                    name: m.name.to_string(),
                    recorded: r.checksum.clone(),
                    expected,
                });
            }
        }
    }
    Ok(())
}

async fn migrate_on(conn: &mut Conn<'_>, tables: &Tables) -> Result<MigrationReport> {
    ensure_history(conn, tables).await?;
    let history = read_history(conn, tables).await?;
    verify_checksums(&history, tables, conn.dialect())?;
    let mut report = MigrationReport::default();
    for m in MIGRATIONS {
        if history.contains_key(&m.version) {
            report.already_applied.push(m.label());
        } else {
            apply_one(conn, tables, m, &mut report).await?;
        }
    }
    Ok(report)
}

/// Applies every pending migration. On PostgreSQL the whole run holds an advisory lock, so
/// processes starting together apply each migration exactly once and all return success.
pub(crate) async fn migrate(pool: &DbPool, tables: &Tables) -> Result<MigrationReport> {
    let mut held = pool.acquire().await?;
    let mut conn = held.conn();
    if conn.dialect() == Dialect::Sqlite {
        return migrate_on(&mut conn, tables).await;
    }
    let key = lock_key(tables);
    conn.execute_raw(
        &format!("SELECT pg_advisory_lock({key})"),
        "taking the migration lock",
    )
    .await?;
    let result = migrate_on(&mut conn, tables).await;
    let unlock = conn
        .execute_raw(
            &format!("SELECT pg_advisory_unlock({key})"),
            "releasing the migration lock",
        )
        .await;
    let report = result?;
    unlock?;
    Ok(report)
}

/// Every shipped migration with its state in this database.
pub(crate) async fn status(pool: &DbPool, tables: &Tables) -> Result<Vec<MigrationState>> {
    let mut held = pool.acquire().await?;
    let mut conn = held.conn();
    let dialect = conn.dialect();
    let history = if table_exists(&mut conn, &tables.migrations()).await? {
        read_history(&mut conn, tables).await?
    } else {
        BTreeMap::new()
    };
    Ok(MIGRATIONS
        .iter()
        .map(|m| {
            let r = history.get(&m.version);
            let expected = m.checksum(tables, dialect);
            MigrationState {
                version: m.version,
                name: r
                    .map(|r| r.name.clone())
                    .unwrap_or_else(|| m.name.to_string()),
                applied: r.is_some(),
                applied_at: r.map(|r| r.applied_at),
                adopted: r.is_some_and(|r| r.adopted),
                checksum_mismatch: r
                    .filter(|r| r.checksum != expected)
                    .map(|r| ChecksumMismatch {
                        recorded: r.checksum.clone(),
                        expected,
                    }),
            }
        })
        .collect())
}
