//! The prompt catalogue: default templates, per-account overrides, and single-pass rendering.

mod catalogue;
pub mod defaults;
pub mod render;

pub use catalogue::{
    PromptCatalogue, PromptSource, SITE_PAGE_GENERATION, SITE_STRUCTURE_GENERATION, prompt_type_for,
};
pub use render::{RenderedPrompt, placeholders, render};
