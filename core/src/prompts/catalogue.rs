//! Which template a run uses: a per-call override, then the account's stored prompt, then the
//! default — the order of the seed's prompt registry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::defaults;
use crate::Result;
use crate::store::Storage;

/// Prompt type of the structure generator.
pub const SITE_STRUCTURE_GENERATION: &str = "site_structure_generation";
/// Prompt type of the page content generator.
pub const SITE_PAGE_GENERATION: &str = "site_page_generation";
/// Prompt type of a page's regeneration with an instruction.
pub const SITE_PAGE_REGENERATION: &str = "site_page_regeneration";
/// Prompt type of one block's regeneration with an instruction.
pub const SITE_BLOCK_REGENERATION: &str = "site_block_regeneration";

/// Where a resolved template came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptSource {
    /// Passed with the call.
    Call,
    /// The account's stored override.
    Account,
    /// The library default (or a host-set default).
    Default,
}

/// Default templates by prompt type; hosts may replace or add defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptCatalogue {
    defaults: BTreeMap<String, String>,
}

impl Default for PromptCatalogue {
    fn default() -> Self {
        let mut defaults = BTreeMap::new();
        defaults.insert(
            SITE_STRUCTURE_GENERATION.to_string(),
            defaults::SITE_STRUCTURE_GENERATION.to_string(),
        );
        defaults.insert(
            SITE_PAGE_GENERATION.to_string(),
            defaults::SITE_PAGE_GENERATION.to_string(),
        );
        defaults.insert(
            SITE_PAGE_REGENERATION.to_string(),
            defaults::SITE_PAGE_REGENERATION.to_string(),
        );
        defaults.insert(
            SITE_BLOCK_REGENERATION.to_string(),
            defaults::SITE_BLOCK_REGENERATION.to_string(),
        );
        PromptCatalogue { defaults }
    }
}

impl PromptCatalogue {
    /// Sets the default template of a prompt type.
    pub fn set_default(&mut self, prompt_type: impl Into<String>, template: impl Into<String>) {
        self.defaults.insert(prompt_type.into(), template.into());
    }

    /// The default template of a prompt type.
    pub fn default_for(&self, prompt_type: &str) -> Option<&str> {
        self.defaults.get(prompt_type).map(String::as_str)
    }

    /// Prompt types with a default.
    pub fn prompt_types(&self) -> impl Iterator<Item = &str> {
        self.defaults.keys().map(String::as_str)
    }

    /// Resolves the template for a run.
    pub async fn resolve(
        &self,
        storage: &dyn Storage,
        account_id: i64,
        prompt_type: &str,
        call_override: Option<&str>,
    ) -> Result<(String, PromptSource)> {
        if let Some(t) = call_override {
            return Ok((t.to_string(), PromptSource::Call));
        }
        if let Some(t) = storage.prompt_override(account_id, prompt_type).await? {
            return Ok((t, PromptSource::Account));
        }
        self.default_for(prompt_type)
            .map(|t| (t.to_string(), PromptSource::Default))
            .ok_or_else(|| {
                crate::Error::config(format!(
                    "no prompt template for prompt type {prompt_type:?}; register one or pass prompt_override"
                ))
            })
    }
}

/// The seed's function → prompt type map.
pub fn prompt_type_for(function_name: &str) -> Option<&'static str> {
    match function_name {
        "generate_site_structure" => Some(SITE_STRUCTURE_GENERATION),
        "generate_page_content" => Some(SITE_PAGE_GENERATION),
        "regenerate_page" => Some(SITE_PAGE_REGENERATION),
        "regenerate_block" => Some(SITE_BLOCK_REGENERATION),
        _ => None,
    }
}
