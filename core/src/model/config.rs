//! Typed view of a blueprint's `config_json`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The wizard's answers stored in `config_json`: the brief, objectives, style and chosen options.
///
/// Keys this struct does not know are kept in `extra` and written back unchanged, so a host's own
/// keys survive a round trip through the library.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SiteConfig {
    /// The business brief in the owner's words.
    pub business_brief: String,
    /// What the site should achieve ("book appointments", "sell online", …).
    pub objectives: Vec<String>,
    /// Free-form style preferences (palette, typography, layout hint, …).
    pub style: Map<String, Value>,
    /// Chosen business type option id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_type_id: Option<i64>,
    /// Chosen audience profile option ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub audience_profile_ids: Vec<i64>,
    /// Chosen brand personality option ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub brand_personality_ids: Vec<i64>,
    /// Chosen hero imagery direction option id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_imagery_direction_id: Option<i64>,
    /// Slugs of pages the user locked: regeneration keeps their content.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locked_pages: Vec<String>,
    /// Every other key, preserved as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SiteConfig {
    /// Reads a config from stored JSON; a non-object or null value is an empty config.
    pub fn from_value(value: Value) -> crate::Result<Self> {
        match value {
            Value::Null => Ok(Self::default()),
            v @ Value::Object(_) => {
                serde_json::from_value(v).map_err(crate::Error::json("site blueprint config_json"))
            }
            other => Err(crate::Error::invalid(format!(
                "config_json must be a JSON object, got {other}"
            ))),
        }
    }

    /// The JSON stored in `config_json`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_survive_a_round_trip() {
        let stored = json!({
            "business_brief": "Family bakery in Porto",
            "objectives": ["sell cakes online"],
            "business_type_id": 3,
            "wizard_step": 4,
            "host": {"anything": [1, 2]}
        });
        let config = SiteConfig::from_value(stored.clone()).unwrap();
        assert_eq!(config.business_type_id, Some(3));
        assert_eq!(config.extra["wizard_step"], json!(4));
        let back = config.to_value();
        for key in [
            "business_brief",
            "objectives",
            "business_type_id",
            "wizard_step",
            "host",
        ] {
            assert_eq!(back[key], stored[key], "{key}");
        }
    }

    #[test]
    fn non_object_is_rejected() {
        assert!(SiteConfig::from_value(json!([1])).is_err());
        assert_eq!(
            SiteConfig::from_value(Value::Null).unwrap(),
            SiteConfig::default()
        );
    }
}
