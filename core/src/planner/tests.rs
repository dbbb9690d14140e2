use serde_json::{Value, json};

use super::*;
use crate::ai::provider::{ChatMessage, OutputSchema};
use crate::ai::provider::{CompletionRequest, OfflinePlanner, Provider};
use crate::blocks::BlockCatalogue;
use crate::blocks::validate::{Limits, validate_page_content, validate_structure};
use crate::model::{OptionKind, SiteStructure};
use crate::schema::seed_options;

fn option(kind: OptionKind, index: usize) -> Value {
    let (name, description) = seed_options(kind)[index];
    json!({"name": name, "description": description})
}

fn option_named(kind: OptionKind, name: &str) -> Value {
    let (name, description) = seed_options(kind)
        .iter()
        .find(|(n, _)| *n == name)
        .copied()
        .unwrap_or_else(|| panic!("no seeded option {name}"));
    json!({"name": name, "description": description})
}

fn structure_context(name: &str, brief: &str, business_type: Value, objectives: &[&str]) -> Value {
    json!({
        "blueprint": {"id": 1, "name": name, "description": ""},
        "brief": brief,
        "objectives": objectives,
        "style": {},
        "business_type": business_type,
        "audience_profiles": [],
        "brand_personalities": [],
        "hero_imagery": null,
        "hosting_type": "igny8_sites",
        "block_types": crate::blocks::DEFAULT_BLOCK_TYPES,
        "existing_structure": null,
        "locked_pages": []
    })
}

fn request(prompt_type: &str, context: Value) -> CompletionRequest {
    CompletionRequest {
        function_name: "generate_site_structure".into(),
        prompt_type: prompt_type.into(),
        messages: vec![
            ChatMessage::system("Answer with JSON."),
            ChatMessage::user("Plan the site."),
        ],
        output_schema: None,
        context,
        temperature: None,
        max_tokens: None,
    }
}

async fn answer(prompt_type: &str, context: Value) -> Value {
    let completion = OfflinePlanner::new()
        .complete(&request(prompt_type, context))
        .await
        .expect("answers");
    serde_json::from_str(&completion.content).expect("the answer is JSON")
}

async fn plan(context: Value) -> SiteStructure {
    let value = answer(STRUCTURE, context).await;
    validate_structure(&value, &BlockCatalogue::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("offline structure is invalid: {e:#?}\n{value:#}"))
}

fn slugs(s: &SiteStructure) -> Vec<&str> {
    s.pages.iter().map(|p| p.slug.as_str()).collect()
}

fn all_text(value: &Value) -> String {
    value.to_string().to_lowercase()
}

const BRIEFS: &[&str] = &[
    "Casa Lisboa is a family restaurant in Porto. We serve grilled fish, petiscos and natural wines to locals and visitors.",
    "I need a website for my business, it should look modern.",
    "We help mid-sized companies automate invoicing. Our platform offers approvals, reminders and reporting for finance teams.",
    "",
];

#[tokio::test]
async fn every_business_type_and_brief_gives_a_valid_structure_and_valid_pages() {
    let personalities = seed_options(OptionKind::BrandPersonality).len();
    let imagery = seed_options(OptionKind::HeroImagery).len();
    let mut i = 0;
    let types: Vec<Value> = (0..seed_options(OptionKind::BusinessType).len())
        .map(|t| option(OptionKind::BusinessType, t))
        .chain([
            Value::Null,
            json!({"name": "Dog Grooming Salon", "description": "Grooming and bathing for dogs."}),
        ])
        .collect();
    for business_type in &types {
        for brief in BRIEFS {
            let mut context = structure_context(
                "Acme website",
                brief,
                business_type.clone(),
                &["Get more enquiries", "book appointments"],
            );
            context["brand_personalities"] =
                json!([option(OptionKind::BrandPersonality, i % personalities)]);
            context["hero_imagery"] = option(OptionKind::HeroImagery, i % imagery);
            context["audience_profiles"] = json!([option(OptionKind::AudienceProfile, i % 8)]);
            i += 1;
            let structure = plan(context.clone()).await;
            assert_eq!(structure.pages[0].slug, "home", "{business_type} / {brief}");
            assert_eq!(structure.pages[0].blocks[0].block_type, "hero");
            assert_eq!(structure.site.primary_navigation[0], "home");
            let text = all_text(&structure.to_value());
            assert!(
                !text.contains("lorem") && !text.contains("{name}") && !text.contains("{offer}"),
                "{text}"
            );
            for page in &structure.pages {
                assert!(
                    page.seo.meta_title.chars().count() <= 60,
                    "{}",
                    page.seo.meta_title
                );
                assert!(
                    page.seo.meta_description.chars().count() <= 155,
                    "{}",
                    page.seo.meta_description
                );
                let content = answer(PAGE, page_context(&structure, &page.slug, &context)).await;
                let checked =
                    validate_page_content(&content, &BlockCatalogue::default(), &Limits::default())
                        .unwrap_or_else(|e| {
                            panic!("page {} invalid: {e:#?}\n{content:#}", page.slug)
                        });
                assert_eq!(checked.blocks.len(), page.blocks.len(), "{}", page.slug);
                assert!(checked.seo.meta_title.chars().count() <= 60);
                assert!(checked.seo.meta_description.chars().count() <= 155);
            }
        }
    }
}

fn page_context(structure: &SiteStructure, slug: &str, structure_context: &Value) -> Value {
    let page = structure
        .pages
        .iter()
        .find(|p| p.slug == slug)
        .expect("page exists");
    json!({
        "site": structure.site,
        "page": {"slug": page.slug, "title": page.title, "type": page.page_type, "objective": page.objective,
                 "primary_cta": page.primary_cta, "blocks": page.blocks},
        "brief": structure_context["brief"],
        "objectives": structure_context["objectives"],
        "audience_profiles": structure_context["audience_profiles"],
        "brand_personalities": structure_context["brand_personalities"],
        "business_type": structure_context["business_type"]
    })
}

#[tokio::test]
async fn answers_are_deterministic() {
    let context = structure_context(
        "Bright Smile Dental",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Medical Clinic"),
        &["book appointments"],
    );
    let planner = OfflinePlanner::new();
    let first = planner
        .complete(&request(STRUCTURE, context.clone()))
        .await
        .expect("first");
    let second = planner
        .complete(&request(STRUCTURE, context.clone()))
        .await
        .expect("second");
    assert_eq!(first.content, second.content);
    let mut other = context;
    other["brief"] =
        json!("Bright Smile is a dental clinic in Braga offering whitening and implants.");
    let third = planner
        .complete(&request(STRUCTURE, other))
        .await
        .expect("third");
    assert_ne!(first.content, third.content, "the answer follows the brief");
}

#[tokio::test]
async fn page_sets_follow_the_business_type() {
    let cases: &[(&str, &[&str])] = &[
        ("Restaurant & Café", &["menu", "reservations"]),
        ("Medical Clinic", &["services", "doctors", "appointments"]),
        (
            "B2B SaaS Platform",
            &["features", "integrations", "pricing"],
        ),
        ("E-commerce Brand", &["shop", "collections"]),
        ("Local Trades & Home Services", &["services", "quote"]),
        ("Nonprofit & Community", &["donate", "volunteer"]),
        ("Creative Portfolio", &["work"]),
        ("Real Estate Agency", &["properties"]),
        ("Education & Training", &["programs"]),
        ("Professional Services", &["services", "team"]),
    ];
    for (business_type, expected) in cases {
        let s = plan(structure_context(
            "Acme",
            "",
            option_named(OptionKind::BusinessType, business_type),
            &[],
        ))
        .await;
        for slug in *expected {
            assert!(slugs(&s).contains(slug), "{business_type}: {:?}", slugs(&s));
        }
        assert_eq!(slugs(&s).last(), Some(&"contact"), "{business_type}");
    }
    let restaurant = plan(structure_context(
        "Acme",
        "",
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    ))
    .await;
    let reservations = restaurant
        .pages
        .iter()
        .find(|p| p.slug == "reservations")
        .expect("reservations");
    assert!(
        reservations
            .blocks
            .iter()
            .any(|b| b.block_type == "form" && b.data["purpose"] == "booking")
    );
    let clinic = plan(structure_context(
        "Acme",
        "",
        option_named(OptionKind::BusinessType, "Medical Clinic"),
        &[],
    ))
    .await;
    let services = clinic
        .pages
        .iter()
        .find(|p| p.slug == "services")
        .expect("services");
    assert!(services.blocks.iter().any(|b| b.block_type == "services"));
}

#[tokio::test]
async fn without_a_business_type_the_brief_decides() {
    let s = plan(structure_context(
        "Trattoria Nonna",
        "A small Italian restaurant with homemade pizza and pasta.",
        Value::Null,
        &[],
    ))
    .await;
    assert!(slugs(&s).contains(&"menu"), "{:?}", slugs(&s));
    let s = plan(structure_context("Ledgerly", BRIEFS[2], Value::Null, &[])).await;
    assert!(
        slugs(&s).contains(&"pricing") && slugs(&s).contains(&"integrations"),
        "{:?}",
        slugs(&s)
    );
    let s = plan(structure_context("Acme", "", Value::Null, &[])).await;
    assert_eq!(slugs(&s), ["home", "about", "services", "contact"]);
}

#[tokio::test]
async fn objectives_add_pages() {
    let s = plan(structure_context(
        "Acme",
        "",
        Value::Null,
        &["Book appointments online", "Hire two engineers"],
    ))
    .await;
    assert!(
        slugs(&s).contains(&"appointments") && slugs(&s).contains(&"careers"),
        "{:?}",
        slugs(&s)
    );
    let booking = s
        .pages
        .iter()
        .find(|p| p.slug == "appointments")
        .expect("appointments");
    assert!(booking.blocks.iter().any(|b| b.block_type == "form"));
    assert!(
        booking.objective.contains("Book appointments online"),
        "{}",
        booking.objective
    );
    assert!(
        s.pages[0].objective.contains("Hire two engineers"),
        "{}",
        s.pages[0].objective
    );
    let position = |slug: &str| slugs(&s).iter().position(|s| *s == slug).expect("present");
    assert!(
        position("appointments") < position("contact"),
        "contact stays last"
    );
}

#[tokio::test]
async fn copy_comes_from_the_brief_and_the_name_from_the_blueprint() {
    let brief = "Bright Smile is a dental clinic in Porto. We offer check-ups, teeth whitening and implants for the whole family.";
    let s = plan(structure_context(
        "Bright Smile website (draft)",
        brief,
        option_named(OptionKind::BusinessType, "Medical Clinic"),
        &[],
    ))
    .await;
    assert_eq!(s.site.name, "Bright Smile");
    let services = s
        .pages
        .iter()
        .find(|p| p.slug == "services")
        .expect("services");
    let block = services
        .blocks
        .iter()
        .find(|b| b.block_type == "services")
        .expect("services block");
    let titles: Vec<&str> = block.data["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert_eq!(titles, ["Check-ups", "Teeth whitening", "Implants"]);
    let hero = &s.pages[0].blocks[0].data;
    assert!(
        hero["subheading"]
            .as_str()
            .expect("subheading")
            .starts_with("Bright Smile is a dental clinic in Porto.")
    );
    assert_eq!(
        hero["cta"],
        json!({"label": "Book an appointment", "href": "/appointments"})
    );
    let contact = s
        .pages
        .iter()
        .find(|p| p.slug == "contact")
        .expect("contact");
    assert!(
        contact.blocks[0].data["subheading"]
            .as_str()
            .expect("sub")
            .contains("Porto")
    );
}

#[tokio::test]
async fn tone_follows_the_brand_personality_and_the_hero_the_imagery() {
    let mut context = structure_context(
        "Acme",
        "",
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    );
    context["brand_personalities"] =
        json!([option_named(OptionKind::BrandPersonality, "Bold Visionary")]);
    context["hero_imagery"] = option_named(OptionKind::HeroImagery, "Place & Atmosphere");
    let bold = plan(context.clone()).await;
    assert!(
        bold.site
            .tone
            .starts_with("Bold Visionary: confident and ambitious"),
        "{}",
        bold.site.tone
    );
    let hero = &bold.pages[0].blocks[0];
    assert_eq!(hero.variant.as_deref(), Some("full-bleed-photo"));
    assert!(
        hero.data["image"]["prompt"]
            .as_str()
            .expect("prompt")
            .contains("The venue, neighbourhood or space itself")
    );
    assert_eq!(hero.data["heading"], bold.site.hero_message);

    context["brand_personalities"] = json!([option_named(
        OptionKind::BrandPersonality,
        "Friendly Neighbour"
    )]);
    context["hero_imagery"] = option_named(OptionKind::HeroImagery, "Authentic Team Photography");
    let warm = plan(context).await;
    assert_ne!(warm.site.hero_message, bold.site.hero_message);
    assert_ne!(warm.site.tagline, bold.site.tagline);
    let hero = &warm.pages[0].blocks[0];
    assert_eq!(hero.variant.as_deref(), Some("photo-team"));
    assert!(
        hero.data["image"]["alt"]
            .as_str()
            .expect("alt")
            .contains("team")
    );
}

#[tokio::test]
async fn layout_follows_the_business_and_the_style_hint() {
    let layout = |t: &'static str| async move {
        plan(structure_context(
            "Acme",
            "",
            option_named(OptionKind::BusinessType, t),
            &[],
        ))
        .await
        .site
        .layout
    };
    assert_eq!(layout("E-commerce Brand").await, "ecommerce");
    assert_eq!(layout("Creative Portfolio").await, "portfolio");
    assert_eq!(layout("Professional Services").await, "corporate");
    let mut context = structure_context(
        "Acme",
        "",
        option_named(OptionKind::BusinessType, "E-commerce Brand"),
        &[],
    );
    context["style"] = json!({"layout": "Magazine"});
    assert_eq!(plan(context).await.site.layout, "magazine");
    let publisher = plan(structure_context(
        "The Weekly",
        "A weekly newsletter and blog about city gardens.",
        Value::Null,
        &[],
    ))
    .await;
    assert_eq!(publisher.site.layout, "blog");
    let news = plan(structure_context(
        "City Desk",
        "An online magazine with local news and essays.",
        Value::Null,
        &[],
    ))
    .await;
    assert_eq!(news.site.layout, "magazine");
}

#[tokio::test]
async fn only_allowed_block_types_are_used() {
    let mut context = structure_context(
        "Acme",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    );
    let allowed = ["hero", "text", "cta", "form", "pricing"];
    context["block_types"] = json!(allowed);
    let value = answer(STRUCTURE, context.clone()).await;
    let subset = BlockCatalogue::default().subset(&allowed);
    let s = validate_structure(&value, &subset, &Limits::default())
        .unwrap_or_else(|e| panic!("{e:#?}"));
    for page in &s.pages {
        assert!(
            page.blocks
                .iter()
                .all(|b| allowed.contains(&b.block_type.as_str())),
            "{}",
            page.slug
        );
    }
    let reservations = s
        .pages
        .iter()
        .find(|p| p.slug == "reservations")
        .expect("reservations");
    assert!(reservations.blocks.iter().any(|b| b.block_type == "form"));

    context["block_types"] = json!(["pricing", "team"]);
    let err = OfflinePlanner::new()
        .complete(&request(STRUCTURE, context))
        .await
        .expect_err("no usable type");
    assert_eq!(err.code(), "configuration");
    assert!(err.to_string().contains("pricing, team"), "{err}");
}

#[tokio::test]
async fn locked_pages_are_carried_over_unchanged() {
    let first = plan(structure_context(
        "Acme",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    ))
    .await;
    let mut existing = first.to_value();
    existing["pages"][1]["title"] = json!("Our Famous Menu");
    existing["pages"][1]["blocks"] =
        json!([{"type": "text", "data": {"body": "Hand-written by the owner."}, "locked": true}]);
    existing["pages"].as_array_mut().expect("pages").push(json!({
        "slug": "history", "title": "History", "type": "custom", "objective": "", "primary_cta": "",
        "seo": {"meta_title": "", "meta_description": ""}, "blocks": [{"type": "quote", "data": {"quote": "Since the old days."}}]
    }));
    existing["site"]["primary_navigation"]
        .as_array_mut()
        .expect("nav")
        .push(json!("history"));
    let mut context = structure_context(
        "Acme",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    );
    context["existing_structure"] = existing.clone();
    context["locked_pages"] = json!(["menu", "history"]);
    let value = answer(STRUCTURE, context).await;
    let s = validate_structure(&value, &BlockCatalogue::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let menu = value["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| p["slug"] == "menu")
        .expect("menu");
    assert_eq!(menu, &existing["pages"][1]);
    let history = value["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| p["slug"] == "history")
        .expect("history");
    assert_eq!(
        history,
        existing["pages"]
            .as_array()
            .expect("pages")
            .last()
            .expect("history")
    );
    assert!(s.site.primary_navigation.contains(&"history".to_string()));
    assert_eq!(slugs(&s).last(), Some(&"contact"));
}

#[tokio::test]
async fn page_content_keeps_locked_blocks_ids_and_variants() {
    let structure = plan(structure_context(
        "Acme",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    ))
    .await;
    let context = structure_context(
        "Acme",
        BRIEFS[0],
        option_named(OptionKind::BusinessType, "Restaurant & Café"),
        &[],
    );
    let mut page = page_context(&structure, "home", &context);
    page["page"]["blocks"] = json!([
        {"type": "hero", "id": "b1", "variant": "split", "data": {"heading": "Old"}},
        {"type": "text", "id": "b2", "locked": true, "data": {"body": "Keep me exactly."}},
        {"type": "pricing", "data": {"plans": ["host type, kept as is"]}},
        {"type": "faq", "data": {"items": [{"question": "Q", "answer": "A"}]}}
    ]);
    let content = answer(PAGE, page).await;
    let blocks = content["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 4);
    assert_eq!(blocks[0]["id"], "b1");
    assert_eq!(blocks[0]["variant"], "split");
    assert_ne!(blocks[0]["data"]["heading"], "Old");
    assert_eq!(
        blocks[1],
        json!({"type": "text", "id": "b2", "locked": true, "data": {"body": "Keep me exactly."}})
    );
    assert_eq!(blocks[2]["data"]["plans"][0], "host type, kept as is");
    assert!(blocks[3]["data"]["items"].as_array().expect("faq").len() >= 3);

    let mut empty = page_context(&structure, "contact", &context);
    empty["page"]["blocks"] = json!([]);
    let content = answer(PAGE, empty).await;
    let checked = validate_page_content(&content, &BlockCatalogue::default(), &Limits::default())
        .expect("valid");
    assert!(
        checked.blocks.iter().any(|b| b.block_type == "form"),
        "a contact page gets a form"
    );
}

#[tokio::test]
async fn declarative_functions_get_a_schema_instance_and_others_an_error() {
    let planner = OfflinePlanner::new();
    let mut req = request("keyword_clustering", json!({}));
    req.function_name = "cluster_keywords".into();
    let err = planner.complete(&req).await.expect_err("no schema");
    assert_eq!(err.code(), "configuration");
    assert!(
        err.to_string().contains("cluster_keywords") && err.to_string().contains("output schema"),
        "{err}"
    );

    req.output_schema = Some(OutputSchema {
        name: "clusters".into(),
        description: None,
        schema: std::sync::Arc::new(
            json!({"type": "object", "additionalProperties": false, "required": ["clusters"], "properties": {
            "clusters": {"type": "array", "items": {"type": "object", "required": ["name", "keywords"], "properties": {
                "name": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}}}}}}}),
        ),
    });
    let completion = planner.complete(&req).await.expect("instance");
    assert_eq!(
        completion.content,
        r#"{"clusters":[{"keywords":["Keyword"],"name":"Name"}]}"#
    );
}

#[tokio::test]
async fn completion_metadata_is_honest() {
    let planner = OfflinePlanner::new();
    assert_eq!(planner.label(), "offline");
    assert!(planner.is_offline());
    assert_eq!(
        planner.health_check().await.expect("healthy"),
        "offline planner: no network needed"
    );
    let req = request(
        STRUCTURE,
        structure_context("Acme", BRIEFS[0], Value::Null, &[]),
    );
    let c = planner.complete(&req).await.expect("answer");
    assert_eq!(
        (c.provider.as_str(), c.model.as_str(), c.cost_usd, c.retries),
        ("offline", "offline-planner-1", 0.0, 0)
    );
    let prompt_chars: usize = req.messages.iter().map(|m| m.content.chars().count()).sum();
    assert_eq!(c.usage.prompt_tokens, prompt_chars.div_ceil(4) as u64);
    assert_eq!(
        c.usage.completion_tokens,
        c.content.chars().count().div_ceil(4) as u64
    );
}

#[tokio::test]
async fn a_business_type_the_brief_contradicts_is_set_aside_with_a_note() {
    let brief = "Family bakery in Porto selling bread and cakes";
    let saas = option_named(OptionKind::BusinessType, "B2B SaaS Platform");
    let value = answer(
        STRUCTURE,
        structure_context("Porto Bakery", brief, saas.clone(), &[]),
    )
    .await;
    let note = value["notes"][0].as_str().expect("a note");
    assert!(
        note.contains("B2B SaaS Platform") && note.contains("follow the brief"),
        "{note}"
    );
    let s = plan(structure_context("Porto Bakery", brief, saas, &[])).await;
    assert!(slugs(&s).contains(&"products"), "{:?}", slugs(&s));
    for software in ["features", "integrations", "pricing", "demo"] {
        assert!(!slugs(&s).contains(&software), "{:?}", slugs(&s));
    }
    // A type the brief bears out is followed, without a note.
    let cafe = answer(
        STRUCTURE,
        structure_context(
            "Casa Lupa",
            "A family café in Porto serving brunch and coffee.",
            option_named(OptionKind::BusinessType, "Restaurant & Café"),
            &[],
        ),
    )
    .await;
    assert!(cafe.get("notes").is_none(), "{}", cafe["notes"]);
}

#[tokio::test]
async fn goals_decide_pages_and_buttons() {
    let trade = plan(structure_context(
        "Leeds Plumbing",
        "Leeds Plumbing fixes leaks and boilers in Leeds. Customers call us on 0113 496 0000.",
        Value::Null,
        &[],
    ))
    .await;
    assert!(!slugs(&trade).contains(&"quote"), "{:?}", slugs(&trade));
    for page in trade.pages.iter().filter(|p| p.slug != "contact") {
        assert_eq!(page.primary_cta, "Call us", "/{}", page.slug);
        let hero = &page.blocks[0].data;
        assert_eq!(hero["cta"]["href"], "tel:01134960000", "/{}", page.slug);
    }
    let bakery = plan(structure_context(
        "Pão Quente",
        "A bakery in Porto taking cake pre-orders and catering enquiries.",
        Value::Null,
        &[],
    ))
    .await;
    for slug in ["order", "catering"] {
        let page = bakery
            .pages
            .iter()
            .find(|p| p.slug == slug)
            .unwrap_or_else(|| panic!("no {slug} page: {:?}", slugs(&bakery)));
        assert!(page.blocks.iter().any(|b| b.block_type == "form"), "{slug}");
    }
    assert_eq!(bakery.pages[0].primary_cta, "Order ahead");
    assert!(
        !all_text(&serde_json::to_value(&bakery.pages).expect("json")).contains("book a table")
    );
}
