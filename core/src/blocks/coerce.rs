//! Schema-aligned coercion: an answer whose meaning is clear but whose shape misses the block
//! schema in a common way is mapped onto the schema instead of costing a re-ask.
//!
//! Each block's `data` is walked against its type's schema. Only unambiguous near-misses are
//! mapped, and each mapping is reported (the engine keeps them in the task log):
//! - a key that is a known synonym of exactly one missing property (`body` → `description`,
//!   `q`/`a` → `question`/`answer`, `url` → `href`, `title` → `heading` where the block has no
//!   `title`);
//! - a link written as text with both parts ("Book a table (/booking)", "[Call us](tel:…)",
//!   "Book → /booking") where a `{label, href}` object is expected;
//! - bare field names where form fields are expected ("email" → `{name, label, type,
//!   required}`);
//! - `"true"`/`"false"` where a boolean is expected, a single string where a list of strings is.
//!
//! - an empty or blank item in a list of strings is dropped;
//! - a meta title or description over its limit is cut at the last whole word that fits (search
//!   engines cut it anyway, and a re-ask of a whole site for a long meta title costs minutes with
//!   a small model);
//! - a second page typed `home` whose slug names another page (`"about"`, `"pricing"`) takes the
//!   type its slug names, or `custom`: the slug says what the page is;
//! - menu entries that name no page of the answer ("...", "Our services" with no such page) are
//!   dropped, and an empty main menu lists the pages in sitemap order, home first: a menu can
//!   only point at pages, so there is nothing else these could mean.
//!
//! A bare button label (no target) or an unknown key with no single missing property to map to
//! stays as it is: validation then asks the model again.

use serde_json::{Map, Value, json};

use super::BlockCatalogue;
use super::validate::{Limits, is_home_alias, normalize_slug};
use crate::model::PageType;

/// Property → keys models use for it instead.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "description",
        &["body", "text", "content", "desc", "details"],
    ),
    ("body", &["text", "content", "description", "paragraph"]),
    ("question", &["q", "title"]),
    ("answer", &["a", "response", "reply"]),
    ("heading", &["title", "headline", "header"]),
    ("subheading", &["subtitle", "subheadline", "tagline"]),
    ("label", &["text", "title", "name"]),
    ("href", &["url", "link", "path", "target"]),
    (
        "submit_label",
        &["submit", "submit_text", "button", "button_label"],
    ),
    ("alt", &["alt_text", "description"]),
];

/// Coerces every block of a structure (`pages[].blocks[]`) or page answer (`blocks[]`) in
/// place; returns what was mapped, one line each (empty: nothing was).
pub fn coerce_answer(
    answer: &mut Value,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Vec<String> {
    let mut log = coerce_sitemap(answer, limits);
    if let Some(pages) = answer.get_mut("pages").and_then(Value::as_array_mut) {
        for (p, page) in pages.iter_mut().enumerate() {
            if let Some(blocks) = page.get_mut("blocks").and_then(Value::as_array_mut) {
                coerce_blocks(blocks, catalogue, &format!("pages[{p}].blocks"), &mut log);
            }
        }
    }
    if let Some(blocks) = answer.get_mut("blocks").and_then(Value::as_array_mut) {
        coerce_blocks(blocks, catalogue, "blocks", &mut log);
    }
    if let Some(seo) = answer.get_mut("seo") {
        coerce_seo(seo, limits, "seo", &mut log);
    }
    log
}

/// The part of [`coerce_answer`] that needs no blocks: page types, menus and each page's search
/// metadata. The steps generation checks a sitemap with it before any page is written.
pub fn coerce_sitemap(answer: &mut Value, limits: &Limits) -> Vec<String> {
    let mut log = Vec::new();
    drop_repeated_pages(answer, &mut log);
    coerce_home_types(answer, &mut log);
    coerce_navigation(answer, &mut log);
    if let Some(pages) = answer.get_mut("pages").and_then(Value::as_array_mut) {
        for (p, page) in pages.iter_mut().enumerate() {
            if let Some(seo) = page.get_mut("seo") {
                coerce_seo(seo, limits, &format!("pages[{p}].seo"), &mut log);
            }
        }
    }
    log
}

/// Coerces one block's `data` against its type's `schema` (as [`coerce_answer`] does for every
/// block); returns what was mapped. For callers that check blocks one type at a time (the steps
/// generation checks each page as it is written).
pub fn coerce_data(data: &mut Value, schema: &Value, path: &str) -> Vec<String> {
    let mut log = Vec::new();
    coerce(data, schema, path, &mut log);
    log
}

/// Cuts a meta title or description over its limit at the last whole word that fits.
fn coerce_seo(seo: &mut Value, limits: &Limits, path: &str, log: &mut Vec<String>) {
    for (key, max) in [
        ("meta_title", limits.max_meta_title_len),
        ("meta_description", limits.max_meta_description_len),
    ] {
        let Some(text) = seo.get(key).and_then(Value::as_str) else {
            continue;
        };
        let count = text.chars().count();
        if count <= max {
            continue;
        }
        let head: String = text.chars().take(max + 1).collect();
        let cut = head
            .rfind(char::is_whitespace)
            .map_or(head.as_str(), |at| &head[..at]);
        let cut: String = if cut.trim().is_empty() {
            text.chars().take(max).collect()
        } else {
            cut.to_string()
        };
        let cut = cut
            .trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—|·".contains(c))
            .to_string();
        log.push(format!(
            "{path}.{key}: {count} characters cut to {} at a word boundary (at most {max})",
            cut.chars().count()
        ));
        seo[key] = json!(cut);
    }
}

/// Drops a page whose slug an earlier page already has: both would be served at one address,
/// so only the first can ever be seen.
fn drop_repeated_pages(answer: &mut Value, log: &mut Vec<String>) {
    let Some(pages) = answer.get_mut("pages").and_then(Value::as_array_mut) else {
        return;
    };
    let mut seen = std::collections::HashSet::new();
    let mut index = 0;
    pages.retain(|page| {
        index += 1;
        let Some(slug) = page.get("slug").and_then(Value::as_str) else {
            return true;
        };
        let mut key = normalize_slug(slug);
        if is_home_alias(&key) {
            key = "home".into();
        }
        if seen.insert(key.clone()) {
            return true;
        }
        log.push(format!(
            "pages[{}]: dropped, an earlier page has the slug \"{key}\"",
            index - 1
        ));
        false
    });
}

/// A page typed `home` after the first one, whose slug names another page, takes the type its
/// slug names (`custom` when the slug is no page type): exactly one page is the home page. When
/// no page is typed `home`, the page whose slug is `home` is the home page, and without one the
/// first page is.
fn coerce_home_types(answer: &mut Value, log: &mut Vec<String>) {
    let Some(pages) = answer.get_mut("pages").and_then(Value::as_array_mut) else {
        return;
    };
    let slug_of =
        |page: &Value| normalize_slug(page.get("slug").and_then(Value::as_str).unwrap_or(""));
    if !pages
        .iter()
        .any(|p| p.get("type").and_then(Value::as_str) == Some("home"))
    {
        let homes: Vec<usize> = (0..pages.len())
            .filter(|&i| {
                pages[i].get("type").is_some()
                    && pages[i].get("slug").is_some()
                    && is_home_alias(&slug_of(&pages[i]))
            })
            .collect();
        if let [only] = homes.as_slice() {
            log.push(format!(
                "pages[{only}].type: no page was typed \"home\"; the page with slug \"{}\" is the home page",
                slug_of(&pages[*only])
            ));
            pages[*only]["type"] = json!("home");
        } else if homes.is_empty() && pages.first().is_some_and(|p| p.get("type").is_some()) {
            // Nothing names a home page: the sitemap's first page is where a visitor lands.
            log.push(format!(
                "pages[0].type: no page is the home page; the first page (\"{}\") is",
                slug_of(&pages[0])
            ));
            pages[0]["type"] = json!("home");
        }
    }
    let mut seen_home = false;
    for (p, page) in pages.iter_mut().enumerate() {
        if page.get("type").and_then(Value::as_str) != Some("home") {
            continue;
        }
        if !seen_home {
            seen_home = true;
            continue;
        }
        let slug = slug_of(page);
        if is_home_alias(&slug) {
            continue; // two home pages: which one to keep is the model's call
        }
        let kind = PageType::ALL
            .iter()
            .map(|t| t.as_str())
            .find(|t| slug == *t)
            .unwrap_or(PageType::Custom.as_str());
        log.push(format!(
            "pages[{p}].type: a second \"home\" page with slug \"{slug}\" typed \"{kind}\""
        ));
        page["type"] = json!(kind);
    }
}

/// Entries of a main menu filled in from the sitemap when the answer's menu names no page.
const MENU_FROM_SITEMAP: usize = 6;

/// Drops menu entries that name no page of the answer; fills an empty main menu from the pages.
fn coerce_navigation(answer: &mut Value, log: &mut Vec<String>) {
    let pages: Vec<(String, String)> = answer
        .get("pages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let slug = p.get("slug")?.as_str()?.to_string();
            let title = p.get("title").and_then(Value::as_str).unwrap_or("");
            Some((slug, title.to_lowercase()))
        })
        .collect();
    let Some(site) = answer.get_mut("site").and_then(Value::as_object_mut) else {
        return;
    };
    if pages.is_empty() {
        return;
    }
    // The page an entry names: its slug, a path to it, or its title.
    let page_of = |entry: &Value| -> Option<String> {
        let raw = match entry {
            Value::String(s) => s.as_str(),
            Value::Object(o) => ["slug", "href", "path", "url"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))?,
            _ => return None,
        };
        let title = raw.trim().to_lowercase();
        let key = normalize_slug(raw);
        pages
            .iter()
            .find(|(slug, t)| normalize_slug(slug) == key || (!title.is_empty() && *t == title))
            .map(|(slug, _)| slug.clone())
    };
    for menu in ["primary_navigation", "secondary_navigation"] {
        let Some(entries) = site.get(menu).and_then(Value::as_array) else {
            continue;
        };
        let kept: Vec<Value> = entries
            .iter()
            .filter_map(|e| page_of(e).map(|slug| (e, slug)))
            .map(|(_, slug)| json!(slug))
            .collect();
        if kept.len() < entries.len() {
            log.push(format!(
                "site.{menu}: dropped {} entries that name no page of the site",
                entries.len() - kept.len()
            ));
            site.insert(menu.into(), Value::Array(kept));
        }
    }
    let empty = site
        .get("primary_navigation")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        let mut slugs: Vec<&str> = pages.iter().map(|(s, _)| s.as_str()).collect();
        if let Some(home) = slugs.iter().position(|s| *s == "home") {
            let home = slugs.remove(home);
            slugs.insert(0, home);
        }
        slugs.truncate(MENU_FROM_SITEMAP);
        log.push(format!(
            "site.primary_navigation: empty, filled with the pages in sitemap order ({})",
            slugs.join(", ")
        ));
        site.insert("primary_navigation".into(), json!(slugs));
    }
}

fn coerce_blocks(
    blocks: &mut [Value],
    catalogue: &BlockCatalogue,
    path: &str,
    log: &mut Vec<String>,
) {
    for (i, block) in blocks.iter_mut().enumerate() {
        let Some(schema) = block
            .get("type")
            .and_then(Value::as_str)
            .and_then(|t| catalogue.get(t))
            .map(|t| t.schema().clone())
        else {
            continue;
        };
        if let Some(data) = block.get_mut("data") {
            coerce(data, &schema, &format!("{path}[{i}].data"), log);
        }
    }
}

/// Maps `value` onto `schema` where the intent is unambiguous.
fn coerce(value: &mut Value, schema: &Value, path: &str, log: &mut Vec<String>) {
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        // `X or null`: coerce against the non-null branch.
        if let Some(branch) = options.iter().find(|o| o["type"] != "null")
            && !value.is_null()
        {
            coerce(value, branch, path, log);
        }
        return;
    }
    // `["object", "null"]` (strict mode's optional field) is coerced as its non-null kind.
    let kind = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        _ => None,
    };
    match kind {
        Some("object") => coerce_object(value, schema, path, log),
        Some("array") => coerce_array(value, schema, path, log),
        Some("boolean") => {
            if let Some(b) = value.as_str().and_then(|s| match s.trim() {
                "true" | "yes" => Some(true),
                "false" | "no" => Some(false),
                _ => None,
            }) {
                log.push(format!("{path}: the string {value} as a boolean"));
                *value = Value::Bool(b);
            }
        }
        _ => {}
    }
}

fn coerce_object(value: &mut Value, schema: &Value, path: &str, log: &mut Vec<String>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if let Some(text) = value.as_str() {
        if let Some(object) = text_as_object(text, properties) {
            log.push(format!(
                "{path}: the text {value} as {}",
                Value::Object(object.clone())
            ));
            *value = Value::Object(object);
        }
        return;
    }
    let Some(object) = value.as_object_mut() else {
        return;
    };
    rename_synonyms(object, properties, path, log);
    leave_out_empty_optionals(object, schema, properties, path, log);
    for (key, sub_schema) in properties {
        if let Some(sub) = object.get_mut(key) {
            coerce(sub, sub_schema, &format!("{path}.{key}"), log);
        }
    }
}

/// Removes blank text from fields that may be absent (not required, or nullable in a strict
/// schema): an empty optional field means it has nothing to say, which leaving it out says.
fn leave_out_empty_optionals(
    object: &mut Map<String, Value>,
    schema: &Value,
    properties: &Map<String, Value>,
    path: &str,
    log: &mut Vec<String>,
) {
    let required = |key: &str| {
        schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|k| k == key))
    };
    let blank: Vec<String> = object
        .iter()
        .filter(|(_, v)| v.as_str().is_some_and(|t| t.trim().is_empty()))
        .filter(|(k, _)| {
            properties
                .get(k.as_str())
                .is_some_and(|p| !required(k) || is_nullable(p))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for key in blank {
        object.remove(&key);
        log.push(format!("{path}.{key}: empty, left out"));
    }
}

/// Whether `schema` admits `null`: strict structured outputs' form of an optional field
/// (`"type": [..., "null"]`, or `anyOf` with a `null` branch).
pub(crate) fn is_nullable(schema: &Value) -> bool {
    schema["type"]
        .as_array()
        .is_some_and(|t| t.iter().any(|k| k == "null"))
        || schema["anyOf"]
            .as_array()
            .is_some_and(|o| o.iter().any(|b| b["type"] == "null"))
}

/// Renames each unknown key that is a synonym of exactly one missing property (and no other
/// unknown key claims that property).
fn rename_synonyms(
    object: &mut Map<String, Value>,
    properties: &Map<String, Value>,
    path: &str,
    log: &mut Vec<String>,
) {
    let unknown: Vec<String> = object
        .keys()
        .filter(|k| !properties.contains_key(k.as_str()))
        .cloned()
        .collect();
    for (target, aliases) in SYNONYMS {
        if !properties.contains_key(*target) || object.contains_key(*target) {
            continue;
        }
        let claims: Vec<&String> = unknown
            .iter()
            .filter(|k| aliases.contains(&k.to_ascii_lowercase().as_str()))
            .filter(|k| object.contains_key(k.as_str()))
            .collect();
        if let [only] = claims.as_slice() {
            let only = (*only).clone();
            if let Some(v) = object.remove(&only) {
                log.push(format!("{path}: \"{only}\" renamed to \"{target}\""));
                object.insert((*target).to_string(), v);
            }
        }
    }
}

fn coerce_array(value: &mut Value, schema: &Value, path: &str, log: &mut Vec<String>) {
    let items = &schema["items"];
    if let Value::String(s) = value
        && items["type"] == "string"
    {
        log.push(format!("{path}: the single string as a list"));
        *value = json!([s.clone()]);
        return;
    }
    let Some(list) = value.as_array_mut() else {
        return;
    };
    if items["type"] == "string" {
        let before = list.len();
        list.retain(|item| item.as_str().is_none_or(|s| !s.trim().is_empty()));
        if list.len() < before {
            log.push(format!(
                "{path}: dropped {} empty items",
                before - list.len()
            ));
        }
    }
    for (i, item) in list.iter_mut().enumerate() {
        coerce(item, items, &format!("{path}[{i}]"), log);
    }
}

/// A string where an object is expected: a link with both parts, or a bare form-field name.
fn text_as_object(text: &str, properties: &Map<String, Value>) -> Option<Map<String, Value>> {
    let has = |k: &str| properties.contains_key(k);
    if has("label") && has("href") && properties.len() == 2 {
        let (label, href) = split_link(text)?;
        let mut out = Map::new();
        out.insert("label".into(), json!(label));
        out.insert("href".into(), json!(href));
        return Some(out);
    }
    if has("name") && has("label") && has("type") && has("required") {
        return form_field(text);
    }
    None
}

/// "Label (/path)", "[Label](/path)", "Label -> /path", "Label → /path".
fn split_link(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let is_target = |t: &str| {
        let t = t.trim();
        !t.contains(' ')
            && ["/", "http://", "https://", "tel:", "mailto:", "#"]
                .iter()
                .any(|p| t.starts_with(p))
    };
    let (label, href) = if let Some(rest) = text.strip_prefix('[') {
        let (label, after) = rest.split_once("](")?;
        (label, after.strip_suffix(')')?)
    } else if let Some((label, href)) = text.split_once("->").or_else(|| text.split_once('→')) {
        (label, href)
    } else if text.ends_with(')') {
        let open = text.rfind('(')?;
        (&text[..open], &text[open + 1..text.len() - 1])
    } else {
        return None;
    };
    let (label, href) = (label.trim(), href.trim());
    (!label.is_empty() && is_target(href)).then(|| (label.to_string(), href.to_string()))
}

/// "Email address" → `{name: "email_address", label: "Email address", type: "email",
/// required: true}`.
fn form_field(text: &str) -> Option<Map<String, Value>> {
    let label = text.trim();
    let name: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) || label.len() > 40 {
        return None;
    }
    let kind = match () {
        _ if name.contains("email") => "email",
        _ if name.contains("phone") || name.contains("tel") || name.contains("mobile") => "tel",
        _ if ["message", "comment", "details", "notes", "question"]
            .iter()
            .any(|w| name.contains(w)) =>
        {
            "textarea"
        }
        _ if name.contains("date") => "date",
        _ if name.contains("time") => "time",
        _ => "text",
    };
    let required = name.contains("name") || name.contains("email");
    let mut label = label.to_string();
    if let Some(first) = label.get(..1) {
        label = first.to_uppercase() + &label[1..];
    }
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("label".into(), json!(label));
    out.insert("type".into(), json!(kind));
    out.insert("required".into(), json!(required));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(blocks: Value) -> Value {
        json!({"blocks": blocks, "seo": {"meta_title": "T", "meta_description": "D"}})
    }

    #[test]
    fn common_near_misses_are_mapped_and_logged() {
        let catalogue = BlockCatalogue::default();
        let mut answer = page(json!([
            {"type": "hero", "data": {"title": "Fresh bread", "cta": "Order a cake (/order)"}},
            {"type": "faq", "data": {"items": [{"q": "Parking?", "a": "On the street."}]}},
            {"type": "form", "data": {"heading": "Write", "fields": ["Name", "Email", "Message"], "submit": "Send"}},
            {"type": "services", "data": {"heading": "What we do", "items": [{"title": "Cakes", "body": "For birthdays."}]}}
        ]));
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert_eq!(answer["blocks"][0]["data"]["heading"], "Fresh bread");
        assert_eq!(
            answer["blocks"][0]["data"]["cta"],
            json!({"label": "Order a cake", "href": "/order"})
        );
        assert_eq!(
            answer["blocks"][1]["data"]["items"][0],
            json!({"question": "Parking?", "answer": "On the street."})
        );
        assert_eq!(
            answer["blocks"][2]["data"]["fields"][1],
            json!({"name": "email", "label": "Email", "type": "email", "required": true})
        );
        assert_eq!(answer["blocks"][2]["data"]["fields"][2]["type"], "textarea");
        assert_eq!(answer["blocks"][2]["data"]["submit_label"], "Send");
        assert_eq!(
            answer["blocks"][3]["data"]["items"][0]["description"],
            "For birthdays."
        );
        assert!(log.len() >= 8, "{log:#?}");
        assert!(
            log.iter()
                .any(|l| l == "blocks[1].data.items[0]: \"q\" renamed to \"question\""),
            "{log:#?}"
        );
        let checked =
            crate::blocks::validate::validate_page_content(&answer, &catalogue, &Limits::default());
        assert!(checked.is_ok(), "{checked:?}");
    }

    #[test]
    fn menus_keep_only_pages_and_an_empty_main_menu_lists_the_sitemap() {
        let catalogue = BlockCatalogue::default();
        let mut answer = json!({
            "site": {"primary_navigation": ["...", "/menu/", "About us"], "secondary_navigation": ["nowhere"]},
            "pages": [
                {"slug": "menu", "title": "Menu", "blocks": []},
                {"slug": "home", "title": "Home", "blocks": []},
                {"slug": "about", "title": "About us", "blocks": []}
            ]
        });
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert_eq!(
            answer["site"]["primary_navigation"],
            json!(["menu", "about"])
        );
        assert_eq!(answer["site"]["secondary_navigation"], json!([]));
        assert_eq!(log.len(), 2, "{log:?}");

        let mut answer = json!({
            "site": {"primary_navigation": ["..."]},
            "pages": [{"slug": "menu", "title": "Menu"}, {"slug": "home", "title": "Home"}]
        });
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert_eq!(
            answer["site"]["primary_navigation"],
            json!(["home", "menu"])
        );
        assert!(
            log.iter().any(|l| l.contains("filled with the pages")),
            "{log:?}"
        );

        // No pages: nothing to point at, so nothing is made up.
        let mut answer = json!({"site": {"primary_navigation": ["..."]}, "pages": []});
        assert!(coerce_answer(&mut answer, &catalogue, &Limits::default()).is_empty());
    }

    #[test]
    fn long_meta_text_empty_list_items_and_a_second_home_page_are_mapped() {
        let catalogue = BlockCatalogue::default();
        let title = "Ledgerly invoicing software for freelancers who send invoices and track payments every month";
        let mut answer = json!({
            "site": {"primary_navigation": ["home", "pricing"]},
            "pages": [
                {"slug": "home", "type": "home", "title": "Home", "seo": {"meta_title": title, "meta_description": "Short."}},
                {"slug": "pricing", "type": "home", "title": "Pricing", "seo": {"meta_title": "Pricing", "meta_description": "Plans."}},
                {"slug": "about", "type": "home", "title": "About", "seo": {"meta_title": "About", "meta_description": "Us."}}
            ]
        });
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        let cut = answer["pages"][0]["seo"]["meta_title"].as_str().unwrap();
        assert!(cut.chars().count() <= 70 && title.starts_with(cut), "{cut}");
        assert!(title[cut.len()..].starts_with(' '), "cut at a word: {cut}");
        assert_eq!(answer["pages"][1]["type"], "custom");
        assert_eq!(answer["pages"][2]["type"], "about");
        assert!(log.iter().any(|l| l.contains("meta_title")), "{log:#?}");
        assert!(
            log.iter().filter(|l| l.contains("second")).count() == 2,
            "{log:#?}"
        );

        // An optional field left blank is left out; a required one is not (a re-ask says so).
        let schema = json!({"type": "object", "required": ["title"], "properties": {
            "title": {"type": "string"}, "href": {"type": "string"}, "icon": {"type": ["string", "null"]}
        }});
        let mut data = json!({"title": "", "href": " ", "icon": ""});
        let log = coerce_data(&mut data, &schema, "item");
        assert_eq!(data, json!({"title": ""}), "{log:?}");
        assert_eq!(log.len(), 2, "{log:?}");

        // A list of strings loses its blank items.
        let schema = json!({"type": "object", "properties": {"points": {"type": "array", "items": {"type": "string"}}}});
        let mut data = json!({"points": ["One", " ", "", "Two"]});
        let log = coerce_data(&mut data, &schema, "data");
        assert_eq!(data["points"], json!(["One", "Two"]));
        assert_eq!(log, vec!["data.points: dropped 2 empty items".to_string()]);

        // A repeated address ("index" is the home page's too): only the first page can be
        // served there.
        let mut answer = json!({"pages": [
            {"slug": "home", "type": "blog"}, {"slug": "index", "type": "home"}, {"slug": "menu", "type": "custom"}
        ]});
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert_eq!(
            answer["pages"].as_array().map(Vec::len),
            Some(2),
            "{log:#?}"
        );
        // ... and with no page typed home, the page at "home" is the home page.
        assert_eq!(answer["pages"][0]["type"], "home", "{log:#?}");
        assert_eq!(log.len(), 2, "{log:#?}");
        // Without one, the first page is.
        let mut answer = json!({"pages": [{"slug": "classes", "type": "services"}, {"slug": "pricing", "type": "custom"}]});
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert_eq!(answer["pages"][0]["type"], "home", "{log:#?}");
        assert_eq!(answer["pages"][1]["type"], "custom", "{log:#?}");
    }

    #[test]
    fn ambiguous_shapes_are_left_for_a_re_ask() {
        let catalogue = BlockCatalogue::default();
        let original = page(json!([
            {"type": "hero", "data": {"heading": "H", "cta": "Book a table"}},
            {"type": "services", "data": {"items": [{"title": "Cakes", "body": "x", "text": "y"}]}}
        ]));
        let mut answer = original.clone();
        let log = coerce_answer(&mut answer, &catalogue, &Limits::default());
        assert!(log.is_empty(), "{log:#?}");
        assert_eq!(answer, original);
        assert_eq!(
            split_link("Call us -> tel:+351222"),
            Some(("Call us".into(), "tel:+351222".into()))
        );
        assert_eq!(
            split_link("[Menu](/menu)"),
            Some(("Menu".into(), "/menu".into()))
        );
        assert_eq!(split_link("Open (daily)"), None);
    }
}
