//! The generated site structure stored in `structure_json`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Block, PageType};

/// Layouts the seed's renderer knows.
pub const LAYOUTS: &[&str] = &[
    "default",
    "minimal",
    "magazine",
    "ecommerce",
    "portfolio",
    "blog",
    "corporate",
];

/// A whole site: global settings and its pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteStructure {
    /// Site-wide settings.
    pub site: SiteInfo,
    /// The pages, in sitemap order.
    pub pages: Vec<PageSpec>,
    /// Keys the library does not interpret, kept.
    #[serde(flatten, default)]
    pub extra: Map<String, Value>,
}

/// Site-wide settings of a structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteInfo {
    /// Site name.
    pub name: String,
    /// Short tagline.
    #[serde(default)]
    pub tagline: String,
    /// Voice of the copy.
    #[serde(default)]
    pub tone: String,
    /// One of [`LAYOUTS`].
    #[serde(default = "default_layout")]
    pub layout: String,
    /// Slugs in the main menu.
    #[serde(default)]
    pub primary_navigation: Vec<String>,
    /// Slugs in the footer menu.
    #[serde(default)]
    pub secondary_navigation: Vec<String>,
    /// The headline message of the home hero.
    #[serde(default)]
    pub hero_message: String,
}

fn default_layout() -> String {
    "default".to_string()
}

/// One page of a structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageSpec {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// What the page is for.
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// What the page must achieve.
    #[serde(default)]
    pub objective: String,
    /// The main call to action.
    #[serde(default)]
    pub primary_cta: String,
    /// Search metadata.
    #[serde(default)]
    pub seo: Seo,
    /// Blocks in order.
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// Search metadata of a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Seo {
    /// `<title>`.
    #[serde(default)]
    pub meta_title: String,
    /// `<meta name="description">`.
    #[serde(default)]
    pub meta_description: String,
}

impl SiteStructure {
    /// The JSON stored in `structure_json`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads a stored structure; `{}` (never generated) is `None`.
    pub fn from_stored(value: &Value) -> crate::Result<Option<Self>> {
        match value {
            Value::Null => Ok(None),
            Value::Object(m) if m.is_empty() => Ok(None),
            v => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(crate::Error::json("stored structure_json")),
        }
    }
}
