//! # sitebuilder
//!
//! An embeddable engine for AI site generation. A business brief goes in; a validated site
//! structure with its pages comes out, stored in your database and paid for exactly once.
//!
//! The library applies its own schema and seed data ([`SiteBuilder::migrate`], also on open), runs
//! work in-process when no queue is there ([`SiteBuilder::dispatch`]), and
//! [`SiteBuilder::doctor`] says exactly what is wrong.
//!
//! ```no_run
//! # async fn demo() -> sitebuilder::Result<()> {
//! use sitebuilder::prelude::*;
//! let sb = SiteBuilder::builder().database_url("sqlite://sitebuilder.db").provider(ProviderConfig::Offline).build().await?;
//! let scope = Scope::account(1);
//! sb.grant_credits(1, 100, "welcome credits").await?;
//! let bp = sb.create_blueprint(&scope, NewBlueprint::new("Casa Lupa", "A family trattoria in Porto")).await?;
//! let outcome = sb.generate_structure(&scope, bp.id, RunOptions::default()).await?;
//! println!("version {} with {} pages", outcome.result["version"], outcome.result["pages"].as_array().map_or(0, Vec::len));
//! let saved = sb.get_blueprint(&scope, bp.id).await?;
//! println!("{}", saved.structure_json);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

// README.md's Rust example is compiled as a doctest, so the front page cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

mod builder;
mod doctor;
mod error;

pub mod ai;
pub mod blocks;
pub mod credits;
pub mod files;
pub mod functions;
pub mod model;
pub mod ops;
pub mod planner;
pub mod prompts;
pub mod quality;
pub mod render;
pub mod schema;
pub mod store;
pub mod tasks;
pub mod telemetry;

pub use ai::cancel::CancelToken;
pub use ai::engine::{EngineConfig, RunOptions, RunOutcome};
pub use builder::{
    BlueprintEdit, DEFAULT_DATABASE_URL, ExportFormat, ExportSiteRequest, ExportSiteResponse,
    Generation, Metadata, ProviderConfig, PublishRequest, PublishResponse, RenderPageRequest,
    RenderPageResponse, RunStream, SiteBuilder, SiteBuilderBuilder, StreamEvent, UnpublishResponse,
};
pub use doctor::{DoctorCheck, DoctorReport, broker_check};
pub use error::{ERROR_CODES, Error, Result};
pub use files::{AssetConfig, Assets, SiteAsset};
pub use functions::declarative::DeclarativeFunction;
pub use model::Scope;

/// The names most programs need.
pub mod prelude {
    pub use crate::model::{
        Block, BlueprintPatch, BlueprintQuery, BlueprintStatus, NewBlueprint, NewPage, PageType,
        SiteConfig,
    };
    pub use crate::{Error, ProviderConfig, Result, RunOptions, RunOutcome, Scope, SiteBuilder};
}
