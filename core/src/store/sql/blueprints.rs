//! Blueprint rows.

use async_trait::async_trait;
use sea_query::{Expr, ExprTrait, Order, Query};

use super::db::{Conn, DbRow};
use super::{SqlStore, now, scope_cond};
use crate::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, NewBlueprint, Paged, Scope, SiteBlueprint,
    SiteConfig,
};
use crate::store::BlueprintStore;
use crate::{Error, Result};

/// Every blueprint column but `structure_json`: a write that has the structure in hand returns
/// these instead of sending the structure back and decoding it again.
pub(super) const BLUEPRINT_META_COLUMNS: [&str; 13] = [
    "id",
    "tenant_id",
    "site_id",
    "sector_id",
    "name",
    "description",
    "config_json",
    "status",
    "hosting_type",
    "version",
    "deployed_version",
    "created_at",
    "updated_at",
];

pub(super) fn blueprint_from_row(r: &DbRow) -> Result<SiteBlueprint> {
    blueprint_with_structure(r, r.json("structure_json")?)
}

/// A blueprint from a row of [`BLUEPRINT_META_COLUMNS`] (or more) and its structure.
pub(super) fn blueprint_with_structure(
    r: &DbRow,
    structure: serde_json::Value,
) -> Result<SiteBlueprint> {
    Ok(SiteBlueprint {
        id: r.i64("id")?,
        account_id: r.i64("tenant_id")?,
        site_id: r.opt_i64("site_id")?,
        sector_id: r.opt_i64("sector_id")?,
        name: r.string("name")?,
        description: r.string("description")?,
        config: SiteConfig::from_value(r.json("config_json")?)?,
        structure_json: match structure {
            serde_json::Value::Null => serde_json::json!({}),
            v => v,
        },
        status: r.string("status")?.parse()?,
        hosting_type: r.string("hosting_type")?.parse()?,
        version: r.i32("version")?,
        deployed_version: r.opt_i32("deployed_version")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

pub(super) fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid("blueprint name is required"));
    }
    if name.chars().count() > 255 {
        return Err(Error::invalid(
            "blueprint name must be at most 255 characters",
        ));
    }
    Ok(())
}

impl SqlStore {
    /// Reads a blueprint in scope on an open connection (optionally locking it for the transaction).
    pub(super) async fn fetch_blueprint(
        &self,
        conn: &mut Conn<'_>,
        scope: &Scope,
        id: i64,
        lock: bool,
    ) -> Result<SiteBlueprint> {
        let mut q = Query::select();
        q.expr(Expr::cust("*"))
            .from(self.tables.blueprints())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope));
        if lock {
            q.lock(sea_query::LockType::Update);
        }
        let row = conn
            .fetch_optional(&q, "reading a site blueprint")
            .await?
            .ok_or_else(|| Error::not_found("site_blueprint", id))?;
        blueprint_from_row(&row)
    }
}

#[async_trait]
impl BlueprintStore for SqlStore {
    async fn create_blueprint(&self, scope: &Scope, new: NewBlueprint) -> Result<SiteBlueprint> {
        self.ensure_ready().await?;
        check_name(&new.name)?;
        self.check_tenancy(scope)?;
        let q = Query::insert()
            .into_table(self.tables.blueprints())
            .columns([
                "tenant_id",
                "site_id",
                "sector_id",
                "name",
                "description",
                "config_json",
                "structure_json",
                "status",
                "hosting_type",
                "version",
                "deployed_version",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                scope.account_id.into(),
                scope.site_id.into(),
                scope.sector_id.into(),
                new.name.trim().into(),
                new.description.into(),
                Expr::val(new.config.to_value()),
                Expr::val(serde_json::json!({})),
                BlueprintStatus::Draft.as_str().into(),
                new.hosting_type.as_str().into(),
                1i32.into(),
                Option::<i32>::None.into(),
                now(),
                now(),
            ])
            .returning_all()
            .take();
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, "creating a site blueprint")
            .await?
            .ok_or_else(|| Error::invalid("insert returned no row"))?;
        blueprint_from_row(&row)
    }

    async fn get_blueprint(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.ensure_ready().await?;
        let mut held = self.pool.acquire().await?;
        self.fetch_blueprint(&mut held.conn(), scope, id, false)
            .await
    }

    async fn update_blueprint(
        &self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint> {
        self.ensure_ready().await?;
        let mut q = Query::update();
        q.table(self.tables.blueprints())
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .returning_all();
        if let Some(name) = patch.name {
            check_name(&name)?;
            q.value("name", name.trim());
        }
        if let Some(d) = patch.description {
            q.value("description", d);
        }
        if let Some(c) = patch.config {
            q.value("config_json", Expr::val(c.to_value()));
        }
        if let Some(s) = patch.status {
            q.value("status", s.as_str());
        }
        if let Some(h) = patch.hosting_type {
            q.value("hosting_type", h.as_str());
        }
        if let Some(v) = patch.deployed_version {
            q.value("deployed_version", v);
        }
        let mut held = self.pool.acquire().await?;
        let row = held
            .conn()
            .fetch_optional(&q, "updating a site blueprint")
            .await?
            .ok_or_else(|| Error::not_found("site_blueprint", id))?;
        blueprint_from_row(&row)
    }

    async fn delete_blueprint(&self, scope: &Scope, id: i64) -> Result<()> {
        self.ensure_ready().await?;
        let mut tx = self.pool.begin().await?;
        let mut conn = tx.conn();
        self.fetch_blueprint(&mut conn, scope, id, true).await?;
        // Adopted Django tables cascade in Python, not in the database: delete pages explicitly.
        let pages = Query::delete()
            .from_table(self.tables.pages())
            .and_where(Expr::col("site_blueprint_id").eq(id))
            .and_where(Expr::col("tenant_id").eq(scope.account_id))
            .take();
        conn.execute(&pages, "deleting the blueprint's pages")
            .await?;
        self.delete_versions(&mut conn, id).await?;
        let bp = Query::delete()
            .from_table(self.tables.blueprints())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .take();
        conn.execute(&bp, "deleting a site blueprint").await?;
        tx.commit().await
    }

    async fn list_blueprints(
        &self,
        scope: &Scope,
        query: BlueprintQuery,
    ) -> Result<Paged<SiteBlueprint>> {
        self.ensure_ready().await?;
        let limit = match query.limit {
            0 => 50,
            n => Ord::min(n, 500),
        };
        // The filters, shared by the page and the total (which ignores `after_id` and `limit`).
        let mut filtered = Query::select();
        filtered
            .from(self.tables.blueprints())
            .cond_where(scope_cond(scope));
        if let Some(s) = query.status {
            filtered.and_where(Expr::col("status").eq(s.as_str()));
        }
        if let Some(site) = query.site_id {
            filtered.and_where(Expr::col("site_id").eq(site));
        }
        if let Some(sector) = query.sector_id {
            filtered.and_where(Expr::col("sector_id").eq(sector));
        }
        let mut total = filtered.clone();
        total.expr_as(Expr::cust("COUNT(*)"), "n");
        let mut q = filtered;
        q.expr(Expr::cust("*"))
            .order_by("id", Order::Asc)
            .limit(u64::from(limit));
        if let Some(after) = query.after_id {
            q.and_where(Expr::col("id").gt(after));
        }
        let mut held = self.pool.acquire().await?;
        let rows = held.conn().fetch_all(&q, "listing site blueprints").await?;
        let count = match held
            .conn()
            .fetch_optional(&total, "counting site blueprints")
            .await?
        {
            Some(row) => u64::try_from(row.i64("n")?).unwrap_or(0),
            None => 0,
        };
        let items = rows
            .iter()
            .map(blueprint_from_row)
            .collect::<Result<Vec<_>>>()?;
        let next_after_id = if items.len() == limit as usize {
            items.last().map(|b| b.id)
        } else {
            None
        };
        Ok(Paged {
            items,
            next_after_id,
            count,
        })
    }

    /// Marks a blueprint `generating` through the relaxed pool: the flag only guards against a
    /// second run at the same time, and a database crash ends the running one anyway.
    async fn begin_generation(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.ensure_ready().await?;
        let q = Query::update()
            .table(self.tables.blueprints())
            .value("status", BlueprintStatus::Generating.as_str())
            .value("updated_at", now())
            .and_where(Expr::col("id").eq(id))
            .cond_where(scope_cond(scope))
            .and_where(Expr::col("status").ne(BlueprintStatus::Generating.as_str()))
            .returning_all()
            .take();
        let mut held = self.relaxed.acquire().await?;
        let mut conn = held.conn();
        match conn.fetch_optional(&q, "starting a generation").await? {
            Some(row) => blueprint_from_row(&row),
            None => {
                // Either absent (not found) or already generating (conflict).
                self.fetch_blueprint(&mut conn, scope, id, false).await?;
                Err(Error::conflict(format!(
                    "site blueprint {id} is already generating; wait for that run to finish, or call recover_stale() if its process died"
                )))
            }
        }
    }
}
