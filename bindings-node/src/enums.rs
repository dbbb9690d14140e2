//! String enums with the seed's exact values, typed as string unions in `index.d.ts`.
//!
//! JavaScript passes and receives plain strings (`"draft"`, `"igny8_sites"`); an unknown string is
//! rejected by napi before it reaches the core, and surfaces as `invalid_input`.

use napi_derive::napi;
use sitebuilder::model;

/// Conversions both ways between a binding enum and the core enum with the same variants.
///
/// The enums themselves are written out (not generated) so that napi sees their doc comments.
macro_rules! convert {
    ($name:ident <=> $core:path { $($variant:ident),+ $(,)? }) => {
        impl From<$name> for $core {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => <$core>::$variant),+ }
            }
        }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                match v { $(<$core>::$variant => $name::$variant),+ }
            }
        }
    };
}

/// Lifecycle of a site blueprint.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlueprintStatus {
    /// Created, no structure yet.
    #[napi(value = "draft")]
    Draft,
    /// A structure generation is running.
    #[napi(value = "generating")]
    Generating,
    /// A structure is saved.
    #[napi(value = "ready")]
    Ready,
    /// Deployed to hosting.
    #[napi(value = "deployed")]
    Deployed,
    /// The last generation failed; the previous structure is intact.
    #[napi(value = "failed")]
    Failed,
}

convert!(BlueprintStatus <=> model::BlueprintStatus { Draft, Generating, Ready, Deployed, Failed });

/// Where the site is hosted.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostingType {
    /// The platform's own hosting.
    #[napi(value = "igny8_sites")]
    Igny8Sites,
    /// WordPress.
    #[napi(value = "wordpress")]
    Wordpress,
    /// Shopify.
    #[napi(value = "shopify")]
    Shopify,
    /// Several targets.
    #[napi(value = "multi")]
    Multi,
}

convert!(HostingType <=> model::HostingType { Igny8Sites, Wordpress, Shopify, Multi });

/// Lifecycle of a page blueprint.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStatus {
    /// Created, no content yet.
    #[napi(value = "draft")]
    Draft,
    /// Content generation is running.
    #[napi(value = "generating")]
    Generating,
    /// Content is saved.
    #[napi(value = "ready")]
    Ready,
    /// Published.
    #[napi(value = "published")]
    Published,
    /// The last content generation failed.
    #[napi(value = "failed")]
    Failed,
}

convert!(PageStatus <=> model::PageStatus { Draft, Generating, Ready, Published, Failed });

/// What a page is for; drives its default block recipe.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageType {
    /// The landing page (exactly one per site).
    #[napi(value = "home")]
    Home,
    /// About the business.
    #[napi(value = "about")]
    About,
    /// Services offered.
    #[napi(value = "services")]
    Services,
    /// Products sold.
    #[napi(value = "products")]
    Products,
    /// Articles.
    #[napi(value = "blog")]
    Blog,
    /// Contact details and form.
    #[napi(value = "contact")]
    Contact,
    /// Anything else.
    #[napi(value = "custom")]
    Custom,
}

convert!(PageType <=> model::PageType { Home, About, Services, Products, Blog, Contact, Custom });

/// Which wizard catalogue an option belongs to.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// Business types.
    #[napi(value = "business_type")]
    BusinessType,
    /// Audience profiles.
    #[napi(value = "audience_profile")]
    AudienceProfile,
    /// Brand personalities.
    #[napi(value = "brand_personality")]
    BrandPersonality,
    /// Hero imagery directions.
    #[napi(value = "hero_imagery")]
    HeroImagery,
}

convert!(OptionKind <=> model::OptionKind { BusinessType, AudienceProfile, BrandPersonality, HeroImagery });

/// State of an AI run.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// Accepted, not started.
    #[napi(value = "queued")]
    Queued,
    /// Running.
    #[napi(value = "running")]
    Running,
    /// Finished with a saved result.
    #[napi(value = "succeeded")]
    Succeeded,
    /// Finished with an error (see `errorCode`).
    #[napi(value = "failed")]
    Failed,
    /// Stopped by the host.
    #[napi(value = "cancelled")]
    Cancelled,
}

convert!(TaskStatus <=> sitebuilder::tasks::TaskStatus { Queued, Running, Succeeded, Failed, Cancelled });

/// Phase of an AI run, each owning a slice of 0–100 %: INIT 0–10, PREP 10–20, AI_CALL 20–80,
/// PARSE 80–90, SAVE 90–100, DONE 100.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Validate input, hold credits.
    #[napi(value = "INIT")]
    Init,
    /// Load context, render the prompt.
    #[napi(value = "PREP")]
    Prep,
    /// Waiting for the model.
    #[napi(value = "AI_CALL")]
    AiCall,
    /// Parse and validate the answer.
    #[napi(value = "PARSE")]
    Parse,
    /// Save the output and capture credits.
    #[napi(value = "SAVE")]
    Save,
    /// Finished.
    #[napi(value = "DONE")]
    Done,
}

convert!(Phase <=> sitebuilder::tasks::Phase { Init, Prep, AiCall, Parse, Save, Done });

/// Kind of a credit ledger transaction.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionType {
    /// Credits bought.
    #[napi(value = "purchase")]
    Purchase,
    /// Credits from a subscription renewal.
    #[napi(value = "subscription")]
    Subscription,
    /// Credits given back.
    #[napi(value = "refund")]
    Refund,
    /// Credits spent on an operation.
    #[napi(value = "deduction")]
    Deduction,
    /// Manual correction.
    #[napi(value = "adjustment")]
    Adjustment,
    /// Credits reserved for a running task.
    #[napi(value = "hold")]
    Hold,
    /// A reservation given back.
    #[napi(value = "release")]
    Release,
}

convert!(TransactionType <=> sitebuilder::credits::TransactionType { Purchase, Subscription, Refund, Deduction, Adjustment, Hold, Release });

/// How an operation's credit cost scales.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditUnit {
    /// A flat cost per call.
    #[napi(value = "per_request")]
    PerRequest,
    /// Per started 100 words of output.
    #[napi(value = "per_100_words")]
    Per100Words,
    /// Per started 200 words of output.
    #[napi(value = "per_200_words")]
    Per200Words,
    /// Per item produced (pages, ideas, …).
    #[napi(value = "per_item")]
    PerItem,
    /// Per image produced.
    #[napi(value = "per_image")]
    PerImage,
}

convert!(CreditUnit <=> sitebuilder::credits::CreditUnit { PerRequest, Per100Words, Per200Words, PerItem, PerImage });
