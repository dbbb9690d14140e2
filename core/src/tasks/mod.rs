//! Running AI functions: progress, the task log, and dispatch inline or in the background.

mod progress;
mod queue;
mod record;

pub use progress::{Partial, Phase, Progress, ProgressCallback};
pub use queue::{DEFAULT_STUCK_AFTER, QueueStatus};
pub use record::{TaskQuery, TaskRecord, TaskStatus};
