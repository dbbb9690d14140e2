//! What one PostgreSQL round trip costs on this machine, for reading the overhead figures:
//! a prepared `SELECT $1` on one connection, and a pool acquire with and without sqlx's
//! ping-before-acquire. `cargo run --profile bench -p sitebuilder-benches --bin pg_roundtrip [N]`

use std::time::Instant;

use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let url = std::env::var("SITEBUILDER_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    {
        use sqlx::Connection;
        let t = Instant::now();
        for _ in 0..10 {
            sqlx::PgConnection::connect(&url)
                .await
                .expect("connect")
                .close()
                .await
                .expect("close");
        }
        println!(
            "new connection (as the URL says) {:.1} ms",
            t.elapsed().as_secs_f64() * 100.0
        );
    }
    for ping in [true, false] {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .test_before_acquire(ping)
            .connect(&url)
            .await
            .expect("PostgreSQL");
        let mut conn = pool.acquire().await.expect("acquire");
        let t = Instant::now();
        for i in 0..n {
            let _: (i32,) = sqlx::query_as("SELECT $1::int4")
                .bind(i as i32)
                .fetch_one(&mut *conn)
                .await
                .expect("select");
        }
        let stmt = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        // A statement carrying a structure-sized JSON document each way.
        let doc = format!("[{}]", vec!["{\"type\": \"text\", \"data\": {\"heading\": \"A heading\", \"body\": \"Some body text for the block\"}}"; 90].join(","));
        let t = Instant::now();
        for _ in 0..n / 4 {
            let _: (String,) = sqlx::query_as("SELECT $1::jsonb::text")
                .bind(&doc)
                .fetch_one(&mut *conn)
                .await
                .expect("select");
        }
        let big = t.elapsed().as_secs_f64() * 1e6 / f64::from(n / 4);
        drop(conn);
        let t = Instant::now();
        for _ in 0..n {
            drop(pool.acquire().await.expect("acquire"));
        }
        let acq = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        println!(
            "test_before_acquire={ping:<5}  statement round trip {stmt:.0} µs   with a {} KB JSON document each way {big:.0} µs   pool acquire {acq:.0} µs",
            doc.len() / 1024
        );
    }
}
