//! Topic-specific copy: page introductions, text sections, feature lists and grids.

use serde_json::{Value, json};

use super::{Links, PageRef, offering_phrase};
use crate::planner::profile::{Profile, Style};
use crate::planner::recipes::{BusinessKind, Topic};
use crate::planner::text::lower_first;

/// Heading and subheading of an inner page's hero.
pub(super) fn topic_intro(p: &Profile, page: &PageRef<'_>) -> (String, String) {
    let name = &p.name;
    let offers = offering_phrase(p, 3);
    let (heading, sub) = match page.topic {
        Topic::About => (
            format!("About {name}"),
            format!("{}.", p.styled(&p.voice.tagline)),
        ),
        Topic::Services => (
            p.voice.offer_heading.to_string(),
            format!("{} for {}.", capitalize_first(&offers), p.audience),
        ),
        Topic::Products if p.kind == BusinessKind::Manufacturer => (
            "Products and capabilities".into(),
            format!(
                "{} for {}, made to specification.",
                capitalize_first(&offers),
                p.audience
            ),
        ),
        Topic::Products if p.kind == BusinessKind::FoodShop => (
            "What we make".into(),
            format!(
                "{} from the {name} counter, fresh every day.",
                capitalize_first(&offers)
            ),
        ),
        Topic::Products | Topic::Shop => (format!("Shop {name}"), format!("Browse {offers}.")),
        Topic::Order => (
            "Order ahead".into(),
            "Tell us what you'd like and when you'll collect it; we'll confirm your order.".into(),
        ),
        Topic::Catering => (
            "Catering".into(),
            format!(
                "{name} can cater for your event. Tell us about it and we'll suggest what to serve."
            ),
        ),
        Topic::Gallery => (
            "Gallery".into(),
            format!("A look around {name} before you arrive."),
        ),
        Topic::Rooms => (
            "Rooms".into(),
            format!("Every room at {name}, so you can pick the one that suits your stay."),
        ),
        Topic::Memberships => (
            "Memberships".into(),
            "Choose how often you want to come; every membership includes a warm welcome.".into(),
        ),
        Topic::Classes => (
            "Classes".into(),
            format!("Every class at {name}, for beginners and regulars alike."),
        ),
        Topic::Collections => (
            "Collections".into(),
            format!("Browse {offers}, each chosen with care."),
        ),
        Topic::Blog => (
            format!("The {name} blog"),
            format!("Ideas, guides and news for {}.", p.audience),
        ),
        Topic::Contact => (
            "Get in touch".into(),
            match &p.location {
                Some(place) => format!(
                    "Find us in {place}, or send a message and we'll reply as soon as we can."
                ),
                None => "Send us a message and we'll reply as soon as we can.".into(),
            },
        ),
        Topic::Menu => (
            "Our menu".into(),
            format!("What we're cooking at {name}. Ask us about allergens; we're happy to help."),
        ),
        Topic::Reservations => (
            "Book a table".into(),
            "Choose a date and time, tell us how many you are, and we'll confirm your booking."
                .into(),
        ),
        Topic::Features => (
            "Features".into(),
            format!("Everything {name} does for {}, in one place.", p.audience),
        ),
        Topic::Integrations => (
            "Integrations".into(),
            format!("{name} connects with the tools your team already uses."),
        ),
        Topic::Pricing => (
            "Plans and pricing".into(),
            "Find the plan that fits your team. Not sure? Book a demo and we'll help you choose."
                .into(),
        ),
        Topic::Demo => (
            format!("See {name} in action"),
            "A short walkthrough around your own workflow, with your questions answered.".into(),
        ),
        Topic::Doctors => (
            "Meet our doctors".into(),
            format!("The people who will care for you at {name}."),
        ),
        Topic::Appointments => (
            "Book an appointment".into(),
            "Tell us what you need and when suits you; we'll confirm your appointment.".into(),
        ),
        Topic::Team => (
            "Meet the team".into(),
            format!("The people you'll work with at {name}."),
        ),
        Topic::Quote => (
            "Request a quote".into(),
            "Tell us about the job and we'll send you a clear price.".into(),
        ),
        Topic::Programs => (
            "Programmes".into(),
            "Find the programme that fits where you are and where you want to go.".into(),
        ),
        Topic::Impact => (
            "Our impact".into(),
            format!("What {name} achieves with the help of its supporters."),
        ),
        Topic::Volunteer => (
            "Volunteer with us".into(),
            "Give your time and skills; we'll find the role that suits you.".into(),
        ),
        Topic::Donate => (
            "Support our work".into(),
            format!("Your donation keeps {name} going."),
        ),
        Topic::Work => (
            "Selected work".into(),
            format!("A selection of projects by {name}."),
        ),
        Topic::Listings => (
            "Properties".into(),
            format!("Homes and spaces available through {name}."),
        ),
        Topic::Booking => (
            format!("Book with {name}"),
            "Choose a time that suits you and we'll confirm.".into(),
        ),
        Topic::Careers => (
            "Work with us".into(),
            format!("Join {name} and do work you're proud of."),
        ),
        Topic::Faq => (
            "Questions and answers".into(),
            format!("Quick answers to what {} ask us most.", p.voice.customers),
        ),
        Topic::Home | Topic::Other => (
            page.title.to_string(),
            if page.objective.is_empty() {
                p.pitch()
            } else {
                format!("{} {}", p.pitch(), objective_line(page.objective))
            },
        ),
    };
    (heading, sub)
}

/// A page objective turned from an instruction into a sentence for visitors.
fn objective_line(objective: &str) -> String {
    let line = objective.trim().trim_end_matches('.');
    format!("{}.", capitalize_first(line))
}

fn capitalize_first(text: &str) -> String {
    crate::planner::text::capitalize(text)
}

/// Heading and body of a text block.
pub(super) fn text_section(p: &Profile, page: &PageRef<'_>, rich: bool) -> (String, String) {
    let name = &p.name;
    // Home tells the story in brief; the about page tells it and invites contact, so the two
    // never carry the same paragraph block.
    let story = |home: bool| -> String {
        let take = if rich { 6 } else { 2 };
        let mut paragraphs: Vec<String> = p.story.iter().take(take).cloned().collect();
        if paragraphs.is_empty() {
            paragraphs.push(p.pitch());
        }
        let place = p
            .location
            .as_ref()
            .map(|l| format!(" in {l}"))
            .unwrap_or_default();
        if home {
            paragraphs.push(format!("This is {name}: have a look around."));
        } else {
            paragraphs.push(format!(
                "We're here for {}{place}, and we'd love to hear from you.",
                p.audience
            ));
        }
        paragraphs.join("\n\n")
    };
    match page.topic {
        Topic::About => ("Our story".into(), story(false)),
        Topic::Home => match p.kind {
            crate::planner::recipes::BusinessKind::Nonprofit => ("Our mission".into(), story(true)),
            crate::planner::recipes::BusinessKind::Publisher => ("What we write about".into(), story(true)),
            _ => (format!("Welcome to {name}"), story(true)),
        },
        Topic::Menu => (
            "Allergies and dietary needs".into(),
            "Please tell us about any allergies or dietary needs when you book or order, and we'll tell you what we can prepare.\n\n[Add how often the menu changes and where ingredients come from, if you want to say.]".into(),
        ),
        Topic::Careers => (
            format!("Why join {name}"),
            format!("[Describe the team, how you work and what you offer.]\n\nWe're always glad to hear from people who care about {} as much as we do.", p.audience),
        ),
        Topic::Donate => (
            "Where your money goes".into(),
            "[Explain how donations are used and how you report on them.]\n\nEvery gift, large or small, goes to the work described on this site.".into(),
        ),
        Topic::Impact => (
            "What your support makes possible".into(),
            format!(
                "[Describe one project and what changed because of it.]\n\nEvery result on this page was achieved with people who chose to support {name}."
            ),
        ),
        Topic::Catering => (
            "Food for your occasion".into(),
            format!(
                "From a small gathering to a large celebration, {name} can prepare {} for your guests.\n\n[Add the size of events you cater for and how much notice you need.]",
                if offering_phrase(p, 3).is_empty() { "food".to_string() } else { offering_phrase(p, 3) }
            ),
        ),
        _ => {
            let mut body = p.pitch();
            if !page.objective.is_empty() {
                body = format!("{body}\n\n{}", objective_line(page.objective));
            }
            (page.title.to_string(), body)
        }
    }
}

/// Heading and (title, description, icon) items of a features block.
pub(super) fn feature_items(p: &Profile, topic: Topic) -> (String, Vec<(String, String, String)>) {
    let own = |items: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        items
            .iter()
            .map(|(t, d, i)| (t.to_string(), p.fill(d), i.to_string()))
            .collect()
    };
    let values = match p.style {
        Style::Bold => own(&[
            (
                "Ambition",
                "We aim high and keep raising the bar.",
                "target",
            ),
            ("Courage", "We try new things and learn fast.", "zap"),
            (
                "Momentum",
                "We move quickly and finish what we start.",
                "trending-up",
            ),
        ]),
        Style::Warm => own(&[
            (
                "Kindness",
                "We treat everyone the way we'd want to be treated.",
                "heart",
            ),
            (
                "Openness",
                "We're easy to reach and happy to explain.",
                "message-circle",
            ),
            (
                "Community",
                "We're proud to be part of the lives of the people we serve.",
                "home",
            ),
        ]),
        Style::Calm => own(&[
            ("Integrity", "We say what we'll do, then do it.", "shield"),
            (
                "Clarity",
                "We explain things plainly, without jargon.",
                "eye",
            ),
            (
                "Care",
                "We take care of the details so you don't have to.",
                "check-circle",
            ),
        ]),
    };
    let why = || own(&p.voice.why);
    let offerings = || -> Vec<(String, String, String)> {
        p.offerings
            .iter()
            .map(|(t, d)| (t.clone(), d.clone(), "check".to_string()))
            .collect()
    };
    match topic {
        Topic::About | Topic::Careers => ("What we stand for".into(), values),
        Topic::Features => (p.voice.offer_heading.into(), offerings()),
        Topic::Memberships => (
            "Memberships".into(),
            own(&[
                (
                    "Drop-in",
                    "Come when it suits you, no commitment. [Add the price of a single visit.]",
                    "user",
                ),
                (
                    "Monthly",
                    "Come as often as you like each month. [Add the monthly price.]",
                    "calendar",
                ),
                (
                    "Class pack",
                    "A bundle of visits to use at your own pace. [Add the pack size and price.]",
                    "package",
                ),
            ]),
        ),
        Topic::Pricing => (
            "Plans".into(),
            own(&[
                (
                    "Starter",
                    "For individuals and small teams getting started. [Add price and limits.]",
                    "user",
                ),
                (
                    "Team",
                    "For teams that work together every day. [Add price and limits.]",
                    "users",
                ),
                (
                    "Enterprise",
                    "For larger organisations with advanced needs. [Add price and what's included.]",
                    "briefcase",
                ),
            ]),
        ),
        Topic::Volunteer => (
            "Ways to help".into(),
            own(&[
                (
                    "Give your time",
                    "Join a project as a regular volunteer.",
                    "clock",
                ),
                (
                    "Share your skills",
                    "Help with a skill like design, law or accounts.",
                    "tool",
                ),
                (
                    "Spread the word",
                    "Tell friends and colleagues about {name}.",
                    "share-2",
                ),
            ]),
        ),
        Topic::Products | Topic::Shop => (format!("Why shop with {}", p.name), why()),
        _ => (
            format!("Why {} choose {}", p.voice.customers, p.name),
            why(),
        ),
    }
}

/// Heading and items of a grid block.
pub(super) fn grid_items(p: &Profile, topic: Topic, links: &Links) -> (String, Vec<Value>) {
    let offerings = |href: Option<String>| -> Vec<Value> {
        p.offerings
            .iter()
            .map(|(t, d)| {
                let mut item = json!({"title": t, "description": d});
                if let Some(h) = &href {
                    item["href"] = json!(h);
                }
                item
            })
            .collect()
    };
    let people = |who: &str, line: &str| -> Vec<Value> {
        (1..=4)
            .map(|i| {
                json!({
                    "title": format!("[{who} {i} name]"),
                    "description": format!("[{who} {i}: {line}]"),
                    "image": {"alt": format!("Portrait of a member of the {} team", p.name), "prompt": "Friendly, natural-light portrait against a plain background."}
                })
            })
            .collect()
    };
    match topic {
        Topic::Doctors => ("Our clinicians".into(), people("Clinician", "speciality, and a sentence about their approach to care")),
        Topic::Team => ("The team".into(), people("Team member", "role, and a sentence about what they do for clients")),
        Topic::Gallery => (
            "Take a look around".into(),
            ["the outside", "a room", "the view", "the shared spaces", "the surroundings", "a detail guests love"]
                .iter()
                .map(|what| json!({
                    "title": crate::planner::text::capitalize(what),
                    "description": format!("[Add a photo of {what} at {}.]", p.name),
                    "image": {"alt": format!("{} at {}", crate::planner::text::capitalize(what), p.name), "prompt": format!("Natural-light photo of {what}.")}
                }))
                .collect(),
        ),
        Topic::Integrations => (
            "Connect your tools".into(),
            [
                ("Calendar", "Keep schedules in sync. [List the calendar apps you support.]"),
                ("Email", "Turn messages into work without copy and paste. [List supported email tools.]"),
                ("Chat", "Get updates where your team already talks. [List supported chat tools.]"),
                ("Storage", "Attach files from the drives you use. [List supported storage services.]"),
                ("Single sign-on", "Sign in with your company account. [List supported identity providers.]"),
                ("API", "Build your own connections. [Link to your API documentation.]"),
            ]
            .iter()
            .map(|(t, d)| json!({"title": t, "description": d}))
            .collect(),
        ),
        Topic::Blog => (
            "Latest articles".into(),
            p.offerings
                .iter()
                .map(|(t, _)| {
                    json!({
                        "title": format!("What to know about {}", lower_first(t)),
                        "description": format!("[Article to write: a short guide to {} for {}.]", lower_first(t), p.audience)
                    })
                })
                .collect(),
        ),
        Topic::Home if p.kind == crate::planner::recipes::BusinessKind::Publisher => (
            "Start reading".into(),
            p.offerings
                .iter()
                .map(|(t, _)| {
                    json!({
                        "title": t,
                        "description": format!("[Link your best piece about {}.]", lower_first(t)),
                        "href": links.href(Topic::Blog).unwrap_or_else(|| "/".into())
                    })
                })
                .collect(),
        ),
        Topic::Features => (
            format!("Why {} choose {}", p.voice.customers, p.name),
            p.voice.why.iter().map(|(t, d, i)| json!({"title": t, "description": p.fill(d), "icon": i})).collect(),
        ),
        Topic::Listings => ("Available now".into(), listings(p, None, "Property")),
        Topic::Home if p.kind == crate::planner::recipes::BusinessKind::RealEstate => {
            ("Featured properties".into(), listings(p, links.href(Topic::Listings), "Featured property"))
        }
        Topic::Home | Topic::Shop | Topic::Products | Topic::Collections | Topic::Programs | Topic::Work | Topic::Menu | Topic::Classes | Topic::Rooms => {
            let target = match p.kind {
                crate::planner::recipes::BusinessKind::Restaurant => links.href(Topic::Menu),
                crate::planner::recipes::BusinessKind::Ecommerce => links.href(Topic::Shop),
                crate::planner::recipes::BusinessKind::Education => links.href(Topic::Programs),
                crate::planner::recipes::BusinessKind::Portfolio => links.href(Topic::Work),
                _ => None,
            };
            let target = target.filter(|_| topic == Topic::Home);
            let mut items = offerings(target);
            if topic != Topic::Home {
                // A second page of the same offerings (collections after the shop) invites
                // differently, so neither repeats the other.
                let offset = usize::from(topic == Topic::Collections);
                for (i, item) in items.iter_mut().enumerate() {
                    let d = item["description"].as_str().unwrap_or_default().to_string();
                    item["description"] = json!(detail_line(i + offset, &d));
                }
            }
            (p.voice.offer_heading.into(), items)
        }
        _ => (p.voice.offer_heading.into(), offerings(None)),
    }
}

/// Property cards for the owner to fill in: listings change too often to plan.
fn listings(p: &Profile, href: Option<String>, which: &str) -> Vec<Value> {
    (1..=3)
        .map(|i| {
            let mut item = json!({
                "title": format!("[{which} {i} title]"),
                "description": format!("[{which} {i}: location, price, bedrooms and one line about the home.]"),
                "image": {"alt": format!("A property listed by {}", p.name), "prompt": "Bright exterior or living-room photo of the property."}
            });
            if let Some(h) = &href {
                item["href"] = json!(h);
            }
            item
        })
        .collect()
}

/// An offering's description as an inner page shows it: the home page's line plus an invitation,
/// so the two pages do not repeat each other word for word.
pub(super) fn detail_line(i: usize, description: &str) -> String {
    const ASK: [&str; 3] = [
        "Ask us for the details.",
        "Tell us what you need and we'll advise you.",
        "Ask what's available this week.",
    ];
    format!("{} {}", description.trim(), ASK[i % ASK.len()])
}

/// Heading and body of a page's closing invitation: home's is the kind's, every other page's
/// follows on from what the page just showed, so no two pages close with the same words.
pub(super) fn closing(p: &Profile, page: &PageRef<'_>, label: &str) -> (String, String) {
    if page.topic == Topic::Home {
        if p.cta.call {
            return (
                "Need help now?".into(),
                format!("Call {} and talk to a person straight away.", p.name),
            );
        }
        return (p.styled(&p.voice.closing), p.fill(p.voice.closing_body));
    }
    let title = page.title.to_lowercase();
    let action = format!("{label} when you're ready.");
    let (heading, intro) = match page.topic {
        Topic::About => (
            "Come and meet us".to_string(),
            format!("Now you know who is behind {}.", p.name),
        ),
        Topic::Gallery => (
            "See it for yourself".to_string(),
            "Photos only tell part of the story.".to_string(),
        ),
        Topic::Pricing | Topic::Memberships => (
            "Not sure which to choose?".to_string(),
            "Ask us and we'll help you pick the right option.".to_string(),
        ),
        Topic::Impact => (
            "Be part of it".to_string(),
            "Every result here started with someone deciding to help.".to_string(),
        ),
        Topic::Faq => (
            "Still have a question?".to_string(),
            "Ask us directly and we'll answer it.".to_string(),
        ),
        Topic::Integrations => (
            "Missing a tool?".to_string(),
            "Tell us what you use and we'll tell you how it connects.".to_string(),
        ),
        _ => (
            "Ready when you are".to_string(),
            format!("Questions about our {title}? We're happy to help."),
        ),
    };
    (heading, format!("{intro} {action}"))
}
