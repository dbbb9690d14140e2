//! A blueprint's history: the versions its changes recorded, and what differs between two.
//!
//! Every write that changes a blueprint's structure or pages bumps its `version` and stores the
//! content after the change, so any earlier state can be inspected, compared and restored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Block, PageBlueprint, PageStatus, PageType, Scope};

/// One page as a version holds it (and as a content write gives it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageSnapshot {
    /// The page's id when it was recorded; a write with `None` (or an id the blueprint no longer
    /// has) creates the page.
    #[serde(default)]
    pub id: Option<i64>,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// What the page is for.
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// Blocks in order.
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Lifecycle status.
    #[serde(default)]
    pub status: PageStatus,
    /// Position in the sitemap.
    #[serde(default)]
    pub order: i32,
}

impl From<&PageBlueprint> for PageSnapshot {
    fn from(p: &PageBlueprint) -> Self {
        PageSnapshot {
            id: Some(p.id),
            slug: p.slug.clone(),
            title: p.title.clone(),
            page_type: p.page_type,
            blocks: p.blocks.clone(),
            status: p.status,
            order: p.order,
        }
    }
}

impl From<PageSnapshot> for super::NewPage {
    /// The page a content write makes of a snapshot (at the snapshot's position).
    fn from(p: PageSnapshot) -> Self {
        super::NewPage {
            slug: p.slug,
            title: p.title,
            page_type: p.page_type,
            blocks: p.blocks,
            status: p.status,
            order: Some(p.order),
        }
    }
}

/// A blueprint's content at one version: its `structure_json` and its pages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionContent {
    /// The site structure (`{}` before the first generation).
    pub structure: Value,
    /// The pages, in order.
    pub pages: Vec<PageSnapshot>,
}

impl VersionContent {
    /// The content of a blueprint's stored structure and pages.
    pub fn of(structure: &Value, pages: &[PageBlueprint]) -> Self {
        VersionContent {
            structure: structure.clone(),
            pages: pages.iter().map(PageSnapshot::from).collect(),
        }
    }
}

/// One entry of a blueprint's history, without its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionSummary {
    /// The blueprint.
    pub blueprint_id: i64,
    /// The blueprint's `version` after the change.
    pub version: i32,
    /// The operation that made the change (`generate_structure`, `edit_blueprint`, …).
    pub operation: String,
    /// Who made it: the scope the call acted for.
    pub actor: Scope,
    /// Credits the change was charged (0 for hand edits and restores).
    pub credits: i64,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
    /// How many pages the blueprint had after the change.
    pub page_count: usize,
}

impl VersionSummary {
    /// The summary of a version with `content`, as every backend records it: the page count
    /// comes from the content, so a summary can never disagree with the version it describes.
    pub fn new(
        blueprint_id: i64,
        version: i32,
        operation: impl Into<String>,
        actor: Scope,
        credits: i64,
        created_at: DateTime<Utc>,
        content: &VersionContent,
    ) -> Self {
        VersionSummary {
            blueprint_id,
            version,
            operation: operation.into(),
            actor,
            credits,
            created_at,
            page_count: content.pages.len(),
        }
    }
}

/// One version with its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlueprintVersion {
    /// Version, operation, actor, credits and time.
    #[serde(flatten)]
    pub summary: VersionSummary,
    /// The structure and pages after the change.
    pub content: VersionContent,
}

/// How one block differs between two versions of a page (compared by position).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlockChange {
    /// Position in the page.
    pub index: usize,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// The block's type (in the newer version when it has one).
    pub block_type: String,
}

/// How one page differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageChange {
    /// The page's slug in the newer version.
    pub slug: String,
    /// The page's slug in the older version, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_slug: Option<String>,
    /// Page fields that changed (`slug`, `title`, `type`, `status`, `order`).
    pub fields: Vec<String>,
    /// Blocks that changed.
    pub blocks: Vec<BlockChange>,
}

/// What changed from version `from` to version `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionDiff {
    /// The older side.
    pub from: i32,
    /// The newer side.
    pub to: i32,
    /// Whether the site-wide settings (name, navigation, …) differ.
    pub site_changed: bool,
    /// Slugs of pages only `to` has.
    pub pages_added: Vec<String>,
    /// Slugs of pages only `from` has.
    pub pages_removed: Vec<String>,
    /// Pages both have that differ.
    pub pages_changed: Vec<PageChange>,
}

/// Whether saving over the stored pages would overwrite a change made since `base`: a page
/// added, removed or edited (title, type, unlocked blocks) since, other than a `locked` page,
/// whose stored content a save keeps anyway. A generation that started from `base` may save
/// only when this is false; otherwise it lost the race and ends in `conflict`.
pub fn overwrites_changes(
    base: &VersionContent,
    stored: &[PageBlueprint],
    locked: &[String],
) -> bool {
    let unlocked = |slug: &str| !locked.iter().any(|l| l == slug);
    let strip =
        |blocks: &[Block]| -> Vec<Block> { blocks.iter().filter(|b| !b.locked).cloned().collect() };
    let before: Vec<&PageSnapshot> = base.pages.iter().filter(|p| unlocked(&p.slug)).collect();
    let now: Vec<&PageBlueprint> = stored.iter().filter(|p| unlocked(&p.slug)).collect();
    if before.len() != now.len() {
        return true;
    }
    now.iter()
        .any(|p| match before.iter().find(|b| b.slug == p.slug) {
            None => true,
            Some(b) => {
                b.title != p.title
                    || b.page_type != p.page_type
                    || strip(&b.blocks) != strip(&p.blocks)
            }
        })
}

/// Whether two pages are the same page: the same id when both were recorded with one, else the
/// same slug.
fn same_page(a: &PageSnapshot, b: &PageSnapshot) -> bool {
    match (a.id, b.id) {
        (Some(x), Some(y)) => x == y,
        _ => a.slug == b.slug,
    }
}

fn block_changes(a: &[Block], b: &[Block]) -> Vec<BlockChange> {
    (0..a.len().max(b.len()))
        .filter_map(|i| {
            let (change, block) = match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) if x == y => return None,
                (Some(_), Some(y)) => ("changed", y),
                (None, Some(y)) => ("added", y),
                (Some(x), None) => ("removed", x),
                (None, None) => return None,
            };
            Some(BlockChange {
                index: i,
                change: change.to_string(),
                block_type: block.block_type.clone(),
            })
        })
        .collect()
}

impl VersionDiff {
    /// Compares the content of version `from` with that of version `to`.
    pub fn between(from: i32, a: &VersionContent, to: i32, b: &VersionContent) -> Self {
        let pages_added = b
            .pages
            .iter()
            .filter(|p| !a.pages.iter().any(|q| same_page(q, p)))
            .map(|p| p.slug.clone())
            .collect();
        let pages_removed = a
            .pages
            .iter()
            .filter(|p| !b.pages.iter().any(|q| same_page(p, q)))
            .map(|p| p.slug.clone())
            .collect();
        let mut pages_changed = Vec::new();
        for new in &b.pages {
            let Some(old) = a.pages.iter().find(|q| same_page(q, new)) else {
                continue;
            };
            let mut fields = Vec::new();
            for (name, differs) in [
                ("slug", old.slug != new.slug),
                ("title", old.title != new.title),
                ("type", old.page_type != new.page_type),
                ("status", old.status != new.status),
                ("order", old.order != new.order),
            ] {
                if differs {
                    fields.push(name.to_string());
                }
            }
            let blocks = block_changes(&old.blocks, &new.blocks);
            if !fields.is_empty() || !blocks.is_empty() {
                pages_changed.push(PageChange {
                    slug: new.slug.clone(),
                    previous_slug: (old.slug != new.slug).then(|| old.slug.clone()),
                    fields,
                    blocks,
                });
            }
        }
        VersionDiff {
            from,
            to,
            site_changed: a.structure.get("site") != b.structure.get("site"),
            pages_added,
            pages_removed,
            pages_changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(id: i64, slug: &str, blocks: Vec<Block>) -> PageSnapshot {
        PageSnapshot {
            id: Some(id),
            slug: slug.into(),
            title: slug.to_uppercase(),
            page_type: PageType::Custom,
            blocks,
            status: PageStatus::Draft,
            order: id as i32,
        }
    }

    #[test]
    fn diff_names_added_removed_and_changed_pages_and_blocks() {
        let hero = Block::new("hero", json!({"heading": "Hi"}));
        let text = Block::new("text", json!({"body": "x"}));
        let a = VersionContent {
            structure: json!({"site": {"name": "A"}}),
            pages: vec![
                page(1, "home", vec![hero.clone(), text.clone()]),
                page(2, "about", vec![]),
            ],
        };
        let mut renamed = page(
            1,
            "start",
            vec![Block::new("hero", json!({"heading": "Yo"}))],
        );
        renamed.order = 1;
        let b = VersionContent {
            structure: json!({"site": {"name": "B"}}),
            pages: vec![renamed, page(3, "contact", vec![])],
        };
        let d = VersionDiff::between(1, &a, 2, &b);
        assert!(d.site_changed);
        assert_eq!(d.pages_added, vec!["contact"]);
        assert_eq!(d.pages_removed, vec!["about"]);
        assert_eq!(d.pages_changed.len(), 1);
        let c = &d.pages_changed[0];
        assert_eq!(c.slug, "start");
        assert_eq!(c.previous_slug.as_deref(), Some("home"));
        assert_eq!(c.fields, vec!["slug", "title"]);
        assert_eq!(
            c.blocks
                .iter()
                .map(|b| (b.index, b.change.as_str()))
                .collect::<Vec<_>>(),
            vec![(0, "changed"), (1, "removed")]
        );
        let same = VersionDiff::between(2, &b, 2, &b);
        assert!(!same.site_changed && same.pages_changed.is_empty());
        assert!(same.pages_added.is_empty() && same.pages_removed.is_empty());
    }
}
