//! Per-business data of the recipes: how a kind is recognised, its layout, home page and pages,
//! and the pages objectives add.

use super::{BusinessKind, Topic};
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
        K::General => &["hero", "features", "testimonials", "cta"],
    }
}

pub(super) fn topics(kind: BusinessKind) -> &'static [Topic] {
    match kind {
        K::Saas => &[
            T::Features,
            T::Integrations,
            T::Pricing,
            T::About,
            T::Contact,
            T::Demo,
        ],
        K::Ecommerce => &[T::Shop, T::Collections, T::About, T::Faq, T::Contact],
        K::Restaurant => &[T::Menu, T::Reservations, T::About, T::Contact],
        K::Clinic => &[
            T::Services,
            T::Doctors,
            T::Appointments,
            T::About,
            T::Contact,
        ],
        K::ProfessionalServices => &[T::Services, T::About, T::Team, T::Faq, T::Contact],
        K::LocalTrades => &[T::Services, T::About, T::Quote, T::Faq, T::Contact],
        K::Education => &[T::Programs, T::About, T::Faq, T::Contact],
        K::Nonprofit => &[T::About, T::Impact, T::Volunteer, T::Donate, T::Contact],
        K::Portfolio => &[T::Work, T::About, T::Contact],
        K::RealEstate => &[T::Listings, T::Services, T::About, T::Contact],
        K::Publisher => &[T::Blog, T::About, T::Contact],
        K::General => &[T::About, T::Services, T::Contact],
    }
}

/// Topics the objectives ask for beyond the kind's own pages, in a stable order. "Book
/// appointments" is a reservation for a restaurant, an appointment for a clinic, a demo for SaaS.
pub fn extra_topics(kind: BusinessKind, objectives: &[String]) -> Vec<Topic> {
    let text = objectives.join(" ").to_lowercase();
    let any = |clues: &[&str]| clues.iter().any(|c| text.contains(c));
    let mut out = Vec::new();
    if any(&["book", "appointment", "reserv", "schedul", "viewing"]) {
        out.push(match kind {
            K::Restaurant => T::Reservations,
            K::Clinic => T::Appointments,
            K::Saas => T::Demo,
            _ => T::Booking,
        });
    }
    if any(&["demo", "trial", "sign up", "signup", "sign-up"]) && kind == K::Saas {
        out.push(T::Demo);
    }
    if any(&[
        "sell",
        "shop",
        "buy",
        "order online",
        "e-commerce",
        "ecommerce",
        "online store",
    ]) {
        out.push(T::Shop);
    }
    if any(&["quote", "estimate"]) {
        out.push(T::Quote);
    }
    if any(&["pricing", "prices", "plans"]) {
        out.push(T::Pricing);
    }
    if any(&["enrol", "enroll", "course", "class"]) {
        out.push(T::Programs);
    }
    if any(&["portfolio", "showcase", "our work"]) {
        out.push(T::Work);
    }
    if any(&["donat", "fundrais"]) {
        out.push(T::Donate);
    }
    if any(&["volunteer"]) {
        out.push(T::Volunteer);
    }
    if any(&[
        "blog",
        "article",
        "content",
        "seo",
        "publish",
        "thought leadership",
        "newsletter",
    ]) {
        out.push(T::Blog);
    }
    if any(&["faq", "questions", "support"]) {
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
            "b2b",
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
            "bakery",
            "bakeries",
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
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == 'é'))
            .filter(|w| !w.is_empty())
            .collect();
        let padded = format!(" {} ", words.join(" "));
        let mut best: Option<(BusinessKind, usize)> = None;
        for (kind, keywords) in KEYWORDS {
            let score = keywords
                .iter()
                .filter(|k| match k.strip_suffix('*') {
                    Some(stem) => words.iter().any(|w| w.starts_with(stem)),
                    None if k.contains(' ') => padded.contains(&format!(" {k} ")),
                    None => words.contains(k),
                })
                .count();
            if score > 0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((*kind, score));
            }
        }
        best.map(|(k, _)| k)
    }

    /// The seed renderer's layout that suits this kind.
    pub fn layout(self) -> &'static str {
        match self {
            K::Ecommerce => "ecommerce",
            K::Portfolio => "portfolio",
            K::ProfessionalServices | K::RealEstate => "corporate",
            K::Publisher => "blog",
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
        assert_eq!(extra_topics(K::LocalTrades, &book), [T::Booking]);
        let many = vec![
            "Hire two engineers".to_string(),
            "sell gift cards".into(),
            "answer questions".into(),
        ];
        assert_eq!(
            extra_topics(K::General, &many),
            [T::Shop, T::Faq, T::Careers]
        );
        assert!(extra_topics(K::General, &[]).is_empty());
    }
}
