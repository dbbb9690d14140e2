//! Option catalogue rows and per-account prompt overrides.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

use super::db::DbRow;
use super::{SqlStore, now};
use crate::model::{NewOption, OptionKind, OptionPatch, SiteBuilderOption};
use crate::store::{OptionStore, PromptStore};
use crate::{Error, Result};

fn option_from_row(kind: OptionKind, r: &DbRow) -> Result<SiteBuilderOption> {
    Ok(SiteBuilderOption {
        id: r.i64("id")?,
        kind,
        name: r.string("name")?,
        description: r.string("description")?,
        is_active: r.bool("is_active")?,
        order: r.i32("order")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn check_option_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().count() > 120 {
        return Err(Error::invalid(
            "option name is required and must be at most 120 characters",
        ));
    }
    Ok(())
}

impl SqlStore {
    /// Options of a kind in catalogue order, only the active ones or all.
    async fn fetch_options(
        &self,
        kind: OptionKind,
        active_only: bool,
    ) -> Result<Vec<SiteBuilderOption>> {
        self.ensure_ready().await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.options(kind))
            .order_by("order", Order::Asc)
            .order_by("name", Order::Asc);
        if active_only {
            q.and_where(Expr::col("is_active").eq(true));
        }
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_all(&q, "listing options")
            .await?
            .iter()
            .map(|r| option_from_row(kind, r))
            .collect()
    }
}

#[async_trait]
impl PromptStore for SqlStore {
    async fn prompt_override(&self, account_id: i64, prompt_type: &str) -> Result<Option<String>> {
        self.ensure_ready().await?;
        let q = Query::select()
            .column("prompt_value")
            .from(self.tables.prompt_overrides())
            .and_where(Expr::col("tenant_id").eq(account_id))
            .and_where(Expr::col("prompt_type").eq(prompt_type))
            .and_where(Expr::col("is_active").eq(true))
            .take();
        let mut held = self.pool.acquire().await?;
        held.conn()
            .fetch_optional(&q, "reading a prompt override")
            .await?
            .map(|r| r.string("prompt_value"))
            .transpose()
    }

    async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: &str,
        text: Option<&str>,
    ) -> Result<()> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        match text {
            Some(text) => {
                let q = Query::insert()
                    .into_table(self.tables.prompt_overrides())
                    .columns([
                        "tenant_id",
                        "prompt_type",
                        "prompt_value",
                        "is_active",
                        "created_at",
                        "updated_at",
                    ])
                    .values_panic([
                        account_id.into(),
                        prompt_type.into(),
                        text.into(),
                        true.into(),
                        now(),
                        now(),
                    ])
                    .on_conflict(
                        OnConflict::columns(["tenant_id", "prompt_type"])
                            .update_columns(["prompt_value", "is_active", "updated_at"])
                            .to_owned(),
                    )
                    .take();
                conn.execute(&q, "saving a prompt override").await?;
            }
            None => {
                let q = Query::update()
                    .table(self.tables.prompt_overrides())
                    .value("is_active", false)
                    .value("updated_at", now())
                    .and_where(Expr::col("tenant_id").eq(account_id))
                    .and_where(Expr::col("prompt_type").eq(prompt_type))
                    .take();
                conn.execute(&q, "deactivating a prompt override").await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl OptionStore for SqlStore {
    async fn list_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        self.fetch_options(kind, true).await
    }

    async fn list_all_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        self.fetch_options(kind, false).await
    }

    async fn create_option(&self, kind: OptionKind, new: NewOption) -> Result<SiteBuilderOption> {
        self.ensure_ready().await?;
        check_option_name(&new.name)?;
        let q = Query::insert()
            .into_table(self.tables.options(kind))
            .columns([
                "name",
                "description",
                "is_active",
                "order",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                new.name.trim().into(),
                new.description.into(),
                true.into(),
                new.order.into(),
                now(),
                now(),
            ])
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, &format!("creating option {:?}", new.name))
            .await?
            .ok_or_else(|| Error::invalid("insert returned no row"))?;
        option_from_row(kind, &row)
    }

    async fn update_option(
        &self,
        kind: OptionKind,
        id: i64,
        patch: OptionPatch,
    ) -> Result<SiteBuilderOption> {
        self.ensure_ready().await?;
        let mut q = Query::update();
        q.table(self.tables.options(kind))
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(id))
            .returning_all();
        if let Some(n) = &patch.name {
            check_option_name(n)?;
            q.value("name", n.trim());
        }
        if let Some(d) = patch.description {
            q.value("description", d);
        }
        if let Some(a) = patch.is_active {
            q.value("is_active", a);
        }
        if let Some(o) = patch.order {
            q.value("order", o);
        }
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, "updating an option")
            .await?
            .ok_or_else(|| Error::not_found("site_builder_option", id))?;
        option_from_row(kind, &row)
    }
}
