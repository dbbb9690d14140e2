//! The cases of the storage suite and the helpers they share.
#![allow(unreachable_pub)]

mod blueprints;
mod credits;
mod idempotency;
mod isolation;
mod options;
mod pages;
mod structure;
mod tasks;

pub use blueprints::*;
pub use credits::*;
pub use idempotency::*;
pub use isolation::*;
pub use options::*;
pub use pages::*;
pub use structure::*;
pub use tasks::*;

use std::fmt::Debug;
use std::sync::Arc;

use serde_json::json;
use sitebuilder::Error;
use sitebuilder::credits::{Capture, TransactionType, UsageRecord};
use sitebuilder::model::{
    Block, NewBlueprint, NewPage, PageBlueprint, PageSpec, PageStatus, PageType, Scope, Seo,
    SiteBlueprint, SiteInfo, SiteStructure,
};
use sitebuilder::store::Storage;

/// The store under test.
pub type Store = Arc<dyn Storage>;

/// The account most cases act for.
pub const A: i64 = 1001;
/// Another account that must never see A's rows.
pub const B: i64 = 2002;

/// Account A with a site and a sector, as the seed's tables demand.
pub fn scope_a() -> Scope {
    Scope::account(A).with_site(11).with_sector(111)
}

/// Account B with its own site and sector.
pub fn scope_b() -> Scope {
    Scope::account(B).with_site(22).with_sector(222)
}

/// Asserts `result` failed with `code` and returns the error.
#[track_caller]
pub fn expect_err<T: Debug>(result: sitebuilder::Result<T>, code: &str) -> Error {
    match result {
        Ok(v) => panic!("expected error {code}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.code(), code, "expected {code}, got {e:?}");
            e
        }
    }
}

/// Asserts `result` is `NotFound` for `entity`.
#[track_caller]
pub fn expect_not_found<T: Debug>(result: sitebuilder::Result<T>, entity: &str) {
    match expect_err(result, "not_found") {
        Error::NotFound { entity: e, .. } => assert_eq!(e, entity),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// Creates a blueprint in `scope` named `name`.
pub async fn blueprint(store: &Store, scope: &Scope, name: &str) -> SiteBlueprint {
    store
        .create_blueprint(scope, NewBlueprint::new(name, format!("brief of {name}")))
        .await
        .expect("creating a blueprint")
}

/// A new page with one hero block.
pub fn new_page(slug: &str, page_type: PageType) -> NewPage {
    NewPage {
        slug: slug.to_string(),
        title: format!("Title of {slug}"),
        page_type,
        blocks: vec![Block::new(
            "hero",
            json!({"heading": format!("Welcome to {slug}")}),
        )],
        status: PageStatus::Draft,
        order: None,
    }
}

/// Creates pages with the given slugs (first is `home`-typed) and returns them.
pub async fn pages(
    store: &Store,
    scope: &Scope,
    blueprint_id: i64,
    slugs: &[&str],
) -> Vec<PageBlueprint> {
    let mut out = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        let kind = if i == 0 {
            PageType::Home
        } else {
            PageType::Custom
        };
        out.push(
            store
                .create_page(scope, blueprint_id, new_page(slug, kind))
                .await
                .expect("creating a page"),
        );
    }
    out
}

/// A structure whose pages have the given slugs, with SEO per page.
pub fn structure(name: &str, slugs: &[&str]) -> SiteStructure {
    SiteStructure {
        site: SiteInfo {
            name: name.to_string(),
            tagline: format!("{name} tagline"),
            tone: "warm".to_string(),
            layout: "default".to_string(),
            primary_navigation: slugs.iter().map(|s| s.to_string()).collect(),
            secondary_navigation: vec![],
            hero_message: format!("{name} hero"),
        },
        pages: slugs
            .iter()
            .enumerate()
            .map(|(i, slug)| PageSpec {
                slug: slug.to_string(),
                title: format!("{name} {slug}"),
                page_type: if i == 0 {
                    PageType::Home
                } else {
                    PageType::Custom
                },
                objective: format!("objective of {slug}"),
                primary_cta: "Contact us".to_string(),
                seo: Seo {
                    meta_title: format!("{slug} | {name}"),
                    meta_description: format!("About {slug}"),
                },
                blocks: vec![Block::new("text", json!({"heading": slug}))],
            })
            .collect(),
        extra: serde_json::Map::new(),
    }
}

/// Pages to save with a structure: one per slug, titled after the structure's name.
pub fn structure_pages(name: &str, slugs: &[&str]) -> Vec<NewPage> {
    slugs
        .iter()
        .enumerate()
        .map(|(i, slug)| NewPage {
            slug: slug.to_string(),
            title: format!("{name} {slug}"),
            page_type: if i == 0 {
                PageType::Home
            } else {
                PageType::Custom
            },
            blocks: vec![
                Block::new("hero", json!({"heading": format!("{name} {slug}")})),
                Block::new("text", json!({"body": format!("generated by {name}")})),
            ],
            status: PageStatus::Ready,
            order: None,
        })
        .collect()
}

/// A capture of the hold `reference` for a structure generation.
pub fn capture(reference: &str, credits: i64) -> Capture {
    Capture {
        reference: reference.to_string(),
        usage: UsageRecord {
            operation_type: "site_structure_generation".to_string(),
            credits_used: credits,
            cost_usd: 0.00123,
            model_used: "gpt-4o-mini".to_string(),
            tokens_input: 1200,
            tokens_output: 800,
            related_object_type: Some("site_blueprint".to_string()),
            related_object_id: Some(42),
            metadata: json!({"task_id": reference}),
        },
        description: format!("structure generation {reference}"),
    }
}

/// Grants `amount` purchase credits to `account`.
pub async fn grant(store: &Store, account: i64, amount: i64) {
    store
        .grant_credits(
            account,
            amount,
            TransactionType::Purchase,
            "test grant",
            None,
        )
        .await
        .expect("granting credits");
}

/// Checks the ledger invariants of `account`: every row's `balance_after` is the running sum
/// of amounts, the sum is the balance, and the balance never went below zero. Returns the balance.
pub async fn assert_ledger_consistent(store: &Store, account: i64) -> i64 {
    let balance = store.balance(account).await.expect("reading the balance");
    let txs = store
        .list_transactions(account)
        .await
        .expect("listing transactions");
    let mut running = 0;
    for t in &txs {
        assert_eq!(t.account_id, account);
        running += t.amount;
        assert_eq!(t.balance_after, running, "balance_after of {t:?}");
        assert!(running >= 0, "balance went negative at {t:?}");
    }
    assert_eq!(running, balance, "ledger sum differs from the balance");
    assert!(balance >= 0);
    balance
}

/// Everything stored for a blueprint, to compare before and after a failing call.
pub async fn snapshot(
    store: &Store,
    scope: &Scope,
    blueprint_id: i64,
) -> (SiteBlueprint, Vec<PageBlueprint>) {
    (
        store
            .get_blueprint(scope, blueprint_id)
            .await
            .expect("reading the blueprint"),
        store
            .list_pages(scope, blueprint_id)
            .await
            .expect("listing pages"),
    )
}
