use serde_json::{Value, json};

use super::*;

fn good() -> Value {
    json!({
        "site": {
            "name": "Casa Lisboa",
            "tagline": "Portuguese cooking in Porto",
            "tone": "warm",
            "layout": "default",
            "primary_navigation": ["home", "menu", "contact"],
            "secondary_navigation": [],
            "hero_message": "A table worth coming back to"
        },
        "pages": [
            {"slug": "home", "title": "Home", "type": "home", "objective": "Bookings", "primary_cta": "Book a table",
             "seo": {"meta_title": "Casa Lisboa", "meta_description": "Portuguese cooking."},
             "blocks": [{"type": "hero", "data": {"heading": "A table worth coming back to", "cta": {"label": "Book", "href": "/contact"}}}]},
            {"slug": "menu", "title": "Menu", "type": "custom", "blocks": [{"type": "text", "data": {"body": "Seasonal dishes."}}]},
            {"slug": "contact", "title": "Contact", "type": "contact", "blocks": [{"type": "form", "data": {"heading": "Write to us", "fields": [{"name": "email", "label": "Email", "type": "email", "required": true}], "submit_label": "Send"}}]}
        ]
    })
}

fn check(value: &Value) -> Result<SiteStructure, Vec<String>> {
    validate_structure(value, &BlockCatalogue::default(), &Limits::default())
}

fn errors(value: &Value) -> Vec<String> {
    check(value).expect_err("must be rejected")
}

fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

#[test]
fn a_good_structure_passes_unchanged() {
    let s = check(&good()).expect("valid");
    assert_eq!(s.pages.len(), 3);
    assert_eq!(s.site.primary_navigation, ["home", "menu", "contact"]);
    assert_eq!(s.pages[0].blocks[0].data["cta"]["href"], "/contact");
    assert_eq!(s.pages[1].page_type, PageType::Custom);
}

#[test]
fn slugs_are_normalised() {
    for (raw, expected) in [
        ("About Us", "about-us"),
        ("/our_team/", "our-team"),
        ("Café & Bar!!", "cafe-and-bar"),
        ("--a---b--", "a-b"),
        ("services/dental", "services-dental"),
        ("menu.html", "menu"),
        ("/", ""),
        ("INDEX", "index"),
    ] {
        assert_eq!(normalize_slug(raw), expected, "{raw}");
    }
    let mut v = good();
    v["pages"][1]["slug"] = json!("Our Menu");
    v["pages"][0]["slug"] = json!("/");
    v["site"]["primary_navigation"] = json!(["/", "/our-menu", "Contact"]);
    let s = check(&v).expect("valid after normalising");
    assert_eq!(s.pages[0].slug, "home");
    assert_eq!(s.pages[1].slug, "our-menu");
    assert_eq!(s.site.primary_navigation, ["home", "our-menu", "contact"]);
}

#[test]
fn the_home_page_is_always_home_and_its_old_slug_still_resolves() {
    for slug in ["", "index", "welcome"] {
        let mut v = good();
        v["pages"][0]["slug"] = json!(slug);
        v["site"]["primary_navigation"] = json!([if slug.is_empty() { "/" } else { slug }, "menu"]);
        let s = check(&v).expect(slug);
        assert_eq!(s.pages[0].slug, "home");
        assert_eq!(s.site.primary_navigation, ["home", "menu"]);
    }
}

#[test]
fn exactly_one_home_page() {
    let mut v = good();
    v["pages"][0]["type"] = json!("about");
    v["pages"][0]["slug"] = json!("about");
    v["site"]["primary_navigation"] = json!(["about"]);
    assert!(has(&errors(&v), "pages: no page has type \"home\""));

    let mut v = good();
    v["pages"][1]["type"] = json!("home");
    let e = errors(&v);
    assert!(
        has(
            &e,
            "pages[1].type: a second home page (the first is pages[0])"
        ),
        "{e:?}"
    );

    let mut v = good();
    v["pages"][1]["slug"] = json!("home");
    let e = errors(&v);
    assert!(has(&e, "pages[1].slug: \"home\" is reserved"), "{e:?}");
}

#[test]
fn slugs_are_unique() {
    let mut v = good();
    v["pages"][2]["slug"] = json!("Menu");
    let e = errors(&v);
    assert!(
        has(&e, "pages[2].slug: \"menu\" is already used by pages[1]"),
        "{e:?}"
    );
}

#[test]
fn a_missing_slug_comes_from_the_title() {
    let mut v = good();
    v["pages"][1].as_object_mut().expect("page").remove("slug");
    v["pages"][1]["title"] = json!("Our Menu");
    v["site"]["primary_navigation"] = json!(["home", "our-menu"]);
    assert_eq!(check(&v).expect("valid").pages[1].slug, "our-menu");
    v["pages"][1]["title"] = json!("");
    let e = errors(&v);
    assert!(has(&e, "pages[1].title: required"), "{e:?}");
    assert!(has(&e, "pages[1].slug: missing"), "{e:?}");
}

#[test]
fn navigation_must_point_at_pages() {
    let mut v = good();
    v["site"]["primary_navigation"] =
        json!(["home", "blog", "https://x.example", {"slug": "menu"}, {"label": "x"}]);
    let e = errors(&v);
    assert!(
        has(
            &e,
            "site.primary_navigation[1]: \"blog\" is not a page of this site; use one of contact, home, menu"
        ),
        "{e:?}"
    );
    assert!(
        has(
            &e,
            "site.primary_navigation[2]: \"https://x.example\" is not a page slug"
        ),
        "{e:?}"
    );
    assert!(
        has(&e, "site.primary_navigation[4]: expected a page slug"),
        "{e:?}"
    );
    assert_eq!(e.len(), 3, "{e:?}");

    let mut v = good();
    v["site"]["primary_navigation"] = json!([]);
    assert!(has(&errors(&v), "site.primary_navigation: empty"));

    let mut v = good();
    v["site"]["secondary_navigation"] = json!(["menu", "/menu", "Menu"]);
    assert_eq!(
        check(&v)
            .expect("repeats dropped")
            .site
            .secondary_navigation,
        ["menu"]
    );

    let mut v = good();
    let limits = Limits {
        max_nav_items: 2,
        ..Limits::default()
    };
    v["site"]["primary_navigation"] = json!(["home", "menu", "contact"]);
    let e = validate_structure(&v, &BlockCatalogue::default(), &limits).expect_err("too many");
    assert!(
        has(&e, "site.primary_navigation: 3 entries, at most 2"),
        "{e:?}"
    );
}

#[test]
fn layout_must_be_known() {
    let mut v = good();
    v["site"]["layout"] = json!("Magazine");
    assert_eq!(check(&v).expect("case-insensitive").site.layout, "magazine");
    v["site"]["layout"] = json!("brutalist");
    assert!(has(
        &errors(&v),
        "site.layout: unknown layout \"brutalist\"; use one of default, minimal"
    ));
    v["site"].as_object_mut().expect("site").remove("layout");
    assert_eq!(check(&v).expect("defaulted").site.layout, "default");
}

#[test]
fn block_types_and_data_are_checked() {
    let mut v = good();
    v["pages"][1]["blocks"] = json!([
        {"type": "carousel", "data": {}},
        {"type": "features", "data": {"heading": "H", "items": [{"title": "T"}]}},
        {"type": "text", "data": {"body": "ok", "colour": "red"}},
        "hero"
    ]);
    let e = errors(&v);
    assert!(
        has(
            &e,
            "pages[1].blocks[0]: unknown block type \"carousel\"; use one of hero, text, features"
        ),
        "{e:?}"
    );
    assert!(
        has(&e, "pages[1].blocks[1].data.items[0]: ") && has(&e, "description"),
        "{e:?}"
    );
    assert!(
        has(&e, "pages[1].blocks[2].data: ") && has(&e, "colour"),
        "{e:?}"
    );
    assert!(
        has(&e, "pages[1].blocks[3]: expected a block object"),
        "{e:?}"
    );
    assert_eq!(e.len(), 4, "{e:?}");
}

#[test]
fn blocks_are_read_leniently() {
    let mut v = good();
    v["pages"][1]["blocks"] = json!([
        {"type": "Text", "heading": "Moved in", "body": "Fields beside data", "variant": "wide", "locked": null, "id": 7},
        {"type": "CTA", "data": {"heading": "Go", "cta": {"label": "Book", "href": "/Menu#mains"}, "body": null}}
    ]);
    let s = check(&v).expect("valid");
    let b = &s.pages[1].blocks;
    assert_eq!(b[0].block_type, "text");
    assert_eq!(
        b[0].data,
        json!({"heading": "Moved in", "body": "Fields beside data"})
    );
    assert_eq!(
        (b[0].variant.as_deref(), b[0].id.as_deref(), b[0].locked),
        (Some("wide"), Some("7"), false)
    );
    assert_eq!(
        b[1].data,
        json!({"heading": "Go", "cta": {"label": "Book", "href": "/menu#mains"}})
    );
}

#[test]
fn internal_links_must_reach_a_page() {
    let mut v = good();
    v["pages"][0]["blocks"][0]["data"]["cta"]["href"] = json!("/booking");
    let e = errors(&v);
    assert!(
        has(
            &e,
            "pages[0].blocks[0].data.cta.href: \"/booking\" links to no page of this site; link to one of /contact, /home, /menu"
        ),
        "{e:?}"
    );
    for ok in [
        "/",
        "https://example.com/booking",
        "mailto:a@b.c",
        "tel:+351",
        "#top",
        "/blog/2024/post",
    ] {
        v["pages"][0]["blocks"][0]["data"]["cta"]["href"] = json!(ok);
        let s = check(&v).expect(ok);
        assert_eq!(s.pages[0].blocks[0].data["cta"]["href"], ok);
    }
}

#[test]
fn titles_and_site_name_must_not_be_empty() {
    let mut v = good();
    v["site"]["name"] = json!("  ");
    v["pages"][2]["title"] = Value::Null;
    let e = errors(&v);
    assert!(has(&e, "site.name: required"), "{e:?}");
    assert!(has(&e, "pages[2].title: required"), "{e:?}");
}

#[test]
fn page_types_accept_synonyms_and_reject_unknown() {
    let mut v = good();
    v["pages"][1]["type"] = json!("Product");
    assert_eq!(
        check(&v).expect("synonym").pages[1].page_type,
        PageType::Products
    );
    v["pages"][1]["type"] = json!("pricing");
    assert!(has(
        &errors(&v),
        "pages[1].type: unknown page type \"pricing\"; use one of home, about, services, products, blog, contact, custom"
    ));
}

#[test]
fn counts_and_lengths_are_bounded() {
    let limits = Limits {
        max_pages: 2,
        max_blocks_per_page: 1,
        max_text_len: 10,
        max_title_len: 5,
        ..Limits::default()
    };
    let mut v = good();
    v["pages"][1]["blocks"] = json!([{"type": "text", "data": {"body": "short"}}, {"type": "text", "data": {"body": "0123456789ABC"}}]);
    v["pages"][0]["seo"]["meta_title"] = json!("x".repeat(71));
    let e = validate_structure(&v, &BlockCatalogue::default(), &limits).expect_err("bounded");
    assert!(has(&e, "pages: 3 pages, at most 2 are allowed"), "{e:?}");
    assert!(
        has(&e, "pages[1].blocks: 2 blocks, at most 1 per page"),
        "{e:?}"
    );
    assert!(
        has(
            &e,
            "pages[1].blocks[1].data.body: 13 characters, at most 10"
        ),
        "{e:?}"
    );
    assert!(has(&e, "site.name: 11 characters, at most 5"), "{e:?}");
    assert!(
        has(&e, "pages[0].seo.meta_title: 71 characters, at most 70"),
        "{e:?}"
    );

    let mut v = good();
    v["pages"][1]["blocks"] = json!([]);
    assert!(has(&errors(&v), "pages[1].blocks: empty"));
    let mut v = good();
    v["pages"][2]["slug"] = json!("x".repeat(81));
    assert!(has(&errors(&v), "pages[2].slug: longer than 80"));
    assert!(has(
        &errors(&json!({"site": {"name": "x"}, "pages": []})),
        "pages: empty"
    ));
}

#[test]
fn shape_errors_are_reported() {
    assert_eq!(
        errors(&json!([1])),
        ["answer: expected a JSON object with \"site\" and \"pages\", got an array"]
    );
    let e = errors(&json!({"pages": "none"}));
    assert!(has(&e, "site: expected an object"), "{e:?}");
    assert!(
        has(&e, "pages: expected an array of pages, got a string"),
        "{e:?}"
    );
    let mut v = good();
    v["pages"][1]["title"] = json!(["Menu"]);
    assert!(has(
        &errors(&v),
        "pages[1].title: expected a string, got an array"
    ));
}

#[test]
fn a_wrapper_key_and_extra_keys_are_tolerated() {
    let s = check(&json!({"structure": good()})).expect("wrapped");
    assert_eq!(s.pages.len(), 3);
    let mut v = good();
    v["notes"] = json!("kept");
    assert_eq!(check(&v).expect("extra").extra["notes"], "kept");
}

#[test]
fn page_content_is_validated() {
    let c = BlockCatalogue::default();
    let l = Limits::default();
    let ok = json!({"blocks": [{"type": "hero", "data": {"heading": "Hi"}}], "seo": {"meta_title": "T", "meta_description": "D"}});
    let content = validate_page_content(&ok, &c, &l).expect("valid");
    assert_eq!(content.blocks[0].block_type, "hero");
    assert_eq!(content.seo.meta_title, "T");

    let flat = json!({"blocks": [{"type": "text", "data": {"body": "b"}}], "meta_title": "T", "meta_description": "D"});
    assert!(validate_page_content(&flat, &c, &l).is_ok());

    let bad = json!({"blocks": [], "seo": {"meta_title": "", "meta_description": "d".repeat(171)}});
    let e = validate_page_content(&bad, &c, &l).expect_err("bad");
    assert!(has(&e, "blocks: empty"), "{e:?}");
    assert!(has(&e, "seo.meta_title: required"), "{e:?}");
    assert!(
        has(&e, "seo.meta_description: 171 characters, at most 170"),
        "{e:?}"
    );

    let e = validate_page_content(&json!({"blocks": [{"type": "quote", "data": {}}]}), &c, &l)
        .expect_err("bad");
    assert!(has(&e, "blocks[0].data: "), "{e:?}");
    assert!(has(&e, "seo: expected an object"), "{e:?}");
    // Links are not checked without the site's pages.
    let link = json!({"blocks": [{"type": "cta", "data": {"heading": "H", "cta": {"label": "Go", "href": "/anywhere"}}}], "seo": {"meta_title": "T", "meta_description": "D"}});
    assert!(validate_page_content(&link, &c, &l).is_ok());
}
