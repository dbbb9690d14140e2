//! Tasks handed to a queue: on record from the moment they are queued, run once however many
//! deliveries of their message arrive, reported by `doctor` when no worker takes them, counted
//! on `/metrics`; and `recover_stale` putting a blueprint back as it was.

#[path = "common/mod.rs"]
mod common;
#[path = "support/openai_server.rs"]
mod openai_server;

use std::time::Duration;

use openai_server::{OpenAiServer, Step};
use serde_json::json;
use sitebuilder::model::{BlueprintStatus, NewBlueprint, Scope};
use sitebuilder::tasks::{TaskRecord, TaskStatus};
use sitebuilder::{Generation, ProviderConfig, RunOptions, SiteBuilder};

async fn open(provider: ProviderConfig) -> (SiteBuilder, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sb = SiteBuilder::builder()
        .database_url(common::fresh_sqlite_url(&dir))
        .provider(provider)
        .build()
        .await
        .expect("open");
    (sb, dir)
}

/// What a worker does with a delivered message: runs the structure generation under the task id.
async fn deliver(
    sb: &SiteBuilder,
    account: i64,
    task_id: &str,
    payload: serde_json::Value,
) -> sitebuilder::Result<sitebuilder::RunOutcome> {
    let opts = RunOptions {
        task_id: Some(task_id.into()),
        ..RunOptions::default()
    };
    sb.run("generate_site_structure", payload, account, opts)
        .await
}

#[tokio::test]
async fn a_queued_task_is_readable_before_any_worker_runs_it() {
    let (sb, _dir) = open(ProviderConfig::Offline).await;
    let scope = Scope::account(31).with_site(5);
    let bp = sb
        .create_blueprint(&scope, NewBlueprint::new("Queued", "A bakery in Porto"))
        .await
        .expect("blueprint");
    let payload = json!({"blueprint_id": bp.id, "site_id": 5});
    let queued = sb
        .queue_task(
            "generate_site_structure",
            payload.clone(),
            31,
            Some("q-1".into()),
        )
        .await
        .expect("queue");
    let read = sb
        .task(Some(31), "q-1")
        .await
        .expect("read the queued task");
    assert_eq!(read, queued);
    assert_eq!(read.status, TaskStatus::Queued);
    assert_eq!(read.function_name, "generate_site_structure");
    assert_eq!(read.payload, payload);
    assert_eq!(read.message, "waiting for a worker");
    assert!(read.started_at.is_none());
    // Another account does not see it, and cannot take its id.
    assert_eq!(
        sb.task(Some(32), "q-1").await.expect_err("hidden").code(),
        "not_found"
    );
    assert_eq!(
        sb.queue_task(
            "generate_site_structure",
            payload.clone(),
            32,
            Some("q-1".into())
        )
        .await
        .expect_err("foreign id")
        .code(),
        "conflict"
    );
    // Queuing the same id again changes nothing.
    let again = sb
        .queue_task("generate_site_structure", payload, 31, Some("q-1".into()))
        .await
        .expect("queue again");
    assert_eq!(again, queued);
    let status = sb
        .queue_status(Duration::from_secs(3600))
        .await
        .expect("status");
    assert_eq!((status.queued, status.stuck_count), (1, 0));

    // A bad call is refused when queued, not later by a worker.
    assert_eq!(
        sb.queue_task("nope", json!({}), 31, None)
            .await
            .expect_err("unknown function")
            .code(),
        "not_found"
    );
    assert_eq!(
        sb.queue_task("generate_site_structure", json!({}), 31, None)
            .await
            .expect_err("no blueprint id")
            .code(),
        "invalid_input"
    );

    // The worker's run claims it: running, then succeeded, charged once.
    sb.grant_credits(31, 100, "credits").await.expect("grant");
    let out = deliver(&sb, 31, "q-1", json!({"blueprint_id": bp.id}))
        .await
        .expect("run");
    assert_eq!((out.credits_charged, out.replayed), (50, false));
    let done = sb.task(Some(31), "q-1").await.expect("read");
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.payload, queued.payload, "the queued payload is kept");
    assert_eq!(
        sb.queue_status(Duration::ZERO)
            .await
            .expect("status")
            .queued,
        0
    );
}

#[tokio::test]
async fn duplicated_deliveries_of_a_queued_task_run_it_once_and_charge_once() {
    let server = OpenAiServer::start().await;
    let answer = common::offline_structure_answer("Twice", "A bakery in Porto").await;
    server.set_default(Step::delay(
        Duration::from_millis(300),
        Step::answer(answer),
    ));
    let (sb, _dir) = open(ProviderConfig::OpenAiCompatible {
        base_url: server.base_url(),
        api_key: Some("sk-queue".into()),
        model: "gpt-4o-mini".into(),
        timeout_secs: Some(10.0),
        max_retries: Some(0),
        json_mode: None,
        stream: None,
        // The scripted server plays a hosted model: it answers whole sites.
        generation: Some(Generation::Whole),
    })
    .await;
    let scope = Scope::account(33);
    sb.grant_credits(33, 500, "credits").await.expect("grant");
    let bp = sb
        .create_blueprint(&scope, NewBlueprint::new("Twice", "A bakery in Porto"))
        .await
        .expect("blueprint");
    let payload = json!({"blueprint_id": bp.id});
    sb.queue_task(
        "generate_site_structure",
        payload.clone(),
        33,
        Some("dup".into()),
    )
    .await
    .expect("queue");
    let deliveries = (0..4).map(|_| {
        let sb = sb.clone();
        let payload = payload.clone();
        tokio::spawn(async move { deliver(&sb, 33, "dup", payload).await })
    });
    let mut charged = 0;
    let mut ran = 0;
    for d in deliveries {
        match d.await.expect("join") {
            Ok(out) if !out.replayed => {
                ran += 1;
                charged += out.credits_charged;
            }
            Ok(out) => assert_eq!(out.credits_charged, 0),
            Err(e) => assert_eq!(e.code(), "conflict", "{e}"),
        }
    }
    assert_eq!((ran, charged), (1, 50));
    assert_eq!(server.chat_requests().len(), 1, "the model was asked once");
    assert_eq!(sb.balance(33).await.expect("balance"), 450);
    // A delivery after the run finished replays it.
    let late = deliver(&sb, 33, "dup", payload)
        .await
        .expect("late delivery");
    assert!(late.replayed);
    assert_eq!(sb.balance(33).await.expect("balance"), 450);
}

#[tokio::test]
async fn doctor_fails_on_tasks_no_worker_takes_and_metrics_show_the_queue() {
    let (sb, _dir) = open(ProviderConfig::Offline).await;
    let report = sb.doctor().await;
    let queue = report
        .checks
        .iter()
        .find(|c| c.name == "queue")
        .expect("a queue check");
    assert!(queue.ok && report.ok, "{}", report.render());

    // A task queued ten minutes ago that nothing picked up.
    let mut rec = TaskRecord::new(
        "forgotten",
        34,
        "generate_site_structure",
        json!({"blueprint_id": 1}),
    );
    rec.created_at = chrono::Utc::now() - chrono::Duration::minutes(10);
    rec.updated_at = rec.created_at;
    sb.storage().insert_task(rec).await.expect("insert");
    let report = sb.doctor().await;
    let queue = report
        .checks
        .iter()
        .find(|c| c.name == "queue")
        .expect("a queue check");
    assert!(!queue.ok && !report.ok);
    assert!(queue.detail.contains("forgotten"), "{}", queue.detail);
    assert!(
        queue.fix.as_deref().unwrap_or("").contains("worker"),
        "{queue:?}"
    );
    let status = sb
        .queue_status(Duration::from_secs(60))
        .await
        .expect("status");
    assert_eq!(status.stuck, vec!["forgotten".to_string()]);
    assert!(status.oldest_wait_secs >= 600.0);

    let text = sb.metrics().await.expect("metrics");
    assert!(text.contains("sitebuilder_tasks_queued 1"), "{text}");
    assert!(
        text.contains("sitebuilder_tasks_oldest_queued_seconds"),
        "{text}"
    );

    // Once a worker runs it, its wait is measured.
    sb.grant_credits(34, 100, "credits").await.expect("grant");
    let bp = sb
        .create_blueprint(&Scope::account(34), NewBlueprint::new("Late", "A cafe"))
        .await
        .expect("blueprint");
    let mut late = TaskRecord::new(
        "late",
        34,
        "generate_site_structure",
        json!({"blueprint_id": bp.id}),
    );
    late.created_at = chrono::Utc::now() - chrono::Duration::seconds(5);
    sb.storage().insert_task(late).await.expect("insert");
    deliver(&sb, 34, "late", json!({"blueprint_id": bp.id}))
        .await
        .expect("run");
    let text = sb.metrics().await.expect("metrics");
    assert!(
        text.contains("sitebuilder_task_wait_seconds")
            && text.contains("function=\"generate_site_structure\""),
        "{text}"
    );
}

#[tokio::test]
async fn recover_stale_puts_a_blueprint_back_to_the_status_it_had() {
    let (sb, _dir) = open(ProviderConfig::Offline).await;
    let scope = Scope::account(35);
    sb.grant_credits(35, 500, "credits").await.expect("grant");
    let bp = sb
        .create_blueprint(&scope, NewBlueprint::new("Ready", "A cafe in Lyon"))
        .await
        .expect("blueprint");
    sb.generate_structure(&scope, bp.id, RunOptions::default())
        .await
        .expect("first structure");
    let before = sb.get_blueprint(&scope, bp.id).await.expect("get");
    assert_eq!(before.status, BlueprintStatus::Ready);

    // A second run whose worker died after marking it generating and holding credits.
    let s = sb.storage();
    s.begin_generation(&scope, bp.id).await.expect("generating");
    s.hold_credits(35, 50, "dead", "hold").await.expect("hold");
    let mut rec = TaskRecord::new(
        "dead",
        35,
        "generate_site_structure",
        json!({"blueprint_id": bp.id}),
    );
    rec.status = TaskStatus::Running;
    rec.updated_at = chrono::Utc::now() - chrono::Duration::minutes(30);
    s.insert_task(rec).await.expect("task");
    let recovered = sb
        .recover_stale(Duration::from_secs(600))
        .await
        .expect("recover");
    assert_eq!(recovered, vec!["dead".to_string()]);
    let after = sb.get_blueprint(&scope, bp.id).await.expect("get");
    assert_eq!(after.status, BlueprintStatus::Ready);
    assert_eq!(
        (after.version, &after.structure_json),
        (before.version, &before.structure_json)
    );
    assert_eq!(sb.balance(35).await.expect("balance"), 450);
}

#[tokio::test]
async fn broker_check_tells_a_redis_from_a_closed_port_and_from_another_server() {
    let redis = sitebuilder::broker_check("redis://127.0.0.1:6379/0", Duration::from_secs(2)).await;
    assert!(redis.ok, "{redis:?}");
    assert!(redis.detail.contains("PING"));

    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let closed = sitebuilder::broker_check(
        &format!("redis://127.0.0.1:{port}/0"),
        Duration::from_secs(1),
    )
    .await;
    assert!(!closed.ok);
    assert!(
        closed.fix.as_deref().unwrap_or("").contains("redis-server"),
        "{closed:?}"
    );

    let http = OpenAiServer::start().await;
    let addr = http.base_url().replace("http://", "redis://");
    let other = sitebuilder::broker_check(&addr, Duration::from_secs(2)).await;
    assert!(!other.ok, "{other:?}");

    let bad = sitebuilder::broker_check("not a url", Duration::from_secs(1)).await;
    assert!(!bad.ok && bad.detail.contains("not a URL"));
}
