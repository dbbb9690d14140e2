//! Task log rows.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

use super::db::{Conn, DbRow};
use super::{SqlStore, json_doc, now};
use crate::schema::Dialect;
use crate::store::TaskLog;
use crate::store::{StartedTask, TaskHold, TaskStats};
use crate::tasks::{TaskQuery, TaskRecord, TaskStatus};
use crate::{Error, Result};

const TASK_COLUMNS: [&str; 26] = [
    "task_id",
    "tenant_id",
    "function_name",
    "status",
    "phase",
    "progress",
    "message",
    "prompt_type",
    "prompt_hash",
    "provider",
    "model",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "credits",
    "error_code",
    "error_message",
    "payload",
    "result",
    "phase_timings",
    "attempts",
    "created_at",
    "started_at",
    "finished_at",
    "updated_at",
    "id",
];

/// Columns a task update leaves alone.
const IMMUTABLE_TASK_COLUMNS: [&str; 5] = [
    "task_id",
    "tenant_id",
    "function_name",
    "payload",
    "created_at",
];

fn task_values(t: &TaskRecord, d: Dialect) -> Result<Vec<Expr>> {
    Ok(vec![
        t.task_id.as_str().into(),
        t.account_id.into(),
        t.function_name.as_str().into(),
        t.status.as_str().into(),
        t.phase.as_str().into(),
        i16::from(t.progress).into(),
        t.message.as_str().into(),
        t.prompt_type.clone().into(),
        t.prompt_hash.clone().into(),
        t.provider.clone().into(),
        t.model.clone().into(),
        t.tokens_in.into(),
        t.tokens_out.into(),
        t.cost_usd.into(),
        t.credits.into(),
        t.error_code.clone().into(),
        t.error_message.clone().into(),
        json_doc(&t.payload, d)?,
        match &t.result {
            Some(v) => json_doc(v, d)?,
            None => Expr::val(Option::<serde_json::Value>::None),
        },
        json_doc(&t.phase_timings, d)?,
        t.attempts.into(),
        Expr::val(t.created_at),
        Expr::val(t.started_at),
        Expr::val(t.finished_at),
        Expr::val(t.updated_at),
    ])
}

fn task_from_row(r: &DbRow) -> Result<TaskRecord> {
    let timings: BTreeMap<String, u64> = match r.json("phase_timings")? {
        serde_json::Value::Null => BTreeMap::new(),
        v => serde_json::from_value(v).map_err(Error::json("phase timings"))?,
    };
    Ok(TaskRecord {
        task_id: r.string("task_id")?,
        account_id: r.i64("tenant_id")?,
        function_name: r.string("function_name")?,
        status: r.string("status")?.parse()?,
        phase: r.string("phase")?.parse()?,
        progress: u8::try_from(r.i64("progress")?.clamp(0, 100)).unwrap_or(0),
        message: r.string("message")?,
        prompt_type: r.opt_string("prompt_type")?,
        prompt_hash: r.opt_string("prompt_hash")?,
        provider: r.opt_string("provider")?,
        model: r.opt_string("model")?,
        tokens_in: r.i64("tokens_in")?,
        tokens_out: r.i64("tokens_out")?,
        cost_usd: r.f64("cost_usd")?,
        credits: r.i64("credits")?,
        error_code: r.opt_string("error_code")?,
        error_message: r.opt_string("error_message")?,
        payload: r.json("payload")?,
        result: r.opt_json("result")?,
        phase_timings: timings,
        attempts: r.i32("attempts")?,
        created_at: r.ts("created_at")?,
        started_at: r.opt_ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

impl SqlStore {
    /// Inserts a task row unless its task id exists; returns whether it did.
    async fn insert_task_on(&self, conn: &mut Conn<'_>, record: &TaskRecord) -> Result<bool> {
        let q = Query::insert()
            .into_table(self.tables.task_log())
            .columns(TASK_COLUMNS[..25].iter().copied())
            .values_panic(task_values(record, conn.dialect())?)
            .on_conflict(OnConflict::column("task_id").do_nothing().to_owned())
            .take();
        Ok(conn.execute(&q, "writing the task log").await? == 1)
    }

    async fn read_task_on(&self, conn: &mut Conn<'_>, task_id: &str) -> Result<TaskRecord> {
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.task_log())
            .and_where(Expr::col("task_id").eq(task_id))
            .take();
        let row = conn
            .fetch_optional(&q, "reading the task log")
            .await?
            .ok_or_else(|| Error::not_found("task", task_id))?;
        task_from_row(&row)
    }
}

#[async_trait]
impl TaskLog for SqlStore {
    async fn insert_task(&self, record: TaskRecord) -> Result<(TaskRecord, bool)> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        if self.insert_task_on(&mut conn, &record).await? {
            return Ok((record, true));
        }
        Ok((self.read_task_on(&mut conn, &record.task_id).await?, false))
    }

    /// The task row and its credit hold in one transaction. A hold the balance does not cover
    /// writes nothing but the task row, which is committed so the failure is on record.
    async fn start_task(&self, record: TaskRecord, hold: Option<TaskHold>) -> Result<StartedTask> {
        let Some(hold) = hold else {
            let (record, inserted) = self.insert_task(record).await?;
            return Ok(StartedTask {
                record,
                inserted,
                hold: None,
            });
        };
        self.ensure_ready().await?;
        // Relaxed durability is enough here: if the server crashed before this commit reached
        // disk, the run dies with it and nothing was charged; and the run's save commits
        // durably, which flushes this earlier commit with it.
        let mut tx = self.relaxed.begin().await?;
        let mut conn = tx.conn();
        if !self.insert_task_on(&mut conn, &record).await? {
            let existing = self.read_task_on(&mut conn, &record.task_id).await?;
            return Ok(StartedTask {
                record: existing,
                inserted: false,
                hold: None,
            });
        }
        let outcome = match self
            .hold_on(
                &mut conn,
                record.account_id,
                hold.amount,
                &record.task_id,
                &hold.description,
            )
            .await
        {
            Err(e) if !matches!(e, Error::InsufficientCredits { .. }) => return Err(e),
            other => other,
        };
        tx.commit().await?;
        Ok(StartedTask {
            record,
            inserted: true,
            hold: Some(outcome),
        })
    }

    /// One conditional UPDATE: of two deliveries of a message, exactly one sees a row changed.
    async fn claim_task(&self, account_id: i64, task_id: &str, from: TaskStatus) -> Result<bool> {
        self.ensure_ready().await?;
        let q = Query::update()
            .table(self.tables.task_log())
            .value("status", TaskStatus::Running.as_str())
            .value("started_at", now())
            .value("updated_at", now())
            .and_where(Expr::col("task_id").eq(task_id))
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("status").eq(from.as_str()))
            .take();
        let mut held = self.pool.acquire().await?;
        Ok(held.conn().execute(&q, "claiming a queued task").await? == 1)
    }

    /// Overwrites a run's row. Progress and outcome rows go through the relaxed pool: a database
    /// crash may lose the last of them, which leaves the run looking `running` until
    /// `recover_stale` fails it; the run's money and output were committed durably on their own.
    async fn update_task(&self, record: &TaskRecord) -> Result<()> {
        self.ensure_ready().await?;
        let mut q = Query::update();
        q.table(self.tables.task_log());
        // Only what a run changes: the payload, owner and creation time stay as inserted.
        for (col, val) in TASK_COLUMNS[..25]
            .iter()
            .zip(task_values(record, self.dialect())?)
        {
            if !IMMUTABLE_TASK_COLUMNS.contains(col) {
                q.value(*col, val);
            }
        }
        q.and_where(Expr::col("task_id").eq(record.task_id.as_str()));
        let mut held = self.relaxed.acquire().await?;
        let n = held.conn().execute(&q, "updating the task log").await?;
        match n {
            0 => Err(Error::not_found("task", &record.task_id)),
            _ => Ok(()),
        }
    }

    async fn get_task(&self, account_id: Option<i64>, task_id: &str) -> Result<TaskRecord> {
        self.ensure_ready().await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.task_log())
            .and_where(Expr::col("task_id").eq(task_id));
        if let Some(a) = account_id {
            q.and_where(Expr::col("tenant_id").eq(a));
        }
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, "reading the task log")
            .await?
            .ok_or_else(|| Error::not_found("task", task_id))?;
        task_from_row(&row)
    }

    async fn list_tasks(&self, query: TaskQuery) -> Result<Vec<TaskRecord>> {
        self.ensure_ready().await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.task_log())
            .order_by("created_at", Order::Desc)
            .order_by("id", Order::Desc)
            .limit(u64::from(if query.limit == 0 { 500 } else { query.limit }));
        if let Some(a) = query.account_id {
            q.and_where(Expr::col("tenant_id").eq(a));
        }
        if let Some(f) = &query.function_name {
            q.and_where(Expr::col("function_name").eq(f.as_str()));
        }
        if let Some(s) = query.status {
            q.and_where(Expr::col("status").eq(s.as_str()));
        }
        if let Some(since) = query.since {
            q.and_where(Expr::col("created_at").gte(Expr::val(since)));
        }
        if let Some(before) = query.updated_before {
            q.and_where(Expr::col("updated_at").lt(Expr::val(before)));
        }
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing the task log")
            .await?
            .iter()
            .map(task_from_row)
            .collect()
    }

    async fn task_stats(&self, since: DateTime<Utc>) -> Result<Vec<TaskStats>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .columns(["function_name", "status", "error_code"])
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from(self.tables.task_log())
            .and_where(Expr::col("created_at").gte(Expr::val(since)))
            .group_by_columns(["function_name", "status", "error_code"])
            .take();
        let mut held = self.pool.acquire().await?;
        let rows = held
            .conn()
            .fetch_all(&q, "summarising the task log")
            .await?;
        let mut out: BTreeMap<String, TaskStats> = BTreeMap::new();
        for r in rows {
            let name = r.string("function_name")?;
            let n = u64::try_from(r.i64("n")?).unwrap_or(0);
            let status: TaskStatus = r.string("status")?.parse()?;
            let s = out.entry(name.clone()).or_insert_with(|| TaskStats {
                function_name: name,
                ..TaskStats::default()
            });
            match status {
                TaskStatus::Succeeded => s.succeeded += n,
                TaskStatus::Failed => {
                    let code = r
                        .opt_string("error_code")?
                        .unwrap_or_else(|| "unknown".into());
                    *s.failed_by_code.entry(code).or_default() += n;
                }
                TaskStatus::Cancelled => s.cancelled += n,
                TaskStatus::Queued | TaskStatus::Running => continue,
            }
            s.finished += n;
        }
        Ok(out.into_values().collect())
    }
}
