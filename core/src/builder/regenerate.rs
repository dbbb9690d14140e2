//! Regenerating one page or one block with the owner's instruction.
//!
//! Everything a caller can get wrong is checked here, before the run starts, so that a stale
//! `expected_version`, a locked block or a block index past the page's end is a clear typed error
//! before any credit is held (the run's own `prepare` checks the same again, for hosts that start
//! the functions through `run` or a queue).

use serde_json::{Value, json};

use super::SiteBuilder;
use crate::ai::engine::{RunOptions, RunOutcome};
use crate::functions::regenerate::{block_at, check_instruction, load_target, locked_block_error};
use crate::model::Scope;
use crate::tasks::TaskStatus;
use crate::{Error, Result};

/// What a regeneration run is given.
struct Target<'a> {
    blueprint_id: i64,
    page_id: i64,
    block_index: Option<usize>,
    instruction: &'a str,
    expected_version: Option<i32>,
}

impl Target<'_> {
    fn payload(&self, scope: &Scope) -> Value {
        let mut p = json!({
            "blueprint_id": self.blueprint_id,
            "page_id": self.page_id,
            "instruction": self.instruction,
        });
        if let Some(i) = self.block_index {
            p["block_index"] = json!(i);
        }
        if let Some(v) = self.expected_version {
            p["expected_version"] = json!(v);
        }
        if let Some(s) = scope.site_id {
            p["site_id"] = json!(s);
        }
        if let Some(s) = scope.sector_id {
            p["sector_id"] = json!(s);
        }
        p
    }
}

impl SiteBuilder {
    /// Rewrites one page's blocks following `instruction` (end-user text: it reaches the model
    /// as a delimited data block and steers the copy, never the rules), with the site's name,
    /// voice and navigation as context. Locked blocks, the other pages, the page's SEO and the
    /// site settings stay as they are. Costs a page generation (`site_page_generation`, 20
    /// credits by default), held and captured like every run; records a `regenerate_page`
    /// version (undo with [`SiteBuilder::restore_version`]).
    ///
    /// With `expected_version`, a blueprint that moved on is a `conflict` carrying its current
    /// version, before anything is held and again at save time; a hand edit of the page during
    /// the model call also makes the run end in `conflict`, charging nothing.
    #[allow(clippy::too_many_arguments)]
    pub async fn regenerate_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_id: i64,
        instruction: &str,
        expected_version: Option<i32>,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let target = Target {
            blueprint_id,
            page_id,
            block_index: None,
            instruction,
            expected_version,
        };
        self.regenerate("regenerate_page", scope, target, opts)
            .await
    }

    /// Rewrites the block at `block_index` of a page (positions as [`crate::BlueprintEdit`]
    /// addresses blocks) following `instruction`, with the blocks before and after it and the
    /// site's context in the prompt. The block keeps its type, id and variant; its new data is
    /// validated against its type's schema. A locked block is a `conflict` before anything is
    /// held. Costs `site_block_generation` (5 credits by default, see
    /// [`SiteBuilder::set_credit_cost`]); records a `regenerate_block` version.
    #[allow(clippy::too_many_arguments)]
    pub async fn regenerate_block(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_id: i64,
        block_index: usize,
        instruction: &str,
        expected_version: Option<i32>,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        let target = Target {
            blueprint_id,
            page_id,
            block_index: Some(block_index),
            instruction,
            expected_version,
        };
        self.regenerate("regenerate_block", scope, target, opts)
            .await
    }

    async fn regenerate(
        &self,
        function: &str,
        scope: &Scope,
        target: Target<'_>,
        opts: RunOptions,
    ) -> Result<RunOutcome> {
        crate::model::check_scope(scope)?;
        check_instruction(target.instruction)?;
        // A retry of a run that already succeeded answers its result, even though the
        // blueprint has moved on since (by that very run).
        let replay = match &opts.task_id {
            Some(id) => {
                crate::model::check_task_id(id)?;
                match self.storage().get_task(Some(scope.account_id), id).await {
                    Ok(t) => t.status == TaskStatus::Succeeded,
                    Err(Error::NotFound { .. }) => false,
                    Err(e) => return Err(e),
                }
            }
            None => false,
        };
        if !replay {
            let (_, page) = load_target(
                self.storage().as_ref(),
                scope,
                target.blueprint_id,
                target.page_id,
                target.expected_version,
            )
            .await?;
            match target.block_index {
                Some(index) if block_at(&page, index)?.locked => {
                    return Err(locked_block_error(&page, index));
                }
                None if !page.blocks.is_empty() && page.blocks.iter().all(|b| b.locked) => {
                    return Err(crate::functions::regenerate::all_locked_error(&page));
                }
                _ => {}
            }
        }
        let payload = target.payload(scope);
        self.run(function, payload, scope.account_id, opts).await
    }
}
