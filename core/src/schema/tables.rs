//! Table names, derived from one configurable prefix.

use crate::model::OptionKind;

/// The default prefix: the seed's `igny8_`.
pub const DEFAULT_PREFIX: &str = "igny8_";

/// Names of every table the library reads or writes.
///
/// Tables the seed's Django app defines keep the seed's names (`{prefix}site_blueprints`, …) so
/// that they can be adopted. Tables only this library owns carry an extra `sb_` so they can never
/// collide with a host's own billing or logging tables of similar names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    prefix: String,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            prefix: DEFAULT_PREFIX.to_string(),
        }
    }
}

impl Tables {
    /// Tables with `prefix`, which must be empty or `[a-z0-9_]` ending with `_`... or anything
    /// of lowercase letters, digits and underscores (it is spliced into identifiers).
    pub fn new(prefix: &str) -> crate::Result<Self> {
        if prefix.len() > 40
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(crate::Error::invalid(format!(
                "table prefix {prefix:?} must be at most 40 characters of lowercase a-z, 0-9 and '_'"
            )));
        }
        Ok(Tables {
            prefix: prefix.to_string(),
        })
    }

    /// The prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn name(&self, suffix: &str) -> String {
        format!("{}{}", self.prefix, suffix)
    }

    /// `site_blueprints`
    pub fn blueprints(&self) -> String {
        self.name("site_blueprints")
    }
    /// `page_blueprints`
    pub fn pages(&self) -> String {
        self.name("page_blueprints")
    }
    /// One of the four option tables.
    pub fn options(&self, kind: OptionKind) -> String {
        self.name(kind.table_suffix())
    }
    /// Library-owned: migration history.
    pub fn migrations(&self) -> String {
        self.name("sb_migrations")
    }
    /// Library-owned: balance per account.
    pub fn credit_balances(&self) -> String {
        self.name("sb_credit_balances")
    }
    /// Library-owned: append-only ledger.
    pub fn credit_transactions(&self) -> String {
        self.name("sb_credit_transactions")
    }
    /// Library-owned: live and finished holds, one per reference.
    pub fn credit_holds(&self) -> String {
        self.name("sb_credit_holds")
    }
    /// Library-owned: usage log.
    pub fn credit_usage(&self) -> String {
        self.name("sb_credit_usage_logs")
    }
    /// Library-owned: AI task log.
    pub fn task_log(&self) -> String {
        self.name("sb_ai_task_logs")
    }
    /// Library-owned: per-account prompt overrides.
    pub fn prompt_overrides(&self) -> String {
        self.name("sb_prompt_overrides")
    }
    /// Library-owned: idempotency keys of client writes.
    pub fn idempotency_keys(&self) -> String {
        self.name("sb_idempotency_keys")
    }
    /// Library-owned: metadata of site assets (files of a blueprint).
    pub fn site_assets(&self) -> String {
        self.name("sb_site_assets")
    }
    /// One row per recorded change to a blueprint's structure or pages (its history).
    pub fn blueprint_versions(&self) -> String {
        self.name("site_blueprint_versions")
    }
    /// Deployments of rendered sites (named as the design names it, next to the seed's tables).
    pub fn site_deployments(&self) -> String {
        self.name("site_deployments")
    }
    /// Library-owned: bytes of assets stored per account, checked against the quota.
    pub fn asset_usage(&self) -> String {
        self.name("sb_asset_usage")
    }
}
