//! What an answer costs: USD per million tokens, per model.
//!
//! Providers report tokens, not money; the table turns tokens into an estimate that goes into the
//! credit usage log. Hosts change it when their contract differs from the list price.

use std::collections::BTreeMap;

use super::Usage;

/// Price of one model in USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelPrice {
    /// USD per million prompt (input) tokens.
    pub input_per_million: f64,
    /// USD per million completion (output) tokens.
    pub output_per_million: f64,
}

/// Model prices, looked up by the longest model-name prefix so dated snapshots
/// (`gpt-4o-mini-2024-07-18`) price as their family (`gpt-4o-mini`).
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    prices: BTreeMap<String, ModelPrice>,
}

/// The seed's list prices (USD per million input/output tokens).
const SEED_PRICES: &[(&str, f64, f64)] = &[
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1", 2.00, 8.00),
];

impl Default for PriceTable {
    /// The seed's defaults: gpt-4o-mini 0.15/0.60, gpt-4o 2.50/10.00, gpt-4.1 2.00/8.00.
    fn default() -> Self {
        let mut table = PriceTable::empty();
        for &(model, input, output) in SEED_PRICES {
            table.set(model, input, output);
        }
        table
    }
}

impl PriceTable {
    /// A table with no prices: every model costs 0.0 (self-hosted models, tests).
    pub fn empty() -> Self {
        PriceTable {
            prices: BTreeMap::new(),
        }
    }

    /// Sets (or replaces) a model's price; `model` also prices every name it prefixes.
    pub fn set(
        &mut self,
        model: impl Into<String>,
        input_per_million: f64,
        output_per_million: f64,
    ) -> &mut Self {
        self.prices.insert(
            model.into(),
            ModelPrice {
                input_per_million,
                output_per_million,
            },
        );
        self
    }

    /// The price that applies to `model`: exact name first, else the longest prefix.
    pub fn price(&self, model: &str) -> Option<ModelPrice> {
        self.prices
            .iter()
            .filter(|(name, _)| model.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())
            .map(|(_, price)| *price)
    }

    /// Estimated USD cost of `usage` on `model`; an unknown model costs 0.0 (never an error, so a
    /// missing price never fails a generation).
    pub fn cost(&self, model: &str, usage: Usage) -> f64 {
        match self.price(model) {
            Some(price) => {
                // Token counts fit f64's 53-bit mantissa for any realistic usage.
                let (input, output) = (usage.prompt_tokens as f64, usage.completion_tokens as f64);
                (input * price.input_per_million + output * price.output_per_million) / 1_000_000.0
            }
            None => 0.0,
        }
    }

    /// Every priced model name, sorted.
    pub fn models(&self) -> impl Iterator<Item = &str> {
        self.prices.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(prompt_tokens: u64, completion_tokens: u64) -> Usage {
        Usage {
            prompt_tokens,
            completion_tokens,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn seed_prices() {
        let table = PriceTable::default();
        let million = usage(1_000_000, 1_000_000);
        assert!(close(table.cost("gpt-4o-mini", million), 0.75));
        assert!(close(table.cost("gpt-4o", million), 12.50));
        assert!(close(table.cost("gpt-4.1", million), 10.00));
        assert!(close(table.cost("gpt-4o-mini", usage(1000, 2000)), 0.00135));
    }

    #[test]
    fn longest_prefix_wins() {
        let table = PriceTable::default();
        let u = usage(1_000_000, 0);
        // `gpt-4o` also prefixes this name; the longer `gpt-4o-mini` must win.
        assert!(close(table.cost("gpt-4o-mini-2024-07-18", u), 0.15));
        assert!(close(table.cost("gpt-4o-2024-08-06", u), 2.50));
        assert!(close(table.cost("gpt-4.1-mini", u), 2.00));
    }

    #[test]
    fn unknown_model_is_free_and_set_overrides() {
        let mut table = PriceTable::default();
        assert_eq!(table.cost("llama3:8b", usage(10, 10)), 0.0);
        table.set("llama3", 0.10, 0.20).set("gpt-4o-mini", 1.0, 2.0);
        assert!(close(
            table.cost("llama3:8b", usage(1_000_000, 1_000_000)),
            0.30
        ));
        assert!(close(table.cost("gpt-4o-mini", usage(1_000_000, 0)), 1.0));
        assert_eq!(PriceTable::empty().cost("gpt-4o", usage(5, 5)), 0.0);
        assert_eq!(
            table.models().collect::<Vec<_>>(),
            ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "llama3"]
        );
    }
}
