//! Forms, questions, lists and accordions: the blocks whose content depends most on the page.

use serde_json::{Value, json};

use super::{Composer, PageRef};
use crate::planner::profile::Profile;
use crate::planner::recipes::Topic;
use crate::planner::text::lower_first;

/// A form field: (name, label, type, required).
fn field(name: &str, label: &str, kind: &str, required: bool) -> Value {
    json!({"name": name, "label": label, "type": kind, "required": required})
}

fn select(name: &str, label: &str, options: &[&str], required: bool) -> Value {
    json!({"name": name, "label": label, "type": "select", "required": required, "options": options})
}

fn contact_fields() -> Vec<Value> {
    vec![
        field("name", "Your name", "text", true),
        field("email", "Email", "email", true),
    ]
}

impl Composer<'_> {
    pub(super) fn form(&self, page: &PageRef<'_>) -> Value {
        let mut fields = contact_fields();
        let (purpose, heading, subheading, submit, success) = match page.topic {
            Topic::Reservations => {
                fields.extend([
                    field("phone", "Phone", "tel", true),
                    field("date", "Date", "date", true),
                    field("time", "Time", "time", true),
                    field("guests", "Number of guests", "number", true),
                    field("notes", "Allergies or requests", "textarea", false),
                ]);
                (
                    "booking",
                    "Reserve a table",
                    "We'll confirm your booking by email.",
                    "Request booking",
                    "Thank you! We'll confirm your table by email.",
                )
            }
            Topic::Appointments => {
                fields.extend([
                    field("phone", "Phone", "tel", true),
                    field("preferred_date", "Preferred date", "date", true),
                    select(
                        "preferred_time",
                        "Preferred time of day",
                        &["Morning", "Afternoon", "Evening"],
                        false,
                    ),
                    field("reason", "Reason for your visit", "textarea", true),
                ]);
                (
                    "booking",
                    "Request an appointment",
                    "We'll contact you to confirm a time.",
                    "Request appointment",
                    "Thank you. We'll contact you to confirm your appointment.",
                )
            }
            Topic::Demo => {
                fields[1] = field("email", "Work email", "email", true);
                fields.extend([
                    field("company", "Company", "text", true),
                    select(
                        "team_size",
                        "Team size",
                        &["1-10", "11-50", "51-200", "201+"],
                        false,
                    ),
                    field("message", "What would you like to see?", "textarea", false),
                ]);
                (
                    "booking",
                    "Book your demo",
                    "Pick what matters to you and we'll tailor the walkthrough.",
                    "Book my demo",
                    "Thanks! We'll be in touch to schedule your demo.",
                )
            }
            Topic::Quote => {
                fields.extend([
                    field("phone", "Phone", "tel", true),
                    field("location", "Address or postcode", "text", true),
                    field("job", "Describe the job", "textarea", true),
                    field("preferred_date", "Preferred start date", "date", false),
                ]);
                (
                    "quote",
                    "Tell us about the job",
                    "The more detail you give, the more accurate the quote.",
                    "Request quote",
                    "Thanks! We'll get back to you with a quote.",
                )
            }
            Topic::Volunteer | Topic::Careers => {
                let interest = if page.topic == Topic::Careers {
                    "Role you're interested in"
                } else {
                    "How would you like to help?"
                };
                fields.extend([
                    field("phone", "Phone", "tel", false),
                    field("interest", interest, "text", true),
                    field("message", "Tell us about yourself", "textarea", true),
                ]);
                (
                    "application",
                    "Apply",
                    "We read every application and reply to each one.",
                    "Send application",
                    "Thank you for applying. We'll be in touch.",
                )
            }
            Topic::Donate => {
                fields.extend([
                    field("amount", "Amount", "number", true),
                    select("frequency", "Frequency", &["One-off", "Monthly"], true),
                    field("message", "Message (optional)", "textarea", false),
                ]);
                (
                    "donation",
                    "Make a donation",
                    "You'll confirm the payment on the next step.",
                    "Continue to donation",
                    "Thank you for your support!",
                )
            }
            Topic::Booking => {
                fields.extend([
                    field("phone", "Phone", "tel", false),
                    field("date", "Preferred date", "date", true),
                    field("message", "Anything we should know?", "textarea", false),
                ]);
                (
                    "booking",
                    "Make a booking",
                    "We'll confirm your booking by email.",
                    "Request booking",
                    "Thanks! We'll confirm your booking by email.",
                )
            }
            Topic::Blog => {
                fields = vec![field("email", "Email", "email", true)];
                (
                    "newsletter",
                    "Get new articles by email",
                    "No spam; unsubscribe any time.",
                    "Subscribe",
                    "You're subscribed. Thank you!",
                )
            }
            _ => {
                fields.extend([
                    field("phone", "Phone", "tel", false),
                    field("message", "Message", "textarea", true),
                ]);
                (
                    "contact",
                    "Send us a message",
                    "We reply to every message.",
                    "Send message",
                    "Thank you! We'll reply as soon as we can.",
                )
            }
        };
        json!({
            "heading": heading,
            "subheading": subheading,
            "purpose": purpose,
            "fields": fields,
            "submit_label": submit,
            "success_message": success
        })
    }

    pub(super) fn faq(&self, _page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let items: Vec<Value> = p
            .voice
            .faq
            .iter()
            .take(if self.rich { 4 } else { 3 })
            .map(|(q, a)| json!({"question": p.fill(q), "answer": p.fill(a)}))
            .collect();
        json!({"heading": "Frequently asked questions", "items": items})
    }

    pub(super) fn list(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        let (heading, ordered, items) = list_items(p, page.topic);
        json!({"heading": heading, "ordered": ordered, "items": items})
    }

    pub(super) fn accordion(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        if matches!(page.topic, Topic::Menu) {
            let items: Vec<Value> = p
                .offerings
                .iter()
                .map(|(t, _)| json!({"title": t, "body": format!("[List the {} on the menu, with prices.]", lower_first(t))}))
                .collect();
            return json!({"heading": "On the menu", "items": items});
        }
        let items: Vec<Value> = p
            .voice
            .faq
            .iter()
            .map(|(q, a)| json!({"title": p.fill(q), "body": p.fill(a)}))
            .collect();
        json!({"heading": "Good to know", "items": items})
    }
}

/// Heading, whether numbered, and the points of a list block.
fn list_items(p: &Profile, topic: Topic) -> (String, bool, Vec<String>) {
    let own = |items: &[&str]| items.iter().map(|i| p.fill(i)).collect::<Vec<_>>();
    let process = || own(&p.voice.process);
    match topic {
        Topic::Reservations => (
            "Good to know".into(),
            false,
            own(&[
                "Tell us about allergies when you book.",
                "For larger groups, add a note and we'll plan the table with you.",
                "[Add your cancellation policy.]",
            ]),
        ),
        Topic::Appointments => (
            "Before your visit".into(),
            false,
            own(&[
                "Bring any previous records or test results.",
                "Bring a list of the medicines you take.",
                "Arrive a few minutes early to check in.",
                "[Add parking or access information.]",
            ]),
        ),
        Topic::Demo => (
            "What you'll see".into(),
            false,
            own(&[
                "A tour of {name} built around your workflow",
                "Answers to your team's questions",
                "A plan for trying it with your own team",
            ]),
        ),
        Topic::Quote => ("What happens next".into(), true, process()),
        Topic::Programs => ("How enrolment works".into(), true, process()),
        Topic::Contact => (
            "Other ways to reach us".into(),
            false,
            vec![
                "[Add your phone number.]".into(),
                "[Add your email address.]".into(),
                match &p.location {
                    Some(place) => {
                        format!("Visit us in {place}. [Add the street address and opening hours.]")
                    }
                    None => "[Add your address or the area you serve.]".into(),
                },
            ],
        ),
        Topic::Services | Topic::Home => ("How it works".into(), true, process()),
        _ => ("At a glance".into(), false, p.offering_titles()),
    }
}
