//! `CancelToken` for Python: the core's token, so a host can stop a run it started synchronously
//! (from another thread, a signal handler, a timeout).

use pyo3::prelude::*;

/// Stops a run cooperatively: the run ends with `CancelledError`, nothing charged, nothing left
/// `generating`. One token may be shared by several runs; cancelling is permanent.
#[pyclass(module = "sitebuilder._native", name = "CancelToken", frozen)]
#[derive(Debug, Clone, Default)]
pub(crate) struct PyCancelToken(pub(crate) sitebuilder::CancelToken);

#[pymethods]
impl PyCancelToken {
    /// A fresh, not-cancelled token.
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation; a run using this token stops at its next check.
    fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    fn __repr__(&self) -> String {
        let state = if self.0.is_cancelled() {
            "True"
        } else {
            "False"
        };
        format!("CancelToken(cancelled={state})")
    }
}

/// The token to run with: the caller's, or a fresh one so that asyncio cancellation and Ctrl-C
/// can still stop the run.
pub(crate) fn token_for(given: Option<&Bound<'_, PyCancelToken>>) -> sitebuilder::CancelToken {
    given.map(|t| t.get().0.clone()).unwrap_or_default()
}
