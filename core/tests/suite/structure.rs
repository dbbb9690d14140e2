//! Saving generated structures and page content: upserts, atomicity, credit capture.

use serde_json::json;
use sitebuilder::credits::{HoldOutcome, TransactionType};
use sitebuilder::model::{Block, BlueprintStatus, PageStatus, PageType, Seo, SiteStructure};
use sitebuilder::store::{SavePageContent, SaveStructure};

use super::{
    A, Store, assert_ledger_consistent, blueprint, capture, expect_err, expect_not_found, grant,
    pages, scope_a, snapshot, structure, structure_pages,
};

fn save(name: &str, slugs: &[&str]) -> SaveStructure {
    SaveStructure {
        structure: structure(name, slugs),
        pages: structure_pages(name, slugs),
        status: BlueprintStatus::Ready,
        capture: None,
        locks: None,
        base_version: None,
    }
}

pub async fn save_structure_upserts_by_slug(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let old = pages(&store, &scope, bp.id, &["home", "about", "old-news"]).await;
    // Every page write is a version of its own (the blueprint's history).
    let v0 = store
        .get_blueprint(&scope, bp.id)
        .await
        .expect("get")
        .version;
    assert_eq!(v0, 4, "three page creates after version 1");
    store.begin_generation(&scope, bp.id).await.expect("begin");

    let first = save("v2", &["home", "services", "about"]);
    let saved = store
        .save_structure(&scope, bp.id, first.clone())
        .await
        .expect("save");
    let b = &saved.blueprint;
    assert_eq!(b.id, bp.id);
    assert_eq!(b.version, v0 + 1, "version += 1");
    assert_eq!(b.status, BlueprintStatus::Ready);
    assert_eq!(b.structure_json, first.structure.to_value());
    assert_eq!(
        SiteStructure::from_stored(&b.structure_json).expect("parse"),
        Some(first.structure.clone())
    );
    assert_eq!(
        (b.name.as_str(), b.created_at),
        (bp.name.as_str(), bp.created_at)
    );
    assert!(b.updated_at >= bp.updated_at);

    let slugs: Vec<&str> = saved.pages.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, vec!["home", "services", "about"]);
    assert_eq!(
        saved.pages.iter().map(|p| p.order).collect::<Vec<_>>(),
        vec![0, 1, 2],
        "order = index"
    );
    assert_eq!(saved.pages[0].id, old[0].id, "kept slug keeps its id");
    assert_eq!(saved.pages[2].id, old[1].id, "kept slug keeps its id");
    assert_eq!(saved.pages[0].created_at, old[0].created_at);
    assert!(
        old.iter().all(|p| p.id != saved.pages[1].id),
        "new slug, new page"
    );
    for (p, new) in saved.pages.iter().zip(&first.pages) {
        assert_eq!(p.title, new.title);
        assert_eq!(p.page_type, new.page_type);
        assert_eq!(p.blocks, new.blocks);
        assert_eq!(p.status, PageStatus::Ready);
        assert_eq!(p.site_blueprint_id, bp.id);
        assert_eq!(
            (p.account_id, p.site_id, p.sector_id),
            (A, bp.site_id, bp.sector_id)
        );
    }
    expect_not_found(store.get_page(&scope, old[2].id).await, "page_blueprint");
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        (saved.blueprint.clone(), saved.pages.clone())
    );

    // A second save: explicit orders win, absent pages go, version bumps again.
    let mut second = save("v3", &["about", "home", "contact"]);
    second.pages[0].order = Some(7);
    second.pages[2].page_type = PageType::Contact;
    let saved3 = store
        .save_structure(&scope, bp.id, second.clone())
        .await
        .expect("save again");
    assert_eq!(saved3.blueprint.version, v0 + 2);
    let got: Vec<(&str, i32, i64)> = saved3
        .pages
        .iter()
        .map(|p| (p.slug.as_str(), p.order, p.id))
        .collect();
    let contact_id = saved3.pages[1].id;
    assert_eq!(
        got,
        vec![
            ("home", 1, old[0].id),
            ("contact", 2, contact_id),
            ("about", 7, old[1].id)
        ]
    );
    assert_eq!(saved3.pages[1].page_type, PageType::Contact);
    expect_not_found(
        store.get_page(&scope, saved.pages[1].id).await,
        "page_blueprint",
    );
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        (saved3.blueprint.clone(), saved3.pages.clone())
    );

    // An empty structure removes every page.
    let emptied = store
        .save_structure(&scope, bp.id, save("v4", &[]))
        .await
        .expect("empty");
    assert!(emptied.pages.is_empty());
    assert_eq!(emptied.blueprint.version, v0 + 3);
    assert!(
        store
            .list_pages(&scope, bp.id)
            .await
            .expect("list")
            .is_empty()
    );
    expect_not_found(
        store
            .save_structure(&scope, 987_654_321, save("x", &["home"]))
            .await,
        "site_blueprint",
    );
}

pub async fn save_structure_is_atomic(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    store
        .save_structure(&scope, bp.id, save("v2", &["home", "about", "contact"]))
        .await
        .expect("first save");
    let before = snapshot(&store, &scope, bp.id).await;
    grant(&store, A, 100).await;
    let ledger_before = store.list_transactions(A).await.expect("ledger");

    // Two pages whose slugs collide after the first write (an update of `home`) would succeed.
    let mut dup = save("bad", &["home", "services", "home"]);
    dup.pages[2].title = "Second home".into();
    let err = expect_err(
        store.save_structure(&scope, bp.id, dup).await,
        "invalid_input",
    );
    assert!(
        err.to_string().contains("\"home\""),
        "error names the slug: {err}"
    );
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        before,
        "duplicate slugs changed something"
    );

    // An invalid slug at the very end, after valid upserts and a deletion.
    let err = expect_err(
        store
            .save_structure(
                &scope,
                bp.id,
                save("bad", &["home", "new-page", "Bad Slug"]),
            )
            .await,
        "invalid_input",
    );
    assert!(
        err.to_string().contains("Bad Slug"),
        "error names the slug: {err}"
    );
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        before,
        "an invalid slug changed something"
    );

    // A capture without a live hold fails the whole save.
    let mut no_hold = save("bad", &["home", "pricing"]);
    no_hold.capture = Some(capture("task-without-hold", 50));
    let err = expect_err(
        store.save_structure(&scope, bp.id, no_hold).await,
        "conflict",
    );
    assert!(err.to_string().contains("task-without-hold"), "{err}");
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        before,
        "a failed capture changed something"
    );

    // A released hold is no live hold either.
    store
        .hold_credits(A, 50, "task-released", "hold")
        .await
        .expect("hold");
    assert!(
        store
            .release_credits(A, "task-released")
            .await
            .expect("release")
    );
    let ledger_mid = store.list_transactions(A).await.expect("ledger");
    let mut released = save("bad", &["home"]);
    released.capture = Some(capture("task-released", 50));
    expect_err(
        store.save_structure(&scope, bp.id, released).await,
        "conflict",
    );
    assert_eq!(snapshot(&store, &scope, bp.id).await, before);
    assert_eq!(
        store.list_transactions(A).await.expect("ledger"),
        ledger_mid,
        "no ledger rows on failure"
    );
    assert!(store.list_usage(A).await.expect("usage").is_empty());
    assert_eq!(ledger_mid.len(), ledger_before.len() + 2);
    assert_eq!(assert_ledger_consistent(&store, A).await, 100);

    // And the blueprint still accepts a good save afterwards.
    let ok = store
        .save_structure(&scope, bp.id, save("v3", &["home"]))
        .await
        .expect("good save");
    assert_eq!(ok.blueprint.version, before.0.version + 1);
}

pub async fn save_structure_captures_credits(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    grant(&store, A, 120).await;
    let held = store
        .hold_credits(A, 50, "task-1", "structure generation")
        .await
        .expect("hold");
    assert_eq!(
        held,
        HoldOutcome::Held {
            amount: 50,
            balance_after: 70
        }
    );

    let mut with_capture = save("v2", &["home", "about"]);
    with_capture.capture = Some(capture("task-1", 50));
    let saved = store
        .save_structure(&scope, bp.id, with_capture.clone())
        .await
        .expect("save");
    assert_eq!(saved.blueprint.version, 2);
    assert_eq!(assert_ledger_consistent(&store, A).await, 70);
    let txs = store.list_transactions(A).await.expect("ledger");
    let kinds: Vec<(TransactionType, i64)> =
        txs.iter().map(|t| (t.transaction_type, t.amount)).collect();
    assert_eq!(
        kinds,
        vec![
            (TransactionType::Purchase, 120),
            (TransactionType::Hold, -50),
            (TransactionType::Release, 50),
            (TransactionType::Deduction, -50),
        ]
    );
    assert!(
        txs[1..]
            .iter()
            .all(|t| t.reference.as_deref() == Some("task-1"))
    );
    assert_eq!(txs[3].description, "structure generation task-1");
    let usage = store.list_usage(A).await.expect("usage");
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].account_id, A);
    assert_eq!(usage[0].usage, capture("task-1", 50).usage);

    // A retried save of the same task is not charged again.
    let again = store
        .save_structure(&scope, bp.id, with_capture)
        .await
        .expect("retried save");
    assert_eq!(again.blueprint.version, 3);
    assert_eq!(store.list_transactions(A).await.expect("ledger"), txs);
    assert_eq!(store.list_usage(A).await.expect("usage").len(), 1);
    assert_eq!(
        store
            .hold_credits(A, 50, "task-1", "retry")
            .await
            .expect("hold"),
        HoldOutcome::AlreadyCaptured
    );
    assert_eq!(assert_ledger_consistent(&store, A).await, 70);
}

fn content(heading: &str, seo: Option<Seo>) -> SavePageContent {
    SavePageContent {
        blocks: vec![
            Block::new("hero", json!({"heading": heading})),
            Block::new(
                "features",
                json!({"items": [{"title": "Fast"}, {"title": "Fresh"}]}),
            ),
        ],
        seo,
        status: PageStatus::Ready,
        capture: None,
        base_blocks: None,
        base_version: None,
        operation: None,
    }
}

pub async fn save_page_content_writes_page_and_seo(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let saved = store
        .save_structure(&scope, bp.id, save("v2", &["home", "about", "contact"]))
        .await
        .expect("save");
    let about = saved.pages[1].clone();
    let seo = Seo {
        meta_title: "About the bakery".into(),
        meta_description: "Three generations of bread.".into(),
    };
    grant(&store, A, 20).await;
    store
        .hold_credits(A, 20, "page-task", "page")
        .await
        .expect("hold");
    let mut c = content("About us", Some(seo.clone()));
    c.capture = Some(capture("page-task", 20));
    let page = store
        .save_page_content(&scope, about.id, c.clone())
        .await
        .expect("save content");
    assert_eq!(page.id, about.id);
    assert_eq!(page.blocks, c.blocks);
    assert_eq!(page.status, PageStatus::Ready);
    assert_eq!(
        (page.slug.as_str(), page.title.as_str(), page.order),
        ("about", about.title.as_str(), about.order)
    );
    assert!(page.updated_at >= about.updated_at);
    assert_eq!(store.get_page(&scope, about.id).await.expect("get"), page);

    let after = store.get_blueprint(&scope, bp.id).await.expect("get");
    let mut expected = saved.blueprint.structure_json.clone();
    expected["pages"][1]["seo"] = serde_json::to_value(&seo).expect("seo json");
    assert_eq!(
        after.structure_json, expected,
        "only pages[about].seo changed"
    );
    assert_eq!(
        after.version,
        saved.blueprint.version + 1,
        "page content is a new version of the blueprint (its history records it)"
    );
    assert_eq!(assert_ledger_consistent(&store, A).await, 0);
    assert_eq!(store.list_usage(A).await.expect("usage").len(), 1);

    // Without seo the structure is left alone; other pages are untouched.
    let home = saved.pages[0].clone();
    store
        .save_page_content(&scope, home.id, content("Welcome", None))
        .await
        .expect("save without seo");
    assert_eq!(
        store
            .get_blueprint(&scope, bp.id)
            .await
            .expect("get")
            .structure_json,
        expected
    );
    assert_eq!(
        store
            .get_page(&scope, saved.pages[2].id)
            .await
            .expect("get"),
        saved.pages[2]
    );

    // A page whose slug is not in the structure still gets its content.
    let extra = store
        .create_page(&scope, bp.id, super::new_page("extra", PageType::Custom))
        .await
        .expect("create");
    let p = store
        .save_page_content(&scope, extra.id, content("Extra", Some(seo)))
        .await
        .expect("save");
    assert_eq!(p.blocks[0].data["heading"], "Extra");
    assert_eq!(
        store
            .get_blueprint(&scope, bp.id)
            .await
            .expect("get")
            .structure_json,
        expected
    );
    expect_not_found(
        store
            .save_page_content(&scope, 987_654_321, content("x", None))
            .await,
        "page_blueprint",
    );
}

pub async fn save_page_content_is_atomic(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let saved = store
        .save_structure(&scope, bp.id, save("v2", &["home", "about"]))
        .await
        .expect("save");
    let before = snapshot(&store, &scope, bp.id).await;
    let mut c = content(
        "never saved",
        Some(Seo {
            meta_title: "never".into(),
            meta_description: "never".into(),
        }),
    );
    c.capture = Some(capture("no-such-hold", 20));
    let err = expect_err(
        store
            .save_page_content(&scope, saved.pages[1].id, c.clone())
            .await,
        "conflict",
    );
    assert!(err.to_string().contains("no-such-hold"), "{err}");
    assert_eq!(
        snapshot(&store, &scope, bp.id).await,
        before,
        "a failed capture changed something"
    );
    assert!(store.list_transactions(A).await.expect("ledger").is_empty());
    assert!(store.list_usage(A).await.expect("usage").is_empty());

    // Captured once, then retried: content is written again but credits are not charged again.
    grant(&store, A, 20).await;
    store
        .hold_credits(A, 20, "page-task", "page")
        .await
        .expect("hold");
    c.capture = Some(capture("page-task", 20));
    store
        .save_page_content(&scope, saved.pages[1].id, c.clone())
        .await
        .expect("save");
    let ledger = store.list_transactions(A).await.expect("ledger");
    store
        .save_page_content(&scope, saved.pages[1].id, c)
        .await
        .expect("retried save");
    assert_eq!(store.list_transactions(A).await.expect("ledger"), ledger);
    assert_eq!(assert_ledger_consistent(&store, A).await, 0);
}
