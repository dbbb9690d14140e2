//! The built-in AI functions and what they share: the block catalogue, recipes and validation.

pub mod blocks;
pub mod recipes;
pub mod validate;
