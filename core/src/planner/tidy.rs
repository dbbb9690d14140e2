//! The last pass over a planned site: copy that already appeared on an earlier page is dropped
//! from item lists, so the site does not say the same thing twice (the quality rubric allows at
//! most 5 % repeated long copy, and the planner aims for none).

use serde_json::Value;

use crate::quality::{LONG_COPY, is_copy_key, normalize};

/// Block types whose content is their items: without items the block says nothing.
const LISTS: &[&str] = &[
    "faq",
    "accordion",
    "features",
    "services",
    "grid",
    "list",
    "testimonials",
    "stats",
];

/// Drops, from each block's `items`, those repeating long copy seen earlier in the site, and
/// list blocks left with no items. Locked pages are the owner's and stay as they are.
pub(super) fn drop_repeats(pages: &mut [Value], locked: &[bool]) {
    let mut seen = std::collections::HashSet::new();
    for (page, locked) in pages.iter_mut().zip(locked.iter().copied()) {
        let Some(blocks) = page.get_mut("blocks").and_then(Value::as_array_mut) else {
            continue;
        };
        if locked {
            for b in blocks.iter() {
                seen.extend(long_copy(b.get("data").unwrap_or(&Value::Null)));
            }
            continue;
        }
        blocks.retain_mut(|block| {
            let is_list = block
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| LISTS.contains(&t));
            let Some(data) = block.get_mut("data") else {
                return true;
            };
            if let Some(items) = data.get_mut("items").and_then(Value::as_array_mut) {
                items.retain(|item| {
                    let copy = long_copy(item);
                    let fresh = copy.iter().all(|c| !seen.contains(c));
                    if fresh {
                        seen.extend(copy);
                    }
                    fresh
                });
                if items.is_empty() && is_list {
                    return false;
                }
            }
            let rest: Vec<String> = match data {
                Value::Object(map) => map
                    .iter()
                    .filter(|(k, _)| k.as_str() != "items")
                    .flat_map(|(_, v)| long_copy(v))
                    .collect(),
                _ => Vec::new(),
            };
            seen.extend(rest);
            true
        });
    }
}

/// The long copy strings under `value`, normalised.
fn long_copy(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    crate::quality::walk_copy(value, &mut |key, text| {
        let t = normalize(text);
        // A question is never asked twice, however short.
        if is_copy_key(key) && (t.chars().count() >= LONG_COPY || key == "question") {
            out.push(t);
        }
    });
    out
}
