//! Shared pieces of the benches: fresh databases, a canned-answer provider, a slow local server.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use sitebuilder::Result;
use sitebuilder::ai::provider::{Completion, CompletionRequest, OfflinePlanner, Provider, Usage};

/// A PostgreSQL URL on a fresh schema of the `test` database.
pub async fn fresh_pg_url() -> String {
    use sqlx::Executor;
    let base = std::env::var("SITEBUILDER_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("sbbench_{}", std::process::id()) + &format!("_{}", uuid_like());
    let pool = sqlx::PgPool::connect(&base)
        .await
        .expect("PostgreSQL at 127.0.0.1:5432");
    pool.execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .await
        .expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

/// Drops the schema a [`fresh_pg_url`] URL points at (benches create one per run).
pub async fn drop_fresh_schema(url: &str) {
    use sqlx::Executor;
    let Some(schema) = url.split("search_path%3D").nth(1) else {
        return;
    };
    let base = url
        .split("options=")
        .next()
        .unwrap_or(url)
        .trim_end_matches(['?', '&']);
    if let Ok(pool) = sqlx::PgPool::connect(base).await {
        let _ = pool
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .await;
    }
}

/// The same URL with TLS turned off (`sslmode=disable`), for the loopback figures.
pub fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable")
}

fn uuid_like() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}")
}

/// A valid structure answer (from the offline planner) for a bakery brief.
pub async fn canned_structure_answer() -> String {
    let req = CompletionRequest {
        function_name: "generate_site_structure".into(),
        prompt_type: "site_structure_generation".into(),
        messages: vec![],
        output_schema: None,
        context: json!({
            "blueprint": {"id": 1, "name": "Forno Azul", "description": ""},
            "brief": "A family bakery in Porto selling sourdough, custard tarts and wedding cakes",
            "objectives": ["take cake orders", "show opening hours"], "style": {}, "business_type": null,
            "audience_profiles": [], "brand_personalities": [], "hero_imagery": null,
            "hosting_type": "igny8_sites", "block_types": sitebuilder::blocks::DEFAULT_BLOCK_TYPES, "existing_structure": null, "locked_pages": []
        }),
        temperature: None,
        max_tokens: None,
    };
    OfflinePlanner
        .complete(&req)
        .await
        .expect("offline answer")
        .content
}

/// Answers every request at once with the same text: isolates the library's own overhead.
#[derive(Debug, Clone)]
pub struct InstantProvider(pub Arc<String>);

#[async_trait]
impl Provider for InstantProvider {
    fn label(&self) -> String {
        "instant".into()
    }
    async fn complete(&self, _request: &CompletionRequest) -> Result<Completion> {
        Ok(Completion {
            content: self.0.as_str().to_owned(),
            provider: "instant".into(),
            model: "canned".into(),
            usage: Usage {
                prompt_tokens: 1000,
                completion_tokens: 1000,
            },
            cost_usd: 0.0,
            retries: 0,
            reasks: Vec::new(),
        })
    }
    async fn health_check(&self) -> Result<String> {
        Ok("instant".into())
    }
}

/// Starts an OpenAI-wire server on 127.0.0.1 answering every chat request with `content` after
/// `delay`. Returns its base URL.
pub async fn slow_openai_server(content: String, delay: Duration) -> String {
    use axum::{Json, Router, routing::post};
    let content = Arc::new(content);
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move || {
            let content = content.clone();
            async move {
                tokio::time::sleep(delay).await;
                Json(json!({
                    "id": "chatcmpl-bench", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                        "message": {"role": "assistant", "content": content.as_str(), "refusal": null}}],
                    "usage": {"prompt_tokens": 1000, "completion_tokens": 800, "total_tokens": 1800}
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    format!("http://{addr}/v1")
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// A site structure answer (three blocks per page) of at least `min_bytes` when
/// pretty-printed; shared by the parser benches.
pub fn structure_answer(min_bytes: usize) -> serde_json::Value {
    let mut pages = Vec::new();
    let mut n = 0;
    loop {
        pages.push(json!({
            "slug": format!("page-{n}"),
            "title": format!("Page number {n}"),
            "type": if n == 0 { "home" } else { "custom" },
            "objective": "Explain the offer and lead visitors to get in touch",
            "primary_cta": "Contact us",
            "seo": {"meta_title": format!("Page {n} | Harbor Bakery"), "meta_description": "Fresh bread every morning, baked by hand in small batches."},
            "blocks": [
                {"type": "hero", "data": {"heading": "Fresh every morning", "subheading": "Since 1998", "cta": {"label": "Menu", "href": "/menu"}}},
                {"type": "features", "data": {"items": [
                    {"title": "Sourdough", "description": "Forty-eight hour ferment", "icon": "bread"},
                    {"title": "Pastry", "description": "Butter from the valley", "icon": "croissant"},
                    {"title": "Coffee", "description": "Roasted down the street", "icon": "cup"}
                ]}},
                {"type": "stats", "data": {"items": [{"label": "Loaves a day", "value": 420}, {"label": "Rating", "value": 4.8}]}, "locked": false}
            ]
        }));
        n += 1;
        let value = json!({
            "site": {"name": "Harbor Bakery", "tagline": "Bread before sunrise", "tone": "warm", "layout": "default",
                     "primary_navigation": ["page-0", "page-1"], "secondary_navigation": [], "hero_message": "Come early"},
            "pages": pages.clone()
        });
        if serde_json::to_string_pretty(&value).map_or(0, |s| s.len()) >= min_bytes {
            return value;
        }
    }
}
