//! Who the site is for, read from a function's context: name, kind, brief, audience, voice and
//! imagery. Reading is forgiving (missing or `null` fields are simply absent) because the planner
//! must answer whatever a host stored.

use serde_json::Value;

use super::goals::{self, Goal};
use super::text::{self, capitalize, join_list, lower_first, phrase};
use super::voice::{Voice, voice};
use crate::planner::recipes::{BusinessKind, Topic, site_goals};

/// How bold the copy is; indexes the per-style lines of a [`Voice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Bold = 0,
    Warm = 1,
    Calm = 2,
}

/// What the hero shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Imagery {
    Team,
    Product,
    Interface,
    Illustration,
    Place,
    Success,
}

/// A catalogue option as the context carries it.
#[derive(Debug, Clone, Default)]
pub(super) struct Named {
    pub name: String,
    pub description: String,
}

/// Everything the copy is written from.
pub(super) struct Profile {
    pub name: String,
    pub kind: BusinessKind,
    pub voice: &'static Voice,
    pub summary: Option<String>,
    pub story: Vec<String>,
    /// Offerings as (title, description): the brief's own when it lists two or more.
    pub offerings: Vec<(String, String)>,
    pub location: Option<String>,
    /// Who the site speaks to, as a phrase ("patients & caregivers").
    pub audience: String,
    pub style: Style,
    pub tone: String,
    pub imagery: Imagery,
    /// The imagery option's own description, passed on to image prompts.
    pub imagery_note: Option<String>,
    pub objectives: Vec<String>,
    /// What visitors should do, main goal first: stated in the brief or objectives, else the
    /// kind's usual goals.
    pub goals: Vec<Goal>,
    /// The site's main call to action, the same on every page.
    pub cta: Cta,
    /// A `tel:` href when calls are a goal: the brief's number, else a marked placeholder.
    pub tel: Option<String>,
    /// What the planner decided against the host's choices (a business type the brief
    /// contradicts), for the result's notes.
    pub notes: Vec<String>,
}

/// The main call to action: its label and the page it leads to (a `tel:` link when `call`).
#[derive(Debug, Clone)]
pub(super) struct Cta {
    pub label: String,
    pub topic: Topic,
    pub call: bool,
}

/// The button of a goal on a site of `kind`; `None` for goals served by a page alone.
fn goal_cta(kind: BusinessKind, goal: Goal) -> Option<Cta> {
    let (label, topic) = match goal {
        Goal::Orders => ("Order ahead", Topic::Order),
        Goal::Catering => ("Ask about catering", Topic::Catering),
        Goal::Calls => ("Call us", Topic::Contact),
        Goal::Memberships if kind == BusinessKind::Saas => ("See pricing", Topic::Pricing),
        Goal::Memberships => ("See memberships", Topic::Memberships),
        Goal::Bookings => match kind {
            BusinessKind::Restaurant => ("Book a table", Topic::Reservations),
            BusinessKind::Clinic => ("Book an appointment", Topic::Appointments),
            BusinessKind::Saas => ("Book a demo", Topic::Demo),
            BusinessKind::Hospitality => ("Check availability", Topic::Booking),
            BusinessKind::Fitness => ("Book a class", Topic::Booking),
            _ => ("Book now", Topic::Booking),
        },
        Goal::Appointments => match kind {
            BusinessKind::Restaurant => ("Book a table", Topic::Reservations),
            BusinessKind::Saas => ("Book a demo", Topic::Demo),
            BusinessKind::Hospitality => ("Check availability", Topic::Booking),
            _ => ("Book an appointment", Topic::Appointments),
        },
        Goal::Quotes | Goal::TradeEnquiries => ("Request a quote", Topic::Quote),
        Goal::Demos => ("Book a demo", Topic::Demo),
        Goal::Donations => ("Donate", Topic::Donate),
        Goal::Volunteers => ("Volunteer with us", Topic::Volunteer),
        Goal::Enrolment if kind == BusinessKind::Fitness => ("See classes", Topic::Classes),
        Goal::Enrolment => ("See programmes", Topic::Programs),
        Goal::Commissions => ("Discuss a commission", Topic::Contact),
        Goal::Viewings => ("Book a viewing", Topic::Booking),
        Goal::Subscribers => ("Subscribe", Topic::Blog),
        Goal::OnlineSales
            if matches!(kind, BusinessKind::FoodShop | BusinessKind::Manufacturer) =>
        {
            ("Browse products", Topic::Products)
        }
        Goal::OnlineSales => ("Shop now", Topic::Shop),
        Goal::Hiring => return None,
    };
    Some(Cta {
        label: label.to_string(),
        topic,
        call: goal == Goal::Calls,
    })
}

/// The kind the site is written for, and a note when the host's business type was set aside:
/// a chosen type the brief never mentions while describing another kind is not followed blindly.
fn reconcile(
    option: Option<&Named>,
    brief_text: &str,
    name_hint: &str,
) -> (BusinessKind, Option<String>) {
    let chosen = option.and_then(|b| BusinessKind::from_option(&b.name, &b.description));
    let read = BusinessKind::detect(brief_text);
    match (chosen, read) {
        (Some(chosen), Some(read)) if chosen != read && chosen.mentions(brief_text) == 0 => {
            let name = option.map(|o| o.name.trim()).unwrap_or_default();
            let note = format!(
                "The chosen business type \"{name}\" does not match the brief, which describes a {}; the pages and buttons follow the brief. Choose a fitting business type to silence this note.",
                voice(read).noun
            );
            (read, Some(note))
        }
        (Some(chosen), _) => (chosen, None),
        (None, Some(read)) => (read, None),
        (None, None) => (
            BusinessKind::detect(name_hint).unwrap_or(BusinessKind::General),
            None,
        ),
    }
}

/// The parts of a context a profile is made from.
pub(super) struct Inputs<'a> {
    pub name_hint: &'a str,
    pub brief: &'a str,
    /// Other descriptive text (blueprint description) used to recognise the business.
    pub extra_text: &'a str,
    pub business_type: Option<Named>,
    pub audiences: Vec<Named>,
    pub personalities: Vec<Named>,
    pub imagery: Option<Named>,
    pub objectives: Vec<String>,
    /// A tone already chosen (page generation reuses the structure's).
    pub tone: Option<String>,
}

impl Profile {
    pub(super) fn new(inputs: Inputs<'_>) -> Profile {
        let objectives_text = inputs.objectives.join(". ");
        let brief_text = format!("{} {} {objectives_text}", inputs.brief, inputs.extra_text);
        let (kind, note) = reconcile(inputs.business_type.as_ref(), &brief_text, inputs.name_hint);
        let mut texts = inputs.objectives.clone();
        texts.push(inputs.brief.to_string());
        let goals = site_goals(kind, &texts);
        let voice = voice(kind);
        let name = text::business_name(inputs.name_hint, inputs.brief)
            .or_else(|| text::descriptive_name(inputs.brief))
            .unwrap_or_else(|| format!("The {}", capitalize(voice.noun)));
        let extracted = text::offerings(inputs.brief);
        let offerings = if extracted.len() >= 2 {
            // Varied lines so a list of offerings does not read as one sentence repeated; a
            // kind whose line is a note for the owner keeps it for every item.
            const LINES: [&str; 3] = [
                "{offer} from {name}, made with care.",
                "Ask us about {offer_lower}; we're happy to tell you more.",
                "{offer}, the way {name} does it.",
            ];
            extracted
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let template = match i {
                        0 => voice.offering_line,
                        _ if voice.offering_line.contains('[') => voice.offering_line,
                        _ => LINES[(i - 1) % LINES.len()],
                    };
                    let line = text::fill_slots(
                        template,
                        &[
                            ("name", &name),
                            ("offer_lower", &lower_first(o)),
                            ("offer", o),
                        ],
                    );
                    (o.clone(), capitalize(&line))
                })
                .collect()
        } else {
            voice
                .offerings
                .iter()
                .map(|(t, d)| (t.to_string(), d.to_string()))
                .collect()
        };
        let audience = if inputs.audiences.is_empty() {
            voice.customers.to_string()
        } else {
            let names: Vec<String> = inputs
                .audiences
                .iter()
                .take(2)
                .map(|a| phrase(&a.name))
                .collect();
            join_list(&names)
        };
        let style = style_of(&inputs.personalities, inputs.tone.as_deref(), kind);
        let tone = inputs
            .tone
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| tone_of(&inputs.personalities, style));
        let (imagery, imagery_note) = match &inputs.imagery {
            Some(option) => (
                imagery_of(option).unwrap_or_else(|| default_imagery(kind)),
                Some(option.description.trim().trim_end_matches('.').to_string())
                    .filter(|d| !d.is_empty()),
            ),
            None => (default_imagery(kind), None),
        };
        let cta = goals
            .iter()
            .find_map(|g| goal_cta(kind, *g))
            .unwrap_or_else(|| Cta {
                label: voice.cta.0.to_string(),
                topic: voice.cta.1,
                call: false,
            });
        let tel = goals.contains(&Goal::Calls).then(|| {
            let number = goals::phone_number(&format!("{} {objectives_text}", inputs.brief));
            format!("tel:{}", number.as_deref().unwrap_or("[phone number]"))
        });
        Profile {
            kind,
            voice,
            goals,
            cta,
            tel,
            notes: note.into_iter().collect(),
            summary: text::summary(inputs.brief, 180),
            story: text::story(inputs.brief),
            offerings,
            location: text::location(inputs.brief),
            audience,
            style,
            tone,
            imagery,
            imagery_note,
            objectives: inputs.objectives,
            name,
        }
    }

    /// `template` with `{name}` and `{customers}` filled in.
    pub(super) fn fill(&self, template: &str) -> String {
        text::fill_slots(
            template,
            &[("name", &self.name), ("customers", self.voice.customers)],
        )
    }

    /// The line of a per-style triple that fits this profile.
    pub(super) fn styled(&self, lines: &[&'static str; 3]) -> String {
        self.fill(lines[self.style as usize])
    }

    /// The opening description: the brief's first sentence, else the kind's pitch.
    pub(super) fn pitch(&self) -> String {
        self.summary.clone().unwrap_or_else(|| {
            let pitch = self.fill(self.voice.pitch);
            match &self.location {
                Some(place) => format!("{} Based in {place}.", pitch),
                None => pitch,
            }
        })
    }

    /// Offering titles.
    pub(super) fn offering_titles(&self) -> Vec<String> {
        self.offerings.iter().map(|(t, _)| t.clone()).collect()
    }
}

/// The style of the first personality that says how bold it is; else the tone; else the kind's.
fn style_of(personalities: &[Named], tone: Option<&str>, kind: BusinessKind) -> Style {
    for p in personalities {
        let known = match p.name.trim().to_lowercase().as_str() {
            "bold visionary" | "playful creative" => Some(Style::Bold),
            "friendly neighbour" | "caring & compassionate" => Some(Style::Warm),
            "trusted advisor" | "premium & refined" | "analytical expert" | "minimalist modern" => {
                Some(Style::Calm)
            }
            _ => None,
        };
        if let Some(style) = known.or_else(|| style_in(&format!("{} {}", p.name, p.description))) {
            return style;
        }
    }
    if let Some(style) = tone.and_then(style_in) {
        return style;
    }
    match kind {
        BusinessKind::Saas | BusinessKind::Portfolio => Style::Bold,
        BusinessKind::Restaurant
        | BusinessKind::Clinic
        | BusinessKind::LocalTrades
        | BusinessKind::Nonprofit
        | BusinessKind::Education
        | BusinessKind::FoodShop
        | BusinessKind::Hospitality
        | BusinessKind::Fitness => Style::Warm,
        _ => Style::Calm,
    }
}

fn style_in(text: &str) -> Option<Style> {
    let lower = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "bold",
        "confident",
        "ambitious",
        "playful",
        "witty",
        "energetic",
        "daring",
    ]) {
        Some(Style::Bold)
    } else if has(&[
        "warm",
        "friendly",
        "caring",
        "empathetic",
        "approachable",
        "gentle",
        "neighbour",
    ]) {
        Some(Style::Warm)
    } else if has(&[
        "calm", "trusted", "refined", "precise", "minimal", "rigorous", "expert", "elegant",
    ]) {
        Some(Style::Calm)
    } else {
        None
    }
}

fn tone_of(personalities: &[Named], style: Style) -> String {
    let Some(first) = personalities.first() else {
        return match style {
            Style::Bold => "Confident, energetic and direct".into(),
            Style::Warm => "Warm, plain-spoken and welcoming".into(),
            Style::Calm => "Clear, calm and trustworthy".into(),
        };
    };
    let names: Vec<String> = personalities
        .iter()
        .take(3)
        .map(|p| p.name.trim().to_string())
        .collect();
    let description = first.description.trim().trim_end_matches('.');
    let tone = if description.is_empty() {
        join_list(&names)
    } else {
        format!("{}: {}", join_list(&names), lower_first(description))
    };
    text::clip(&tone, 200)
}

fn imagery_of(option: &Named) -> Option<Imagery> {
    let known = match option.name.trim().to_lowercase().as_str() {
        "authentic team photography" => Some(Imagery::Team),
        "product in use" => Some(Imagery::Product),
        "interface showcase" => Some(Imagery::Interface),
        "abstract illustration" => Some(Imagery::Illustration),
        "place & atmosphere" => Some(Imagery::Place),
        "customer success moments" => Some(Imagery::Success),
        _ => None,
    };
    known.or_else(|| {
        let lower = format!("{} {}", option.name, option.description).to_lowercase();
        let clues: &[(&[&str], Imagery)] = &[
            (
                &["screenshot", "interface", "mock-up", "mockup", "dashboard"],
                Imagery::Interface,
            ),
            (
                &["illustrat", "abstract", "shapes", "graphic"],
                Imagery::Illustration,
            ),
            (
                &[
                    "customer",
                    "result",
                    "before/after",
                    "success",
                    "testimonial",
                ],
                Imagery::Success,
            ),
            (
                &["venue", "place", "interior", "space", "atmosphere", "room"],
                Imagery::Place,
            ),
            (&["product", "in use", "hands"], Imagery::Product),
            (&["team", "people", "staff", "portrait"], Imagery::Team),
        ];
        clues
            .iter()
            .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
            .map(|(_, i)| *i)
    })
}

fn default_imagery(kind: BusinessKind) -> Imagery {
    match kind {
        BusinessKind::Saas => Imagery::Interface,
        BusinessKind::Ecommerce | BusinessKind::Portfolio => Imagery::Product,
        BusinessKind::Restaurant | BusinessKind::RealEstate | BusinessKind::Hospitality => {
            Imagery::Place
        }
        BusinessKind::FoodShop | BusinessKind::Manufacturer => Imagery::Product,
        BusinessKind::Fitness => Imagery::Team,
        BusinessKind::LocalTrades | BusinessKind::Education => Imagery::Success,
        BusinessKind::Publisher => Imagery::Illustration,
        BusinessKind::Clinic
        | BusinessKind::ProfessionalServices
        | BusinessKind::Nonprofit
        | BusinessKind::General => Imagery::Team,
    }
}

/// A string field of a context object ("" when absent or not a string).
pub(super) fn str_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("").trim()
}

/// An option object (`{"name", "description"}`), if present with a name.
pub(super) fn named(value: Option<&Value>) -> Option<Named> {
    let v = value?;
    let name = match v {
        Value::String(s) => s.trim().to_string(),
        _ => str_at(v, "name").to_string(),
    };
    (!name.is_empty()).then(|| Named {
        name,
        description: str_at(v, "description").to_string(),
    })
}

/// A list of option objects.
pub(super) fn named_list(value: Option<&Value>) -> Vec<Named> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| named(Some(i))).collect())
        .unwrap_or_default()
}

/// A list of non-empty strings.
pub(super) fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
