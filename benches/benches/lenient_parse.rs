//! How fast model answers are read: strict JSON (serde_json's fast path), the same answer fenced
//! and wrapped in prose, and a broken one (single quotes, trailing commas, cut short), ~30 KB each.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use sitebuilder::ai::lenient::parse_lenient;

/// A site structure answer of at least `min_bytes` when pretty-printed.
fn structure(min_bytes: usize) -> Value {
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

/// Writes `value` the way a sloppy model might: single quotes and a trailing comma everywhere.
fn sloppy(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            for (k, v) in map {
                let _ = write!(out, "'{k}': ");
                sloppy(v, out);
                out.push_str(", ");
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for v in items {
                sloppy(v, out);
                out.push_str(", ");
            }
            out.push(']');
        }
        Value::String(s) => {
            let _ = write!(out, "'{s}'");
        }
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Null => out.push_str("None"),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
    }
}

fn bench(c: &mut Criterion) {
    let value = structure(30 * 1024);
    let strict = serde_json::to_string_pretty(&value).expect("serialize");
    let fenced = format!(
        "Here is the site structure you asked for:\n\n```json\n{strict}\n```\n\nLet me know if you want changes."
    );
    let mut broken = String::new();
    sloppy(&value, &mut broken);
    // Cut at 95 %, inside the last pages (on a character boundary: the text is ASCII).
    broken.truncate(broken.len() * 95 / 100);

    // The three inputs must really take the three paths.
    assert!(parse_lenient(&strict).expect("strict").repairs.is_empty());
    assert!(!parse_lenient(&fenced).expect("fenced").repairs.is_empty());
    assert!(parse_lenient(&broken).expect("broken").repairs.len() >= 4);

    let mut group = c.benchmark_group("lenient_parse");
    for (name, text) in [
        ("strict_30k", &strict),
        ("fenced_prose_30k", &fenced),
        ("broken_30k", &broken),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| parse_lenient(black_box(text))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
