//! The prompt catalogue: default templates, per-account overrides, single-pass rendering, and
//! untrusted text fenced as data.

mod catalogue;
pub mod data;
pub mod defaults;
pub mod render;

pub use catalogue::{
    PromptCatalogue, PromptSource, SITE_BLOCK_REGENERATION, SITE_PAGE_GENERATION,
    SITE_PAGE_REGENERATION, SITE_STRUCTURE_GENERATION, prompt_type_for,
};
pub use data::{data_block, neutralise};
pub use render::{RenderedPrompt, placeholders, render};
