//! What is waiting for a worker: the answer to "is anything taking my queued tasks?".

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long a task may wait for a worker before `doctor` calls it stuck.
pub const DEFAULT_STUCK_AFTER: Duration = Duration::from_secs(60);

/// Tasks queued and not yet started, read from the task log (so every process sees the same).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueStatus {
    /// Tasks in `queued`.
    pub queued: u64,
    /// Seconds the oldest of them has waited (0 when none waits).
    pub oldest_wait_secs: f64,
    /// The wait after which a task counts as stuck.
    pub stuck_after_secs: f64,
    /// Ids of tasks waiting longer than that, oldest first (at most [`QueueStatus::STUCK_SHOWN`]).
    pub stuck: Vec<String>,
    /// How many tasks wait longer than that.
    pub stuck_count: u64,
}

impl QueueStatus {
    /// Stuck task ids listed in full; the rest are only counted.
    pub const STUCK_SHOWN: usize = 20;
}
