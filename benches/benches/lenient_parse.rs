//! How fast model answers are read: strict JSON (serde_json's fast path), the same answer fenced
//! and wrapped in prose, and a broken one (single quotes, trailing commas, cut short), ~30 KB each.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use sitebuilder::ai::lenient::parse_lenient;
use sitebuilder_benches::structure_answer as structure;

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
