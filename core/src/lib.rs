//! # sitebuilder
//!
//! An embeddable engine for AI site generation. A business brief goes in; a validated site
//! structure with its pages comes out, stored in your database and paid for exactly once.
//!
//! The library applies its own schema and seed data ([`SiteBuilder::migrate`], also on open), runs
//! work in-process when no queue is there, and [`doctor`] says exactly what is wrong.
#![forbid(unsafe_code)]

mod error;

pub mod ai;
pub mod credits;
pub mod functions;
pub mod model;
pub mod schema;
pub mod store;
pub mod tasks;

pub use error::{ERROR_CODES, Error, Result};
