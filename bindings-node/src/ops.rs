//! Results of the operational calls: migrations, doctor, credits.

use chrono::{DateTime, Utc};
use napi_derive::napi;
use serde_json::Value;

use crate::enums::TransactionType;

/// What one `migrate()` call did; entries are `NNNN_name`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct MigrationReport {
    /// Migrations this call applied.
    pub applied: Vec<String>,
    /// Migrations recorded by adopting tables the seed's Django app had created.
    pub adopted: Vec<String>,
    /// Migrations that were already applied.
    pub already_applied: Vec<String>,
}

impl From<sitebuilder::schema::MigrationReport> for MigrationReport {
    fn from(r: sitebuilder::schema::MigrationReport) -> Self {
        MigrationReport {
            applied: r.applied,
            adopted: r.adopted,
            already_applied: r.already_applied,
        }
    }
}

/// State of one migration in the database (the seed's `showmigrations`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct MigrationState {
    /// Version number.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Whether it is applied.
    pub applied: bool,
    /// When it was applied.
    pub applied_at: Option<DateTime<Utc>>,
    /// Applied by adopting the seed's Django tables.
    pub adopted: bool,
    /// Set when the recorded checksum differs from the migration this library ships.
    pub checksum_mismatch: Option<ChecksumMismatch>,
}

/// Recorded and expected checksums of an edited migration.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ChecksumMismatch {
    /// Stored in the history table.
    pub recorded: String,
    /// Of the migration in this build.
    pub expected: String,
}

impl From<sitebuilder::schema::MigrationState> for MigrationState {
    fn from(s: sitebuilder::schema::MigrationState) -> Self {
        MigrationState {
            version: s.version,
            name: s.name,
            applied: s.applied,
            applied_at: s.applied_at,
            adopted: s.adopted,
            checksum_mismatch: s.checksum_mismatch.map(|c| ChecksumMismatch {
                recorded: c.recorded,
                expected: c.expected,
            }),
        }
    }
}

/// The seed's verification checklist as data.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DoctorReport {
    /// Every check passed.
    pub ok: bool,
    /// One entry per check.
    pub checks: Vec<DoctorCheck>,
}

/// One doctor check.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DoctorCheck {
    /// What was checked (`database`, `migrations`, `provider`, …).
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do when it failed.
    pub fix: Option<String>,
}

impl From<sitebuilder::DoctorReport> for DoctorReport {
    fn from(r: sitebuilder::DoctorReport) -> Self {
        DoctorReport {
            ok: r.ok,
            checks: r
                .checks
                .into_iter()
                .map(|c| DoctorCheck {
                    name: c.name,
                    ok: c.ok,
                    detail: c.detail,
                    fix: c.fix,
                })
                .collect(),
        }
    }
}

/// One append-only credit ledger row.
#[napi(object)]
#[derive(Debug, Clone)]
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

impl From<sitebuilder::credits::CreditTransaction> for CreditTransaction {
    fn from(t: sitebuilder::credits::CreditTransaction) -> Self {
        CreditTransaction {
            id: t.id,
            account_id: t.account_id,
            transaction_type: t.transaction_type.into(),
            amount: t.amount,
            balance_after: t.balance_after,
            description: t.description,
            metadata: t.metadata,
            reference: t.reference,
            created_at: t.created_at,
        }
    }
}
