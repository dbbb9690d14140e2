//! Checks a model's answer and turns it into a [`SiteStructure`] or [`PageContent`].
//!
//! Parsing is lenient where the intent is unambiguous (slugs are normalised, `/about` in the
//! navigation means `about`, `null` means absent, block fields written beside `data` are moved
//! into it) and strict where guessing would hide a mistake. Every rejection is a path-qualified
//! sentence (`pages[2].blocks[0]: unknown block type "carousel"; use one of …`) so the list can be
//! sent back to the model as is when it is re-asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{BlockCatalogue, kind_of};
use crate::model::{Block, PageSpec, PageType, Seo, SiteStructure};

/// Size bounds of an answer; a model that exceeds them is re-asked, a host can loosen them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Pages in a structure.
    pub max_pages: usize,
    /// Blocks on one page.
    pub max_blocks_per_page: usize,
    /// Entries in each navigation menu.
    pub max_nav_items: usize,
    /// Characters of a slug.
    pub max_slug_len: usize,
    /// Characters of the site name and of page titles.
    pub max_title_len: usize,
    /// Characters of one-line fields: tagline, tone, hero message, objective, primary CTA.
    pub max_line_len: usize,
    /// Characters of any one string inside block data.
    pub max_text_len: usize,
    /// Characters of `seo.meta_title` (search engines show about 60; a little slack saves a re-ask).
    pub max_meta_title_len: usize,
    /// Characters of `seo.meta_description` (search engines show about 155).
    pub max_meta_description_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 30,
            max_blocks_per_page: 24,
            max_nav_items: 12,
            max_slug_len: 80,
            max_title_len: 120,
            max_line_len: 300,
            max_text_len: 5000,
            max_meta_title_len: 70,
            max_meta_description_len: 170,
        }
    }
}

/// A page-content answer: the page's blocks and its search metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageContent {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// Search metadata.
    pub seo: Seo,
}

/// Normalises a slug: lowercase ASCII, accents folded, spaces, `_`, `/` and `.` to `-`, other
/// characters dropped, dashes collapsed. `/`, `` and `index` come out as `""` and `index`; callers
/// map those to the home page.
pub fn normalize_slug(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches('/');
    let trimmed = [".html", ".htm", ".php"]
        .iter()
        .find_map(|ext| trimmed.strip_suffix(ext))
        .unwrap_or(trimmed);
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            ' ' | '_' | '-' | '/' | '.' | '\t' => out.push('-'),
            other => out.push_str(fold_accent(other)),
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if c != '-' || !collapsed.ends_with('-') {
            collapsed.push(c);
        }
    }
    collapsed.trim_matches('-').to_string()
}

/// ASCII for the accented Latin letters of common business names; anything else is dropped.
fn fold_accent(c: char) -> &'static str {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāă", "a"),
        ("çćč", "c"),
        ("ďđ", "d"),
        ("èéêëēėęě", "e"),
        ("ìíîïī", "i"),
        ("łľ", "l"),
        ("ñńň", "n"),
        ("òóôõöøō", "o"),
        ("řŕ", "r"),
        ("śšş", "s"),
        ("ťţ", "t"),
        ("ùúûüūů", "u"),
        ("ýÿ", "y"),
        ("žźż", "z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("œ", "oe"),
        ("&", "and"),
    ];
    TABLE
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or("", |(_, to)| to)
}

/// A slug that names the home page once normalised.
pub(crate) fn is_home_alias(slug: &str) -> bool {
    matches!(slug, "" | "home" | "index" | "home-page" | "homepage")
}

/// Checks a structure answer and returns it normalised, or every problem found.
pub fn validate_structure(
    value: &Value,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Result<SiteStructure, Vec<String>> {
    let mut cx = Checker {
        catalogue,
        limits,
        errors: Vec::new(),
    };
    let Some(root) = unwrap_root(value, "pages") else {
        return Err(vec![format!(
            "answer: expected a JSON object with \"site\" and \"pages\", got {}",
            kind_of(value)
        )]);
    };
    let site_value = match root.get("site") {
        Some(Value::Object(site)) => site.clone(),
        other => {
            cx.error(format!(
                "site: expected an object with name, tagline, tone, layout, primary_navigation, secondary_navigation and hero_message, got {}",
                other.map_or("nothing", kind_of)
            ));
            Map::new()
        }
    };
    let pages_value = match root.get("pages") {
        Some(Value::Array(pages)) => pages.as_slice(),
        other => {
            cx.error(format!(
                "pages: expected an array of pages, got {}",
                other.map_or("nothing", kind_of)
            ));
            &[]
        }
    };
    if pages_value.is_empty() && root.get("pages").is_some_and(Value::is_array) {
        cx.error("pages: empty; a site needs at least a home page".to_string());
    }
    if pages_value.len() > limits.max_pages {
        cx.error(format!(
            "pages: {} pages, at most {} are allowed; merge or drop the least important",
            pages_value.len(),
            limits.max_pages
        ));
    }

    // Slugs first: navigation and links are checked against the final set.
    let mut pages = Vec::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut home: Option<usize> = None;
    for (i, page) in pages_value.iter().enumerate() {
        let path = format!("pages[{i}]");
        let Some(obj) = page.as_object() else {
            cx.error(format!(
                "{path}: expected a page object, got {}",
                kind_of(page)
            ));
            continue;
        };
        let title = cx.string(obj, "title", &path, true, limits.max_title_len);
        let page_type = cx.page_type(obj, &path);
        let raw_slug = cx.string(obj, "slug", &path, false, usize::MAX);
        let mut slug = normalize_slug(&raw_slug);
        if page_type == Some(PageType::Home) {
            if let Some(first) = home {
                cx.error(format!(
                    "{path}.type: a second home page (the first is pages[{first}]); exactly one page has type \"home\""
                ));
            } else {
                home = Some(i);
                if !is_home_alias(&slug) {
                    aliases.insert(slug.clone(), "home".into());
                }
                slug = "home".into();
            }
        } else if is_home_alias(&slug) && !raw_slug.trim().is_empty() {
            cx.error(format!(
                "{path}.slug: {raw_slug:?} is reserved for the page of type \"home\"; give this page its own slug"
            ));
        } else if slug.is_empty() {
            slug = normalize_slug(&title);
            if slug.is_empty() {
                cx.error(format!(
                    "{path}.slug: missing; use lowercase words joined by '-'"
                ));
            }
        }
        if slug.chars().count() > limits.max_slug_len {
            cx.error(format!(
                "{path}.slug: longer than {} characters; shorten it",
                limits.max_slug_len
            ));
        }
        if !slug.is_empty() {
            if let Some(first) = seen.get(&slug) {
                cx.error(format!(
                    "{path}.slug: {slug:?} is already used by pages[{first}]; every page needs its own slug"
                ));
            } else {
                seen.insert(slug.clone(), i);
            }
        }
        pages.push((i, obj, slug, title, page_type));
    }
    if home.is_none() && !pages_value.is_empty() {
        cx.error(
            "pages: no page has type \"home\"; add exactly one home page with slug \"home\"".into(),
        );
    }
    let slugs: Vec<String> = seen.keys().cloned().collect();
    let resolve_fn = |raw: &str| -> Option<String> {
        let s = normalize_slug(raw);
        let s = aliases.get(&s).cloned().unwrap_or(s);
        let s = if is_home_alias(&s) {
            "home".to_string()
        } else {
            s
        };
        seen.contains_key(&s).then_some(s)
    };
    let resolve: &Resolve<'_> = &resolve_fn;

    let site = cx.site(&site_value, &slugs, resolve);
    let mut specs = Vec::new();
    for (i, obj, slug, title, page_type) in pages {
        let path = format!("pages[{i}]");
        let objective = cx.string(obj, "objective", &path, false, limits.max_line_len);
        let primary_cta = cx.string(obj, "primary_cta", &path, false, limits.max_line_len);
        let seo = cx.seo(obj.get("seo"), &format!("{path}.seo"), false);
        let blocks = cx.blocks(
            obj.get("blocks"),
            &format!("{path}.blocks"),
            Some((slugs.as_slice(), resolve)),
        );
        if let Some(page_type) = page_type {
            specs.push(PageSpec {
                slug,
                title,
                page_type,
                objective,
                primary_cta,
                seo,
                blocks,
            });
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let extra = root
        .iter()
        .filter(|(k, _)| k.as_str() != "site" && k.as_str() != "pages")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(SiteStructure {
        site,
        pages: specs,
        extra,
    })
}

/// Checks one page of a structure answer on its own, as it streams in (`index` names it in
/// errors): the same field, slug and block checks as [`validate_structure`], without those that
/// need the whole answer (unique slugs, one home page, internal links). The final validation of
/// the whole answer still decides what is saved; this only says whether a page is worth showing.
pub fn validate_page(
    value: &Value,
    index: usize,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Result<PageSpec, Vec<String>> {
    let mut cx = Checker {
        catalogue,
        limits,
        errors: Vec::new(),
    };
    let path = format!("pages[{index}]");
    let Some(obj) = value.as_object() else {
        return Err(vec![format!(
            "{path}: expected a page object, got {}",
            kind_of(value)
        )]);
    };
    let title = cx.string(obj, "title", &path, true, limits.max_title_len);
    let page_type = cx.page_type(obj, &path);
    let raw_slug = cx.string(obj, "slug", &path, false, usize::MAX);
    let mut slug = normalize_slug(&raw_slug);
    if page_type == Some(PageType::Home) {
        slug = "home".into();
    } else if is_home_alias(&slug) && !raw_slug.trim().is_empty() {
        cx.error(format!(
            "{path}.slug: {raw_slug:?} is reserved for the page of type \"home\"; give this page its own slug"
        ));
    } else if slug.is_empty() {
        slug = normalize_slug(&title);
        if slug.is_empty() {
            cx.error(format!(
                "{path}.slug: missing; use lowercase words joined by '-'"
            ));
        }
    }
    if slug.chars().count() > limits.max_slug_len {
        cx.error(format!(
            "{path}.slug: longer than {} characters; shorten it",
            limits.max_slug_len
        ));
    }
    let objective = cx.string(obj, "objective", &path, false, limits.max_line_len);
    let primary_cta = cx.string(obj, "primary_cta", &path, false, limits.max_line_len);
    let seo = cx.seo(obj.get("seo"), &format!("{path}.seo"), false);
    let blocks = cx.blocks(obj.get("blocks"), &format!("{path}.blocks"), None);
    match page_type {
        Some(page_type) if cx.errors.is_empty() => Ok(PageSpec {
            slug,
            title,
            page_type,
            objective,
            primary_cta,
            seo,
            blocks,
        }),
        _ => Err(cx.errors),
    }
}

/// Checks a page-content answer (`{"blocks": […], "seo": {…}}`).
pub fn validate_page_content(
    value: &Value,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Result<PageContent, Vec<String>> {
    let mut cx = Checker {
        catalogue,
        limits,
        errors: Vec::new(),
    };
    let Some(root) = unwrap_root(value, "blocks") else {
        return Err(vec![format!(
            "answer: expected a JSON object with \"blocks\" and \"seo\", got {}",
            kind_of(value)
        )]);
    };
    let blocks = cx.blocks(root.get("blocks"), "blocks", None);
    // Some models put the two SEO fields at the top level; the intent is clear.
    let seo_value = root.get("seo").cloned().or_else(|| {
        root.contains_key("meta_title").then(|| {
            serde_json::json!({"meta_title": root["meta_title"], "meta_description": root.get("meta_description")})
        })
    });
    let seo = cx.seo(seo_value.as_ref(), "seo", true);
    if cx.errors.is_empty() {
        Ok(PageContent { blocks, seo })
    } else {
        Err(cx.errors)
    }
}

/// Validates a regenerated page's answer: `{"blocks": [...]}` (an `seo` beside it is ignored:
/// a regeneration changes the page's copy, not its metadata).
pub fn validate_regenerated_blocks(
    value: &Value,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Result<Vec<Block>, Vec<String>> {
    let mut cx = Checker {
        catalogue,
        limits,
        errors: Vec::new(),
    };
    let Some(root) = unwrap_root(value, "blocks") else {
        return Err(vec![format!(
            "answer: expected a JSON object with \"blocks\", got {}",
            kind_of(value)
        )]);
    };
    let blocks = cx.blocks(root.get("blocks"), "blocks", None);
    if cx.errors.is_empty() {
        Ok(blocks)
    } else {
        Err(cx.errors)
    }
}

/// Validates a regenerated block's answer, `{"block": {"type", "data"}}` (a bare block object
/// is taken too): its type must stay `block_type` and its data pass that type's schema.
pub fn validate_regenerated_block(
    value: &Value,
    block_type: &str,
    catalogue: &BlockCatalogue,
    limits: &Limits,
) -> Result<Block, Vec<String>> {
    let mut cx = Checker {
        catalogue,
        limits,
        errors: Vec::new(),
    };
    let block = match value.get("block") {
        Some(inner) => inner.clone(),
        None if value.get("type").is_some() || value.get("data").is_some() => value.clone(),
        None => {
            return Err(vec![format!(
                "answer: expected a JSON object with \"block\", got {}",
                kind_of(value)
            )]);
        }
    };
    // A model that leaves the type out means the block it was given.
    let block = match block {
        Value::Object(mut map) if !map.contains_key("type") && !map.contains_key("block_type") => {
            map.insert("type".into(), Value::String(block_type.to_string()));
            Value::Object(map)
        }
        other => other,
    };
    let mut blocks = cx.blocks(Some(&Value::Array(vec![block])), "block", None);
    if let Some(b) = blocks.first()
        && b.block_type != block_type
    {
        cx.error(format!(
            "block.type: must stay {block_type:?} (the block being regenerated), got {:?}",
            b.block_type
        ));
    }
    match (cx.errors.is_empty(), blocks.pop()) {
        (true, Some(b)) => Ok(b),
        (_, _) => Err(cx.errors),
    }
}

/// The answer object; a single wrapper key (`{"structure": {...}}`) around it is looked through.
fn unwrap_root<'a>(value: &'a Value, marker: &str) -> Option<&'a Map<String, Value>> {
    let obj = value.as_object()?;
    if !obj.contains_key(marker)
        && obj.len() == 1
        && let Some(inner) = obj.values().next().and_then(Value::as_object)
        && inner.contains_key(marker)
    {
        return Some(inner);
    }
    Some(obj)
}

mod checker;
use checker::{Checker, Resolve};

#[cfg(test)]
mod tests;
