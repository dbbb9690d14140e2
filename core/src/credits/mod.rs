//! Credits: what operations cost (policy) and who paid what (ledger records).
//!
//! The ledger itself lives in storage so that every worker process shares it; this module holds
//! the policy and the record types. Flow per AI run: hold before the model call, capture in the
//! transaction that saves the output, release on any failure. The task id is the idempotency key.

mod policy;
mod records;
pub(crate) mod rules;

pub use policy::{CreditPolicy, CreditUnit, OperationCost};
pub use records::{
    Capture, CreditTransaction, HoldOutcome, TransactionType, UsageLogEntry, UsageRecord,
};
