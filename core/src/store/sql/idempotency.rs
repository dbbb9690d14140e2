//! Idempotency keys: a client's retry of a write returns the first answer instead of writing again.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, OnConflict, Query};
use serde_json::Value;

use super::{SqlStore, json_doc, now};
use crate::store::IdempotencyStore;
use crate::store::{IdempotencyClaim, IdempotencyRequest};
use crate::{Error, Result};

#[async_trait]
impl IdempotencyStore for SqlStore {
    async fn claim_idempotency_key(
        &self,
        req: &IdempotencyRequest<'_>,
    ) -> Result<IdempotencyClaim> {
        self.ensure_ready().await?;
        let table = self.tables.idempotency_keys();
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        let insert = Query::insert()
            .into_table(table.clone())
            .columns([
                "tenant_id",
                "idem_key",
                "operation",
                "request_hash",
                "status",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                req.account_id.into(),
                req.key.into(),
                req.operation.into(),
                req.request_hash.into(),
                "running".into(),
                now(),
                now(),
            ])
            .on_conflict(
                OnConflict::columns(["tenant_id", "idem_key"])
                    .do_nothing()
                    .to_owned(),
            )
            .take();
        if conn.execute(&insert, "claiming an idempotency key").await? == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        // A claim whose process died is taken over once it is older than the takeover age.
        let takeover = Query::update()
            .table(table.clone())
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(req.account_id))
            .and_where(Expr::col("idem_key").eq(req.key))
            .and_where(Expr::col("operation").eq(req.operation))
            .and_where(Expr::col("request_hash").eq(req.request_hash))
            .and_where(Expr::col("status").eq("running"))
            .and_where(Expr::col("updated_at").lt(chrono::Utc::now() - req.takeover_after))
            .take();
        if conn
            .execute(&takeover, "taking over an idempotency key")
            .await?
            == 1
        {
            return Ok(IdempotencyClaim::Claimed);
        }
        let select = Query::select()
            .columns(["operation", "request_hash", "status", "response_json"])
            .from(table)
            .and_where(Expr::col("tenant_id").eq(req.account_id))
            .and_where(Expr::col("idem_key").eq(req.key))
            .take();
        let Some(row) = conn
            .fetch_optional(&select, "reading an idempotency key")
            .await?
        else {
            // Removed between the insert and the read (its first call failed): claim again.
            return Err(Error::conflict(
                "a request with this idempotency key has just failed; send it again",
            ));
        };
        let same = row.string("operation")? == req.operation
            && row.string("request_hash")? == req.request_hash;
        IdempotencyClaim::from_row(same, &row.string("status")?, row.opt_json("response_json")?)
    }

    async fn finish_idempotency_key(
        &self,
        account_id: i64,
        key: &str,
        response: &Value,
    ) -> Result<()> {
        let q = Query::update()
            .table(self.tables.idempotency_keys())
            .value("status", "done")
            .value("response_json", json_doc(response, self.pool.dialect())?)
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("idem_key").eq(key))
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .execute(&q, "recording an idempotent answer")
            .await?;
        Ok(())
    }

    async fn abandon_idempotency_key(&self, account_id: i64, key: &str) -> Result<()> {
        let q = Query::delete()
            .from_table(self.tables.idempotency_keys())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("idem_key").eq(key))
            .and_where(Expr::col("status").eq("running"))
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .execute(&q, "releasing an idempotency key")
            .await?;
        Ok(())
    }
}
