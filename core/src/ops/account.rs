//! What an account holds: credits and their ledger, its own prompts, its site assets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::credits::{CreditTransaction, UsageLogEntry};
use crate::model::{Scope, SiteAsset};
use crate::{Result, SiteBuilder};

/// Credits an account holds now (0 for an account never granted anything).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Balance {
    /// Whose.
    pub account_id: i64,
}

impl Operation for Balance {
    type Response = i64;
    const SPEC: Spec = Spec {
        name: "balance",
        read_only: true,
        admin: false,
        args: &["account_id"],
        http: http("GET", "credits/balance/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<i64> {
        sb.balance(self.account_id).await
    }
}

/// Adds purchased credits to an account and returns the ledger row.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GrantCredits {
    /// Whose.
    pub account_id: i64,
    /// Credits to add (positive).
    pub amount: i64,
    /// Ledger description (default `grant`).
    #[serde(default = "default_description")]
    pub description: String,
}

fn default_description() -> String {
    "grant".to_string()
}

impl Operation for GrantCredits {
    type Response = CreditTransaction;
    const SPEC: Spec = Spec {
        name: "grant_credits",
        read_only: false,
        admin: true,
        args: &["account_id", "amount", "description"],
        http: http("POST", "credits/grant/", 201),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<CreditTransaction> {
        sb.grant_credits(self.account_id, self.amount, &self.description)
            .await
    }
}

/// An account's credit ledger (grants, holds, deductions, releases), oldest first.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListTransactions {
    /// Whose.
    pub account_id: i64,
}

impl Operation for ListTransactions {
    type Response = Vec<CreditTransaction>;
    const SPEC: Spec = Spec {
        name: "list_transactions",
        read_only: true,
        admin: false,
        args: &["account_id"],
        http: http("GET", "credits/transactions/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<CreditTransaction>> {
        sb.list_transactions(self.account_id).await
    }
}

/// An account's usage rows (one per paid run: model, tokens, cost), oldest first.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListUsage {
    /// Whose.
    pub account_id: i64,
}

impl Operation for ListUsage {
    type Response = Vec<UsageLogEntry>;
    const SPEC: Spec = Spec {
        name: "list_usage",
        read_only: true,
        admin: false,
        args: &["account_id"],
        http: http("GET", "credits/usage/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<UsageLogEntry>> {
        sb.list_usage(self.account_id).await
    }
}

/// Stores an account's own template for a prompt type, or with `template` null deactivates it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SetPromptOverride {
    /// Whose.
    pub account_id: i64,
    /// Which prompt (`site_structure_generation`, `site_page_generation`, …).
    pub prompt_type: String,
    /// The template; `null` goes back to the default.
    pub template: Option<String>,
}

impl Operation for SetPromptOverride {
    type Response = ();
    const SPEC: Spec = Spec {
        name: "set_prompt_override",
        read_only: false,
        admin: false,
        args: &["account_id", "prompt_type", "template"],
        http: http("PUT", "prompts/{prompt_type}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<()> {
        sb.set_prompt_override(self.account_id, &self.prompt_type, self.template.as_deref())
            .await
    }
}

/// How much of its asset quota an account uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub struct AssetUsage {
    /// Bytes the account's files take.
    pub used_bytes: u64,
    /// Bytes the account may store.
    pub quota_bytes: u64,
}

/// Bytes an account's site assets take, and its quota.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct GetAssetUsage {
    /// Whose.
    pub account_id: i64,
}

impl Operation for GetAssetUsage {
    type Response = AssetUsage;
    const SPEC: Spec = Spec {
        name: "asset_usage",
        read_only: true,
        admin: false,
        args: &["account_id"],
        http: http("GET", "assets/usage/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<AssetUsage> {
        let (used_bytes, quota_bytes) = sb.assets().usage(self.account_id).await?;
        Ok(AssetUsage {
            used_bytes,
            quota_bytes,
        })
    }
}

/// A blueprint's uploaded files (metadata only), oldest first.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListAssets {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which blueprint.
    pub blueprint_id: i64,
}

impl Operation for ListAssets {
    type Response = Vec<SiteAsset>;
    const SPEC: Spec = Spec {
        name: "list_assets",
        read_only: true,
        admin: false,
        args: &["scope", "blueprint_id"],
        http: http("GET", "blueprints/{blueprint_id}/assets/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<SiteAsset>> {
        sb.assets().list(&self.scope, self.blueprint_id).await
    }
}

/// Deletes an asset and gives its bytes back to the quota.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DeleteAsset {
    /// Whose.
    #[serde(flatten)]
    pub scope: Scope,
    /// Which asset.
    pub asset_id: i64,
}

impl Operation for DeleteAsset {
    type Response = ();
    const SPEC: Spec = Spec {
        name: "delete_asset",
        read_only: false,
        admin: false,
        args: &["scope", "asset_id"],
        http: http("DELETE", "assets/{asset_id}/", 204),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<()> {
        sb.assets().delete(&self.scope, self.asset_id).await
    }
}
