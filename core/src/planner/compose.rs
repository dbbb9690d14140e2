//! Writes the `data` of each block type for a page, from the profile and the page's topic.

mod forms;
mod sections;

use serde_json::{Value, json};

use super::profile::{Imagery, Profile, Style};
use super::text::{capitalize, clip, join_list, lower_first};
use crate::model::Block;
use crate::planner::recipes::Topic;

/// The pages of the site a block may link to: (topic, slug).
#[derive(Debug, Clone, Default)]
pub(super) struct Links {
    pub pages: Vec<(Topic, String)>,
}

impl Links {
    /// `/slug` of the first page about `topic`.
    pub(super) fn href(&self, topic: Topic) -> Option<String> {
        self.pages
            .iter()
            .find(|(t, _)| *t == topic)
            .map(|(_, s)| format!("/{s}"))
    }
}

/// The page a block is written for.
pub(super) struct PageRef<'a> {
    pub topic: Topic,
    pub slug: &'a str,
    pub title: &'a str,
    pub objective: &'a str,
}

/// Composes block data for one site.
pub(super) struct Composer<'a> {
    pub profile: &'a Profile,
    pub links: &'a Links,
    /// Page-content generation writes more items and longer text than a structure draft.
    pub rich: bool,
    /// Home hero heading already chosen for the site.
    pub hero_message: String,
    /// Label of the site's main call to action.
    pub cta_label: String,
}

impl Composer<'_> {
    /// A block of `block_type` written for `page`; `None` for types it has no copy for.
    pub(super) fn block(&self, block_type: &str, page: &PageRef<'_>) -> Option<Block> {
        let data = match block_type {
            "hero" => self.hero(page),
            "text" => self.text(page),
            "features" => self.features(page),
            "services" => self.services(page),
            "grid" => self.grid(page),
            "testimonials" => self.testimonials(),
            "stats" => self.stats(page),
            "cta" => self.cta(page),
            "card" => self.card(page),
            "image" => json!({"image": self.image(), "caption": self.caption()}),
            "video" => self.video(),
            "quote" => self.quote(page),
            "form" => self.form(page),
            "faq" => self.faq(page),
            "list" => self.list(page),
            "accordion" => self.accordion(page),
            _ => return None,
        };
        let mut block = Block::new(block_type, data);
        if block_type == "hero" && page.topic == Topic::Home {
            block.variant = Some(self.hero_variant().to_string());
        }
        Some(block)
    }

    /// The main call to action as seen from `page`: its target, or contact when `page` is it.
    /// A `tel:` button when calls are the main goal.
    pub(super) fn primary(&self, page: &PageRef<'_>) -> Option<Value> {
        let p = self.profile;
        if p.cta.call
            && let Some(tel) = &p.tel
        {
            return Some(json!({"label": self.cta_label, "href": tel}));
        }
        let own = format!("/{}", page.slug);
        let target = [p.cta.topic, Topic::Contact, Topic::Booking]
            .iter()
            .filter_map(|t| self.links.href(*t))
            .find(|h| *h != own)?;
        let label = if self.links.href(p.cta.topic).as_deref() == Some(target.as_str()) {
            self.cta_label.clone()
        } else {
            "Get in touch".to_string()
        };
        Some(json!({"label": label, "href": target}))
    }

    fn items_count(&self, base: usize) -> usize {
        if self.rich { base + 1 } else { base }
    }

    fn hero(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let (heading, subheading) = if page.topic == Topic::Home {
            let lead = match p.imagery {
                Imagery::Team => "Meet the people who make it happen.",
                Imagery::Product => "See it at work in everyday life.",
                Imagery::Interface => "See exactly how it works.",
                Imagery::Illustration => "",
                Imagery::Place => "Come and see the place for yourself.",
                Imagery::Success => "See what changed for people like you.",
            };
            let sub = format!("{} {lead}", p.pitch());
            (self.hero_message.clone(), sub.trim().to_string())
        } else {
            sections::topic_intro(p, page)
        };
        let mut data =
            json!({"heading": clip(&heading, 120), "subheading": clip(&subheading, 300)});
        // The page the main button leads to needs no button to itself.
        let is_target = !p.cta.call
            && self.links.href(p.cta.topic).as_deref() == Some(&format!("/{}", page.slug));
        if let Some(cta) = self
            .primary(page)
            .filter(|_| !has_form(page.topic) && !is_target)
        {
            data["cta"] = cta;
        }
        if page.topic == Topic::Home {
            if let Some(second) = self.secondary_link(page) {
                data["secondary_cta"] = second;
            }
            data["image"] = self.image();
        }
        data
    }

    /// Home's second button: a call when calls are a goal but not the main one, else the next
    /// goal's page, else the first main page that is not the primary target.
    fn secondary_link(&self, page: &PageRef<'_>) -> Option<Value> {
        let p = self.profile;
        if !p.cta.call
            && let Some(tel) = &p.tel
        {
            return Some(json!({"label": "Call us", "href": tel}));
        }
        let primary = self
            .primary(page)
            .and_then(|c| c["href"].as_str().map(str::to_string));
        let (topic, slug) = self.links.pages.iter().find(|(t, s)| {
            *t != Topic::Home && Some(format!("/{s}")) != primary && !has_form(*t)
        })?;
        let label = match topic {
            Topic::Menu => "See the menu",
            Topic::Services => "Our services",
            Topic::Features => "Explore features",
            Topic::Shop | Topic::Collections => "Browse the shop",
            Topic::Products => "See our products",
            Topic::Programs => "See programmes",
            Topic::Classes => "See classes",
            Topic::Rooms => "See the rooms",
            Topic::Gallery => "See the gallery",
            Topic::Memberships => "See memberships",
            Topic::Catering => "Catering",
            Topic::Work => "See the work",
            Topic::Listings => "Browse properties",
            Topic::Blog => "Read the blog",
            Topic::Doctors => "Meet our doctors",
            Topic::Impact => "See our impact",
            Topic::About => "About us",
            _ => "Learn more",
        };
        Some(json!({"label": label, "href": format!("/{slug}")}))
    }

    fn hero_variant(&self) -> &'static str {
        match self.profile.imagery {
            Imagery::Team => "photo-team",
            Imagery::Product => "product-in-use",
            Imagery::Interface => "screenshot",
            Imagery::Illustration => "illustration",
            Imagery::Place => "full-bleed-photo",
            Imagery::Success => "customer-story",
        }
    }

    /// The hero image: what it shows follows the imagery direction.
    fn image(&self) -> Value {
        let p = self.profile;
        let place = p
            .location
            .as_ref()
            .map(|l| format!(" in {l}"))
            .unwrap_or_default();
        let (alt, prompt) = match p.imagery {
            Imagery::Team => (
                format!("The {} team at work", p.name),
                format!(
                    "Candid photo of the {} team at work{place}, natural light, real moments",
                    p.name
                ),
            ),
            Imagery::Product => (
                format!("{} in use", first_offering(p)),
                format!(
                    "{} in the hands of {}, in the setting where it is used",
                    first_offering(p),
                    p.audience
                ),
            ),
            Imagery::Interface => (
                format!("The {} interface", p.name),
                format!(
                    "Clean device mock-up of the {} interface with the key feature highlighted",
                    p.name
                ),
            ),
            Imagery::Illustration => (
                format!("Illustration for {}", p.name),
                format!(
                    "Brand-coloured abstract shapes suggesting {}",
                    lower_first(&first_offering(p))
                ),
            ),
            Imagery::Place => (
                format!("Inside {}", p.name),
                format!(
                    "Wide photo of the {} space{place}: the room, the light, the welcome",
                    p.name
                ),
            ),
            Imagery::Success => (
                format!("A happy {} customer", p.name),
                format!(
                    "{} enjoying the result, a genuine moment of relief or delight",
                    capitalize(&p.audience)
                ),
            ),
        };
        let prompt = match &p.imagery_note {
            Some(note) => format!("{prompt}. Direction: {note}."),
            None => format!("{prompt}."),
        };
        json!({"alt": clip(&alt, 120), "prompt": clip(&prompt, 400)})
    }

    fn caption(&self) -> String {
        match &self.profile.location {
            Some(place) => format!("{}, {place}", self.profile.name),
            None => self.profile.name.clone(),
        }
    }

    fn text(&self, page: &PageRef<'_>) -> Value {
        let (heading, body) = sections::text_section(self.profile, page, self.rich);
        json!({"heading": heading, "body": body})
    }

    fn features(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let (heading, items) = sections::feature_items(p, page.topic);
        let items: Vec<Value> = items
            .into_iter()
            .take(if self.rich { 6 } else { 3 })
            .map(|(title, description, icon)| json!({"title": title, "description": description, "icon": icon}))
            .collect();
        let subheading = match page.topic {
            Topic::About | Topic::Careers => "The principles behind everything we do.".to_string(),
            Topic::Home => format!("What {} can expect from {}.", p.audience, p.name),
            _ => format!("{} at {}: what to expect.", page.title, p.name),
        };
        json!({"heading": heading, "subheading": subheading, "items": items})
    }

    fn services(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let items: Vec<Value> = p
            .offerings
            .iter()
            .take(self.items_count(4).max(3))
            .enumerate()
            .map(|(i, (title, description))| {
                let description = if page.topic == Topic::Home {
                    description.clone()
                } else {
                    sections::detail_line(i, description)
                };
                json!({"title": title, "description": description})
            })
            .collect();
        let heading = if page.topic == Topic::Home {
            p.voice.offer_heading.to_string()
        } else {
            "What we offer".to_string()
        };
        let mut data = json!({
            "heading": heading,
            "subheading": if page.topic == Topic::Home {
                format!("For {}{}.", p.audience, p.location.as_ref().map(|l| format!(" in {l}")).unwrap_or_default())
            } else {
                format!("Everything {} offers {}.", p.name, p.audience)
            },
            "items": items
        });
        if let Some(cta) = self.primary(page) {
            data["cta"] = cta;
        }
        data
    }

    fn grid(&self, page: &PageRef<'_>) -> Value {
        let (heading, items) = sections::grid_items(self.profile, page.topic, self.links);
        let items: Vec<Value> = items.into_iter().take(self.items_count(3).max(3)).collect();
        json!({"heading": heading, "columns": 3, "items": items})
    }

    fn testimonials(&self) -> Value {
        let p = self.profile;
        const ABOUT: [&str; 3] = [
            "their first visit",
            "why they keep coming back",
            "what they would tell a friend",
        ];
        let items: Vec<Value> = ABOUT
            .iter()
            .take(self.items_count(2))
            .enumerate()
            .map(|(i, about)| {
                json!({
                    "quote": format!("[Add a real customer's words about {about}.]"),
                    "author": format!("[Customer {} name]", i + 1),
                    "role": "[Where they are from]"
                })
            })
            .collect();
        json!({"heading": format!("What {} say", p.voice.customers), "items": items})
    }

    fn stats(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let items: Vec<Value> = p
            .voice
            .stats
            .iter()
            .map(|label| json!({"value": "[Number]", "label": p.fill(label)}))
            .collect();
        let heading = if page.topic == Topic::Home {
            format!("{} in numbers", p.name)
        } else {
            format!("{} in numbers", page.title)
        };
        json!({"heading": heading, "items": items})
    }

    fn cta(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let cta = self
            .primary(page)
            .unwrap_or_else(|| json!({"label": "Back to home", "href": "/"}));
        let (heading, body) = sections::closing(p, page, &self.cta_label);
        json!({"heading": heading, "body": body, "cta": cta})
    }

    fn card(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let (heading, body) = sections::closing(p, page, &self.cta_label);
        let mut data = json!({"heading": heading, "body": body});
        if let Some(cta) = self.primary(page) {
            data["cta"] = cta;
        }
        data
    }

    fn video(&self) -> Value {
        let p = self.profile;
        json!({
            "heading": format!("See {}", p.name),
            "description": format!("A short film of {} at work, in the style of the hero: {}.", p.name, self.hero_variant().replace('-', " ")),
            "caption": "[Add the video link when it is ready.]"
        })
    }

    fn quote(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let home = page.topic == Topic::Home;
        let quote = match (p.style, home) {
            (Style::Bold, true) => "Good work should make people stop and look.",
            (Style::Bold, false) => "Every project starts with a question worth answering well.",
            (Style::Warm, true) => "We do this because we care about the people it's for.",
            (Style::Warm, false) => "The best part of the job is the people we get to do it for.",
            (Style::Calm, true) => "Doing the work well is the best promise we can make.",
            (Style::Calm, false) => "Care in the details is what people remember.",
        };
        json!({"quote": quote, "author": format!("The {} team", p.name)})
    }
}

/// Pages whose main content is a form, so their hero needs no button.
pub(super) fn has_form(topic: Topic) -> bool {
    matches!(
        topic,
        Topic::Contact
            | Topic::Reservations
            | Topic::Appointments
            | Topic::Demo
            | Topic::Quote
            | Topic::Booking
            | Topic::Volunteer
            | Topic::Donate
    )
}

fn first_offering(p: &Profile) -> String {
    p.offerings
        .first()
        .map_or_else(|| p.name.clone(), |(t, _)| t.clone())
}

/// A short list of offerings in running text ("check-ups, whitening and implants").
pub(super) fn offering_phrase(p: &Profile, max: usize) -> String {
    let items: Vec<String> = p
        .offerings
        .iter()
        .take(max)
        .map(|(t, _)| lower_first(t))
        .collect();
    join_list(&items)
}
