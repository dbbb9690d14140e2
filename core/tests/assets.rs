//! Site assets on a real local folder (a temp dir) over SQLite, PostgreSQL and memory: round trip,
//! refused names and contents, size limit, quota (also under 20 concurrent uploads), tenant
//! isolation, and failed uploads that must leave no file and no used quota behind.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use sitebuilder::files::{AssetConfig, Assets};
use sitebuilder::model::NewBlueprint;
use sitebuilder::{Error, Scope};

use common::{TestStore, open_backend};

const A: i64 = 41;
const B: i64 = 42;

/// A PNG header and IHDR chunk, padded to `len` bytes; `seed` makes contents differ.
fn png(len: usize, seed: u8) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    v.extend(
        (0..len.saturating_sub(v.len())).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)),
    );
    v.truncate(len.max(8));
    v
}

const CLEAN_SVG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="teal"/></svg>"#;

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every regular file under `root` (staging files included), relative, `/`-separated.
fn files_under(root: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("reading a directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out
}

struct Fixture {
    store: TestStore,
    assets: Assets,
    root: PathBuf,
    _dir: tempfile::TempDir,
    blueprint: i64,
}

impl Fixture {
    async fn new(backend: &str, max_file_bytes: u64, quota: u64) -> Fixture {
        let store = open_backend(backend).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("assets");
        let config = AssetConfig {
            max_file_bytes,
            account_quota_bytes: quota,
            ..AssetConfig::local(&root)
        };
        let assets = Assets::new(Arc::clone(&store.store), config).expect("assets");
        let blueprint = store
            .store
            .create_blueprint(
                &Scope::account(A),
                NewBlueprint::new("Casa Lupa", "A trattoria"),
            )
            .await
            .expect("blueprint")
            .id;
        Fixture {
            store,
            assets,
            root,
            _dir: dir,
            blueprint,
        }
    }

    fn files(&self) -> BTreeSet<String> {
        files_under(&self.root)
    }

    async fn used(&self, account: i64) -> u64 {
        self.assets.usage(account).await.expect("usage").0
    }
}

fn code(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => format!("{}: {e}", e.code()),
    }
}

async fn round_trip(backend: &str) {
    let f = Fixture::new(backend, 1 << 20, 1 << 20).await;
    let scope = Scope::account(A);
    let bytes = png(2048, 1);
    let asset = f
        .assets
        .upload(
            &scope,
            f.blueprint,
            "Hero Image.png",
            bytes.clone(),
            Some("ana@example.com"),
        )
        .await
        .expect("upload");
    assert_eq!(asset.account_id, A);
    assert_eq!(asset.site_blueprint_id, f.blueprint);
    assert_eq!(asset.file_name, "Hero Image.png");
    assert_eq!(asset.content_type, "image/png");
    assert_eq!(asset.size_bytes, 2048);
    assert_eq!(asset.checksum_sha256, hex_sha256(&bytes));
    assert_eq!(asset.uploaded_by.as_deref(), Some("ana@example.com"));
    let prefix = format!("{A}/{}/", f.blueprint);
    assert!(
        asset.key.starts_with(&prefix) && asset.key.ends_with("-Hero_Image.png"),
        "{}",
        asset.key
    );

    // The object is where the key says, with exactly the bytes.
    assert_eq!(f.files(), BTreeSet::from([asset.key.clone()]));
    assert_eq!(
        std::fs::read(f.root.join(&asset.key)).expect("file on disk"),
        bytes
    );

    let (got, downloaded) = f.assets.download(&scope, asset.id).await.expect("download");
    assert_eq!(got, asset);
    assert_eq!(downloaded, bytes);

    let svg = f
        .assets
        .upload(
            &scope,
            f.blueprint,
            "logo.svg",
            CLEAN_SVG.as_bytes().to_vec(),
            None,
        )
        .await
        .expect("a clean SVG is accepted");
    assert_eq!(svg.content_type, "image/svg+xml");
    let pdf = f
        .assets
        .upload(
            &scope,
            f.blueprint,
            "menu.PDF",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec(),
            None,
        )
        .await
        .expect("pdf");
    assert_eq!(pdf.content_type, "application/pdf");

    let listed = f.assets.list(&scope, f.blueprint).await.expect("list");
    assert_eq!(
        listed.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![asset.id, svg.id, pdf.id]
    );
    let total = (asset.size_bytes + svg.size_bytes + pdf.size_bytes) as u64;
    assert_eq!(f.assets.usage(A).await.expect("usage"), (total, 1 << 20));

    f.assets.delete(&scope, asset.id).await.expect("delete");
    assert_eq!(
        code(f.assets.download(&scope, asset.id).await)
            .split(':')
            .next(),
        Some("not_found")
    );
    assert!(!f.files().contains(&asset.key));
    assert_eq!(f.files().len(), 2);
    assert_eq!(f.used(A).await, total - 2048);
    f.store.finish().await;
}

async fn refused_names_and_contents(backend: &str) {
    let f = Fixture::new(backend, 1 << 20, 1 << 20).await;
    let scope = Scope::account(A);
    let long = format!("{}.png", "a".repeat(252));
    for name in [
        "..",
        "../x.png",
        "a..png",
        "a/b.png",
        "a\\b.png",
        "a\0b.png",
        long.as_str(),
        "",
    ] {
        let msg = code(
            f.assets
                .upload(&scope, f.blueprint, name, png(64, 2), None)
                .await,
        );
        assert!(msg.starts_with("invalid_input"), "{name:?}: {msg}");
    }
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, &long, png(64, 2), None)
            .await,
    );
    assert!(msg.contains("256 bytes"), "{msg}");

    // The content decides, and the extension must agree with it.
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, "brochure.pdf", png(64, 3), None)
            .await,
    );
    assert!(
        msg.starts_with("invalid_input") && msg.contains("PNG image"),
        "{msg}"
    );
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, "logo.png", html, None)
            .await,
    );
    assert!(
        msg.starts_with("invalid_input")
            && msg.contains("HTML document")
            && msg.contains("PNG, JPEG"),
        "{msg}"
    );
    let evil = r#"<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('/steal')</script></svg>"#;
    let msg = code(
        f.assets
            .upload(
                &scope,
                f.blueprint,
                "logo.svg",
                evil.as_bytes().to_vec(),
                None,
            )
            .await,
    );
    assert!(
        msg.starts_with("invalid_input") && msg.contains("<script>"),
        "{msg}"
    );
    let handler = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
    let msg = code(
        f.assets
            .upload(
                &scope,
                f.blueprint,
                "logo.svg",
                handler.as_bytes().to_vec(),
                None,
            )
            .await,
    );
    assert!(msg.contains("onload"), "{msg}");
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, "empty.png", Vec::new(), None)
            .await,
    );
    assert!(msg.starts_with("invalid_input"), "{msg}");

    // Nothing refused reached the folder or the quota.
    assert!(f.files().is_empty(), "{:?}", f.files());
    assert_eq!(f.used(A).await, 0);
    assert!(
        f.assets
            .list(&scope, f.blueprint)
            .await
            .expect("list")
            .is_empty()
    );
    f.store.finish().await;
}

async fn limits(backend: &str) {
    let f = Fixture::new(backend, 1000, 2500).await;
    let scope = Scope::account(A);
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, "big.png", png(1001, 4), None)
            .await,
    );
    assert!(
        // The limit, never the size: a host reads one byte past the limit, not the whole file.
        msg.starts_with("quota_exceeded")
            && msg.contains("larger than the limit per file of 1000 bytes")
            && !msg.contains("1001"),
        "{msg}"
    );
    assert!(f.files().is_empty());

    f.assets
        .upload(&scope, f.blueprint, "a.png", png(1000, 5), None)
        .await
        .expect("first");
    f.assets
        .upload(&scope, f.blueprint, "b.png", png(1000, 6), None)
        .await
        .expect("second");
    let msg = code(
        f.assets
            .upload(&scope, f.blueprint, "c.png", png(600, 7), None)
            .await,
    );
    assert!(
        msg.starts_with("quota_exceeded")
            && msg.contains("2000 of its 2500")
            && msg.contains("500 bytes free"),
        "{msg}"
    );
    assert_eq!(f.files().len(), 2, "{:?}", f.files());
    assert_eq!(f.assets.usage(A).await.expect("usage"), (2000, 2500));

    // Exactly the rest of the quota still fits; the quota is per account.
    f.assets
        .upload(&scope, f.blueprint, "d.png", png(500, 8), None)
        .await
        .expect("exact fit");
    assert_eq!(f.used(A).await, 2500);
    let bp_b = f
        .store
        .store
        .create_blueprint(
            &Scope::account(B),
            NewBlueprint::new("Other", "Other account"),
        )
        .await
        .expect("blueprint of B")
        .id;
    f.assets
        .upload(&Scope::account(B), bp_b, "b.png", png(900, 9), None)
        .await
        .expect("B has its own quota");
    assert_eq!(f.used(B).await, 900);
    f.store.finish().await;
}

async fn tenant_isolation(backend: &str) {
    let f = Fixture::new(backend, 1 << 20, 1 << 20).await;
    let a = Scope::account(A);
    let b = Scope::account(B);
    let asset = f
        .assets
        .upload(&a, f.blueprint, "logo.png", png(300, 10), None)
        .await
        .expect("upload");
    for msg in [
        code(f.assets.download(&b, asset.id).await),
        code(f.assets.delete(&b, asset.id).await),
        code(f.assets.list(&b, f.blueprint).await),
        code(
            f.assets
                .upload(&b, f.blueprint, "x.png", png(300, 11), None)
                .await,
        ),
    ] {
        assert!(msg.starts_with("not_found"), "{msg}");
    }
    // A narrower scope of the right account sees only its site.
    let other_site = a.with_site(999);
    assert!(code(f.assets.download(&other_site, asset.id).await).starts_with("not_found"));
    // A's asset is untouched, and B used nothing.
    assert_eq!(
        f.assets
            .download(&a, asset.id)
            .await
            .expect("still there")
            .1,
        png(300, 10)
    );
    assert_eq!(f.files().len(), 1);
    assert_eq!(f.used(B).await, 0);
    f.store.finish().await;
}

/// `uploads` uploads of `size` bytes at once against a quota that fits `fit` of them and a half.
async fn racing_for_the_quota(backend: &str, uploads: usize, fit: usize) {
    let size = 1000usize;
    let quota = (fit * size + size / 2) as u64;
    let f = Fixture::new(backend, 1 << 20, quota).await;
    let scope = Scope::account(A);
    let mut handles = Vec::new();
    for i in 0..uploads {
        let assets = f.assets.clone();
        let bp = f.blueprint;
        handles.push(tokio::spawn(async move {
            assets
                .upload(
                    &scope,
                    bp,
                    &format!("img-{i}.png"),
                    png(size, i as u8),
                    None,
                )
                .await
        }));
    }
    let mut ok = 0usize;
    for h in handles {
        match h.await.expect("upload task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code(), "quota_exceeded", "{e}"),
        }
    }
    let (used, q) = f.assets.usage(A).await.expect("usage");
    assert!(used <= q, "used {used} passed the quota {q}");
    assert_eq!(ok, fit, "exactly the uploads that fit succeed");
    assert_eq!(used, (ok * size) as u64);
    let rows = f.assets.list(&scope, f.blueprint).await.expect("list");
    assert_eq!(rows.len(), ok);
    let keys: BTreeSet<String> = rows.iter().map(|a| a.key.clone()).collect();
    assert_eq!(f.files(), keys, "the files on disk are exactly the rows");
    f.store.finish().await;
}

#[tokio::test]
async fn sqlite_round_trip() {
    round_trip("sqlite").await;
}
#[tokio::test]
async fn sqlite_refused_names_and_contents() {
    refused_names_and_contents("sqlite").await;
}
#[tokio::test]
async fn sqlite_limits() {
    limits("sqlite").await;
}
#[tokio::test]
async fn sqlite_tenant_isolation() {
    tenant_isolation("sqlite").await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_uploads_never_pass_the_quota() {
    racing_for_the_quota("sqlite", 20, 7).await;
}

#[tokio::test]
async fn postgres_round_trip() {
    round_trip("postgres").await;
}
#[tokio::test]
async fn postgres_refused_names_and_contents() {
    refused_names_and_contents("postgres").await;
}
#[tokio::test]
async fn postgres_limits() {
    limits("postgres").await;
}
#[tokio::test]
async fn postgres_tenant_isolation() {
    tenant_isolation("postgres").await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn postgres_concurrent_uploads_never_pass_the_quota() {
    racing_for_the_quota("postgres", 20, 7).await;
}

#[tokio::test]
async fn memory_store_behaves_the_same() {
    round_trip("memory").await;
    limits("memory").await;
    tenant_isolation("memory").await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_concurrent_uploads_never_pass_the_quota() {
    racing_for_the_quota("memory", 20, 7).await;
}

/// A row that cannot be written (its table is gone) must take the object and the reservation
/// with it.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn failed_record_leaves_no_file_and_no_used_quota() {
    let f = Fixture::new("sqlite", 1 << 20, 1 << 20).await;
    let scope = Scope::account(A);
    f.assets
        .upload(&scope, f.blueprint, "kept.png", png(100, 12), None)
        .await
        .expect("upload");
    let before = f.files();
    let url = f.store.url.clone().expect("sqlite url");
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect");
    sqlx::raw_sql("DROP TABLE igny8_sb_site_assets")
        .execute(&mut conn)
        .await
        .expect("drop table");
    let err = f
        .assets
        .upload(&scope, f.blueprint, "lost.png", png(700, 13), None)
        .await
        .expect_err("the row cannot be written");
    assert_ne!(err.code(), "quota_exceeded", "{err}");
    assert_eq!(
        f.files(),
        before,
        "the object of the failed upload was removed"
    );
    assert_eq!(f.used(A).await, 100, "the reservation was given back");
}

#[tokio::test]
async fn facade_and_url_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sb = sitebuilder::SiteBuilder::builder()
        .database_url(common::fresh_sqlite_url(&dir))
        .provider(sitebuilder::ProviderConfig::Offline)
        .asset_config(AssetConfig::local(dir.path().join("files")))
        .build()
        .await
        .expect("builder");
    let scope = Scope::account(A);
    let bp = sb
        .create_blueprint(&scope, NewBlueprint::new("Facade", "x"))
        .await
        .expect("bp");
    let asset = sb
        .assets()
        .upload(&scope, bp.id, "a.gif", b"GIF89a\x01\0\x01\0".to_vec(), None)
        .await
        .expect("gif");
    assert_eq!(asset.content_type, "image/gif");
    assert_eq!(
        files_under(&dir.path().join("files")),
        BTreeSet::from([asset.key.clone()])
    );

    // An object_store URL instead of a folder.
    let mem = Assets::new(
        Arc::clone(sb.storage()),
        AssetConfig {
            url: Some("memory:///".into()),
            ..AssetConfig::default()
        },
    )
    .expect("memory:/// store");
    let webp = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0"
        .to_vec();
    let a = mem
        .upload(&scope, bp.id, "w.webp", webp.clone(), None)
        .await
        .expect("webp");
    assert_eq!(mem.download(&scope, a.id).await.expect("download").1, webp);

    let bad = Assets::new(
        Arc::clone(sb.storage()),
        AssetConfig {
            url: Some("not a url".into()),
            ..AssetConfig::default()
        },
    );
    assert_eq!(bad.expect_err("bad url").code(), "configuration");
}

#[tokio::test]
async fn deleting_a_blueprint_deletes_its_files_and_gives_the_quota_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("assets");
    let sb = sitebuilder::SiteBuilder::builder()
        .database_url(format!("sqlite://{}/db.sqlite", dir.path().display()))
        .provider(sitebuilder::ProviderConfig::Offline)
        .asset_config(AssetConfig::local(&root))
        .build()
        .await
        .expect("open");
    let scope = Scope::account(5);
    let bp = sb
        .create_blueprint(
            &scope,
            sitebuilder::model::NewBlueprint::new("Forno", "A bakery"),
        )
        .await
        .expect("blueprint");
    for i in 0..3 {
        sb.assets()
            .upload(&scope, bp.id, &format!("logo-{i}.png"), png(2048, i), None)
            .await
            .expect("upload");
    }
    assert_eq!(files_under(&root).len(), 3);
    assert_eq!(sb.assets().usage(5).await.expect("usage").0, 3 * 2048);
    sb.delete_blueprint(&scope, bp.id).await.expect("delete");
    assert!(
        files_under(&root).is_empty(),
        "files left behind: {:?}",
        files_under(&root)
    );
    assert_eq!(sb.assets().usage(5).await.expect("usage").0, 0);
}
