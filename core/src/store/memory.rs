//! In-memory storage (placeholder until implemented).

/// Storage in process memory.
#[derive(Debug, Default)]
pub struct MemoryStore {}
