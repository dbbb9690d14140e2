use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;
use crate::ProviderConfig;

async fn builder() -> SiteBuilder {
    SiteBuilder::builder()
        .database_url("memory:")
        .provider(ProviderConfig::Offline)
        .build()
        .await
        .expect("opens")
}

#[test]
fn names_are_unique_snake_case_and_routes_unique() {
    let ops = catalogue();
    let names: BTreeSet<_> = ops.iter().map(|o| o.name).collect();
    assert_eq!(names.len(), ops.len(), "duplicate operation names");
    let mut routes = BTreeSet::new();
    for op in &ops {
        assert!(
            op.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{} is not snake_case",
            op.name
        );
        assert!(!op.doc.is_empty(), "{} has no doc", op.name);
        if let Some(http) = op.http {
            assert!(
                routes.insert((http.method, http.path)),
                "{} repeats route {} {}",
                op.name,
                http.method,
                http.path
            );
            assert_eq!(
                http.method == "GET",
                op.read_only,
                "{}: GET iff read-only",
                op.name
            );
        }
    }
}

#[test]
fn every_argument_and_path_field_is_a_request_field() {
    for op in catalogue() {
        let props = op.request["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut fields: Vec<String> = op.args.iter().map(|a| a.to_string()).collect();
        if let Some(http) = op.http {
            fields.extend(
                http.path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .map(str::to_string),
            );
        }
        for field in fields {
            let field = if field == "scope" {
                "account_id".into()
            } else {
                field
            };
            assert!(
                props.contains_key(&field),
                "{}: {field} is not a request field",
                op.name
            );
        }
    }
}

#[test]
fn camel_case_names() {
    assert_eq!(camel_case("generate_all_pages"), "generateAllPages");
    assert_eq!(camel_case("task"), "task");
}

#[tokio::test]
async fn call_runs_an_operation_from_json() {
    let sb = builder().await;
    sb.call("grant_credits", json!({"account_id": 1, "amount": 100}))
        .await
        .expect("grants");
    assert_eq!(
        sb.call("balance", json!({"account_id": 1}))
            .await
            .expect("balance"),
        json!(100)
    );
    let bp = sb
        .call("create_blueprint", json!({"account_id": 1, "site_id": 5, "name": "Casa", "config": {"business_brief": "A trattoria"}}))
        .await
        .expect("creates");
    assert_eq!(bp["site_id"], json!(5));
    let id = bp["id"].clone();
    let page = sb
        .call(
            "create_page",
            json!({"account_id": 1, "blueprint_id": id, "slug": "home", "title": "Home"}),
        )
        .await
        .expect("page");
    let pages = sb
        .call(
            "reorder_pages",
            json!({"account_id": 1, "blueprint_id": id, "page_ids": [page["id"]]}),
        )
        .await
        .expect("reorders");
    assert_eq!(pages.as_array().map(Vec::len), Some(1));
    let ledger = sb
        .call("list_transactions", json!({"account_id": 1}))
        .await
        .expect("ledger");
    assert_eq!(ledger[0]["amount"], json!(100));
    let listed = sb
        .call("list_blueprints", json!({"account_id": 1}))
        .await
        .expect("lists");
    assert_eq!(listed["items"][0]["id"], id);
    assert_eq!(
        sb.call(
            "delete_blueprint",
            json!({"account_id": 1, "blueprint_id": id})
        )
        .await
        .expect("deletes"),
        Value::Null
    );
}

#[tokio::test]
async fn bad_requests_are_typed_errors() {
    let sb = builder().await;
    let err = sb.call("no_such_op", json!({})).await.expect_err("unknown");
    assert_eq!(err.code(), "not_found");
    let err = sb
        .call("get_blueprint", json!({"account_id": 1}))
        .await
        .expect_err("missing field");
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("blueprint_id"), "{err}");
    let err = sb
        .call("get_blueprint", json!({"account_id": 1, "blueprint_id": 9}))
        .await
        .expect_err("absent");
    assert_eq!(
        serde_json::to_value(&err).expect("serialises")["entity"],
        json!("site_blueprint")
    );
}

#[test]
fn errors_serialise_their_fields() {
    let err = Error::InsufficientCredits {
        required: 50,
        available: 10,
    };
    let v = serde_json::to_value(&err).expect("serialises");
    assert_eq!(v["code"], json!("insufficient_credits"));
    assert_eq!(v["required"], json!(50));
    assert_eq!(v["available"], json!(10));
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("50 required"))
    );
}

#[test]
fn catalogue_exports_as_json() {
    let doc = catalogue_json();
    let ops = doc["operations"].as_array().expect("list");
    let metadata = ops
        .iter()
        .find(|o| o["name"] == "metadata")
        .expect("metadata");
    assert_eq!(metadata["http"]["path"], json!("metadata/"));
    assert!(metadata["response"]["properties"]["business_types"].is_object());
}

/// `core/catalogue.json` is what the bindings' generators and parity tests read; it must match the
/// code. `SITEBUILDER_BLESS=1 cargo test -p sitebuilder --lib ops::` rewrites it.
#[test]
fn catalogue_file_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue.json");
    let fresh = serde_json::to_string_pretty(&catalogue_json()).expect("encodes") + "\n";
    if std::env::var_os("SITEBUILDER_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("writes catalogue.json");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "core/catalogue.json is out of date: run SITEBUILDER_BLESS=1 cargo test -p sitebuilder --lib ops::"
    );
}

#[test]
fn openapi_lists_every_http_route() {
    let doc = openapi();
    assert_eq!(doc["openapi"], json!("3.1.0"));
    let served = catalogue().iter().filter(|o| o.http.is_some()).count();
    let listed: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|p| p.as_object().map_or(0, |m| m.len()))
        .sum();
    // + the HTML preview (home and page) and the zip download, served outside the JSON
    // catalogue, and the `stream/` twin of every streaming run's route.
    let streamed = catalogue()
        .iter()
        .filter(|o| o.http.is_some() && o.streams)
        .count();
    assert!(streamed >= 1);
    assert_eq!(listed, served + 3 + streamed);
    let stream = &doc["paths"]["/api/v1/site-builder/blueprints/{blueprint_id}/generate_structure/stream/"]
        ["post"];
    assert!(stream["responses"]["200"]["content"]["text/event-stream"].is_object());
    assert_eq!(stream["operationId"], json!("stream_generate_structure"));
    assert!(stream["requestBody"].is_object());
    let preview =
        &doc["paths"]["/api/v1/site-builder/blueprints/{blueprint_id}/preview/{slug}/"]["get"];
    assert!(preview["responses"]["200"]["content"]["text/html"].is_object());
    let export = &doc["paths"]["/api/v1/site-builder/blueprints/{blueprint_id}/export/"]["get"];
    assert!(export["responses"]["200"]["content"]["application/zip"].is_object());
    // Every reference resolves inside the document (Schemathesis refuses `#/$defs/...`).
    let text = doc.to_string();
    assert!(!text.contains("#/$defs/"), "unhoisted $defs reference");
    for name in text.split("#/components/schemas/").skip(1) {
        let name = name.split('"').next().expect("a name");
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
    // Writes document the Idempotency-Key header.
    let create = &doc["paths"]["/api/v1/site-builder/blueprints/"]["post"];
    assert!(
        create["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
    );
    let pages = &doc["paths"]["/api/v1/site-builder/blueprints/{blueprint_id}/pages/"]["get"];
    assert!(
        pages["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["count"]
            .is_object()
    );
}
