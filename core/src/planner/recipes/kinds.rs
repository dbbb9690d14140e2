//! Per-business data of the recipes: how a kind is recognised, its layout, home page and pages,
//! and the pages objectives add.

use super::{BusinessKind, Topic};
use crate::planner::goals::{self, Goal};
use BusinessKind as K;
use Topic as T;

pub(super) fn home_blocks(kind: BusinessKind) -> &'static [&'static str] {
    match kind {
        K::Saas => &["hero", "features", "stats", "testimonials", "faq", "cta"],
        K::Ecommerce => &["hero", "grid", "features", "testimonials", "cta"],
        K::Restaurant => &["hero", "text", "grid", "testimonials", "cta"],
        K::Clinic => &["hero", "services", "features", "testimonials", "cta"],
        K::ProfessionalServices => &["hero", "services", "features", "testimonials", "cta"],
        K::LocalTrades => &["hero", "services", "list", "testimonials", "cta"],
        K::Education => &["hero", "grid", "features", "testimonials", "faq", "cta"],
        K::Nonprofit => &["hero", "text", "stats", "features", "cta"],
        K::Portfolio => &["hero", "grid", "quote", "cta"],
        K::RealEstate => &["hero", "grid", "services", "testimonials", "cta"],
        K::Publisher => &["hero", "grid", "text", "cta"],
        K::FoodShop => &["hero", "text", "grid", "testimonials", "cta"],
        K::Manufacturer => &["hero", "grid", "features", "stats", "cta"],
        K::Hospitality => &["hero", "text", "grid", "testimonials", "cta"],
        K::Fitness => &["hero", "grid", "features", "testimonials", "cta"],
        K::General => &["hero", "features", "testimonials", "cta"],
    }
}

/// The kind's own pages, without conversion pages: those come from the goals (stated, or the
/// kind's usual ones when the brief states none), so no page appears that the brief does not
/// suggest.
pub(super) fn topics(kind: BusinessKind) -> &'static [Topic] {
    match kind {
        K::Saas => &[
            T::Features,
            T::Integrations,
            T::Pricing,
            T::About,
            T::Contact,
        ],
        K::Ecommerce => &[T::Shop, T::Collections, T::About, T::Faq, T::Contact],
        K::Restaurant => &[T::Menu, T::About, T::Contact],
        K::Clinic => &[T::Services, T::Doctors, T::About, T::Contact],
        K::ProfessionalServices => &[T::Services, T::About, T::Team, T::Faq, T::Contact],
        K::LocalTrades => &[T::Services, T::About, T::Faq, T::Contact],
        K::Education => &[T::Programs, T::About, T::Faq, T::Contact],
        K::Nonprofit => &[T::About, T::Impact, T::Contact],
        K::Portfolio => &[T::Work, T::About, T::Contact],
        K::RealEstate => &[T::Listings, T::Services, T::About, T::Contact],
        K::Publisher => &[T::Blog, T::About, T::Contact],
        K::FoodShop => &[T::Products, T::About, T::Contact],
        K::Manufacturer => &[T::Products, T::About, T::Contact],
        K::Hospitality => &[T::Rooms, T::Gallery, T::About, T::Contact],
        K::Fitness => &[T::Classes, T::About, T::Contact],
        K::General => &[T::About, T::Services, T::Contact],
    }
}

/// The goals a site of this kind serves when the brief states none.
pub fn default_goals(kind: BusinessKind) -> &'static [Goal] {
    match kind {
        K::Saas => &[Goal::Demos],
        K::Ecommerce => &[Goal::OnlineSales],
        K::Restaurant | K::Hospitality => &[Goal::Bookings],
        K::Clinic => &[Goal::Appointments],
        K::LocalTrades | K::Manufacturer => &[Goal::Quotes],
        K::Education => &[Goal::Enrolment],
        K::Nonprofit => &[Goal::Donations, Goal::Volunteers],
        K::Portfolio => &[Goal::Commissions],
        K::RealEstate => &[Goal::Viewings],
        K::Publisher => &[Goal::Subscribers],
        K::Fitness => &[Goal::Memberships],
        K::FoodShop | K::ProfessionalServices | K::General => &[],
    }
}

/// The pages that serve `goal` on a site of `kind` (none for calls: a call is a button).
pub fn conversion_topic(kind: BusinessKind, goal: Goal) -> &'static [Topic] {
    match goal {
        Goal::Orders => &[T::Order],
        Goal::Catering => &[T::Catering],
        Goal::Calls => &[],
        Goal::Memberships if kind == K::Saas => &[T::Pricing],
        Goal::Memberships => &[T::Memberships],
        Goal::Bookings => match kind {
            K::Restaurant => &[T::Reservations],
            K::Clinic => &[T::Appointments],
            K::Saas => &[T::Demo],
            _ => &[T::Booking],
        },
        Goal::Appointments => match kind {
            K::Restaurant => &[T::Reservations],
            K::Saas => &[T::Demo],
            K::Hospitality => &[T::Booking],
            _ => &[T::Appointments],
        },
        Goal::Quotes => &[T::Quote],
        Goal::Demos => &[T::Demo],
        Goal::Donations => &[T::Donate],
        Goal::Volunteers => &[T::Volunteer],
        Goal::Enrolment if kind == K::Fitness => &[T::Classes],
        Goal::Enrolment => &[T::Programs],
        Goal::Commissions => &[T::Work],
        Goal::Viewings => &[T::Listings, T::Booking],
        Goal::TradeEnquiries => &[T::Products, T::Quote],
        Goal::Subscribers => &[T::Blog],
        Goal::OnlineSales if matches!(kind, K::FoodShop | K::Manufacturer) => &[T::Products],
        Goal::OnlineSales => &[T::Shop],
        Goal::Hiring => &[T::Careers],
    }
}

/// The goals a site serves: those `texts` (brief, objectives) state, else the kind's usual ones.
pub fn site_goals(kind: BusinessKind, texts: &[String]) -> Vec<Goal> {
    let stated = goals::read(&texts.join(". "));
    if stated.is_empty() {
        default_goals(kind).to_vec()
    } else {
        stated
    }
}

/// Pages the goals ask for beyond the kind's own pages, in a stable order. "Book" is a
/// reservation for a restaurant, an appointment for a clinic, a demo for SaaS. Blog, FAQ and
/// careers pages follow objectives that ask for articles, answers or hires.
pub fn extra_topics(kind: BusinessKind, objectives: &[String]) -> Vec<Topic> {
    let mut out: Vec<Topic> = site_goals(kind, objectives)
        .into_iter()
        .flat_map(|g| conversion_topic(kind, g).iter().copied())
        .collect();
    let text = objectives.join(" ").to_lowercase();
    let any = |clues: &[&str]| clues.iter().any(|c| text.contains(c));
    if any(&["blog", "article", "thought leadership", "seo"]) {
        out.push(T::Blog);
    }
    if any(&["faq", "questions"]) {
        out.push(T::Faq);
    }
    if any(&["hire", "hiring", "career", "recruit", "job", "talent"]) {
        out.push(T::Careers);
    }
    let mut seen = Vec::new();
    out.retain(|t| {
        let new = !seen.contains(t);
        seen.push(*t);
        new
    });
    out
}

/// Keywords of each kind in a brief; `*` ends a stem matched as a word prefix.
const KEYWORDS: &[(BusinessKind, &[&str])] = &[
    (
        K::Saas,
        &[
            "saas",
            "software",
            "platform",
            "app",
            "apps",
            "api",
            "dashboard*",
            "subscription*",
            "automat*",
            "analytics",
            "workflow*",
            "startup*",
            "integrations",
        ],
    ),
    (
        K::Ecommerce,
        &[
            "shop",
            "shops",
            "store",
            "e-commerce",
            "ecommerce",
            "online shop",
            "online store",
            "boutique",
            "merch*",
            "apparel",
            "jewel*",
            "cosmetic*",
            "skincare",
            "handmade",
            "products",
            "brand",
            "delivery",
            "shipping",
        ],
    ),
    (
        K::Restaurant,
        &[
            "restaurant*",
            "café",
            "cafe",
            "cafes",
            "bistro*",
            "bar",
            "bars",
            "pizz*",
            "brunch",
            "coffee",
            "kitchen",
            "dining",
            "diner",
            "menu",
            "eatery",
            "tapas",
            "sushi",
            "brewery",
            "wine bar",
            "chef*",
            "cuisine",
            "ресторан*",
            "レストラン",
            "εστιατόριο",
        ],
    ),
    (
        K::FoodShop,
        &[
            "baker*",
            "patisserie",
            "pâtisserie",
            "sourdough",
            "bread",
            "breads",
            "pastr*",
            "cake*",
            "butcher*",
            "deli",
            "delicatessen",
            "cheesemonger*",
            "chocolat*",
            "confection*",
            "padaria",
            "пекарн*",
            "хлеб*",
            "ベーカリー",
            "パン",
            "αρτοποιείο",
            "φούρνος",
        ],
    ),
    (
        K::Manufacturer,
        &[
            "manufactur*",
            "factory",
            "fabricat*",
            "machining",
            "machined",
            "cnc",
            "foundry",
            "components",
            "industrial",
            "oem",
            "moulding",
            "molding",
            "metalwork*",
            "wholesale",
            "suppliers",
            "supply",
            "packaging",
            "distributors",
            "engineering-grade",
        ],
    ),
    (
        K::Hospitality,
        &[
            "hotel*",
            "lodge*",
            "guesthouse*",
            "guest house",
            "bed and breakfast",
            "inn",
            "hostel*",
            "cabin*",
            "chalet*",
            "glamping",
            "resort*",
            "rooms",
            "suites",
            "stays",
            "旅館",
            "ホテル",
        ],
    ),
    (
        K::Fitness,
        &[
            "gym*",
            "yoga",
            "pilates",
            "fitness",
            "crossfit",
            "workout*",
            "boxing",
            "personal trainer*",
            "martial",
            "climbing wall",
            "spin classes",
        ],
    ),
    (
        K::Clinic,
        &[
            "clinic*",
            "dental",
            "dentist*",
            "doctor*",
            "physio*",
            "therap*",
            "medical",
            "health*",
            "patient*",
            "practice",
            "orthodont*",
            "dermatolog*",
            "pediatric*",
            "paediatric*",
            "veterinar*",
            "vet",
            "wellness",
            "gp",
            "surgery",
            "osteopath*",
            "chiropract*",
        ],
    ),
    (
        K::ProfessionalServices,
        &[
            "consult*",
            "agency",
            "agencies",
            "law",
            "lawyer*",
            "legal",
            "attorney*",
            "solicitor*",
            "accountan*",
            "accounting",
            "bookkeep*",
            "advisory",
            "advisor*",
            "firm",
            "audit*",
            "tax",
            "financial",
            "marketing agency",
            "recruitment",
        ],
    ),
    (
        K::LocalTrades,
        &[
            "plumb*",
            "electrician*",
            "electrical",
            "cleaning",
            "cleaner*",
            "builder*",
            "building",
            "roof*",
            "handyman",
            "landscap*",
            "gardening",
            "gardener*",
            "painter*",
            "decorat*",
            "hvac",
            "heating",
            "renovat*",
            "carpent*",
            "locksmith*",
            "removal*",
            "pest",
            "repair*",
            "installer*",
        ],
    ),
    (
        K::Education,
        &[
            "course*",
            "school*",
            "training",
            "tutor*",
            "academy",
            "academies",
            "coach*",
            "classes",
            "learn*",
            "teach*",
            "education*",
            "students",
            "workshop*",
            "lessons",
            "bootcamp*",
            "university",
            "college",
        ],
    ),
    (
        K::Nonprofit,
        &[
            "nonprofit*",
            "non-profit*",
            "charity",
            "charities",
            "foundation",
            "volunteer*",
            "donat*",
            "community",
            "ngo",
            "mission-driven",
            "fundrais*",
            "cause",
            "campaign*",
        ],
    ),
    (
        K::Portfolio,
        &[
            "portfolio",
            "photographer*",
            "photography",
            "designer*",
            "illustrat*",
            "artist*",
            "studio",
            "creative",
            "freelance*",
            "videograph*",
            "architect*",
            "commissions",
        ],
    ),
    (
        K::RealEstate,
        &[
            "real estate",
            "realtor*",
            "estate agent*",
            "property",
            "properties",
            "letting*",
            "rentals",
            "apartments",
            "homes for sale",
            "mortgage*",
            "listings",
            "viewings",
            "realty",
        ],
    ),
    (
        K::Publisher,
        &[
            "blog",
            "blogger",
            "magazine",
            "newsletter",
            "journal",
            "publication",
            "news",
            "podcast*",
            "editorial",
            "writer*",
            "articles",
        ],
    ),
];

/// Every kind's keyword count in `text`, in [`KEYWORDS`] order.
fn scores(text: &str) -> Vec<(BusinessKind, usize)> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == 'é'))
        .filter(|w| !w.is_empty())
        .collect();
    let padded = format!(" {} ", words.join(" "));
    KEYWORDS
        .iter()
        .map(|(kind, keywords)| {
            let score = keywords
                .iter()
                .filter(|k| match k.strip_suffix('*') {
                    Some(stem) => words.iter().any(|w| w.starts_with(stem)),
                    None if k.contains(' ') => padded.contains(&format!(" {k} ")),
                    // Scripts written without spaces: the word is found inside the text.
                    None if !k.is_ascii() && !k.contains('é') && !k.contains('â') => {
                        lower.contains(*k)
                    }
                    None => words.contains(k),
                })
                .count();
            (*kind, score)
        })
        .collect()
}

impl BusinessKind {
    /// The kind of a business-type option: the seed's names exactly, otherwise the option's
    /// name and description read like a brief (host-added types).
    pub fn from_option(name: &str, description: &str) -> Option<BusinessKind> {
        let seeded = match name.trim().to_lowercase().as_str() {
            "b2b saas platform" => Some(K::Saas),
            "e-commerce brand" => Some(K::Ecommerce),
            "restaurant & café" | "restaurant & cafe" => Some(K::Restaurant),
            "medical clinic" => Some(K::Clinic),
            "professional services" => Some(K::ProfessionalServices),
            "local trades & home services" => Some(K::LocalTrades),
            "education & training" => Some(K::Education),
            "nonprofit & community" => Some(K::Nonprofit),
            "creative portfolio" => Some(K::Portfolio),
            "real estate agency" => Some(K::RealEstate),
            _ => None,
        };
        seeded
            .or_else(|| Self::detect(name))
            .or_else(|| Self::detect(&format!("{name} {description}")))
    }

    /// The kind a free-text brief describes best, if any keyword matches. Ties go to the kind
    /// listed first, so the answer never depends on anything but the text.
    pub fn detect(text: &str) -> Option<BusinessKind> {
        let scores = scores(text);
        let mut best: Option<(BusinessKind, usize)> = None;
        for (kind, score) in scores {
            if score > 0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((kind, score));
            }
        }
        best.map(|(k, _)| k)
    }

    /// How many of this kind's keywords `text` uses (0: the text does not describe this kind).
    pub fn mentions(self, text: &str) -> usize {
        scores(text)
            .into_iter()
            .find(|(k, _)| *k == self)
            .map_or(0, |(_, s)| s)
    }

    /// The seed renderer's layout that suits this kind.
    pub fn layout(self) -> &'static str {
        match self {
            K::Ecommerce => "ecommerce",
            K::Portfolio => "portfolio",
            K::ProfessionalServices | K::RealEstate => "corporate",
            K::Publisher => "blog",
            K::Manufacturer => "corporate",
            K::FoodShop | K::Hospitality | K::Fitness => "default",
            K::Saas
            | K::Restaurant
            | K::Clinic
            | K::LocalTrades
            | K::Education
            | K::Nonprofit
            | K::General => "default",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OptionKind;
    use crate::schema::seed_options;

    #[test]
    fn every_seeded_business_type_has_a_kind() {
        for (name, description) in seed_options(OptionKind::BusinessType) {
            let kind = BusinessKind::from_option(name, description);
            assert!(kind.is_some_and(|k| k != K::General), "{name}");
        }
        assert_eq!(
            BusinessKind::from_option("Medical Clinic", ""),
            Some(K::Clinic)
        );
        assert_eq!(
            BusinessKind::from_option("Dental Practice", "teeth"),
            Some(K::Clinic)
        );
        assert_eq!(BusinessKind::from_option("Zzz", "nothing known"), None);
    }

    #[test]
    fn briefs_are_recognised() {
        let cases = [
            (
                "We build scheduling software for hospital teams, sold by subscription.",
                K::Saas,
            ),
            (
                "A family bakery and café in Porto serving pastries and coffee.",
                K::Restaurant,
            ),
            (
                "Dental clinic with three dentists offering check-ups and implants for patients.",
                K::Clinic,
            ),
            (
                "Independent shop selling handmade ceramics online with worldwide shipping.",
                K::Ecommerce,
            ),
            (
                "Emergency plumber and heating engineer covering north Leeds.",
                K::LocalTrades,
            ),
            (
                "Tax and accounting firm advising small businesses.",
                K::ProfessionalServices,
            ),
            (
                "Wedding photographer building a portfolio to win commissions.",
                K::Portfolio,
            ),
            (
                "Charity that recruits volunteers to tutor refugees.",
                K::Nonprofit,
            ),
            (
                "Estate agents with apartments and homes for sale in Lisbon.",
                K::RealEstate,
            ),
            (
                "Online coding bootcamp with evening classes for career changers.",
                K::Education,
            ),
            (
                "A weekly newsletter and blog about urban gardening.",
                K::Publisher,
            ),
        ];
        for (brief, kind) in cases {
            assert_eq!(BusinessKind::detect(brief), Some(kind), "{brief}");
        }
        assert_eq!(
            BusinessKind::detect("happy apples"),
            None,
            "app must match whole words only"
        );
        assert_eq!(BusinessKind::detect(""), None);
    }

    #[test]
    fn objectives_add_pages_per_kind() {
        let book = vec!["Book appointments online".to_string()];
        assert_eq!(extra_topics(K::Restaurant, &book), [T::Reservations]);
        assert_eq!(extra_topics(K::Clinic, &book), [T::Appointments]);
        assert_eq!(extra_topics(K::Saas, &book), [T::Demo]);
        assert_eq!(extra_topics(K::LocalTrades, &book), [T::Appointments]);
        let stay = vec!["More direct bookings".to_string()];
        assert_eq!(extra_topics(K::Hospitality, &stay), [T::Booking]);
        assert_eq!(extra_topics(K::Restaurant, &stay), [T::Reservations]);
        // No goal stated: the kind's usual ones.
        assert_eq!(extra_topics(K::LocalTrades, &[]), [T::Quote]);
        assert_eq!(extra_topics(K::FoodShop, &[]), []);
        let many = vec![
            "Hire two engineers".to_string(),
            "sell online: gift cards".into(),
            "answer questions".into(),
        ];
        assert_eq!(
            extra_topics(K::General, &many),
            [T::Shop, T::Faq, T::Careers]
        );
        assert!(extra_topics(K::General, &[]).is_empty());
        let calls = vec!["Most customers phone us".to_string()];
        assert!(
            extra_topics(K::LocalTrades, &calls).is_empty(),
            "a call needs no page"
        );
    }
}
