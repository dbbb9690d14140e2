//! The credit ledger in SQL: balances that never go negative, holds, and idempotent captures.
//!
//! A hold debits the balance with a conditional `UPDATE … WHERE balance >= amount`, which the
//! database serialises per account row, so no interleaving of workers can overdraw an account.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

use super::db::{Conn, DbRow};
use super::{SqlStore, now};
use crate::credits::rules::{self, CaptureStep, HoldRecord, HoldState, HoldStep};
use crate::credits::{
    Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry, UsageRecord,
};
use crate::schema::Dialect;
use crate::store::CreditLedger;
use crate::{Error, Result};

fn tx_from_row(r: &DbRow) -> Result<CreditTransaction> {
    Ok(CreditTransaction {
        id: r.i64("id")?,
        account_id: r.i64("tenant_id")?,
        transaction_type: r.string("transaction_type")?.parse()?,
        amount: r.i64("amount")?,
        balance_after: r.i64("balance_after")?,
        description: r.string("description")?,
        metadata: r.json("metadata")?,
        reference: r.opt_string("reference")?,
        created_at: r.ts("created_at")?,
    })
}

/// Ledger columns, in the order of [`ledger_values`].
const LEDGER_COLUMNS: [&str; 8] = [
    "tenant_id",
    "transaction_type",
    "amount",
    "balance_after",
    "description",
    "metadata",
    "reference",
    "created_at",
];

fn ledger_values(
    account_id: i64,
    kind: TransactionType,
    amount: i64,
    balance_after: Expr,
    description: &str,
    reference: Option<&str>,
) -> Vec<Expr> {
    vec![
        account_id.into(),
        kind.as_str().into(),
        amount.into(),
        balance_after,
        description.into(),
        Expr::val(serde_json::json!({})),
        reference.map(str::to_string).into(),
        now(),
    ]
}

/// The usage-log columns and values of a capture; `credits` is the captured amount (a value,
/// or a column of the statement's hold CTE).
fn usage_row(account_id: i64, capture: &Capture, credits: Expr) -> ([&'static str; 11], Vec<Expr>) {
    let u = &capture.usage;
    let metadata = rules::usage_metadata(&u.metadata);
    (
        [
            "tenant_id",
            "operation_type",
            "credits_used",
            "cost_usd",
            "model_used",
            "tokens_input",
            "tokens_output",
            "related_object_type",
            "related_object_id",
            "metadata",
            "created_at",
        ],
        vec![
            account_id.into(),
            u.operation_type.as_str().into(),
            credits,
            u.cost_usd.into(),
            u.model_used.as_str().into(),
            u.tokens_input.into(),
            u.tokens_output.into(),
            u.related_object_type.clone().into(),
            u.related_object_id.into(),
            Expr::val(metadata),
            now(),
        ],
    )
}

/// `WITH name AS (statement)`.
fn cte(name: &str, statement: sea_query::UpdateStatement) -> sea_query::WithClause {
    sea_query::WithClause::new()
        .cte(
            sea_query::CommonTableExpression::new()
                .query(statement)
                .table_name(name.to_string())
                .to_owned(),
        )
        .to_owned()
}

/// One ledger row to append.
struct LedgerRow<'a> {
    kind: TransactionType,
    amount: i64,
    balance_after: i64,
    description: &'a str,
}

impl SqlStore {
    async fn balance_on(&self, conn: &mut Conn<'_>, account_id: i64) -> Result<i64> {
        let q = Query::select()
            .column("balance")
            .from(self.tables.credit_balances())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .take();
        match conn.fetch_optional(&q, "reading a credit balance").await? {
            Some(r) => r.i64("balance"),
            None => Ok(0),
        }
    }

    /// Locks the account's balance row for this transaction (creating it at 0) and returns the
    /// balance. Every path that appends ledger rows takes this lock first, so `balance_after`
    /// follows the order in which rows are appended, even with many workers at once.
    async fn lock_balance(&self, conn: &mut Conn<'_>, account_id: i64) -> Result<i64> {
        Ok(self.add_balance(conn, account_id, 0).await?.unwrap_or(0))
    }

    /// Adds `delta` (may be negative) to the balance, refusing to go below zero. Returns the new
    /// balance, or `None` when the balance does not cover a negative delta.
    async fn add_balance(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        delta: i64,
    ) -> Result<Option<i64>> {
        let table = self.tables.credit_balances();
        if delta >= 0 {
            let q = Query::insert()
                .into_table(table.clone())
                .columns(["tenant_id", "balance", "updated_at"])
                .values_panic([account_id.into(), delta.into(), now()])
                .on_conflict(
                    OnConflict::column("tenant_id")
                        .value(
                            "balance",
                            Expr::cust(format!("\"{table}\".\"balance\" + EXCLUDED.\"balance\"")),
                        )
                        .value("updated_at", now())
                        .to_owned(),
                )
                .returning_col("balance")
                .take();
            let row = conn.fetch_optional(&q, "crediting a balance").await?;
            return row.map(|r| r.i64("balance")).transpose();
        }
        let q = Query::update()
            .table(table)
            .value("balance", Expr::col("balance").add(delta))
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("balance").gte(-delta))
            .returning_col("balance")
            .take();
        conn.fetch_optional(&q, "debiting a balance")
            .await?
            .map(|r| r.i64("balance"))
            .transpose()
    }

    /// Appends ledger rows in one statement (a capture writes its release and deduction together).
    async fn append_txs(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: Option<&str>,
        rows: &[LedgerRow<'_>],
    ) -> Result<Vec<CreditTransaction>> {
        let mut q = Query::insert();
        q.into_table(self.tables.credit_transactions())
            .columns(LEDGER_COLUMNS);
        for row in rows {
            q.values_panic(ledger_values(
                account_id,
                row.kind,
                row.amount,
                row.balance_after.into(),
                row.description,
                reference,
            ));
        }
        q.returning_all();
        conn.fetch_all(&q, "appending ledger rows")
            .await?
            .iter()
            .map(tx_from_row)
            .collect()
    }

    async fn append_tx(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: Option<&str>,
        row: LedgerRow<'_>,
    ) -> Result<CreditTransaction> {
        self.append_txs(conn, account_id, reference, &[row])
            .await?
            .pop()
            .ok_or_else(|| Error::invalid("insert returned no row"))
    }

    /// `INSERT` of a hold row (the callers choose what a conflict on the reference does).
    fn hold_row(
        &self,
        account_id: i64,
        reference: &str,
        amount: i64,
        state: HoldState,
    ) -> sea_query::InsertStatement {
        Query::insert()
            .into_table(self.tables.credit_holds())
            .columns([
                "tenant_id",
                "reference",
                "amount",
                "state",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                account_id.into(),
                reference.into(),
                amount.into(),
                state.as_str().into(),
                now(),
                now(),
            ])
            .take()
    }

    /// Writes a new hold row unless one exists for the reference; returns whether it did.
    async fn insert_hold(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: &str,
        amount: i64,
    ) -> Result<bool> {
        let q = self
            .hold_row(account_id, reference, amount, HoldState::Held)
            .on_conflict(
                OnConflict::columns(["tenant_id", "reference"])
                    .do_nothing()
                    .to_owned(),
            )
            .take();
        Ok(conn.execute(&q, "recording a credit hold").await? == 1)
    }

    async fn find_hold(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: &str,
    ) -> Result<Option<HoldRecord>> {
        let q = Query::select()
            .columns(["amount", "state"])
            .from(self.tables.credit_holds())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("reference").eq(reference))
            .lock(sea_query::LockType::Update)
            .take();
        conn.fetch_optional(&q, "reading a credit hold")
            .await?
            .map(|r| {
                Ok(HoldRecord {
                    amount: r.i64("amount")?,
                    state: HoldState::parse(&r.string("state")?)?,
                })
            })
            .transpose()
    }

    async fn set_hold(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: &str,
        amount: i64,
        state: HoldState,
    ) -> Result<()> {
        let q = self
            .hold_row(account_id, reference, amount, state)
            .on_conflict(
                OnConflict::columns(["tenant_id", "reference"])
                    .update_columns(["amount", "state", "updated_at"])
                    .to_owned(),
            )
            .take();
        conn.execute(&q, "recording a credit hold")
            .await
            .map(|_| ())
    }

    /// Reserves `amount` for `reference` on an open transaction. On
    /// [`Error::InsufficientCredits`] it has written nothing.
    ///
    /// A new reference (the common case) writes its hold row first and debits the balance after,
    /// so the account's balance row stays locked only for the debit, one ledger row and the
    /// commit: concurrent runs of one account queue on that row for as short a time as possible.
    pub(super) async fn hold_on(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        rules::check_hold(amount, reference)?;
        let fresh = self
            .insert_hold(conn, account_id, reference, amount)
            .await?;
        if !fresh {
            match rules::hold_step(self.find_hold(conn, account_id, reference).await?) {
                HoldStep::Existing { amount } => {
                    let balance_after = self.balance_on(conn, account_id).await?;
                    return Ok(HoldOutcome::Held {
                        amount,
                        balance_after,
                    });
                }
                HoldStep::AlreadyCaptured => return Ok(HoldOutcome::AlreadyCaptured),
                HoldStep::Take => {}
            }
        }
        // On PostgreSQL the debit and its ledger row are one statement (one round trip less).
        let fused = amount > 0 && conn.dialect() == Dialect::Postgres;
        let debited = if amount == 0 {
            Some(self.lock_balance(conn, account_id).await?)
        } else if fused {
            self.debit_into_ledger(conn, account_id, amount, reference, description)
                .await?
        } else {
            self.add_balance(conn, account_id, -amount).await?
        };
        let Some(balance_after) = debited else {
            if fresh {
                self.delete_hold(conn, account_id, reference).await?;
            }
            let available = self.balance_on(conn, account_id).await?;
            return Err(rules::insufficient(amount, available));
        };
        if !fresh {
            // A released hold of an earlier attempt is taken again.
            self.set_hold(conn, account_id, reference, amount, HoldState::Held)
                .await?;
        }
        if !fused {
            self.append_tx(
                conn,
                account_id,
                Some(reference),
                LedgerRow {
                    kind: TransactionType::Hold,
                    amount: -amount,
                    balance_after,
                    description,
                },
            )
            .await?;
        }
        Ok(HoldOutcome::Held {
            amount,
            balance_after,
        })
    }

    async fn delete_hold(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: &str,
    ) -> Result<()> {
        let q = Query::delete()
            .from_table(self.tables.credit_holds())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("reference").eq(reference))
            .take();
        conn.execute(&q, "removing a credit hold").await.map(|_| ())
    }

    /// Converts a live hold into a deduction on an open transaction (shared with the save paths).
    ///
    /// The hold row is flipped first (a second capture of the same reference waits on it, then
    /// finds it captured); the account's balance row is locked last, for the ledger insert and
    /// the commit only.
    pub(super) async fn capture_on(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        capture: Capture,
    ) -> Result<i64> {
        let pg = conn.dialect() == Dialect::Postgres;
        let flipped = if pg {
            self.flip_hold_into_usage(conn, account_id, &capture)
                .await?
        } else {
            let q = self.flip_hold(account_id, &capture.reference);
            match conn.fetch_optional(&q, "capturing a credit hold").await? {
                Some(r) => {
                    let amount = r.i64("amount")?;
                    let (columns, values) = usage_row(account_id, &capture, amount.into());
                    let q = Query::insert()
                        .into_table(self.tables.credit_usage())
                        .columns(columns)
                        .values_panic(values)
                        .take();
                    conn.execute(&q, "writing the usage log").await?;
                    Some(amount)
                }
                None => None,
            }
        };
        let Some(amount) = flipped else {
            let hold = self.find_hold(conn, account_id, &capture.reference).await?;
            return match rules::capture_step(hold, &capture.reference)? {
                CaptureStep::AlreadyCaptured => Ok(0),
                // The flip above found no live hold under the same row lock.
                CaptureStep::Convert(_) => Err(Error::conflict(format!(
                    "the credit hold for reference {:?} changed during its capture; retry",
                    capture.reference
                ))),
            };
        };
        // The rows the rules ask for, `balance_after` counted from the balance once locked.
        let mut running = 0;
        let rows = rules::capture_entries(amount, &capture).map(|e| {
            running += e.amount;
            LedgerRow {
                kind: e.kind,
                amount: e.amount,
                balance_after: running,
                description: e.description,
            }
        });
        if pg
            && self
                .capture_into_ledger(conn, account_id, &capture.reference, &rows)
                .await?
        {
            return Ok(amount);
        }
        let balance = self.lock_balance(conn, account_id).await?;
        let rows = rows.map(|r| LedgerRow {
            balance_after: balance + r.balance_after,
            ..r
        });
        self.append_txs(conn, account_id, Some(&capture.reference), &rows)
            .await?;
        Ok(amount)
    }

    /// `UPDATE` that turns a live hold into a captured one, returning its amount.
    fn flip_hold(&self, account_id: i64, reference: &str) -> sea_query::UpdateStatement {
        Query::update()
            .table(self.tables.credit_holds())
            .value("state", HoldState::Captured.as_str())
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("reference").eq(reference))
            .and_where(Expr::col("state").eq(HoldState::Held.as_str()))
            .returning_col("amount")
            .take()
    }

    /// PostgreSQL: flips the hold and writes the usage row in one statement; the captured
    /// amount, or `None` when there was no live hold.
    async fn flip_hold_into_usage(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        capture: &Capture,
    ) -> Result<Option<i64>> {
        let held = Expr::col(("held", "amount"));
        let (columns, values) = usage_row(account_id, capture, held);
        let mut select = Query::select();
        select.exprs(values).from("held");
        let q = Query::insert()
            .into_table(self.tables.credit_usage())
            .columns(columns)
            .select_from(select)
            .map_err(|e| Error::invalid(format!("building the usage insert: {e}")))?
            .returning_col("credits_used")
            .take()
            .with(cte("held", self.flip_hold(account_id, &capture.reference)));
        conn.fetch_optional(&q, "capturing a credit hold")
            .await?
            .map(|r| r.i64("credits_used"))
            .transpose()
    }

    /// PostgreSQL: locks the balance row and appends `rows` (their `balance_after` counted from
    /// the locked balance) in one statement. False when the account has no balance row (the
    /// caller takes the long way).
    async fn capture_into_ledger(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        reference: &str,
        rows: &[LedgerRow<'_>],
    ) -> Result<bool> {
        let lock = Query::update()
            .table(self.tables.credit_balances())
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .returning_col("balance")
            .take();
        let mut selects = rows.iter().map(|r| {
            let mut select = Query::select();
            select
                .exprs(ledger_values(
                    account_id,
                    r.kind,
                    r.amount,
                    Expr::col(("locked", "balance")).add(r.balance_after),
                    r.description,
                    Some(reference),
                ))
                .from("locked");
            select
        });
        let Some(mut all) = selects.next() else {
            return Ok(true);
        };
        for select in selects {
            all.union(sea_query::UnionType::All, select);
        }
        let q = Query::insert()
            .into_table(self.tables.credit_transactions())
            .columns(LEDGER_COLUMNS)
            .select_from(all)
            .map_err(|e| Error::invalid(format!("building the ledger insert: {e}")))?
            .take()
            .with(cte("locked", lock));
        Ok(conn.execute(&q, "appending ledger rows").await? == rows.len() as u64)
    }

    /// PostgreSQL: debits `amount` if the balance covers it and appends the hold's ledger row,
    /// in one statement. The balance after, or `None` when it does not cover the amount.
    async fn debit_into_ledger(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<Option<i64>> {
        let debit = Query::update()
            .table(self.tables.credit_balances())
            .value("balance", Expr::col("balance").sub(amount))
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("balance").gte(amount))
            .returning_col("balance")
            .take();
        let mut select = Query::select();
        select
            .exprs(ledger_values(
                account_id,
                TransactionType::Hold,
                -amount,
                Expr::col(("debited", "balance")),
                description,
                Some(reference),
            ))
            .from("debited");
        let q = Query::insert()
            .into_table(self.tables.credit_transactions())
            .columns(LEDGER_COLUMNS)
            .select_from(select)
            .map_err(|e| Error::invalid(format!("building the ledger insert: {e}")))?
            .returning_col("balance_after")
            .take()
            .with(cte("debited", debit));
        conn.fetch_optional(&q, "holding credits")
            .await?
            .map(|r| r.i64("balance_after"))
            .transpose()
    }
}

#[async_trait]
impl CreditLedger for SqlStore {
    async fn balance(&self, account_id: i64) -> Result<i64> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        self.balance_on(&mut held.conn(), account_id).await
    }

    async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        kind: TransactionType,
        description: &str,
        reference: Option<&str>,
    ) -> Result<CreditTransaction> {
        self.ensure_ready().await?;
        rules::check_grant(amount, kind)?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        // Taken before the look-up, so two identical grants racing see each other.
        self.lock_balance(&mut conn, account_id).await?;
        if let Some(r) = reference {
            let q = Query::select()
                .expr(Expr::cust("*"))
                .from(self.tables.credit_transactions())
                .and_where(Expr::col("tenant_id").eq(account_id))
                .and_where(Expr::col("transaction_type").eq(kind.as_str()))
                .and_where(Expr::col("reference").eq(r))
                .take();
            if let Some(row) = conn.fetch_optional(&q, "looking up a grant").await? {
                return tx_from_row(&row);
            }
        }
        let balance = self
            .add_balance(&mut conn, account_id, amount)
            .await?
            .ok_or_else(|| Error::invalid("crediting returned no balance"))?;
        let t = self
            .append_tx(
                &mut conn,
                account_id,
                reference,
                LedgerRow {
                    kind,
                    amount,
                    balance_after: balance,
                    description,
                },
            )
            .await?;
        tx.commit().await?;
        Ok(t)
    }

    async fn hold_credits(
        &self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        let outcome = self
            .hold_on(&mut tx.conn(), account_id, amount, reference, description)
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn release_credits(&self, account_id: i64, reference: &str) -> Result<bool> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        let hold = self.find_hold(&mut conn, account_id, reference).await?;
        let Some(amount) = rules::release_amount(hold) else {
            return Ok(false);
        };
        let balance = self
            .add_balance(&mut conn, account_id, amount)
            .await?
            .ok_or_else(|| Error::invalid("crediting returned no balance"))?;
        self.set_hold(
            &mut conn,
            account_id,
            reference,
            amount,
            HoldState::Released,
        )
        .await?;
        self.append_tx(
            &mut conn,
            account_id,
            Some(reference),
            LedgerRow {
                kind: TransactionType::Release,
                amount,
                balance_after: balance,
                description: rules::RELEASED,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn capture_credits(&self, account_id: i64, capture: Capture) -> Result<()> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        self.capture_on(&mut tx.conn(), account_id, capture).await?;
        tx.commit().await
    }

    async fn list_transactions(&self, account_id: i64) -> Result<Vec<CreditTransaction>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.credit_transactions())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .order_by("id", Order::Asc)
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing ledger rows")
            .await?
            .iter()
            .map(tx_from_row)
            .collect()
    }

    async fn list_usage(&self, account_id: i64) -> Result<Vec<UsageLogEntry>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.credit_usage())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .order_by("id", Order::Asc)
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing usage rows")
            .await?
            .iter()
            .map(|r| {
                Ok(UsageLogEntry {
                    id: r.i64("id")?,
                    account_id: r.i64("tenant_id")?,
                    usage: UsageRecord {
                        operation_type: r.string("operation_type")?,
                        credits_used: r.i64("credits_used")?,
                        cost_usd: r.f64("cost_usd")?,
                        model_used: r.string("model_used")?,
                        tokens_input: r.i64("tokens_input")?,
                        tokens_output: r.i64("tokens_output")?,
                        related_object_type: r.opt_string("related_object_type")?,
                        related_object_id: r.opt_i64("related_object_id")?,
                        metadata: r.json("metadata")?,
                    },
                    created_at: r.ts("created_at")?,
                })
            })
            .collect()
    }
}
