//! Helpers shared by the integration tests: fresh databases and one store per backend.
//!
//! Every test gets its own database: a new SQLite file in a temporary directory, or a new
//! PostgreSQL schema (`sbt_<random hex>`) selected through the connection URL's `search_path`, so
//! tests run in parallel without seeing each other's rows. A test that passes drops its schema
//! ([`TestStore::finish`], [`drop_pg_schema`]); a failing one leaves it behind so its data can be
//! inspected (`DROP SCHEMA sbt_… CASCADE` cleans up).
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use sitebuilder::store::{MemoryStore, Storage};

/// Every backend the storage suite runs on.
pub const BACKENDS: [&str; 3] = ["memory", "sqlite", "postgres"];

/// The database the PostgreSQL tests use (`SITEBUILDER_TEST_PG_URL` overrides it).
pub fn pg_base_url() -> String {
    std::env::var("SITEBUILDER_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A short random lowercase hex string.
pub fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_string()
}

/// A store under test and what keeps its database alive.
#[derive(Debug)]
pub struct TestStore {
    /// The store, as the suite sees it.
    pub store: Arc<dyn Storage>,
    /// Its database URL (SQL backends).
    pub url: Option<String>,
    /// Keeps a SQLite file's directory until the test ends.
    _dir: Option<tempfile::TempDir>,
}

impl TestStore {
    /// Drops the test's PostgreSQL schema; call it only when the test passed.
    pub async fn finish(self) {
        #[cfg(feature = "postgres")]
        if let Some(url) = self.url.as_deref().filter(|u| u.starts_with("postgres")) {
            drop(self.store);
            drop_pg_schema(url).await;
        }
    }
}

/// Opens a fresh, empty store of `backend` (one of [`BACKENDS`]), migrated.
pub async fn open_backend(backend: &str) -> TestStore {
    match backend {
        "memory" => TestStore {
            store: Arc::new(MemoryStore::new()),
            url: None,
            _dir: None,
        },
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            let dir = tempfile::tempdir().expect("creating a temporary directory");
            let url = fresh_sqlite_url(&dir);
            let store = open_sql(&url).await;
            TestStore {
                store,
                url: Some(url),
                _dir: Some(dir),
            }
        }
        #[cfg(feature = "postgres")]
        "postgres" => {
            let url = fresh_pg_url().await;
            let store = open_sql(&url).await;
            TestStore {
                store,
                url: Some(url),
                _dir: None,
            }
        }
        other => {
            panic!("backend {other:?} is unknown or not compiled in (features sqlite/postgres)")
        }
    }
}

/// Opens a SQL store with the default options (auto-migrate on).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub async fn open_sql(url: &str) -> Arc<dyn Storage> {
    let store =
        sitebuilder::store::SqlStore::open(url, sitebuilder::store::SqlStoreOptions::default())
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    Arc::new(store)
}

/// A URL for a new SQLite database file inside `dir`.
pub fn fresh_sqlite_url(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join(format!("sb-{}.db", random_hex()));
    format!("sqlite://{}", path.display())
}

/// Creates an empty schema `sbt_<random hex>` in the test database and returns a URL whose
/// connections use it (`options=-c search_path=…`). Checks that sqlx honours the option, so a
/// test never writes into `public` by accident.
#[cfg(feature = "postgres")]
pub async fn fresh_pg_url() -> String {
    use sqlx::Connection;

    let base = pg_base_url();
    let schema = format!("sbt_{}", random_hex());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("connecting to {base} (is PostgreSQL running?): {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&mut conn)
        .await
        .expect("creating a test schema");
    conn.close().await.expect("closing the setup connection");

    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let mut check = sqlx::PgConnection::connect(&url)
        .await
        .expect("connecting with the schema URL");
    let current: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&mut check)
        .await
        .expect("reading current_schema()");
    assert_eq!(
        current, schema,
        "sqlx ignored the search_path option of {url}"
    );
    check.close().await.expect("closing the check connection");
    url
}

/// A single connection to a test database, for checks that look under the store.
#[cfg(feature = "postgres")]
pub async fn pg_connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

/// Drops the schema a [`fresh_pg_url`] URL points at, with everything in it.
#[cfg(feature = "postgres")]
pub async fn drop_pg_schema(url: &str) {
    let schema = url
        .rsplit_once("search_path%3D")
        .map(|(_, s)| s.split('&').next().unwrap_or(s).to_string())
        .filter(|s| s.starts_with("sbt_"))
        .unwrap_or_else(|| panic!("{url} is not a test schema URL"));
    let mut conn = pg_connect(&pg_base_url()).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .execute(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("dropping schema {schema}: {e}"));
}

/// A valid `generate_site_structure` answer for `brief`, written by the offline planner with the
/// default block catalogue: what a well-behaved model returns, for scripting test servers.
pub async fn offline_structure_answer(name: &str, brief: &str) -> String {
    use sitebuilder::ai::provider::{CompletionRequest, OfflinePlanner, Provider};
    let request = CompletionRequest {
        function_name: "generate_site_structure".into(),
        prompt_type: "site_structure_generation".into(),
        messages: vec![],
        output_schema: None,
        context: serde_json::json!({
            "blueprint": {"id": 1, "name": name, "description": ""},
            "brief": brief,
            "objectives": [], "style": {}, "business_type": null,
            "audience_profiles": [], "brand_personalities": [], "hero_imagery": null,
            "hosting_type": "igny8_sites",
            "block_types": sitebuilder::blocks::DEFAULT_BLOCK_TYPES,
            "existing_structure": null, "locked_pages": []
        }),
        temperature: None,
        max_tokens: None,
    };
    OfflinePlanner
        .complete(&request)
        .await
        .expect("offline planner answers")
        .content
}

/// What a well-behaved model answers to the steps generation's sitemap step, cut from a whole
/// structure `answer`: at most four pages (the step schema's bound), without blocks, menus
/// naming only those pages.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn step_sitemap(answer: &serde_json::Value) -> serde_json::Value {
    let mut sitemap = answer.clone();
    let pages = sitemap["pages"].as_array_mut().expect("pages");
    pages.truncate(4);
    for page in pages.iter_mut() {
        page.as_object_mut().expect("page").remove("blocks");
    }
    let slugs: Vec<serde_json::Value> = pages.iter().map(|p| p["slug"].clone()).collect();
    for menu in ["primary_navigation", "secondary_navigation"] {
        let kept: Vec<serde_json::Value> = sitemap["site"][menu]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| slugs.contains(s))
            .cloned()
            .collect();
        sitemap["site"][menu] = serde_json::Value::Array(kept);
    }
    sitemap
}

/// What a well-behaved model answers to one page step of the steps generation, cut from a
/// page of a whole structure answer: its first three blocks, every list in them cut to three
/// items (the step schema's bounds).
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn step_blocks(page: &serde_json::Value) -> serde_json::Value {
    fn cut_lists(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Array(items) => {
                items.truncate(3);
                items.iter_mut().for_each(cut_lists);
            }
            serde_json::Value::Object(map) => map.values_mut().for_each(cut_lists),
            _ => {}
        }
    }
    let mut blocks: Vec<serde_json::Value> = page["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .take(3)
        .cloned()
        .collect();
    for block in &mut blocks {
        cut_lists(&mut block["data"]);
    }
    serde_json::json!({ "blocks": blocks })
}

/// Collects the `enum` of every `href` property schema inside `schema` (the planned page step's
/// allowed link targets).
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn each_href_schema(schema: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(href) = map.get("properties").and_then(|p| p.get("href")) {
                out.push(href["enum"].clone());
            }
            map.values().for_each(|v| each_href_schema(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| each_href_schema(v, out)),
        _ => {}
    }
}
