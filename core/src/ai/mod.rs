//! The AI pipeline: providers, lenient parsing, the function trait, registry and engine.

pub mod provider;
