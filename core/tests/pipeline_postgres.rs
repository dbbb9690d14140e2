//! Credits under concurrency on PostgreSQL: 200 generations at once for an account whose balance
//! pays for 50. Exactly 50 succeed, the rest fail with `insufficient_credits`, the balance ends at
//! 0, the ledger sums to the balance, and the balance is never negative while they run.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sitebuilder::model::{BlueprintStatus, NewBlueprint, Scope};
use sitebuilder::{ProviderConfig, RunOptions, SiteBuilder};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_generations_for_fifty_credits_worth() {
    let url = common::fresh_pg_url().await;
    let sb = SiteBuilder::builder()
        .database_url(url.clone())
        .max_connections(20)
        .provider(ProviderConfig::Offline)
        .build()
        .await
        .expect("open");
    let account = 77;
    let scope = Scope::account(account);
    sb.grant_credits(account, 50 * 50, "credits for 50 structures")
        .await
        .expect("grant");
    let mut ids = Vec::new();
    for i in 0..200 {
        ids.push(
            sb.create_blueprint(
                &scope,
                NewBlueprint::new(format!("Site {i}"), "A bakery in Porto"),
            )
            .await
            .expect("bp")
            .id,
        );
    }
    // Watch the balance from a separate connection while the runs race.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        let pool = sqlx::PgPool::connect(&url).await.expect("watcher pool");
        tokio::spawn(async move {
            let mut min = i64::MAX;
            while !stop.load(Ordering::SeqCst) {
                let b: Option<i64> = sqlx::query_scalar(
                    "SELECT balance FROM igny8_sb_credit_balances WHERE tenant_id = $1",
                )
                .bind(77_i64)
                .fetch_optional(&pool)
                .await
                .expect("read balance");
                min = min.min(b.unwrap_or(0));
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            min
        })
    };
    let mut set = tokio::task::JoinSet::new();
    for id in ids.clone() {
        let sb = sb.clone();
        set.spawn(async move {
            sb.generate_structure(&Scope::account(77), id, RunOptions::default())
                .await
        });
    }
    let (mut ok, mut insufficient, mut other) = (0, 0, Vec::new());
    while let Some(r) = set.join_next().await {
        match r.expect("join") {
            Ok(_) => ok += 1,
            Err(e) if e.code() == "insufficient_credits" => insufficient += 1,
            Err(e) => other.push(e.to_string()),
        }
    }
    stop.store(true, Ordering::SeqCst);
    let min_seen = watcher.await.expect("watcher");
    assert!(other.is_empty(), "unexpected errors: {other:?}");
    assert_eq!((ok, insufficient), (50, 150));
    assert!(min_seen >= 0, "balance went negative: {min_seen}");
    assert_eq!(sb.balance(account).await.expect("balance"), 0);
    let ledger = sb
        .storage()
        .list_transactions(account)
        .await
        .expect("ledger");
    assert_eq!(ledger.iter().map(|t| t.amount).sum::<i64>(), 0);
    assert_eq!(
        ledger
            .iter()
            .filter(|t| t.transaction_type.as_str() == "deduction")
            .count(),
        50
    );
    assert_eq!(
        sb.storage().list_usage(account).await.expect("usage").len(),
        50
    );
    let mut ready = 0;
    for id in ids {
        let bp = sb.get_blueprint(&scope, id).await.expect("get");
        assert_ne!(bp.status, BlueprintStatus::Generating);
        if bp.status == BlueprintStatus::Ready {
            ready += 1;
        }
    }
    assert_eq!(ready, 50);
}
