//! Library overhead of one site-structure generation, model latency excluded: render, parse,
//! validate, save, ledger and task log, with a provider that answers at once.
//! Target: under 5 ms per generation on SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sitebuilder::model::{NewBlueprint, Scope};
use sitebuilder::{RunOptions, SiteBuilder};
use sitebuilder_benches::{
    InstantProvider, canned_structure_answer, drop_fresh_schema, fresh_pg_url, without_tls,
};

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let answer = Arc::new(rt.block_on(canned_structure_answer()));
    let dir = std::env::temp_dir().join(format!("sb-bench-overhead-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let sqlite = format!("sqlite://{}/overhead.db", dir.display());
    let pg = rt.block_on(fresh_pg_url());
    let pg_plain = without_tls(&rt.block_on(fresh_pg_url()));
    // PostgreSQL twice: as the URL says (sqlx negotiates TLS when the server offers it, as this
    // machine's does), and over plain TCP, as a local database usually is.
    for (name, url) in [
        ("sqlite", sqlite),
        ("postgres", pg.clone()),
        ("postgres_notls", pg_plain.clone()),
    ] {
        let sb = rt
            .block_on(
                SiteBuilder::builder()
                    .database_url(url)
                    .provider_instance(Arc::new(InstantProvider(answer.clone())))
                    .build(),
            )
            .expect("open");
        rt.block_on(sb.grant_credits(1, 1_000_000_000, "bench"))
            .expect("grant");
        c.bench_function(&format!("generate_structure_overhead/{name}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let scope = Scope::account(1);
                        let bp = sb
                            .create_blueprint(&scope, NewBlueprint::new("Forno", "A bakery"))
                            .await
                            .expect("bp");
                        let start = Instant::now();
                        sb.generate_structure(&scope, bp.id, RunOptions::default())
                            .await
                            .expect("generate");
                        total += start.elapsed();
                    }
                    total
                })
            })
        });
    }
    for url in [pg, pg_plain] {
        rt.block_on(drop_fresh_schema(&url));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
