//! Opens each SQL backend, migrates twice, and walks one blueprint through the main writes.

use sitebuilder::model::*;
use sitebuilder::store::prelude::*;
use sitebuilder::store::{SaveStructure, SqlStore, SqlStoreOptions};

#[cfg(feature = "postgres")]
async fn pg_url() -> String {
    use sqlx::Executor;
    let schema = format!("sbsmoke_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/test")
        .await
        .expect("postgres up");
    pool.execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .await
        .expect("create schema");
    format!("postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3D{schema}")
}

async fn walk(url: &str) {
    let store = SqlStore::open(url, SqlStoreOptions::default())
        .await
        .expect("open");
    let again = store.migrate().await.expect("second migrate");
    assert!(again.applied.is_empty(), "{again:?}");
    assert!(
        store
            .migration_status()
            .await
            .expect("status")
            .iter()
            .all(|m| m.applied)
    );
    assert!(
        store
            .list_options(OptionKind::BusinessType)
            .await
            .expect("options")
            .len()
            >= 8
    );
    let scope = Scope::account(7);
    let bp = store
        .create_blueprint(&scope, NewBlueprint::new("Bakery", "A bakery"))
        .await
        .expect("create");
    let page = |slug: &str, t: PageType| NewPage {
        slug: slug.into(),
        title: slug.into(),
        page_type: t,
        blocks: vec![Block::new("hero", serde_json::json!({"heading": "Hi"}))],
        ..NewPage::default()
    };
    let structure = SiteStructure {
        site: SiteInfo {
            name: "Bakery".into(),
            tagline: String::new(),
            tone: String::new(),
            layout: "default".into(),
            primary_navigation: vec!["home".into()],
            secondary_navigation: vec![],
            hero_message: String::new(),
        },
        pages: vec![],
        extra: Default::default(),
    };
    let saved = store
        .save_structure(
            &scope,
            bp.id,
            SaveStructure {
                structure: structure.clone(),
                pages: vec![page("home", PageType::Home), page("about", PageType::About)],
                status: BlueprintStatus::Ready,
                capture: None,
                locks: None,
                base_version: None,
            },
        )
        .await
        .expect("save");
    assert_eq!(saved.blueprint.version, 2);
    assert_eq!(saved.pages.len(), 2);
    store
        .grant_credits(
            7,
            100,
            sitebuilder::credits::TransactionType::Purchase,
            "test",
            None,
        )
        .await
        .expect("grant");
    store.hold_credits(7, 50, "t1", "hold").await.expect("hold");
    assert_eq!(store.balance(7).await.expect("balance"), 50);
    let err = store
        .hold_credits(7, 60, "t2", "hold")
        .await
        .expect_err("insufficient");
    assert_eq!(err.code(), "insufficient_credits");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    walk(&format!("sqlite://{}/smoke.db", dir.path().display())).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_schema() {
    walk(&pg_url().await).await;
}

/// Page lookups by account and blueprint use the index on both columns, not a walk over every
/// page of the account (which grew with the account's size on every save).
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_page_lookup_uses_the_account_blueprint_index() {
    use sqlx::Row;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/plan.db", dir.path().display());
    SqlStore::open(&url, SqlStoreOptions::default())
        .await
        .expect("open");
    let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
    for sql in [
        "EXPLAIN QUERY PLAN SELECT * FROM igny8_page_blueprints WHERE site_blueprint_id = 1 AND tenant_id = 1",
        "EXPLAIN QUERY PLAN DELETE FROM igny8_page_blueprints WHERE site_blueprint_id = 1 AND tenant_id = 1 AND slug NOT IN ('home')",
    ] {
        let plan: Vec<String> = sqlx::query(sql)
            .fetch_all(&pool)
            .await
            .expect("plan")
            .iter()
            .map(|r| r.get::<String, _>("detail"))
            .collect();
        assert!(
            plan.iter()
                .any(|d| d.contains("igny8_page_blueprints_tenant_blueprint_idx")),
            "{sql}: {plan:?}"
        );
    }
}
