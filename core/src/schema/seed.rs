//! Seed rows of the four option catalogues, inserted by migration 0002 (idempotently, by name).

use crate::model::OptionKind;

/// `(name, description)` pairs per catalogue, in dropdown order.
pub fn seed_options(kind: OptionKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        OptionKind::BusinessType => BUSINESS_TYPES,
        OptionKind::AudienceProfile => AUDIENCE_PROFILES,
        OptionKind::BrandPersonality => BRAND_PERSONALITIES,
        OptionKind::HeroImagery => HERO_IMAGERY,
    }
}

const BUSINESS_TYPES: &[(&str, &str)] = &[
    (
        "B2B SaaS Platform",
        "Software sold by subscription to teams and companies, with trials, demos and integrations.",
    ),
    (
        "E-commerce Brand",
        "A shop selling physical products online, with a catalogue, reviews and checkout.",
    ),
    (
        "Restaurant & Café",
        "A place to eat or drink that needs its menu, opening hours and table reservations online.",
    ),
    (
        "Medical Clinic",
        "A practice with doctors or therapists where patients learn about services and book appointments.",
    ),
    (
        "Professional Services",
        "Consultants, agencies, lawyers or accountants who win clients through expertise and trust.",
    ),
    (
        "Local Trades & Home Services",
        "Plumbers, electricians, cleaners and builders who serve a local area and take quote requests.",
    ),
    (
        "Education & Training",
        "Courses, schools and coaches who enrol learners into programmes and classes.",
    ),
    (
        "Nonprofit & Community",
        "A mission-driven organisation that raises awareness, volunteers and donations.",
    ),
    (
        "Creative Portfolio",
        "A designer, photographer or studio showing selected work to attract commissions.",
    ),
    (
        "Real Estate Agency",
        "An agency listing properties for sale or rent and booking viewings.",
    ),
];

const AUDIENCE_PROFILES: &[(&str, &str)] = &[
    (
        "Founders & Executives",
        "Decision makers short on time who want the outcome and the proof in one glance.",
    ),
    (
        "Marketing Leaders",
        "Heads of marketing looking for growth, measurable results and tools their team will adopt.",
    ),
    (
        "IT & Engineering Teams",
        "Technical buyers who check security, integrations and documentation before anything else.",
    ),
    (
        "Small Business Owners",
        "Owners who do everything themselves and need clear prices and an easy way to start.",
    ),
    (
        "Families & Parents",
        "Households choosing for their children and relatives, sensitive to safety and convenience.",
    ),
    (
        "Young Professionals",
        "Busy urban people in their twenties and thirties who decide on mobile and value style.",
    ),
    (
        "Patients & Caregivers",
        "People seeking care for themselves or a relative who need reassurance and quick booking.",
    ),
    (
        "Local Residents",
        "Neighbours who search nearby, compare reviews and want opening hours and directions.",
    ),
];

const BRAND_PERSONALITIES: &[(&str, &str)] = &[
    (
        "Trusted Advisor",
        "Calm, knowledgeable and reassuring; explains clearly and never oversells.",
    ),
    (
        "Bold Visionary",
        "Confident and ambitious; speaks about the future and big results.",
    ),
    (
        "Friendly Neighbour",
        "Warm, approachable and plain-spoken, like a local business that knows you by name.",
    ),
    (
        "Premium & Refined",
        "Understated, elegant and precise; quality is shown, not shouted.",
    ),
    (
        "Playful Creative",
        "Witty, colourful and surprising; makes the brand memorable and fun.",
    ),
    (
        "Analytical Expert",
        "Data-driven and rigorous; leads with numbers, methods and evidence.",
    ),
    (
        "Caring & Compassionate",
        "Gentle, empathetic and patient; puts people's wellbeing first.",
    ),
    (
        "Minimalist Modern",
        "Spare, clean and direct; says more with fewer words.",
    ),
];

const HERO_IMAGERY: &[(&str, &str)] = &[
    (
        "Authentic Team Photography",
        "Real people of the business at work, natural light, candid moments.",
    ),
    (
        "Product in Use",
        "The product shown in the hands of customers, in the setting where it is used.",
    ),
    (
        "Interface Showcase",
        "Clean screenshots or device mock-ups of the software with highlighted features.",
    ),
    (
        "Abstract Illustration",
        "Brand-coloured shapes and illustrations that suggest the idea without photos.",
    ),
    (
        "Place & Atmosphere",
        "The venue, neighbourhood or space itself: interiors, tables, the street outside.",
    ),
    (
        "Customer Success Moments",
        "Happy customers and before/after results that show the outcome.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_enough_unique_rows() {
        let minimum = |k| if k == OptionKind::HeroImagery { 6 } else { 8 };
        for kind in OptionKind::ALL {
            let rows = seed_options(kind);
            assert!(rows.len() >= minimum(kind), "{kind:?}");
            let mut names: Vec<_> = rows.iter().map(|(n, _)| *n).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), rows.len());
            assert!(rows.iter().all(|(n, d)| n.len() <= 120 && d.ends_with('.')));
        }
    }
}
