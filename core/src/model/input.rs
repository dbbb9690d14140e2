//! Checks on what callers send, shared by every operation and so by every surface.
//!
//! A request refused here is refused the same way from Rust, Python, Node and HTTP, with an
//! `invalid_input` error naming the field, before anything reaches storage: a NUL byte would make
//! PostgreSQL answer with its own error text, a 100,000-deep JSON value would exhaust a stack, and
//! a block of an unknown type would be stored and then break the renderer.

use serde_json::{Map, Value};

use super::{Block, BlueprintPatch, NewBlueprint, NewPage, PagePatch, SiteConfig};
use crate::store::validate_slug;
use crate::{Error, Result};

/// Bounds on free text and JSON values that callers send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// Characters of a name or title.
    pub max_name_chars: usize,
    /// Characters of a description, a brief, or any one string inside a JSON value.
    pub max_text_chars: usize,
    /// Nesting depth of a JSON value (`config`, block `data`).
    pub max_json_depth: usize,
    /// Values (objects, arrays, strings, numbers…) in one JSON value.
    pub max_json_nodes: usize,
    /// Blocks on one page.
    pub max_blocks: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_name_chars: 255,
            max_text_chars: 20_000,
            max_json_depth: 32,
            max_json_nodes: 20_000,
            max_blocks: 60,
        }
    }
}

fn invalid(field: &str, problem: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{field}: {problem}"))
}

/// Free text: at most `max_chars` characters and no NUL, which PostgreSQL text cannot hold. Other
/// control characters are kept as sent: prompts neutralise them and pages escape them.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> Result<()> {
    refuse_chars(field, value, |c| c == '\0')?;
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(invalid(
            field,
            format_args!("{chars} characters; at most {max_chars} are allowed"),
        ));
    }
    Ok(())
}

/// A task id (a run's idempotency key), from a client or a URL: 1–100 characters (the task log's
/// column), no NUL.
pub fn check_task_id(task_id: &str) -> Result<()> {
    if task_id.is_empty() {
        return Err(invalid("task_id", "must not be empty"));
    }
    check_text("task_id", task_id, 100)
}

fn refuse_chars(field: &str, value: &str, refused: impl Fn(char) -> bool) -> Result<()> {
    match value.chars().find(|&c| refused(c)) {
        Some(c) => Err(invalid(
            field,
            format_args!(
                "contains the control character U+{:04X}; remove it",
                c as u32
            ),
        )),
        None => Ok(()),
    }
}

/// A name or title: one line of [`check_text`] without control characters, and not blank.
pub fn check_name(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty or only spaces"));
    }
    refuse_chars(field, value, char::is_control)?;
    check_text(field, value, max_chars)
}

/// An id a caller names: a positive 64-bit integer.
pub fn check_id(field: &str, id: i64) -> Result<()> {
    if id <= 0 {
        return Err(invalid(
            field,
            format_args!("{id} is not an id; ids are positive"),
        ));
    }
    Ok(())
}

/// A JSON value: bounded depth and size, every key and string checked as text. Walks with an
/// explicit stack, so a value of any depth is refused without recursion.
pub fn check_json(field: &str, value: &Value, limits: &InputLimits) -> Result<()> {
    walk_json(field, vec![(value, 1)], 0, limits)
}

/// [`check_json`] of a JSON object held as a map, without building a `Value` around it.
fn check_json_object(field: &str, map: &Map<String, Value>, limits: &InputLimits) -> Result<()> {
    let mut stack = Vec::with_capacity(map.len());
    for (k, item) in map {
        check_text(field, k, limits.max_name_chars)?;
        stack.push((item, 2));
    }
    walk_json(field, stack, 1, limits)
}

/// Checks every value on `stack` (each with its depth) and what it holds; `nodes` values were
/// counted already.
fn walk_json(
    field: &str,
    mut stack: Vec<(&Value, usize)>,
    mut nodes: usize,
    limits: &InputLimits,
) -> Result<()> {
    while let Some((v, depth)) = stack.pop() {
        nodes += 1;
        if nodes > limits.max_json_nodes {
            return Err(invalid(
                field,
                format_args!("more than {} values; send less data", limits.max_json_nodes),
            ));
        }
        if depth > limits.max_json_depth {
            return Err(invalid(
                field,
                format_args!("nested deeper than {} levels", limits.max_json_depth),
            ));
        }
        match v {
            Value::String(s) => check_text(field, s, limits.max_text_chars)?,
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => {
                for (k, item) in map {
                    check_text(field, k, limits.max_name_chars)?;
                    stack.push((item, depth + 1));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    Ok(())
}

/// The scope a write stores: a positive account id, and positive site and sector ids when given.
pub fn check_scope(scope: &super::Scope) -> Result<()> {
    check_id("account_id", scope.account_id)?;
    if let Some(id) = scope.site_id {
        check_id("site_id", id)?;
    }
    if let Some(id) = scope.sector_id {
        check_id("sector_id", id)?;
    }
    Ok(())
}

fn check_ids(field: &str, ids: &[i64]) -> Result<()> {
    ids.iter().try_for_each(|&id| check_id(field, id))
}

/// The wizard's answers.
pub fn check_config(config: &SiteConfig, limits: &InputLimits) -> Result<()> {
    check_text(
        "config.business_brief",
        &config.business_brief,
        limits.max_text_chars,
    )?;
    for objective in &config.objectives {
        check_text("config.objectives", objective, limits.max_text_chars)?;
    }
    for (field, id) in [
        ("config.business_type_id", config.business_type_id),
        (
            "config.hero_imagery_direction_id",
            config.hero_imagery_direction_id,
        ),
    ] {
        if let Some(id) = id {
            check_id(field, id)?;
        }
    }
    check_ids("config.audience_profile_ids", &config.audience_profile_ids)?;
    check_ids(
        "config.brand_personality_ids",
        &config.brand_personality_ids,
    )?;
    for slug in &config.locked_pages {
        check_text("config.locked_pages", slug, limits.max_name_chars)?;
    }
    // `style` and the host's own keys: any JSON, bounded.
    check_json_object("config", &config.style, limits)?;
    check_json_object("config", &config.extra, limits)
}

/// Blocks sent by a caller: each of a type in `catalogue` with data valid for that type.
pub fn check_blocks(
    field: &str,
    blocks: &[Block],
    catalogue: &crate::functions::blocks::BlockCatalogue,
    limits: &InputLimits,
) -> Result<()> {
    if blocks.len() > limits.max_blocks {
        return Err(invalid(
            field,
            format_args!(
                "{} blocks; at most {} are allowed on a page",
                blocks.len(),
                limits.max_blocks
            ),
        ));
    }
    for (i, block) in blocks.iter().enumerate() {
        let here = format!("{field}[{i}]");
        check_text(
            &format!("{here}.type"),
            &block.block_type,
            limits.max_name_chars,
        )?;
        for (name, value) in [("id", &block.id), ("variant", &block.variant)] {
            if let Some(value) = value {
                check_text(&format!("{here}.{name}"), value, limits.max_name_chars)?;
            }
        }
        check_json(&format!("{here}.data"), &block.data, limits)?;
        let problems = catalogue.validate_block(block);
        if !problems.is_empty() {
            return Err(invalid(&here, problems.join("; ")));
        }
    }
    Ok(())
}

impl NewBlueprint {
    /// Checks every field a caller sets.
    pub fn check(&self, limits: &InputLimits) -> Result<()> {
        check_name("name", &self.name, limits.max_name_chars)?;
        check_text("description", &self.description, limits.max_text_chars)?;
        check_config(&self.config, limits)
    }
}

impl BlueprintPatch {
    /// Checks every field a caller sets. `status` and `deployed_version` belong to the operations
    /// that own them (generation, publishing), so a caller's patch may not set them.
    pub fn check(&self, limits: &InputLimits) -> Result<()> {
        if self.status.is_some() {
            return Err(invalid(
                "status",
                "is set by generation and publishing, not by an update; run generate_structure or publish instead",
            ));
        }
        if self.deployed_version.is_some() {
            return Err(invalid(
                "deployed_version",
                "is set by publishing, not by an update",
            ));
        }
        if let Some(name) = &self.name {
            check_name("name", name, limits.max_name_chars)?;
        }
        if let Some(description) = &self.description {
            check_text("description", description, limits.max_text_chars)?;
        }
        if let Some(config) = &self.config {
            check_config(config, limits)?;
        }
        Ok(())
    }
}

impl NewPage {
    /// Checks every field a caller sets, blocks against the block catalogue.
    pub fn check(
        &self,
        catalogue: &crate::functions::blocks::BlockCatalogue,
        limits: &InputLimits,
    ) -> Result<()> {
        validate_slug(&self.slug)?;
        check_name("title", &self.title, limits.max_name_chars)?;
        if let Some(order) = self.order
            && order < 0
        {
            return Err(invalid("order", "must be 0 or more"));
        }
        check_blocks("blocks", &self.blocks, catalogue, limits)
    }
}

impl PagePatch {
    /// Checks every field a caller sets, by the same rules as [`NewPage::check`].
    pub fn check(
        &self,
        catalogue: &crate::functions::blocks::BlockCatalogue,
        limits: &InputLimits,
    ) -> Result<()> {
        if self.status.is_some() {
            return Err(invalid(
                "status",
                "is set by generation and publishing, not by an update",
            ));
        }
        if let Some(slug) = &self.slug {
            validate_slug(slug)?;
        }
        if let Some(title) = &self.title {
            check_name("title", title, limits.max_name_chars)?;
        }
        if let Some(order) = self.order
            && order < 0
        {
            return Err(invalid("order", "must be 0 or more"));
        }
        if let Some(blocks) = &self.blocks {
            check_blocks("blocks", blocks, catalogue, limits)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::functions::blocks::BlockCatalogue;

    fn limits() -> InputLimits {
        InputLimits::default()
    }

    fn refused(result: Result<()>, field: &str) {
        let err = result.expect_err("refused");
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains(field), "{err} should name {field}");
    }

    #[test]
    fn text_rules() {
        assert!(check_text("description", "Casa Lupa\n\tline \u{1b}[31m", 255).is_ok());
        refused(check_text("description", "a\0b", 255), "U+0000");
        refused(check_name("name", "a\u{1b}[31m", 255), "U+001B");
        refused(check_name("name", "two\nlines", 255), "U+000A");
        refused(check_text("name", &"é".repeat(256), 255), "256 characters");
        refused(check_name("title", "   ", 255), "title");
        refused(check_name("title", "", 255), "title");
        refused(check_id("site_id", 0), "site_id");
        refused(check_id("site_id", -1), "site_id");
    }

    #[test]
    fn json_depth_and_size_are_bounded_without_recursion() {
        let mut deep = json!(1);
        for _ in 0..5_000 {
            deep = Value::Array(vec![deep]);
        }
        refused(
            check_json("config", &deep, &limits()),
            "nested deeper than 32",
        );
        // Take it apart level by level: dropping a 5,000-deep value recursively could overflow.
        while let Value::Array(mut items) = deep {
            deep = items.pop().unwrap_or(Value::Null);
        }
        let wide = Value::Array(vec![json!(1); 30_000]);
        refused(
            check_json("config", &wide, &limits()),
            "more than 20000 values",
        );
        refused(
            check_json("config", &json!({"k\0": 1}), &limits()),
            "U+0000",
        );
        refused(
            check_json("config", &json!({"k": ["\0"]}), &limits()),
            "U+0000",
        );
        assert!(check_json("config", &json!({"a": [1, {"b": "c"}]}), &limits()).is_ok());
    }

    #[test]
    fn blueprint_lifecycle_fields_are_not_for_callers() {
        let patch = BlueprintPatch {
            status: Some(crate::model::BlueprintStatus::Generating),
            ..BlueprintPatch::default()
        };
        refused(patch.check(&limits()), "status");
        let patch = BlueprintPatch {
            deployed_version: Some(99),
            ..BlueprintPatch::default()
        };
        refused(patch.check(&limits()), "deployed_version");
        let patch = BlueprintPatch {
            name: Some("New".into()),
            ..BlueprintPatch::default()
        };
        assert!(patch.check(&limits()).is_ok());
    }

    #[test]
    fn pages_are_checked_against_the_block_catalogue() {
        let catalogue = BlockCatalogue::default();
        let page = |blocks: Vec<Block>| NewPage {
            slug: "about".into(),
            title: "About".into(),
            blocks,
            ..NewPage::default()
        };
        assert!(
            page(vec![Block::new("hero", json!({"heading": "Hi"}))])
                .check(&catalogue, &limits())
                .is_ok()
        );
        refused(
            page(vec![Block::new("nonexistent", json!({}))]).check(&catalogue, &limits()),
            "blocks[0]",
        );
        refused(
            page(vec![Block::new("hero", json!("str"))]).check(&catalogue, &limits()),
            "blocks[0]",
        );
        refused(
            page(vec![Block::new("", json!({}))]).check(&catalogue, &limits()),
            "blocks[0]",
        );
        refused(
            page(vec![Block::new("hero", Value::Null)]).check(&catalogue, &limits()),
            "blocks[0]",
        );
        refused(
            page(vec![Block::new("text", json!({})); 20_000]).check(&catalogue, &limits()),
            "20000 blocks",
        );
        let mut bad_slug = page(Vec::new());
        for slug in ["-", "a--b", "-a", "a-", "", "A"] {
            bad_slug.slug = slug.into();
            refused(bad_slug.check(&catalogue, &limits()), "slug");
        }
        let blank = PagePatch {
            title: Some(String::new()),
            ..PagePatch::default()
        };
        refused(blank.check(&catalogue, &limits()), "title");
        let lifecycle = PagePatch {
            status: Some(crate::model::PageStatus::Generating),
            ..PagePatch::default()
        };
        refused(lifecycle.check(&catalogue, &limits()), "status");
    }
}
