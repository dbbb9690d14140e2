//! Whether a structure serves a goal, and which pages a brief does not license.

use crate::model::{PageSpec, SiteStructure};
use crate::planner::goals::Goal;

/// Whether `page`'s slug or title contains one of `clues`.
pub(super) fn page_matches(page: &PageSpec, clues: &[&str]) -> bool {
    let words = format!("{} {}", page.slug, page.title).to_lowercase();
    clues.iter().any(|c| words.contains(c))
}

fn has_form(page: &PageSpec) -> bool {
    page.blocks.iter().any(|b| b.block_type == "form")
}

/// Every button of the site as (label, href, key): `cta`, `secondary_cta` and `buttons` items.
pub(super) fn buttons(structure: &SiteStructure) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for page in &structure.pages {
        for block in &page.blocks {
            collect_buttons(&block.data, "", &mut out);
        }
    }
    out
}

fn collect_buttons(value: &serde_json::Value, key: &str, out: &mut Vec<(String, String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(label), Some(href)) = (
                map.get("label").and_then(|v| v.as_str()),
                map.get("href").and_then(|v| v.as_str()),
            ) {
                out.push((label.to_string(), href.to_string(), key.to_string()));
            }
            for (k, v) in map {
                collect_buttons(v, k, out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                collect_buttons(v, key, out);
            }
        }
        _ => {}
    }
}

/// Whether the site has a page or block that serves `goal`.
pub fn serves(structure: &SiteStructure, goal: Goal) -> bool {
    let page_with = |clues: &[&str], form: bool| {
        structure
            .pages
            .iter()
            .any(|p| page_matches(p, clues) && (!form || has_form(p)))
    };
    let any_form = |words: &[&str]| {
        structure.pages.iter().any(|p| {
            p.blocks.iter().any(|b| {
                b.block_type == "form" && {
                    let text = b.data.to_string().to_lowercase();
                    words.iter().any(|w| text.contains(w))
                }
            })
        })
    };
    match goal {
        Goal::Orders => page_with(&["order"], true),
        Goal::Catering => page_with(&["catering"], false) || any_form(&["catering"]),
        Goal::Calls => buttons(structure)
            .iter()
            .any(|(_, href, _)| href.starts_with("tel:")),
        Goal::Memberships => page_with(&["membership", "pricing", "plans", "prices"], false),
        Goal::Bookings => page_with(&["book", "reserv", "availability", "appointment"], true),
        Goal::Appointments => page_with(&["appointment", "book"], true),
        Goal::Quotes => page_with(&["quote", "estimate", "enquir"], true),
        Goal::Demos => page_with(&["demo", "trial"], false),
        Goal::Donations => page_with(&["donat"], false),
        Goal::Volunteers => page_with(&["volunteer", "get involved"], false),
        Goal::Enrolment => page_with(
            &[
                "programme",
                "program",
                "course",
                "class",
                "enrol",
                "admission",
            ],
            false,
        ),
        Goal::Commissions => page_with(&["work", "portfolio", "commission", "projects"], false),
        Goal::Viewings => page_with(&["propert", "listing", "viewing"], false),
        Goal::TradeEnquiries => {
            page_with(&["product", "capabilit", "catalogue"], false)
                && (page_with(&["quote", "enquir", "contact"], true))
        }
        Goal::Subscribers => {
            page_with(&["blog", "newsletter", "articles", "journal"], false)
                || any_form(&["newsletter", "subscribe"])
        }
        Goal::OnlineSales => page_with(&["shop", "store", "product"], false),
        Goal::Hiring => page_with(&["career", "jobs", "join"], false),
    }
}

/// Pages and phrases that only fit some businesses: (what, page slug/title clues, copy phrases,
/// clues in the brief that license them).
pub(super) type Licence = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

pub(super) const LICENSED: &[Licence] = &[
    (
        "a restaurant's table booking",
        &["reserv", "table"],
        &[
            "book a table",
            "reserve a table",
            "cook for you",
            "your table",
        ],
        &[
            "restaurant",
            "café",
            "cafe",
            "bistro",
            "dine",
            "dining",
            "eat in",
            "table",
            "reservation",
            "brunch",
            " bar ",
            "tapas",
            "trattoria",
            "pizzeria",
            "eatery",
            "diner",
            "ресторан",
            "レストラン",
            "εστιατόριο",
        ],
    ),
    (
        "a software product's pages",
        &["integrations", "demo", "features"],
        &["book a demo", "your workflow"],
        &[
            "software",
            "saas",
            " app",
            "platform",
            " api",
            "subscription",
            "tool",
            "dashboard",
            "automat",
            "analytics",
        ],
    ),
    (
        "a charity's appeals",
        &["donat", "volunteer"],
        &["make a donation", "your donation"],
        &[
            "charity",
            "nonprofit",
            "non-profit",
            "donat",
            "volunteer",
            "foundation",
            "community",
            "ngo",
            "fundrais",
            "cause",
        ],
    ),
];
