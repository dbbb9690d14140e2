//! How fast a site is rendered and exported: a 12-page × 6-block site through the renderer alone
//! (templates, theme, SEO files, in memory), and through `export_site` into a folder and a zip
//! (storage read + render + writes; memory storage so the figure is the renderer's and the disk's).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use sitebuilder::functions::blocks::BlockCatalogue;
use sitebuilder::model::{NewBlueprint, NewPage, PageType, SiteStructure};
use sitebuilder::render::{RenderOptions, Renderer, SiteInput};
use sitebuilder::store::MemoryStore;
use sitebuilder::{ExportFormat, ExportSiteRequest, ProviderConfig, Scope, SiteBuilder};

const PAGES: usize = 12;

/// Six blocks of different types, as a generated page holds them.
fn blocks(n: usize) -> Value {
    json!([
        {"type": "hero", "data": {"heading": format!("Page {n}: bread before sunrise"), "subheading": "Baked by hand in small batches since 1998.", "cta": {"label": "See the menu", "href": "/page-1"}, "image": {"alt": "The bakery at dawn", "prompt": "Warm photo of the shop"}}},
        {"type": "features", "data": {"heading": "Why people queue", "items": [
            {"title": "Sourdough", "description": "Forty-eight hour ferment.", "icon": "leaf"},
            {"title": "Pastry", "description": "Butter from the valley.", "icon": "star"},
            {"title": "Coffee", "description": "Roasted down the street.", "icon": "coffee"}]}},
        {"type": "text", "data": {"heading": "Our story", "body": "We started with one oven.\n\nNow we have three, and the same recipes."}},
        {"type": "testimonials", "data": {"heading": "What neighbours say", "items": [{"quote": "The best bread in town.", "author": "Ana", "role": "Neighbour"}, {"quote": "Worth the queue.", "author": "Rui"}]}},
        {"type": "faq", "data": {"heading": "Questions", "items": [{"question": "Do you deliver?", "answer": "Within Porto, before 9."}, {"question": "Gluten free?", "answer": "Two loaves a day."}]}},
        {"type": "cta", "data": {"heading": "Order for tomorrow", "body": "Order by 6 pm.", "cta": {"label": "Order now", "href": "/page-2"}}}
    ])
}

fn structure() -> Value {
    let pages: Vec<Value> = (0..PAGES)
        .map(|n| json!({
            "slug": if n == 0 { "home".to_string() } else { format!("page-{n}") },
            "title": format!("Page {n}"), "type": if n == 0 { "home" } else { "custom" },
            "seo": {"meta_title": format!("Page {n} · Harbor Bakery"), "meta_description": "Fresh bread every morning."},
            "blocks": blocks(n)
        }))
        .collect();
    json!({"site": {"name": "Harbor Bakery", "tagline": "Bread before sunrise", "layout": "default",
        "primary_navigation": ["home", "page-1", "page-2", "page-3"], "secondary_navigation": []}, "pages": pages})
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = std::env::temp_dir().join(format!("sb-render-bench-{}", std::process::id()));
    let (sb, id) = rt.block_on(async {
        let sb = SiteBuilder::builder()
            .storage(Arc::new(MemoryStore::new()))
            .provider(ProviderConfig::Offline)
            .render_options(RenderOptions {
                base_url: Some("https://harbor.example".into()),
                ..RenderOptions::default()
            })
            .build()
            .await
            .expect("builder");
        let scope = Scope::account(1);
        let bp = sb
            .create_blueprint(&scope, NewBlueprint::new("Harbor Bakery", "A bakery"))
            .await
            .expect("bp");
        let s: SiteStructure = serde_json::from_value(structure()).expect("structure");
        for (n, page) in s.pages.iter().enumerate() {
            sb.create_page(
                &scope,
                bp.id,
                NewPage {
                    slug: page.slug.clone(),
                    title: page.title.clone(),
                    page_type: if n == 0 {
                        PageType::Home
                    } else {
                        PageType::Custom
                    },
                    blocks: page.blocks.clone(),
                    ..NewPage::default()
                },
            )
            .await
            .expect("page");
        }
        (sb, bp.id)
    });
    let scope = Scope::account(1);
    let mut blueprint = rt
        .block_on(sb.get_blueprint(&scope, id))
        .expect("blueprint");
    // The pure render sees the generated structure too (navigation, SEO), as a real site does.
    blueprint.structure_json = structure();
    let pages = rt.block_on(sb.list_pages(&scope, id)).expect("pages");
    assert_eq!(pages.len(), PAGES);

    let renderer = Renderer::new(RenderOptions {
        base_url: Some("https://harbor.example".into()),
        ..RenderOptions::default()
    })
    .expect("renderer");
    let catalogue = BlockCatalogue::default();
    let personalities = vec!["Friendly Neighbour".to_string()];
    let input = SiteInput {
        blueprint: &blueprint,
        pages: &pages,
        assets: &[],
        business_type: None,
        personalities: &personalities,
        catalogue: &catalogue,
    };
    let rendered = renderer.render_site(&input);
    assert!(
        rendered.report.issues.is_empty(),
        "{:?}",
        rendered.report.issues
    );

    let mut group = c.benchmark_group("render_site");
    group.throughput(Throughput::Elements(PAGES as u64));
    group.bench_function("12 pages x 6 blocks, in memory", |b| {
        b.iter(|| black_box(renderer.render_site(black_box(&input))))
    });
    group.bench_function("export_site to a folder", |b| {
        b.iter(|| {
            rt.block_on(sb.export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: dir.join("site").to_string_lossy().into_owned(),
                    format: None,
                },
            ))
            .expect("export")
        })
    });
    group.bench_function("export_site to a zip", |b| {
        b.iter(|| {
            rt.block_on(sb.export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: dir.join("site.zip").to_string_lossy().into_owned(),
                    format: Some(ExportFormat::Zip),
                },
            ))
            .expect("export")
        })
    });
    group.finish();
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
