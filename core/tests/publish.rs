//! Publishing to a `file://` hosting store on SQLite, PostgreSQL and memory: a deployment row and
//! `deployed_version`, the same version twice is a no-op, a new version supersedes the old release,
//! a failed upload leaves the previous release serving, unpublish removes the site, and hosting
//! types without a publisher get a clear error.

mod common;

use std::path::Path;
use std::sync::Arc;

use sitebuilder::model::{BlueprintPatch, BlueprintStatus, HostingType, NewBlueprint};
use sitebuilder::{ProviderConfig, RunOptions, Scope, SiteBuilder};

use common::{BACKENDS, open_backend};

fn pointer(root: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root.join("current.json")).expect("current.json"))
        .expect("pointer JSON")
}

#[tokio::test]
async fn publish_switches_releases_and_keeps_the_old_one_on_failure() {
    for backend in BACKENDS {
        let store = open_backend(backend).await;
        let hosting = tempfile::Builder::new()
            .prefix("hosting")
            .tempdir()
            .expect("temp dir");
        let sb = SiteBuilder::builder()
            .storage(Arc::clone(&store.store))
            .provider(ProviderConfig::Offline)
            .publish_url(format!("file://{}", hosting.path().display()))
            .build()
            .await
            .expect("builder");
        let scope = Scope::account(5);
        sb.grant_credits(5, 1000, "test").await.expect("grant");
        let bp = sb
            .create_blueprint(
                &scope,
                NewBlueprint::new("Casa Lupa", "A trattoria in Porto"),
            )
            .await
            .expect("blueprint");
        let early = sb
            .publish(&scope, bp.id)
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(
            early,
            Err("invalid_input"),
            "{backend}: nothing generated yet"
        );
        sb.generate_structure(&scope, bp.id, RunOptions::default())
            .await
            .expect("structure");

        let first = sb.publish(&scope, bp.id).await.expect("publish");
        assert!(!first.no_op);
        let d1 = first.deployment.clone();
        assert_eq!(
            (d1.status.as_str(), d1.version),
            ("deployed", 2),
            "{backend}"
        );
        assert!(
            d1.files >= 5 && d1.bytes > 1000 && d1.checksum.len() == 64,
            "{d1:?}"
        );
        assert!(d1.finished_at.is_some());
        let saved = sb.get_blueprint(&scope, bp.id).await.expect("bp");
        assert_eq!(
            (saved.status, saved.deployed_version),
            (BlueprintStatus::Deployed, Some(2))
        );
        let root = hosting.path().join(format!("5/{}", bp.id));
        let p = pointer(&root);
        assert_eq!(p["version"], 2);
        let live = root.join(p["release"].as_str().expect("release"));
        assert!(live.join("index.html").is_file() && live.join("sitemap.xml").is_file());

        let again = sb.publish(&scope, bp.id).await.expect("publish again");
        assert!(
            again.no_op,
            "{backend}: the same version twice uploads nothing"
        );
        assert_eq!(again.deployment.id, d1.id);
        assert_eq!(
            sb.list_deployments(&scope, bp.id)
                .await
                .expect("list")
                .len(),
            1
        );

        // A new version whose upload fails: its release folder cannot be created.
        sb.generate_structure(&scope, bp.id, RunOptions::default())
            .await
            .expect("v3");
        std::fs::create_dir_all(root.join("releases")).expect("releases dir");
        std::fs::write(
            root.join(format!("releases/{}-v3", d1.id + 1)),
            b"in the way",
        )
        .expect("blocker");
        let failed = sb
            .publish(&scope, bp.id)
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(failed, Err("file_storage"), "{backend}");
        assert_eq!(
            pointer(&root),
            p,
            "{backend}: the previous release still serves"
        );
        assert!(live.join("index.html").is_file());
        let saved = sb.get_blueprint(&scope, bp.id).await.expect("bp");
        assert_eq!(saved.deployed_version, Some(2));
        let history = sb.list_deployments(&scope, bp.id).await.expect("list");
        assert_eq!(history[0].status, "failed");
        assert!(history[0].error.as_deref().is_some_and(|e| !e.is_empty()));
        assert_eq!(history[1].status, "deployed");

        // Cleared, the next attempt ships v3 and supersedes v2's release.
        std::fs::remove_file(root.join(format!("releases/{}-v3", d1.id + 1))).expect("unblock");
        let third = sb.publish(&scope, bp.id).await.expect("publish v3");
        assert_eq!(third.deployment.version, 3);
        assert_eq!(pointer(&root)["version"], 3);
        assert!(
            !live.join("index.html").exists(),
            "{backend}: the superseded release is removed"
        );
        let statuses: Vec<String> = sb
            .list_deployments(&scope, bp.id)
            .await
            .expect("list")
            .into_iter()
            .map(|d| d.status)
            .collect();
        assert_eq!(statuses, ["deployed", "failed", "superseded"]);
        let other = sb
            .publish(&Scope::account(6), bp.id)
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(other, Err("not_found"));

        let down = sb.unpublish(&scope, bp.id).await.expect("unpublish");
        assert!(down.removed_objects >= 6);
        assert_eq!(
            down.deployment.map(|d| d.status).as_deref(),
            Some("unpublished")
        );
        assert!(!root.join("current.json").exists());
        let saved = sb.get_blueprint(&scope, bp.id).await.expect("bp");
        assert_eq!(saved.status, BlueprintStatus::Ready);

        sb.update_blueprint(
            &scope,
            bp.id,
            BlueprintPatch {
                hosting_type: Some(HostingType::Wordpress),
                ..BlueprintPatch::default()
            },
        )
        .await
        .expect("to wordpress");
        let wp = sb
            .publish(&scope, bp.id)
            .await
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()));
        assert!(
            matches!(&wp, Err(("conflict", m)) if m.contains("static hosting") && m.contains("export_site") && m.contains("publish_url_for")),
            "{wp:?}"
        );
        store.finish().await;
    }
}

#[tokio::test]
async fn publishing_without_a_target_says_how_to_configure_one() {
    let sb = SiteBuilder::builder()
        .database_url("memory:")
        .provider(ProviderConfig::Offline)
        .build()
        .await
        .expect("builder");
    let scope = Scope::account(1);
    let bp = sb
        .create_blueprint(&scope, NewBlueprint::new("X", "y"))
        .await
        .expect("bp");
    let err = sb.publish(&scope, bp.id).await.expect_err("no target");
    assert_eq!(err.code(), "configuration");
    assert!(err.to_string().contains("publish_url"), "{err}");
    let bad = SiteBuilder::builder()
        .database_url("memory:")
        .publish_url("nope://x")
        .build()
        .await;
    assert_eq!(bad.err().map(|e| e.code()), Some("configuration"));
}

#[tokio::test]
async fn a_host_can_plug_a_target_for_another_hosting_type() {
    let hosting = tempfile::tempdir().expect("temp dir");
    let multi = tempfile::tempdir().expect("temp dir");
    let sb = SiteBuilder::builder()
        .database_url("memory:")
        .provider(ProviderConfig::Offline)
        .publish_url(format!("file://{}", hosting.path().display()))
        .publish_url_for(
            HostingType::Multi,
            format!("file://{}", multi.path().display()),
            Vec::new(),
        )
        .build()
        .await
        .expect("builder");
    let scope = Scope::account(3);
    sb.grant_credits(3, 1000, "test").await.expect("grant");
    let mut new = NewBlueprint::new("Casa Lupa", "A trattoria in Porto");
    new.hosting_type = HostingType::Multi;
    let bp = sb.create_blueprint(&scope, new).await.expect("bp");
    sb.generate_structure(&scope, bp.id, RunOptions::default())
        .await
        .expect("structure");
    let out = sb.publish(&scope, bp.id).await.expect("publish to multi");
    assert_eq!(out.deployment.status, "deployed");
    assert!(
        out.deployment
            .target
            .contains(&multi.path().display().to_string())
    );
    let root = multi.path().join(format!("3/{}", bp.id));
    let release = pointer(&root)["release"]
        .as_str()
        .expect("release")
        .to_string();
    assert!(root.join(&release).join("index.html").is_file());
    assert!(
        !hosting.path().join(format!("3/{}", bp.id)).exists(),
        "the igny8_sites target is untouched"
    );
    // Shopify has no target: still the clear conflict.
    sb.update_blueprint(
        &scope,
        bp.id,
        BlueprintPatch {
            hosting_type: Some(HostingType::Shopify),
            ..BlueprintPatch::default()
        },
    )
    .await
    .expect("to shopify");
    let err = sb
        .publish(&scope, bp.id)
        .await
        .expect_err("no shopify target");
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("shopify"), "{err}");
}
