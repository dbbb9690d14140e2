//! The ledger's rules, written once for every backend: what a grant and a hold accept, what
//! asking for a hold, releasing it and capturing it do for each state a reservation can be in,
//! and which ledger and usage rows a capture writes.
//!
//! A backend only supplies the atomic primitive around these decisions (the SQL store its
//! transaction and row locks, the memory store its mutex): it reads the reservation, asks the
//! rule what to do, and writes what the rule says, so two backends can never disagree on
//! whether a run is charged, charged twice or refused.

use serde_json::{Value, json};

use super::{Capture, TransactionType, UsageRecord};
use crate::{Error, Result};

/// State of a reservation, one per (account, reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HoldState {
    /// Credits are reserved and not yet charged.
    Held,
    /// The reservation became a deduction: the run was charged.
    Captured,
    /// The reservation was given back; a new hold may take the reference again.
    Released,
}

impl HoldState {
    /// The value stored in the `state` column.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            HoldState::Held => "held",
            HoldState::Captured => "captured",
            HoldState::Released => "released",
        }
    }

    /// Parses a stored `state`.
    pub(crate) fn parse(s: &str) -> Result<HoldState> {
        match s {
            "held" => Ok(HoldState::Held),
            "captured" => Ok(HoldState::Captured),
            "released" => Ok(HoldState::Released),
            other => Err(Error::invalid(format!(
                "unknown credit hold state {other:?}; expected held, captured or released"
            ))),
        }
    }
}

/// A reservation as a backend found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HoldRecord {
    /// Credits it reserves (or reserved).
    pub amount: i64,
    /// Where it stands.
    pub state: HoldState,
}

/// Ledger description of a release that gives a hold back.
pub(crate) const RELEASED: &str = "hold released: the run did not complete";
/// Ledger description of the release half of a capture.
pub(crate) const CONVERTED: &str = "hold converted into a deduction";

/// Checks a grant before anything is read: a positive amount of a kind hosts may grant.
pub(crate) fn check_grant(amount: i64, kind: TransactionType) -> Result<()> {
    if amount <= 0 {
        return Err(Error::invalid(format!(
            "a grant must be a positive amount, got {amount}"
        )));
    }
    if !kind.is_grant() {
        return Err(Error::invalid(format!(
            "{kind} is not a grant; use purchase, subscription, refund or adjustment"
        )));
    }
    Ok(())
}

/// The balance after adding a grant, refused when it would overflow.
pub(crate) fn granted_balance(balance: i64, amount: i64) -> Result<i64> {
    balance
        .checked_add(amount)
        .ok_or_else(|| Error::invalid(format!("a grant of {amount} overflows the balance")))
}

/// Checks a hold before anything is read: not negative, and with a reference (the task id,
/// which makes the hold idempotent).
pub(crate) fn check_hold(amount: i64, reference: &str) -> Result<()> {
    if amount < 0 {
        return Err(Error::invalid(format!(
            "a hold must not be negative, got {amount}"
        )));
    }
    if reference.is_empty() {
        return Err(Error::invalid("a hold needs a reference (the task id)"));
    }
    Ok(())
}

/// What asking for a hold does, given the reference's reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HoldStep {
    /// Already held (a retried start): answer that hold, write nothing.
    Existing {
        /// The amount it reserves, which wins over the amount asked for now.
        amount: i64,
    },
    /// Already captured: the run was charged and must not run (or be charged) again.
    AlreadyCaptured,
    /// None yet, or released by an earlier attempt: debit the balance if it covers the amount
    /// (see [`covers`]) and record the hold as held.
    Take,
}

/// The rule for a hold request.
pub(crate) fn hold_step(existing: Option<HoldRecord>) -> HoldStep {
    match existing {
        Some(HoldRecord {
            amount,
            state: HoldState::Held,
        }) => HoldStep::Existing { amount },
        Some(HoldRecord {
            state: HoldState::Captured,
            ..
        }) => HoldStep::AlreadyCaptured,
        _ => HoldStep::Take,
    }
}

/// Whether `available` covers a hold of `required`; the error carries both numbers, so a host
/// can tell the user how much is missing.
pub(crate) fn covers(available: i64, required: i64) -> Result<()> {
    if available < required {
        return Err(insufficient(required, available));
    }
    Ok(())
}

/// The error for a hold the balance does not cover (for backends whose atomic debit found it
/// out, then read what is available).
pub(crate) fn insufficient(required: i64, available: i64) -> Error {
    Error::InsufficientCredits {
        required,
        available,
    }
}

/// What releasing a reservation gives back: its amount when it is live, nothing otherwise
/// (a release is idempotent, and never undoes a capture).
pub(crate) fn release_amount(existing: Option<HoldRecord>) -> Option<i64> {
    match existing {
        Some(HoldRecord {
            amount,
            state: HoldState::Held,
        }) => Some(amount),
        _ => None,
    }
}

/// What a capture will do, decided before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaptureStep {
    /// Convert a live hold of this amount into a deduction.
    Convert(i64),
    /// Already captured: nothing to do (a retried save), nothing charged again.
    AlreadyCaptured,
}

impl CaptureStep {
    /// Credits this step charges.
    pub(crate) fn amount(self) -> i64 {
        match self {
            CaptureStep::Convert(a) => a,
            CaptureStep::AlreadyCaptured => 0,
        }
    }
}

/// The rule for a capture: a live hold converts, a captured one is a no-op, anything else is a
/// `conflict` (credits are always held before a run and captured once).
pub(crate) fn capture_step(existing: Option<HoldRecord>, reference: &str) -> Result<CaptureStep> {
    match existing {
        Some(HoldRecord {
            amount,
            state: HoldState::Held,
        }) => Ok(CaptureStep::Convert(amount)),
        Some(HoldRecord {
            state: HoldState::Captured,
            ..
        }) => Ok(CaptureStep::AlreadyCaptured),
        _ => Err(Error::conflict(format!(
            "no live credit hold for reference {reference:?}; hold credits before capturing"
        ))),
    }
}

/// One ledger row a rule asks for; the backend adds the account, reference, balance after and
/// time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    /// Kind.
    pub kind: TransactionType,
    /// Signed change of the balance.
    pub amount: i64,
    /// Description.
    pub description: &'a str,
}

/// The rows a capture of `amount` appends, in order: the hold given back, then the deduction.
/// The charge is the held amount, whatever the caller's usage record computed: a run is
/// charged what it reserved, never more (the hold was checked against the balance) nor less.
pub(crate) fn capture_entries(amount: i64, capture: &Capture) -> [Entry<'_>; 2] {
    [
        Entry {
            kind: TransactionType::Release,
            amount,
            description: CONVERTED,
        },
        Entry {
            kind: TransactionType::Deduction,
            amount: -amount,
            description: &capture.description,
        },
    ]
}

/// Metadata as the usage log stores it: always an object (`{}` for null).
pub(crate) fn usage_metadata(metadata: &Value) -> Value {
    match metadata {
        Value::Null => json!({}),
        m => m.clone(),
    }
}

/// The usage row a capture of `amount` writes: the caller's record, charged the held amount.
pub(crate) fn captured_usage(capture: &Capture, amount: i64) -> UsageRecord {
    UsageRecord {
        credits_used: amount,
        metadata: usage_metadata(&capture.usage.metadata),
        ..capture.usage.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hold(amount: i64, state: HoldState) -> Option<HoldRecord> {
        Some(HoldRecord { amount, state })
    }

    #[test]
    fn a_hold_is_idempotent_per_reference_and_never_retakes_a_captured_one() {
        assert_eq!(hold_step(None), HoldStep::Take);
        assert_eq!(
            hold_step(hold(7, HoldState::Held)),
            HoldStep::Existing { amount: 7 }
        );
        assert_eq!(
            hold_step(hold(7, HoldState::Captured)),
            HoldStep::AlreadyCaptured
        );
        assert_eq!(hold_step(hold(7, HoldState::Released)), HoldStep::Take);
    }

    #[test]
    fn insufficient_credits_carry_required_and_available() {
        assert!(covers(5, 5).is_ok());
        match covers(4, 5).unwrap_err() {
            Error::InsufficientCredits {
                required,
                available,
            } => assert_eq!((required, available), (5, 4)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn release_gives_back_only_a_live_hold() {
        assert_eq!(release_amount(hold(3, HoldState::Held)), Some(3));
        assert_eq!(release_amount(hold(3, HoldState::Released)), None);
        assert_eq!(release_amount(hold(3, HoldState::Captured)), None);
        assert_eq!(release_amount(None), None);
    }

    #[test]
    fn a_capture_charges_the_hold_once() {
        assert_eq!(
            capture_step(hold(9, HoldState::Held), "t").unwrap(),
            CaptureStep::Convert(9)
        );
        assert_eq!(
            capture_step(hold(9, HoldState::Captured), "t")
                .unwrap()
                .amount(),
            0
        );
        for gone in [None, hold(9, HoldState::Released)] {
            assert_eq!(capture_step(gone, "t").unwrap_err().code(), "conflict");
        }
        let capture = Capture {
            reference: "t".into(),
            usage: UsageRecord {
                credits_used: 100,
                ..UsageRecord::default()
            },
            description: "structure".into(),
        };
        let usage = captured_usage(&capture, 9);
        assert_eq!(usage.credits_used, 9);
        assert_eq!(usage.metadata, json!({}));
        let [release, deduction] = capture_entries(9, &capture);
        assert_eq!(
            (release.kind, release.amount),
            (TransactionType::Release, 9)
        );
        assert_eq!(
            (deduction.kind, deduction.amount, deduction.description),
            (TransactionType::Deduction, -9, "structure")
        );
    }

    #[test]
    fn grants_and_holds_refuse_bad_amounts() {
        assert!(check_grant(0, TransactionType::Purchase).is_err());
        assert!(check_grant(5, TransactionType::Deduction).is_err());
        assert!(check_grant(5, TransactionType::Refund).is_ok());
        assert!(check_hold(-1, "t").is_err());
        assert!(check_hold(0, "").is_err());
        assert!(check_hold(0, "t").is_ok());
        assert!(granted_balance(i64::MAX, 1).is_err());
        assert!(HoldState::parse(HoldState::Captured.as_str()).unwrap() == HoldState::Captured);
    }
}
