//! The AI pipeline: providers, lenient parsing, the function trait, registry and engine.

pub mod lenient;
pub mod provider;
