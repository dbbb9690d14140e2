//! Phases of an AI run and the progress events hosts receive.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The seed's pipeline phases, each owning a slice of the 0–100 % progress range.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    /// Validate input, hold credits: 0–10 %.
    Init,
    /// Load context, render the prompt: 10–20 %.
    Prep,
    /// Waiting for the model: 20–80 %.
    AiCall,
    /// Parse and validate the answer: 80–90 %.
    Parse,
    /// Save the output and capture credits: 90–100 %.
    Save,
    /// Finished: 100 %.
    Done,
}

impl Phase {
    /// Every phase in order.
    pub const ALL: [Phase; 6] = [
        Phase::Init,
        Phase::Prep,
        Phase::AiCall,
        Phase::Parse,
        Phase::Save,
        Phase::Done,
    ];

    /// The seed's progress range of this phase, in percent.
    pub fn range(self) -> (u8, u8) {
        match self {
            Phase::Init => (0, 10),
            Phase::Prep => (10, 20),
            Phase::AiCall => (20, 80),
            Phase::Parse => (80, 90),
            Phase::Save => (90, 100),
            Phase::Done => (100, 100),
        }
    }

    /// Percent for a fraction (0.0–1.0) of the way through this phase.
    pub fn percent_at(self, fraction: f64) -> u8 {
        let (lo, hi) = self.range();
        let f = fraction.clamp(0.0, 1.0);
        lo + ((f64::from(hi - lo)) * f).round() as u8
    }

    /// The name as stored and shown (`AI_CALL`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Init => "INIT",
            Phase::Prep => "PREP",
            Phase::AiCall => "AI_CALL",
            Phase::Parse => "PARSE",
            Phase::Save => "SAVE",
            Phase::Done => "DONE",
        }
    }
}

impl std::str::FromStr for Phase {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| crate::Error::invalid(format!("unknown phase {s:?}")))
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Progress {
    /// Task id of the run.
    pub task_id: String,
    /// Current phase.
    pub phase: Phase,
    /// Overall percent (0–100).
    pub percent: u8,
    /// What is happening, for a person.
    pub message: String,
    /// Item being processed in a bulk run (1-based).
    pub current: Option<u32>,
    /// Items in a bulk run.
    pub total: Option<u32>,
    /// What arrived with this event in a streamed run (absent on plain phase events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
}

/// A piece of a run's answer, sent as soon as it is complete and valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Partial {
    /// The site settings (name, tagline, tone, navigation, …) are complete.
    Site {
        /// The site settings object as the model wrote it.
        site: serde_json::Value,
    },
    /// One page is complete and valid; `index` is its 0-based position in the answer.
    Page {
        /// 0-based position of the page in the answer's `pages` array.
        index: u32,
        /// The page object as the model wrote it.
        page: serde_json::Value,
    },
    /// Completion tokens written so far in this answer (also moves AI_CALL's percent).
    Tokens {
        /// Completion tokens counted so far.
        completion_tokens: u64,
    },
}

/// A host callback receiving progress events; must be cheap and must not block.
pub type ProgressCallback = Arc<dyn Fn(&Progress) + Send + Sync>;
