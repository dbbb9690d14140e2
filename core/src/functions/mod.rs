//! The built-in AI functions: site structure, page content, regeneration of a page or a block
//! with an instruction, and declarative ones.
//!
//! The block catalogue and validation they share live in [`crate::blocks`]; the recipes belong to
//! the offline planner ([`crate::planner::recipes`]). The old paths stay as re-exports.

pub use crate::blocks;
pub use crate::blocks::coerce;
pub(crate) mod context;
pub mod declarative;
pub mod page_content;
pub use crate::planner::recipes;
pub mod regenerate;
pub mod site_structure;
pub use crate::blocks::validate;
