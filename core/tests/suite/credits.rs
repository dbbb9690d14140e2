//! The credit ledger: grants, holds, releases, captures, and the balance invariants.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use sitebuilder::Error;
use sitebuilder::credits::{HoldOutcome, TransactionType};
use sitebuilder::store::TaskHold;
use sitebuilder::tasks::TaskRecord;

use super::{A, B, Store, assert_ledger_consistent, capture, expect_err, grant};

pub async fn credits_grant_is_idempotent(store: Store) {
    assert_eq!(
        store.balance(A).await.expect("balance"),
        0,
        "an unknown account has 0"
    );
    assert!(store.list_transactions(A).await.expect("ledger").is_empty());

    let first = store
        .grant_credits(
            A,
            100,
            TransactionType::Purchase,
            "order #1",
            Some("order-1"),
        )
        .await
        .expect("grant");
    assert_eq!(first.account_id, A);
    assert_eq!(first.transaction_type, TransactionType::Purchase);
    assert_eq!((first.amount, first.balance_after), (100, 100));
    assert_eq!(first.description, "order #1");
    assert_eq!(first.reference.as_deref(), Some("order-1"));
    let again = store
        .grant_credits(
            A,
            100,
            TransactionType::Purchase,
            "order #1 retried",
            Some("order-1"),
        )
        .await
        .expect("repeat grant");
    assert_eq!(
        again, first,
        "a repeated grant returns the first transaction"
    );
    assert_eq!(store.balance(A).await.expect("balance"), 100);

    // Another kind or another account with the same reference is a different grant.
    store
        .grant_credits(A, 10, TransactionType::Refund, "refund", Some("order-1"))
        .await
        .expect("refund");
    store
        .grant_credits(
            B,
            5,
            TransactionType::Purchase,
            "B's order",
            Some("order-1"),
        )
        .await
        .expect("B's grant");
    // Without a reference every grant counts.
    grant(&store, A, 1).await;
    grant(&store, A, 1).await;
    assert_eq!(assert_ledger_consistent(&store, A).await, 112);
    assert_eq!(assert_ledger_consistent(&store, B).await, 5);
    assert_eq!(store.list_transactions(A).await.expect("ledger").len(), 4);

    // Concurrent repeats of one grant add it once.
    let mut handles = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            store
                .grant_credits(
                    A,
                    50,
                    TransactionType::Subscription,
                    "renewal",
                    Some("sub-2024-05"),
                )
                .await
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.push(h.await.expect("join").expect("concurrent grant").id);
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "every concurrent repeat returns the same transaction"
    );
    assert_eq!(assert_ledger_consistent(&store, A).await, 162);
}

pub async fn credits_grant_rules(store: Store) {
    for amount in [0, -5] {
        expect_err(
            store
                .grant_credits(A, amount, TransactionType::Purchase, "x", None)
                .await,
            "invalid_input",
        );
    }
    for kind in [
        TransactionType::Deduction,
        TransactionType::Hold,
        TransactionType::Release,
    ] {
        let err = expect_err(
            store.grant_credits(A, 10, kind, "x", None).await,
            "invalid_input",
        );
        assert!(err.to_string().contains(kind.as_str()), "{err}");
    }
    for kind in [
        TransactionType::Purchase,
        TransactionType::Subscription,
        TransactionType::Refund,
        TransactionType::Adjustment,
    ] {
        store
            .grant_credits(A, 1, kind, "ok", None)
            .await
            .expect("grant kind");
    }
    assert_eq!(assert_ledger_consistent(&store, A).await, 4);
    expect_err(store.hold_credits(A, -1, "neg", "x").await, "invalid_input");
    assert_eq!(store.list_transactions(A).await.expect("ledger").len(), 4);
}

pub async fn credits_hold_release_capture(store: Store) {
    grant(&store, A, 100).await;
    let held = store
        .hold_credits(A, 30, "t1", "hold t1")
        .await
        .expect("hold");
    assert_eq!(
        held,
        HoldOutcome::Held {
            amount: 30,
            balance_after: 70
        }
    );
    assert_eq!(store.balance(A).await.expect("balance"), 70);
    // Holding again for the same reference does not charge again.
    let again = store
        .hold_credits(A, 30, "t1", "hold t1 again")
        .await
        .expect("hold");
    assert_eq!(
        again,
        HoldOutcome::Held {
            amount: 30,
            balance_after: 70
        }
    );
    assert_eq!(store.list_transactions(A).await.expect("ledger").len(), 2);
    let hold_row = &store.list_transactions(A).await.expect("ledger")[1];
    assert_eq!(
        (
            hold_row.transaction_type,
            hold_row.amount,
            hold_row.balance_after,
            hold_row.reference.as_deref()
        ),
        (TransactionType::Hold, -30, 70, Some("t1"))
    );

    assert!(store.release_credits(A, "t1").await.expect("release"));
    assert_eq!(store.balance(A).await.expect("balance"), 100);
    assert!(
        !store
            .release_credits(A, "t1")
            .await
            .expect("second release"),
        "nothing left to release"
    );
    assert!(
        !store
            .release_credits(A, "never-held")
            .await
            .expect("release unknown")
    );
    assert!(
        !store.release_credits(B, "t1").await.expect("release as B"),
        "holds belong to one account"
    );

    // A released reference may be held again (a retried task).
    let rehold = store
        .hold_credits(A, 30, "t1", "retry")
        .await
        .expect("hold again");
    assert_eq!(
        rehold,
        HoldOutcome::Held {
            amount: 30,
            balance_after: 70
        }
    );
    expect_err(
        store.capture_credits(B, capture("t1", 30)).await,
        "conflict",
    );
    store
        .capture_credits(A, capture("t1", 30))
        .await
        .expect("capture");
    assert_eq!(store.balance(A).await.expect("balance"), 70);
    store
        .capture_credits(A, capture("t1", 30))
        .await
        .expect("a repeated capture is a no-op");
    assert_eq!(
        store
            .hold_credits(A, 30, "t1", "after capture")
            .await
            .expect("hold"),
        HoldOutcome::AlreadyCaptured
    );
    assert!(
        !store
            .release_credits(A, "t1")
            .await
            .expect("release captured"),
        "a capture is final"
    );
    assert_eq!(store.balance(A).await.expect("balance"), 70);

    let kinds: Vec<(TransactionType, i64)> = store
        .list_transactions(A)
        .await
        .expect("ledger")
        .iter()
        .map(|t| (t.transaction_type, t.amount))
        .collect();
    use TransactionType::*;
    assert_eq!(
        kinds,
        vec![
            (Purchase, 100),
            (Hold, -30),
            (Release, 30),
            (Hold, -30),
            (Release, 30),
            (Deduction, -30)
        ]
    );
    let usage = store.list_usage(A).await.expect("usage");
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].usage, capture("t1", 30).usage);
    assert!(store.list_usage(B).await.expect("usage").is_empty());

    let err = expect_err(
        store.capture_credits(A, capture("unknown", 5)).await,
        "conflict",
    );
    assert!(err.to_string().contains("unknown"), "{err}");
    // A zero hold is allowed (free operations still go through the same flow).
    assert_eq!(
        store
            .hold_credits(A, 0, "free", "free")
            .await
            .expect("zero hold"),
        HoldOutcome::Held {
            amount: 0,
            balance_after: 70
        }
    );
    store
        .capture_credits(A, capture("free", 0))
        .await
        .expect("capture zero");
    assert_eq!(assert_ledger_consistent(&store, A).await, 70);
    assert_eq!(store.list_usage(A).await.expect("usage").len(), 2);

    // The usage row records what the hold charged, and metadata is always an object.
    store
        .hold_credits(A, 10, "t-usage", "x")
        .await
        .expect("hold");
    let mut odd = capture("t-usage", 999);
    odd.usage.metadata = serde_json::Value::Null;
    store
        .capture_credits(A, odd.clone())
        .await
        .expect("capture");
    let usage = store.list_usage(A).await.expect("usage");
    let last = &usage.last().expect("a usage row").usage;
    assert_eq!(last.credits_used, 10, "credits_used is the captured hold");
    assert_eq!(last.metadata, serde_json::json!({}));
    assert_eq!(
        (
            last.operation_type.as_str(),
            last.tokens_input,
            last.related_object_id
        ),
        (
            odd.usage.operation_type.as_str(),
            odd.usage.tokens_input,
            odd.usage.related_object_id
        )
    );
    assert_eq!(assert_ledger_consistent(&store, A).await, 60);
}

pub async fn credits_insufficient(store: Store) {
    match expect_err(
        store.hold_credits(A, 1, "t0", "x").await,
        "insufficient_credits",
    ) {
        Error::InsufficientCredits {
            required,
            available,
        } => assert_eq!((required, available), (1, 0)),
        other => panic!("{other:?}"),
    }
    grant(&store, A, 40).await;
    match expect_err(
        store.hold_credits(A, 50, "t1", "x").await,
        "insufficient_credits",
    ) {
        Error::InsufficientCredits {
            required,
            available,
        } => assert_eq!((required, available), (50, 40)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.list_transactions(A).await.expect("ledger").len(),
        1,
        "nothing charged"
    );
    // The exact balance can be held; then nothing more.
    store
        .hold_credits(A, 40, "t2", "x")
        .await
        .expect("hold all");
    match expect_err(
        store.hold_credits(A, 1, "t3", "x").await,
        "insufficient_credits",
    ) {
        Error::InsufficientCredits {
            required,
            available,
        } => assert_eq!((required, available), (1, 0)),
        other => panic!("{other:?}"),
    }
    // The failed reference can be held later, once there is money.
    grant(&store, A, 50).await;
    store
        .hold_credits(A, 50, "t1", "x")
        .await
        .expect("hold after grant");
    assert_eq!(assert_ledger_consistent(&store, A).await, 0);
}

pub async fn credits_concurrent_holds_never_overdraw(store: Store) {
    grant(&store, A, 100).await;
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (store, stop) = (store.clone(), stop.clone());
        tokio::spawn(async move {
            let mut polls = 0u32;
            while !stop.load(Ordering::Acquire) {
                let balance = store.balance(A).await.expect("poll balance");
                assert!(balance >= 0, "balance went negative: {balance}");
                polls += 1;
                tokio::task::yield_now().await;
            }
            polls
        })
    };
    let mut handles = Vec::new();
    for i in 0..24 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let reference = format!("task-{i}");
            match store.hold_credits(A, 20, &reference, "concurrent").await {
                Ok(HoldOutcome::Held { .. }) => {
                    store
                        .capture_credits(A, capture(&reference, 20))
                        .await
                        .expect("capture");
                    true
                }
                Ok(HoldOutcome::AlreadyCaptured) => panic!("fresh reference reported as captured"),
                Err(Error::InsufficientCredits {
                    required: 20,
                    available,
                }) => {
                    assert!((0..20).contains(&available), "available {available}");
                    false
                }
                Err(e) => panic!("unexpected error: {e:?}"),
            }
        }));
    }
    let mut won = 0;
    for h in handles {
        if h.await.expect("join") {
            won += 1;
        }
    }
    stop.store(true, Ordering::Release);
    assert!(poller.await.expect("poller") > 0);
    assert_eq!(won, 5, "100 credits pay for exactly five holds of 20");
    assert_eq!(assert_ledger_consistent(&store, A).await, 0);
    assert_eq!(store.list_usage(A).await.expect("usage").len(), 5);
}

/// Many holds for one reference at once (a retried task racing itself) debit the account once.
pub async fn credits_same_reference_held_once(store: Store) {
    grant(&store, A, 100).await;
    let mut handles = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            store.hold_credits(A, 30, "retried-task", "retry").await
        }));
    }
    for h in handles {
        match h.await.expect("join").expect("hold") {
            HoldOutcome::Held { amount, .. } => assert_eq!(amount, 30),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(store.balance(A).await.expect("balance"), 70);
    let holds = store
        .list_transactions(A)
        .await
        .expect("ledger")
        .into_iter()
        .filter(|t| t.transaction_type == TransactionType::Hold)
        .count();
    assert_eq!(holds, 1, "one hold row for one reference");
    assert_eq!(assert_ledger_consistent(&store, A).await, 70);
}

fn task(task_id: &str, account: i64) -> TaskRecord {
    TaskRecord::new(
        task_id,
        account,
        "generate_site_structure",
        json!({"blueprint_id": 1}),
    )
}

fn hold(amount: i64) -> Option<TaskHold> {
    Some(TaskHold {
        amount,
        description: "site_structure_generation (generate_site_structure)".into(),
    })
}

/// `start_task` writes the row and its hold together, once per task id, and a hold the balance
/// does not cover leaves the row (so the failure is on record) and nothing else.
pub async fn start_task_writes_row_and_hold_once(store: Store) {
    grant(&store, A, 120).await;
    let mut handles = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            store.start_task(task("t-1", A), hold(50)).await
        }));
    }
    let mut inserted = 0;
    for h in handles {
        let started = h.await.expect("join").expect("start");
        assert_eq!(started.record.task_id, "t-1");
        if started.inserted {
            inserted += 1;
            match started.hold {
                Some(Ok(HoldOutcome::Held {
                    amount: 50,
                    balance_after: 70,
                })) => {}
                other => panic!("unexpected hold {other:?}"),
            }
        } else {
            assert!(started.hold.is_none(), "an existing row gets no hold");
        }
    }
    assert_eq!(inserted, 1);
    assert_eq!(store.balance(A).await.expect("balance"), 70);

    let poor = store
        .start_task(task("t-2", A), hold(100))
        .await
        .expect("start");
    assert!(poor.inserted);
    match poor.hold {
        Some(Err(Error::InsufficientCredits {
            required: 100,
            available: 70,
        })) => {}
        other => panic!("unexpected hold {other:?}"),
    }
    assert_eq!(
        store
            .get_task(Some(A), "t-2")
            .await
            .expect("row kept")
            .task_id,
        "t-2"
    );
    assert!(
        !store.release_credits(A, "t-2").await.expect("release"),
        "no hold was left behind"
    );
    assert_eq!(store.balance(A).await.expect("balance"), 70);
    assert_eq!(assert_ledger_consistent(&store, A).await, 70);

    // Without a hold it is a plain insert.
    let plain = store.start_task(task("t-3", A), None).await.expect("start");
    assert!(plain.inserted && plain.hold.is_none());
}
