//! Field-level checks shared by the structure and page-content validators; each collects its
//! problems as path-qualified sentences instead of stopping at the first.

use serde_json::{Map, Value};

use super::{Limits, normalize_slug};
use crate::blocks::{BlockCatalogue, kind_of, strip_nulls};
use crate::model::{Block, LAYOUTS, PageType, Seo, SiteInfo};

/// Maps a navigation entry or link target to an existing page slug.
pub(super) type Resolve<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Keys of a block object that are not part of its `data`.
const BLOCK_META: &[&str] = &["type", "block_type", "data", "id", "variant", "locked"];

pub(super) struct Checker<'a> {
    pub(super) catalogue: &'a BlockCatalogue,
    pub(super) limits: &'a Limits,
    pub(super) errors: Vec<String>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, message: String) {
        self.errors.push(message);
    }

    /// A trimmed string field; numbers and booleans are taken as their text, `null` as absent.
    pub(super) fn string(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        required: bool,
        max: usize,
    ) -> String {
        let text = match obj.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
            Some(other) => {
                self.error(format!(
                    "{path}.{key}: expected a string, got {}",
                    kind_of(other)
                ));
                return String::new();
            }
        };
        if required && text.is_empty() {
            self.error(format!("{path}.{key}: required and must not be empty"));
        }
        let len = text.chars().count();
        if len > max {
            self.error(format!(
                "{path}.{key}: {len} characters, at most {max}; shorten it"
            ));
        }
        text
    }

    /// The page type, accepting the usual synonyms (`landing`, `product`, `contact-us`…).
    pub(super) fn page_type(&mut self, obj: &Map<String, Value>, path: &str) -> Option<PageType> {
        let raw = match obj.get("type").or_else(|| obj.get("page_type")) {
            Some(Value::String(s)) => s.trim().to_lowercase().replace(['_', ' '], "-"),
            None | Some(Value::Null) => {
                self.error(format!("{path}.type: missing; use one of {}", page_types()));
                return None;
            }
            Some(other) => {
                self.error(format!(
                    "{path}.type: expected a string, got {}",
                    kind_of(other)
                ));
                return None;
            }
        };
        let canonical = match raw.as_str() {
            "landing" | "index" | "homepage" | "home-page" => "home",
            "about-us" | "story" | "team" => "about",
            "service" => "services",
            "product" | "shop" | "store" => "products",
            "posts" | "news" | "articles" | "journal" => "blog",
            "contact-us" | "contacts" => "contact",
            "page" | "other" => "custom",
            other => other,
        };
        match canonical.parse::<PageType>() {
            Ok(t) => Some(t),
            Err(_) => {
                self.error(format!(
                    "{path}.type: unknown page type {raw:?}; use one of {} (custom for anything else)",
                    page_types()
                ));
                None
            }
        }
    }

    pub(super) fn site(
        &mut self,
        site: &Map<String, Value>,
        slugs: &[String],
        resolve: &Resolve<'_>,
    ) -> SiteInfo {
        let limits = self.limits;
        let name = self.string(site, "name", "site", true, limits.max_title_len);
        let tagline = self.string(site, "tagline", "site", false, limits.max_line_len);
        let tone = self.string(site, "tone", "site", false, limits.max_line_len);
        let hero_message = self.string(site, "hero_message", "site", false, limits.max_line_len);
        let raw_layout = self
            .string(site, "layout", "site", false, usize::MAX)
            .to_lowercase();
        let layout = if raw_layout.is_empty() {
            "default".to_string()
        } else {
            raw_layout
        };
        if !LAYOUTS.contains(&layout.as_str()) {
            self.error(format!(
                "site.layout: unknown layout {layout:?}; use one of {}",
                LAYOUTS.join(", ")
            ));
        }
        let primary_navigation = self.navigation(site, "primary_navigation", slugs, resolve);
        let secondary_navigation = self.navigation(site, "secondary_navigation", slugs, resolve);
        if primary_navigation.is_empty()
            && site.get("primary_navigation").is_some_and(Value::is_array)
        {
            self.error(
                "site.primary_navigation: empty; list the slugs of the main pages, home first"
                    .into(),
            );
        }
        SiteInfo {
            name,
            tagline,
            tone,
            layout,
            primary_navigation,
            secondary_navigation,
            hero_message,
        }
    }

    /// Navigation entries as existing slugs; entries may be slugs, paths (`/about`) or objects with
    /// a `slug`/`href`/`path`. Repeats are dropped.
    fn navigation(
        &mut self,
        site: &Map<String, Value>,
        key: &str,
        slugs: &[String],
        resolve: &Resolve<'_>,
    ) -> Vec<String> {
        let entries = match site.get(key) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(entries)) => entries,
            Some(other) => {
                self.error(format!(
                    "site.{key}: expected an array of page slugs, got {}",
                    kind_of(other)
                ));
                return Vec::new();
            }
        };
        let mut out: Vec<String> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let path = format!("site.{key}[{i}]");
            let raw = match entry {
                Value::String(s) => s.clone(),
                Value::Object(o) => match ["slug", "href", "path", "url"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str))
                {
                    Some(s) => s.to_string(),
                    None => {
                        self.error(format!(
                            "{path}: expected a page slug, got an object without one"
                        ));
                        continue;
                    }
                },
                other => {
                    self.error(format!(
                        "{path}: expected a page slug, got {}",
                        kind_of(other)
                    ));
                    continue;
                }
            };
            if raw.contains("://")
                || raw.starts_with("mailto:")
                || raw.starts_with("tel:")
                || raw.starts_with('#')
            {
                self.error(format!(
                    "{path}: {raw:?} is not a page slug; navigation lists this site's page slugs only"
                ));
                continue;
            }
            match resolve(&raw) {
                Some(slug) if !out.contains(&slug) => out.push(slug),
                Some(_) => {}
                None => self.error(format!(
                    "{path}: {raw:?} is not a page of this site; use one of {}",
                    slugs.join(", ")
                )),
            }
        }
        if out.len() > self.limits.max_nav_items {
            self.error(format!(
                "site.{key}: {} entries, at most {}; keep the most important",
                out.len(),
                self.limits.max_nav_items
            ));
        }
        out
    }

    pub(super) fn seo(&mut self, value: Option<&Value>, path: &str, required: bool) -> Seo {
        let obj = match value {
            Some(Value::Object(o)) => o.clone(),
            None | Some(Value::Null) if !required => return Seo::default(),
            other => {
                self.error(format!(
                    "{path}: expected an object with meta_title and meta_description, got {}",
                    other.map_or("nothing", kind_of)
                ));
                return Seo::default();
            }
        };
        let limits = self.limits;
        Seo {
            meta_title: self.string(
                &obj,
                "meta_title",
                path,
                required,
                limits.max_meta_title_len,
            ),
            meta_description: self.string(
                &obj,
                "meta_description",
                path,
                required,
                limits.max_meta_description_len,
            ),
        }
    }

    /// The blocks of a page; `links` (slugs and resolver) enables checking `/slug` hrefs.
    pub(super) fn blocks(
        &mut self,
        value: Option<&Value>,
        path: &str,
        links: Option<(&[String], &Resolve<'_>)>,
    ) -> Vec<Block> {
        let items = match value {
            Some(Value::Array(items)) => items,
            other => {
                self.error(format!(
                    "{path}: expected an array of blocks, got {}",
                    other.map_or("nothing", kind_of)
                ));
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.error(format!("{path}: empty; a page needs at least one block"));
        }
        if items.len() > self.limits.max_blocks_per_page {
            self.error(format!(
                "{path}: {} blocks, at most {} per page",
                items.len(),
                self.limits.max_blocks_per_page
            ));
        }
        let mut out = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let path = format!("{path}[{j}]");
            if let Some(mut block) = self.block(item, &path) {
                let errors = self.catalogue.validate_block(&block);
                let valid = errors.is_empty();
                for e in errors {
                    let sep = if e.starts_with("data") { "." } else { ": " };
                    self.error(format!("{path}{sep}{e}"));
                }
                if valid {
                    self.text_lengths(&block.data, &format!("{path}.data"));
                    if let Some((slugs, resolve)) = links {
                        self.links(&mut block.data, &format!("{path}.data"), slugs, resolve);
                    }
                }
                out.push(block);
            }
        }
        out
    }

    fn block(&mut self, value: &Value, path: &str) -> Option<Block> {
        let Some(obj) = value.as_object() else {
            self.error(format!(
                "{path}: expected a block object {{\"type\", \"data\"}}, got {}",
                kind_of(value)
            ));
            return None;
        };
        let block_type = match obj.get("type").or_else(|| obj.get("block_type")) {
            Some(Value::String(s)) => s.trim().to_lowercase().replace(['-', ' '], "_"),
            other => {
                self.error(format!(
                    "{path}.type: expected a block type name, got {}; use one of {}",
                    other.map_or("nothing", kind_of),
                    self.catalogue.names().join(", ")
                ));
                return None;
            }
        };
        let data = match obj.get("data") {
            Some(Value::Object(d)) => Value::Object(d.clone()),
            // Fields written beside `data` instead of inside it: move them in.
            None | Some(Value::Null) => Value::Object(
                obj.iter()
                    .filter(|(k, _)| !BLOCK_META.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            Some(other) => other.clone(),
        };
        let text = |key: &str| match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let locked = match obj.get("locked") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.error(format!(
                    "{path}.locked: expected true or false, got {}",
                    kind_of(other)
                ));
                false
            }
        };
        Some(Block {
            block_type,
            data: strip_nulls(data),
            id: text("id"),
            variant: text("variant"),
            locked,
        })
    }

    fn text_lengths(&mut self, value: &Value, path: &str) {
        match value {
            Value::String(s) => {
                let len = s.chars().count();
                if len > self.limits.max_text_len {
                    self.error(format!(
                        "{path}: {len} characters, at most {}; shorten it or split it into more blocks",
                        self.limits.max_text_len
                    ));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.text_lengths(v, &format!("{path}[{i}]"));
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.text_lengths(v, &format!("{path}.{k}"));
                }
            }
            _ => {}
        }
    }

    /// Internal links (`/slug`) must reach a page of the site; they are rewritten to the
    /// normalised slug. Deeper paths, anchors, URLs, `mailto:` and `tel:` are left alone.
    fn links(&mut self, value: &mut Value, path: &str, slugs: &[String], resolve: &Resolve<'_>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    let sub = format!("{path}.{k}");
                    if k == "href" {
                        if let Value::String(href) = v
                            && let Some(fixed) = self.link(href, &sub, slugs, resolve)
                        {
                            *href = fixed;
                        }
                    } else {
                        self.links(v, &sub, slugs, resolve);
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    self.links(v, &format!("{path}[{i}]"), slugs, resolve);
                }
            }
            _ => {}
        }
    }

    fn link(
        &mut self,
        href: &str,
        path: &str,
        slugs: &[String],
        resolve: &Resolve<'_>,
    ) -> Option<String> {
        let target = href.trim();
        if !target.starts_with('/') || target.starts_with("//") {
            return None;
        }
        let (page, rest) = match target.find(['#', '?']) {
            Some(at) => target.split_at(at),
            None => (target, ""),
        };
        if page.trim_matches('/').contains('/') {
            return None;
        }
        match resolve(page) {
            Some(slug) if slug == "home" && normalize_slug(page).is_empty() => None,
            Some(slug) => Some(format!("/{slug}{rest}")),
            None => {
                let options: Vec<String> = slugs.iter().map(|s| format!("/{s}")).collect();
                self.error(format!(
                    "{path}: {href:?} links to no page of this site; link to one of {} or to a full URL",
                    options.join(", ")
                ));
                None
            }
        }
    }
}

fn page_types() -> String {
    PageType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
