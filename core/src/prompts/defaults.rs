//! PLACEHOLDER written by the lead so the crate compiles; the prompts engineer replaces this file.
/// System prompt.
pub const SYSTEM_PROMPT: &str = "Answer with JSON only.";
/// Structure template.
pub const SITE_STRUCTURE_GENERATION: &str = "{{business_brief}}";
/// Page template.
pub const SITE_PAGE_GENERATION: &str = "{{page_title}}";
