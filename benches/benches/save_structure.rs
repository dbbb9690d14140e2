//! `save_structure` of a 12-page structure with 6 blocks a page, on SQLite and PostgreSQL.
//! Target: under 5 ms on SQLite and under 10 ms on PostgreSQL (median).

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use sitebuilder::model::*;
use sitebuilder::store::prelude::*;
use sitebuilder::store::{SaveStructure, SqlStore, SqlStoreOptions};

fn structure() -> SaveStructure {
    let kinds = ["hero", "text", "features", "testimonials", "faq", "cta"];
    let mut specs = Vec::new();
    let mut pages = Vec::new();
    for i in 0..12 {
        let slug = if i == 0 {
            "home".to_string()
        } else {
            format!("page-{i}")
        };
        let blocks: Vec<Block> = kinds
            .iter()
            .map(|k| Block::new(*k, json!({"heading": format!("{k} heading for {slug}"), "body": "Lorem text of a realistic length for a paragraph on a small business website."})))
            .collect();
        let page_type = if i == 0 {
            PageType::Home
        } else {
            PageType::Custom
        };
        specs.push(PageSpec {
            slug: slug.clone(),
            title: format!("Page {i}"),
            page_type,
            objective: "inform".into(),
            primary_cta: "Contact us".into(),
            seo: Seo::default(),
            blocks: blocks.clone(),
        });
        pages.push(NewPage {
            slug,
            title: format!("Page {i}"),
            page_type,
            blocks,
            ..NewPage::default()
        });
    }
    SaveStructure {
        structure: SiteStructure {
            site: SiteInfo {
                name: "Bench".into(),
                tagline: "t".into(),
                tone: "warm".into(),
                layout: "default".into(),
                primary_navigation: vec!["home".into()],
                secondary_navigation: vec![],
                hero_message: "hi".into(),
            },
            pages: specs,
            extra: Default::default(),
        },
        pages,
        status: BlueprintStatus::Ready,
        capture: None,
        locks: None,
        base_version: None,
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile_dir();
    let sqlite = format!("sqlite://{dir}/bench.db");
    let pg = rt.block_on(sitebuilder_benches::fresh_pg_url());
    for (name, url) in [("sqlite", sqlite), ("postgres", pg)] {
        let store = rt
            .block_on(SqlStore::open(&url, SqlStoreOptions::default()))
            .expect("open");
        let scope = Scope::account(1);
        let bp = rt
            .block_on(store.create_blueprint(&scope, NewBlueprint::new("Bench", "brief")))
            .expect("bp");
        let save = structure();
        c.bench_function(&format!("save_structure_12x6/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                store
                    .save_structure(&scope, bp.id, save.clone())
                    .await
                    .expect("save");
            })
        });
    }
}

fn tempfile_dir() -> String {
    let d = std::env::temp_dir().join(format!("sb-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d.display().to_string()
}

criterion_group!(benches, bench);
criterion_main!(benches);
