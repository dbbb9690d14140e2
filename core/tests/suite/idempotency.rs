//! Idempotency keys: claimed once, answered from the record after, per account.

use serde_json::json;
use sitebuilder::store::{IdempotencyClaim, IdempotencyRequest};

use super::{A, B, Store, expect_err};

fn request<'a>(account_id: i64, key: &'a str, hash: &'a str) -> IdempotencyRequest<'a> {
    IdempotencyRequest {
        account_id,
        key,
        operation: "create_blueprint",
        request_hash: hash,
        takeover_after: chrono::Duration::minutes(15),
    }
}

pub async fn idempotency_keys(store: Store) {
    let first = request(A, "k-1", "h1");
    assert_eq!(
        store.claim_idempotency_key(&first).await.expect("claim"),
        IdempotencyClaim::Claimed
    );
    // While the first call runs, a retry is told to wait; another request with the key is refused.
    expect_err(store.claim_idempotency_key(&first).await, "conflict");
    expect_err(
        store.claim_idempotency_key(&request(A, "k-1", "h2")).await,
        "conflict",
    );
    // Keys are per account.
    assert_eq!(
        store
            .claim_idempotency_key(&request(B, "k-1", "h1"))
            .await
            .expect("other account"),
        IdempotencyClaim::Claimed
    );
    let answer = json!({"id": 7, "name": "Casa Lupa"});
    store
        .finish_idempotency_key(A, "k-1", &answer)
        .await
        .expect("finish");
    assert_eq!(
        store.claim_idempotency_key(&first).await.expect("replay"),
        IdempotencyClaim::Done(answer.clone())
    );
    expect_err(
        store.claim_idempotency_key(&request(A, "k-1", "h2")).await,
        "conflict",
    );
    // A finished key is not released by a late abandon.
    store.abandon_idempotency_key(A, "k-1").await.expect("noop");
    assert_eq!(
        store
            .claim_idempotency_key(&first)
            .await
            .expect("still done"),
        IdempotencyClaim::Done(answer)
    );

    // A failed call releases its key: the retry runs.
    let failed = request(A, "k-2", "h1");
    assert_eq!(
        store.claim_idempotency_key(&failed).await.expect("claim"),
        IdempotencyClaim::Claimed
    );
    store
        .abandon_idempotency_key(A, "k-2")
        .await
        .expect("abandon");
    assert_eq!(
        store.claim_idempotency_key(&failed).await.expect("again"),
        IdempotencyClaim::Claimed
    );

    // A claim left running by a dead process is taken over after the takeover age.
    let stale = IdempotencyRequest {
        takeover_after: chrono::Duration::zero(),
        ..request(A, "k-2", "h1")
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(
        store.claim_idempotency_key(&stale).await.expect("takeover"),
        IdempotencyClaim::Claimed
    );
}
