//! Idempotency keys through the facade, under concurrency: many retries of one write with one
//! key run it once and charge once, on SQLite and PostgreSQL.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sitebuilder::model::{BlueprintQuery, NewBlueprint, Scope, SiteBlueprint};
use sitebuilder::{ProviderConfig, RunOptions, RunOutcome, SiteBuilder};

async fn open(url: &str) -> SiteBuilder {
    SiteBuilder::builder()
        .database_url(url)
        .provider(ProviderConfig::Offline)
        .build()
        .await
        .expect("open")
}

async fn retries_run_once(url: &str) {
    let sb = open(url).await;
    let scope = Scope::account(31);
    let new = NewBlueprint::new("Casa Lupa", "A family trattoria in Porto");
    let runs = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..16 {
        let (sb, new, runs) = (sb.clone(), new.clone(), Arc::clone(&runs));
        handles.push(tokio::spawn(async move {
            sb.idempotent(31, "create-casa-lupa", "create_blueprint", &new, || async {
                runs.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                sb.create_blueprint(&scope, new.clone()).await
            })
            .await
        }));
    }
    let mut created: Vec<SiteBlueprint> = Vec::new();
    for h in handles {
        match h.await.expect("task") {
            Ok(bp) => created.push(bp),
            Err(e) => assert_eq!(e.code(), "conflict", "a concurrent retry waits: {e}"),
        }
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the write ran once");
    assert!(!created.is_empty());
    assert!(created.iter().all(|bp| bp.id == created[0].id));
    // A retry after the first finished gets the first answer.
    let again: SiteBlueprint = sb
        .idempotent(31, "create-casa-lupa", "create_blueprint", &new, || async {
            sb.create_blueprint(&scope, new.clone()).await
        })
        .await
        .expect("replayed");
    assert_eq!(again.id, created[0].id);
    let listed = sb
        .list_blueprints(&scope, BlueprintQuery::default())
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 1, "one blueprint, not one per retry");
    // The key with another request is refused.
    let other = NewBlueprint::new("Other", "x");
    let err = sb
        .idempotent(
            31,
            "create-casa-lupa",
            "create_blueprint",
            &other,
            || async { sb.create_blueprint(&scope, other.clone()).await },
        )
        .await
        .expect_err("reused key");
    assert_eq!(err.code(), "conflict");

    // A paid run retried with its key is charged once.
    sb.grant_credits(31, 100, "test credits")
        .await
        .expect("grant");
    let bp = created[0].id;
    for _ in 0..3 {
        let outcome: RunOutcome = sb
            .idempotent(31, "gen-1", "generate_structure", &bp, || async {
                sb.generate_structure(&scope, bp, RunOptions::default())
                    .await
            })
            .await
            .expect("generate");
        assert_eq!(outcome.credits_charged, 50);
    }
    assert_eq!(
        sb.balance(31).await.expect("balance"),
        50,
        "100 granted, 50 charged once"
    );

    // A failed first call leaves the key free: the retry runs.
    let failures = AtomicUsize::new(0);
    let first = sb
        .idempotent(31, "flaky", "create_blueprint", &new, || async {
            failures.fetch_add(1, Ordering::SeqCst);
            sb.create_blueprint(&scope, NewBlueprint::new("", "")).await
        })
        .await;
    assert_eq!(first.expect_err("blank name").code(), "invalid_input");
    let second = sb
        .idempotent(31, "flaky", "create_blueprint", &new, || async {
            sb.create_blueprint(&scope, new.clone()).await
        })
        .await;
    assert!(second.is_ok());
    let err = sb
        .idempotent(31, "", "create_blueprint", &new, || async {
            sb.create_blueprint(&scope, new.clone()).await
        })
        .await
        .expect_err("empty key");
    assert_eq!(err.code(), "invalid_input");
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_retries_run_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    retries_run_once(&common::fresh_sqlite_url(&dir)).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_retries_run_once() {
    let url = common::fresh_pg_url().await;
    retries_run_once(&url).await;
    common::drop_pg_schema(&url).await;
}
