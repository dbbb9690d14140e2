//! Where a generation's library time goes: runs N generations with an instant provider and prints
//! the mean milliseconds per phase from the task log. `cargo run --profile bench -p sitebuilder-benches --bin overhead_phases [sqlite|postgres|postgres-notls] [N]`

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use sitebuilder::model::{NewBlueprint, Scope};
use sitebuilder::{RunOptions, SiteBuilder};
use sitebuilder_benches::{
    InstantProvider, canned_structure_answer, drop_fresh_schema, fresh_pg_url, without_tls,
};

#[tokio::main]
async fn main() {
    let backend = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let url = if backend == "postgres" {
        fresh_pg_url().await
    } else if backend == "postgres-notls" {
        without_tls(&fresh_pg_url().await)
    } else {
        let dir = std::env::temp_dir().join(format!("sb-phases-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        format!("sqlite://{}/p.db", dir.display())
    };
    let answer = Arc::new(canned_structure_answer().await);
    let sb = SiteBuilder::builder()
        .database_url(url.clone())
        .provider_instance(Arc::new(InstantProvider(answer)))
        .build()
        .await
        .expect("open");
    sb.grant_credits(1, 1_000_000, "bench")
        .await
        .expect("grant");
    let scope = Scope::account(1);
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    // Warm-up: the first runs open the pools' connections (a TLS handshake, if the server
    // offers TLS) and fill the statement caches; that is set-up, not per-generation overhead.
    for _ in 0..10 {
        let bp = sb
            .create_blueprint(&scope, NewBlueprint::new("Forno", "A bakery"))
            .await
            .expect("bp");
        sb.generate_structure(&scope, bp.id, RunOptions::default())
            .await
            .expect("warm-up run");
    }
    let mut walls: Vec<f64> = Vec::with_capacity(n);
    for _ in 0..n {
        let bp = sb
            .create_blueprint(&scope, NewBlueprint::new("Forno", "A bakery"))
            .await
            .expect("bp");
        let t = Instant::now();
        let out = sb
            .generate_structure(&scope, bp.id, RunOptions::default())
            .await
            .expect("run");
        walls.push(t.elapsed().as_secs_f64() * 1000.0);
        let rec = sb.task(Some(1), &out.task_id).await.expect("task");
        for (k, v) in rec.phase_timings {
            *totals.entry(k).or_default() += v;
        }
    }
    let mean = walls.iter().sum::<f64>() / n as f64;
    walls.sort_by(f64::total_cmp);
    let at = |q: f64| walls[((walls.len() - 1) as f64 * q).round() as usize];
    println!(
        "backend={backend} runs={n} mean wall={mean:.2} ms  p50={:.2} p90={:.2} p99={:.2} max={:.2}",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    for (k, v) in totals {
        println!("  {k:<8} {:.2} ms", v as f64 / n as f64);
    }
    drop(sb);
    drop_fresh_schema(&url).await;
}
