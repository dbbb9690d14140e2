//! Tenant isolation: another account (or a narrower scope) never sees, changes or deletes a row.

use sitebuilder::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, PagePatch, PageStatus, PageType, Scope,
};
use sitebuilder::store::{SavePageContent, SaveStructure};

use super::{
    A, B, Store, blueprint, expect_not_found, new_page, pages, scope_a, scope_b, snapshot,
    structure, structure_pages,
};

/// Every blueprint and page call of `intruder` on `bp` / `page_ids` is NotFound.
async fn assert_blind(store: &Store, intruder: &Scope, bp: i64, page_ids: &[i64]) {
    let bps = "site_blueprint";
    expect_not_found(store.get_blueprint(intruder, bp).await, bps);
    let patch = BlueprintPatch {
        name: Some("hijacked".into()),
        status: Some(BlueprintStatus::Deployed),
        ..BlueprintPatch::default()
    };
    expect_not_found(store.update_blueprint(intruder, bp, patch).await, bps);
    expect_not_found(store.begin_generation(intruder, bp).await, bps);
    expect_not_found(store.list_pages(intruder, bp).await, bps);
    expect_not_found(store.reorder_pages(intruder, bp, page_ids).await, bps);
    expect_not_found(
        store
            .create_page(intruder, bp, new_page("intruder", PageType::Custom))
            .await,
        bps,
    );
    let save = SaveStructure {
        structure: structure("hijack", &["home"]),
        pages: structure_pages("hijack", &["home"]),
        status: BlueprintStatus::Ready,
        capture: None,
        locks: None,
        base_version: None,
    };
    expect_not_found(store.save_structure(intruder, bp, save).await, bps);
    expect_not_found(store.delete_blueprint(intruder, bp).await, bps);
    let listed = store
        .list_blueprints(intruder, BlueprintQuery::default())
        .await
        .expect("list");
    assert!(
        listed.items.iter().all(|b| b.id != bp),
        "listed another scope's blueprint"
    );

    let pgs = "page_blueprint";
    for &id in page_ids {
        expect_not_found(store.get_page(intruder, id).await, pgs);
        let patch = PagePatch {
            title: Some("hijacked".into()),
            slug: Some("hijacked".into()),
            ..PagePatch::default()
        };
        expect_not_found(store.update_page(intruder, id, patch).await, pgs);
        let content = SavePageContent {
            blocks: vec![],
            seo: None,
            status: PageStatus::Failed,
            capture: None,
            base_blocks: None,
            base_version: None,
            operation: None,
        };
        expect_not_found(store.save_page_content(intruder, id, content).await, pgs);
        expect_not_found(store.delete_page(intruder, id).await, pgs);
    }
}

pub async fn tenant_isolation_blueprints(store: Store) {
    let a = scope_a();
    let bp = blueprint(&store, &a, "A's site").await;
    let ps = pages(&store, &a, bp.id, &["home", "about"]).await;
    let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
    let before = snapshot(&store, &a, bp.id).await;

    // B with its own site, B with A's site and sector ids, B with the account only.
    let b_own = scope_b();
    let b_same_site = Scope::account(B).with_site(11).with_sector(111);
    for intruder in [b_own, b_same_site, Scope::account(B)] {
        assert_blind(&store, &intruder, bp.id, &ids).await;
    }
    assert_eq!(
        snapshot(&store, &a, bp.id).await,
        before,
        "A's data changed"
    );
    // B's own rows are independent of A's.
    let b_bp = blueprint(&store, &b_own, "B's site").await;
    let b_pages = pages(&store, &b_own, b_bp.id, &["home"]).await;
    assert_blind(&store, &a, b_bp.id, &[b_pages[0].id]).await;
    let a_list = store
        .list_blueprints(&Scope::account(A), BlueprintQuery::default())
        .await
        .expect("list");
    assert_eq!(a_list.items, vec![before.0.clone()]);
    let b_list = store
        .list_blueprints(&Scope::account(B), BlueprintQuery::default())
        .await
        .expect("list");
    assert_eq!(
        b_list.items.iter().map(|b| b.id).collect::<Vec<_>>(),
        vec![b_bp.id]
    );
    assert_eq!(
        snapshot(&store, &a, bp.id).await,
        before,
        "A's data changed"
    );
}

pub async fn tenant_isolation_pages(store: Store) {
    // A page id of A passed along with B's own blueprint id must not leak either.
    let a = scope_a();
    let b = scope_b();
    let a_bp = blueprint(&store, &a, "A").await;
    let a_pages = pages(&store, &a, a_bp.id, &["home", "about"]).await;
    let b_bp = blueprint(&store, &b, "B").await;
    let b_pages = pages(&store, &b, b_bp.id, &["home"]).await;
    let a_before = snapshot(&store, &a, a_bp.id).await;
    let b_before = snapshot(&store, &b, b_bp.id).await;

    // Reordering B's blueprint with A's page ids is rejected and touches neither.
    let mixed = [b_pages[0].id, a_pages[0].id];
    let err = store
        .reorder_pages(&b, b_bp.id, &mixed)
        .await
        .expect_err("foreign page ids");
    assert!(matches!(err.code(), "invalid_input" | "not_found"), "{err}");
    let only_a = [a_pages[0].id];
    let err = store
        .reorder_pages(&b, b_bp.id, &only_a)
        .await
        .expect_err("foreign page ids");
    assert!(matches!(err.code(), "invalid_input" | "not_found"), "{err}");
    assert_eq!(
        snapshot(&store, &b, b_bp.id).await,
        b_before,
        "a rejected reorder changed B's pages"
    );
    assert_eq!(
        snapshot(&store, &a, a_bp.id).await,
        a_before,
        "B's reorder changed A's pages"
    );
    // Saving B's structure never touches A's pages with the same slugs.
    let saved = store
        .save_structure(
            &b,
            b_bp.id,
            SaveStructure {
                structure: structure("B2", &["home", "about"]),
                pages: structure_pages("B2", &["home", "about"]),
                status: BlueprintStatus::Ready,
                capture: None,
                locks: None,
                base_version: None,
            },
        )
        .await
        .expect("B saves its structure");
    assert!(
        saved
            .pages
            .iter()
            .all(|p| p.account_id == B && p.site_blueprint_id == b_bp.id)
    );
    assert_eq!(saved.pages[0].id, b_before.1[0].id);
    assert!(
        a_pages
            .iter()
            .all(|p| saved.pages.iter().all(|s| s.id != p.id))
    );
    assert_eq!(
        snapshot(&store, &a, a_bp.id).await,
        a_before,
        "A's data changed"
    );
}

pub async fn tenant_isolation_site_and_sector(store: Store) {
    let a = scope_a(); // account A, site 11, sector 111
    let bp = blueprint(&store, &a, "A").await;
    let ps = pages(&store, &a, bp.id, &["home"]).await;
    let ids = [ps[0].id];
    let before = snapshot(&store, &a, bp.id).await;
    // The same account through another site or sector sees nothing.
    for narrower in [
        Scope::account(A).with_site(12),
        Scope::account(A).with_sector(112),
        Scope::account(A).with_site(11).with_sector(112),
    ] {
        assert_blind(&store, &narrower, bp.id, &ids).await;
    }
    assert_eq!(snapshot(&store, &a, bp.id).await, before);
    // Matching or unset site/sector see it.
    for wider in [
        Scope::account(A),
        Scope::account(A).with_site(11),
        Scope::account(A).with_sector(111),
    ] {
        assert_eq!(
            store.get_blueprint(&wider, bp.id).await.expect("get"),
            before.0
        );
        assert_eq!(
            store.get_page(&wider, ids[0]).await.expect("get"),
            before.1[0]
        );
    }
}
