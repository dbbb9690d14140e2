//! Streaming generation: pages shown while the model writes, against a real HTTP server speaking
//! the OpenAI wire format with server-sent events (and servers that do not stream), in steps
//! mode, and on the default offline path. The save stays one transaction at the end; cancelling
//! mid-stream charges nothing and keeps the previous structure.

#[path = "common/mod.rs"]
mod common;
#[path = "support/openai_server.rs"]
mod openai_server;

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use openai_server::{OpenAiServer, Step};
use serde_json::{Value, json};
use sitebuilder::model::*;
use sitebuilder::tasks::{Partial, Phase, Progress, ProgressCallback, TaskStatus};
use sitebuilder::{
    CancelToken, Generation, ProviderConfig, RunOptions, Scope, SiteBuilder, StreamEvent,
};

struct Env {
    sb: SiteBuilder,
    _dir: tempfile::TempDir,
}

async fn env_with(provider: ProviderConfig) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let sb = SiteBuilder::builder()
        .database_url(common::fresh_sqlite_url(&dir))
        .provider(provider)
        .build()
        .await
        .expect("open");
    Env { sb, _dir: dir }
}

fn openai(server: &OpenAiServer) -> ProviderConfig {
    ProviderConfig::OpenAiCompatible {
        base_url: server.base_url(),
        api_key: Some("sk-test-stream-0123456789".into()),
        model: "gpt-4o-mini".into(),
        timeout_secs: Some(30.0),
        max_retries: Some(1),
        json_mode: None,
        stream: None,
        // The scripted server plays a hosted model: it answers whole sites.
        generation: Some(Generation::Whole),
    }
}

/// A valid structure answer (the offline planner's, for a bakery brief).
async fn valid_answer() -> String {
    common::offline_structure_answer(
        "Forno Azul",
        "A family bakery in Porto selling sourdough and pastel de nata",
    )
    .await
}

async fn blueprint(sb: &SiteBuilder, account: i64) -> SiteBlueprint {
    sb.grant_credits(account, 1000, "test credits")
        .await
        .expect("grant");
    sb.create_blueprint(
        &Scope::account(account),
        NewBlueprint::new(
            "Forno Azul",
            "A family bakery in Porto selling sourdough and pastel de nata",
        ),
    )
    .await
    .expect("create blueprint")
}

fn recorder() -> (ProgressCallback, Arc<Mutex<Vec<Progress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (
        Arc::new(move |p: &Progress| sink.lock().expect("lock").push(p.clone())),
        seen,
    )
}

/// The page events of a run: (index, slug), in the order they came.
fn page_events(events: &[Progress]) -> Vec<(u32, String)> {
    events
        .iter()
        .filter_map(|p| match &p.partial {
            Some(Partial::Page { index, page }) => {
                Some((*index, page["slug"].as_str().unwrap_or_default().to_owned()))
            }
            _ => None,
        })
        .collect()
}

/// Asserts the page events name the saved pages, in order, and that each page validates.
async fn assert_pages_match_saved(sb: &SiteBuilder, scope: &Scope, bp: i64, events: &[Progress]) {
    let saved = sb.list_pages(scope, bp).await.expect("pages");
    let got = page_events(events);
    assert_eq!(
        got.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        (0..saved.len() as u32).collect::<Vec<_>>(),
        "page events in answer order, one per page"
    );
    let mut saved_slugs: Vec<&str> = saved.iter().map(|p| p.slug.as_str()).collect();
    let mut event_slugs: Vec<&str> = got.iter().map(|(_, s)| s.as_str()).collect();
    saved_slugs.sort_unstable();
    event_slugs.sort_unstable();
    assert_eq!(event_slugs, saved_slugs);
    for p in events {
        if let Some(Partial::Page { page, .. }) = &p.partial {
            let spec: PageSpec = serde_json::from_value(page.clone()).expect("a page spec");
            assert!(!spec.blocks.is_empty(), "a shown page has its blocks");
            assert_eq!(p.phase, Phase::AiCall);
        }
    }
}

#[tokio::test]
async fn pages_arrive_in_order_before_the_run_ends_and_usage_comes_from_the_last_chunk() {
    let server = OpenAiServer::start().await;
    let gate = Arc::new(tokio::sync::Notify::new());
    let answer = valid_answer().await;
    let page_count = serde_json::from_str::<Value>(&answer).expect("json")["pages"]
        .as_array()
        .expect("pages")
        .len();
    server.push(Step::stream(answer, 40).with_stream(|s| s.gate = Some(gate.clone())));
    let e = env_with(openai(&server)).await;
    let scope = Scope::account(1);
    let bp = blueprint(&e.sb, 1).await;
    let mut stream = e.sb.generate_structure_stream(
        &scope,
        bp.id,
        RunOptions {
            task_id: Some("stream-1".into()),
            ..RunOptions::default()
        },
    );
    let mut events: Vec<Progress> = Vec::new();
    // Every page arrives while the server still holds the end of the answer back.
    while page_events(&events).len() < page_count {
        match stream.next().await.expect("stream open").expect("no error") {
            StreamEvent::Progress(p) => events.push(p),
            StreamEvent::Done(_) => panic!("the run ended before the answer did"),
        }
    }
    let during = e.sb.get_blueprint(&scope, bp.id).await.expect("get");
    assert_eq!(during.status, BlueprintStatus::Generating);
    assert_eq!(during.version, bp.version, "nothing saved mid-stream");
    assert_eq!(
        e.sb.task(Some(1), "stream-1").await.expect("task").status,
        TaskStatus::Running
    );
    gate.notify_one();
    let mut outcome = None;
    while let Some(item) = stream.next().await {
        match item.expect("no error") {
            StreamEvent::Progress(p) => events.push(p),
            StreamEvent::Done(o) => outcome = Some(o),
        }
    }
    let outcome = outcome.expect("a Done item ends the stream");
    assert_eq!(outcome.credits_charged, 50);
    assert_eq!(events.last().map(|p| p.phase), Some(Phase::Done));

    // The site settings come first, then the pages; percent never goes back.
    let first_partial = events.iter().find_map(|p| match &p.partial {
        Some(Partial::Site { site }) => Some(("site", site["name"].clone())),
        Some(Partial::Page { .. }) => Some(("page", Value::Null)),
        _ => None,
    });
    assert_eq!(first_partial.map(|f| f.0), Some("site"));
    assert!(events.windows(2).all(|w| w[0].percent <= w[1].percent));
    let tokens: Vec<&Progress> = events
        .iter()
        .filter(|p| matches!(p.partial, Some(Partial::Tokens { .. })))
        .collect();
    assert!(!tokens.is_empty(), "token progress events");
    assert!(tokens.iter().all(|p| (20..80).contains(&p.percent)));
    assert!(
        tokens.last().expect("one").percent > tokens[0].percent,
        "token progress moves AI_CALL's percent"
    );
    assert_pages_match_saved(&e.sb, &scope, bp.id, &events).await;

    // The request asked for a stream with usage; the task log has the final chunk's usage.
    let requests = server.chat_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body["stream"], json!(true));
    assert_eq!(
        requests[0].body["stream_options"],
        json!({"include_usage": true})
    );
    let task = e.sb.task(Some(1), "stream-1").await.expect("task");
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!((task.tokens_in, task.tokens_out), (1234, 567));
    server.assert_wire_valid();
}

#[tokio::test]
async fn a_server_that_ignores_stream_still_gives_a_saved_structure_and_page_events() {
    let server = OpenAiServer::start().await;
    server.push(Step::answer_with_usage(valid_answer().await, 900, 800));
    let e = env_with(openai(&server)).await;
    let scope = Scope::account(2);
    let bp = blueprint(&e.sb, 2).await;
    let (cb, seen) = recorder();
    let out =
        e.sb.generate_structure(
            &scope,
            bp.id,
            RunOptions {
                on_progress: Some(cb),
                ..RunOptions::default()
            },
        )
        .await
        .expect("generate");
    assert_eq!((out.tokens_in, out.tokens_out), (900, 800));
    assert_eq!(server.chat_requests()[0].body["stream"], json!(true));
    let events = seen.lock().expect("lock").clone();
    assert_pages_match_saved(&e.sb, &scope, bp.id, &events).await;
    server.assert_wire_valid();
}

#[tokio::test]
async fn a_server_that_refuses_stream_is_asked_again_without_it_and_remembered() {
    let server = OpenAiServer::start().await;
    server.push(Step::status(
        400,
        "Invalid parameter: 'stream' is not supported for this model.",
    ));
    server.push(Step::answer(valid_answer().await));
    server.push(Step::answer(valid_answer().await));
    let e = env_with(openai(&server)).await;
    let scope = Scope::account(3);
    let bp = blueprint(&e.sb, 3).await;
    let first =
        e.sb.generate_structure(&scope, bp.id, RunOptions::default())
            .await
            .expect("generate");
    assert_eq!(first.credits_charged, 50);
    e.sb.generate_structure(&scope, bp.id, RunOptions::default())
        .await
        .expect("regenerate");
    let requests = server.chat_requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body["stream"], json!(true));
    assert!(requests[1].body.get("stream").is_none());
    assert!(
        requests[2].body.get("stream").is_none(),
        "the refusal is remembered"
    );
    let saved = e.sb.get_blueprint(&scope, bp.id).await.expect("get");
    assert_eq!(saved.status, BlueprintStatus::Ready);
    assert_eq!(saved.version, bp.version + 2);
    assert_eq!(e.sb.balance(3).await.expect("balance"), 900);
}

#[tokio::test]
async fn streaming_can_be_turned_off_in_the_provider_config() {
    let server = OpenAiServer::start().await;
    server.push(Step::answer(valid_answer().await));
    let mut config = openai(&server);
    if let ProviderConfig::OpenAiCompatible { stream, .. } = &mut config {
        *stream = Some(false);
    }
    let e = env_with(config).await;
    let bp = blueprint(&e.sb, 4).await;
    e.sb.generate_structure(&Scope::account(4), bp.id, RunOptions::default())
        .await
        .expect("generate");
    assert!(server.chat_requests()[0].body.get("stream").is_none());
}

#[tokio::test]
async fn cancelling_mid_stream_charges_nothing_and_keeps_the_previous_structure() {
    let server = OpenAiServer::start().await;
    let gate = Arc::new(tokio::sync::Notify::new());
    server.push(Step::stream(valid_answer().await, 64));
    server
        .push(Step::stream(valid_answer().await, 40).with_stream(|s| s.gate = Some(gate.clone())));
    let e = env_with(openai(&server)).await;
    let scope = Scope::account(5);
    let bp = blueprint(&e.sb, 5).await;
    e.sb.generate_structure(&scope, bp.id, RunOptions::default())
        .await
        .expect("first structure");
    let before = e.sb.get_blueprint(&scope, bp.id).await.expect("get");
    let balance = e.sb.balance(5).await.expect("balance");
    assert_eq!(balance, 950);

    let cancel = CancelToken::new();
    let mut stream = e.sb.generate_structure_stream(
        &scope,
        bp.id,
        RunOptions {
            task_id: Some("cancel-mid".into()),
            cancel: Some(cancel.clone()),
            ..RunOptions::default()
        },
    );
    // Cancel once the first page has been shown (the server holds the answer's end back).
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(StreamEvent::Progress(p)) => {
                if matches!(p.partial, Some(Partial::Page { .. })) {
                    cancel.cancel();
                }
            }
            Ok(StreamEvent::Done(_)) => panic!("the run finished despite the cancel"),
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(
        error.expect("the stream ends with the error").code(),
        "cancelled"
    );
    let after = e.sb.get_blueprint(&scope, bp.id).await.expect("get");
    assert_ne!(after.status, BlueprintStatus::Generating);
    assert_eq!(after.structure_json, before.structure_json);
    assert_eq!(after.version, before.version);
    assert_eq!(e.sb.balance(5).await.expect("balance"), balance);
    assert_eq!(
        e.sb.task(Some(5), "cancel-mid").await.expect("task").status,
        TaskStatus::Cancelled
    );
}

#[tokio::test]
async fn malformed_chunks_do_not_crash_and_the_final_parse_decides() {
    let server = OpenAiServer::start().await;
    server.push(Step::stream(valid_answer().await, 17).with_stream(|s| s.garbage = true));
    let e = env_with(openai(&server)).await;
    let scope = Scope::account(6);
    let bp = blueprint(&e.sb, 6).await;
    let (cb, seen) = recorder();
    e.sb.generate_structure(
        &scope,
        bp.id,
        RunOptions {
            on_progress: Some(cb),
            ..RunOptions::default()
        },
    )
    .await
    .expect("generate");
    let events = seen.lock().expect("lock").clone();
    assert_pages_match_saved(&e.sb, &scope, bp.id, &events).await;

    // A broken answer streams without a crash; the whole answer's parse re-asks.
    let server = OpenAiServer::start().await;
    server.push(Step::stream(
        r#"{"site": {"name": "x"}, "pages": [{"slug": "#,
        5,
    ));
    server.push(Step::stream(valid_answer().await, 50));
    let e = env_with(openai(&server)).await;
    let bp = blueprint(&e.sb, 7).await;
    let out =
        e.sb.generate_structure(&Scope::account(7), bp.id, RunOptions::default())
            .await
            .expect("re-asked and saved");
    assert_eq!(out.credits_charged, 50);
    assert_eq!(server.chat_requests().len(), 2);
}

#[tokio::test]
async fn steps_mode_shows_the_sitemap_and_each_page() {
    let answer: Value = serde_json::from_str(&valid_answer().await).expect("json");
    let sitemap = common::step_sitemap(&answer);
    let server = OpenAiServer::start().await;
    server.push(Step::stream(sitemap.to_string(), 30));
    // Pages are asked a few at a time: any page's blocks fit any page of this site.
    for page in answer["pages"].as_array().expect("pages").iter().take(4) {
        server.push(Step::stream(common::step_blocks(page).to_string(), 30));
    }
    let e = env_with(ProviderConfig::Steps {
        provider: Box::new(openai(&server)),
    })
    .await;
    let scope = Scope::account(8);
    let bp = blueprint(&e.sb, 8).await;
    let (cb, seen) = recorder();
    e.sb.generate_structure(
        &scope,
        bp.id,
        RunOptions {
            on_progress: Some(cb),
            ..RunOptions::default()
        },
    )
    .await
    .expect("generate in steps");
    let events = seen.lock().expect("lock").clone();
    let first = events
        .iter()
        .find(|p| p.partial.is_some() && !matches!(p.partial, Some(Partial::Tokens { .. })));
    assert!(
        matches!(
            first.and_then(|p| p.partial.as_ref()),
            Some(Partial::Site { .. })
        ),
        "the sitemap's site settings come first"
    );
    assert_pages_match_saved(&e.sb, &scope, bp.id, &events).await;
    assert!(
        server
            .chat_requests()
            .iter()
            .all(|r| r.body["stream"] == json!(true))
    );
    server.assert_wire_valid();
}

#[tokio::test]
async fn the_offline_planner_streams_page_by_page() {
    let e = env_with(ProviderConfig::Offline).await;
    let scope = Scope::account(9);
    let bp = blueprint(&e.sb, 9).await;
    let mut stream =
        e.sb.generate_structure_stream(&scope, bp.id, RunOptions::default());
    let mut events = Vec::new();
    let mut done = None;
    while let Some(item) = stream.next().await {
        match item.expect("no error") {
            StreamEvent::Progress(p) => events.push(p),
            StreamEvent::Done(o) => done = Some(o),
        }
    }
    assert_eq!(done.expect("done").provider, "offline");
    let site_at = events
        .iter()
        .position(|p| matches!(p.partial, Some(Partial::Site { .. })))
        .expect("a site event");
    let first_page_at = events
        .iter()
        .position(|p| matches!(p.partial, Some(Partial::Page { .. })))
        .expect("a page event");
    let parse_at = events
        .iter()
        .position(|p| p.phase == Phase::Parse)
        .expect("a parse event");
    assert!(site_at < first_page_at && first_page_at < parse_at);
    assert_pages_match_saved(&e.sb, &scope, bp.id, &events).await;
}
