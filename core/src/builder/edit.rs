//! Hand edits of a blueprint without AI: blocks (insert, move, duplicate, delete, lock, variant,
//! data) and pages (add, change slug, reorder, delete).
//!
//! An edit is pure: it turns the blueprint's content (structure and pages, as a version holds
//! it) into the next content, which the store then writes only if the blueprint is still at the
//! version the edit was based on. The structure's page entries and navigation follow the pages,
//! so the renderer, the next generation's context and the history all see one site.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::functions::blocks::BlockCatalogue;
use crate::model::{
    Block, InputLimits, PageSnapshot, PageStatus, PageType, VersionContent, check_blocks,
    check_name,
};
use crate::store::validate_slug;
use crate::{Error, Result};

fn yes() -> bool {
    true
}

/// One hand edit of a blueprint (the `action` field says which).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BlueprintEdit {
    /// Inserts a block into a page at `index` (appended when absent); its data is validated
    /// against its type's schema in the block catalogue.
    InsertBlock {
        /// The page.
        page_id: i64,
        /// Position (0 = first); absent appends.
        #[serde(default)]
        index: Option<usize>,
        /// The new block.
        block: Block,
    },
    /// Moves the block at `from` to position `to` of the same page.
    MoveBlock {
        /// The page.
        page_id: i64,
        /// Current position.
        from: usize,
        /// New position.
        to: usize,
    },
    /// Inserts a copy of the block at `index` right after it (the copy has no id and is unlocked).
    DuplicateBlock {
        /// The page.
        page_id: i64,
        /// Position of the block to copy.
        index: usize,
    },
    /// Removes the block at `index`.
    DeleteBlock {
        /// The page.
        page_id: i64,
        /// Position of the block.
        index: usize,
    },
    /// Locks the block at `index`: it keeps its content when the page is regenerated.
    LockBlock {
        /// The page.
        page_id: i64,
        /// Position of the block.
        index: usize,
    },
    /// Unlocks the block at `index`.
    UnlockBlock {
        /// The page.
        page_id: i64,
        /// Position of the block.
        index: usize,
    },
    /// Sets the visual variant of the block at `index` (`null` clears it).
    SetBlockVariant {
        /// The page.
        page_id: i64,
        /// Position of the block.
        index: usize,
        /// The variant the renderer should use.
        #[serde(default)]
        variant: Option<String>,
    },
    /// Replaces the data of the block at `index`, validated against its type's schema.
    UpdateBlockData {
        /// The page.
        page_id: i64,
        /// Position of the block.
        index: usize,
        /// The block's new data.
        data: Value,
    },
    /// Adds a page (appended, or at `position`), listed in the primary navigation unless
    /// `in_navigation` is false.
    AddPage {
        /// URL slug, unique in the blueprint.
        slug: String,
        /// Title.
        title: String,
        /// What the page is for.
        #[serde(rename = "type", default)]
        page_type: PageType,
        /// Its blocks.
        #[serde(default)]
        blocks: Vec<Block>,
        /// Position in the sitemap (0 = first); absent appends.
        #[serde(default)]
        position: Option<usize>,
        /// Whether the primary navigation lists it (default true).
        #[serde(default = "yes")]
        in_navigation: bool,
    },
    /// Changes a page's slug; the navigation and every internal link in the site's blocks
    /// (`/old`, `/old#part`, `/old?x`, and `old` in link fields) follow.
    ChangeSlug {
        /// The page.
        page_id: i64,
        /// The new slug.
        slug: String,
    },
    /// Puts the pages in the order of `page_ids` (every page of the blueprint once).
    ReorderPages {
        /// Every page id, in the new order.
        page_ids: Vec<i64>,
    },
    /// Removes a page, and its slug from the navigation.
    DeletePage {
        /// The page.
        page_id: i64,
    },
}

impl BlueprintEdit {
    /// The edit's `action` name.
    pub fn action(&self) -> &'static str {
        match self {
            BlueprintEdit::InsertBlock { .. } => "insert_block",
            BlueprintEdit::MoveBlock { .. } => "move_block",
            BlueprintEdit::DuplicateBlock { .. } => "duplicate_block",
            BlueprintEdit::DeleteBlock { .. } => "delete_block",
            BlueprintEdit::LockBlock { .. } => "lock_block",
            BlueprintEdit::UnlockBlock { .. } => "unlock_block",
            BlueprintEdit::SetBlockVariant { .. } => "set_block_variant",
            BlueprintEdit::UpdateBlockData { .. } => "update_block_data",
            BlueprintEdit::AddPage { .. } => "add_page",
            BlueprintEdit::ChangeSlug { .. } => "change_slug",
            BlueprintEdit::ReorderPages { .. } => "reorder_pages",
            BlueprintEdit::DeletePage { .. } => "delete_page",
        }
    }
}

/// The page with `page_id`, or `not_found`.
fn page_mut(content: &mut VersionContent, page_id: i64) -> Result<&mut PageSnapshot> {
    content
        .pages
        .iter_mut()
        .find(|p| p.id == Some(page_id))
        .ok_or_else(|| Error::not_found("page_blueprint", page_id))
}

/// `invalid_input` naming `edit.index` when there is no block there.
fn check_index(page: &PageSnapshot, index: usize, field: &str) -> Result<()> {
    if index < page.blocks.len() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "edit.{field}: page {} has {} blocks, so there is no block at index {index}",
            page.slug,
            page.blocks.len()
        )))
    }
}

/// Applies `edit` to `content`, checking blocks against `catalogue`.
pub(crate) fn apply(
    content: &mut VersionContent,
    edit: BlueprintEdit,
    catalogue: &BlockCatalogue,
) -> Result<()> {
    let limits = InputLimits::default();
    match edit {
        BlueprintEdit::InsertBlock {
            page_id,
            index,
            block,
        } => {
            check_blocks(
                "edit.block",
                std::slice::from_ref(&block),
                catalogue,
                &limits,
            )
            .map_err(|e| rename_field(e, "edit.block[0]: ", "edit.block."))?;
            let page = page_mut(content, page_id)?;
            let at = index.unwrap_or(page.blocks.len());
            if at > page.blocks.len() {
                return Err(Error::invalid(format!(
                    "edit.index: page {} has {} blocks; insert at 0..={}",
                    page.slug,
                    page.blocks.len(),
                    page.blocks.len()
                )));
            }
            page.blocks.insert(at, block);
            check_blocks("edit.block", &page.blocks, catalogue, &limits)?;
        }
        BlueprintEdit::MoveBlock { page_id, from, to } => {
            let page = page_mut(content, page_id)?;
            check_index(page, from, "from")?;
            check_index(page, to, "to")?;
            let block = page.blocks.remove(from);
            page.blocks.insert(to, block);
        }
        BlueprintEdit::DuplicateBlock { page_id, index } => {
            let page = page_mut(content, page_id)?;
            check_index(page, index, "index")?;
            let mut copy = page.blocks[index].clone();
            copy.id = None;
            copy.locked = false;
            page.blocks.insert(index + 1, copy);
            check_blocks("edit", &page.blocks, catalogue, &limits)?;
        }
        BlueprintEdit::DeleteBlock { page_id, index } => {
            let page = page_mut(content, page_id)?;
            check_index(page, index, "index")?;
            page.blocks.remove(index);
        }
        BlueprintEdit::LockBlock { page_id, index }
        | BlueprintEdit::UnlockBlock { page_id, index } => {
            let lock = matches!(edit, BlueprintEdit::LockBlock { .. });
            let page = page_mut(content, page_id)?;
            check_index(page, index, "index")?;
            page.blocks[index].locked = lock;
        }
        BlueprintEdit::SetBlockVariant {
            page_id,
            index,
            variant,
        } => {
            if let Some(v) = &variant {
                check_name("edit.variant", v, limits.max_name_chars)?;
            }
            let page = page_mut(content, page_id)?;
            check_index(page, index, "index")?;
            page.blocks[index].variant = variant;
        }
        BlueprintEdit::UpdateBlockData {
            page_id,
            index,
            data,
        } => {
            let page = page_mut(content, page_id)?;
            check_index(page, index, "index")?;
            let mut block = page.blocks[index].clone();
            block.data = data;
            check_blocks("edit", std::slice::from_ref(&block), catalogue, &limits)
                .map_err(|e| rename_field(e, "edit[0]: ", "edit."))?;
            page.blocks[index] = block;
        }
        BlueprintEdit::AddPage {
            slug,
            title,
            page_type,
            blocks,
            position,
            in_navigation,
        } => {
            validate_slug(&slug).map_err(|e| prefix_field(e, "edit.slug"))?;
            check_name("edit.title", &title, limits.max_name_chars)?;
            check_blocks("edit.blocks", &blocks, catalogue, &limits)?;
            if content.pages.iter().any(|p| p.slug == slug) {
                return Err(Error::conflict(format!(
                    "the blueprint already has a page with slug {slug:?}; pick another slug"
                )));
            }
            let at = position
                .unwrap_or(content.pages.len())
                .min(content.pages.len());
            content.pages.insert(
                at,
                PageSnapshot {
                    id: None,
                    slug: slug.clone(),
                    title: title.clone(),
                    page_type,
                    blocks: blocks.clone(),
                    status: PageStatus::Draft,
                    order: 0,
                },
            );
            renumber(content);
            let structure = structure_mut(&mut content.structure);
            let entries = entries_mut(structure);
            let entry = json!({"slug": slug, "title": title, "type": page_type, "blocks": blocks});
            entries.insert(at.min(entries.len()), entry);
            if in_navigation {
                nav_mut(structure, "primary_navigation").push(Value::String(slug));
            }
        }
        BlueprintEdit::ChangeSlug { page_id, slug } => {
            validate_slug(&slug).map_err(|e| prefix_field(e, "edit.slug"))?;
            if content
                .pages
                .iter()
                .any(|p| p.slug == slug && p.id != Some(page_id))
            {
                return Err(Error::conflict(format!(
                    "the blueprint already has a page with slug {slug:?}; pick another slug"
                )));
            }
            let page = page_mut(content, page_id)?;
            let old = std::mem::replace(&mut page.slug, slug.clone());
            if old == slug {
                return Ok(());
            }
            for p in &mut content.pages {
                for b in &mut p.blocks {
                    relink(&mut b.data, None, &old, &slug);
                }
            }
            if let Some(structure) = content.structure.as_object_mut() {
                if let Some(entries) = structure.get_mut("pages").and_then(Value::as_array_mut) {
                    for e in entries.iter_mut() {
                        if e.get("slug").and_then(Value::as_str) == Some(old.as_str()) {
                            e["slug"] = Value::String(slug.clone());
                        }
                        if let Some(blocks) = e.get_mut("blocks") {
                            relink(blocks, None, &old, &slug);
                        }
                    }
                }
                if let Some(site) = structure.get_mut("site").and_then(Value::as_object_mut) {
                    for nav in ["primary_navigation", "secondary_navigation"] {
                        if let Some(items) = site.get_mut(nav).and_then(Value::as_array_mut) {
                            for item in items.iter_mut() {
                                if item.as_str() == Some(old.as_str()) {
                                    *item = Value::String(slug.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
        BlueprintEdit::ReorderPages { page_ids } => {
            let mut have: Vec<i64> = content.pages.iter().filter_map(|p| p.id).collect();
            let mut given = page_ids.clone();
            have.sort_unstable();
            given.sort_unstable();
            if have != given {
                return Err(Error::invalid(format!(
                    "edit.page_ids: must list every page of the blueprint exactly once: expected ids {have:?}, got {page_ids:?}"
                )));
            }
            content.pages.sort_by_key(|p| {
                page_ids
                    .iter()
                    .position(|id| Some(*id) == p.id)
                    .unwrap_or(usize::MAX)
            });
            renumber(content);
            let order: Vec<String> = content.pages.iter().map(|p| p.slug.clone()).collect();
            if let Some(entries) = content
                .structure
                .get_mut("pages")
                .and_then(Value::as_array_mut)
            {
                entries.sort_by_key(|e| {
                    let slug = e.get("slug").and_then(Value::as_str).unwrap_or_default();
                    order.iter().position(|s| s == slug).unwrap_or(usize::MAX)
                });
            }
        }
        BlueprintEdit::DeletePage { page_id } => {
            let slug = page_mut(content, page_id)?.slug.clone();
            content.pages.retain(|p| p.id != Some(page_id));
            if let Some(structure) = content.structure.as_object_mut() {
                if let Some(entries) = structure.get_mut("pages").and_then(Value::as_array_mut) {
                    entries.retain(|e| e.get("slug").and_then(Value::as_str) != Some(&slug));
                }
                if let Some(site) = structure.get_mut("site").and_then(Value::as_object_mut) {
                    for nav in ["primary_navigation", "secondary_navigation"] {
                        if let Some(items) = site.get_mut(nav).and_then(Value::as_array_mut) {
                            items.retain(|i| i.as_str() != Some(&slug));
                        }
                    }
                }
            }
        }
    }
    sync_blocks(content);
    Ok(())
}

/// The structure's page entries carry blocks too: keep them equal to the pages' blocks.
fn sync_blocks(content: &mut VersionContent) {
    let Some(entries) = content
        .structure
        .get_mut("pages")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for e in entries.iter_mut() {
        let slug = e.get("slug").and_then(Value::as_str).unwrap_or_default();
        if let Some(page) = content.pages.iter().find(|p| p.slug == slug) {
            e["title"] = Value::String(page.title.clone());
            e["blocks"] = serde_json::to_value(&page.blocks).unwrap_or(Value::Array(vec![]));
        }
    }
}

/// Pages' `order` = their position.
fn renumber(content: &mut VersionContent) {
    for (i, p) in content.pages.iter_mut().enumerate() {
        p.order = i32::try_from(i).unwrap_or(i32::MAX);
    }
}

/// The structure as an object (a blueprint never generated has `{}`; a hand-built site gets a
/// `site` entry named after nothing yet).
fn structure_mut(structure: &mut Value) -> &mut Map<String, Value> {
    if !structure.is_object() {
        *structure = json!({});
    }
    let map = structure.as_object_mut().expect("just made an object");
    map.entry("site")
        .or_insert_with(|| json!({"name": "", "primary_navigation": []}));
    map.entry("pages").or_insert_with(|| json!([]));
    map
}

fn entries_mut(structure: &mut Map<String, Value>) -> &mut Vec<Value> {
    let entry = structure.entry("pages").or_insert_with(|| json!([]));
    if !entry.is_array() {
        *entry = json!([]);
    }
    entry.as_array_mut().expect("just made an array")
}

fn nav_mut<'a>(structure: &'a mut Map<String, Value>, nav: &str) -> &'a mut Vec<Value> {
    let site = structure.entry("site").or_insert_with(|| json!({}));
    if !site.is_object() {
        *site = json!({});
    }
    let items = site
        .as_object_mut()
        .expect("just made an object")
        .entry(nav)
        .or_insert_with(|| json!([]));
    if !items.is_array() {
        *items = json!([]);
    }
    items.as_array_mut().expect("just made an array")
}

/// Whether a key holds a link (`href`, `link`, `url`, `cta_link`, …), where a bare slug is one.
fn is_link_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("href") || k.contains("link") || k.contains("url")
}

/// `href` pointing at page `old` rewritten to `new`, or `None` when it points elsewhere.
fn moved(href: &str, bare_ok: bool, old: &str, new: &str) -> Option<String> {
    let (lead, rest) = match href.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None if bare_ok => ("", href),
        None => return None,
    };
    let tail = rest.strip_prefix(old)?;
    let tail_ok = tail.is_empty()
        || tail.starts_with(['/', '#', '?'])
        || tail == ".html"
        || tail.starts_with(".html#")
        || tail.starts_with(".html?");
    tail_ok.then(|| format!("{lead}{new}{tail}"))
}

/// Rewrites every internal link to `old` in a block's data.
fn relink(value: &mut Value, key: Option<&str>, old: &str, new: &str) {
    match value {
        Value::String(s) => {
            if let Some(to) = moved(s, key.is_some_and(is_link_key), old, new) {
                *s = to;
            }
        }
        Value::Array(items) => {
            for item in items {
                relink(item, key, old, new);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                relink(v, Some(k), old, new);
            }
        }
        _ => {}
    }
}

/// An `invalid_input` whose message names `from` renamed to `to`.
fn rename_field(e: Error, from: &str, to: &str) -> Error {
    match e {
        Error::InvalidInput { message } => Error::invalid(message.replacen(from, to, 1)),
        other => other,
    }
}

/// An `invalid_input` prefixed with the field it concerns.
fn prefix_field(e: Error, field: &str) -> Error {
    match e {
        Error::InvalidInput { message } => Error::invalid(format!("{field}: {message}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> VersionContent {
        let page = |id: i64, slug: &str, blocks: Vec<Block>| PageSnapshot {
            id: Some(id),
            slug: slug.into(),
            title: slug.into(),
            page_type: PageType::Custom,
            blocks,
            status: PageStatus::Draft,
            order: id as i32,
        };
        VersionContent {
            structure: json!({
                "site": {"name": "S", "primary_navigation": ["home", "menu"]},
                "pages": [{"slug": "home", "title": "home", "type": "home"}, {"slug": "menu", "title": "menu", "type": "custom"}],
            }),
            pages: vec![
                page(
                    1,
                    "home",
                    vec![Block::new(
                        "hero",
                        json!({"heading": "Hi", "cta": {"label": "Menu", "href": "/menu#today"}, "note": "menu"}),
                    )],
                ),
                page(2, "menu", vec![]),
            ],
        }
    }

    #[test]
    fn a_slug_change_moves_navigation_and_internal_links() {
        let mut c = content();
        let cat = BlockCatalogue::default();
        apply(
            &mut c,
            BlueprintEdit::ChangeSlug {
                page_id: 2,
                slug: "food".into(),
            },
            &cat,
        )
        .expect("change slug");
        assert_eq!(c.pages[1].slug, "food");
        assert_eq!(c.pages[0].blocks[0].data["cta"]["href"], "/food#today");
        assert_eq!(
            c.pages[0].blocks[0].data["note"], "menu",
            "plain text stays"
        );
        assert_eq!(
            c.structure["site"]["primary_navigation"],
            json!(["home", "food"])
        );
        assert_eq!(c.structure["pages"][1]["slug"], "food");
    }

    #[test]
    fn bad_block_data_names_the_field() {
        let mut c = content();
        let cat = BlockCatalogue::default();
        let err = apply(
            &mut c,
            BlueprintEdit::UpdateBlockData {
                page_id: 1,
                index: 0,
                data: json!({"heading": 42}),
            },
            &cat,
        )
        .expect_err("a number is no heading");
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("edit.data.heading"), "{err}");
        let err = apply(
            &mut c,
            BlueprintEdit::DeleteBlock {
                page_id: 1,
                index: 5,
            },
            &cat,
        )
        .expect_err("no block 5");
        assert!(err.to_string().contains("edit.index"), "{err}");
    }

    #[test]
    fn add_page_extends_navigation_and_reorder_follows_ids() {
        let mut c = content();
        let cat = BlockCatalogue::default();
        apply(
            &mut c,
            BlueprintEdit::AddPage {
                slug: "contact".into(),
                title: "Contact".into(),
                page_type: PageType::Contact,
                blocks: vec![],
                position: None,
                in_navigation: true,
            },
            &cat,
        )
        .expect("add page");
        assert_eq!(c.pages.len(), 3);
        assert_eq!(
            c.structure["site"]["primary_navigation"],
            json!(["home", "menu", "contact"])
        );
        apply(
            &mut c,
            BlueprintEdit::ReorderPages {
                page_ids: vec![2, 1],
            },
            &cat,
        )
        .expect("reorder");
        let slugs: Vec<&str> = c.pages.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["menu", "home", "contact"]);
        assert_eq!(c.structure["pages"][0]["slug"], "menu");
        apply(
            &mut c,
            BlueprintEdit::ReorderPages { page_ids: vec![2] },
            &cat,
        )
        .expect_err("every page once");
    }
}
