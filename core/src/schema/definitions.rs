//! The migrations this library ships, written with sea-query for PostgreSQL and SQLite.
//!
//! A migration is a list of SQL statements generated for the target backend and prefix. Its
//! checksum is the SHA-256 of exactly those statements, so any edit to a shipped migration shows up
//! as a mismatch in `migration_status()` instead of being silently skipped or re-run.

use sea_query::{
    ColumnDef, Expr, ExprTrait, ForeignKey, ForeignKeyAction, Index, OnConflict,
    PostgresQueryBuilder, Query, SchemaStatementBuilder, SqliteQueryBuilder, Table,
    TableCreateStatement,
};
use sha2::{Digest, Sha256};

use super::Tables;
use super::seed::seed_options;
use crate::model::OptionKind;

/// SQL dialect a migration is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// One shipped migration.
#[derive(Debug, Clone, Copy)]
pub struct MigrationDef {
    /// Version number, from 1, contiguous.
    pub version: i64,
    /// Short name; 0001 and 0002 match the seed's Django migrations for adoption.
    pub name: &'static str,
    build: fn(&Tables, Dialect) -> Vec<String>,
}

impl MigrationDef {
    /// `NNNN_name`.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }

    /// The statements for a dialect and prefix.
    pub fn statements(&self, tables: &Tables, dialect: Dialect) -> Vec<String> {
        (self.build)(tables, dialect)
    }

    /// SHA-256 (hex) of the statements.
    pub fn checksum(&self, tables: &Tables, dialect: Dialect) -> String {
        let mut h = Sha256::new();
        for s in self.statements(tables, dialect) {
            h.update(s.as_bytes());
            h.update(b";\n");
        }
        hex(&h.finalize())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every migration, in order.
pub const MIGRATIONS: &[MigrationDef] = &[
    MigrationDef {
        version: 1,
        name: "initial",
        build: m0001_initial,
    },
    MigrationDef {
        version: 2,
        name: "sitebuilder_metadata",
        build: m0002_metadata,
    },
    MigrationDef {
        version: 3,
        name: "credits",
        build: m0003_credits,
    },
    MigrationDef {
        version: 4,
        name: "ai_tasks",
        build: m0004_ai_tasks,
    },
    MigrationDef {
        version: 5,
        name: "site_assets",
        build: m0005_site_assets,
    },
    MigrationDef {
        version: 6,
        name: "page_lookup_index",
        build: m0006_page_lookup_index,
    },
    MigrationDef {
        version: 7,
        name: "idempotency_keys",
        build: m0007_idempotency_keys,
    },
    MigrationDef {
        version: 8,
        name: "site_deployments",
        build: m0008_site_deployments,
    },
    MigrationDef {
        version: 9,
        name: "blueprint_versions",
        build: m0009_blueprint_versions,
    },
];

fn render_table(t: &TableCreateStatement, d: Dialect) -> String {
    match d {
        Dialect::Postgres => t.to_string(PostgresQueryBuilder),
        Dialect::Sqlite => t.to_string(SqliteQueryBuilder),
    }
}

fn render<S: SchemaStatementBuilder>(s: &S, d: Dialect) -> String {
    match d {
        Dialect::Postgres => s.to_string(PostgresQueryBuilder),
        Dialect::Sqlite => s.to_string(SqliteQueryBuilder),
    }
}

fn id_col() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(name.to_string())
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// Tenant columns of the seed's `SiteSectorBaseModel`. `site_id`/`sector_id` are nullable here;
/// adopted Django tables may make them NOT NULL, which the store detects and enforces.
fn tenant_cols(t: &mut TableCreateStatement) {
    t.col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("site_id").big_integer().null())
        .col(ColumnDef::new("sector_id").big_integer().null());
}

fn m0001_initial(tables: &Tables, d: Dialect) -> Vec<String> {
    let bp = tables.blueprints();
    let pages = tables.pages();
    let mut blueprints = Table::create();
    blueprints.table(bp.clone()).if_not_exists().col(id_col());
    tenant_cols(&mut blueprints);
    blueprints
        .col(ColumnDef::new("name").string_len(255).not_null())
        .col(ColumnDef::new("description").text().not_null())
        .col(ColumnDef::new("config_json").json_binary().not_null())
        .col(ColumnDef::new("structure_json").json_binary().not_null())
        .col(ColumnDef::new("status").string_len(20).not_null())
        .col(ColumnDef::new("hosting_type").string_len(50).not_null())
        .col(ColumnDef::new("version").integer().not_null())
        .col(ColumnDef::new("deployed_version").integer().null())
        .col(ts("created_at"))
        .col(ts("updated_at"));

    let mut page_table = Table::create();
    page_table
        .table(pages.clone())
        .if_not_exists()
        .col(id_col())
        .col(ColumnDef::new("site_blueprint_id").big_integer().not_null());
    tenant_cols(&mut page_table);
    page_table
        .col(ColumnDef::new("slug").string_len(255).not_null())
        .col(ColumnDef::new("title").string_len(255).not_null())
        .col(ColumnDef::new("type").string_len(50).not_null())
        .col(ColumnDef::new("blocks_json").json_binary().not_null())
        .col(ColumnDef::new("status").string_len(20).not_null())
        .col(ColumnDef::new("order").integer().not_null())
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .from(pages.clone(), "site_blueprint_id")
                .to(bp.clone(), "id")
                .on_delete(ForeignKeyAction::Cascade),
        );

    vec![
        render_table(&blueprints, d),
        render_table(&page_table, d),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{bp}_tenant_status_idx"))
                .table(bp.clone())
                .col("tenant_id")
                .col("status")
                .take(),
            d,
        ),
        render(
            &Index::create()
                .if_not_exists()
                .unique()
                .name(format!("{pages}_blueprint_slug_uniq"))
                .table(pages.clone())
                .col("site_blueprint_id")
                .col("slug")
                .take(),
            d,
        ),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{pages}_tenant_idx"))
                .table(pages)
                .col("tenant_id")
                .take(),
            d,
        ),
    ]
}

/// The seed rows as one idempotent insert per catalogue.
pub(crate) fn seed_statements(tables: &Tables, d: Dialect) -> Vec<String> {
    OptionKind::ALL
        .into_iter()
        .map(|kind| {
            let now = Expr::cust("CURRENT_TIMESTAMP");
            let mut insert = Query::insert();
            insert.into_table(tables.options(kind)).columns([
                "name",
                "description",
                "is_active",
                "order",
                "created_at",
                "updated_at",
            ]);
            for (i, (name, description)) in seed_options(kind).iter().enumerate() {
                insert.values_panic([
                    (*name).into(),
                    (*description).into(),
                    true.into(),
                    (i as i32).into(),
                    now.clone(),
                    now.clone(),
                ]);
            }
            insert.on_conflict(OnConflict::column("name").do_nothing().to_owned());
            match d {
                Dialect::Postgres => insert.to_string(PostgresQueryBuilder),
                Dialect::Sqlite => insert.to_string(SqliteQueryBuilder),
            }
        })
        .collect()
}

fn m0002_metadata(tables: &Tables, d: Dialect) -> Vec<String> {
    let mut out: Vec<String> = OptionKind::ALL
        .into_iter()
        .map(|kind| {
            render_table(
                &Table::create()
                    .table(tables.options(kind))
                    .if_not_exists()
                    .col(id_col())
                    .col(
                        ColumnDef::new("name")
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new("description").text().not_null())
                    .col(ColumnDef::new("is_active").boolean().not_null())
                    .col(ColumnDef::new("order").integer().not_null())
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .take(),
                d,
            )
        })
        .collect();
    out.extend(seed_statements(tables, d));
    out
}

fn m0003_credits(tables: &Tables, d: Dialect) -> Vec<String> {
    let balances = Table::create()
        .table(tables.credit_balances())
        .if_not_exists()
        .col(
            ColumnDef::new("tenant_id")
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new("balance")
                .big_integer()
                .not_null()
                .check(Expr::col("balance").gte(0)),
        )
        .col(ts("updated_at"))
        .take();
    let txs = Table::create()
        .table(tables.credit_transactions())
        .if_not_exists()
        .col(id_col())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("transaction_type").string_len(20).not_null())
        .col(ColumnDef::new("amount").big_integer().not_null())
        .col(ColumnDef::new("balance_after").big_integer().not_null())
        .col(ColumnDef::new("description").text().not_null())
        .col(ColumnDef::new("metadata").json_binary().not_null())
        .col(ColumnDef::new("reference").string_len(255).null())
        .col(ts("created_at"))
        .take();
    let holds = Table::create()
        .table(tables.credit_holds())
        .if_not_exists()
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("reference").string_len(255).not_null())
        .col(ColumnDef::new("amount").big_integer().not_null())
        .col(ColumnDef::new("state").string_len(20).not_null())
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .primary_key(Index::create().col("tenant_id").col("reference"))
        .take();
    let usage = Table::create()
        .table(tables.credit_usage())
        .if_not_exists()
        .col(id_col())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("operation_type").string_len(50).not_null())
        .col(ColumnDef::new("credits_used").big_integer().not_null())
        .col(ColumnDef::new("cost_usd").double().not_null())
        .col(ColumnDef::new("model_used").string_len(100).not_null())
        .col(ColumnDef::new("tokens_input").big_integer().not_null())
        .col(ColumnDef::new("tokens_output").big_integer().not_null())
        .col(ColumnDef::new("related_object_type").string_len(50).null())
        .col(ColumnDef::new("related_object_id").big_integer().null())
        .col(ColumnDef::new("metadata").json_binary().not_null())
        .col(ts("created_at"))
        .take();
    let tx_table = tables.credit_transactions();
    vec![
        render_table(&balances, d),
        render_table(&txs, d),
        render_table(&holds, d),
        render_table(&usage, d),
        // The idempotency key: one charge (or grant) per reference and kind. Holds and releases
        // may repeat for a reference (a task retried after a failure holds again), so the index is
        // partial; sea-query has no partial index builder, hence the literal statement.
        format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS \"{tx_table}_reference_uniq\" ON \"{tx_table}\" (\"tenant_id\", \"transaction_type\", \"reference\") WHERE \"reference\" IS NOT NULL AND \"transaction_type\" NOT IN ('hold', 'release')"
        ),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{tx_table}_tenant_idx"))
                .table(tx_table.clone())
                .col("tenant_id")
                .col("id")
                .take(),
            d,
        ),
    ]
}

fn m0004_ai_tasks(tables: &Tables, d: Dialect) -> Vec<String> {
    let log = tables.task_log();
    let tasks = Table::create()
        .table(log.clone())
        .if_not_exists()
        .col(id_col())
        .col(
            ColumnDef::new("task_id")
                .string_len(100)
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("function_name").string_len(100).not_null())
        .col(ColumnDef::new("status").string_len(20).not_null())
        .col(ColumnDef::new("phase").string_len(20).not_null())
        .col(ColumnDef::new("progress").small_integer().not_null())
        .col(ColumnDef::new("message").text().not_null())
        .col(ColumnDef::new("prompt_type").string_len(100).null())
        .col(ColumnDef::new("prompt_hash").string_len(64).null())
        .col(ColumnDef::new("provider").string_len(200).null())
        .col(ColumnDef::new("model").string_len(200).null())
        .col(ColumnDef::new("tokens_in").big_integer().not_null())
        .col(ColumnDef::new("tokens_out").big_integer().not_null())
        .col(ColumnDef::new("cost_usd").double().not_null())
        .col(ColumnDef::new("credits").big_integer().not_null())
        .col(ColumnDef::new("error_code").string_len(50).null())
        .col(ColumnDef::new("error_message").text().null())
        .col(ColumnDef::new("payload").json_binary().not_null())
        .col(ColumnDef::new("result").json_binary().null())
        .col(ColumnDef::new("phase_timings").json_binary().not_null())
        .col(ColumnDef::new("attempts").integer().not_null())
        .col(ts("created_at"))
        .col(
            ColumnDef::new("started_at")
                .timestamp_with_time_zone()
                .null(),
        )
        .col(
            ColumnDef::new("finished_at")
                .timestamp_with_time_zone()
                .null(),
        )
        .col(ts("updated_at"))
        .take();
    let prompts = Table::create()
        .table(tables.prompt_overrides())
        .if_not_exists()
        .col(id_col())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("prompt_type").string_len(100).not_null())
        .col(ColumnDef::new("prompt_value").text().not_null())
        .col(ColumnDef::new("is_active").boolean().not_null())
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .take();
    vec![
        render_table(&tasks, d),
        render_table(&prompts, d),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{log}_tenant_created_idx"))
                .table(log.clone())
                .col("tenant_id")
                .col("created_at")
                .take(),
            d,
        ),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{log}_status_updated_idx"))
                .table(log)
                .col("status")
                .col("updated_at")
                .take(),
            d,
        ),
        render(
            &Index::create()
                .if_not_exists()
                .unique()
                .name(format!("{}_tenant_type_uniq", tables.prompt_overrides()))
                .table(tables.prompt_overrides())
                .col("tenant_id")
                .col("prompt_type")
                .take(),
            d,
        ),
    ]
}

/// Site assets: metadata rows and the per-account byte counter the quota is checked against.
/// No foreign key to the blueprint: deleting a blueprint must not silently drop rows whose
/// objects and quota bytes would then leak; the rows stay deletable through the asset API.
fn m0005_site_assets(tables: &Tables, d: Dialect) -> Vec<String> {
    let assets = tables.site_assets();
    let mut rows = Table::create();
    rows.table(assets.clone()).if_not_exists().col(id_col());
    tenant_cols(&mut rows);
    rows.col(ColumnDef::new("site_blueprint_id").big_integer().not_null())
        .col(
            ColumnDef::new("key")
                .string_len(512)
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new("file_name").string_len(255).not_null())
        .col(ColumnDef::new("content_type").string_len(100).not_null())
        .col(
            ColumnDef::new("size_bytes")
                .big_integer()
                .not_null()
                .check(Expr::col("size_bytes").gte(0)),
        )
        .col(ColumnDef::new("checksum_sha256").string_len(64).not_null())
        .col(ColumnDef::new("uploaded_by").string_len(255).null())
        .col(ts("created_at"));
    let usage = Table::create()
        .table(tables.asset_usage())
        .if_not_exists()
        .col(
            ColumnDef::new("tenant_id")
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new("used_bytes")
                .big_integer()
                .not_null()
                .check(Expr::col("used_bytes").gte(0)),
        )
        .col(ts("updated_at"))
        .take();
    vec![
        render_table(&rows, d),
        render_table(&usage, d),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{assets}_tenant_blueprint_idx"))
                .table(assets.clone())
                .col("tenant_id")
                .col("site_blueprint_id")
                .take(),
            d,
        ),
    ]
}

/// Pages are always looked up by account and blueprint together. With only `tenant_id` and
/// `(site_blueprint_id, slug)` indexed, both SQLite and a PostgreSQL without fresh statistics
/// walked every page of the account (a cost growing with the account's page count on every
/// save); one index on both columns makes the lookup exact.
fn m0006_page_lookup_index(tables: &Tables, d: Dialect) -> Vec<String> {
    let pages = tables.pages();
    vec![
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{pages}_tenant_blueprint_idx"))
                .table(pages.clone())
                .col("tenant_id")
                .col("site_blueprint_id")
                .take(),
            d,
        ),
        render(
            Index::drop()
                .if_exists()
                .name(format!("{pages}_tenant_idx"))
                .table(pages),
            d,
        ),
    ]
}

/// A client's retry of a write (same `Idempotency-Key`) gets the first answer back: one row per
/// account and key, claimed before the write runs and holding its answer after.
fn m0007_idempotency_keys(tables: &Tables, d: Dialect) -> Vec<String> {
    let t = Table::create()
        .table(tables.idempotency_keys())
        .if_not_exists()
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("idem_key").string_len(255).not_null())
        .col(ColumnDef::new("operation").string_len(100).not_null())
        .col(ColumnDef::new("request_hash").string_len(64).not_null())
        .col(ColumnDef::new("status").string_len(16).not_null())
        .col(ColumnDef::new("response_json").json_binary().null())
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .primary_key(Index::create().col("tenant_id").col("idem_key"))
        .take();
    vec![render_table(&t, d)]
}

/// Deployments: one row per publish. A new table only; the seed's tables keep their columns.
fn m0008_site_deployments(tables: &Tables, d: Dialect) -> Vec<String> {
    let name = tables.site_deployments();
    let mut t = Table::create();
    t.table(name.clone()).if_not_exists().col(id_col());
    tenant_cols(&mut t);
    t.col(ColumnDef::new("site_blueprint_id").big_integer().not_null())
        .col(ColumnDef::new("version").integer().not_null())
        .col(ColumnDef::new("target").string_len(1024).not_null())
        .col(ColumnDef::new("files").big_integer().not_null())
        .col(ColumnDef::new("bytes").big_integer().not_null())
        .col(ColumnDef::new("checksum").string_len(64).not_null())
        .col(ColumnDef::new("status").string_len(20).not_null())
        .col(ColumnDef::new("error").text().null())
        .col(ts("started_at"))
        .col(
            ColumnDef::new("finished_at")
                .timestamp_with_time_zone()
                .null(),
        );
    vec![
        render_table(&t, d),
        render(
            &Index::create()
                .if_not_exists()
                .name(format!("{name}_tenant_blueprint_idx"))
                .table(name.clone())
                .col("tenant_id")
                .col("site_blueprint_id")
                .take(),
            d,
        ),
    ]
}

/// Blueprint history: one row per change to a blueprint's structure or pages, with the content
/// after the change. A new table only; the seed's tables keep their columns.
fn m0009_blueprint_versions(tables: &Tables, d: Dialect) -> Vec<String> {
    let name = tables.blueprint_versions();
    let mut t = Table::create();
    t.table(name.clone())
        .if_not_exists()
        .col(id_col())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(ColumnDef::new("site_blueprint_id").big_integer().not_null())
        .col(ColumnDef::new("version").integer().not_null())
        .col(ColumnDef::new("operation").string_len(64).not_null())
        .col(ColumnDef::new("actor_json").json_binary().not_null())
        .col(ColumnDef::new("credits").big_integer().not_null())
        .col(ColumnDef::new("content_json").json_binary().not_null())
        .col(ts("created_at"));
    vec![
        render_table(&t, d),
        render(
            &Index::create()
                .if_not_exists()
                .unique()
                .name(format!("{name}_blueprint_version_uniq"))
                .table(name.clone())
                .col("site_blueprint_id")
                .col("version")
                .take(),
            d,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_and_checksums_stable() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            let t = Tables::default();
            for d in [Dialect::Postgres, Dialect::Sqlite] {
                assert_eq!(m.checksum(&t, d), m.checksum(&t, d));
                assert!(!m.statements(&t, d).is_empty());
            }
        }
    }

    #[test]
    fn prefix_changes_table_names() {
        let t = Tables::new("acme_").unwrap();
        let sql = MIGRATIONS[0].statements(&t, Dialect::Postgres).join("\n");
        assert!(sql.contains("\"acme_site_blueprints\""), "{sql}");
        assert!(Tables::new("Bad-Prefix").is_err());
    }
}
