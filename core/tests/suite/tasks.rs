//! The AI task log and per-account prompt overrides.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::json;
use sitebuilder::tasks::{Phase, TaskQuery, TaskRecord, TaskStatus};

use super::{A, B, Store, expect_not_found};

/// Now at the precision every backend keeps (PostgreSQL stores microseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A queued task created `minutes_ago` minutes before `base`.
fn task(
    id: &str,
    account: i64,
    function: &str,
    base: DateTime<Utc>,
    minutes_ago: i64,
) -> TaskRecord {
    let mut r = TaskRecord::new(id, account, function, json!({"blueprint_id": 7, "id": id}));
    r.created_at = base - Duration::minutes(minutes_ago);
    r.updated_at = r.created_at;
    r
}

/// `task` finished with `status` (and `code` when failed).
fn finished(mut r: TaskRecord, status: TaskStatus, code: Option<&str>) -> TaskRecord {
    r.status = status;
    r.phase = if status == TaskStatus::Succeeded {
        Phase::Done
    } else {
        Phase::AiCall
    };
    r.progress = if status == TaskStatus::Succeeded {
        100
    } else {
        40
    };
    r.error_code = code.map(str::to_string);
    r.error_message = code.map(|c| format!("failed with {c}"));
    r.finished_at = Some(r.created_at + Duration::seconds(5));
    r.updated_at = r.created_at + Duration::seconds(5);
    r
}

pub async fn task_log_insert_update_get(store: Store) {
    let base = now();
    let rec = task("task-1", A, "generate_site_structure", base, 0);
    let (stored, inserted) = store.insert_task(rec.clone()).await.expect("insert");
    assert!(inserted);
    assert_eq!(stored, rec);
    assert_eq!(store.get_task(None, "task-1").await.expect("get"), rec);
    assert_eq!(
        store.get_task(Some(A), "task-1").await.expect("get as A"),
        rec
    );
    expect_not_found(store.get_task(Some(B), "task-1").await, "task");
    expect_not_found(store.get_task(None, "task-404").await, "task");

    // Inserting the same task id again returns the first row untouched.
    let mut dup = task("task-1", B, "other_function", base, 5);
    dup.message = "second".into();
    let (existing, inserted) = store.insert_task(dup).await.expect("insert again");
    assert!(!inserted);
    assert_eq!(existing, rec);
    assert_eq!(store.get_task(None, "task-1").await.expect("get"), rec);

    let mut running = rec.clone();
    running.status = TaskStatus::Running;
    running.phase = Phase::AiCall;
    running.progress = 55;
    running.message = "Waiting for the model".into();
    running.prompt_type = Some("site_structure_generation".into());
    running.prompt_hash = Some("ab".repeat(32));
    running.provider = Some("openai:gpt-4o-mini".into());
    running.model = Some("gpt-4o-mini".into());
    running.tokens_in = 1234;
    running.tokens_out = 567;
    running.cost_usd = 0.000525;
    running.credits = 50;
    running.attempts = 2;
    running.phase_timings.insert("INIT".into(), 12);
    running.phase_timings.insert("PREP".into(), 340);
    running.started_at = Some(base + Duration::milliseconds(3));
    running.updated_at = base + Duration::seconds(1);
    store.update_task(&running).await.expect("update");
    assert_eq!(
        store.get_task(Some(A), "task-1").await.expect("get"),
        running
    );

    let mut done = running.clone();
    done.status = TaskStatus::Failed;
    done.error_code = Some("invalid_ai_output".into());
    done.error_message = Some("invalid AI output after 2 attempt(s): missing pages".into());
    done.result = Some(json!({"blueprint_id": 7, "pages": ["home", "about"], "ok": false}));
    done.finished_at = Some(base + Duration::seconds(9));
    store.update_task(&done).await.expect("update");
    assert_eq!(store.get_task(None, "task-1").await.expect("get"), done);

    let missing = task("task-404", A, "generate_site_structure", base, 0);
    expect_not_found(store.update_task(&missing).await, "task");
    expect_not_found(store.get_task(None, "task-404").await, "task");
}

pub async fn task_log_list_filters(store: Store) {
    let base = now();
    let rows = vec![
        task("t-old", A, "generate_site_structure", base, 120),
        finished(
            task("t-a1", A, "generate_site_structure", base, 30),
            TaskStatus::Succeeded,
            None,
        ),
        task("t-a2", A, "generate_page_content", base, 20),
        finished(
            task("t-b1", B, "generate_site_structure", base, 10),
            TaskStatus::Failed,
            Some("provider_unavailable"),
        ),
        task("t-a3", A, "generate_site_structure", base, 1),
    ];
    for r in &rows {
        assert!(store.insert_task(r.clone()).await.expect("insert").1);
    }
    let ids = |v: Vec<TaskRecord>| v.into_iter().map(|r| r.task_id).collect::<Vec<_>>();
    let list = |q: TaskQuery| {
        let store = store.clone();
        async move { ids(store.list_tasks(q).await.expect("list")) }
    };
    assert_eq!(
        list(TaskQuery::default()).await,
        ["t-a3", "t-b1", "t-a2", "t-a1", "t-old"],
        "newest first"
    );
    let q = TaskQuery {
        account_id: Some(A),
        ..TaskQuery::default()
    };
    assert_eq!(list(q).await, ["t-a3", "t-a2", "t-a1", "t-old"]);
    let q = TaskQuery {
        account_id: Some(A),
        function_name: Some("generate_site_structure".into()),
        ..TaskQuery::default()
    };
    assert_eq!(list(q).await, ["t-a3", "t-a1", "t-old"]);
    let q = TaskQuery {
        status: Some(TaskStatus::Queued),
        ..TaskQuery::default()
    };
    assert_eq!(list(q).await, ["t-a3", "t-a2", "t-old"]);
    let q = TaskQuery {
        since: Some(base - Duration::minutes(20)),
        ..TaskQuery::default()
    };
    assert_eq!(
        list(q).await,
        ["t-a3", "t-b1", "t-a2"],
        "since is inclusive"
    );
    let q = TaskQuery {
        status: Some(TaskStatus::Queued),
        updated_before: Some(base - Duration::minutes(5)),
        ..TaskQuery::default()
    };
    assert_eq!(list(q).await, ["t-a2", "t-old"], "stale queued tasks");
    let q = TaskQuery {
        limit: 2,
        ..TaskQuery::default()
    };
    assert_eq!(list(q).await, ["t-a3", "t-b1"]);
    let q = TaskQuery {
        account_id: Some(777),
        ..TaskQuery::default()
    };
    assert!(list(q).await.is_empty());

    // limit 0 means 500.
    for i in 0..510 {
        store
            .insert_task(task(&format!("bulk-{i:03}"), 777, "bulk", base, 200 + i))
            .await
            .expect("insert");
    }
    let q = TaskQuery {
        account_id: Some(777),
        ..TaskQuery::default()
    };
    let bulk = list(q).await;
    assert_eq!(bulk.len(), 500);
    assert_eq!(bulk.first().map(String::as_str), Some("bulk-000"));
    assert_eq!(bulk.last().map(String::as_str), Some("bulk-499"));
}

pub async fn task_log_stats(store: Store) {
    let base = now();
    let s = "generate_site_structure";
    let p = "generate_page_content";
    let rows = vec![
        finished(task("s1", A, s, base, 10), TaskStatus::Succeeded, None),
        finished(task("s2", B, s, base, 9), TaskStatus::Succeeded, None),
        finished(
            task("s3", A, s, base, 8),
            TaskStatus::Failed,
            Some("provider_unavailable"),
        ),
        finished(
            task("s4", A, s, base, 7),
            TaskStatus::Failed,
            Some("provider_unavailable"),
        ),
        finished(
            task("s5", A, s, base, 6),
            TaskStatus::Failed,
            Some("invalid_ai_output"),
        ),
        finished(task("s6", A, s, base, 5), TaskStatus::Cancelled, None),
        task("s7", A, s, base, 4), // queued: not finished
        finished(
            task("p1", A, p, base, 3),
            TaskStatus::Failed,
            Some("insufficient_credits"),
        ),
        finished(task("old", A, s, base, 600), TaskStatus::Succeeded, None), // before `since`
    ];
    let mut running = task("s8", A, s, base, 2);
    running.status = TaskStatus::Running;
    for r in rows.into_iter().chain([running]) {
        store.insert_task(r).await.expect("insert");
    }
    let mut stats = store
        .task_stats(base - Duration::minutes(60))
        .await
        .expect("stats");
    stats.sort_by(|a, b| a.function_name.cmp(&b.function_name));
    assert_eq!(stats.len(), 2, "{stats:?}");
    let (page, structure) = (&stats[0], &stats[1]);
    assert_eq!(page.function_name, p);
    assert_eq!((page.finished, page.succeeded, page.cancelled), (1, 0, 0));
    assert_eq!(page.failed_by_code.get("insufficient_credits"), Some(&1));
    assert_eq!(structure.function_name, s);
    assert_eq!(
        (structure.finished, structure.succeeded, structure.cancelled),
        (6, 2, 1)
    );
    assert_eq!(structure.failed_by_code.len(), 2);
    assert_eq!(
        structure.failed_by_code.get("provider_unavailable"),
        Some(&2)
    );
    assert_eq!(structure.failed_by_code.get("invalid_ai_output"), Some(&1));

    // `since` is inclusive and moves the window.
    let narrow = store
        .task_stats(base - Duration::minutes(6))
        .await
        .expect("stats");
    let structure = narrow
        .iter()
        .find(|t| t.function_name == s)
        .expect("structure stats");
    assert_eq!(
        (structure.finished, structure.succeeded, structure.cancelled),
        (2, 0, 1)
    );
    assert_eq!(structure.failed_by_code.get("invalid_ai_output"), Some(&1));
    assert!(
        store
            .task_stats(base + Duration::minutes(1))
            .await
            .expect("stats")
            .is_empty()
    );
}

pub async fn prompt_overrides(store: Store) {
    let t = "site_structure_generation";
    assert_eq!(store.prompt_override(A, t).await.expect("get"), None);
    store
        .set_prompt_override(A, t, Some("Plan a site for {brief}"))
        .await
        .expect("set");
    assert_eq!(
        store.prompt_override(A, t).await.expect("get").as_deref(),
        Some("Plan a site for {brief}")
    );
    assert_eq!(
        store.prompt_override(B, t).await.expect("get"),
        None,
        "per account"
    );
    assert_eq!(
        store
            .prompt_override(A, "site_page_generation")
            .await
            .expect("get"),
        None,
        "per type"
    );

    store
        .set_prompt_override(A, t, Some("Second version"))
        .await
        .expect("replace");
    assert_eq!(
        store.prompt_override(A, t).await.expect("get").as_deref(),
        Some("Second version")
    );
    store
        .set_prompt_override(B, t, Some("B's prompt"))
        .await
        .expect("set B");

    store
        .set_prompt_override(A, t, None)
        .await
        .expect("deactivate");
    assert_eq!(store.prompt_override(A, t).await.expect("get"), None);
    assert_eq!(
        store.prompt_override(B, t).await.expect("get").as_deref(),
        Some("B's prompt")
    );
    store
        .set_prompt_override(A, t, None)
        .await
        .expect("deactivate twice");
    store
        .set_prompt_override(A, "never_set", None)
        .await
        .expect("deactivate unknown");

    store
        .set_prompt_override(A, t, Some("Third"))
        .await
        .expect("reactivate");
    assert_eq!(
        store.prompt_override(A, t).await.expect("get").as_deref(),
        Some("Third")
    );
}

/// Of many concurrent claims of one queued task exactly one wins; another account, or a status
/// the row is not in, never does.
pub async fn task_claim_is_won_once(store: Store) {
    let base = now();
    store
        .insert_task(task("claimed", A, "generate_site_structure", base, 0))
        .await
        .expect("insert");
    assert!(
        !store
            .claim_task(B, "claimed", TaskStatus::Queued)
            .await
            .expect("claim by another account")
    );
    assert!(
        !store
            .claim_task(A, "claimed", TaskStatus::Failed)
            .await
            .expect("claim from the wrong status")
    );
    assert!(
        !store
            .claim_task(A, "missing", TaskStatus::Queued)
            .await
            .expect("claim of a missing task")
    );
    let claims = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.claim_task(A, "claimed", TaskStatus::Queued).await })
    });
    let mut won = 0;
    for c in claims {
        if c.await.expect("join").expect("claim") {
            won += 1;
        }
    }
    assert_eq!(won, 1);
    let row = store.get_task(Some(A), "claimed").await.expect("get");
    assert_eq!(row.status, TaskStatus::Running);
    assert!(row.started_at.is_some());
}
