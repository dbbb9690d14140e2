//! Site asset metadata and the per-account byte counter in SQL.
//!
//! The quota is enforced by one conditional upsert (`… ON CONFLICT DO UPDATE … WHERE used + n <=
//! quota`), which the database serialises per account row, the same way the credit ledger's
//! `UPDATE … WHERE balance >= amount` does: however many uploads race, the total never passes the
//! quota.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

use super::db::DbRow;
use super::{SqlStore, now, scope_cond};
use crate::model::{NewAssetRow, Scope, SiteAsset, quota_error};
use crate::store::AssetStore;
use crate::{Error, Result};

fn asset_from_row(r: &DbRow) -> Result<SiteAsset> {
    Ok(SiteAsset {
        id: r.i64("id")?,
        account_id: r.i64("tenant_id")?,
        site_id: r.opt_i64("site_id")?,
        sector_id: r.opt_i64("sector_id")?,
        site_blueprint_id: r.i64("site_blueprint_id")?,
        key: r.string("key")?,
        file_name: r.string("file_name")?,
        content_type: r.string("content_type")?,
        size_bytes: r.i64("size_bytes")?,
        checksum_sha256: r.string("checksum_sha256")?,
        uploaded_by: r.opt_string("uploaded_by")?,
        created_at: r.ts("created_at")?,
    })
}

#[async_trait]
impl AssetStore for SqlStore {
    async fn reserve_asset_bytes(&self, account_id: i64, bytes: i64, quota: i64) -> Result<i64> {
        self.ensure_ready().await?;
        if bytes < 0 {
            return Err(Error::invalid(format!(
                "cannot reserve a negative number of bytes ({bytes})"
            )));
        }
        if bytes > quota {
            let used = self.asset_bytes_used(account_id).await?;
            return Err(quota_error(account_id, bytes, used, quota));
        }
        let table = self.tables.asset_usage();
        let sum = format!("\"{table}\".\"used_bytes\" + EXCLUDED.\"used_bytes\"");
        let q = Query::insert()
            .into_table(table.clone())
            .columns(["tenant_id", "used_bytes", "updated_at"])
            .values_panic([account_id.into(), bytes.into(), now()])
            .on_conflict(
                OnConflict::column("tenant_id")
                    .value("used_bytes", Expr::cust(sum.clone()))
                    .value("updated_at", now())
                    .action_and_where(Expr::cust(sum).lte(quota))
                    .to_owned(),
            )
            .returning_col("used_bytes")
            .take();
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, "reserving asset bytes")
            .await?;
        drop(held);
        match row {
            Some(r) => r.i64("used_bytes"),
            None => {
                let used = self.asset_bytes_used(account_id).await?;
                Err(quota_error(account_id, bytes, used, quota))
            }
        }
    }

    async fn release_asset_bytes(&self, account_id: i64, bytes: i64) -> Result<()> {
        self.ensure_ready().await?;
        if bytes <= 0 {
            return Ok(());
        }
        let q = Query::update()
            .table(self.tables.asset_usage())
            .value(
                "used_bytes",
                Expr::case(
                    Expr::col("used_bytes").gte(bytes),
                    Expr::col("used_bytes").sub(bytes),
                )
                .finally(0i64),
            )
            .value("updated_at", now())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .execute(&q, "releasing asset bytes")
            .await
            .map(|_| ())
    }

    async fn insert_asset(&self, row: NewAssetRow) -> Result<SiteAsset> {
        self.ensure_ready().await?;
        let q = Query::insert()
            .into_table(self.tables.site_assets())
            .columns([
                "tenant_id",
                "site_id",
                "sector_id",
                "site_blueprint_id",
                "key",
                "file_name",
                "content_type",
                "size_bytes",
                "checksum_sha256",
                "uploaded_by",
                "created_at",
            ])
            .values_panic([
                row.account_id.into(),
                row.site_id.into(),
                row.sector_id.into(),
                row.site_blueprint_id.into(),
                row.key.into(),
                row.file_name.into(),
                row.content_type.into(),
                row.size_bytes.into(),
                row.checksum_sha256.into(),
                row.uploaded_by.into(),
                now(),
            ])
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        let r = held
            .conn()
            .fetch_optional(&q, "recording a site asset")
            .await?
            .ok_or_else(|| Error::invalid("insert returned no row"))?;
        asset_from_row(&r)
    }

    async fn get_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.ensure_ready().await?;
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.site_assets())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .take();
        let mut held = self.pool.acquire().await?;
        match held
            .conn()
            .fetch_optional(&q, "reading a site asset")
            .await?
        {
            Some(r) => asset_from_row(&r),
            None => Err(Error::not_found("site_asset", id)),
        }
    }

    async fn list_assets(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<SiteAsset>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.site_assets())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .cond_where(scope_cond(scope))
            .order_by("id", Order::Asc)
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing site assets")
            .await?
            .iter()
            .map(asset_from_row)
            .collect()
    }

    async fn delete_asset(&self, scope: &Scope, id: i64) -> Result<SiteAsset> {
        self.ensure_ready().await?;
        let q = Query::delete()
            .from_table(self.tables.site_assets())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        match held
            .conn()
            .fetch_optional(&q, "deleting a site asset")
            .await?
        {
            Some(r) => asset_from_row(&r),
            None => Err(Error::not_found("site_asset", id)),
        }
    }

    async fn asset_bytes_used(&self, account_id: i64) -> Result<i64> {
        self.ensure_ready().await?;
        let q = Query::select()
            .column("used_bytes")
            .from(self.tables.asset_usage())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .take();
        let mut held = self.pool.acquire().await?;
        match held
            .conn()
            .fetch_optional(&q, "reading asset usage")
            .await?
        {
            Some(r) => r.i64("used_bytes"),
            None => Ok(0),
        }
    }
}
