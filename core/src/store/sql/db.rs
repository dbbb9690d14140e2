//! A thin layer over sqlx that runs one sea-query statement on either backend.
//!
//! The store's queries are written once with sea-query; this layer renders them for the backend
//! the URL chose and decodes rows through [`DbRow`], which hides the backends' type differences
//! (jsonb vs JSON text, int4 vs int8).

use chrono::{DateTime, Utc};
use sea_query_sqlx::SqlxBinder;
use serde_json::Value;
use sqlx::Row;

use crate::schema::Dialect;
use crate::{Error, Result};

#[cfg(feature = "postgres")]
use sqlx::postgres::{PgConnection, PgPool, PgRow, Postgres};
#[cfg(feature = "sqlite")]
use sqlx::sqlite::{Sqlite, SqliteConnection, SqlitePool, SqliteRow};

/// A connection pool of the backend the URL chose.
#[derive(Debug, Clone)]
pub(crate) enum DbPool {
    #[cfg(feature = "postgres")]
    Pg(PgPool),
    #[cfg(feature = "sqlite")]
    Sqlite(SqlitePool),
}

/// A borrowed connection (from a pool or inside a transaction).
pub(crate) enum Conn<'a> {
    #[cfg(feature = "postgres")]
    Pg(&'a mut PgConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut SqliteConnection),
}

/// An open transaction.
pub(crate) enum Tx {
    #[cfg(feature = "postgres")]
    Pg(sqlx::Transaction<'static, Postgres>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, Sqlite>),
}

/// A connection held from the pool.
pub(crate) enum Held {
    #[cfg(feature = "postgres")]
    Pg(sqlx::pool::PoolConnection<Postgres>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
}

/// A fetched row of either backend.
pub(crate) enum DbRow {
    #[cfg(feature = "postgres")]
    Pg(PgRow),
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteRow),
}

impl DbPool {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            DbPool::Pg(_) => Dialect::Postgres,
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(_) => Dialect::Sqlite,
        }
    }

    pub(crate) async fn acquire(&self) -> Result<Held> {
        Ok(match self {
            #[cfg(feature = "postgres")]
            DbPool::Pg(p) => Held::Pg(
                p.acquire()
                    .await
                    .map_err(Error::db("acquiring a connection"))?,
            ),
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(p) => Held::Sqlite(
                p.acquire()
                    .await
                    .map_err(Error::db("acquiring a connection"))?,
            ),
        })
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so two writers queue on the
    /// database lock up front instead of deadlocking when a reader upgrades to a writer.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            #[cfg(feature = "postgres")]
            DbPool::Pg(p) => Tx::Pg(
                p.begin()
                    .await
                    .map_err(Error::db("beginning a transaction"))?,
            ),
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(p) => Tx::Sqlite(
                p.begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(Error::db("beginning a transaction"))?,
            ),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            #[cfg(feature = "postgres")]
            DbPool::Pg(p) => p.close().await,
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(p) => p.close().await,
        }
    }
}

impl Held {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            #[cfg(feature = "postgres")]
            Held::Pg(c) => Conn::Pg(c),
            #[cfg(feature = "sqlite")]
            Held::Sqlite(c) => Conn::Sqlite(c),
        }
    }
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            #[cfg(feature = "postgres")]
            Tx::Pg(t) => Conn::Pg(t),
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => Conn::Sqlite(t),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            #[cfg(feature = "postgres")]
            Tx::Pg(t) => t.commit().await,
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => t.commit().await,
        }
        .map_err(Error::db("committing"))
    }
}

impl Conn<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(_) => Dialect::Postgres,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(_) => Dialect::Sqlite,
        }
    }

    pub(crate) async fn fetch_all<S: SqlxBinder>(
        &mut self,
        stmt: &S,
        context: &str,
    ) -> Result<Vec<DbRow>> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => {
                let (sql, values) = stmt.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                    .fetch_all(&mut **c)
                    .await
                    .map(|rows| rows.into_iter().map(DbRow::Pg).collect())
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => {
                let (sql, values) = stmt.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                    .fetch_all(&mut **c)
                    .await
                    .map(|rows| rows.into_iter().map(DbRow::Sqlite).collect())
            }
        }
        .map_err(|e| map_db_error(e, context))
    }

    pub(crate) async fn fetch_optional<S: SqlxBinder>(
        &mut self,
        stmt: &S,
        context: &str,
    ) -> Result<Option<DbRow>> {
        Ok(self.fetch_all(stmt, context).await?.into_iter().next())
    }

    /// Runs a statement and returns the rows it affected.
    pub(crate) async fn execute<S: SqlxBinder>(&mut self, stmt: &S, context: &str) -> Result<u64> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => {
                let (sql, values) = stmt.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                    .execute(&mut **c)
                    .await
                    .map(|r| r.rows_affected())
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => {
                let (sql, values) = stmt.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                    .execute(&mut **c)
                    .await
                    .map(|r| r.rows_affected())
            }
        }
        .map_err(|e| map_db_error(e, context))
    }

    /// Runs literal SQL without parameters (DDL, locks).
    pub(crate) async fn execute_raw(&mut self, sql: &str, context: &str) -> Result<()> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut **c)
                .await
                .map(|_| ()),
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut **c)
                .await
                .map(|_| ()),
        }
        .map_err(|e| map_db_error(e, context))
    }

    /// Runs literal SQL with string binds and returns the rows (catalogue look-ups).
    pub(crate) async fn fetch_raw(
        &mut self,
        sql: &str,
        binds: &[&str],
        context: &str,
    ) -> Result<Vec<DbRow>> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for b in binds {
                    q = q.bind(b.to_string());
                }
                q.fetch_all(&mut **c)
                    .await
                    .map(|r| r.into_iter().map(DbRow::Pg).collect())
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for b in binds {
                    q = q.bind(b.to_string());
                }
                q.fetch_all(&mut **c)
                    .await
                    .map(|r| r.into_iter().map(DbRow::Sqlite).collect())
            }
        }
        .map_err(|e| map_db_error(e, context))
    }
}

/// Turns "table does not exist" into [`Error::MigrationRequired`], and unique violations into
/// [`Error::Conflict`], so callers get an error they can act on instead of a driver message.
pub(crate) fn map_db_error(e: sqlx::Error, context: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message().to_string();
        let code = db.code().map(|c| c.to_string()).unwrap_or_default();
        if code == "42P01" || msg.contains("no such table") {
            return Error::MigrationRequired {
                pending: vec![format!("(tables missing: {msg})")],
            };
        }
        if db.is_unique_violation() {
            // The constraint's name is the database's business, not the caller's.
            return Error::conflict(format!(
                "{context}: a record with the same unique value already exists (a page slug is unique within its blueprint, an option name within its list); choose another value"
            ));
        }
    }
    Error::Database {
        context: context.to_string(),
        source: e,
    }
}

fn decode_err(col: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |e| Error::Database {
        context: format!("decoding column {col}"),
        source: e,
    }
}

impl DbRow {
    pub(crate) fn i64(&self, col: &str) -> Result<i64> {
        self.opt_i64(col)?
            .ok_or_else(|| Error::invalid(format!("column {col} is NULL")))
    }

    /// Integer columns may be int2, int4 or int8 in tables the library adopts.
    pub(crate) fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r
                .try_get::<Option<i64>, _>(col)
                .or_else(|_| r.try_get::<Option<i32>, _>(col).map(|v| v.map(i64::from)))
                .or_else(|_| r.try_get::<Option<i16>, _>(col).map(|v| v.map(i64::from)))
                .map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => r.try_get::<Option<i64>, _>(col).map_err(decode_err(col)),
        }
    }

    pub(crate) fn i32(&self, col: &str) -> Result<i32> {
        let v = self.i64(col)?;
        i32::try_from(v).map_err(|_| Error::invalid(format!("column {col} value {v} out of range")))
    }

    pub(crate) fn opt_i32(&self, col: &str) -> Result<Option<i32>> {
        self.opt_i64(col)?
            .map(|v| {
                i32::try_from(v).map_err(|_| Error::invalid(format!("column {col} out of range")))
            })
            .transpose()
    }

    pub(crate) fn f64(&self, col: &str) -> Result<f64> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r.try_get::<f64, _>(col).map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => r.try_get::<f64, _>(col).map_err(decode_err(col)),
        }
    }

    pub(crate) fn bool(&self, col: &str) -> Result<bool> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r.try_get::<bool, _>(col).map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => r.try_get::<bool, _>(col).map_err(decode_err(col)),
        }
    }

    pub(crate) fn opt_string(&self, col: &str) -> Result<Option<String>> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r.try_get::<Option<String>, _>(col).map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => r.try_get::<Option<String>, _>(col).map_err(decode_err(col)),
        }
    }

    /// Text columns; NULL (allowed by some adopted Django columns) reads as "".
    pub(crate) fn string(&self, col: &str) -> Result<String> {
        Ok(self.opt_string(col)?.unwrap_or_default())
    }

    pub(crate) fn opt_json(&self, col: &str) -> Result<Option<Value>> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r
                .try_get::<Option<sqlx::types::Json<Value>>, _>(col)
                .map(|v| v.map(|j| j.0))
                .map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => match r
                .try_get::<Option<String>, _>(col)
                .map_err(decode_err(col))?
            {
                None => Ok(None),
                Some(text) => serde_json::from_str(&text)
                    .map(Some)
                    .map_err(Error::json(format!("column {col}"))),
            },
        }
    }

    pub(crate) fn json(&self, col: &str) -> Result<Value> {
        Ok(self.opt_json(col)?.unwrap_or(Value::Null))
    }

    pub(crate) fn opt_ts(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        match self {
            #[cfg(feature = "postgres")]
            DbRow::Pg(r) => r
                .try_get::<Option<DateTime<Utc>>, _>(col)
                .map_err(decode_err(col)),
            #[cfg(feature = "sqlite")]
            DbRow::Sqlite(r) => r
                .try_get::<Option<DateTime<Utc>>, _>(col)
                .map_err(decode_err(col)),
        }
    }

    pub(crate) fn ts(&self, col: &str) -> Result<DateTime<Utc>> {
        self.opt_ts(col)?
            .ok_or_else(|| Error::invalid(format!("column {col} is NULL")))
    }
}
