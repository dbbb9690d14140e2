use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::model::{Block, BlueprintStatus, HostingType, PageStatus, PageType, SiteConfig};

/// A structure that uses every block type of the catalogue once, over three pages.
pub(crate) fn every_block_structure(layout: &str) -> Value {
    json!({
        "site": {
            "name": "Casa Lupa", "tagline": "Fresh pasta in Porto since 1998", "tone": "warm",
            "layout": layout, "primary_navigation": ["home", "menu", "contact"],
            "secondary_navigation": ["contact", "menu"], "hero_message": "Pasta made this morning"
        },
        "pages": [
            {"slug": "home", "title": "Home", "type": "home", "objective": "Bring guests in",
             "primary_cta": "Book", "seo": {"meta_title": "Casa Lupa · Trattoria in Porto", "meta_description": "Fresh pasta made every morning in Porto."},
             "blocks": [
                {"type": "hero", "variant": "split", "data": {"heading": "Pasta made this morning", "subheading": "A family trattoria <b>in</b> Porto.", "cta": {"label": "Book a table", "href": "/contact#booking"}, "secondary_cta": {"label": "See the menu", "href": "/menu"}, "image": {"alt": "The dining room at noon", "prompt": "Warm photo of the room"}}},
                {"type": "features", "data": {"heading": "Why guests come back", "items": [{"title": "Fresh", "description": "Made daily.", "icon": "leaf"}, {"title": "Local", "description": "From Porto.", "icon": "map", "href": "/about"}]}},
                {"type": "stats", "data": {"heading": "In numbers", "items": [{"value": "1998", "label": "Open since"}, {"value": "40", "label": "Seats", "description": "Book ahead at weekends."}]}},
                {"type": "testimonials", "data": {"heading": "What guests say", "items": [{"quote": "Best ravioli in town.", "author": "Ana", "role": "Neighbour"}]}},
                {"type": "services", "data": {"heading": "Also on offer", "items": [{"title": "Catering", "description": "For up to 80 guests.", "cta": {"label": "Ask us", "href": "/contact"}}], "cta": {"label": "All services", "href": "/menu"}}},
                {"type": "cta", "data": {"heading": "Hungry yet?", "body": "Tables free tonight.", "cta": {"label": "Book a table", "href": "/contact"}}},
                {"type": "quote", "data": {"quote": "Cook for people you love.", "author": "Nonna Lupa", "role": "Founder"}}
             ]},
            {"slug": "menu", "title": "Menu", "type": "custom", "seo": {"meta_title": "", "meta_description": ""},
             "blocks": [
                {"type": "text", "data": {"heading": "Our kitchen", "body": "First paragraph.\n\nSecond paragraph."}},
                {"type": "image", "data": {"image": {"alt": "Ravioli on a plate", "src": "asset:7"}, "caption": "Ravioli"}},
                {"type": "video", "data": {"heading": "How we make pasta", "description": "Two minutes in our kitchen.", "url": "https://video.example/pasta"}},
                {"type": "grid", "data": {"heading": "Dishes", "columns": 3, "items": [{"title": "Ravioli", "description": "Ricotta.", "href": "/menu"}, {"title": "Lasagne", "description": "Slow.", "href": "/pricing"}]}},
                {"type": "card", "data": {"heading": "Lunch menu", "body": "Three courses for 14 euros.", "cta": {"label": "Book lunch", "href": "/contact"}}},
                {"type": "list", "data": {"heading": "How to order", "ordered": true, "items": ["Call us", "Pick a time"]}},
                {"type": "accordion", "data": {"heading": "Allergens", "items": [{"title": "Gluten", "body": "Most pasta has gluten."}]}}
             ]},
            {"slug": "contact", "title": "Contact", "type": "contact",
             "blocks": [
                {"type": "form", "data": {"heading": "Book a table", "purpose": "booking", "fields": [
                    {"name": "name", "label": "Your name", "type": "text", "required": true},
                    {"name": "email", "label": "Email", "type": "email", "required": true},
                    {"name": "party", "label": "Guests", "type": "select", "required": false, "options": ["2", "4"]},
                    {"name": "notes", "label": "Notes", "type": "textarea", "required": false},
                    {"name": "consent", "label": "I agree to be contacted", "type": "checkbox", "required": true}
                 ], "submit_label": "Send booking"}},
                {"type": "faq", "data": {"heading": "Questions", "items": [{"question": "Do you take groups?", "answer": "Yes, up to 20."}]}},
                {"type": "pricing_table", "data": {"heading": "Prices", "rows": ["Lunch 14 euros"]}},
                {"type": "hero", "data": {"subheading": "no heading here"}}
             ]}
        ]
    })
}

pub(crate) fn blueprint(structure: Value) -> SiteBlueprint {
    let at = Utc
        .with_ymd_and_hms(2026, 5, 1, 12, 0, 0)
        .single()
        .unwrap_or_default();
    SiteBlueprint {
        id: 3,
        account_id: 1,
        site_id: None,
        sector_id: None,
        name: "Casa Lupa".into(),
        description: "A trattoria".into(),
        config: SiteConfig::default(),
        structure_json: structure,
        status: BlueprintStatus::Ready,
        hosting_type: HostingType::default(),
        version: 1,
        deployed_version: None,
        created_at: at,
        updated_at: at,
    }
}

fn asset() -> SiteAsset {
    SiteAsset {
        id: 7,
        account_id: 1,
        site_id: None,
        sector_id: None,
        site_blueprint_id: 3,
        key: "1/3/uuid-ravioli.png".into(),
        file_name: "ravioli.png".into(),
        content_type: "image/png".into(),
        size_bytes: 10,
        checksum_sha256: String::new(),
        uploaded_by: None,
        created_at: Utc::now(),
    }
}

fn render(layout: &str, options: RenderOptions) -> RenderedSite {
    let bp = blueprint(every_block_structure(layout));
    let catalogue = BlockCatalogue::default();
    let assets = [asset()];
    let input = SiteInput {
        blueprint: &bp,
        pages: &[],
        assets: &assets,
        business_type: Some("Restaurant & Café"),
        personalities: &["Friendly Neighbour".to_string()],
        catalogue: &catalogue,
    };
    Renderer::new(options)
        .map(|r| r.render_site(&input))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn text(site: &RenderedSite, path: &str) -> String {
    let file = site
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(file.bytes.clone()).unwrap_or_default()
}

fn with_base() -> RenderOptions {
    RenderOptions {
        base_url: Some("https://casalupa.pt".into()),
        form_action: Some("https://forms.example/casa-lupa".into()),
        ..RenderOptions::default()
    }
}

#[test]
fn a_site_is_every_page_plus_404_sitemap_robots_css_and_used_assets() {
    let site = render("default", with_base());
    let paths: Vec<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "index.html",
            "menu.html",
            "contact.html",
            "404.html",
            "sitemap.xml",
            "robots.txt",
            CSS_PATH,
            "assets/7-ravioli.png"
        ]
    );
    let asset = site.files.last().unwrap_or_else(|| unreachable!());
    assert_eq!(asset.asset_id, Some(7));
    let sitemap = text(&site, "sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://casalupa.pt/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<loc>https://casalupa.pt/menu.html</loc>"));
    assert!(!sitemap.contains("404"));
    assert!(text(&site, "robots.txt").contains("Sitemap: https://casalupa.pt/sitemap.xml"));
    let css = text(&site, CSS_PATH);
    assert!(
        css.starts_with(":root {") && css.contains("--color-primary: #a63a17;"),
        "friendly palette"
    );
}

#[test]
fn pages_carry_title_description_canonical_open_graph_and_json_ld() {
    let site = render("default", with_base());
    let home = text(&site, "index.html");
    assert!(
        home.contains("<title>Casa Lupa · Trattoria in Porto</title>"),
        "{home}"
    );
    assert!(home.contains(
        r#"<meta name="description" content="Fresh pasta made every morning in Porto.">"#
    ));
    assert!(home.contains(r#"<link rel="canonical" href="https://casalupa.pt/">"#));
    assert!(
        home.contains(r#"<meta property="og:title" content="Casa Lupa · Trattoria in Porto">"#)
    );
    assert!(home.contains(r#""@type":"Restaurant""#), "{home}");
    let menu = text(&site, "menu.html");
    assert!(
        menu.contains("<title>Menu · Casa Lupa</title>"),
        "fallback title"
    );
    assert!(menu.contains(r#"<link rel="canonical" href="https://casalupa.pt/menu.html">"#));
    assert!(menu.contains(
        r#"<meta property="og:image" content="https://casalupa.pt/assets/7-ravioli.png">"#
    ));
    assert!(
        menu.contains(r#"<h1 class="page-title">Menu</h1>"#),
        "pages without a hero get a title"
    );
}

#[test]
fn every_block_type_renders_its_own_markup() {
    let site = render("default", with_base());
    let all: String = ["index.html", "menu.html", "contact.html"]
        .iter()
        .map(|p| text(&site, p))
        .collect();
    for ty in crate::functions::blocks::DEFAULT_BLOCK_TYPES {
        assert!(all.contains(&format!("block block-{ty} ")), "{ty} missing");
    }
    // Text is escaped, paragraphs split, the h1 is the opening hero's.
    assert!(
        all.contains("A family trattoria &lt;b&gt;in&lt;/b&gt; Porto."),
        "escaped"
    );
    assert!(all.contains("<p>First paragraph.</p>") && all.contains("<p>Second paragraph.</p>"));
    assert!(
        all.contains(r#"<h1 id="block-1-title" class="hero__title">Pasta made this morning</h1>"#)
    );
    assert_eq!(text(&site, "index.html").matches("<h1").count(), 1);
    // Images: an asset where one is linked, an honest placeholder (alt + prompt) otherwise.
    assert!(all.contains(
        r#"<img class="media figure__media" src="assets/7-ravioli.png" alt="Ravioli on a plate""#
    ));
    assert!(all.contains("Image to come") && all.contains("Brief: Warm photo of the room"));
    // Forms: labels tied to inputs, types, required marks, the configured action.
    let contact = text(&site, "contact.html");
    assert!(
        contact.contains(r#"action="https://forms.example/casa-lupa""#),
        "{contact}"
    );
    assert!(contact.contains(r#"<label for="block-1-email">Email <span class="form__required" aria-hidden="true">*</span></label>"#), "{contact}");
    assert!(contact.contains(r#"type="email" autocomplete="email" required>"#));
    assert!(contact.contains(r#"<textarea id="block-1-notes" name="notes" rows="5"></textarea>"#));
    assert!(contact.contains(
        r#"<input id="block-1-consent" name="consent" type="checkbox" value="yes" required>"#
    ));
}

#[test]
fn internal_links_point_at_files_and_unknown_pages_are_reported() {
    let site = render("default", with_base());
    let home = text(&site, "index.html");
    assert!(home.contains(r#"href="contact.html#booking""#));
    assert!(home.contains(r#"href="menu.html""#));
    assert!(home.contains(r#"<a href="index.html" aria-current="page">Home</a>"#));
    let broken: Vec<&RenderIssue> = site
        .report
        .issues
        .iter()
        .filter(|i| i.code == "broken_link")
        .collect();
    // `/about` (home) and `/pricing` (menu) name no page.
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert_eq!(broken[1].page.as_deref(), Some("menu"));
    assert_eq!(broken[1].block_type.as_deref(), Some("grid"));
}

#[test]
fn unknown_types_and_invalid_data_render_an_annotated_fallback_and_are_reported() {
    let site = render("default", with_base());
    let contact = text(&site, "contact.html");
    assert!(
        contact.contains("<!-- sitebuilder: block 2 (pricing_table)"),
        "{contact}"
    );
    assert!(
        contact.contains("<p>Lunch 14 euros</p>"),
        "its text is still shown"
    );
    assert!(contact.contains("<!-- sitebuilder: block 3 (hero)"));
    let codes: Vec<(&str, Option<usize>)> = site
        .report
        .issues
        .iter()
        .filter(|i| i.page.as_deref() == Some("contact"))
        .map(|i| (i.code.as_str(), i.block_index))
        .collect();
    assert_eq!(
        codes,
        [
            ("unknown_block_type", Some(2)),
            ("invalid_block_data", Some(3))
        ]
    );
}

#[test]
fn garbage_never_panics() {
    let catalogue = BlockCatalogue::default();
    let renderer = Renderer::new(RenderOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let structures = [
        json!(null),
        json!({}),
        json!([1, 2]),
        json!({"site": {"name": "X", "layout": "neon"}, "pages": []}),
        json!({"site": {"name": ""}, "pages": [{"slug": "index", "title": "", "type": "home", "blocks": [
            {"type": "hero", "data": "not an object"},
            {"type": "../../etc/passwd", "data": {}},
            {"type": "grid", "data": {"items": [{"title": 3, "image": {"src": "../x.png"}}], "columns": 99}},
            {"type": "form", "data": {"heading": "x", "fields": "nope", "submit_label": "Go"}}
        ]}]}),
    ];
    for s in structures {
        let bp = blueprint(s.clone());
        let input = SiteInput {
            blueprint: &bp,
            pages: &[],
            assets: &[],
            business_type: None,
            personalities: &[],
            catalogue: &catalogue,
        };
        let site = renderer.render_site(&input);
        assert!(site.files.iter().any(|f| f.path == "404.html"), "{s}");
        assert!(site.report.issues.iter().any(|i| i.code == "no_base_url"));
    }
}

#[test]
fn pages_from_the_table_win_over_the_structure_and_keep_their_order() {
    let bp = blueprint(every_block_structure("blog"));
    let page =
        |id: i64, slug: &str, order: i32, page_type: PageType, blocks: Vec<Block>| PageBlueprint {
            id,
            site_blueprint_id: 3,
            account_id: 1,
            site_id: None,
            sector_id: None,
            slug: slug.into(),
            title: slug.to_uppercase(),
            page_type,
            blocks,
            status: PageStatus::Ready,
            order,
            created_at: bp.created_at,
            updated_at: bp.updated_at,
        };
    let pages = [
        page(
            2,
            "contact",
            2,
            PageType::Contact,
            vec![Block::new("text", json!({"body": "Call us."}))],
        ),
        page(1, "home", 1, PageType::Home, vec![]),
    ];
    let catalogue = BlockCatalogue::default();
    let input = SiteInput {
        blueprint: &bp,
        pages: &pages,
        assets: &[],
        business_type: None,
        personalities: &[],
        catalogue: &catalogue,
    };
    let renderer = Renderer::new(with_base()).unwrap_or_else(|e| panic!("{e}"));
    let site = renderer.render_site(&input);
    let paths: Vec<&str> = site.files.iter().take(2).map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["index.html", "contact.html"]);
    let contact = text(&site, "contact.html");
    assert!(contact.contains("<p>Call us.</p>") && !contact.contains("Book a table</h2>"));
    // A page without blocks yet shows the structure's draft blocks.
    assert!(text(&site, "index.html").contains("Pasta made this morning"));
    let (html, report) = renderer
        .render_page(&input, "contact")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        html.contains("<style>") && html.contains("--color-primary"),
        "preview inlines the stylesheet"
    );
    assert!(
        report
            .issues
            .iter()
            .all(|i| i.page.as_deref() != Some("home"))
    );
    let missing = renderer.render_page(&input, "nope").err().map(|e| e.code());
    assert_eq!(missing, Some("not_found"));
}

#[test]
fn host_templates_override_per_block_type_per_layout_and_add_block_types() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "blocks/quote.html",
        r#"<aside class="host-quote">{{ data.quote }}</aside>"#,
    );
    write(
        "layouts/magazine/blocks/quote.html",
        r#"<aside class="magazine-quote">{{ data.quote }}</aside>"#,
    );
    write(
        "blocks/pricing_table.html",
        r#"<table class="host-prices">{% for r in data.rows %}<tr><td>{{ r }}</td></tr>{% endfor %}</table>"#,
    );
    write(
        "blocks/faq.html",
        r#"{{ data.nope.deeper | broken_filter }}"#,
    );
    let options = RenderOptions {
        template_dir: Some(dir.path().to_path_buf()),
        ..with_base()
    };
    let default = render("default", options.clone());
    assert!(
        text(&default, "index.html")
            .contains(r#"<aside class="host-quote">Cook for people you love.</aside>"#)
    );
    let contact = text(&default, "contact.html");
    assert!(
        contact.contains(r#"<table class="host-prices"><tr><td>Lunch 14 euros</td></tr></table>"#)
    );
    assert!(
        contact.contains("<!-- sitebuilder: block 1 (faq)"),
        "a failing host template falls back"
    );
    assert!(
        default
            .report
            .issues
            .iter()
            .any(|i| i.code == "template_error" && i.block_type.as_deref() == Some("faq"))
    );
    assert!(
        !default
            .report
            .issues
            .iter()
            .any(|i| i.code == "unknown_block_type")
    );
    let magazine = render("magazine", options);
    assert!(text(&magazine, "index.html").contains(r#"<aside class="magazine-quote">"#));
    let missing = Renderer::new(RenderOptions {
        template_dir: Some(dir.path().join("nope")),
        ..RenderOptions::default()
    });
    assert_eq!(missing.err().map(|e| e.code()), Some("configuration"));
}

#[test]
fn every_layout_renders_with_its_own_stylesheet() {
    for layout in crate::model::LAYOUTS {
        let site = render(layout, with_base());
        let css = text(&site, CSS_PATH);
        assert!(css.contains(&format!(".layout-{layout}")), "{layout}");
        assert!(
            text(&site, "index.html")
                .contains(&format!(r#"<body class="layout-{layout} page-home">"#))
        );
    }
}
