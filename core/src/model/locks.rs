//! What a regeneration must not overwrite, applied to the pages as stored at save time.
//!
//! Locks are applied by the store inside the save transaction, to the page rows it has just
//! locked, rather than to a copy read before the model was called: an edit a user makes to a
//! locked page while the model is working is kept too.

use std::collections::BTreeSet;

use super::{Block, NewPage, PageBlueprint, SiteStructure};

/// Pages and blocks a regeneration keeps as they are stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageLocks {
    /// Slugs of pages that keep their stored title, type, blocks and status. A locked page the
    /// new structure leaves out is put back (its entry copied from `previous`).
    pub locked_pages: Vec<String>,
    /// The structure being replaced.
    pub previous: Option<SiteStructure>,
}

/// Keeps locked blocks of a page at their old positions in the new block list.
pub(crate) fn merge_locked_blocks(old: &[Block], mut new: Vec<Block>) -> Vec<Block> {
    for (i, b) in old.iter().enumerate().filter(|(_, b)| b.locked) {
        if let Some(id) = &b.id {
            new.retain(|n| n.id.as_ref() != Some(id));
        }
        let at = i.min(new.len());
        new.insert(at, b.clone());
    }
    new
}

impl PageLocks {
    /// Adjusts the structure and the pages to write (one per structure page, matched by slug)
    /// so that locked pages and locked blocks of `stored` survive. Returns whether the
    /// structure changed.
    pub fn apply(
        &self,
        stored: &[PageBlueprint],
        structure: &mut SiteStructure,
        pages: &mut Vec<NewPage>,
    ) -> bool {
        let locked: BTreeSet<&str> = self.locked_pages.iter().map(String::as_str).collect();
        let find = |slug: &str| stored.iter().find(|p| p.slug == slug);
        let mut changed = false;
        for slug in &locked {
            if let Some(old) = find(slug)
                && !structure.pages.iter().any(|p| p.slug == *slug)
                && let Some(spec) = self
                    .previous
                    .as_ref()
                    .and_then(|s| s.pages.iter().find(|p| p.slug == *slug))
            {
                structure.pages.push(spec.clone());
                pages.push(NewPage {
                    slug: old.slug.clone(),
                    title: old.title.clone(),
                    page_type: old.page_type,
                    blocks: old.blocks.clone(),
                    status: old.status,
                    order: None,
                });
                changed = true;
            }
        }
        for spec in &mut structure.pages {
            let Some(old) = find(&spec.slug) else {
                continue;
            };
            let Some(page) = pages.iter_mut().find(|p| p.slug == spec.slug) else {
                continue;
            };
            if locked.contains(spec.slug.as_str()) {
                page.title = old.title.clone();
                page.page_type = old.page_type;
                page.status = old.status;
                page.blocks = old.blocks.clone();
            } else if old.blocks.iter().any(|b| b.locked) {
                page.blocks = merge_locked_blocks(&old.blocks, std::mem::take(&mut page.blocks));
            } else {
                continue;
            }
            if spec.blocks != page.blocks {
                spec.blocks = page.blocks.clone();
                changed = true;
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locked_blocks_keep_their_place() {
        let mut keep = Block::new("text", json!({"body": "ours"}));
        keep.locked = true;
        let old = vec![Block::new("hero", json!({})), keep.clone()];
        let new = vec![
            Block::new("hero", json!({"heading": "new"})),
            Block::new("cta", json!({})),
        ];
        let merged = merge_locked_blocks(&old, new);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[1], keep);
    }
}
