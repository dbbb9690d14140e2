//! Conversion goals: what the owner wants visitors to do, read from the brief and the objectives.
//!
//! A goal decides pages and buttons: a bakery that takes cake pre-orders needs an order page with
//! a form, a plumber who converts by phone needs `tel:` buttons rather than a quote form. The same
//! reading serves the planner (which pages to plan) and the quality rubric (which pages a site of
//! this brief must have), so a model's answer is held to what the brief asks, not to a recipe.

/// Something a visitor can do that the brief says the business wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// Orders taken ahead: cake pre-orders, click and collect.
    Orders,
    /// Catering enquiries for events.
    Catering,
    /// Phone calls.
    Calls,
    /// Memberships or passes.
    Memberships,
    /// Bookings: tables, stays, classes, sessions.
    Bookings,
    /// Appointments with a practitioner.
    Appointments,
    /// Quote requests.
    Quotes,
    /// Software demos and trials.
    Demos,
    /// Donations.
    Donations,
    /// Volunteers.
    Volunteers,
    /// Enrolment on courses.
    Enrolment,
    /// Commissions for a creative.
    Commissions,
    /// Property viewings.
    Viewings,
    /// Trade and wholesale enquiries from other businesses.
    TradeEnquiries,
    /// Newsletter subscribers.
    Subscribers,
    /// Online sales.
    OnlineSales,
    /// Job applicants.
    Hiring,
}

/// Phrases that state each goal, matched on lower-cased text; a leading space anchors a word start.
const CLUES: &[(Goal, &[&str])] = &[
    (
        Goal::Orders,
        &[
            "pre-order",
            "preorder",
            "order ahead",
            " orders",
            " order ",
            "order cakes",
            "order bouquets",
            "for collection",
            "take orders",
            "order a cake",
            "custom cakes",
            "click and collect",
            "click & collect",
            "order for collection",
        ],
    ),
    (Goal::Catering, &["catering"]),
    (
        Goal::Calls,
        &[
            "phone",
            " call us",
            " call ",
            " calls",
            " call-out",
            " call out",
            " ring us",
            "telephone",
            "by call",
        ],
    ),
    (
        Goal::Memberships,
        &["membership", " memberships", "class pass", "monthly pass"],
    ),
    (
        Goal::Appointments,
        &["appointment", "consultations", "book a consultation"],
    ),
    (
        Goal::Bookings,
        &[
            "booking",
            "reserv",
            "book a ",
            "book online",
            "book direct",
            "book classes",
            "book sessions",
            "book rooms",
            "book your",
            "book now",
            "to book",
            "can book",
        ],
    ),
    (Goal::Quotes, &["quote", "estimate", " rfq"]),
    (
        Goal::Demos,
        &[" demo", "free trial", " trial sign", "trial sign-up"],
    ),
    (Goal::Donations, &["donat", "fundrais"]),
    (Goal::Volunteers, &["volunteer"]),
    (
        Goal::Enrolment,
        &["enrol", "enroll", "admission", "sign up for courses"],
    ),
    (
        Goal::Commissions,
        &["commission", "hire me", "freelance work"],
    ),
    (Goal::Viewings, &["viewing", "book viewings"]),
    (
        Goal::TradeEnquiries,
        &[
            "wholesale",
            "distributor",
            " b2b",
            "trade enquir",
            "trade customers",
            " oem",
            "bulk order",
            "procurement",
            "industrial clients",
        ],
    ),
    (Goal::Subscribers, &["newsletter", "subscribers"]),
    (
        Goal::OnlineSales,
        &[
            "sell online",
            "sells online",
            "selling online",
            "shop online",
            "order online",
            "online store",
            "our online shop",
            "an online shop",
            "e-commerce",
            "ecommerce",
            "ship worldwide",
            "worldwide shipping",
            "delivery across",
        ],
    ),
    (
        Goal::Hiring,
        &[
            "we're hiring",
            "we are hiring",
            "recruit staff",
            "careers page",
            "job applicants",
        ],
    ),
];

/// The goals `text` states, in the order the text first mentions them (the first is the main
/// one). Only what is written counts: no goal is assumed from the kind of business.
pub fn read(text: &str) -> Vec<Goal> {
    let lower = format!(" {} ", text.to_lowercase().replace('\n', " "))
        .replace("in order to", "")
        .replace("so-called", "");
    let mut found: Vec<(usize, Goal)> = CLUES
        .iter()
        .filter_map(|(goal, clues)| {
            clues
                .iter()
                .filter_map(|c| lower.find(c))
                .min()
                .map(|at| (at, *goal))
        })
        .collect();
    // "Customers book regular cleans online": "book" as a verb, told by what follows it (a
    // bare "book" is as often a noun: "book covers").
    if !found.iter().any(|(_, g)| *g == Goal::Bookings) {
        let mut from = 0;
        while let Some(at) = lower[from..].find(" book ").map(|i| i + from) {
            let window: String = lower[at + 6..].chars().take(32).collect();
            const VERB_OF: &[&str] = &[
                "online", "session", "class", "lesson", "clean", "visit", "stay", "room", "table",
                "trip", "tour", "slot", "day",
            ];
            if VERB_OF.iter().any(|w| window.contains(w)) {
                found.push((at, Goal::Bookings));
                break;
            }
            from = at + 6;
        }
    }
    // "Orders" is also the plural in "wholesale orders" and "online orders": a trade or online
    // goal already covers it.
    if found
        .iter()
        .any(|(_, g)| matches!(g, Goal::TradeEnquiries | Goal::OnlineSales))
        && !lower.contains("pre-order")
        && !lower.contains("preorder")
        && !lower.contains("cake")
    {
        found.retain(|(_, g)| *g != Goal::Orders);
    }
    // A booked appointment is not also a generic booking.
    if found.iter().any(|(_, g)| *g == Goal::Appointments) {
        found.retain(|(_, g)| *g != Goal::Bookings);
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, g)| g).collect()
}

/// A phone number written in the brief ("call 0113 496 0000"), for `tel:` links.
pub fn phone_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '+' || chars[i].is_ascii_digit() {
            let start = i;
            let mut digits = 0;
            let mut end = i;
            while end < chars.len()
                && (chars[end].is_ascii_digit()
                    || matches!(chars[end], ' ' | '-' | '+' | '(' | ')'))
            {
                if chars[end].is_ascii_digit() {
                    digits += 1;
                }
                end += 1;
            }
            let before_ok = start == 0 || !chars[start - 1].is_alphanumeric();
            if (8..=15).contains(&digits) && before_ok {
                let raw: String = chars[start..end].iter().collect();
                let number: String = raw
                    .trim()
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                return Some(number);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_read_in_the_order_written() {
        assert_eq!(
            read("A bakery taking cake pre-orders and catering enquiries for weddings."),
            [Goal::Orders, Goal::Catering]
        );
        assert_eq!(
            read("Emergency plumber; most customers call us from a phone, some ask for a quote."),
            [Goal::Calls, Goal::Quotes]
        );
        assert_eq!(
            read("Yoga studio selling memberships and class passes."),
            [Goal::Memberships]
        );
        assert_eq!(
            read("We make steel brackets for wholesale orders."),
            [Goal::TradeEnquiries]
        );
        assert_eq!(
            read("Dental clinic: book an appointment."),
            [Goal::Appointments]
        );
        assert!(read("A family bakery in Porto selling sourdough.").is_empty());
    }

    #[test]
    fn phone_numbers_are_found() {
        assert_eq!(
            phone_number("Call 0113 496 0000 any time").as_deref(),
            Some("01134960000")
        );
        assert_eq!(
            phone_number("Ring +44 20 7946 0958.").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(phone_number("Open 24/7 since 1998"), None);
    }
}
