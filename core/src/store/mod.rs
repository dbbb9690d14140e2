//! Storage: the [`Storage`] trait and its implementations.
//!
//! [`SqlStore`] keeps everything in PostgreSQL or SQLite through sqlx, so that many worker processes
//! share one source of truth; [`MemoryStore`] keeps it in process memory for tests and for hosts
//! that persist elsewhere. Both pass the same test suite.

mod memory;
mod slug;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod sql;
mod traits;

pub use memory::MemoryStore;

/// Versions of history kept per blueprint unless the builder says otherwise.
pub const DEFAULT_KEEP_VERSIONS: u32 = 50;
pub use slug::validate_slug;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::{SqlStore, SqlStoreOptions};
pub use traits::{
    ContentWrite, IdempotencyClaim, IdempotencyRequest, SavePageContent, SaveStructure,
    SavedStructure, StartedTask, Storage, StorageBackend, TaskHold, TaskStats,
};
