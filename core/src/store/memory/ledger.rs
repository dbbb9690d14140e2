//! The credit ledger of the in-memory store: balances, append-only transactions, holds, usage.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::now;
use crate::credits::{
    Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry, UsageRecord,
};
use crate::{Error, Result};

/// State of a reservation, one per (account, reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HoldState {
    Held,
    Captured,
    Released,
}

#[derive(Debug, Clone, Copy)]
struct Hold {
    amount: i64,
    state: HoldState,
}

/// What a capture will do, decided before anything is written.
#[derive(Debug, Clone, Copy)]
pub(super) enum CaptureStep {
    /// Convert a live hold of this amount.
    Convert(i64),
    /// Already captured: nothing to do (a retried save).
    AlreadyCaptured,
}

impl CaptureStep {
    /// Credits this step charges.
    pub(super) fn amount(&self) -> i64 {
        match self {
            CaptureStep::Convert(a) => *a,
            CaptureStep::AlreadyCaptured => 0,
        }
    }
}

/// Balances, transactions, holds and usage rows of every account.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    balances: HashMap<i64, i64>,
    transactions: Vec<CreditTransaction>,
    holds: HashMap<(i64, String), Hold>,
    usage: Vec<UsageLogEntry>,
}

impl Ledger {
    pub(super) fn balance(&self, account_id: i64) -> i64 {
        self.balances.get(&account_id).copied().unwrap_or(0)
    }

    /// Appends a ledger row and moves the balance by `amount`; callers checked it stays ≥ 0.
    fn append(
        &mut self,
        account_id: i64,
        kind: TransactionType,
        amount: i64,
        description: &str,
        reference: Option<&str>,
    ) -> CreditTransaction {
        let balance = self.balances.entry(account_id).or_insert(0);
        *balance += amount;
        let row = CreditTransaction {
            id: i64::try_from(self.transactions.len()).unwrap_or(i64::MAX) + 1,
            account_id,
            transaction_type: kind,
            amount,
            balance_after: *balance,
            description: description.to_string(),
            metadata: json!({}),
            reference: reference.map(str::to_string),
            created_at: now(),
        };
        self.transactions.push(row.clone());
        row
    }

    pub(super) fn grant(
        &mut self,
        account_id: i64,
        amount: i64,
        kind: TransactionType,
        description: &str,
        reference: Option<&str>,
    ) -> Result<CreditTransaction> {
        if amount <= 0 {
            return Err(Error::invalid(format!(
                "grant amount must be positive, got {amount}"
            )));
        }
        if !kind.is_grant() {
            return Err(Error::invalid(format!(
                "transaction type {kind} cannot be granted; use purchase, subscription, refund or adjustment"
            )));
        }
        if let Some(reference) = reference {
            let earlier = self.transactions.iter().find(|t| {
                t.account_id == account_id
                    && t.transaction_type == kind
                    && t.reference.as_deref() == Some(reference)
            });
            if let Some(earlier) = earlier {
                return Ok(earlier.clone());
            }
        }
        self.balance(account_id)
            .checked_add(amount)
            .ok_or_else(|| Error::invalid(format!("grant of {amount} overflows the balance")))?;
        Ok(self.append(account_id, kind, amount, description, reference))
    }

    pub(super) fn hold(
        &mut self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        if amount < 0 {
            return Err(Error::invalid(format!(
                "hold amount must not be negative, got {amount}"
            )));
        }
        if reference.is_empty() {
            return Err(Error::invalid("a hold needs a reference (the task id)"));
        }
        let key = (account_id, reference.to_string());
        match self.holds.get(&key) {
            Some(h) if h.state == HoldState::Held => {
                return Ok(HoldOutcome::Held {
                    amount: h.amount,
                    balance_after: self.balance(account_id),
                });
            }
            Some(h) if h.state == HoldState::Captured => return Ok(HoldOutcome::AlreadyCaptured),
            _ => {}
        }
        let available = self.balance(account_id);
        if available < amount {
            return Err(Error::InsufficientCredits {
                required: amount,
                available,
            });
        }
        let row = self.append(
            account_id,
            TransactionType::Hold,
            -amount,
            description,
            Some(reference),
        );
        self.holds.insert(
            key,
            Hold {
                amount,
                state: HoldState::Held,
            },
        );
        Ok(HoldOutcome::Held {
            amount,
            balance_after: row.balance_after,
        })
    }

    pub(super) fn release(&mut self, account_id: i64, reference: &str) -> bool {
        let key = (account_id, reference.to_string());
        let amount = match self.holds.get_mut(&key) {
            Some(h) if h.state == HoldState::Held => {
                h.state = HoldState::Released;
                h.amount
            }
            _ => return false,
        };
        self.append(
            account_id,
            TransactionType::Release,
            amount,
            "hold released",
            Some(reference),
        );
        true
    }

    /// Decides what capturing `reference` does, without writing.
    pub(super) fn check_capture(&self, account_id: i64, reference: &str) -> Result<CaptureStep> {
        match self.holds.get(&(account_id, reference.to_string())) {
            Some(h) if h.state == HoldState::Held => Ok(CaptureStep::Convert(h.amount)),
            Some(h) if h.state == HoldState::Captured => Ok(CaptureStep::AlreadyCaptured),
            _ => Err(Error::conflict(format!(
                "no live hold for reference {reference:?}; hold credits before capturing them"
            ))),
        }
    }

    /// Converts the hold into a deduction with its usage row (after `check_capture`).
    pub(super) fn apply_capture(&mut self, account_id: i64, capture: &Capture, step: CaptureStep) {
        let CaptureStep::Convert(amount) = step else {
            return;
        };
        let reference = capture.reference.as_str();
        self.append(
            account_id,
            TransactionType::Release,
            amount,
            "hold converted into a deduction",
            Some(reference),
        );
        self.append(
            account_id,
            TransactionType::Deduction,
            -amount,
            &capture.description,
            Some(reference),
        );
        if let Some(h) = self.holds.get_mut(&(account_id, reference.to_string())) {
            h.state = HoldState::Captured;
        }
        self.usage.push(UsageLogEntry {
            id: i64::try_from(self.usage.len()).unwrap_or(i64::MAX) + 1,
            account_id,
            usage: UsageRecord {
                // What was charged is the hold, whatever the caller computed.
                credits_used: amount,
                // Stored metadata is always an object, as the SQL store keeps it.
                metadata: match &capture.usage.metadata {
                    Value::Null => json!({}),
                    m => m.clone(),
                },
                ..capture.usage.clone()
            },
            created_at: now(),
        });
    }

    pub(super) fn transactions(&self, account_id: i64) -> Vec<CreditTransaction> {
        self.transactions
            .iter()
            .filter(|t| t.account_id == account_id)
            .cloned()
            .collect()
    }

    pub(super) fn usage(&self, account_id: i64) -> Vec<UsageLogEntry> {
        self.usage
            .iter()
            .filter(|u| u.account_id == account_id)
            .cloned()
            .collect()
    }
}
