//! Page blueprints: CRUD, order, slug rules, reordering, cascade on blueprint delete.

use serde_json::json;
use sitebuilder::model::{Block, NewPage, PagePatch, PageStatus, PageType};

use super::{A, Store, blueprint, expect_err, expect_not_found, new_page, pages, scope_a};

pub async fn page_crud_and_order(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let home = store
        .create_page(&scope, bp.id, new_page("home", PageType::Home))
        .await
        .expect("create home");
    assert!(home.id > 0);
    assert_eq!(home.site_blueprint_id, bp.id);
    assert_eq!(home.account_id, A);
    assert_eq!((home.site_id, home.sector_id), (bp.site_id, bp.sector_id));
    assert_eq!(home.slug, "home");
    assert_eq!(home.title, "Title of home");
    assert_eq!(home.page_type, PageType::Home);
    assert_eq!(home.status, PageStatus::Draft);
    assert_eq!(home.order, 0, "the first page gets order 0");
    assert!(home.updated_at >= home.created_at);
    assert_eq!(store.get_page(&scope, home.id).await.expect("get"), home);

    let about = store
        .create_page(&scope, bp.id, new_page("about", PageType::About))
        .await
        .expect("create about");
    assert_eq!(about.order, 1, "a page without order goes after the last");
    let mut explicit = new_page("contact", PageType::Contact);
    explicit.order = Some(10);
    let contact = store
        .create_page(&scope, bp.id, explicit)
        .await
        .expect("create contact");
    assert_eq!(contact.order, 10);
    let blog = store
        .create_page(&scope, bp.id, new_page("blog", PageType::Blog))
        .await
        .expect("create blog");
    assert_eq!(blog.order, 11, "max order + 1");
    // Same order as `about`: ties are broken by id.
    let mut tie = new_page("team", PageType::Custom);
    tie.order = Some(1);
    let team = store
        .create_page(&scope, bp.id, tie)
        .await
        .expect("create team");

    let listed = store.list_pages(&scope, bp.id).await.expect("list");
    assert_eq!(
        listed.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![home.id, about.id, team.id, contact.id, blog.id]
    );
    assert_eq!(listed[0], home);

    // Blocks keep every field through a round trip.
    let mut locked = Block::new(
        "faq",
        json!({"items": [{"q": "Why?", "a": "Because."}], "n": 1.5}),
    );
    locked.id = Some("blk-1".into());
    locked.variant = Some("compact".into());
    locked.locked = true;
    let patch = PagePatch {
        slug: Some("about-us".into()),
        title: Some("About us".into()),
        page_type: Some(PageType::Custom),
        blocks: Some(vec![locked.clone(), Block::new("cta", json!({}))]),
        status: Some(PageStatus::Ready),
        order: Some(5),
    };
    let updated = store
        .update_page(&scope, about.id, patch)
        .await
        .expect("update");
    assert_eq!(updated.slug, "about-us");
    assert_eq!(updated.title, "About us");
    assert_eq!(updated.page_type, PageType::Custom);
    assert_eq!(updated.blocks, vec![locked, Block::new("cta", json!({}))]);
    assert_eq!(updated.status, PageStatus::Ready);
    assert_eq!(updated.order, 5);
    assert_eq!(updated.created_at, about.created_at);
    assert!(updated.updated_at >= about.updated_at);
    assert_eq!(
        store.get_page(&scope, about.id).await.expect("get"),
        updated
    );
    let same = store
        .update_page(&scope, about.id, PagePatch::default())
        .await
        .expect("empty patch");
    assert_eq!((same.slug.as_str(), same.order), ("about-us", 5));

    store.delete_page(&scope, team.id).await.expect("delete");
    expect_not_found(store.get_page(&scope, team.id).await, "page_blueprint");
    expect_not_found(store.delete_page(&scope, team.id).await, "page_blueprint");
    expect_not_found(
        store
            .update_page(&scope, team.id, PagePatch::default())
            .await,
        "page_blueprint",
    );
    assert_eq!(
        store.list_pages(&scope, bp.id).await.expect("list").len(),
        4
    );

    // Pages of a missing blueprint.
    expect_not_found(
        store.list_pages(&scope, 987_654_321).await,
        "site_blueprint",
    );
    expect_not_found(
        store
            .create_page(&scope, 987_654_321, new_page("x", PageType::Custom))
            .await,
        "site_blueprint",
    );
}

pub async fn page_slug_rules(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let other = blueprint(&store, &scope, "other").await;
    let created = pages(&store, &scope, bp.id, &["home", "about"]).await;

    for bad in ["", "About", "a b", "a/b", "café", "under_score"] {
        let err = expect_err(
            store
                .create_page(&scope, bp.id, new_page(bad, PageType::Custom))
                .await,
            "invalid_input",
        );
        assert!(
            err.to_string().contains(&format!("{bad:?}")),
            "error names the slug: {err}"
        );
        let patch = PagePatch {
            slug: Some(bad.to_string()),
            ..PagePatch::default()
        };
        expect_err(
            store.update_page(&scope, created[1].id, patch).await,
            "invalid_input",
        );
    }
    let long = "a".repeat(256);
    expect_err(
        store
            .create_page(&scope, bp.id, new_page(&long, PageType::Custom))
            .await,
        "invalid_input",
    );
    let max = "a".repeat(255);
    let mut longest = new_page(&max, PageType::Custom);
    longest.title = "Longest slug".into();
    store
        .create_page(&scope, bp.id, longest)
        .await
        .expect("255 characters are allowed");

    let err = expect_err(
        store
            .create_page(&scope, bp.id, new_page("home", PageType::Custom))
            .await,
        "conflict",
    );
    assert!(err.to_string().contains("home"), "{err}");
    let patch = PagePatch {
        slug: Some("home".into()),
        ..PagePatch::default()
    };
    expect_err(
        store.update_page(&scope, created[1].id, patch).await,
        "conflict",
    );
    // A page may keep its own slug, and another blueprint may use the same slug.
    let patch = PagePatch {
        slug: Some("about".into()),
        title: Some("Still about".into()),
        ..PagePatch::default()
    };
    store
        .update_page(&scope, created[1].id, patch)
        .await
        .expect("same slug");
    store
        .create_page(&scope, other.id, new_page("home", PageType::Home))
        .await
        .expect("the same slug in another blueprint");

    // Rejected writes changed nothing.
    let listed = store.list_pages(&scope, bp.id).await.expect("list");
    assert_eq!(
        listed.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
        vec!["home", "about", max.as_str()]
    );
    assert_eq!(listed[0], created[0]);
    assert_eq!(listed[1].title, "Still about");
}

pub async fn reorder_pages_needs_every_page_once(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "site").await;
    let other = blueprint(&store, &scope, "other").await;
    let ps = pages(
        &store,
        &scope,
        bp.id,
        &["home", "about", "services", "contact"],
    )
    .await;
    let foreign = pages(&store, &scope, other.id, &["elsewhere"]).await;
    let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();

    let reversed: Vec<i64> = ids.iter().rev().copied().collect();
    let out = store
        .reorder_pages(&scope, bp.id, &reversed)
        .await
        .expect("reorder");
    assert_eq!(out.iter().map(|p| p.id).collect::<Vec<_>>(), reversed);
    assert_eq!(
        out.iter().map(|p| p.order).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );
    assert_eq!(store.list_pages(&scope, bp.id).await.expect("list"), out);
    let before = out;

    let bad: Vec<Vec<i64>> = vec![
        ids[..3].to_vec(),                            // one missing
        [ids.clone(), vec![foreign[0].id]].concat(),  // one extra (another blueprint's)
        vec![ids[0], ids[1], ids[2], foreign[0].id],  // one swapped for a foreign page
        vec![ids[0], ids[0], ids[1], ids[2], ids[3]], // a duplicate
        vec![ids[0], ids[1], ids[2], 987_654_321],    // an unknown id
        vec![],
    ];
    for case in bad {
        expect_err(
            store.reorder_pages(&scope, bp.id, &case).await,
            "invalid_input",
        );
        assert_eq!(
            store.list_pages(&scope, bp.id).await.expect("list"),
            before,
            "rejected {case:?} changed pages"
        );
    }
    assert_eq!(
        store.list_pages(&scope, other.id).await.expect("list"),
        foreign
    );
    expect_not_found(
        store.reorder_pages(&scope, 987_654_321, &ids).await,
        "site_blueprint",
    );

    // A blueprint without pages accepts the empty list.
    let empty = blueprint(&store, &scope, "empty").await;
    assert!(
        store
            .reorder_pages(&scope, empty.id, &[])
            .await
            .expect("empty reorder")
            .is_empty()
    );
}

pub async fn delete_blueprint_deletes_pages(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "gone").await;
    let kept = blueprint(&store, &scope, "kept").await;
    let ps = pages(&store, &scope, bp.id, &["home", "about"]).await;
    let kept_pages = pages(&store, &scope, kept.id, &["home"]).await;
    store.delete_blueprint(&scope, bp.id).await.expect("delete");
    for p in ps {
        expect_not_found(store.get_page(&scope, p.id).await, "page_blueprint");
    }
    expect_not_found(store.list_pages(&scope, bp.id).await, "site_blueprint");
    assert_eq!(
        store.list_pages(&scope, kept.id).await.expect("list"),
        kept_pages
    );
    // The slug is free again in a new blueprint (no orphan rows hold it).
    let again = blueprint(&store, &scope, "again").await;
    store
        .create_page(
            &scope,
            again.id,
            NewPage {
                slug: "home".into(),
                ..NewPage::default()
            },
        )
        .await
        .expect("create");
}
