//! 500 generations at once, in one process, against a local OpenAI-wire server that answers after
//! 1 s. Prints wall time and peak memory. Target: under 3 s and under 200 MB.
//!
//! `cargo run -p sitebuilder-benches --bin load_500 [sqlite|postgres|postgres-notls] [--cold]`

use std::time::{Duration, Instant};

use sitebuilder::model::{NewBlueprint, Scope};
use sitebuilder::{Generation, ProviderConfig, RunOptions, SiteBuilder};
use sitebuilder_benches::{
    canned_structure_answer, drop_fresh_schema, fresh_pg_url, peak_rss_mib, slow_openai_server,
    without_tls,
};

const RUNS: usize = 500;

#[tokio::main]
async fn main() {
    let backend = std::env::args().nth(1).unwrap_or_else(|| "postgres".into());
    let answer = canned_structure_answer().await;
    let base_url = slow_openai_server(answer, Duration::from_secs(1)).await;
    let url = match backend.as_str() {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("sb-load-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            format!("sqlite://{}/load.db", dir.display())
        }
        "postgres-notls" => without_tls(&fresh_pg_url().await),
        _ => fresh_pg_url().await,
    };
    let sb = SiteBuilder::builder()
        .database_url(url.clone())
        .max_connections(20)
        .provider(ProviderConfig::OpenAiCompatible {
            base_url,
            api_key: Some("sk-bench".into()),
            model: "gpt-4o-mini".into(),
            timeout_secs: Some(30.0),
            max_retries: Some(0),
            json_mode: None,
            stream: None,
            // The scripted server plays a hosted model: it answers whole sites.
            generation: Some(Generation::Whole),
        })
        .build()
        .await
        .expect("open");
    let cold = std::env::args().any(|a| a == "--cold");
    const WARM_UP: usize = 40;
    sb.grant_credits(1, 50 * (RUNS + WARM_UP) as i64, "bench")
        .await
        .expect("grant");
    let scope = Scope::account(1);
    if !cold {
        // A service under load has its pools open: one concurrent burst opens them (over TLS
        // each new sqlx connection costs ≈ 90 ms here), then the 500 are measured. `--cold`
        // measures the first burst instead.
        let mut warm = tokio::task::JoinSet::new();
        for i in 0..WARM_UP {
            let sb = sb.clone();
            warm.spawn(async move {
                let scope = Scope::account(1);
                let bp = sb
                    .create_blueprint(&scope, NewBlueprint::new(format!("Warm {i}"), "A bakery"))
                    .await
                    .expect("bp");
                sb.generate_structure(&scope, bp.id, RunOptions::default())
                    .await
                    .expect("warm-up run")
            });
        }
        while let Some(r) = warm.join_next().await {
            r.expect("join");
        }
    }
    let mut ids = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        ids.push(
            sb.create_blueprint(&scope, NewBlueprint::new(format!("Site {i}"), "A bakery"))
                .await
                .expect("bp")
                .id,
        );
    }
    let rss_before = peak_rss_mib();
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        let sb = sb.clone();
        set.spawn(async move {
            sb.generate_structure(&Scope::account(1), id, RunOptions::default())
                .await
        });
    }
    let mut ok = 0;
    let mut failed = Vec::new();
    while let Some(r) = set.join_next().await {
        match r.expect("join") {
            Ok(_) => ok += 1,
            Err(e) => failed.push(e.code()),
        }
    }
    let wall = start.elapsed();
    println!(
        "backend={backend}{} runs={RUNS} ok={ok} failed={} wall={:.2}s peak_rss={:.0}MiB (before runs {:.0}MiB) balance_left={}",
        if cold { " (cold pools)" } else { "" },
        failed.len(),
        wall.as_secs_f64(),
        peak_rss_mib(),
        rss_before,
        sb.balance(1).await.expect("balance")
    );
    drop(sb);
    drop_fresh_schema(&url).await;
    if !failed.is_empty() {
        eprintln!("failures: {failed:?}");
        std::process::exit(1);
    }
}
