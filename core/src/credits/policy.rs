//! What each operation costs, starting from the seed's billing constants.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How an operation's cost scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditUnit {
    /// A flat cost per call.
    PerRequest,
    /// Per started 100 words of output.
    #[serde(rename = "per_100_words")]
    Per100Words,
    /// Per started 200 words of output.
    #[serde(rename = "per_200_words")]
    Per200Words,
    /// Per item produced (pages, ideas, …).
    PerItem,
    /// Per image produced.
    PerImage,
}

/// The cost of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OperationCost {
    /// Credits per unit.
    pub credits: i64,
    /// The unit.
    pub unit: CreditUnit,
}

/// Maps operation names to costs. An unknown operation is an error, never free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreditPolicy {
    costs: BTreeMap<String, OperationCost>,
}

impl Default for CreditPolicy {
    /// The seed's `billing/constants.py` values.
    fn default() -> Self {
        use CreditUnit::*;
        let table = [
            ("clustering", 10, PerRequest),
            ("idea_generation", 15, PerRequest),
            ("content_generation", 1, Per100Words),
            ("image_prompt_extraction", 2, PerRequest),
            ("image_generation", 5, PerImage),
            ("linking", 8, PerRequest),
            ("optimization", 1, Per200Words),
            ("site_structure_generation", 50, PerRequest),
            ("site_page_generation", 20, PerItem),
            // Not in the seed: one block regenerated with an instruction (a page regeneration
            // costs a page generation).
            ("site_block_generation", 5, PerRequest),
        ];
        CreditPolicy {
            costs: table
                .into_iter()
                .map(|(name, credits, unit)| (name.to_string(), OperationCost { credits, unit }))
                .collect(),
        }
    }
}

impl CreditPolicy {
    /// A policy with no operations (every cost lookup fails until `set` is called).
    pub fn empty() -> Self {
        CreditPolicy {
            costs: BTreeMap::new(),
        }
    }

    /// Sets (or overrides) an operation's cost.
    pub fn set(
        &mut self,
        operation: impl Into<String>,
        credits: i64,
        unit: CreditUnit,
    ) -> Result<()> {
        if credits < 0 {
            return Err(Error::invalid(format!(
                "credit cost must be zero or more, got {credits}"
            )));
        }
        self.costs
            .insert(operation.into(), OperationCost { credits, unit });
        Ok(())
    }

    /// Builder form of [`CreditPolicy::set`].
    pub fn with(
        mut self,
        operation: impl Into<String>,
        credits: i64,
        unit: CreditUnit,
    ) -> Result<Self> {
        self.set(operation, credits, unit)?;
        Ok(self)
    }

    /// The cost entry of an operation.
    pub fn cost_of(&self, operation: &str) -> Result<OperationCost> {
        self.costs.get(operation).copied().ok_or_else(|| {
            Error::invalid(format!(
                "unknown credit operation {operation:?}; known operations: {}",
                self.costs.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// Credits for `quantity` units of an operation (words for word-based units, items or images
    /// otherwise; ignored for per-request operations).
    pub fn credits_for(&self, operation: &str, quantity: u64) -> Result<i64> {
        let cost = self.cost_of(operation)?;
        let units = match cost.unit {
            CreditUnit::PerRequest => 1,
            CreditUnit::Per100Words => quantity.div_ceil(100).max(1),
            CreditUnit::Per200Words => quantity.div_ceil(200).max(1),
            CreditUnit::PerItem | CreditUnit::PerImage => quantity,
        };
        i64::try_from(units)
            .ok()
            .and_then(|u| u.checked_mul(cost.credits))
            .ok_or_else(|| Error::invalid(format!("credit amount for {operation} overflows")))
    }

    /// Every operation and its cost.
    pub fn operations(&self) -> impl Iterator<Item = (&str, OperationCost)> {
        self.costs.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_costs() {
        let p = CreditPolicy::default();
        assert_eq!(p.credits_for("site_structure_generation", 1).unwrap(), 50);
        assert_eq!(p.credits_for("site_page_generation", 3).unwrap(), 60);
        assert_eq!(p.credits_for("site_block_generation", 1).unwrap(), 5);
        assert_eq!(p.credits_for("content_generation", 250).unwrap(), 3);
        assert_eq!(p.credits_for("optimization", 200).unwrap(), 1);
        assert_eq!(p.credits_for("image_generation", 4).unwrap(), 20);
    }

    #[test]
    fn unknown_operation_is_an_error_not_free() {
        let err = CreditPolicy::default()
            .credits_for("teleport", 1)
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("site_structure_generation"));
    }

    #[test]
    fn overrides_win() {
        let p = CreditPolicy::default()
            .with("site_structure_generation", 30, CreditUnit::PerRequest)
            .unwrap();
        assert_eq!(p.credits_for("site_structure_generation", 1).unwrap(), 30);
        assert!(
            CreditPolicy::empty()
                .with("x", -1, CreditUnit::PerItem)
                .is_err()
        );
    }
}
