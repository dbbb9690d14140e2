//! History, hand edits and no lost updates, on every backend: each case runs on memory, SQLite
//! and PostgreSQL (a fresh database each), through [`SiteBuilder`] as a host uses it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};
use sitebuilder::ai::provider::{Completion, CompletionRequest, OfflinePlanner, Provider};
use sitebuilder::model::{NewBlueprint, NewPage, PagePatch, PageType, Scope};
use sitebuilder::store::Storage;
use sitebuilder::{BlueprintEdit, Error, RunOptions, SiteBuilder};
use tokio::sync::Notify;

/// The offline planner, which can be told to wait for a signal before it answers, so a test can
/// land a hand edit while a generation is "talking to the model".
#[derive(Debug, Default)]
struct GatedPlanner {
    hold: AtomicBool,
    called: Notify,
    release: Notify,
}

#[async_trait]
impl Provider for GatedPlanner {
    fn label(&self) -> String {
        "offline".into()
    }
    fn is_offline(&self) -> bool {
        true
    }
    async fn complete(&self, request: &CompletionRequest) -> sitebuilder::Result<Completion> {
        if self.hold.load(Ordering::SeqCst) {
            let released = self.release.notified();
            self.called.notify_one();
            released.await;
        }
        OfflinePlanner::new().complete(request).await
    }
    async fn health_check(&self) -> sitebuilder::Result<String> {
        Ok("offline".into())
    }
}

struct Env {
    sb: SiteBuilder,
    planner: Arc<GatedPlanner>,
    scope: Scope,
    backend: common::TestStore,
}

async fn env(backend: &str, keep: u32) -> Env {
    let backend = common::open_backend(backend).await;
    let planner = Arc::new(GatedPlanner::default());
    let sb = SiteBuilder::builder()
        .storage(backend.store.clone())
        .provider_instance(planner.clone())
        .keep_versions(keep)
        .build()
        .await
        .expect("build");
    sb.grant_credits(7, 1000, "test credits")
        .await
        .expect("grant");
    Env {
        sb,
        planner,
        scope: Scope::account(7),
        backend,
    }
}

/// A blueprint with a generated structure (version 2).
async fn generated(e: &Env) -> i64 {
    let bp =
        e.sb.create_blueprint(
            &e.scope,
            NewBlueprint::new(
                "Forno Azul",
                "A family bakery in Porto selling sourdough and pastel de nata",
            ),
        )
        .await
        .expect("create");
    e.sb.generate_structure(&e.scope, bp.id, RunOptions::default())
        .await
        .expect("generate");
    bp.id
}

/// The first page with a hero block, and that block's index.
async fn hero(e: &Env, bp: i64) -> (i64, usize, Value) {
    let pages = e.sb.list_pages(&e.scope, bp).await.expect("pages");
    pages
        .iter()
        .find_map(|p| {
            p.blocks
                .iter()
                .position(|b| b.block_type == "hero")
                .map(|i| (p.id, i, p.blocks[i].data.clone()))
        })
        .expect("a page with a hero")
}

fn current_version(err: &Error) -> Option<i64> {
    serde_json::to_value(err).expect("error json")["current_version"].as_i64()
}

async fn block_edit_history_and_undo(backend: &str) {
    let e = env(backend, 50).await;
    let bp = generated(&e).await;
    let balance = e.sb.balance(7).await.expect("balance");
    let versions = e.sb.list_versions(&e.scope, bp, None).await.expect("list");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version, 2);
    assert_eq!(versions[0].operation, "generate_structure");
    assert_eq!(versions[0].credits, 50);
    assert_eq!(versions[0].actor, e.scope);

    let (page_id, index, data) = hero(&e, bp).await;
    let mut new_data = data.clone();
    new_data["heading"] = json!("Bread before sunrise");
    let saved =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(2),
            BlueprintEdit::UpdateBlockData {
                page_id,
                index,
                data: new_data.clone(),
            },
        )
        .await
        .expect("edit");
    assert_eq!(saved.blueprint.version, 3);
    let page = e.sb.get_page(&e.scope, page_id).await.expect("page");
    assert_eq!(page.blocks[index].data, new_data);

    // Bad data is refused naming the field, and changes nothing.
    let mut bad = data.clone();
    bad["heading"] = json!(42);
    let err =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(3),
            BlueprintEdit::UpdateBlockData {
                page_id,
                index,
                data: bad,
            },
        )
        .await
        .expect_err("a number is no heading");
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("edit.data.heading"), "{err}");

    let versions = e.sb.list_versions(&e.scope, bp, None).await.expect("list");
    let listed: Vec<(i32, &str)> = versions
        .iter()
        .map(|v| (v.version, v.operation.as_str()))
        .collect();
    assert_eq!(
        listed,
        [(3, "update_block_data"), (2, "generate_structure")]
    );
    let diff = e.sb.diff_versions(&e.scope, bp, 2, 3).await.expect("diff");
    assert!(diff.pages_added.is_empty() && diff.pages_removed.is_empty());
    assert_eq!(diff.pages_changed.len(), 1);
    assert_eq!(diff.pages_changed[0].blocks.len(), 1);
    assert_eq!(diff.pages_changed[0].blocks[0].index, index);
    assert_eq!(diff.pages_changed[0].blocks[0].change, "changed");

    // Undo: restore version 2, itself version 4, free.
    let restored =
        e.sb.restore_version(&e.scope, bp, 2, Some(3))
            .await
            .expect("restore");
    assert_eq!(restored.blueprint.version, 4);
    let page = e.sb.get_page(&e.scope, page_id).await.expect("page");
    assert_eq!(page.blocks[index].data, data, "the old heading is back");
    let v2 = e.sb.get_version(&e.scope, bp, 2).await.expect("v2");
    let v4 = e.sb.get_version(&e.scope, bp, 4).await.expect("v4");
    assert_eq!(v4.content.pages, v2.content.pages);
    assert_eq!(v4.summary.operation, "restore_version");
    assert_eq!(v4.summary.credits, 0);
    assert_eq!(
        e.sb.balance(7).await.expect("balance"),
        balance,
        "edits are free"
    );

    // Another account sees none of it.
    let other = Scope::account(8);
    assert_eq!(
        e.sb.list_versions(&other, bp, None)
            .await
            .expect_err("hidden")
            .code(),
        "not_found"
    );
    e.backend.finish().await;
}

async fn stale_edit_is_a_conflict_with_the_current_version(backend: &str) {
    let e = env(backend, 50).await;
    let bp = generated(&e).await;
    let (page_id, index, _) = hero(&e, bp).await;
    e.sb.edit_blueprint(
        &e.scope,
        bp,
        Some(2),
        BlueprintEdit::LockBlock { page_id, index },
    )
    .await
    .expect("lock");
    let before = e.sb.list_pages(&e.scope, bp).await.expect("pages");
    let err =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(2),
            BlueprintEdit::DeleteBlock { page_id, index },
        )
        .await
        .expect_err("based on version 2, which is gone");
    assert_eq!(err.code(), "conflict");
    assert_eq!(current_version(&err), Some(3));
    let err =
        e.sb.restore_version(&e.scope, bp, 2, Some(2))
            .await
            .expect_err("stale restore");
    assert_eq!(current_version(&err), Some(3));
    // The page operations take an expected version too, through the catalogue's generic path.
    for (name, request) in [
        (
            "update_page",
            json!({"page_id": page_id, "title": "Stale", "expected_version": 2}),
        ),
        (
            "delete_page",
            json!({"page_id": page_id, "expected_version": 2}),
        ),
        (
            "create_page",
            json!({"blueprint_id": bp, "slug": "late", "title": "Late", "expected_version": 2}),
        ),
        (
            "reorder_pages",
            json!({"blueprint_id": bp, "page_ids": [page_id], "expected_version": 2}),
        ),
    ] {
        let mut request = request;
        request["account_id"] = json!(7);
        let err = e.sb.call(name, request).await.expect_err(name);
        assert_eq!(err.code(), "conflict", "{name}: {err}");
        assert_eq!(current_version(&err), Some(3), "{name}");
    }
    assert_eq!(e.sb.list_pages(&e.scope, bp).await.expect("pages"), before);
    assert_eq!(
        e.sb.get_blueprint(&e.scope, bp).await.expect("bp").version,
        3
    );
    // With the current version they apply, each a new version.
    let renamed =
        e.sb.call(
            "update_page",
            json!({"account_id": 7, "page_id": page_id, "title": "Fresh", "expected_version": 3}),
        )
        .await
        .expect("update at the current version");
    assert_eq!(renamed["title"], "Fresh");
    let created = e
        .sb
        .call(
            "create_page",
            json!({"account_id": 7, "blueprint_id": bp, "slug": "late", "title": "Late", "expected_version": 4}),
        )
        .await
        .expect("create at the current version");
    e.sb.call(
        "delete_page",
        json!({"account_id": 7, "page_id": created["id"], "expected_version": 5}),
    )
    .await
    .expect("delete at the current version");
    let versions =
        e.sb.list_versions(&e.scope, bp, Some(3))
            .await
            .expect("list");
    assert_eq!(
        versions
            .iter()
            .map(|v| v.operation.as_str())
            .collect::<Vec<_>>(),
        ["delete_page", "create_page", "update_page"]
    );
    e.backend.finish().await;
}

async fn page_edits_follow_navigation_and_links(backend: &str) {
    let e = env(backend, 50).await;
    let bp = generated(&e).await;
    let pages = e.sb.list_pages(&e.scope, bp).await.expect("pages");
    let target = pages.last().expect("pages").clone();
    // A link to the last page from a new block on the first page.
    let first = pages[0].id;
    let link = format!("/{}#top", target.slug);
    let saved =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            None,
            BlueprintEdit::InsertBlock {
                page_id: first,
                index: Some(0),
                block: serde_json::from_value(json!({
                    "type": "hero",
                    "data": {"heading": "Visit", "cta": {"label": "Go", "href": link}},
                }))
                .expect("block"),
            },
        )
        .await
        .expect("insert");
    let v = saved.blueprint.version;
    let saved =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(v),
            BlueprintEdit::ChangeSlug {
                page_id: target.id,
                slug: "visit-us".into(),
            },
        )
        .await
        .expect("change slug");
    let first_page = saved.pages.iter().find(|p| p.id == first).expect("first");
    assert_eq!(first_page.blocks[0].data["cta"]["href"], "/visit-us#top");
    let structure = &saved.blueprint.structure_json;
    let nav: Vec<&str> = structure["site"]["primary_navigation"]
        .as_array()
        .expect("nav")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!nav.contains(&target.slug.as_str()), "{nav:?}");
    assert!(
        structure["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .any(|p| p["slug"] == "visit-us")
    );

    let saved =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(saved.blueprint.version),
            BlueprintEdit::AddPage {
                slug: "catering".into(),
                title: "Catering".into(),
                page_type: PageType::Services,
                blocks: vec![],
                position: None,
                in_navigation: true,
            },
        )
        .await
        .expect("add page");
    assert_eq!(saved.pages.last().expect("pages").slug, "catering");
    assert!(
        saved.blueprint.structure_json["site"]["primary_navigation"]
            .as_array()
            .expect("nav")
            .contains(&json!("catering"))
    );
    let mut ids: Vec<i64> = saved.pages.iter().map(|p| p.id).collect();
    ids.reverse();
    let saved =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(saved.blueprint.version),
            BlueprintEdit::ReorderPages {
                page_ids: ids.clone(),
            },
        )
        .await
        .expect("reorder");
    assert_eq!(saved.pages.iter().map(|p| p.id).collect::<Vec<_>>(), ids);
    let duplicate =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(saved.blueprint.version),
            BlueprintEdit::AddPage {
                slug: "catering".into(),
                title: "Again".into(),
                page_type: PageType::Custom,
                blocks: vec![],
                position: None,
                in_navigation: false,
            },
        )
        .await
        .expect_err("slug taken");
    assert_eq!(duplicate.code(), "conflict");
    e.backend.finish().await;
}

async fn retention_keeps_the_newest(backend: &str) {
    let e = env(backend, 3).await;
    let bp = generated(&e).await;
    let (page_id, index, _) = hero(&e, bp).await;
    for i in 0..4 {
        let edit = if i % 2 == 0 {
            BlueprintEdit::LockBlock { page_id, index }
        } else {
            BlueprintEdit::UnlockBlock { page_id, index }
        };
        e.sb.edit_blueprint(&e.scope, bp, None, edit)
            .await
            .expect("edit");
    }
    let versions = e.sb.list_versions(&e.scope, bp, None).await.expect("list");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [6, 5, 4]
    );
    let err = e.sb.get_version(&e.scope, bp, 2).await.expect_err("pruned");
    assert_eq!(err.code(), "not_found");
    e.backend.finish().await;
}

async fn page_writes_record_versions(backend: &str) {
    let e = env(backend, 50).await;
    let store: &Arc<dyn Storage> = e.sb.storage();
    let bp = store
        .create_blueprint(&e.scope, NewBlueprint::new("Hand made", "no AI"))
        .await
        .expect("create");
    let home = store
        .create_page(
            &e.scope,
            bp.id,
            NewPage {
                slug: "home".into(),
                title: "Home".into(),
                page_type: PageType::Home,
                ..NewPage::default()
            },
        )
        .await
        .expect("page");
    let about = store
        .create_page(
            &e.scope,
            bp.id,
            NewPage {
                slug: "about".into(),
                title: "About".into(),
                ..NewPage::default()
            },
        )
        .await
        .expect("page");
    store
        .update_page(
            &e.scope,
            home.id,
            PagePatch {
                title: Some("Welcome".into()),
                ..PagePatch::default()
            },
        )
        .await
        .expect("update");
    // A status change alone is no change of content.
    store
        .update_page(
            &e.scope,
            home.id,
            PagePatch {
                status: Some(sitebuilder::model::PageStatus::Ready),
                ..PagePatch::default()
            },
        )
        .await
        .expect("status");
    store
        .reorder_pages(&e.scope, bp.id, &[about.id, home.id])
        .await
        .expect("reorder");
    store.delete_page(&e.scope, about.id).await.expect("delete");
    let versions = store
        .list_versions(&e.scope, bp.id, 50)
        .await
        .expect("list");
    let listed: Vec<(i32, &str, usize)> = versions
        .iter()
        .map(|v| (v.version, v.operation.as_str(), v.page_count))
        .collect();
    assert_eq!(
        listed,
        [
            (6, "delete_page", 1),
            (5, "reorder_pages", 2),
            (4, "update_page", 2),
            (3, "create_page", 2),
            (2, "create_page", 1),
        ]
    );
    let v4 = store.get_version(&e.scope, bp.id, 4).await.expect("v4");
    assert_eq!(v4.content.pages[0].title, "Welcome");
    // Restoring version 5 brings the deleted page back.
    let restored =
        e.sb.restore_version(&e.scope, bp.id, 5, Some(6))
            .await
            .expect("restore");
    assert_eq!(
        restored
            .pages
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>(),
        ["about", "home"]
    );
    store
        .delete_blueprint(&e.scope, bp.id)
        .await
        .expect("delete");
    assert_eq!(
        store
            .get_version(&e.scope, bp.id, 4)
            .await
            .expect_err("gone with its blueprint")
            .code(),
        "not_found"
    );
    e.backend.finish().await;
}

async fn generation_racing_an_edit_conflicts_and_charges_nothing(backend: &str) {
    let e = env(backend, 50).await;
    let bp = generated(&e).await;
    let balance = e.sb.balance(7).await.expect("balance");
    e.planner.hold.store(true, Ordering::SeqCst);
    let called = e.planner.called.notified();
    let sb = e.sb.clone();
    let scope = e.scope;
    let run = tokio::spawn(async move {
        sb.generate_structure(&scope, bp, RunOptions::default())
            .await
    });
    called.await;
    // The hand edit lands while the model is answering: it wins.
    let (page_id, index, _) = hero(&e, bp).await;
    let edited =
        e.sb.edit_blueprint(
            &e.scope,
            bp,
            Some(2),
            BlueprintEdit::DuplicateBlock { page_id, index },
        )
        .await
        .expect("the edit wins");
    assert_eq!(edited.blueprint.version, 3);
    e.planner.release.notify_one();
    let err = run.await.expect("join").expect_err("the generation lost");
    assert_eq!(err.code(), "conflict", "{err}");
    assert_eq!(current_version(&err), Some(3));
    assert_eq!(
        e.sb.balance(7).await.expect("balance"),
        balance,
        "charged nothing"
    );
    let after = e.sb.get_blueprint(&e.scope, bp).await.expect("bp");
    assert_ne!(
        after.status,
        sitebuilder::model::BlueprintStatus::Generating
    );
    assert_eq!(after.version, 3);
    let page = e.sb.get_page(&e.scope, page_id).await.expect("page");
    assert_eq!(
        page.blocks[index],
        page.blocks[index + 1],
        "the edit is kept"
    );
    let versions = e.sb.list_versions(&e.scope, bp, None).await.expect("list");
    assert_eq!(versions[0].operation, "duplicate_block");
    e.backend.finish().await;
}

async fn concurrent_writers_with_one_base_exactly_one_wins(backend: &str) {
    let e = env(backend, 50).await;
    let bp = generated(&e).await;
    let (page_id, index, data) = hero(&e, bp).await;
    let mut runs = Vec::new();
    for i in 0..20 {
        let sb = e.sb.clone();
        let scope = e.scope;
        let mut data = data.clone();
        data["heading"] = json!(format!("Writer {i}"));
        runs.push(tokio::spawn(async move {
            sb.edit_blueprint(
                &scope,
                bp,
                Some(2),
                BlueprintEdit::UpdateBlockData {
                    page_id,
                    index,
                    data,
                },
            )
            .await
        }));
    }
    let mut won = Vec::new();
    for (i, run) in runs.into_iter().enumerate() {
        match run.await.expect("join") {
            Ok(saved) => won.push((i, saved.blueprint.version)),
            Err(err) => {
                assert_eq!(err.code(), "conflict", "{err}");
                assert_eq!(current_version(&err), Some(3));
            }
        }
    }
    assert_eq!(won.len(), 1, "exactly one writer wins: {won:?}");
    let (winner, version) = won[0];
    assert_eq!(version, 3);
    let page = e.sb.get_page(&e.scope, page_id).await.expect("page");
    assert_eq!(
        page.blocks[index].data["heading"],
        json!(format!("Writer {winner}"))
    );
    let versions = e.sb.list_versions(&e.scope, bp, None).await.expect("list");
    assert_eq!(versions.len(), 2);
    e.backend.finish().await;
}

macro_rules! on_backends {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case("memory").await })*
        }
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case("sqlite").await })*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case("postgres").await })*
        }
    };
}

on_backends!(
    block_edit_history_and_undo,
    stale_edit_is_a_conflict_with_the_current_version,
    page_edits_follow_navigation_and_links,
    retention_keeps_the_newest,
    page_writes_record_versions,
    generation_racing_an_edit_conflicts_and_charges_nothing,
    concurrent_writers_with_one_base_exactly_one_wins,
);
