//! The module-wide tokio runtime: built lazily, once per process, and never dropped.
//!
//! Celery's prefork pool (and any `os.fork()`) copies the parent's memory but none of its threads,
//! so a runtime inherited from the parent has no worker threads left: anything spawned on it would
//! hang. Each process therefore builds its own runtime the first time it needs one, keyed by
//! `std::process::id()`. The inherited one is leaked on purpose: dropping it would try to join
//! threads that do not exist in the child.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// The runtime of the process that built it.
static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The runtime for the current process, building it on first use (and again after a fork).
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, rt)) = *slot
        && owner == pid
    {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sitebuilder-rt")
        .build()
        .map_err(|e| {
            PyRuntimeError::new_err(format!("cannot start the sitebuilder runtime: {e}"))
        })?;
    // Leaked so that neither this runtime nor one inherited through fork is ever dropped.
    let rt: &'static Runtime = Box::leak(Box::new(rt));
    *slot = Some((pid, rt));
    Ok(rt)
}

/// Process id of the runtime built last, if any (tests check that a forked child builds its own).
pub(crate) fn runtime_pid() -> Option<u32> {
    RUNTIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .map(|(pid, _)| pid)
}
