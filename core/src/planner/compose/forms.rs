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
            Topic::Order => {
                fields.extend([
                    field("phone", "Phone", "tel", true),
                    field("order", "What would you like to order?", "textarea", true),
                    field("collection_date", "Collection date", "date", true),
                    field(
                        "notes",
                        "Allergies, messages or decoration",
                        "textarea",
                        false,
                    ),
                ]);
                (
                    "other",
                    "Place your order",
                    "We'll confirm your order and its price by email.",
                    "Send my order",
                    "Thank you! We'll confirm your order by email.",
                )
            }
            Topic::Catering => {
                fields.extend([
                    field("phone", "Phone", "tel", false),
                    field("event_date", "Date of the event", "date", true),
                    field("guests", "Number of guests", "number", true),
                    field("details", "Tell us about the event", "textarea", true),
                ]);
                (
                    "quote",
                    "Ask about catering",
                    "Tell us about your event and we'll reply with ideas and a price.",
                    "Send catering enquiry",
                    "Thank you! We'll reply about your event soon.",
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

    pub(super) fn faq(&self, page: &PageRef<'_>) -> Value {
        let p = self.profile;
        // Home asks two of the general questions; the FAQ page asks them all (the site's last
        // pass drops those home already asked).
        let take = match page.topic {
            Topic::Home if !self.rich => 2,
            Topic::Faq => usize::MAX,
            _ if self.rich => 4,
            _ => 3,
        };
        let items: Vec<Value> = topic_questions(p, page.topic)
            .into_iter()
            .take(take)
            .map(|(q, a)| json!({"question": q, "answer": a}))
            .collect();
        let heading = match page.topic {
            Topic::Home => "Quick answers".to_string(),
            Topic::Faq => "Frequently asked questions".to_string(),
            _ => format!("{}: your questions", page.title),
        };
        json!({"heading": heading, "items": items})
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
        Topic::Order => (
            "How ordering works".into(),
            true,
            own(&[
                "Tell us what you'd like and when you need it",
                "We confirm the order and its price by email",
                "Collect it fresh on the day",
            ]),
        ),
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

/// Questions about a page's own topic; pages about the business as a whole get the kind's.
fn topic_questions(p: &Profile, topic: Topic) -> Vec<(String, String)> {
    let own = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items.iter().map(|(q, a)| (p.fill(q), p.fill(a))).collect()
    };
    match topic {
        Topic::Contact => {
            let call = match &p.tel {
                Some(tel) if !tel.contains('[') => format!(
                    "Yes: call {} and we'll answer if we can.",
                    tel.trim_start_matches("tel:")
                ),
                _ => "[Add your phone number and the hours you answer it.]".to_string(),
            };
            vec![
                (
                    "How quickly will you reply?".into(),
                    "We answer every message. [Add how quickly you usually reply.]".into(),
                ),
                ("Can I call instead?".into(), call),
                (
                    "Where are you?".into(),
                    match &p.location {
                        Some(place) => format!("In {place}. [Add the street address.]"),
                        None => "[Add your address or the area you serve.]".into(),
                    },
                ),
            ]
        }
        Topic::Order => own(&[
            (
                "How far ahead should I order?",
                "[Add how much notice you need for an order.]",
            ),
            (
                "Can I change my order?",
                "Send us a message as soon as you can and we'll tell you what is still possible.",
            ),
            (
                "When can I collect?",
                "[Add your collection times and where to collect.]",
            ),
        ]),
        Topic::Booking if p.kind != crate::planner::recipes::BusinessKind::Hospitality => own(&[
            (
                "How do I know my booking is confirmed?",
                "We confirm every booking by email once we have checked availability.",
            ),
            (
                "Can I change or cancel a booking?",
                "[Add your cancellation policy.]",
            ),
            (
                "What should I bring?",
                "[Say what people should bring or know before they come.]",
            ),
        ]),
        Topic::Appointments => own(&[
            (
                "Do I need a referral?",
                "[Say whether patients need a referral to book.]",
            ),
            (
                "What if I need to cancel?",
                "[Add your cancellation policy.]",
            ),
            (
                "How long is an appointment?",
                "[Add how long a first appointment usually takes.]",
            ),
        ]),
        Topic::Pricing | Topic::Memberships => own(&[
            (
                "Can I change my plan later?",
                "[Say how to switch or cancel a plan.]",
            ),
            (
                "Is there a trial?",
                "[Say whether there is a trial or a first visit offer.]",
            ),
            (
                "Which option is right for me?",
                "Tell us how often you expect to use {name} and we'll suggest one.",
            ),
        ]),
        Topic::Donate => own(&[
            (
                "Is my donation secure?",
                "[Say how payments are processed and protected.]",
            ),
            (
                "Can I give every month?",
                "Yes: choose monthly in the form and you can stop whenever you like.",
            ),
            (
                "Can I claim tax relief?",
                "[Explain any tax relief supporters can claim.]",
            ),
        ]),
        Topic::Integrations => own(&[
            (
                "What if my tool is not listed?",
                "Tell us which tool you rely on and we'll tell you how it connects.",
            ),
            ("Is there an API?", "[Link to your API documentation.]"),
        ]),
        Topic::Quote => own(&[
            (
                "Is the quote free?",
                "[Say whether quotes are free and binding.]",
            ),
            (
                "How soon will I hear back?",
                "[Add how quickly you usually send a quote.]",
            ),
        ]),
        Topic::Rooms => own(&[
            (
                "Which room suits a family?",
                "[Say which rooms sleep more than two and whether cots are available.]",
            ),
            (
                "Are any rooms step-free?",
                "[Describe step-free access and accessible rooms.]",
            ),
            ("Is there parking?", "[Add parking details.]"),
        ]),
        Topic::Services => own(&[
            (
                "Which service do I need?",
                "Tell us what you're looking for and we'll recommend the right option.",
            ),
            (
                "How much does it cost?",
                "[Explain how you price your services.]",
            ),
            ("How soon can you start?", "[Add your usual waiting time.]"),
        ]),
        Topic::Programs | Topic::Classes => own(&[
            (
                "Do I need experience?",
                "[Say what level each programme starts at.]",
            ),
            (
                "When does the next one start?",
                "[Add start dates or the timetable.]",
            ),
            (
                "Can I try before committing?",
                "[Say whether a trial session is available.]",
            ),
        ]),
        _ => p
            .voice
            .faq
            .iter()
            .map(|(q, a)| (p.fill(q), p.fill(a)))
            .collect(),
    }
}
