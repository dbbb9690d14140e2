//! After a scripted set of runs (successes and each failure kind) the Prometheus counters and
//! `stats()` match exactly. One test per process: the metrics recorder is process-wide.

#[path = "common/mod.rs"]
mod common;
#[path = "support/openai_server.rs"]
mod openai_server;

use std::collections::BTreeMap;

use openai_server::{OpenAiServer, Step};
use sitebuilder::model::{NewBlueprint, Scope};
use sitebuilder::{Generation, ProviderConfig, RunOptions, SiteBuilder, telemetry};

/// `name{a="x",b="y"} value` lines → (name, labels) → value.
fn parse(text: &str) -> BTreeMap<(String, BTreeMap<String, String>), f64> {
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (head, value) = line.rsplit_once(' ').expect("metric line");
        let (name, labels) = match head.split_once('{') {
            Some((n, rest)) => {
                let body = rest.trim_end_matches('}');
                let labels = body
                    .split("\",")
                    .filter(|kv| !kv.is_empty())
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').expect("label");
                        (k.to_string(), v.trim_matches('"').to_string())
                    })
                    .collect();
                (n.to_string(), labels)
            }
            None => (head.to_string(), BTreeMap::new()),
        };
        out.insert((name, labels), value.parse().expect("value"));
    }
    out
}

fn get(
    m: &BTreeMap<(String, BTreeMap<String, String>), f64>,
    name: &str,
    labels: &[(&str, &str)],
) -> f64 {
    m.iter()
        .filter(|((n, l), _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, v)| *v)
        .sum()
}

#[tokio::test]
async fn counters_and_stats_match_the_runs() {
    telemetry::install_prometheus().expect("install recorder");
    let answer = common::offline_structure_answer("Forno", "A bakery in Porto").await;
    let server = OpenAiServer::start().await;
    server.push(Step::answer_with_usage(answer.clone(), 100, 10)); // success 1
    server.push(Step::status(500, "boom")); // retried …
    server.push(Step::answer_with_usage(answer.clone(), 100, 10)); // … success 2
    for _ in 0..3 {
        server.push(Step::answer_with_usage("not json at all", 100, 10)); // invalid_ai_output (3 attempts)
    }
    server.push(Step::refusal("no")); // ai_refused
    let dir = tempfile::tempdir().expect("tempdir");
    let sb = SiteBuilder::builder()
        .database_url(common::fresh_sqlite_url(&dir))
        .provider(ProviderConfig::OpenAiCompatible {
            base_url: server.base_url(),
            api_key: Some("sk-metrics".into()),
            model: "gpt-4o-mini".into(),
            timeout_secs: Some(5.0),
            max_retries: Some(2),
            json_mode: None,
            stream: None,
            // The scripted server plays a hosted model: it answers whole sites.
            generation: Some(Generation::Whole),
        })
        .build()
        .await
        .expect("open");
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    let scope = Scope::account(1);
    sb.grant_credits(1, 200, "t").await.expect("grant");
    let mut codes = Vec::new();
    for _ in 0..4 {
        let bp = sb
            .create_blueprint(&scope, NewBlueprint::new("Forno", "A bakery"))
            .await
            .expect("bp");
        codes.push(
            match sb
                .generate_structure(&scope, bp.id, RunOptions::default())
                .await
            {
                Ok(_) => "ok",
                Err(e) => e.code(),
            },
        );
    }
    // Balance is now 100: two runs paid. Drain it, then one run too many.
    let poor = Scope::account(2);
    let bp = sb
        .create_blueprint(&poor, NewBlueprint::new("Poor", "A bakery"))
        .await
        .expect("bp");
    codes.push(
        match sb
            .generate_structure(&poor, bp.id, RunOptions::default())
            .await
        {
            Ok(_) => "ok",
            Err(e) => e.code(),
        },
    );
    assert_eq!(
        codes,
        [
            "ok",
            "ok",
            "invalid_ai_output",
            "ai_refused",
            "insufficient_credits"
        ]
    );

    let m = parse(&telemetry::render_prometheus().expect("rendered"));
    let f = ("function", "generate_site_structure");
    assert_eq!(
        get(&m, telemetry::RUNS_TOTAL, &[f, ("outcome", "success")]),
        2.0
    );
    assert_eq!(
        get(
            &m,
            telemetry::RUNS_TOTAL,
            &[f, ("outcome", "failure"), ("code", "invalid_ai_output")]
        ),
        1.0
    );
    assert_eq!(
        get(
            &m,
            telemetry::RUNS_TOTAL,
            &[f, ("outcome", "failure"), ("code", "ai_refused")]
        ),
        1.0
    );
    assert_eq!(
        get(
            &m,
            telemetry::RUNS_TOTAL,
            &[f, ("outcome", "failure"), ("code", "insufficient_credits")]
        ),
        1.0
    );
    assert_eq!(get(&m, telemetry::CREDITS_CHARGED_TOTAL, &[f]), 100.0);
    assert_eq!(get(&m, telemetry::CREDITS_RELEASED_TOTAL, &[f]), 100.0);
    // Answers received: 2 successes + 3 invalid; the refusal and the 500 carry no usage.
    assert_eq!(
        get(&m, telemetry::TOKENS_TOTAL, &[f, ("direction", "input")]),
        500.0
    );
    assert_eq!(
        get(&m, telemetry::TOKENS_TOTAL, &[f, ("direction", "output")]),
        50.0
    );
    assert_eq!(get(&m, telemetry::PROVIDER_RETRIES_TOTAL, &[]), 1.0);
    let phase_count = format!("{}_count", telemetry::PHASE_SECONDS);
    assert_eq!(get(&m, &phase_count, &[f, ("phase", "SAVE")]), 2.0);

    let stats = sb.stats(since).await.expect("stats");
    let s = stats
        .iter()
        .find(|s| s.function_name == "generate_site_structure")
        .expect("stats row");
    assert_eq!((s.finished, s.succeeded, s.cancelled), (5, 2, 0));
    assert_eq!(s.failed_by_code.get("invalid_ai_output"), Some(&1));
    assert_eq!(s.failed_by_code.get("ai_refused"), Some(&1));
    assert_eq!(s.failed_by_code.get("insufficient_credits"), Some(&1));
}
