//! PostgreSQL under concurrency: many processes migrating at once, many tasks charging one account.
#![cfg(feature = "postgres")]

mod common;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use sitebuilder::Error;
use sitebuilder::credits::{Capture, HoldOutcome, TransactionType, UsageRecord};
use sitebuilder::model::OptionKind;
use sitebuilder::schema::{MIGRATIONS, MigrationReport, Tables, seed_options};
use sitebuilder::store::prelude::*;
use sitebuilder::store::{SqlStore, SqlStoreOptions};

/// Carries the database URL to the child processes.
const CHILD_URL: &str = "SITEBUILDER_TEST_MIGRATE_CHILD_URL";
/// Unix time in milliseconds at which every child calls `migrate()`, so they really race.
const CHILD_START_AT: &str = "SITEBUILDER_TEST_MIGRATE_CHILD_START_AT";
const CHILD_TEST: &str = "migrate_child_process";
const REPORT_MARKER: &str = "MIGRATE_REPORT ";
const PROCESSES: usize = 8;

fn unix_millis() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    u64::try_from(since.as_millis()).expect("milliseconds fit in u64")
}

/// One of the racing processes; only meaningful when started by `eight_processes_migrate_at_once`.
#[tokio::test]
#[ignore = "child process of eight_processes_migrate_at_once, which runs it with --ignored"]
async fn migrate_child_process() {
    let url = std::env::var(CHILD_URL).expect("started by eight_processes_migrate_at_once");
    let start_at: u64 = std::env::var(CHILD_START_AT)
        .expect("start time")
        .parse()
        .expect("start time is a number");
    let options = SqlStoreOptions {
        auto_migrate: false,
        max_connections: 2,
        ..SqlStoreOptions::default()
    };
    let store = SqlStore::open(&url, options)
        .await
        .expect("open without migrating");
    let wait = start_at.saturating_sub(unix_millis());
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let report = store.migrate().await.expect("migrate");
    println!(
        "{REPORT_MARKER}{}",
        serde_json::to_string(&report).expect("report json")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_migrate_at_once() {
    let url = common::fresh_pg_url().await;
    let exe = std::env::current_exe().expect("test binary path");
    let start_at = unix_millis() + 2_000;
    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        let child = tokio::process::Command::new(&exe)
            .args([
                "--exact",
                CHILD_TEST,
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_URL, &url)
            .env(CHILD_START_AT, start_at.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("starting a child process");
        children.push(child);
    }
    let mut reports: Vec<MigrationReport> = Vec::new();
    for child in children {
        let out = child.wait_with_output().await.expect("waiting for a child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a child failed:\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("1 passed"),
            "the child test did not run:\n{stdout}"
        );
        let line = stdout
            .lines()
            .find_map(|l| l.split_once(REPORT_MARKER).map(|(_, r)| r.to_string()))
            .unwrap_or_else(|| panic!("no report in:\n{stdout}"));
        reports.push(serde_json::from_str(&line).expect("report json"));
    }

    // Every migration was applied by exactly one process; the others saw it applied.
    for m in MIGRATIONS {
        let label = m.label();
        let applied = reports
            .iter()
            .filter(|r| r.applied.contains(&label))
            .count();
        assert_eq!(
            applied, 1,
            "{label} applied by {applied} processes: {reports:?}"
        );
        for r in &reports {
            let seen = r.applied.contains(&label) || r.already_applied.contains(&label);
            assert!(seen, "{label} missing from {r:?}");
            assert!(
                r.adopted.is_empty(),
                "nothing to adopt on a fresh schema: {r:?}"
            );
        }
    }

    // Under the store: history once per migration, seed rows once per catalogue.
    let tables = Tables::default();
    let mut conn = common::pg_connect(&url).await;
    let history: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT version, count(*) FROM \"{}\" GROUP BY version ORDER BY version",
        tables.migrations()
    )))
    .fetch_all(&mut conn)
    .await
    .expect("reading the history table");
    let expected: Vec<(i64, i64)> = MIGRATIONS.iter().map(|m| (m.version, 1)).collect();
    assert_eq!(history, expected);
    for kind in OptionKind::ALL {
        let (rows, names): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), count(DISTINCT name) FROM \"{}\"",
            tables.options(kind)
        )))
        .fetch_one(&mut conn)
        .await
        .expect("counting options");
        let seeded = i64::try_from(seed_options(kind).len()).expect("small");
        assert_eq!((rows, names), (seeded, seeded), "{kind:?}");
    }

    let store = common::open_sql(&url).await;
    let status = store.migration_status().await.expect("status");
    assert!(
        status
            .iter()
            .all(|m| m.applied && m.checksum_mismatch.is_none()),
        "{status:?}"
    );
    common::drop_pg_schema(&url).await;
}

fn capture(reference: &str) -> Capture {
    Capture {
        reference: reference.to_string(),
        usage: UsageRecord {
            operation_type: "site_structure_generation".into(),
            credits_used: 50,
            model_used: "offline".into(),
            metadata: json!({"task_id": reference}),
            ..UsageRecord::default()
        },
        description: format!("structure generation {reference}"),
    }
}

/// Holds 50 for `reference` and captures it; true when charged, false when the account was short.
async fn charge(store: &Arc<dyn Storage>, account: i64, reference: &str) -> bool {
    match store
        .hold_credits(account, 50, reference, "concurrent run")
        .await
    {
        Ok(HoldOutcome::Held { amount: 50, .. }) => {
            store
                .capture_credits(account, capture(reference))
                .await
                .expect("capture");
            true
        }
        Ok(other) => panic!("unexpected hold outcome {other:?} for {reference}"),
        Err(Error::InsufficientCredits {
            required: 50,
            available,
        }) => {
            assert!((0..50).contains(&available), "available {available}");
            false
        }
        Err(e) => panic!("unexpected error for {reference}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_charges_never_overdraw() {
    const ACCOUNT: i64 = 31337;
    let url = common::fresh_pg_url().await;
    // Two stores with their own pools, like two worker processes.
    let stores = [common::open_sql(&url).await, common::open_sql(&url).await];
    stores[0]
        .grant_credits(
            ACCOUNT,
            2_500,
            TransactionType::Purchase,
            "enough for 50 runs",
            Some("order-1"),
        )
        .await
        .expect("grant");

    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (store, stop) = (stores[1].clone(), stop.clone());
        tokio::spawn(async move {
            let mut polls = 0u32;
            while !stop.load(Ordering::Acquire) {
                let balance = store.balance(ACCOUNT).await.expect("poll balance");
                assert!(balance >= 0, "balance went negative: {balance}");
                polls += 1;
            }
            polls
        })
    };
    let mut handles = Vec::new();
    for i in 0..200 {
        let store = stores[i % 2].clone();
        handles.push(tokio::spawn(async move {
            charge(&store, ACCOUNT, &format!("task-{i:03}")).await
        }));
    }
    let mut charged = 0;
    for h in handles {
        if h.await.expect("join") {
            charged += 1;
        }
    }
    stop.store(true, Ordering::Release);
    assert!(
        poller.await.expect("poller") > 0,
        "the balance was never polled"
    );
    assert_eq!(charged, 50, "2500 credits pay for exactly 50 runs of 50");

    let balance = stores[0].balance(ACCOUNT).await.expect("balance");
    assert_eq!(balance, 0);
    let txs = stores[0].list_transactions(ACCOUNT).await.expect("ledger");
    assert_eq!(
        txs.iter().map(|t| t.amount).sum::<i64>(),
        balance,
        "ledger sum == balance"
    );
    let mut running = 0;
    for t in &txs {
        running += t.amount;
        assert!(running >= 0, "running ledger sum negative at {t:?}");
        assert_eq!(
            t.balance_after, running,
            "balance_after is not the running sum at {t:?}"
        );
    }
    let deductions = txs
        .iter()
        .filter(|t| t.transaction_type == TransactionType::Deduction)
        .count();
    assert_eq!(deductions, 50);
    assert_eq!(
        stores[1].list_usage(ACCOUNT).await.expect("usage").len(),
        50
    );

    // Retrying every run: the 50 charged are AlreadyCaptured, the rest still cannot pay.
    let mut handles = Vec::new();
    for i in 0..200 {
        let store = stores[i % 2].clone();
        handles.push(tokio::spawn(async move {
            store
                .hold_credits(ACCOUNT, 50, &format!("task-{i:03}"), "retry")
                .await
        }));
    }
    let (mut captured, mut short) = (0, 0);
    for h in handles {
        match h.await.expect("join") {
            Ok(HoldOutcome::AlreadyCaptured) => captured += 1,
            Err(Error::InsufficientCredits { available: 0, .. }) => short += 1,
            other => panic!("unexpected retry outcome {other:?}"),
        }
    }
    assert_eq!((captured, short), (50, 150));
    assert_eq!(
        stores[0].list_transactions(ACCOUNT).await.expect("ledger"),
        txs,
        "retries wrote nothing"
    );

    // And directly in the database, each reference was deducted at most once.
    let tables = Tables::default();
    let mut conn = common::pg_connect(&url).await;
    let repeated: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT reference, count(*) FROM \"{}\" WHERE transaction_type = 'deduction' GROUP BY reference HAVING count(*) > 1",
        tables.credit_transactions()
    )))
    .fetch_all(&mut conn)
    .await
    .expect("querying deductions");
    assert!(
        repeated.is_empty(),
        "references charged twice: {repeated:?}"
    );
    common::drop_pg_schema(&url).await;
}
