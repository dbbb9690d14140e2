//! Migrations and site blueprints: CRUD, name rules, listing, pagination, generation state.

use serde_json::json;
use sitebuilder::model::{
    BlueprintPatch, BlueprintQuery, BlueprintStatus, HostingType, NewBlueprint, Scope, SiteConfig,
};
use sitebuilder::schema::MIGRATIONS;

use super::{A, Store, blueprint, expect_err, expect_not_found, scope_a};

pub async fn migrations_are_applied(store: Store) {
    store.ping().await.expect("ping");
    let labels: Vec<String> = MIGRATIONS.iter().map(|m| m.label()).collect();
    let status = store.migration_status().await.expect("migration status");
    assert_eq!(status.iter().map(|m| m.label()).collect::<Vec<_>>(), labels);
    for m in &status {
        assert!(m.applied, "{} not applied", m.label());
        assert!(m.applied_at.is_some(), "{} has no applied_at", m.label());
        assert!(!m.adopted, "{} adopted on a fresh database", m.label());
        assert_eq!(m.checksum_mismatch, None);
    }
    // migrate() again reports every migration exactly once and changes nothing.
    let report = store.migrate().await.expect("migrate");
    let mut reported: Vec<String> = report
        .applied
        .iter()
        .chain(&report.adopted)
        .chain(&report.already_applied)
        .cloned()
        .collect();
    reported.sort();
    assert_eq!(reported, labels);
    let again = store.migration_status().await.expect("migration status");
    assert!(again.iter().all(|m| m.applied));
}

pub async fn blueprint_crud(store: Store) {
    let scope = scope_a();
    let mut config = SiteConfig::from_value(json!({
        "business_brief": "Family bakery in Porto",
        "objectives": ["sell cakes online", "take orders"],
        "style": {"palette": "warm"},
        "business_type_id": 3,
        "wizard_step": 4
    }))
    .expect("config");
    config.locked_pages = vec!["home".into()];
    let new = NewBlueprint {
        name: "Bakery".into(),
        description: "A bakery site".into(),
        config: config.clone(),
        hosting_type: HostingType::Wordpress,
    };
    let created = store.create_blueprint(&scope, new).await.expect("create");
    assert!(created.id > 0);
    assert_eq!(created.account_id, A);
    assert_eq!(created.site_id, Some(11));
    assert_eq!(created.sector_id, Some(111));
    assert_eq!(created.name, "Bakery");
    assert_eq!(created.description, "A bakery site");
    assert_eq!(created.config, config);
    assert_eq!(created.config.extra["wizard_step"], json!(4));
    assert_eq!(created.structure_json, json!({}));
    assert_eq!(created.status, BlueprintStatus::Draft);
    assert_eq!(created.hosting_type, HostingType::Wordpress);
    assert_eq!(created.version, 1);
    assert_eq!(created.deployed_version, None);
    assert!(created.updated_at >= created.created_at);
    let age = chrono::Utc::now() - created.created_at;
    assert!(
        age.num_seconds().abs() < 60,
        "created_at is not now (UTC): {}",
        created.created_at
    );

    let got = store.get_blueprint(&scope, created.id).await.expect("get");
    assert_eq!(got, created, "a created blueprint reads back unchanged");
    // The account alone sees it too (site and sector only narrow).
    assert_eq!(
        store
            .get_blueprint(&Scope::account(A), created.id)
            .await
            .expect("get"),
        created
    );

    let patch = BlueprintPatch {
        name: Some("Bakery & Café".into()),
        description: Some("Now with coffee".into()),
        config: Some(SiteConfig {
            business_brief: "Bakery and café".into(),
            ..SiteConfig::default()
        }),
        status: Some(BlueprintStatus::Ready),
        hosting_type: Some(HostingType::Igny8Sites),
        deployed_version: Some(1),
    };
    let updated = store
        .update_blueprint(&scope, created.id, patch)
        .await
        .expect("update");
    assert_eq!(updated.name, "Bakery & Café");
    assert_eq!(updated.description, "Now with coffee");
    assert_eq!(updated.config.business_brief, "Bakery and café");
    assert!(updated.config.extra.is_empty());
    assert_eq!(updated.status, BlueprintStatus::Ready);
    assert_eq!(updated.hosting_type, HostingType::Igny8Sites);
    assert_eq!(updated.deployed_version, Some(1));
    assert_eq!(
        updated.version, 1,
        "an update is not a new structure version"
    );
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(
        store.get_blueprint(&scope, created.id).await.expect("get"),
        updated
    );

    // An empty patch changes no field but the timestamp.
    let same = store
        .update_blueprint(&scope, created.id, BlueprintPatch::default())
        .await
        .expect("empty patch");
    assert_eq!(
        (same.name.as_str(), same.status, same.version),
        ("Bakery & Café", BlueprintStatus::Ready, 1)
    );

    store
        .delete_blueprint(&scope, created.id)
        .await
        .expect("delete");
    expect_not_found(
        store.get_blueprint(&scope, created.id).await,
        "site_blueprint",
    );
    expect_not_found(
        store.delete_blueprint(&scope, created.id).await,
        "site_blueprint",
    );
    expect_not_found(
        store
            .update_blueprint(&scope, created.id, BlueprintPatch::default())
            .await,
        "site_blueprint",
    );
    expect_not_found(
        store.get_blueprint(&scope, 987_654_321).await,
        "site_blueprint",
    );
}

pub async fn blueprint_name_rules(store: Store) {
    let scope = scope_a();
    for bad in ["", "   ", "\t\n"] {
        let err = expect_err(
            store
                .create_blueprint(&scope, NewBlueprint::new(bad, "x"))
                .await,
            "invalid_input",
        );
        assert!(err.to_string().contains("name"), "{err}");
    }
    let long = "x".repeat(256);
    let err = expect_err(
        store
            .create_blueprint(&scope, NewBlueprint::new(long, "x"))
            .await,
        "invalid_input",
    );
    assert!(err.to_string().contains("name"), "{err}");
    // The limit counts characters, not bytes.
    let max = "é".repeat(255);
    let ok = store
        .create_blueprint(&scope, NewBlueprint::new(max.clone(), "x"))
        .await
        .expect("255 characters are allowed");
    assert_eq!(
        store.get_blueprint(&scope, ok.id).await.expect("get").name,
        max
    );
    // Updates follow the same rules and change nothing when rejected.
    let patch = BlueprintPatch {
        name: Some(" ".into()),
        description: Some("changed".into()),
        ..BlueprintPatch::default()
    };
    expect_err(
        store.update_blueprint(&scope, ok.id, patch).await,
        "invalid_input",
    );
    assert_eq!(store.get_blueprint(&scope, ok.id).await.expect("get"), ok);
    let listed = store
        .list_blueprints(&scope, BlueprintQuery::default())
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 1, "rejected creates wrote nothing");
}

pub async fn blueprint_list_filters(store: Store) {
    let s1 = Scope::account(A).with_site(1).with_sector(10);
    let s2 = Scope::account(A).with_site(2).with_sector(20);
    let s3 = Scope::account(A).with_site(1).with_sector(30);
    let a = blueprint(&store, &s1, "a").await;
    let b = blueprint(&store, &s2, "b").await;
    let c = blueprint(&store, &s3, "c").await;
    let d = blueprint(&store, &s1, "d").await;
    let _other = blueprint(&store, &super::scope_b(), "other account").await;
    let ready = BlueprintPatch {
        status: Some(BlueprintStatus::Ready),
        ..BlueprintPatch::default()
    };
    store
        .update_blueprint(&s2, b.id, ready.clone())
        .await
        .expect("update");
    store
        .update_blueprint(&s1, d.id, ready)
        .await
        .expect("update");

    let ids = |p: sitebuilder::model::Paged<sitebuilder::model::SiteBlueprint>| {
        assert_eq!(p.next_after_id, None, "a partial page has no next page");
        assert_eq!(p.count, p.items.len() as u64, "one page holds every match");
        p.items.into_iter().map(|b| b.id).collect::<Vec<_>>()
    };
    let all = Scope::account(A);
    let q = |f: fn(&mut BlueprintQuery)| {
        let mut q = BlueprintQuery::default();
        f(&mut q);
        q
    };
    assert_eq!(
        ids(store.list_blueprints(&all, q(|_| {})).await.expect("list")),
        vec![a.id, b.id, c.id, d.id]
    );
    let first = (store.list_blueprints(&all, q(|q| q.limit = 1)))
        .await
        .expect("list");
    assert_eq!(
        (first.items.len(), first.count),
        (1, 4),
        "count is the total over every page"
    );
    let after = BlueprintQuery {
        after_id: first.next_after_id,
        ..BlueprintQuery::default()
    };
    let rest = store.list_blueprints(&all, after).await.expect("list");
    assert_eq!((rest.items.len(), rest.count), (3, 4));
    assert_eq!(
        ids(store
            .list_blueprints(&all, q(|q| q.status = Some(BlueprintStatus::Ready)))
            .await
            .expect("list")),
        vec![b.id, d.id]
    );
    assert_eq!(
        ids(store
            .list_blueprints(&all, q(|q| q.status = Some(BlueprintStatus::Draft)))
            .await
            .expect("list")),
        vec![a.id, c.id]
    );
    assert_eq!(
        ids(store
            .list_blueprints(&all, q(|q| q.site_id = Some(1)))
            .await
            .expect("list")),
        vec![a.id, c.id, d.id]
    );
    assert_eq!(
        ids(store
            .list_blueprints(&all, q(|q| q.sector_id = Some(30)))
            .await
            .expect("list")),
        vec![c.id]
    );
    assert_eq!(
        ids(store
            .list_blueprints(
                &all,
                q(|q| {
                    q.site_id = Some(1);
                    q.status = Some(BlueprintStatus::Ready);
                })
            )
            .await
            .expect("list")),
        vec![d.id]
    );
    // The scope narrows like the filters do.
    assert_eq!(
        ids(store
            .list_blueprints(&Scope::account(A).with_site(2), q(|_| {}))
            .await
            .expect("list")),
        vec![b.id]
    );
    assert_eq!(
        ids(store.list_blueprints(&s1, q(|_| {})).await.expect("list")),
        vec![a.id, d.id]
    );
    assert!(
        ids(store
            .list_blueprints(&all, q(|q| q.site_id = Some(99)))
            .await
            .expect("list"))
        .is_empty()
    );
    assert!(
        ids(store
            .list_blueprints(&Scope::account(777), q(|_| {}))
            .await
            .expect("list"))
        .is_empty()
    );
}

pub async fn blueprint_keyset_pagination_is_stable(store: Store) {
    let scope = scope_a();
    let mut expected = Vec::new();
    for i in 0..7 {
        expected.push(blueprint(&store, &scope, &format!("bp {i}")).await.id);
    }
    let page = |after: Option<i64>| BlueprintQuery {
        after_id: after,
        limit: 3,
        ..BlueprintQuery::default()
    };
    let first = store
        .list_blueprints(&scope, page(None))
        .await
        .expect("page 1");
    assert_eq!(
        first.items.iter().map(|b| b.id).collect::<Vec<_>>(),
        expected[..3]
    );
    assert_eq!(first.next_after_id, Some(expected[2]));

    // Rows added and removed between pages neither repeat nor skip the rows still there.
    let added = blueprint(&store, &scope, "added later").await.id;
    let (seen_gone, unseen_gone) = (expected[1], expected[4]);
    store
        .delete_blueprint(&scope, seen_gone)
        .await
        .expect("delete a seen row");
    store
        .delete_blueprint(&scope, unseen_gone)
        .await
        .expect("delete an unseen row");
    expected.retain(|id| *id != seen_gone && *id != unseen_gone);
    let mut seen: Vec<i64> = vec![first.items[0].id, first.items[2].id];
    let mut after = first.next_after_id;
    let mut pages = 1;
    while let Some(a) = after {
        let p = store
            .list_blueprints(&scope, page(Some(a)))
            .await
            .expect("next page");
        assert!(p.items.len() <= 3);
        if p.items.len() < 3 {
            assert_eq!(p.next_after_id, None);
        } else {
            assert_eq!(p.next_after_id, p.items.last().map(|b| b.id));
        }
        seen.extend(p.items.iter().map(|b| b.id));
        after = p.next_after_id;
        pages += 1;
        assert!(pages < 10, "pagination does not end");
    }
    expected.push(added);
    assert_eq!(
        seen, expected,
        "every remaining row exactly once, in id order"
    );
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
}

pub async fn blueprint_list_limit_is_clamped(store: Store) {
    let scope = scope_a();
    for i in 0..502 {
        blueprint(&store, &scope, &format!("bp {i}")).await;
    }
    let list = |limit| BlueprintQuery {
        limit,
        ..BlueprintQuery::default()
    };
    let default = store
        .list_blueprints(&scope, list(0))
        .await
        .expect("limit 0");
    assert_eq!(default.items.len(), 50, "limit 0 means 50");
    assert_eq!(default.next_after_id, default.items.last().map(|b| b.id));
    let one = store
        .list_blueprints(&scope, list(1))
        .await
        .expect("limit 1");
    assert_eq!(one.items.len(), 1);
    let max = store
        .list_blueprints(&scope, list(10_000))
        .await
        .expect("limit 10000");
    assert_eq!(max.items.len(), 500, "limits above 500 are clamped");
    let rest = store
        .list_blueprints(
            &scope,
            BlueprintQuery {
                after_id: max.next_after_id,
                limit: 500,
                ..BlueprintQuery::default()
            },
        )
        .await
        .expect("the rest");
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.next_after_id, None);
}

pub async fn begin_generation_conflicts_while_generating(store: Store) {
    let scope = scope_a();
    let bp = blueprint(&store, &scope, "gen").await;
    let started = store.begin_generation(&scope, bp.id).await.expect("begin");
    assert_eq!(started.status, BlueprintStatus::Generating);
    assert_eq!(started.id, bp.id);
    assert_eq!(
        store
            .get_blueprint(&scope, bp.id)
            .await
            .expect("get")
            .status,
        BlueprintStatus::Generating
    );
    let err = expect_err(store.begin_generation(&scope, bp.id).await, "conflict");
    assert!(err.to_string().contains("generating"), "{err}");
    // Once the run failed, a new one may start.
    store
        .update_blueprint(
            &scope,
            bp.id,
            BlueprintPatch {
                status: Some(BlueprintStatus::Failed),
                ..BlueprintPatch::default()
            },
        )
        .await
        .expect("mark failed");
    store
        .begin_generation(&scope, bp.id)
        .await
        .expect("begin again");
    expect_not_found(
        store.begin_generation(&scope, 987_654_321).await,
        "site_blueprint",
    );

    // Concurrent starts: exactly one wins.
    let bp2 = blueprint(&store, &scope, "race").await;
    let mut handles = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            store.begin_generation(&scope, bp2.id).await
        }));
    }
    let mut won = 0;
    for h in handles {
        match h.await.expect("join") {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.code(), "conflict", "{e}"),
        }
    }
    assert_eq!(won, 1, "exactly one concurrent begin_generation succeeds");
}
