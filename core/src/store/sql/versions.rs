//! Blueprint history in SQL: the row lock and version check every content write takes, the
//! version row each records in the same transaction, and whole-content writes (hand edits,
//! restores).
//!
//! The blueprint row is the one lock: `SELECT … FOR UPDATE` on PostgreSQL (SQLite's write
//! transactions are `BEGIN IMMEDIATE`, so writers queue on the database lock instead). Every
//! writer takes it before any page row, so two writers based on the same version serialise and
//! the second finds the version moved on.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, Order, Query};

use super::blueprints::blueprint_from_row;
use super::db::{Conn, DbRow};
use super::{SqlStore, json_doc, now, scope_cond};
use crate::model::{
    BlueprintVersion, NewPage, PageBlueprint, Scope, SiteBlueprint, VersionContent, VersionSummary,
};
use crate::store::VersionStore;
use crate::store::{ContentWrite, SavedStructure};
use crate::{Error, Result};

/// `conflict` with the current version when the caller's base is stale.
pub(super) fn check_base(bp: &SiteBlueprint, base: Option<i32>) -> Result<()> {
    match base {
        Some(b) if b != bp.version => Err(Error::stale_version(bp.id, b, bp.version)),
        _ => Ok(()),
    }
}

fn summary_from_row(r: &DbRow, content: &VersionContent) -> Result<VersionSummary> {
    Ok(VersionSummary::new(
        r.i64("site_blueprint_id")?,
        r.i32("version")?,
        r.string("operation")?,
        serde_json::from_value(r.json("actor_json")?).map_err(Error::json("version actor"))?,
        r.i64("credits")?,
        r.ts("created_at")?,
        content,
    ))
}

fn content_from_row(r: &DbRow) -> Result<VersionContent> {
    serde_json::from_value(r.json("content_json")?).map_err(Error::json("version content"))
}

impl SqlStore {
    /// Locks the blueprint row for the rest of the transaction and checks the caller's base.
    pub(super) async fn lock_version(
        &self,
        conn: &mut Conn<'_>,
        scope: &Scope,
        blueprint_id: i64,
        base: Option<i32>,
    ) -> Result<SiteBlueprint> {
        let bp = self
            .fetch_blueprint(conn, scope, blueprint_id, true)
            .await?;
        check_base(&bp, base)?;
        Ok(bp)
    }

    /// Bumps the version (unless the caller's statement already did) and records the content as
    /// it now stands, then prunes the history to the retention, all on the caller's transaction.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn record_version(
        &self,
        conn: &mut Conn<'_>,
        actor: &Scope,
        blueprint_id: i64,
        operation: &str,
        credits: i64,
        bump: bool,
    ) -> Result<(SiteBlueprint, Vec<PageBlueprint>)> {
        let row = if bump {
            let q = Query::update()
                .table(self.tables.blueprints())
                .value("version", Expr::col("version").add(1))
                .value("updated_at", now())
                .and_where(Expr::col("id").eq(blueprint_id))
                .and_where(Expr::col("tenant_id").eq(actor.account_id))
                .returning_all()
                .take();
            conn.fetch_optional(&q, "bumping a blueprint's version")
                .await?
        } else {
            let q = Query::select()
                .expr(Expr::cust("*"))
                .from(self.tables.blueprints())
                .and_where(Expr::col("id").eq(blueprint_id))
                .and_where(Expr::col("tenant_id").eq(actor.account_id))
                .take();
            conn.fetch_optional(&q, "reading a blueprint's version")
                .await?
        };
        let bp = blueprint_from_row(
            &row.ok_or_else(|| Error::not_found("site_blueprint", blueprint_id))?,
        )?;
        let pages = self
            .fetch_pages(conn, actor.account_id, blueprint_id, false)
            .await?;
        let content = VersionContent::of(&bp.structure_json, &pages);
        let d = conn.dialect();
        let table = self.tables.blueprint_versions();
        let q = Query::insert()
            .into_table(table.clone())
            .columns([
                "tenant_id",
                "site_blueprint_id",
                "version",
                "operation",
                "actor_json",
                "credits",
                "content_json",
                "created_at",
            ])
            .values_panic([
                bp.account_id.into(),
                bp.id.into(),
                bp.version.into(),
                operation.into(),
                json_doc(actor, d)?,
                credits.into(),
                json_doc(&content, d)?,
                now(),
            ])
            .take();
        conn.execute(&q, "recording a blueprint version").await?;
        let keep = i64::from(Ord::max(self.keep_versions.load(Ordering::Relaxed), 1));
        // Until the history outgrows the retention there is nothing to prune: a new blueprint's
        // first saves (every generation of a fresh site) skip the round trip.
        if i64::from(bp.version) > keep {
            let prune = Query::delete()
                .from_table(table)
                .and_where(Expr::col("site_blueprint_id").eq(bp.id))
                .and_where(Expr::col("version").lte(i64::from(bp.version) - keep))
                .take();
            conn.execute(&prune, "pruning a blueprint's history")
                .await?;
        }
        Ok((bp, pages))
    }

    /// The content recorded for `version`, if the history still holds it.
    pub(super) async fn version_content_on(
        &self,
        conn: &mut Conn<'_>,
        blueprint_id: i64,
        version: i32,
    ) -> Result<Option<VersionContent>> {
        let q = Query::select()
            .column("content_json")
            .from(self.tables.blueprint_versions())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .and_where(Expr::col("version").eq(version))
            .take();
        conn.fetch_optional(&q, "reading a recorded version")
            .await?
            .map(|r| content_from_row(&r))
            .transpose()
    }

    /// Deletes a blueprint's history (with the blueprint).
    pub(super) async fn delete_versions(
        &self,
        conn: &mut Conn<'_>,
        blueprint_id: i64,
    ) -> Result<()> {
        let q = Query::delete()
            .from_table(self.tables.blueprint_versions())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .take();
        conn.execute(&q, "deleting a blueprint's history")
            .await
            .map(|_| ())
    }

    async fn version_rows(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: Option<i32>,
        limit: u32,
    ) -> Result<Vec<DbRow>> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        self.fetch_blueprint(&mut conn, scope, blueprint_id, false)
            .await?;
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.blueprint_versions())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .cond_where(scope_cond(&Scope::account(scope.account_id)))
            .order_by("version", Order::Desc)
            .limit(u64::from(limit));
        if let Some(v) = version {
            q.and_where(Expr::col("version").eq(v));
        }
        conn.fetch_all(&q, "reading a blueprint's history").await
    }
}

#[async_trait]
impl VersionStore for SqlStore {
    fn set_version_retention(&self, keep: u32) {
        self.keep_versions
            .store(Ord::max(keep, 1), Ordering::Relaxed);
    }

    async fn write_content(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        write: ContentWrite,
    ) -> Result<SavedStructure> {
        self.ensure_ready().await?;
        write.check()?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        let bp = self
            .lock_version(&mut conn, scope, blueprint_id, write.base_version)
            .await?;
        let existing = self
            .fetch_pages(&mut conn, bp.account_id, blueprint_id, true)
            .await?;
        let have: BTreeSet<i64> = existing.iter().map(|p| p.id).collect();
        let kept: BTreeSet<i64> = write
            .content
            .pages
            .iter()
            .filter_map(|p| p.id.filter(|id| have.contains(id)))
            .collect();
        let gone: Vec<i64> = have.difference(&kept).copied().collect();
        if !gone.is_empty() {
            let q = Query::delete()
                .from_table(self.tables.pages())
                .and_where(Expr::col("id").is_in(gone))
                .take();
            conn.execute(&q, "removing pages").await?;
        }
        let d = conn.dialect();
        // Updates before inserts, so a new page may take a slug an existing page gave up.
        for p in write.content.pages.iter() {
            let Some(id) = p.id.filter(|id| kept.contains(id)) else {
                continue;
            };
            let q = Query::update()
                .table(self.tables.pages())
                .value("slug", p.slug.as_str())
                .value("title", p.title.as_str())
                .value("type", p.page_type.as_str())
                .value("blocks_json", json_doc(&p.blocks, d)?)
                .value("status", p.status.as_str())
                .value("order", p.order)
                .value("updated_at", now())
                .and_where(Expr::col("id").eq(id))
                .take();
            conn.execute(&q, &format!("updating page {:?}", p.slug))
                .await?;
        }
        for p in write.content.pages.iter() {
            if p.id.is_some_and(|id| kept.contains(&id)) {
                continue;
            }
            let new = NewPage::from(p.clone());
            self.insert_page(&mut conn, &bp, &new, p.order).await?;
        }
        let q = Query::update()
            .table(self.tables.blueprints())
            .value("structure_json", json_doc(&write.content.structure, d)?)
            .and_where(Expr::col("id").eq(blueprint_id))
            .take();
        conn.execute(&q, "writing the structure").await?;
        let (blueprint, pages) = self
            .record_version(&mut conn, scope, blueprint_id, &write.operation, 0, true)
            .await?;
        tx.commit().await?;
        Ok(SavedStructure { blueprint, pages })
    }

    async fn list_versions(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        limit: u32,
    ) -> Result<Vec<VersionSummary>> {
        self.version_rows(scope, blueprint_id, None, limit)
            .await?
            .iter()
            .map(|r| summary_from_row(r, &content_from_row(r)?))
            .collect()
    }

    async fn get_version(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        version: i32,
    ) -> Result<BlueprintVersion> {
        let rows = self
            .version_rows(scope, blueprint_id, Some(version), 1)
            .await?;
        let row = rows.first().ok_or_else(|| {
            Error::not_found(
                "site_blueprint_version",
                format!("{blueprint_id}/{version}"),
            )
        })?;
        let content = content_from_row(row)?;
        Ok(BlueprintVersion {
            summary: summary_from_row(row, &content)?,
            content,
        })
    }
}
