//! The four option catalogues behind the wizard's dropdowns.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which catalogue an option belongs to; each is its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// `…business_types`
    BusinessType,
    /// `…audience_profiles`
    AudienceProfile,
    /// `…brand_personalities`
    BrandPersonality,
    /// `…hero_imagery`
    HeroImagery,
}

impl OptionKind {
    /// Every kind, in the metadata endpoint's order.
    pub const ALL: [OptionKind; 4] = [
        OptionKind::BusinessType,
        OptionKind::AudienceProfile,
        OptionKind::BrandPersonality,
        OptionKind::HeroImagery,
    ];

    /// Table name without the prefix.
    pub fn table_suffix(self) -> &'static str {
        match self {
            OptionKind::BusinessType => "site_builder_business_types",
            OptionKind::AudienceProfile => "site_builder_audience_profiles",
            OptionKind::BrandPersonality => "site_builder_brand_personalities",
            OptionKind::HeroImagery => "site_builder_hero_imagery",
        }
    }

    /// Key in the seed's metadata endpoint (`business_types`, …).
    pub fn metadata_key(self) -> &'static str {
        match self {
            OptionKind::BusinessType => "business_types",
            OptionKind::AudienceProfile => "audience_profiles",
            OptionKind::BrandPersonality => "brand_personalities",
            OptionKind::HeroImagery => "hero_imagery",
        }
    }
}

impl std::str::FromStr for OptionKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        OptionKind::ALL
            .into_iter()
            .find(|k| k.metadata_key() == s || k.metadata_key().trim_end_matches('s') == s)
            .or(match s {
                "business_type" => Some(OptionKind::BusinessType),
                "brand_personality" => Some(OptionKind::BrandPersonality),
                "hero_imagery_direction" => Some(OptionKind::HeroImagery),
                _ => None,
            })
            .ok_or_else(|| {
                crate::Error::invalid(format!(
                    "unknown option kind {s:?}; expected business_types, audience_profiles, brand_personalities or hero_imagery"
                ))
            })
    }
}

/// One option of a catalogue (`SiteBuilderOption` in the seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteBuilderOption {
    /// Primary key.
    pub id: i64,
    /// Which catalogue.
    pub kind: OptionKind,
    /// Unique name (≤ 120 characters).
    pub name: String,
    /// One sentence a person picks from.
    pub description: String,
    /// Inactive options are hidden from the dropdowns but kept for old blueprints.
    pub is_active: bool,
    /// Position in the dropdown.
    pub order: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Fields for a new option (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct NewOption {
    /// Unique name (≤ 120 characters).
    pub name: String,
    /// Description.
    pub description: String,
    /// Position.
    pub order: i32,
}

/// A partial option update (admin).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct OptionPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
    /// New position.
    pub order: Option<i32>,
}
