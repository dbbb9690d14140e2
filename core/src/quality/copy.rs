//! The visible copy of a site: which strings count, how often they repeat, and the placeholders
//! left for the owner.

use serde::Serialize;
use serde_json::Value;

use crate::model::{Block, SiteStructure};

/// Copy strings shorter than this are labels ("Send message", "Menu") that may repeat freely.
pub const LONG_COPY: usize = 25;

/// Keys whose strings are not copy a visitor reads: links, icons, form field names, image
/// prompts, enum-like settings.
const NOT_COPY: &[&str] = &[
    "href", "icon", "name", "type", "purpose", "prompt", "src", "variant", "url", "path", "slug",
    "alt", "image",
];

/// Whether a string under `key` is copy.
pub fn is_copy_key(key: &str) -> bool {
    !NOT_COPY.contains(&key)
}

/// `text` as compared for repetition: trimmed, lower-cased, runs of whitespace made one space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A copy string and where it is: `slug/block index.type/json path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyString {
    /// Where the string is.
    pub at: String,
    /// The key the string is under (`heading`, `question`, …).
    pub key: String,
    /// The string.
    pub text: String,
}

/// Every copy string of the site's blocks, in page and block order.
pub fn copy_strings(structure: &SiteStructure) -> Vec<CopyString> {
    let mut out = Vec::new();
    for page in &structure.pages {
        for (i, block) in page.blocks.iter().enumerate() {
            let at = format!("/{}#{}.{}", page.slug, i, block.block_type);
            walk(&block.data, "", &mut |path, key, text| {
                if is_copy_key(key) {
                    out.push(CopyString {
                        at: format!("{at}{path}"),
                        key: key.to_string(),
                        text: text.to_string(),
                    });
                }
            });
        }
    }
    out
}

/// Calls `visit(path, key, text)` for each string under `value`; `image` objects are skipped
/// (their alt text and prompt describe a picture, they are not copy).
pub(crate) fn walk(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &str, &str)) {
    fn go(value: &Value, path: &str, key: &str, visit: &mut dyn FnMut(&str, &str, &str)) {
        match value {
            Value::String(s) => visit(path, key, s),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    go(v, &format!("{path}/{i}"), key, visit);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "image" {
                        continue;
                    }
                    go(v, &format!("{path}/{k}"), k, visit);
                }
            }
            _ => {}
        }
    }
    go(value, path, "", visit);
}

/// Calls `visit(key, text)` for each string under `value` (images skipped, as in
/// [`copy_strings`]).
pub fn walk_copy(value: &Value, visit: &mut dyn FnMut(&str, &str)) {
    walk(value, "", &mut |_, key, text| visit(key, text));
}

/// How much long copy repeats: (long strings, those whose text appears more than once).
pub fn repetition(strings: &[CopyString]) -> (usize, usize, Vec<String>) {
    let long: Vec<String> = strings
        .iter()
        .map(|s| normalize(&s.text))
        .filter(|t| t.chars().count() >= LONG_COPY)
        .collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for t in &long {
        *counts.entry(t.as_str()).or_default() += 1;
    }
    let repeated: usize = counts.values().filter(|c| **c > 1).sum();
    let examples = counts
        .iter()
        .filter(|(_, c)| **c > 1)
        .map(|(t, c)| format!("{c}× {t:?}"))
        .take(5)
        .collect();
    (long.len(), repeated, examples)
}

/// Something the owner must fill in: a marked placeholder (`[Add your opening hours.]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToFill {
    /// The page's slug.
    pub page: String,
    /// The block's index on the page and its type (`3.testimonials`).
    pub block: String,
    /// The JSON path inside the block's data.
    pub field: String,
    /// What to add, as the placeholder says it (brackets removed).
    pub note: String,
}

/// The marked placeholders in `text`: the contents of each `[…]`.
pub fn markers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) => {
                out.push(after[..close].trim());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

/// Every placeholder of the site, in page and block order: what the owner has to fill in
/// before publishing (copy and links; image prompts are not the owner's to fill).
pub fn to_fill(structure: &SiteStructure) -> Vec<ToFill> {
    structure
        .pages
        .iter()
        .flat_map(|page| to_fill_page(&page.slug, &page.blocks))
        .collect()
}

/// The placeholders of one page's blocks (what [`to_fill`] lists for that page).
pub fn to_fill_page(slug: &str, blocks: &[Block]) -> Vec<ToFill> {
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        walk(&block.data, "", &mut |path, _key, text| {
            for note in markers(text) {
                out.push(ToFill {
                    page: slug.to_string(),
                    block: format!("{i}.{}", block.block_type),
                    field: path.to_string(),
                    note: note.to_string(),
                });
            }
        });
    }
    out
}

/// Filler that is not in the one marked form: template leftovers, lorem ipsum, TODOs.
pub fn filler(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    const FILLER: &[&str] = &[
        "lorem ipsum",
        "todo",
        "tbd",
        "xxx",
        "{{",
        "}}",
        "<insert",
        "insert here",
        "your text here",
        "placeholder",
        "sample text",
        "(add ",
        "{name}",
        "{customers}",
        "{offer",
    ];
    FILLER
        .iter()
        .find(|f| lower.contains(*f))
        .copied()
        .or_else(|| {
            let opens = text.matches('[').count();
            (opens != text.matches(']').count()).then_some("an unclosed [")
        })
}
