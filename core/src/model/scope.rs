//! The tenant scope every storage call takes.

use serde::{Deserialize, Serialize};

/// Which account (and optionally which site and sector) a call acts for.
///
/// Reads, updates and deletes only see rows of `account_id`; when `site_id` or `sector_id` are set
/// they narrow further. Creates write them into the seed's `site_id` / `sector_id` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scope {
    /// The owning account (stored in the seed's `tenant_id` column).
    pub account_id: i64,
    /// The host's site id, when the host has sites.
    pub site_id: Option<i64>,
    /// The host's sector id, when the host has sectors.
    pub sector_id: Option<i64>,
}

impl Scope {
    /// A scope for a whole account.
    pub fn account(account_id: i64) -> Self {
        Scope {
            account_id,
            site_id: None,
            sector_id: None,
        }
    }

    /// Narrows to a site.
    pub fn with_site(mut self, site_id: i64) -> Self {
        self.site_id = Some(site_id);
        self
    }

    /// Narrows to a sector.
    pub fn with_sector(mut self, sector_id: i64) -> Self {
        self.sector_id = Some(sector_id);
        self
    }
}
