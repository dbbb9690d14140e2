//! The structure answer: which pages, in which menus, each with its first draft of blocks.

use serde_json::{Value, json};

use super::compose::{Composer, Links, PageRef, has_form};
use super::profile::{Inputs, Profile, Style, named, named_list, str_at, strings};
use super::text::clip;
use crate::blocks::DEFAULT_BLOCK_TYPES;
use crate::blocks::validate::normalize_slug;
use crate::model::LAYOUTS;
use crate::planner::goals;
use crate::planner::recipes::{
    BusinessKind, PagePlan, Topic, conversion_topic, extra_topics, fallbacks,
};
use crate::{Error, Result};

/// Pages in the main menu, home included; the rest go to the footer.
const MAX_PRIMARY: usize = 7;
/// Pages a structure gets at most (well inside the validator's limit).
const MAX_PAGES: usize = 14;

/// A page of the answer: planned from a recipe, or carried over because it is locked.
enum Planned {
    Fresh(PagePlan),
    Locked {
        slug: String,
        value: Value,
        primary: bool,
    },
}

pub(super) fn structure(context: &Value) -> Result<Value> {
    let blueprint = context.get("blueprint").unwrap_or(&Value::Null);
    let objectives = strings(context.get("objectives"));
    let profile = Profile::new(Inputs {
        name_hint: str_at(blueprint, "name"),
        brief: str_at(context, "brief"),
        extra_text: str_at(blueprint, "description"),
        business_type: named(context.get("business_type")),
        audiences: named_list(context.get("audience_profiles")),
        personalities: named_list(context.get("brand_personalities")),
        imagery: named(context.get("hero_imagery")),
        objectives: objectives.clone(),
        tone: None,
    });
    let allowed = allowed_blocks(context)?;
    let pages = plan_pages(&profile, context);

    let links = Links {
        pages: pages
            .iter()
            .map(|p| match p {
                Planned::Fresh(plan) => (plan.topic, plan.slug.to_string()),
                Planned::Locked { slug, value, .. } => (topic_of_value(slug, value), slug.clone()),
            })
            .collect(),
    };
    let cta_label = profile.cta.label.clone();
    let hero_message = profile.styled(&profile.voice.promise);
    let composer = Composer {
        profile: &profile,
        links: &links,
        rich: false,
        hero_message: hero_message.clone(),
        cta_label,
    };

    let mut primary = Vec::new();
    let mut secondary = Vec::new();
    let mut page_values = Vec::new();
    for planned in &pages {
        let (slug, is_primary, value) = match planned {
            Planned::Fresh(plan) => (
                plan.slug.to_string(),
                plan.primary,
                fresh_page(&composer, plan, &allowed),
            ),
            Planned::Locked {
                slug,
                value,
                primary,
            } => (slug.clone(), *primary, value.clone()),
        };
        if is_primary && primary.len() < MAX_PRIMARY {
            primary.push(slug);
        } else {
            secondary.push(slug);
        }
        page_values.push(value);
    }
    let locked: Vec<bool> = pages
        .iter()
        .map(|p| matches!(p, Planned::Locked { .. }))
        .collect();
    super::tidy::drop_repeats(&mut page_values, &locked);
    let mut answer = json!({
        "site": {
            "name": clip(&profile.name, 120),
            "tagline": profile.styled(&profile.voice.tagline),
            "tone": profile.tone,
            "layout": layout(&profile, context),
            "primary_navigation": primary,
            "secondary_navigation": secondary,
            "hero_message": hero_message
        },
        "pages": page_values
    });
    if !profile.notes.is_empty() {
        answer["notes"] = json!(profile.notes);
    }
    Ok(answer)
}

/// Block types the site may use: the context's list (all default types when absent) that the
/// planner can write copy for.
fn allowed_blocks(context: &Value) -> Result<Vec<&'static str>> {
    let requested = strings(context.get("block_types"));
    if requested.is_empty() {
        return Ok(DEFAULT_BLOCK_TYPES.to_vec());
    }
    let allowed: Vec<&'static str> = DEFAULT_BLOCK_TYPES
        .iter()
        .copied()
        .filter(|t| requested.iter().any(|r| r == t))
        .collect();
    if allowed.is_empty() {
        return Err(Error::config(format!(
            "the offline planner writes only the default block types ({}), and this site allows none of them ({}); configure an AI provider or allow some default types",
            DEFAULT_BLOCK_TYPES.join(", "),
            requested.join(", ")
        )));
    }
    Ok(allowed)
}

/// The kind's pages, the objectives' extra pages before the contact page, and the locked pages.
fn plan_pages(profile: &Profile, context: &Value) -> Vec<Planned> {
    let mut plans = profile.kind.pages();
    let contact_at = |plans: &[PagePlan]| plans.iter().position(|p| p.topic == Topic::Contact);
    let goal_topics = profile
        .goals
        .iter()
        .flat_map(|g| conversion_topic(profile.kind, *g).iter().copied());
    let asked: Vec<Topic> = extra_topics(profile.kind, &profile.objectives)
        .into_iter()
        .filter(|t| matches!(t, Topic::Blog | Topic::Faq | Topic::Careers))
        .collect();
    let wanted: Vec<Topic> = goal_topics.chain(asked).collect();
    for topic in wanted {
        let Some(plan) = topic.plan() else { continue };
        if plans
            .iter()
            .any(|p| p.topic == topic || p.slug == plan.slug)
        {
            continue;
        }
        // Shop-like extras duplicate a products page the kind already has.
        if topic == Topic::Shop
            && plans
                .iter()
                .any(|p| matches!(p.topic, Topic::Products | Topic::Collections))
        {
            continue;
        }
        let at = contact_at(&plans).unwrap_or(plans.len());
        plans.insert(at, *plan);
    }
    plans.truncate(MAX_PAGES);

    let locked = strings(context.get("locked_pages"))
        .iter()
        .map(|s| normalize_slug(s))
        .collect::<Vec<_>>();
    let existing = context.get("existing_structure").filter(|v| v.is_object());
    let existing_primary = existing
        .and_then(|e| e.pointer("/site/primary_navigation"))
        .map(|v| strings(Some(v)))
        .unwrap_or_default();
    let locked_pages: Vec<(String, Value)> = existing
        .and_then(|e| e.get("pages"))
        .and_then(Value::as_array)
        .map(|pages| {
            pages
                .iter()
                .filter_map(|p| {
                    let slug = normalize_slug(str_at(p, "slug"));
                    let is_home = str_at(p, "type") == "home";
                    let slug = if is_home { "home".to_string() } else { slug };
                    locked.contains(&slug).then(|| (slug, p.clone()))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut out: Vec<Planned> = plans.into_iter().map(Planned::Fresh).collect();
    for (slug, value) in locked_pages {
        let primary = existing_primary.iter().any(|s| normalize_slug(s) == slug) || slug == "home";
        let carried = Planned::Locked {
            slug: slug.clone(),
            value,
            primary,
        };
        let same = out.iter().position(|p| match p {
            Planned::Fresh(plan) => plan.slug == slug,
            Planned::Locked { slug: s, .. } => *s == slug,
        });
        match same {
            Some(i) => out[i] = carried,
            None => {
                let at = out
                    .iter()
                    .position(|p| matches!(p, Planned::Fresh(plan) if plan.topic == Topic::Contact))
                    .unwrap_or(out.len());
                out.insert(at, carried);
            }
        }
    }
    out
}

fn topic_of_value(slug: &str, value: &Value) -> Topic {
    let page_type = str_at(value, "type").parse().unwrap_or_default();
    Topic::of_page(slug, str_at(value, "title"), page_type)
}

/// The page of a plan, with copy in every block.
fn fresh_page(composer: &Composer<'_>, plan: &PagePlan, allowed: &[&'static str]) -> Value {
    let p = composer.profile;
    let objective = objective(p, plan.topic, plan.title);
    let page = PageRef {
        topic: plan.topic,
        slug: plan.slug,
        title: plan.title,
        objective: "",
    };
    let blocks: Vec<Value> = block_types(plan.blocks, allowed)
        .into_iter()
        .filter_map(|t| composer.block(t, &page))
        .map(|b| serde_json::to_value(b).unwrap_or(Value::Null))
        .collect();
    let primary_cta = if has_form(plan.topic) {
        blocks
            .iter()
            .find_map(|b| b.pointer("/data/submit_label").and_then(Value::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| composer.cta_label.clone())
    } else {
        composer.cta_label.clone()
    };
    json!({
        "slug": plan.slug,
        "title": plan.title,
        "type": plan.page_type.as_str(),
        "objective": objective,
        "primary_cta": primary_cta,
        "seo": seo(p, plan.topic, plan.title, composer),
        "blocks": blocks
    })
}

/// The recipe's block types with unavailable ones replaced by their first available fallback.
pub(super) fn block_types(recipe: &[&'static str], allowed: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for wanted in recipe {
        let pick = std::iter::once(wanted)
            .chain(fallbacks(wanted))
            .find(|t| allowed.contains(t));
        if let Some(t) = pick
            && out.last() != Some(t)
        {
            out.push(t);
        }
    }
    if out.is_empty() {
        out.push(allowed[0]);
    }
    out
}

/// What a page must achieve, as a brief to its writer.
pub(super) fn objective(p: &Profile, topic: Topic, title: &str) -> String {
    let name = &p.name;
    let audience = &p.audience;
    let cta = p.cta.label.to_lowercase();
    let base = match topic {
        Topic::Home => {
            format!("Show {audience} what {name} offers at a glance and lead them to {cta}.")
        }
        Topic::About => format!(
            "Build trust: who is behind {name}, what it stands for and why {} choose it.",
            p.voice.customers
        ),
        Topic::Services | Topic::Programs => {
            format!("Help {audience} find the right option and take the next step.")
        }
        Topic::Products | Topic::Shop | Topic::Collections => {
            format!("Help {audience} find something they love and start shopping.")
        }
        Topic::Blog => format!("Bring {audience} back with useful articles and grow subscribers."),
        Topic::Contact => "Make it effortless to get in touch.".to_string(),
        Topic::Menu => "Show what's on the menu and turn appetite into bookings.".to_string(),
        Topic::Reservations | Topic::Booking => {
            "Take bookings with the fewest possible steps.".to_string()
        }
        Topic::Features => format!("Show what {name} does and why it matters to {audience}."),
        Topic::Integrations => {
            format!("Reassure technical buyers that {name} fits the tools they use.")
        }
        Topic::Pricing => "Help teams choose a plan and book a demo.".to_string(),
        Topic::Demo => "Book demos with the details needed to tailor them.".to_string(),
        Topic::Doctors => {
            "Introduce the clinicians so patients feel at ease before they visit.".to_string()
        }
        Topic::Appointments => "Turn visitors into booked appointments.".to_string(),
        Topic::Team => "Introduce the people clients will work with.".to_string(),
        Topic::Quote => "Collect complete quote requests.".to_string(),
        Topic::Impact => "Show what supporters' help achieves.".to_string(),
        Topic::Volunteer => "Recruit volunteers and match them to the right role.".to_string(),
        Topic::Donate => "Turn supporters into donors.".to_string(),
        Topic::Work => "Show the range and quality of the work to win commissions.".to_string(),
        Topic::Listings => format!("Help {audience} find a property and book a viewing."),
        Topic::Careers => format!("Attract people who want to join {name}."),
        Topic::Faq => "Answer common questions before they become emails.".to_string(),
        Topic::Order => "Take orders ahead with everything needed to prepare them.".to_string(),
        Topic::Catering => "Turn event planners into catering enquiries.".to_string(),
        Topic::Gallery => format!("Show {audience} the place before they book."),
        Topic::Rooms => "Help guests choose a room and check availability.".to_string(),
        Topic::Memberships => "Help visitors choose a membership and join.".to_string(),
        Topic::Classes => format!("Help {audience} find a class at their level."),
        Topic::Other => format!("Tell visitors about {}.", title.to_lowercase()),
    };
    let goals: Vec<&String> = if topic == Topic::Home {
        p.objectives.iter().take(3).collect()
    } else {
        p.objectives
            .iter()
            .filter(|o| {
                goals::read(o)
                    .iter()
                    .any(|g| conversion_topic(p.kind, *g).contains(&topic))
            })
            .take(2)
            .collect()
    };
    let line = if goals.is_empty() {
        base
    } else {
        let goals: Vec<String> = goals
            .iter()
            .map(|g| g.trim().trim_end_matches('.').to_string())
            .collect();
        format!("{base} Goal: {}.", goals.join("; "))
    };
    clip(&line, 300)
}

/// Search title and description of a page.
pub(super) fn seo(p: &Profile, topic: Topic, title: &str, composer: &Composer<'_>) -> Value {
    let meta_title = if topic == Topic::Home {
        let tagline = p.styled(&p.voice.tagline);
        let full = format!("{} | {tagline}", p.name);
        if full.chars().count() <= 60 {
            full
        } else {
            clip(&p.name, 60)
        }
    } else {
        let full = format!("{title} | {}", p.name);
        if full.chars().count() <= 60 {
            full
        } else {
            clip(title, 60)
        }
    };
    let page = PageRef {
        topic,
        slug: "",
        title,
        objective: "",
    };
    let description = if topic == Topic::Home {
        format!("{} {}", p.pitch(), p.fill(p.voice.closing_body))
    } else {
        let hero = composer
            .block("hero", &page)
            .map(|b| b.data)
            .unwrap_or(Value::Null);
        hero["subheading"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| p.pitch())
    };
    json!({"meta_title": meta_title, "meta_description": sentence_within(&description, 155)})
}

/// `text` within `max` characters, ending like a sentence.
fn sentence_within(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut = clip(text, max - 1);
    cut.push('.');
    cut
}

/// The renderer layout: the host's style hint when it names one, else the kind's.
fn layout(p: &Profile, context: &Value) -> &'static str {
    let hint = context
        .get("style")
        .and_then(|s| s.get("layout"))
        .and_then(Value::as_str)
        .map(|s| s.trim().to_lowercase());
    if let Some(known) = hint.and_then(|h| LAYOUTS.iter().find(|l| **l == h)) {
        return known;
    }
    let brief = str_at(context, "brief").to_lowercase();
    let news = brief
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "news" || w == "magazine");
    if p.kind == BusinessKind::Publisher && news {
        return "magazine";
    }
    let minimalist = named_list(context.get("brand_personalities"))
        .iter()
        .any(|b| b.name.to_lowercase().contains("minimal"));
    if minimalist && p.style == Style::Calm && p.kind.layout() == "default" {
        return "minimal";
    }
    p.kind.layout()
}
