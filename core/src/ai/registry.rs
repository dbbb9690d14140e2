//! Function name → function.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::function::AiFunction;
use crate::{Error, Result};

/// The functions a [`crate::SiteBuilder`] can run.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    functions: BTreeMap<String, Arc<dyn AiFunction>>,
}

impl Registry {
    /// A registry with the built-ins.
    pub fn with_builtins() -> Self {
        let mut r = Registry::default();
        r.insert(Arc::new(
            crate::functions::site_structure::GenerateSiteStructure,
        ));
        r.insert(Arc::new(
            crate::functions::page_content::GeneratePageContent,
        ));
        r.insert(Arc::new(crate::functions::regenerate::RegeneratePage));
        r.insert(Arc::new(crate::functions::regenerate::RegenerateBlock));
        r
    }

    fn insert(&mut self, f: Arc<dyn AiFunction>) {
        self.functions.insert(f.name().to_string(), f);
    }

    /// Adds a function; a name already taken is a conflict (replace needs `unregister` first).
    pub fn register(&mut self, f: Arc<dyn AiFunction>) -> Result<()> {
        let name = f.name();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Error::invalid(format!(
                "function name {name:?} must be lowercase snake_case"
            )));
        }
        if self.functions.contains_key(name) {
            return Err(Error::conflict(format!(
                "a function named {name:?} is already registered"
            )));
        }
        self.insert(f);
        Ok(())
    }

    /// Removes a function; returns whether it existed.
    pub fn unregister(&mut self, name: &str) -> bool {
        self.functions.remove(name).is_some()
    }

    /// Looks a function up; unknown names list the registered ones.
    pub fn get(&self, name: &str) -> Result<Arc<dyn AiFunction>> {
        self.functions
            .get(name)
            .cloned()
            .ok_or_else(|| Error::NotFound {
                entity: "ai_function",
                id: format!("{name} (registered: {})", self.names().join(", ")),
            })
    }

    /// Registered names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.functions.keys().cloned().collect()
    }
}
