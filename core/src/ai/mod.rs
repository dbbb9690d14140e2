//! The AI pipeline: providers, lenient parsing, the function trait, registry and engine.

pub mod cancel;
pub mod engine;
pub mod function;
pub mod lenient;
pub mod provider;
pub mod registry;
