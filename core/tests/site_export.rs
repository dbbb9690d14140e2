//! Rendering and exporting a generated site through the facade, on SQLite, PostgreSQL and memory:
//! a live-preview page, a folder export with a linked asset, a zip export with the same files,
//! and the errors a caller can cause.

mod common;

use std::io::Read;
use std::sync::Arc;

use serde_json::json;
use sitebuilder::files::AssetConfig;
use sitebuilder::model::{NewBlueprint, PagePatch};
use sitebuilder::render::RenderOptions;
use sitebuilder::{
    ExportFormat, ExportSiteRequest, ProviderConfig, RenderPageRequest, RunOptions, Scope,
    SiteBuilder,
};

use common::{BACKENDS, open_backend};

/// A PNG header, enough for the asset sniffer.
fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    v.extend([7u8; 64]);
    v
}

async fn generated_site(backend: &str) -> (common::TestStore, SiteBuilder, i64, tempfile::TempDir) {
    let store = open_backend(backend).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let sb = SiteBuilder::builder()
        .storage(Arc::clone(&store.store))
        .provider(ProviderConfig::Offline)
        .asset_config(AssetConfig::local(dir.path().join("assets")))
        .render_options(RenderOptions {
            base_url: Some("https://bakery.example".into()),
            ..RenderOptions::default()
        })
        .build()
        .await
        .expect("builder");
    let scope = Scope::account(7);
    sb.grant_credits(7, 500, "test").await.expect("grant");
    let bp = sb
        .create_blueprint(
            &scope,
            NewBlueprint::new(
                "Porto Bakery",
                "A family bakery in Porto selling sourdough and custard tarts",
            ),
        )
        .await
        .expect("blueprint");
    sb.generate_structure(&scope, bp.id, RunOptions::default())
        .await
        .expect("structure");
    (store, sb, bp.id, dir)
}

#[tokio::test]
async fn preview_and_exports_on_every_backend() {
    for backend in BACKENDS {
        let (store, sb, id, dir) = generated_site(backend).await;
        let scope = Scope::account(7);
        // Link an uploaded photo into the home hero.
        let asset = sb
            .assets()
            .upload(&scope, id, "shop-front.png", png(), None)
            .await
            .expect("upload");
        let pages = sb.list_pages(&scope, id).await.expect("pages");
        let home = pages.iter().find(|p| p.slug == "home").expect("home page");
        let mut blocks = home.blocks.clone();
        blocks[0].data["image"] =
            json!({"alt": "Our shop front", "src": format!("asset:{}", asset.id)});
        sb.update_page(
            &scope,
            home.id,
            PagePatch {
                blocks: Some(blocks),
                ..PagePatch::default()
            },
        )
        .await
        .expect("link the photo");

        let preview = sb.render_page(&scope, id, "home").await.expect("preview");
        assert!(preview.html.starts_with("<!doctype html>"), "{backend}");
        assert!(
            preview.html.contains("<style>"),
            "{backend}: the preview is self-contained"
        );
        assert!(
            preview
                .html
                .contains(&format!("src=\"assets/{}-shop-front.png\"", asset.id))
        );
        let missing = sb
            .render_page(&scope, id, "nope")
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(missing, Err("not_found"), "{backend}");
        let other = sb
            .render_page(&Scope::account(8), id, "home")
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(
            other,
            Err("not_found"),
            "{backend}: another account sees nothing"
        );

        let folder = dir.path().join("site");
        let out = sb
            .export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: folder.to_string_lossy().into_owned(),
                    format: None,
                },
            )
            .await
            .expect("folder export");
        assert_eq!(out.format, ExportFormat::Folder);
        for path in &out.files {
            assert!(folder.join(path).is_file(), "{backend}: {path} written");
        }
        for must in [
            "index.html",
            "404.html",
            "sitemap.xml",
            "robots.txt",
            "assets/site.css",
        ] {
            assert!(out.files.iter().any(|f| f == must), "{backend}: {must}");
        }
        let photo = std::fs::read(folder.join(format!("assets/{}-shop-front.png", asset.id)))
            .expect("asset copied");
        assert_eq!(photo, png());
        let sitemap = std::fs::read_to_string(folder.join("sitemap.xml")).expect("sitemap");
        assert!(
            sitemap.contains("<loc>https://bakery.example/</loc>"),
            "{sitemap}"
        );
        let on_disk: u64 = out
            .files
            .iter()
            .map(|p| {
                std::fs::metadata(folder.join(p))
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(on_disk, out.bytes);

        let zip_path = dir.path().join("out/site.zip");
        let zipped = sb
            .export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: zip_path.to_string_lossy().into_owned(),
                    format: None,
                },
            )
            .await
            .expect("zip export");
        assert_eq!(zipped.format, ExportFormat::Zip);
        assert_eq!(
            zipped.checksum, out.checksum,
            "{backend}: the same site zips to the same files"
        );
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&zip_path).expect("zip file")).expect("zip");
        assert_eq!(archive.len(), out.files.len());
        let mut index = String::new();
        archive
            .by_name("index.html")
            .expect("index in zip")
            .read_to_string(&mut index)
            .expect("read");
        assert_eq!(
            index,
            std::fs::read_to_string(folder.join("index.html")).expect("index")
        );

        let empty = sb
            .export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: " ".into(),
                    format: None,
                },
            )
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(empty, Err("invalid_input"));
        let bad_url = sb
            .export_site(
                &scope,
                ExportSiteRequest {
                    blueprint_id: id,
                    target: "nope://x/y".into(),
                    format: None,
                },
            )
            .await
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(bad_url, Err("configuration"));
        store.finish().await;
    }
}

/// A preview served over HTTP: links point at the other preview URLs, images under the preview,
/// an unknown slug is the site's 404 page, and the link base is checked.
#[tokio::test]
async fn preview_links_point_at_preview_urls() {
    let (store, sb, id, _dir) = generated_site("memory").await;
    let scope = Scope::account(7);
    let asset = sb
        .assets()
        .upload(&scope, id, "shop-front.png", png(), None)
        .await
        .expect("upload");
    let pages = sb.list_pages(&scope, id).await.expect("pages");
    let home = pages.iter().find(|p| p.slug == "home").expect("home page");
    let mut blocks = home.blocks.clone();
    blocks[0].data["image"] =
        json!({"alt": "Our shop front", "src": format!("asset:{}", asset.id)});
    sb.update_page(
        &scope,
        home.id,
        PagePatch {
            blocks: Some(blocks),
            ..PagePatch::default()
        },
    )
    .await
    .expect("link the photo");
    let base = format!("/api/v1/site-builder/blueprints/{id}/preview/");
    let request = |slug: &str, missing_as_404: bool| RenderPageRequest {
        blueprint_id: id,
        slug: slug.to_string(),
        link_base: Some(base.clone()),
        missing_as_404,
    };
    let page = sb
        .render_preview(&scope, &request("", false))
        .await
        .expect("home preview");
    assert!(page.found);
    assert!(page.html.contains("<style>"), "the stylesheet is inline");
    assert!(
        page.html
            .contains(&format!("src=\"{base}assets/{}-shop-front.png\"", asset.id)),
        "images are served under the preview"
    );
    let hrefs: Vec<&str> = page
        .html
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let internal: Vec<&&str> = hrefs
        .iter()
        .filter(|h| !h.starts_with("http") && !h.starts_with('#') && !h.contains(':'))
        .collect();
    assert!(internal.len() >= pages.len(), "{hrefs:?}");
    for href in internal {
        assert!(href.starts_with(&base), "{href} leads into the preview");
        assert!(!href.contains(".html"), "{href} names no file");
    }
    for p in pages.iter().filter(|p| p.slug != "home") {
        assert!(
            page.html.contains(&format!("href=\"{base}{}/\"", p.slug)),
            "{}",
            p.slug
        );
        let other = sb
            .render_preview(&scope, &request(&p.slug, false))
            .await
            .expect("page preview");
        assert!(other.found);
    }
    let missing = sb
        .render_preview(&scope, &request("no-such-page", true))
        .await
        .expect("404 page");
    assert!(!missing.found);
    assert!(missing.html.contains("could not be found"));
    assert!(
        missing.html.contains(&format!("href=\"{base}\"")),
        "the way home"
    );
    let strict = sb
        .render_preview(&scope, &request("no-such-page", false))
        .await;
    assert_eq!(strict.err().map(|e| e.code()), Some("not_found"));
    let other = sb
        .render_preview(&Scope::account(8), &request("", true))
        .await;
    assert_eq!(other.err().map(|e| e.code()), Some("not_found"));
    for bad in [
        "javascript:alert(1)/",
        "/x\" onload=\"y/",
        "relative/",
        "//evil.example/",
        "/no-slash",
    ] {
        let mut r = request("", false);
        r.link_base = Some(bad.to_string());
        let err = sb.render_preview(&scope, &r).await.expect_err(bad);
        assert_eq!(err.code(), "invalid_input", "{bad}");
        assert!(err.to_string().contains("link_base"), "{err}");
    }

    let (zip, summary) = sb.export_zip(&scope, id).await.expect("zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    assert_eq!(archive.len(), summary.files.len());
    let mut index = String::new();
    archive
        .by_name("index.html")
        .expect("index.html")
        .read_to_string(&mut index)
        .expect("read");
    assert!(
        index.contains("href=\"about.html\"") || index.contains(".html\""),
        "an export links files"
    );
    store.finish().await;
}
