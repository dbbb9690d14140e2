//! What a site of a given kind is made of: its pages and each page's blocks.
//!
//! A recipe is where a site starts, not where it must end: the model may deviate, the offline
//! planner follows it. The page sets come from how these businesses are actually found and used: a
//! restaurant is visited for its menu and a table, a clinic for its doctors and an appointment, a
//! SaaS for features, integrations and pricing.

use crate::model::PageType;

/// Default blocks of a page of `page_type`, in order.
pub fn default_recipe(page_type: PageType) -> &'static [&'static str] {
    match page_type {
        PageType::Home => &["hero", "features", "testimonials", "cta"],
        PageType::About => &["hero", "text", "features", "cta"],
        PageType::Services => &["hero", "services", "faq", "cta"],
        PageType::Products => &["hero", "grid", "features", "cta"],
        PageType::Blog => &["hero", "grid", "cta"],
        PageType::Contact => &["hero", "form", "faq"],
        PageType::Custom => &["hero", "text", "cta"],
    }
}

/// The next best block type when `block_type` is not available to a site, in order of preference.
pub fn fallbacks(block_type: &str) -> &'static [&'static str] {
    match block_type {
        "hero" => &["cta", "text"],
        "features" => &["grid", "services", "list", "text"],
        "services" => &["features", "grid", "list", "text"],
        "grid" => &["features", "services", "list", "text"],
        "testimonials" => &["quote"],
        "stats" => &["list"],
        "faq" => &["accordion", "list"],
        "accordion" => &["faq", "list", "text"],
        "form" => &["cta", "text"],
        "cta" => &["card", "text"],
        "card" => &["cta", "text"],
        "quote" => &["text"],
        "list" => &["text"],
        "text" => &["card"],
        _ => &[],
    }
}

/// What a page is about; the offline planner writes its copy from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variant names are the documentation
pub enum Topic {
    Home,
    About,
    Services,
    Products,
    Blog,
    Contact,
    Menu,
    Reservations,
    Features,
    Integrations,
    Pricing,
    Demo,
    Doctors,
    Appointments,
    Shop,
    Collections,
    Team,
    Quote,
    Programs,
    Impact,
    Volunteer,
    Donate,
    Work,
    Listings,
    Booking,
    Careers,
    Faq,
    Order,
    Catering,
    Gallery,
    Rooms,
    Memberships,
    Classes,
    /// A page the recipes do not know (host-made or model-made).
    Other,
}

/// A planned page: the slug, title and type it gets and the blocks it starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePlan {
    /// What the page is about.
    pub topic: Topic,
    /// URL slug.
    pub slug: &'static str,
    /// Title.
    pub title: &'static str,
    /// Page type.
    pub page_type: PageType,
    /// Block types, in order.
    pub blocks: &'static [&'static str],
    /// Whether it belongs in the main menu (otherwise the footer).
    pub primary: bool,
}

const fn plan(
    topic: Topic,
    slug: &'static str,
    title: &'static str,
    page_type: PageType,
    blocks: &'static [&'static str],
    primary: bool,
) -> PagePlan {
    PagePlan {
        topic,
        slug,
        title,
        page_type,
        blocks,
        primary,
    }
}

use PageType as P;
use Topic as T;

/// Every topic's page, except home whose blocks depend on the business (see [`BusinessKind::pages`]).
const PLANS: &[PagePlan] = &[
    plan(
        T::About,
        "about",
        "About",
        P::About,
        &["hero", "text", "features", "cta"],
        true,
    ),
    plan(
        T::Services,
        "services",
        "Services",
        P::Services,
        &["hero", "services", "list", "faq", "cta"],
        true,
    ),
    plan(
        T::Products,
        "products",
        "Products",
        P::Products,
        &["hero", "grid", "features", "cta"],
        true,
    ),
    plan(
        T::Blog,
        "blog",
        "Blog",
        P::Blog,
        &["hero", "grid", "cta"],
        true,
    ),
    plan(
        T::Contact,
        "contact",
        "Contact",
        P::Contact,
        &["hero", "form", "faq"],
        true,
    ),
    plan(
        T::Menu,
        "menu",
        "Menu",
        P::Custom,
        &["hero", "accordion", "text", "cta"],
        true,
    ),
    plan(
        T::Reservations,
        "reservations",
        "Reservations",
        P::Custom,
        &["hero", "form", "list", "faq"],
        true,
    ),
    plan(
        T::Features,
        "features",
        "Features",
        P::Products,
        &["hero", "features", "grid", "cta"],
        true,
    ),
    plan(
        T::Integrations,
        "integrations",
        "Integrations",
        P::Custom,
        &["hero", "grid", "faq", "cta"],
        true,
    ),
    plan(
        T::Pricing,
        "pricing",
        "Pricing",
        P::Custom,
        &["hero", "features", "faq", "cta"],
        true,
    ),
    plan(
        T::Demo,
        "demo",
        "Book a Demo",
        P::Contact,
        &["hero", "list", "form"],
        false,
    ),
    plan(
        T::Doctors,
        "doctors",
        "Our Doctors",
        P::About,
        &["hero", "grid", "quote", "cta"],
        true,
    ),
    plan(
        T::Appointments,
        "appointments",
        "Appointments",
        P::Contact,
        &["hero", "form", "list", "faq"],
        true,
    ),
    plan(
        T::Shop,
        "shop",
        "Shop",
        P::Products,
        &["hero", "grid", "features", "cta"],
        true,
    ),
    plan(
        T::Collections,
        "collections",
        "Collections",
        P::Products,
        &["hero", "grid", "cta"],
        true,
    ),
    plan(
        T::Team,
        "team",
        "Team",
        P::About,
        &["hero", "grid", "cta"],
        true,
    ),
    plan(
        T::Quote,
        "quote",
        "Get a Quote",
        P::Contact,
        &["hero", "form", "list"],
        true,
    ),
    plan(
        T::Programs,
        "programs",
        "Programmes",
        P::Services,
        &["hero", "grid", "list", "faq", "cta"],
        true,
    ),
    plan(
        T::Impact,
        "impact",
        "Our Impact",
        P::About,
        &["hero", "stats", "text", "cta"],
        true,
    ),
    plan(
        T::Volunteer,
        "volunteer",
        "Volunteer",
        P::Custom,
        &["hero", "features", "form"],
        true,
    ),
    plan(
        T::Donate,
        "donate",
        "Donate",
        P::Custom,
        &["hero", "text", "form", "faq"],
        true,
    ),
    plan(
        T::Work,
        "work",
        "Work",
        P::Custom,
        &["hero", "grid", "quote", "cta"],
        true,
    ),
    plan(
        T::Listings,
        "properties",
        "Properties",
        P::Products,
        &["hero", "grid", "cta"],
        true,
    ),
    plan(
        T::Booking,
        "booking",
        "Book",
        P::Contact,
        &["hero", "form", "faq"],
        true,
    ),
    plan(
        T::Careers,
        "careers",
        "Careers",
        P::Custom,
        &["hero", "text", "features", "form"],
        false,
    ),
    plan(
        T::Order,
        "order",
        "Order",
        P::Contact,
        &["hero", "list", "form", "faq"],
        true,
    ),
    plan(
        T::Catering,
        "catering",
        "Catering",
        P::Services,
        &["hero", "text", "form"],
        true,
    ),
    plan(
        T::Gallery,
        "gallery",
        "Gallery",
        P::Custom,
        &["hero", "grid", "cta"],
        true,
    ),
    plan(
        T::Rooms,
        "rooms",
        "Rooms",
        P::Services,
        &["hero", "grid", "faq", "cta"],
        true,
    ),
    plan(
        T::Memberships,
        "memberships",
        "Memberships",
        P::Custom,
        &["hero", "features", "faq", "cta"],
        true,
    ),
    plan(
        T::Classes,
        "classes",
        "Classes",
        P::Services,
        &["hero", "grid", "list", "cta"],
        true,
    ),
    plan(
        T::Faq,
        "faq",
        "FAQ",
        P::Custom,
        &["hero", "faq", "cta"],
        false,
    ),
];

impl Topic {
    /// The page this topic gets by default; `None` for home (business-specific) and [`Topic::Other`].
    pub fn plan(self) -> Option<&'static PagePlan> {
        PLANS.iter().find(|p| p.topic == self)
    }

    /// The topic of an existing page, from its slug, title and type.
    pub fn of_page(slug: &str, title: &str, page_type: PageType) -> Topic {
        if page_type == PageType::Home {
            return Topic::Home;
        }
        let words = format!("{slug} {title}")
            .to_lowercase()
            .replace(['-', '_'], " ");
        const CLUES: &[(&str, Topic)] = &[
            ("menu", T::Menu),
            ("catering", T::Catering),
            ("pre-order", T::Order),
            ("preorder", T::Order),
            ("order", T::Order),
            ("gallery", T::Gallery),
            ("photos", T::Gallery),
            ("rooms", T::Rooms),
            ("membership", T::Memberships),
            ("classes", T::Classes),
            ("timetable", T::Classes),
            ("reserv", T::Reservations),
            ("integration", T::Integrations),
            ("pricing", T::Pricing),
            ("plans", T::Pricing),
            ("demo", T::Demo),
            ("doctor", T::Doctors),
            ("appointment", T::Appointments),
            ("collection", T::Collections),
            ("shop", T::Shop),
            ("quote", T::Quote),
            ("estimate", T::Quote),
            ("program", T::Programs),
            ("course", T::Programs),
            ("impact", T::Impact),
            ("volunteer", T::Volunteer),
            ("donat", T::Donate),
            ("portfolio", T::Work),
            ("work", T::Work),
            ("propert", T::Listings),
            ("listing", T::Listings),
            ("booking", T::Booking),
            ("book", T::Booking),
            ("career", T::Careers),
            ("jobs", T::Careers),
            ("faq", T::Faq),
            ("question", T::Faq),
            ("team", T::Team),
            ("feature", T::Features),
            ("contact", T::Contact),
            ("about", T::About),
            ("service", T::Services),
            ("product", T::Products),
            ("blog", T::Blog),
        ];
        if let Some((_, topic)) = CLUES.iter().find(|(clue, _)| words.contains(clue)) {
            return *topic;
        }
        match page_type {
            PageType::Home => Topic::Home,
            PageType::About => Topic::About,
            PageType::Services => Topic::Services,
            PageType::Products => Topic::Products,
            PageType::Blog => Topic::Blog,
            PageType::Contact => Topic::Contact,
            PageType::Custom => Topic::Other,
        }
    }
}

/// The kinds of business the recipes know; the seed's business types map onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessKind {
    /// Software sold by subscription.
    Saas,
    /// An online shop.
    Ecommerce,
    /// A restaurant, café or bar.
    Restaurant,
    /// A medical, dental or therapy practice.
    Clinic,
    /// Consultants, agencies, lawyers, accountants.
    ProfessionalServices,
    /// Trades and home services with a local area.
    LocalTrades,
    /// Courses, schools and coaches.
    Education,
    /// Charities and community groups.
    Nonprofit,
    /// A creative showing work.
    Portfolio,
    /// A property agency.
    RealEstate,
    /// A blog, magazine or newsletter.
    Publisher,
    /// A shop that makes and sells food to take away: bakery, patisserie, deli, butcher.
    FoodShop,
    /// A maker selling to other businesses: manufacturing, fabrication, wholesale production.
    Manufacturer,
    /// Somewhere to stay: lodge, hotel, guesthouse, B&B.
    Hospitality,
    /// A gym or studio selling classes and memberships.
    Fitness,
    /// Anything else.
    General,
}

mod kinds;
pub use kinds::{conversion_topic, default_goals, extra_topics, site_goals};

impl BusinessKind {
    /// Every kind.
    pub const ALL: [BusinessKind; 16] = [
        BusinessKind::Saas,
        BusinessKind::Ecommerce,
        BusinessKind::Restaurant,
        BusinessKind::Clinic,
        BusinessKind::ProfessionalServices,
        BusinessKind::LocalTrades,
        BusinessKind::Education,
        BusinessKind::Nonprofit,
        BusinessKind::Portfolio,
        BusinessKind::RealEstate,
        BusinessKind::Publisher,
        BusinessKind::FoodShop,
        BusinessKind::Manufacturer,
        BusinessKind::Hospitality,
        BusinessKind::Fitness,
        BusinessKind::General,
    ];

    /// The site's pages, home first and contact-like pages last.
    pub fn pages(self) -> Vec<PagePlan> {
        let home = PagePlan {
            topic: Topic::Home,
            slug: "home",
            title: "Home",
            page_type: PageType::Home,
            blocks: kinds::home_blocks(self),
            primary: true,
        };
        std::iter::once(home)
            .chain(kinds::topics(self).iter().filter_map(|t| t.plan().copied()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_type_recipes_fit_their_purpose() {
        assert_eq!(default_recipe(PageType::Home)[0], "hero");
        assert!(default_recipe(PageType::Contact).contains(&"form"));
        assert!(default_recipe(PageType::Services).contains(&"services"));
        for t in PageType::ALL {
            assert!(!default_recipe(*t).is_empty());
        }
    }

    #[test]
    fn every_plan_uses_default_block_types_and_known_fallbacks() {
        let known = crate::blocks::DEFAULT_BLOCK_TYPES;
        for kind in BusinessKind::ALL {
            let pages = kind.pages();
            assert_eq!(pages[0].page_type, PageType::Home, "{kind:?}");
            assert_eq!(pages[0].blocks[0], "hero", "{kind:?}");
            assert_eq!(
                pages
                    .iter()
                    .filter(|p| p.page_type == PageType::Home)
                    .count(),
                1
            );
            for p in &pages {
                assert!(
                    p.blocks.iter().all(|b| known.contains(b)),
                    "{kind:?} {}",
                    p.slug
                );
            }
        }
        for b in known {
            assert!(
                fallbacks(b).iter().all(|f| known.contains(f) && f != b),
                "{b}"
            );
        }
    }

    #[test]
    fn topics_are_recognised_from_pages() {
        assert_eq!(
            Topic::of_page("our-menu", "Menu", PageType::Custom),
            Topic::Menu
        );
        assert_eq!(Topic::of_page("home", "Home", PageType::Home), Topic::Home);
        assert_eq!(
            Topic::of_page("x", "Meet the Doctors", PageType::About),
            Topic::Doctors
        );
        assert_eq!(
            Topic::of_page("about-us", "About us", PageType::About),
            Topic::About
        );
        assert_eq!(
            Topic::of_page("history", "History", PageType::Custom),
            Topic::Other
        );
        for p in PLANS {
            assert_eq!(
                Topic::of_page(p.slug, p.title, p.page_type),
                p.topic,
                "{}",
                p.slug
            );
        }
    }
}
