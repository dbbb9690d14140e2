//! Records and enums of the site builder, compatible with the seed's Django tables.
//!
//! Ids are `i64` (the seed's bigint ids). In the API the owning account is `account_id`; only the
//! database column is named `tenant_id`, as the seed's `AccountBaseModel` named it.

mod asset;
mod blueprint;
mod config;
mod deployment;
mod enums;
mod history;
mod input;
mod locks;
mod option;
mod page;
mod scope;
mod structure;

pub(crate) use asset::quota_error;
pub use asset::{NewAssetRow, SiteAsset};
pub use blueprint::{BlueprintPatch, BlueprintQuery, NewBlueprint, Paged, SiteBlueprint};
pub use config::SiteConfig;
pub use deployment::{Deployment, NewDeployment};
pub use enums::{BlueprintStatus, HostingType, PageStatus, PageType, ParseEnumError};
pub use history::{
    BlockChange, BlueprintVersion, PageChange, PageSnapshot, VersionContent, VersionDiff,
    VersionSummary, overwrites_changes,
};
pub use input::{
    InputLimits, check_blocks, check_config, check_id, check_json, check_name, check_scope,
    check_task_id, check_text,
};
pub use locks::PageLocks;
pub(crate) use locks::merge_locked_blocks;
pub use option::{NewOption, OptionKind, OptionPatch, SiteBuilderOption};
pub use page::{Block, NewPage, PageBlueprint, PagePatch};
pub use scope::Scope;
pub use structure::{LAYOUTS, PageSpec, Seo, SiteInfo, SiteStructure};
