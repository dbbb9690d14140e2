//! Storage: the focused storage traits, the combined [`Storage`] and their implementations.
//!
//! Each concern has its own trait ([`BlueprintStore`], [`PageStore`], [`VersionStore`],
//! [`CreditLedger`], [`TaskLog`], [`AssetStore`], …) so that a reader or a new backend meets one
//! concern at a time; [`Storage`] combines them and is what callers hold (`Arc<dyn Storage>`).
//! `use sitebuilder::store::prelude::*` brings every method into scope.
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
    Admin, AssetStore, BlueprintStore, ContentWrite, CreditLedger, DeploymentStore,
    IdempotencyClaim, IdempotencyRequest, IdempotencyStore, OptionStore, PageStore, PromptStore,
    SavePageContent, SaveStructure, SavedStructure, StartedTask, Storage, StorageBackend, TaskHold,
    TaskLog, TaskStats, VersionStore,
};

/// Every storage trait, so that one `use sitebuilder::store::prelude::*` gives a concrete store
/// (a [`MemoryStore`], a [`SqlStore`]) all its methods.
pub mod prelude {
    pub use super::traits::{
        Admin, AssetStore, BlueprintStore, CreditLedger, DeploymentStore, IdempotencyStore,
        OptionStore, PageStore, PromptStore, Storage, TaskLog, VersionStore,
    };
}
