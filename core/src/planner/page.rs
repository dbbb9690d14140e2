//! The page-content answer: every unlocked block of one page rewritten in full, plus its SEO.

use serde_json::{Value, json};

use super::compose::{Composer, Links, PageRef};
use super::plan::{block_types, seo};
use super::profile::{Inputs, Profile, named, named_list, str_at, strings};
use crate::Result;
use crate::blocks::DEFAULT_BLOCK_TYPES;
use crate::model::{Block, PageType};
use crate::planner::recipes::{Topic, default_recipe};

/// What a page's copy is written from: the site's profile, the pages a block may link to, and
/// the page itself (shared by page generation and regeneration).
pub(super) struct PageParts {
    pub profile: Profile,
    pub links: Links,
    pub topic: Topic,
    pub page_type: PageType,
    pub slug: String,
    pub title: String,
    pub objective: String,
    pub cta_label: String,
    pub hero_message: String,
}

impl PageParts {
    /// Reads the parts from a page function's context (`site`, `page`, `brief`, options).
    pub(super) fn new(context: &Value) -> PageParts {
        let site = context.get("site").unwrap_or(&Value::Null);
        let page = context.get("page").unwrap_or(&Value::Null);
        let profile = Profile::new(Inputs {
            name_hint: str_at(site, "name"),
            brief: str_at(context, "brief"),
            extra_text: str_at(site, "tagline"),
            business_type: named(context.get("business_type")),
            audiences: named_list(context.get("audience_profiles")),
            personalities: named_list(context.get("brand_personalities")),
            imagery: named(context.get("hero_imagery")),
            objectives: strings(context.get("objectives")),
            tone: Some(str_at(site, "tone").to_string()),
        });

        let slug = str_at(page, "slug");
        let title = str_at(page, "title");
        let page_type: PageType = str_at(page, "type").parse().unwrap_or_default();
        let topic = Topic::of_page(slug, title, page_type);
        let mut nav = strings(site.get("primary_navigation"));
        nav.extend(strings(site.get("secondary_navigation")));
        if !slug.is_empty() && !nav.iter().any(|s| s == slug) {
            nav.push(slug.to_string());
        }
        let links = Links {
            pages: nav
                .iter()
                .map(|s| {
                    let t = if s == "home" {
                        Topic::Home
                    } else {
                        Topic::of_page(s, "", PageType::Custom)
                    };
                    (t, s.clone())
                })
                .collect(),
        };
        let stated_cta = str_at(page, "primary_cta");
        let cta_label = if stated_cta.is_empty() || super::compose::has_form(topic) {
            profile.cta.label.clone()
        } else {
            stated_cta.to_string()
        };
        let hero_message = match str_at(site, "hero_message") {
            "" => profile.styled(&profile.voice.promise),
            message => message.to_string(),
        };
        PageParts {
            links,
            topic,
            page_type,
            slug: slug.to_string(),
            title: if title.is_empty() { "Page" } else { title }.to_string(),
            objective: str_at(page, "objective").to_string(),
            cta_label,
            hero_message,
            profile,
        }
    }

    /// The composer of this page's blocks.
    pub(super) fn composer(&self) -> Composer<'_> {
        Composer {
            profile: &self.profile,
            links: &self.links,
            rich: true,
            hero_message: self.hero_message.clone(),
            cta_label: self.cta_label.clone(),
        }
    }

    /// The page as blocks are written for it.
    pub(super) fn page_ref(&self) -> PageRef<'_> {
        PageRef {
            topic: self.topic,
            slug: &self.slug,
            title: &self.title,
            objective: &self.objective,
        }
    }
}

pub(super) fn content(context: &Value) -> Result<Value> {
    let page = context.get("page").unwrap_or(&Value::Null);
    let parts = PageParts::new(context);
    let composer = parts.composer();
    let page_ref = parts.page_ref();
    let (topic, page_type) = (parts.topic, parts.page_type);

    let existing: Vec<Value> = page
        .get("blocks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let blocks: Vec<Value> = if existing.is_empty() {
        let recipe = topic
            .plan()
            .filter(|p| p.page_type == page_type)
            .map_or_else(|| default_recipe(page_type), |p| p.blocks);
        block_types(recipe, DEFAULT_BLOCK_TYPES)
            .into_iter()
            .filter_map(|t| composer.block(t, &page_ref))
            .map(|b| serde_json::to_value(b).unwrap_or(Value::Null))
            .collect()
    } else {
        existing
            .iter()
            .map(|raw| rewrite(&composer, &page_ref, raw))
            .collect()
    };
    Ok(json!({"blocks": blocks, "seo": seo(&parts.profile, topic, page_ref.title, &composer)}))
}

/// A stored block with fresh copy; locked blocks and types the planner cannot write stay as they
/// are, and the block keeps its id and variant.
pub(super) fn rewrite(composer: &Composer<'_>, page: &PageRef<'_>, raw: &Value) -> Value {
    let Ok(stored) = serde_json::from_value::<Block>(raw.clone()) else {
        return raw.clone();
    };
    if stored.locked {
        return raw.clone();
    }
    match composer.block(&stored.block_type, page) {
        Some(mut fresh) => {
            fresh.id = stored.id;
            fresh.variant = stored.variant.or(fresh.variant);
            serde_json::to_value(fresh).unwrap_or_else(|_| raw.clone())
        }
        None => raw.clone(),
    }
}
