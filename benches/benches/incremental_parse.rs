//! Issue 13 point 6: what reading a streamed answer as it grows costs. A ~30 KB structure answer
//! fed to the incremental scanner in 40-byte chunks (the site settings and every page parsed as
//! they complete) against parsing the whole answer once. Target: the chunked total within 3× of
//! the single parse.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sitebuilder::ai::lenient::incremental::{Piece, StructureScanner};
use sitebuilder::ai::lenient::parse_lenient;
use sitebuilder_benches::structure_answer;

/// Bytes per streamed chunk (a model's server-sent events carry a token or a few).
const CHUNK: usize = 40;

fn chunked(text: &str) -> usize {
    let mut scanner = StructureScanner::new();
    let mut pieces = 0;
    for chunk in text.as_bytes().chunks(CHUNK) {
        // The answer is ASCII, so every 40-byte cut is a character boundary.
        let chunk = std::str::from_utf8(chunk).expect("ASCII");
        scanner.feed_with(chunk, |piece| {
            black_box(&piece);
            pieces += 1;
        });
    }
    pieces
}

fn bench(c: &mut Criterion) {
    let value = structure_answer(30 * 1024);
    let text = serde_json::to_string_pretty(&value).expect("serialize");
    assert!(text.is_ascii());
    let pages = value["pages"].as_array().map_or(0, Vec::len);
    // The scanner really finds the site settings and every page.
    let mut scanner = StructureScanner::new();
    let mut found = Vec::new();
    for chunk in text.as_bytes().chunks(CHUNK) {
        found.extend(scanner.feed(std::str::from_utf8(chunk).expect("ASCII")));
    }
    assert_eq!(found.len(), pages + 1);
    // serde_json writes keys in sorted order, so here the settings come after the pages.
    assert_eq!(
        found.iter().filter(|p| matches!(p, Piece::Site(_))).count(),
        1
    );

    let mut group = c.benchmark_group("incremental_parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("whole_30k_once", |b| {
        b.iter(|| parse_lenient(black_box(&text)))
    });
    group.bench_function("chunked_30k_40b", |b| b.iter(|| chunked(black_box(&text))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
