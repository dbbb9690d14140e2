//! Blocks: checked against the catalogue, links and images resolved, then rendered through their
//! template, or through the annotated fallback when that cannot be done as designed.

use std::collections::BTreeMap;

use minijinja::Value as TemplateValue;
use minijinja::value::Serde;
use serde_json::{Map, Value, json};

use super::context::{Page, Site, UsedAsset, site_json};
use super::links::{Links, Resolved};
use super::templates::{Templates, escape};
use super::{RenderIssue, RenderReport, SiteInput};
use crate::functions::blocks::strip_nulls;
use crate::model::Block;

/// A block ready for its template.
#[derive(Debug, Clone)]
pub(crate) struct PreparedBlock {
    index: usize,
    block_type: String,
    variant: String,
    dom_id: String,
    /// 1 for a hero that opens its page (it carries the page's `<h1>`), else 2.
    pub(super) heading_level: u8,
    /// The block's data, nulls removed, hrefs pointing at files, images resolved.
    pub(super) data: Value,
    /// Why the block cannot render as designed: `(code, message)`.
    problem: Option<(&'static str, String)>,
    /// A block the renderer itself adds (the 404 message), rendered from its private template.
    builtin: bool,
}

impl PreparedBlock {
    pub(super) fn builtin(block: Block, index: usize) -> PreparedBlock {
        PreparedBlock {
            index,
            dom_id: format!("block-{}", index + 1),
            variant: "default".into(),
            heading_level: 1,
            data: block.data,
            problem: None,
            builtin: true,
            block_type: block.block_type,
        }
    }
}

/// A variant as a CSS class suffix: lowercase letters, digits and dashes, else `default`.
fn variant_class(variant: Option<&str>) -> String {
    let v: String = variant
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    let v = v.trim_matches('-');
    if v.is_empty() {
        "default".into()
    } else {
        v.to_string()
    }
}

/// Whether a block type name can be a template file name (the catalogue's naming rule).
fn template_safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with('_')
}

/// Checks and resolves one block of a page.
pub(super) fn prepare(
    block: &Block,
    index: usize,
    page: &str,
    input: &SiteInput<'_>,
    links: &Links,
    used: &mut BTreeMap<i64, UsedAsset>,
    report: &mut RenderReport,
) -> PreparedBlock {
    let mut data = strip_nulls(block.data.clone());
    let problem = if !data.is_object() {
        data = Value::Object(Map::new());
        Some((
            "invalid_block_data",
            "data is not a JSON object".to_string(),
        ))
    } else if input.catalogue.contains(&block.block_type) {
        let errors = input.catalogue.validate_block(block);
        (!errors.is_empty()).then(|| {
            let shown: Vec<&str> = errors.iter().take(3).map(String::as_str).collect();
            ("invalid_block_data", shown.join("; "))
        })
    } else {
        Some((
            "unknown_block_type",
            format!(
                "block type {:?} is not in the block catalogue and has no template (blocks/{}.html)",
                block.block_type, block.block_type
            ),
        ))
    };
    let mut resolver = Resolver {
        page,
        index,
        block_type: &block.block_type,
        input,
        links,
        used,
        report,
    };
    resolver.walk(&mut data, None);
    PreparedBlock {
        index,
        block_type: block.block_type.clone(),
        variant: variant_class(block.variant.as_deref()),
        dom_id: block
            .id
            .as_deref()
            .map(|id| format!("block-{}", variant_class(Some(id))))
            .unwrap_or_else(|| format!("block-{}", index + 1)),
        heading_level: if index == 0 && block.block_type == "hero" {
            1
        } else {
            2
        },
        data,
        problem,
        builtin: false,
    }
}

/// Rewrites hrefs and image sources of one block, recording what it had to work around.
struct Resolver<'a, 'b> {
    page: &'a str,
    index: usize,
    block_type: &'a str,
    input: &'a SiteInput<'b>,
    links: &'a Links,
    used: &'a mut BTreeMap<i64, UsedAsset>,
    report: &'a mut RenderReport,
}

impl Resolver<'_, '_> {
    fn issue(&mut self, code: &str, message: String) {
        self.report.issues.push(RenderIssue {
            code: code.to_string(),
            page: Some(self.page.to_string()),
            block_index: Some(self.index),
            block_type: Some(self.block_type.to_string()),
            message,
        });
    }

    fn walk(&mut self, value: &mut Value, key: Option<&str>) {
        match value {
            Value::Object(map) => {
                let is_image = map.get("alt").is_some_and(Value::is_string)
                    || matches!(key, Some("image" | "poster"));
                if is_image {
                    self.image(map);
                }
                for (k, v) in map.iter_mut() {
                    if k == "href" {
                        if let Value::String(href) = v {
                            *href = self.href(href);
                        }
                    } else if !(is_image && k == "src") {
                        self.walk(v, Some(k));
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk(v, key)),
            _ => {}
        }
    }

    fn href(&mut self, href: &str) -> String {
        match self.links.resolve(href) {
            Resolved::External(h) | Resolved::Page(h) => h,
            Resolved::Missing { fallback } => {
                self.issue(
                    "broken_link",
                    format!("link {href:?} names no page of this site; it points to the home page instead"),
                );
                fallback
            }
        }
    }

    /// Points `src` at an exported asset or a remote URL, or marks the image as a placeholder.
    fn image(&mut self, map: &mut Map<String, Value>) {
        let src = map
            .get("src")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        let resolved = if src.is_empty() {
            None
        } else if src.starts_with("https://") || src.starts_with("http://") {
            Some(src.clone())
        } else {
            let id = src
                .strip_prefix("asset:")
                .and_then(|n| n.trim().parse::<i64>().ok());
            let found = self.input.assets.iter().find(|a| {
                Some(a.id) == id || a.key == src || a.file_name.eq_ignore_ascii_case(&src)
            });
            match found {
                Some(a) if a.content_type.starts_with("image/") => {
                    let path = format!("assets/{}-{}", a.id, file_segment(&a.file_name));
                    self.used.entry(a.id).or_insert_with(|| UsedAsset {
                        id: a.id,
                        path: path.clone(),
                        content_type: a.content_type.clone(),
                    });
                    Some(self.links.file_href(&path))
                }
                Some(a) => {
                    self.issue(
                        "missing_asset",
                        format!("image source {src:?} is asset {} of type {}, not an image; a placeholder is shown", a.id, a.content_type),
                    );
                    None
                }
                None => {
                    self.issue(
                        "missing_asset",
                        format!("image source {src:?} is neither a URL nor an asset of this blueprint; a placeholder is shown"),
                    );
                    None
                }
            }
        };
        match resolved {
            Some(s) => {
                map.insert("src".into(), Value::String(s));
                map.insert("placeholder".into(), Value::Bool(false));
            }
            None => {
                map.remove("src");
                map.insert("placeholder".into(), Value::Bool(true));
            }
        }
        if !map.get("alt").is_some_and(Value::is_string) {
            map.insert("alt".into(), Value::String(String::new()));
        }
    }
}

/// A file name safe in a URL path: letters, digits, `.`, `_`, `-`.
fn file_segment(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The HTML of one block; never fails (the fallback and, last, escaped text stand in).
pub(super) fn render(
    templates: &Templates,
    site: &Site,
    page: &Page,
    block: &PreparedBlock,
    report: &mut RenderReport,
) -> String {
    let ctx = TemplateValue::from(Serde(json!({
        "data": block.data,
        "block": {
            "type": block.block_type,
            "variant": block.variant,
            "index": block.index,
            "id": block.dom_id,
            "level": block.heading_level,
        },
        "site": site_json(site),
        "page": {"slug": page.slug, "title": page.title, "type": page.page_type},
    })));
    let mut issue = |code: &str, message: String| {
        report.issues.push(RenderIssue {
            code: code.to_string(),
            page: Some(page.slug.clone()),
            block_index: Some(block.index),
            block_type: Some(block.block_type.clone()),
            message,
        })
    };
    if block.builtin {
        return templates
            .render(
                &format!("blocks/{}.html", block.block_type),
                &site.layout,
                &ctx,
            )
            .unwrap_or_else(|e| last_resort(block, &e.to_string()));
    }
    let name = format!("blocks/{}.html", block.block_type);
    let has_template = template_safe(&block.block_type) && templates.exists(&name, &site.layout);
    let problem = match &block.problem {
        // A host block type the catalogue does not list still renders through its own template.
        Some(("unknown_block_type", _)) if has_template => None,
        Some((_, _)) if !has_template => block.problem.clone(),
        other => other.clone(),
    };
    let note = match problem {
        Some((code, message)) => {
            issue(code, message.clone());
            message
        }
        None => match templates.render(&name, &site.layout, &ctx) {
            Ok(html) => return html,
            Err(e) => {
                let message = format!("template {name} failed: {e}");
                issue("template_error", message.clone());
                message
            }
        },
    };
    fallback(templates, site, block, &ctx, &note)
}

/// The annotated fallback: the block's readable text, marked for the owner.
fn fallback(
    templates: &Templates,
    site: &Site,
    block: &PreparedBlock,
    ctx: &TemplateValue,
    note: &str,
) -> String {
    let mut texts = Vec::new();
    collect_texts(&block.data, None, &mut texts);
    let heading = ["heading", "title", "quote"]
        .iter()
        .find_map(|k| block.data.get(*k).and_then(Value::as_str))
        .map(str::to_string);
    let texts: Vec<String> = texts
        .into_iter()
        .filter(|t| Some(t) != heading.as_ref())
        .take(24)
        .collect();
    let ctx = minijinja::context! {
        note => note,
        heading => heading,
        texts => texts,
        ..ctx.clone()
    };
    templates
        .render("blocks/_fallback.html", &site.layout, &ctx)
        .or_else(|_| templates.render_builtin("blocks/_fallback.html", &ctx))
        .unwrap_or_else(|e| last_resort(block, &e.to_string()))
}

/// Visible text values of a block, depth first, without URLs and machine names.
fn collect_texts(value: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match value {
        Value::String(s)
            if !matches!(
                key,
                Some("href" | "src" | "name" | "type" | "url" | "icon" | "purpose")
            ) =>
        {
            let s = s.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_texts(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| collect_texts(v, Some(k), out)),
        _ => {}
    }
}

fn last_resort(block: &PreparedBlock, error: &str) -> String {
    format!(
        "<section class=\"block block-fallback\"><!-- sitebuilder: block {} ({}) could not render: {} --></section>",
        block.index,
        escape(&block.block_type),
        escape(error).replace("--", "- -")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_become_safe_class_names() {
        assert_eq!(variant_class(Some("Split Image")), "split-image");
        assert_eq!(variant_class(Some("\"><script>")), "script");
        assert_eq!(variant_class(None), "default");
        assert!(!template_safe("../x"));
        assert!(!template_safe("_fallback"));
        assert!(template_safe("pricing_table"));
    }
}
