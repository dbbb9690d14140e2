//! Ledger record types, following the seed's `CreditTransaction` and `CreditUsageLog`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Kind of a ledger transaction (the seed's values plus `hold`/`release` for reservations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// Credits bought.
    Purchase,
    /// Credits from a subscription renewal.
    Subscription,
    /// Credits given back.
    Refund,
    /// Credits spent on an operation.
    Deduction,
    /// Manual correction.
    Adjustment,
    /// Credits reserved for a running task.
    Hold,
    /// A reservation given back (task failed, or converted into a deduction).
    Release,
}

impl TransactionType {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionType::Purchase => "purchase",
            TransactionType::Subscription => "subscription",
            TransactionType::Refund => "refund",
            TransactionType::Deduction => "deduction",
            TransactionType::Adjustment => "adjustment",
            TransactionType::Hold => "hold",
            TransactionType::Release => "release",
        }
    }

    /// Kinds a host may use with `grant` (money in, or a correction).
    pub fn is_grant(self) -> bool {
        matches!(
            self,
            TransactionType::Purchase
                | TransactionType::Subscription
                | TransactionType::Refund
                | TransactionType::Adjustment
        )
    }
}

impl std::str::FromStr for TransactionType {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Ok(match s {
            "purchase" => TransactionType::Purchase,
            "subscription" => TransactionType::Subscription,
            "refund" => TransactionType::Refund,
            "deduction" => TransactionType::Deduction,
            "adjustment" => TransactionType::Adjustment,
            "hold" => TransactionType::Hold,
            "release" => TransactionType::Release,
            other => {
                return Err(crate::Error::invalid(format!(
                    "unknown transaction type {other:?}; expected purchase, subscription, refund, deduction, adjustment, hold or release"
                )));
            }
        })
    }
}

impl std::fmt::Display for TransactionType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One append-only ledger row. The sum of `amount` over an account's rows is its balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreditTransaction {
    /// Primary key.
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// Kind.
    pub transaction_type: TransactionType,
    /// Signed change of the balance.
    pub amount: i64,
    /// Balance right after this row.
    pub balance_after: i64,
    /// Human description.
    pub description: String,
    /// Extra data.
    pub metadata: Value,
    /// Idempotency key (the task id for holds, releases and deductions).
    pub reference: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What an AI run used, written to the usage log when its credits are captured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsageRecord {
    /// Credit operation (`site_structure_generation`, …).
    pub operation_type: String,
    /// Credits charged.
    pub credits_used: i64,
    /// Estimated provider cost in USD.
    pub cost_usd: f64,
    /// Model that answered.
    pub model_used: String,
    /// Prompt tokens over all attempts.
    pub tokens_input: i64,
    /// Completion tokens over all attempts.
    pub tokens_output: i64,
    /// Kind of the object produced (`site_blueprint`, `page_blueprint`).
    pub related_object_type: Option<String>,
    /// Its id.
    pub related_object_id: Option<i64>,
    /// Extra data (task id, provider…).
    pub metadata: Value,
}

/// A stored usage log row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsageLogEntry {
    /// Primary key.
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// What was used.
    #[serde(flatten)]
    pub usage: UsageRecord,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Converts a hold into a deduction inside the transaction that saves an output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Capture {
    /// The hold's reference (task id).
    pub reference: String,
    /// Usage to log with the deduction.
    pub usage: UsageRecord,
    /// Description of the deduction.
    pub description: String,
}

/// Result of asking for a hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum HoldOutcome {
    /// Credits are now reserved (or already were, for this reference).
    Held {
        /// Amount reserved.
        amount: i64,
        /// Balance after the reservation.
        balance_after: i64,
    },
    /// This reference was already charged: the task ran before and must not be charged again.
    AlreadyCaptured,
}
