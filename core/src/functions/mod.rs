//! The built-in AI functions and what they share: the block catalogue, recipes and validation.

pub mod blocks;
pub mod coerce;
pub(crate) mod context;
pub mod declarative;
pub mod page_content;
pub mod recipes;
pub mod site_structure;
pub mod validate;
