//! Deployment rows: one per publish of a blueprint's rendered site.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, Order, Query};

use super::db::DbRow;
use super::{SqlStore, now, scope_cond};
use crate::model::{Deployment, NewDeployment, Scope};
use crate::store::DeploymentStore;
use crate::{Error, Result};

fn deployment_from_row(r: &DbRow) -> Result<Deployment> {
    Ok(Deployment {
        id: r.i64("id")?,
        account_id: r.i64("tenant_id")?,
        site_id: r.opt_i64("site_id")?,
        sector_id: r.opt_i64("sector_id")?,
        site_blueprint_id: r.i64("site_blueprint_id")?,
        version: r.i32("version")?,
        target: r.string("target")?,
        files: r.i64("files")?,
        bytes: r.i64("bytes")?,
        checksum: r.string("checksum")?,
        status: r.string("status")?,
        error: r.opt_string("error")?,
        started_at: r.ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
    })
}

#[async_trait]
impl DeploymentStore for SqlStore {
    async fn insert_deployment(&self, row: NewDeployment) -> Result<Deployment> {
        self.ensure_ready().await?;
        let q = Query::insert()
            .into_table(self.tables.site_deployments())
            .columns([
                "tenant_id",
                "site_id",
                "sector_id",
                "site_blueprint_id",
                "version",
                "target",
                "files",
                "bytes",
                "checksum",
                "status",
                "started_at",
            ])
            .values_panic([
                row.account_id.into(),
                row.site_id.into(),
                row.sector_id.into(),
                row.site_blueprint_id.into(),
                row.version.into(),
                row.target.into(),
                row.files.into(),
                row.bytes.into(),
                row.checksum.into(),
                "publishing".into(),
                now(),
            ])
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        let r = held
            .conn()
            .fetch_optional(&q, "recording a deployment")
            .await?
            .ok_or_else(|| Error::invalid("insert returned no row"))?;
        deployment_from_row(&r)
    }

    async fn finish_deployment(
        &self,
        id: i64,
        status: &str,
        error: Option<String>,
    ) -> Result<Deployment> {
        self.ensure_ready().await?;
        let q = Query::update()
            .table(self.tables.site_deployments())
            .value("status", status)
            .value("error", error)
            .value("finished_at", now())
            .and_where(Expr::col("id").eq(id))
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        match held
            .conn()
            .fetch_optional(&q, "finishing a deployment")
            .await?
        {
            Some(r) => deployment_from_row(&r),
            None => Err(Error::not_found("site_deployment", id)),
        }
    }

    async fn list_deployments(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<Deployment>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .expr(Expr::cust("*"))
            .from(self.tables.site_deployments())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .cond_where(scope_cond(scope))
            .order_by("id", Order::Desc)
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing deployments")
            .await?
            .iter()
            .map(deployment_from_row)
            .collect()
    }
}
