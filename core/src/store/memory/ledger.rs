//! The credit ledger of the in-memory store: balances, append-only transactions, holds, usage.

use std::collections::HashMap;

use serde_json::json;

use super::MemoryStore;
use super::now;
use crate::Result;
use crate::credits::rules::{self, CaptureStep, HoldRecord, HoldState, HoldStep};
use crate::credits::{Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry};
use crate::store::traits::CreditLedger;
use async_trait::async_trait;

/// Balances, transactions, holds and usage rows of every account.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    balances: HashMap<i64, i64>,
    transactions: Vec<CreditTransaction>,
    holds: HashMap<(i64, String), HoldRecord>,
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
        rules::check_grant(amount, kind)?;
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
        rules::granted_balance(self.balance(account_id), amount)?;
        Ok(self.append(account_id, kind, amount, description, reference))
    }

    pub(super) fn hold(
        &mut self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        rules::check_hold(amount, reference)?;
        let key = (account_id, reference.to_string());
        match rules::hold_step(self.holds.get(&key).copied()) {
            HoldStep::Existing { amount } => {
                return Ok(HoldOutcome::Held {
                    amount,
                    balance_after: self.balance(account_id),
                });
            }
            HoldStep::AlreadyCaptured => return Ok(HoldOutcome::AlreadyCaptured),
            HoldStep::Take => rules::covers(self.balance(account_id), amount)?,
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
            HoldRecord {
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
        let Some(amount) = rules::release_amount(self.holds.get(&key).copied()) else {
            return false;
        };
        self.holds.insert(
            key,
            HoldRecord {
                amount,
                state: HoldState::Released,
            },
        );
        self.append(
            account_id,
            TransactionType::Release,
            amount,
            rules::RELEASED,
            Some(reference),
        );
        true
    }

    /// Decides what capturing `reference` does, without writing.
    pub(super) fn check_capture(&self, account_id: i64, reference: &str) -> Result<CaptureStep> {
        rules::capture_step(
            self.holds
                .get(&(account_id, reference.to_string()))
                .copied(),
            reference,
        )
    }

    /// Converts the hold into a deduction with its usage row (after `check_capture`).
    pub(super) fn apply_capture(&mut self, account_id: i64, capture: &Capture, step: CaptureStep) {
        let CaptureStep::Convert(amount) = step else {
            return;
        };
        let reference = capture.reference.as_str();
        for entry in rules::capture_entries(amount, capture) {
            self.append(
                account_id,
                entry.kind,
                entry.amount,
                entry.description,
                Some(reference),
            );
        }
        if let Some(h) = self.holds.get_mut(&(account_id, reference.to_string())) {
            h.state = HoldState::Captured;
        }
        self.usage.push(UsageLogEntry {
            id: i64::try_from(self.usage.len()).unwrap_or(i64::MAX) + 1,
            account_id,
            usage: rules::captured_usage(capture, amount),
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

#[async_trait]
impl CreditLedger for MemoryStore {
    async fn balance(&self, account_id: i64) -> Result<i64> {
        Ok(self.lock().ledger.balance(account_id))
    }

    async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        kind: TransactionType,
        description: &str,
        reference: Option<&str>,
    ) -> Result<CreditTransaction> {
        self.lock()
            .ledger
            .grant(account_id, amount, kind, description, reference)
    }

    async fn hold_credits(
        &self,
        account_id: i64,
        amount: i64,
        reference: &str,
        description: &str,
    ) -> Result<HoldOutcome> {
        self.lock()
            .ledger
            .hold(account_id, amount, reference, description)
    }

    async fn release_credits(&self, account_id: i64, reference: &str) -> Result<bool> {
        Ok(self.lock().ledger.release(account_id, reference))
    }

    async fn capture_credits(&self, account_id: i64, capture: Capture) -> Result<()> {
        let mut state = self.lock();
        let step = state.ledger.check_capture(account_id, &capture.reference)?;
        state.ledger.apply_capture(account_id, &capture, step);
        Ok(())
    }

    async fn list_transactions(&self, account_id: i64) -> Result<Vec<CreditTransaction>> {
        Ok(self.lock().ledger.transactions(account_id))
    }

    async fn list_usage(&self, account_id: i64) -> Result<Vec<UsageLogEntry>> {
        Ok(self.lock().ledger.usage(account_id))
    }
}
