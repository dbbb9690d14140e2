//! The planner's vocabulary per kind of business: promises, offerings, reasons to choose, process
//! steps and common questions, written the way such a business talks to its customers.
//!
//! Lines are general enough to be true of any business of the kind; anything specific (prices,
//! figures, names) is left as a bracketed note for the owner. `{name}` is the business name.

use crate::planner::recipes::{BusinessKind, Topic};

/// How a kind of business speaks.
pub(super) struct Voice {
    /// What the business is ("clinic").
    pub noun: &'static str,
    /// Who it serves ("patients").
    pub customers: &'static str,
    /// The hero promise per style: bold, warm, calm.
    pub promise: [&'static str; 3],
    /// The tagline per style.
    pub tagline: [&'static str; 3],
    /// A one-line description used when the brief gives none.
    pub pitch: &'static str,
    /// The main call to action and the page it leads to.
    pub cta: (&'static str, Topic),
    /// Heading of the section listing the offerings.
    pub offer_heading: &'static str,
    /// Offerings when the brief lists none.
    pub offerings: [(&'static str, &'static str); 4],
    /// Description of an offering the brief named (`{offer}`).
    pub offering_line: &'static str,
    /// Reasons to choose the business: title, sentence, icon.
    pub why: [(&'static str, &'static str, &'static str); 3],
    /// How working with the business goes, in order.
    pub process: [&'static str; 4],
    /// Questions customers ask, with answers that commit to nothing the brief did not say.
    pub faq: [(&'static str, &'static str); 4],
    /// The closing invitation per style.
    pub closing: [&'static str; 3],
    /// The line under the closing invitation.
    pub closing_body: &'static str,
    /// What the business's figures would count, for the owner to fill in.
    pub stats: [&'static str; 3],
}

use BusinessKind as K;
use Topic as T;

pub(super) fn voice(kind: BusinessKind) -> &'static Voice {
    match kind {
        K::Saas => &SAAS,
        K::Ecommerce => &ECOMMERCE,
        K::Restaurant => &RESTAURANT,
        K::Clinic => &CLINIC,
        K::ProfessionalServices => &PROFESSIONAL,
        K::LocalTrades => &TRADES,
        K::Education => &EDUCATION,
        K::Nonprofit => &NONPROFIT,
        K::Portfolio => &PORTFOLIO,
        K::RealEstate => &REAL_ESTATE,
        K::Publisher => &PUBLISHER,
        K::FoodShop => &FOOD_SHOP,
        K::Manufacturer => &MANUFACTURER,
        K::Hospitality => &HOSPITALITY,
        K::Fitness => &FITNESS,
        K::General => &GENERAL,
    }
}

static SAAS: Voice = Voice {
    noun: "platform",
    customers: "teams",
    promise: [
        "Ship more. Chase less.",
        "Work that flows, for every team",
        "Software that keeps your team in step",
    ],
    tagline: [
        "The work platform for teams that move fast",
        "Friendly software for busy teams",
        "Clear, dependable software for growing teams",
    ],
    pitch: "{name} helps teams spend less time on busywork and more on the work that matters.",
    cta: ("Book a demo", T::Demo),
    offer_heading: "Everything your team needs in one place",
    offerings: [
        (
            "Shared workspace",
            "Plans, files and decisions in one place everyone can find.",
        ),
        (
            "Automations",
            "Repeatable steps run on their own, so nothing slips through.",
        ),
        (
            "Reporting",
            "See progress at a glance without building another spreadsheet.",
        ),
        (
            "Integrations",
            "Connect the tools your team already relies on.",
        ),
    ],
    offering_line: "{offer} in {name}, built to save your team time every week.",
    why: [
        (
            "Built for teams",
            "Shared views and permissions that fit how your team already works.",
            "users",
        ),
        (
            "Clear by design",
            "The important things are one click away, nothing buried in menus.",
            "layout",
        ),
        (
            "Ready to grow",
            "Start with one team and add the next when you are ready.",
            "trending-up",
        ),
    ],
    process: [
        "Book a short demo",
        "Try it with your own team",
        "Connect your tools",
        "Roll it out to everyone",
    ],
    faq: [
        (
            "How long does setup take?",
            "Most of the work is connecting the tools you already use; we walk you through it in the demo.",
        ),
        (
            "Can we try it first?",
            "Yes. Book a demo and we will set up a trial space for your team.",
        ),
        (
            "Does it work with our tools?",
            "See the integrations page for what connects today, or ask us about the tool you rely on.",
        ),
        (
            "How is our data protected?",
            "[Describe your security practices and any certifications you hold.]",
        ),
    ],
    closing: [
        "See what your team could ship next",
        "Let's make work lighter for your team",
        "See {name} with your own workflow",
    ],
    closing_body: "A short demo, your questions answered, no commitment.",
    stats: [
        "teams using {name}",
        "hours saved per week",
        "integrations available",
    ],
};

static ECOMMERCE: Voice = Voice {
    noun: "shop",
    customers: "customers",
    promise: [
        "Made to stand out",
        "Things you'll love to live with",
        "Thoughtfully made, carefully chosen",
    ],
    tagline: [
        "Bold pieces for everyday life",
        "Lovely things, delivered to your door",
        "Quality you can see and feel",
    ],
    pitch: "{name} offers carefully chosen products, described honestly and sent with care.",
    cta: ("Shop now", T::Shop),
    offer_heading: "Shop the collections",
    offerings: [
        ("New arrivals", "The latest additions to the shop."),
        ("Best sellers", "The pieces customers come back for."),
        ("Gifts", "Ideas for someone you care about."),
        ("Essentials", "Everyday favourites, always in stock."),
    ],
    offering_line: "{offer}, chosen with care and described honestly.",
    why: [
        (
            "Chosen with care",
            "Every product is picked for how it looks, feels and lasts.",
            "heart",
        ),
        (
            "Honest descriptions",
            "Clear photos and details, so what arrives is what you expected.",
            "eye",
        ),
        (
            "Real people to ask",
            "Questions before or after you buy? Write to us and a person answers.",
            "message-circle",
        ),
    ],
    process: [
        "Browse the collections",
        "Add what you love to your basket",
        "Check out securely",
        "Track your order to your door",
    ],
    faq: [
        (
            "How long does delivery take?",
            "[Add your delivery times and the regions you ship to.]",
        ),
        (
            "Can I return an item?",
            "[Add your returns window and how to start a return.]",
        ),
        (
            "How do I choose the right size or model?",
            "Each product page lists its details; write to us if you are unsure and we will help.",
        ),
        (
            "Do you offer gift wrapping?",
            "[Say whether you gift wrap and how to ask for it.]",
        ),
    ],
    closing: [
        "Find your next favourite",
        "Treat yourself, or someone you love",
        "Explore the collection",
    ],
    closing_body: "Browse the shop and find something made to last.",
    stats: ["orders sent", "products in the shop", "customer rating"],
};

static RESTAURANT: Voice = Voice {
    noun: "restaurant",
    customers: "guests",
    promise: [
        "Food worth crossing town for",
        "A table worth coming back to",
        "Honest cooking, served with care",
    ],
    tagline: [
        "Big flavours, good company",
        "Good food and a warm welcome",
        "Simple food, carefully made",
    ],
    pitch: "{name} is a place for good food, good company and a table waiting for you.",
    cta: ("Book a table", T::Reservations),
    offer_heading: "From our kitchen",
    offerings: [
        ("Starters", "Small plates to share while you settle in."),
        ("Mains", "The dishes we are proudest of."),
        ("Desserts", "Something sweet to finish."),
        ("Drinks", "Drinks chosen to go with the food."),
    ],
    offering_line: "{offer}, made in our kitchen.",
    why: [
        (
            "Made in our kitchen",
            "We cook what we serve, and we're happy to tell you what's in it.",
            "chef-hat",
        ),
        (
            "A warm welcome",
            "Come as you are, for a quick bite or a long evening.",
            "smile",
        ),
        (
            "Easy to book",
            "Reserve a table online in a minute.",
            "calendar",
        ),
    ],
    process: [
        "Choose a date and time",
        "Tell us how many you are",
        "Add any allergies or requests",
        "We confirm your table",
    ],
    faq: [
        (
            "Do I need to book?",
            "Booking guarantees your table; reserve online from the reservations page.",
        ),
        (
            "Can you cater for allergies?",
            "Tell us about allergies when you book or when you order, and we will tell you what we can prepare.",
        ),
        (
            "Can I book for a large group?",
            "Yes, add a note to your booking and we will plan the table with you.",
        ),
        ("When are you open?", "[Add your opening hours.]"),
    ],
    closing: [
        "Hungry? Your table is waiting",
        "We'd love to cook for you",
        "Reserve your table",
    ],
    closing_body: "Book online in a minute and we will have your table ready.",
    stats: ["dishes on the menu", "years cooking", "seats"],
};

static CLINIC: Voice = Voice {
    noun: "clinic",
    customers: "patients",
    promise: [
        "Better health starts here",
        "Care that puts you first",
        "Expert care, clearly explained",
    ],
    tagline: [
        "Modern care for every stage of life",
        "Caring for you and your family",
        "Trusted care, clearly explained",
    ],
    pitch: "{name} offers attentive care from a team that takes time to listen and explain.",
    cta: ("Book an appointment", T::Appointments),
    offer_heading: "How we can help",
    offerings: [
        (
            "Consultations",
            "Time to talk through what you're experiencing and agree a plan.",
        ),
        ("Check-ups", "Regular checks that catch problems early."),
        (
            "Treatment",
            "Care planned with you and explained at every step.",
        ),
        (
            "Follow-up care",
            "Support after your visit until you're back to yourself.",
        ),
    ],
    offering_line: "{offer} at {name}, explained clearly and planned around you.",
    why: [
        (
            "Time to listen",
            "Appointments long enough to understand what you need.",
            "ear",
        ),
        (
            "Clear explanations",
            "You'll know your options and what each one involves.",
            "message-circle",
        ),
        (
            "Easy booking",
            "Book online at a time that suits you.",
            "calendar",
        ),
    ],
    process: [
        "Book online or by phone",
        "Meet your clinician",
        "Agree a care plan together",
        "Follow-up when you need it",
    ],
    faq: [
        (
            "How do I book an appointment?",
            "Use the appointment form and we'll confirm a time with you.",
        ),
        (
            "What should I bring?",
            "Bring any previous records, a list of medicines you take and your questions.",
        ),
        (
            "Do you accept my insurance?",
            "[List the insurers you work with, or say how payment works.]",
        ),
        (
            "Can I bring someone with me?",
            "Of course; a relative or carer is welcome to join you.",
        ),
    ],
    closing: [
        "Take the first step today",
        "We're here when you need us",
        "Book your appointment",
    ],
    closing_body: "Choose a time that suits you and we'll take it from there.",
    stats: ["patients cared for", "clinicians", "years in practice"],
};

static PROFESSIONAL: Voice = Voice {
    noun: "firm",
    customers: "clients",
    promise: [
        "Advice that moves you forward",
        "Expert help, without the jargon",
        "Sound advice you can act on",
    ],
    tagline: [
        "Clear thinking for ambitious businesses",
        "Expert help, plainly explained",
        "Trusted advice for decisions that matter",
    ],
    pitch: "{name} gives clients clear, practical advice and sees the work through.",
    cta: ("Book a consultation", T::Contact),
    offer_heading: "How we help",
    offerings: [
        ("Advisory", "Clear advice on the decision in front of you."),
        ("Planning", "A plan with priorities, owners and dates."),
        (
            "Delivery support",
            "Hands-on help to carry the plan through.",
        ),
        (
            "Ongoing review",
            "Regular check-ins to keep things on track.",
        ),
    ],
    offering_line: "{offer} from {name}: practical advice, clearly explained.",
    why: [
        (
            "Plain language",
            "Advice you can act on, without the jargon.",
            "message-square",
        ),
        (
            "Senior attention",
            "You work with experienced people from the first call.",
            "award",
        ),
        (
            "Clear scope and fees",
            "You'll know what's included before we start.",
            "file-text",
        ),
    ],
    process: [
        "An introductory call",
        "A written proposal",
        "The work, with regular updates",
        "A review of the results",
    ],
    faq: [
        (
            "How do we start?",
            "Book a consultation; we'll talk through your situation and suggest next steps.",
        ),
        (
            "How are fees set?",
            "[Explain how you charge: fixed fee, hourly or retainer.]",
        ),
        ("Who will I work with?", "[Name who leads client work.]"),
        (
            "Is our information kept confidential?",
            "Yes, client information stays confidential; ask us for our terms.",
        ),
    ],
    closing: [
        "Let's talk about what's next",
        "Tell us what you need",
        "Book a consultation",
    ],
    closing_body: "A first conversation to understand your situation and how we can help.",
    stats: ["clients advised", "years of experience", "sectors served"],
};

static TRADES: Voice = Voice {
    noun: "local service",
    customers: "homeowners",
    promise: [
        "Done right, the first time",
        "Your friendly local experts",
        "Reliable work, clearly quoted",
    ],
    tagline: [
        "Fast, tidy, done right",
        "Local, friendly and reliable",
        "Reliable work, clearly quoted",
    ],
    pitch: "{name} does careful, reliable work and keeps you informed from quote to finish.",
    cta: ("Request a quote", T::Quote),
    offer_heading: "What we do",
    offerings: [
        ("Repairs", "Fixes done properly, with the cause explained."),
        ("Installations", "New fittings installed neatly and tested."),
        (
            "Maintenance",
            "Regular servicing that prevents bigger problems.",
        ),
        (
            "Emergency call-outs",
            "[Say whether you offer urgent call-outs and when.]",
        ),
    ],
    offering_line: "{offer}, quoted clearly and done properly.",
    why: [
        (
            "Clear quotes",
            "You'll know the price before any work starts.",
            "file-text",
        ),
        (
            "Tidy work",
            "We protect your home and clean up when we're done.",
            "home",
        ),
        (
            "On time",
            "We turn up when we say and keep you posted.",
            "clock",
        ),
    ],
    process: [
        "Tell us about the job",
        "Get a clear quote",
        "We book a time that suits you",
        "Job done, and checked with you",
    ],
    faq: [
        (
            "Which areas do you cover?",
            "[List the towns or postcodes you work in.]",
        ),
        (
            "Are your quotes free?",
            "[Say whether quotes are free and how soon you send them.]",
        ),
        (
            "Are you insured?",
            "[State your insurance and any trade accreditations.]",
        ),
        (
            "How soon can you start?",
            "Send the details with the quote form and we'll tell you our earliest date.",
        ),
    ],
    closing: [
        "Get the job done right",
        "Tell us about your job",
        "Request your quote",
    ],
    closing_body: "Send a few details and we'll get back to you with a clear price.",
    stats: ["jobs completed", "years in the trade", "customer rating"],
};

static EDUCATION: Voice = Voice {
    noun: "school",
    customers: "learners",
    promise: [
        "Learn the skills that change your future",
        "Learning that fits your life",
        "Structured learning, real progress",
    ],
    tagline: [
        "Skills for what's next",
        "Friendly teaching, real progress",
        "Courses built for steady progress",
    ],
    pitch: "{name} helps learners build real skills with teaching that fits their lives.",
    cta: ("Explore programmes", T::Programs),
    offer_heading: "Programmes",
    offerings: [
        ("Beginner courses", "A clear start with the foundations."),
        ("Advanced courses", "Go deeper once you have the basics."),
        ("Workshops", "Short, focused sessions on one topic."),
        ("One-to-one coaching", "Personal guidance at your own pace."),
    ],
    offering_line: "{offer} at {name}, with clear goals and support along the way.",
    why: [
        (
            "Practical learning",
            "Every session ends with something you can use.",
            "tool",
        ),
        (
            "Supportive teachers",
            "Ask questions and get real answers.",
            "users",
        ),
        (
            "Flexible schedule",
            "Learn at times that fit around your life.",
            "calendar",
        ),
    ],
    process: [
        "Choose a programme",
        "Enrol online",
        "Meet your teacher",
        "Learn, practise and progress",
    ],
    faq: [
        (
            "Do I need experience?",
            "Each programme page says who it's for; beginner courses assume none.",
        ),
        (
            "How much does it cost?",
            "[Add fees and any payment options.]",
        ),
        ("When do courses start?", "[Add upcoming start dates.]"),
        (
            "Will I get a certificate?",
            "[Say whether programmes lead to a certificate.]",
        ),
    ],
    closing: [
        "Start learning today",
        "Find the right programme for you",
        "Explore programmes",
    ],
    closing_body: "Choose a programme and take the first step.",
    stats: ["learners taught", "programmes", "years teaching"],
};

static NONPROFIT: Voice = Voice {
    noun: "organisation",
    customers: "supporters",
    promise: [
        "Together we can change this",
        "Every helping hand matters",
        "Lasting change, one step at a time",
    ],
    tagline: [
        "Change starts with you",
        "A community that shows up",
        "Practical help where it's needed most",
    ],
    pitch: "{name} brings people together to make a real difference in the community.",
    cta: ("Donate", T::Donate),
    offer_heading: "What we do",
    offerings: [
        (
            "Direct support",
            "Practical help for the people who need it.",
        ),
        (
            "Community programmes",
            "Projects that bring people together.",
        ),
        ("Awareness", "Making the issue visible so more people act."),
        ("Volunteering", "Ways to give your time and skills."),
    ],
    offering_line: "{offer}, made possible by people like you.",
    why: [
        (
            "Local and practical",
            "Help that reaches people directly.",
            "map-pin",
        ),
        (
            "Open about our work",
            "We share what we do and what it costs.",
            "eye",
        ),
        (
            "Run with volunteers",
            "People giving their time make it happen.",
            "heart",
        ),
    ],
    process: [
        "Learn about our work",
        "Choose how to help",
        "Give time or money",
        "See the difference it makes",
    ],
    faq: [
        (
            "Where does my donation go?",
            "[Explain how donations are spent.]",
        ),
        (
            "Can I volunteer?",
            "Yes; see the volunteer page and tell us how you'd like to help.",
        ),
        (
            "Are you a registered charity?",
            "[Add your registration number if you have one.]",
        ),
        (
            "Can my company get involved?",
            "Write to us through the contact page and we'll talk about options.",
        ),
    ],
    closing: [
        "Be part of the change",
        "Join us and help",
        "Support our work",
    ],
    closing_body: "Give time, give money or spread the word: every bit helps.",
    stats: ["people supported", "volunteers", "projects"],
};

static PORTFOLIO: Voice = Voice {
    noun: "studio",
    customers: "clients",
    promise: [
        "Work that gets noticed",
        "Ideas made with care",
        "Considered work, carefully made",
    ],
    tagline: [
        "Bold work for brave brands",
        "Creative work with heart",
        "Design with intent",
    ],
    pitch: "{name} creates work that gets noticed, made with care from first idea to final detail.",
    cta: ("Start a project", T::Contact),
    offer_heading: "Selected work",
    offerings: [
        (
            "Brand identity",
            "[Add a project: the brief, what you made and the result.]",
        ),
        (
            "Editorial",
            "[Add a project: the brief, what you made and the result.]",
        ),
        (
            "Campaigns",
            "[Add a project: the brief, what you made and the result.]",
        ),
        (
            "Personal work",
            "[Add a project: the brief, what you made and the result.]",
        ),
    ],
    offering_line: "{offer}: [add a project, what you made and the result].",
    why: [
        (
            "Clear process",
            "You'll know what happens at each stage.",
            "list",
        ),
        (
            "Close collaboration",
            "Ideas shaped with you, not handed over.",
            "users",
        ),
        (
            "Attention to detail",
            "The finish is part of the work.",
            "eye",
        ),
    ],
    process: [
        "Tell me about your project",
        "A proposal and a timeline",
        "Concepts and refinement",
        "Final delivery",
    ],
    faq: [
        (
            "What kinds of projects do you take on?",
            "The work page shows the range; write with your project and we'll say if it's a fit.",
        ),
        (
            "How long does a project take?",
            "It depends on the scope; we agree a timeline before starting.",
        ),
        ("What does it cost?", "[Explain how you price projects.]"),
        (
            "Do you work with clients remotely?",
            "[Say where you work and whether you work remotely.]",
        ),
    ],
    closing: [
        "Let's make something remarkable",
        "Have a project in mind?",
        "Start a project",
    ],
    closing_body: "Tell me about your idea and when you need it.",
    stats: ["projects delivered", "years of practice", "clients"],
};

static REAL_ESTATE: Voice = Voice {
    noun: "agency",
    customers: "buyers and renters",
    promise: [
        "Find the place you'll love",
        "Helping you find home",
        "Property advice you can trust",
    ],
    tagline: [
        "The right move starts here",
        "Friendly help to find your next home",
        "Straightforward property advice",
    ],
    pitch: "{name} helps buyers, renters and owners make the right move with honest advice.",
    cta: ("View properties", T::Listings),
    offer_heading: "How we can help",
    offerings: [
        (
            "Sales",
            "We market your home, host viewings and negotiate offers for you.",
        ),
        ("Lettings", "Find reliable tenants and let with confidence."),
        (
            "Valuations",
            "A realistic price for your property, explained.",
        ),
        (
            "Property management",
            "[Say whether you manage properties for landlords, and what it includes.]",
        ),
    ],
    offering_line: "{offer} with {name}, advised honestly from first viewing to keys.",
    why: [
        (
            "Local knowledge",
            "Advice on areas, prices and what's coming up.",
            "map-pin",
        ),
        (
            "Honest valuations",
            "A realistic price, explained.",
            "bar-chart",
        ),
        (
            "With you to the keys",
            "One contact from first viewing to moving day.",
            "key",
        ),
    ],
    process: [
        "Tell us what you're looking for",
        "Book viewings",
        "Make an offer with our advice",
        "Move in",
    ],
    faq: [
        (
            "How do I book a viewing?",
            "Send the viewing form or contact us with the property you like.",
        ),
        (
            "Can you value my property?",
            "Yes; contact us to arrange a valuation.",
        ),
        (
            "What are your fees?",
            "[Add your fees for sellers and landlords.]",
        ),
        ("Which areas do you cover?", "[List the areas you cover.]"),
    ],
    closing: [
        "Your next move starts here",
        "Let's find your new home",
        "Talk to us about your move",
    ],
    closing_body: "Tell us what you're looking for and we'll be in touch.",
    stats: [
        "properties sold or let",
        "years in the area",
        "client rating",
    ],
};

static PUBLISHER: Voice = Voice {
    noun: "publication",
    customers: "readers",
    promise: [
        "Ideas worth your time",
        "Stories for curious minds",
        "Thoughtful writing, regularly",
    ],
    tagline: [
        "Sharp ideas, every week",
        "Good reads, written with care",
        "Considered writing on what matters",
    ],
    pitch: "{name} publishes thoughtful writing for curious readers.",
    cta: ("Read the latest", T::Blog),
    offer_heading: "Latest articles",
    offerings: [
        ("Essays", "Longer pieces that take an idea further."),
        ("Guides", "Practical how-tos you can use today."),
        ("Interviews", "Conversations with people worth hearing."),
        ("Notes", "Short thoughts between longer pieces."),
    ],
    offering_line: "{offer} from {name}.",
    why: [
        (
            "Worth your time",
            "Every piece is edited to be read, not skimmed.",
            "book-open",
        ),
        (
            "Independent",
            "Written for readers, not for algorithms.",
            "feather",
        ),
        ("Regular", "New writing on a steady rhythm.", "calendar"),
    ],
    process: [
        "Read the latest",
        "Find a topic you like",
        "Subscribe",
        "Share what you enjoyed",
    ],
    faq: [
        (
            "How often do you publish?",
            "[Say how often new pieces appear.]",
        ),
        (
            "Can I write for you?",
            "Send a pitch through the contact page.",
        ),
        (
            "Is it free to read?",
            "[Say what is free and what is for subscribers.]",
        ),
        (
            "How do I get new posts?",
            "Subscribe and we'll send new pieces as they appear.",
        ),
    ],
    closing: [
        "Don't miss the next one",
        "Come read with us",
        "Read the latest",
    ],
    closing_body: "New writing, straight to you.",
    stats: ["readers", "articles published", "subscribers"],
};

static GENERAL: Voice = Voice {
    noun: "business",
    customers: "customers",
    promise: [
        "Built for what's next",
        "We're here to help",
        "Quality you can rely on",
    ],
    tagline: [
        "Ambitious work, delivered",
        "Friendly service, done well",
        "Reliable, clear and professional",
    ],
    pitch: "{name} serves its customers with care and does what it promises.",
    cta: ("Get in touch", T::Contact),
    offer_heading: "What we offer",
    offerings: [
        ("Our services", "[Describe your main service.]"),
        ("Our products", "[Describe your main product.]"),
        ("Advice", "Help choosing what's right for you."),
        ("Support", "A real person when you need help."),
    ],
    offering_line: "{offer} from {name}, done with care.",
    why: [
        (
            "Personal service",
            "You deal with people who know your needs.",
            "user",
        ),
        (
            "Clear communication",
            "You always know what's happening next.",
            "message-circle",
        ),
        (
            "Quality first",
            "We'd rather do it right than do it fast.",
            "check-circle",
        ),
    ],
    process: [
        "Get in touch",
        "Tell us what you need",
        "We agree the details",
        "We deliver",
    ],
    faq: [
        (
            "How do I get started?",
            "Send us a message through the contact page and we'll reply.",
        ),
        (
            "What does it cost?",
            "[Add prices or explain how you quote.]",
        ),
        (
            "Where are you based?",
            "[Add your location or service area.]",
        ),
        (
            "How can I reach you?",
            "Use the contact form; we read every message.",
        ),
    ],
    closing: [
        "Let's get started",
        "We'd love to hear from you",
        "Get in touch",
    ],
    closing_body: "Send us a message and we'll get back to you.",
    stats: [
        "customers served",
        "years in business",
        "projects completed",
    ],
};

static FOOD_SHOP: Voice = Voice {
    noun: "shop",
    customers: "customers",
    promise: [
        "Baked fresh. Gone by noon.",
        "Made by hand, every morning",
        "Good food, made the slow way",
    ],
    tagline: [
        "Fresh from the oven, straight to you",
        "Your neighbourhood's favourite counter",
        "Traditional recipes, made fresh daily",
    ],
    pitch: "{name} makes everything on the counter by hand, fresh every day.",
    cta: ("Visit us", T::Contact),
    offer_heading: "Fresh on the counter",
    offerings: [
        ("Daily bakes", "What comes out of the oven each morning."),
        ("Seasonal specials", "Recipes that follow the season."),
        (
            "Celebration treats",
            "Something special for the occasions that matter.",
        ),
        ("Gifts", "Boxes and bundles to share or give."),
    ],
    offering_line: "{offer}, made by hand on the premises.",
    why: [
        (
            "Made by hand",
            "Everything on the counter is made here, by people who care about it.",
            "heart",
        ),
        (
            "Fresh every day",
            "We make small batches daily, so what you take home is at its best.",
            "sun",
        ),
        (
            "Honest ingredients",
            "Ask what goes into anything we make and we'll tell you.",
            "check-circle",
        ),
    ],
    process: [
        "Choose what you'd like",
        "Tell us when you'll collect",
        "We make it fresh for you",
        "Pick it up at the counter",
    ],
    faq: [
        (
            "What time do you open?",
            "[Add your opening hours, and the time the first batch comes out.]",
        ),
        (
            "Can you tell me about allergens?",
            "Ask at the counter or send a message: we'll tell you what is in each item we make.",
        ),
        (
            "Do you make things for special occasions?",
            "Tell us what the occasion is and we'll tell you what we can make for it.",
        ),
        (
            "Where can I find you?",
            "[Add your street address and how to get there.]",
        ),
    ],
    closing: [
        "Come hungry, leave happy",
        "Drop by and say hello",
        "We look forward to seeing you",
    ],
    closing_body: "The counter is full every morning: come early for the best choice.",
    stats: ["items baked each day", "years baking", "family recipes"],
};

static MANUFACTURER: Voice = Voice {
    noun: "manufacturer",
    customers: "buyers",
    promise: [
        "Built to spec. Delivered on time.",
        "Parts you can count on, from people you can call",
        "Precision manufacturing for demanding industries",
    ],
    tagline: [
        "Manufacturing that keeps your line moving",
        "A supplier that picks up the phone",
        "Reliable production, consistent quality",
    ],
    pitch: "{name} manufactures to your specification, with consistent quality from the first batch to the last.",
    cta: ("Request a quote", T::Quote),
    offer_heading: "What we manufacture",
    offerings: [
        ("Custom parts", "Made to your drawings and tolerances."),
        (
            "Small batches",
            "Prototypes and short runs without long lead times.",
        ),
        (
            "Volume production",
            "Repeat orders made to the same standard every time.",
        ),
        (
            "Finishing",
            "Treatments and finishes applied before dispatch.",
        ),
    ],
    offering_line: "{offer}, made to your specification and checked before dispatch.",
    why: [
        (
            "Made to specification",
            "We work from your drawings and confirm tolerances before production starts.",
            "ruler",
        ),
        (
            "Consistent quality",
            "Every batch is inspected against the same checks before it leaves us.",
            "shield",
        ),
        (
            "Clear lead times",
            "You get a delivery date with the quote, and we tell you early if anything changes.",
            "clock",
        ),
    ],
    process: [
        "Send your drawings or specification",
        "Receive a quote with a lead time",
        "Approve a sample or first article",
        "We produce, inspect and deliver",
    ],
    faq: [
        (
            "What is your minimum order?",
            "[Add your minimum order quantity, or say that you take single prototypes.]",
        ),
        (
            "Which materials do you work with?",
            "[List the materials and grades you work with.]",
        ),
        (
            "Which certifications do you hold?",
            "[List your quality certifications, such as ISO 9001, if you hold them.]",
        ),
        (
            "How long does production take?",
            "Lead times depend on the part and the quantity; every quote states one.",
        ),
    ],
    closing: [
        "Send us your drawings",
        "Let's talk about your next order",
        "Get a quote for your parts",
    ],
    closing_body: "Send a drawing or a specification and we'll reply with a price and a lead time.",
    stats: [
        "parts delivered each year",
        "years in production",
        "industries supplied",
    ],
};

static HOSPITALITY: Voice = Voice {
    noun: "lodge",
    customers: "guests",
    promise: [
        "Your escape starts here",
        "A warm bed and a warmer welcome",
        "Quiet rooms, unhurried days",
    ],
    tagline: [
        "Stay somewhere worth remembering",
        "Your home away from home",
        "A peaceful place to stay",
    ],
    pitch: "{name} is a place to stay, rest and feel looked after.",
    cta: ("Check availability", T::Booking),
    offer_heading: "Stay with us",
    offerings: [
        ("Rooms", "Comfortable rooms for a night or a week."),
        ("Breakfast", "A good start to the day before you head out."),
        (
            "Local tips",
            "Walks, places to eat and things to see, from people who live here.",
        ),
        ("Longer stays", "Ask us about stays of a week or more."),
    ],
    offering_line: "{offer}, ready for your stay.",
    why: [
        (
            "Book direct",
            "Booking with us directly means you talk to the people who will welcome you.",
            "calendar",
        ),
        (
            "A real welcome",
            "We're here when you arrive and happy to help you plan your days.",
            "smile",
        ),
        (
            "Rest properly",
            "Quiet rooms and comfortable beds, so you wake up ready for the day.",
            "moon",
        ),
    ],
    process: [
        "Choose your dates",
        "Pick a room",
        "Send your booking request",
        "We confirm and send directions",
    ],
    faq: [
        (
            "What time is check-in?",
            "[Add your check-in and check-out times.]",
        ),
        (
            "Is breakfast included?",
            "[Say whether breakfast is included and when it is served.]",
        ),
        ("Can we bring our dog?", "[Add your policy on pets.]"),
        (
            "How do we get there?",
            "[Add directions and parking information.]",
        ),
    ],
    closing: [
        "Your room is waiting",
        "Come and stay with us",
        "Plan your stay",
    ],
    closing_body: "Choose your dates and send a request: we'll confirm your stay by email.",
    stats: ["rooms", "years welcoming guests", "guest rating"],
};

static FITNESS: Voice = Voice {
    noun: "studio",
    customers: "members",
    promise: [
        "Stronger every session",
        "Move well, feel better",
        "Training that fits your life",
    ],
    tagline: [
        "Classes that push you further",
        "A friendly studio for every level",
        "Thoughtful training for body and mind",
    ],
    pitch: "{name} runs classes for every level, led by instructors who know your name.",
    cta: ("See memberships", T::Memberships),
    offer_heading: "Classes for every level",
    offerings: [
        ("Beginner classes", "A calm place to learn the basics."),
        ("Open classes", "Mixed-level sessions through the week."),
        ("Workshops", "Longer sessions to go deeper into one skill."),
        ("Private sessions", "One-to-one time with an instructor."),
    ],
    offering_line: "{offer}, led by an experienced instructor.",
    why: [
        (
            "Every level welcome",
            "Instructors offer options in every class, so beginners and regulars train together.",
            "users",
        ),
        (
            "Small classes",
            "Small groups mean your instructor sees you and helps you improve.",
            "eye",
        ),
        (
            "Flexible memberships",
            "Choose how often you come and change your plan as your routine changes.",
            "repeat",
        ),
    ],
    process: [
        "Choose a membership or pass",
        "Book your first class",
        "Meet your instructor",
        "Keep coming back",
    ],
    faq: [
        (
            "I'm a complete beginner. Can I join?",
            "Yes: start with a beginner class and tell your instructor it's your first time.",
        ),
        (
            "What should I bring?",
            "Comfortable clothes and water; [say what equipment the studio provides].",
        ),
        (
            "Can I pause my membership?",
            "[Add your policy on pausing or cancelling memberships.]",
        ),
        (
            "When are classes?",
            "[Add your weekly timetable or link to it.]",
        ),
    ],
    closing: [
        "Your first class is waiting",
        "Come and train with us",
        "Start your practice",
    ],
    closing_body: "Pick the membership that suits your week and book your first class.",
    stats: ["classes each week", "instructors", "members"],
};
