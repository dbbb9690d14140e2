//! Page rows, and the two transactional writes of generated output.

use std::collections::BTreeSet;

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde_json::Value;

use super::blueprints::{BLUEPRINT_META_COLUMNS, blueprint_with_structure};
use super::db::{Conn, DbRow};
use super::{SqlStore, json_doc, now, scope_cond};
use crate::model::{Block, NewPage, PageBlueprint, PagePatch, Scope, SiteBlueprint};
use crate::schema::Dialect;
use crate::store::PageStore;
use crate::store::validate_slug;
use crate::store::{SavePageContent, SaveStructure, SavedStructure};
use crate::{Error, Result};

fn page_from_row(r: &DbRow) -> Result<PageBlueprint> {
    let blocks: Vec<Block> = match r.json("blocks_json")? {
        Value::Null => Vec::new(),
        v => serde_json::from_value(v).map_err(Error::json("page blocks_json"))?,
    };
    Ok(PageBlueprint {
        id: r.i64("id")?,
        site_blueprint_id: r.i64("site_blueprint_id")?,
        account_id: r.i64("tenant_id")?,
        site_id: r.opt_i64("site_id")?,
        sector_id: r.opt_i64("sector_id")?,
        slug: r.string("slug")?,
        title: r.string("title")?,
        page_type: r.string("type")?.parse()?,
        blocks,
        status: r.string("status")?.parse()?,
        order: r.i32("order")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Columns written for a page, in the order of [`page_row`].
const PAGE_COLUMNS: [&str; 12] = [
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

/// A page's values for [`PAGE_COLUMNS`]; tenant columns come from its blueprint, so adopted
/// tables with NOT NULL site/sector get the blueprint's values.
fn page_row(bp: &SiteBlueprint, p: &NewPage, order: i32, d: Dialect) -> Result<Vec<Expr>> {
    Ok(vec![
        bp.id.into(),
        bp.account_id.into(),
        bp.site_id.into(),
        bp.sector_id.into(),
        p.slug.as_str().into(),
        p.title.as_str().into(),
        p.page_type.as_str().into(),
        json_doc(&p.blocks, d)?,
        p.status.as_str().into(),
        order.into(),
        now(),
        now(),
    ])
}

fn check_title(title: &str) -> Result<()> {
    if title.chars().count() > 255 {
        return Err(Error::invalid("page title must be at most 255 characters"));
    }
    Ok(())
}

impl SqlStore {
    /// The blueprint's pages in order; with `lock`, locked until the transaction ends.
    pub(super) async fn fetch_pages(
        &self,
        conn: &mut Conn<'_>,
        account_id: i64,
        blueprint_id: i64,
        lock: bool,
    ) -> Result<Vec<PageBlueprint>> {
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.pages())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .and_where(Expr::col("tenant_id").eq(account_id))
            .order_by("order", Order::Asc)
            .order_by("id", Order::Asc);
        if lock {
            q.lock(sea_query::LockType::Update);
        }
        conn.fetch_all(&q, "listing pages")
            .await?
            .iter()
            .map(page_from_row)
            .collect()
    }

    async fn fetch_page(
        &self,
        conn: &mut Conn<'_>,
        scope: &Scope,
        id: i64,
        lock: bool,
    ) -> Result<PageBlueprint> {
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.pages())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope));
        if lock {
            q.lock(sea_query::LockType::Update);
        }
        let row = conn
            .fetch_optional(&q, "reading a page")
            .await?
            .ok_or_else(|| Error::not_found("page_blueprint", id))?;
        page_from_row(&row)
    }

    pub(super) async fn insert_page(
        &self,
        conn: &mut Conn<'_>,
        bp: &SiteBlueprint,
        new: &NewPage,
        order: i32,
    ) -> Result<()> {
        let q = Query::insert()
            .into_table(self.tables.pages())
            .columns(PAGE_COLUMNS)
            .values_panic(page_row(bp, new, order, conn.dialect())?)
            .take();
        conn.execute(&q, &format!("creating page {:?}", new.slug))
            .await
            .map(|_| ())
    }
}

#[async_trait]
impl PageStore for SqlStore {
    async fn create_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint> {
        self.ensure_ready().await?;
        validate_slug(&new.slug)?;
        check_title(&new.title)?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        let bp = self
            .fetch_blueprint(&mut conn, scope, blueprint_id, true)
            .await?;
        let existing = self
            .fetch_pages(&mut conn, scope.account_id, blueprint_id, false)
            .await?;
        if existing.iter().any(|p| p.slug == new.slug) {
            return Err(Error::conflict(format!(
                "blueprint {blueprint_id} already has a page with slug {:?}; pick another slug or update that page",
                new.slug
            )));
        }
        let order = new
            .order
            .unwrap_or_else(|| existing.iter().map(|p| p.order + 1).max().unwrap_or(0));
        self.insert_page(&mut conn, &bp, &new, order).await?;
        let (_, pages) = self
            .record_version(&mut conn, scope, blueprint_id, "create_page", 0, true)
            .await?;
        let page = pages
            .into_iter()
            .find(|p| p.slug == new.slug)
            .ok_or_else(|| Error::not_found("page_blueprint", &new.slug))?;
        tx.commit().await?;
        Ok(page)
    }

    async fn get_page(&self, scope: &Scope, id: i64) -> Result<PageBlueprint> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        self.fetch_page(&mut held.conn(), scope, id, false).await
    }

    async fn update_page(&self, scope: &Scope, id: i64, patch: PagePatch) -> Result<PageBlueprint> {
        self.ensure_ready().await?;
        let mut q = Query::update();
        q.table(self.tables.pages())
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .returning_all();
        if let Some(slug) = &patch.slug {
            validate_slug(slug)?;
            q.value("slug", slug.as_str());
        }
        if let Some(t) = &patch.title {
            check_title(t)?;
            q.value("title", t.as_str());
        }
        if let Some(t) = patch.page_type {
            q.value("type", t.as_str());
        }
        if let Some(b) = &patch.blocks {
            q.value("blocks_json", json_doc(b, self.dialect())?);
        }
        if let Some(s) = patch.status {
            q.value("status", s.as_str());
        }
        if let Some(o) = patch.order {
            q.value("order", o);
        }
        // A status change alone (a run marking its page) is no change of content: no version.
        let content_change = patch.slug.is_some()
            || patch.title.is_some()
            || patch.page_type.is_some()
            || patch.blocks.is_some()
            || patch.order.is_some();
        if !content_change {
            let mut held = self.pool.acquire().await?;
            let row = held
                .conn()
                .fetch_optional(&q, "updating a page")
                .await?
                .ok_or_else(|| Error::not_found("page_blueprint", id))?;
            return page_from_row(&row);
        }
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        let page = self.fetch_page(&mut conn, scope, id, false).await?;
        let owner = Scope::account(scope.account_id);
        self.lock_version(&mut conn, &owner, page.site_blueprint_id, None)
            .await?;
        let row = conn
            .fetch_optional(&q, "updating a page")
            .await?
            .ok_or_else(|| Error::not_found("page_blueprint", id))?;
        let updated = page_from_row(&row)?;
        self.record_version(
            &mut conn,
            scope,
            page.site_blueprint_id,
            "update_page",
            0,
            true,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn delete_page(&self, scope: &Scope, id: i64) -> Result<()> {
        self.ensure_ready().await?;
        let q = Query::delete()
            .from_table(self.tables.pages())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .take();
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        let page = self.fetch_page(&mut conn, scope, id, false).await?;
        let owner = Scope::account(scope.account_id);
        self.lock_version(&mut conn, &owner, page.site_blueprint_id, None)
            .await?;
        if conn.execute(&q, "deleting a page").await? == 0 {
            return Err(Error::not_found("page_blueprint", id));
        }
        self.record_version(
            &mut conn,
            scope,
            page.site_blueprint_id,
            "delete_page",
            0,
            true,
        )
        .await?;
        tx.commit().await
    }

    async fn list_pages(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<PageBlueprint>> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        let mut conn = held.conn();
        self.fetch_blueprint(&mut conn, scope, blueprint_id, false)
            .await?;
        self.fetch_pages(&mut conn, scope.account_id, blueprint_id, false)
            .await
    }

    async fn reorder_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        ids: &[i64],
    ) -> Result<Vec<PageBlueprint>> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        self.fetch_blueprint(&mut conn, scope, blueprint_id, true)
            .await?;
        let pages = self
            .fetch_pages(&mut conn, scope.account_id, blueprint_id, false)
            .await?;
        let have: BTreeSet<i64> = pages.iter().map(|p| p.id).collect();
        let given: BTreeSet<i64> = ids.iter().copied().collect();
        if have != given || given.len() != ids.len() {
            return Err(Error::invalid(format!(
                "reorder must list every page of blueprint {blueprint_id} exactly once: expected ids {have:?}, got {ids:?}"
            )));
        }
        for (i, id) in ids.iter().enumerate() {
            let q = Query::update()
                .table(self.tables.pages())
                .value("order", i as i32)
                .value("updated_at", now())
                .and_where(Expr::col("id").eq(*id))
                .take();
            conn.execute(&q, "reordering pages").await?;
        }
        let (_, out) = self
            .record_version(&mut conn, scope, blueprint_id, "reorder_pages", 0, true)
            .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn save_structure(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        save: SaveStructure,
    ) -> Result<SavedStructure> {
        self.ensure_ready().await?;
        // Everything that can be checked without the database is checked before writing anything.
        let mut seen = BTreeSet::new();
        for p in &save.pages {
            validate_slug(&p.slug)?;
            check_title(&p.title)?;
            if !seen.insert(p.slug.as_str()) {
                return Err(Error::invalid(format!(
                    "the structure has two pages with slug {:?}; slugs must be unique",
                    p.slug
                )));
            }
        }
        let SaveStructure {
            mut structure,
            mut pages,
            status,
            capture,
            locks,
            base_version,
        } = save;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        if let Some(base) = base_version {
            // A run that started from an older version may still save when every change made
            // since touched only pages (or blocks) its locks keep; anything else would be lost.
            let current = self
                .fetch_blueprint(&mut conn, scope, blueprint_id, true)
                .await?;
            if current.version != base {
                let locked = locks
                    .as_ref()
                    .map(|l| l.locked_pages.clone())
                    .unwrap_or_default();
                let stored = self
                    .fetch_pages(&mut conn, scope.account_id, blueprint_id, true)
                    .await?;
                let lost = match self
                    .version_content_on(&mut conn, blueprint_id, base)
                    .await?
                {
                    Some(before) => crate::model::overwrites_changes(&before, &stored, &locked),
                    None => true,
                };
                if lost {
                    return Err(Error::stale_version(blueprint_id, base, current.version));
                }
            }
        }
        // The UPDATE locks the blueprint row for the rest of the transaction (before any page
        // row, the order every path here takes).
        let dialect = conn.dialect();
        let bp_row = Query::update()
            .table(self.tables.blueprints())
            .value("structure_json", json_doc(&structure, dialect)?)
            .value("status", status.as_str())
            .value("version", Expr::col("version").add(1))
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(blueprint_id))
            .cond_where(scope_cond(scope))
            .returning(Query::returning().columns(BLUEPRINT_META_COLUMNS))
            .take();
        let bp = conn
            .fetch_optional(&bp_row, "saving the structure")
            .await?
            .ok_or_else(|| Error::not_found("site_blueprint", blueprint_id))?;
        let mut bp = blueprint_with_structure(&bp, serde_json::Value::Null)?;
        if let Some(locks) = &locks {
            let stored = self
                .fetch_pages(&mut conn, scope.account_id, blueprint_id, true)
                .await?;
            if locks.apply(&stored, &mut structure, &mut pages) {
                let q = Query::update()
                    .table(self.tables.blueprints())
                    .value("structure_json", json_doc(&structure, dialect)?)
                    .and_where(Expr::col("id").eq(blueprint_id))
                    .take();
                conn.execute(&q, "saving the structure with its locked pages")
                    .await?;
            }
        }
        bp.structure_json = structure.to_value();
        // Pages absent from the new structure go first, then one upsert by (blueprint, slug)
        // writes every page and returns it: existing slugs keep their ids.
        let keep: Vec<&str> = pages.iter().map(|p| p.slug.as_str()).collect();
        let mut gone = Query::delete();
        gone.from_table(self.tables.pages())
            .and_where(Expr::col("site_blueprint_id").eq(blueprint_id))
            .and_where(Expr::col("tenant_id").eq(scope.account_id));
        if !keep.is_empty() {
            gone.and_where(Expr::col("slug").is_not_in(keep));
        }
        conn.execute(&gone, "removing pages absent from the structure")
            .await?;
        let mut saved = Vec::with_capacity(pages.len());
        if !pages.is_empty() {
            let mut upsert = Query::insert();
            upsert.into_table(self.tables.pages()).columns(PAGE_COLUMNS);
            for (i, p) in pages.iter_mut().enumerate() {
                p.order = Some(p.order.unwrap_or(i as i32));
                upsert.values_panic(page_row(&bp, p, p.order.unwrap_or_default(), dialect)?);
            }
            upsert
                .on_conflict(
                    OnConflict::columns(["site_blueprint_id", "slug"])
                        .update_columns([
                            "title",
                            "type",
                            "blocks_json",
                            "status",
                            "order",
                            "updated_at",
                        ])
                        .to_owned(),
                )
                // Only what the database decided: the content is what was just written.
                .returning(Query::returning().columns(["id", "slug", "created_at", "updated_at"]));
            let rows = conn
                .fetch_all(&upsert, "writing the structure's pages")
                .await?;
            let mut written: std::collections::HashMap<String, NewPage> =
                pages.into_iter().map(|p| (p.slug.clone(), p)).collect();
            for row in rows {
                let slug = row.string("slug")?;
                let p = written.remove(&slug).ok_or_else(|| {
                    Error::invalid(format!("the page upsert returned an unknown slug {slug:?}"))
                })?;
                saved.push(PageBlueprint {
                    id: row.i64("id")?,
                    site_blueprint_id: bp.id,
                    account_id: bp.account_id,
                    site_id: bp.site_id,
                    sector_id: bp.sector_id,
                    slug,
                    title: p.title,
                    page_type: p.page_type,
                    blocks: p.blocks,
                    status: p.status,
                    order: p.order.unwrap_or_default(),
                    created_at: row.ts("created_at")?,
                    updated_at: row.ts("updated_at")?,
                });
            }
            saved.sort_by_key(|p| (p.order, p.id));
        }
        let credits = match capture {
            Some(capture) => {
                self.capture_on(&mut conn, scope.account_id, capture)
                    .await?
            }
            None => 0,
        };
        self.record_version(
            &mut conn,
            scope,
            blueprint_id,
            "generate_structure",
            credits,
            false,
        )
        .await?;
        tx.commit().await?;
        Ok(SavedStructure {
            blueprint: bp,
            pages: saved,
        })
    }

    async fn save_page_content(
        &self,
        scope: &Scope,
        page_id: i64,
        save: SavePageContent,
    ) -> Result<PageBlueprint> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        // The blueprint row first (the one lock every content write takes), then the page.
        let page = self.fetch_page(&mut conn, scope, page_id, false).await?;
        let owner = Scope::account(scope.account_id);
        let bp = self
            .lock_version(&mut conn, &owner, page.site_blueprint_id, save.base_version)
            .await?;
        let page = self.fetch_page(&mut conn, scope, page_id, true).await?;
        if save.base_blocks.as_ref().is_some_and(|b| *b != page.blocks) {
            return Err(Error::Conflict {
                message: format!(
                    "page {page_id} was edited while its content was generated; nothing was saved or charged: reload it and generate again"
                ),
                current_version: Some(bp.version),
            });
        }
        let q = Query::update()
            .table(self.tables.pages())
            .value("blocks_json", json_doc(&save.blocks, conn.dialect())?)
            .value("status", save.status.as_str())
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(page_id))
            .returning_all()
            .take();
        let row = conn
            .fetch_optional(&q, "saving page content")
            .await?
            .ok_or_else(|| Error::not_found("page_blueprint", page_id))?;
        let updated = page_from_row(&row)?;
        if let Some(seo) = save.seo {
            let mut structure = bp.structure_json;
            let seo = serde_json::to_value(seo).map_err(Error::json("page seo"))?;
            let mut changed = false;
            if let Some(pages) = structure.get_mut("pages").and_then(Value::as_array_mut) {
                for p in pages.iter_mut() {
                    if p.get("slug").and_then(Value::as_str) == Some(page.slug.as_str()) {
                        p["seo"] = seo.clone();
                        changed = true;
                    }
                }
            }
            if changed {
                let q = Query::update()
                    .table(self.tables.blueprints())
                    .value("structure_json", Expr::val(structure))
                    .value("updated_at", now())
                    .and_where(Expr::col("id").eq(bp.id))
                    .take();
                conn.execute(&q, "writing page SEO into the structure")
                    .await?;
            }
        }
        let credits = match save.capture {
            Some(capture) => {
                self.capture_on(&mut conn, scope.account_id, capture)
                    .await?
            }
            None => 0,
        };
        self.record_version(
            &mut conn,
            scope,
            page.site_blueprint_id,
            save.operation.as_deref().unwrap_or("generate_page_content"),
            credits,
            true,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }
}
