//! Schema: versioned migrations, seed data, and adoption of the seed's Django tables.

mod definitions;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod runner;
mod seed;
mod tables;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub(crate) use definitions::hex;
pub use definitions::{Dialect, MIGRATIONS, MigrationDef};
pub use seed::seed_options;
pub use tables::{DEFAULT_PREFIX, Tables};

/// State of one migration in a database (`showmigrations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MigrationState {
    /// Version number.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Whether it is applied.
    pub applied: bool,
    /// When it was applied.
    pub applied_at: Option<DateTime<Utc>>,
    /// Applied by adopting tables the seed's Django app had created.
    pub adopted: bool,
    /// Set when the recorded checksum differs from the shipped migration.
    pub checksum_mismatch: Option<ChecksumMismatch>,
}

/// Recorded and expected checksums of an edited migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChecksumMismatch {
    /// Stored in the history table.
    pub recorded: String,
    /// Of the migration in this build.
    pub expected: String,
}

impl MigrationState {
    /// `NNNN_name`.
    pub fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }
}

/// What one `migrate()` call did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MigrationReport {
    /// Migrations this call applied (`NNNN_name`).
    pub applied: Vec<String>,
    /// Migrations this call recorded by adopting existing Django tables.
    pub adopted: Vec<String>,
    /// Migrations that were already applied.
    pub already_applied: Vec<String>,
}
