//! Running AI functions: progress, the task log, and dispatch inline or in the background.

mod progress;
mod record;

pub use progress::{Phase, Progress, ProgressCallback};
pub use record::{TaskQuery, TaskRecord, TaskStatus};
