//! Status, hosting and page-type enums with the seed's exact string values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A string did not name a known enum value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}; expected one of: {expected}")]
pub struct ParseEnumError {
    /// Which enum was parsed.
    pub kind: &'static str,
    /// The rejected value.
    pub value: String,
    /// The accepted values, comma-separated.
    pub expected: String,
}

impl From<ParseEnumError> for crate::Error {
    fn from(e: ParseEnumError) -> Self {
        crate::Error::invalid(e)
    }
}

/// Defines a string enum whose serde, `Display` and `FromStr` forms are the seed's values.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident => $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $value)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok($name::$variant),)+
                    _ => Err(ParseEnumError {
                        kind: $kind,
                        value: s.to_string(),
                        expected: [$($value),+].join(", "),
                    }),
                }
            }
        }
    };
}

string_enum!(
    /// Lifecycle of a site blueprint.
    BlueprintStatus, "blueprint status", {
        /// Created, no structure yet.
        #[default]
        Draft => "draft",
        /// A structure generation is running.
        Generating => "generating",
        /// A structure is saved.
        Ready => "ready",
        /// Deployed to hosting.
        Deployed => "deployed",
        /// The last generation failed; the previous structure is intact.
        Failed => "failed",
    }
);

string_enum!(
    /// Where the site is hosted.
    HostingType, "hosting type", {
        /// The platform's own hosting.
        #[default]
        Igny8Sites => "igny8_sites",
        /// WordPress.
        Wordpress => "wordpress",
        /// Shopify.
        Shopify => "shopify",
        /// Several targets.
        Multi => "multi",
    }
);

string_enum!(
    /// Lifecycle of a page blueprint.
    PageStatus, "page status", {
        /// Created, no content yet.
        #[default]
        Draft => "draft",
        /// Content generation is running.
        Generating => "generating",
        /// Content is saved.
        Ready => "ready",
        /// Published.
        Published => "published",
        /// The last content generation failed.
        Failed => "failed",
    }
);

string_enum!(
    /// What a page is for; drives its default block recipe.
    PageType, "page type", {
        /// The landing page (exactly one per site).
        Home => "home",
        /// About the business.
        About => "about",
        /// Services offered.
        Services => "services",
        /// Products sold.
        Products => "products",
        /// Articles.
        Blog => "blog",
        /// Contact details and form.
        Contact => "contact",
        /// Anything else.
        #[default]
        Custom => "custom",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_strings_and_serde() {
        for s in BlueprintStatus::ALL {
            assert_eq!(s.as_str().parse::<BlueprintStatus>(), Ok(*s));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(HostingType::Igny8Sites.as_str(), "igny8_sites");
        assert_eq!(PageType::ALL.len(), 7);
        let err = "archived".parse::<PageStatus>().unwrap_err();
        assert!(
            err.to_string()
                .contains("draft, generating, ready, published, failed")
        );
    }
}
