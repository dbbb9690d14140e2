//! A native cancel handle: the bridge from a JavaScript `AbortSignal` to the core's `CancelToken`.
//!
//! Dropping a run's Promise does not stop the run (the core spawns it), so cancellation has to
//! reach the core explicitly. The package's JavaScript layer creates one handle per call that got
//! a `signal`, passes it as `RunOptions.cancel`, and calls `cancel()` on the signal's `abort` event.

use napi_derive::napi;

/// Stops the runs it was passed to (`{ cancel: handle }` in run options) when `cancel()` is
/// called: they reject with `code: "cancelled"`, nothing charged, nothing left `generating`.
///
/// Usually created for you from `{ signal: AbortSignal }`; use it directly where no
/// `AbortController` fits. One handle may be shared by several runs; cancelling is final.
#[napi]
#[derive(Debug, Clone, Default)]
pub struct CancelHandle {
    token: sitebuilder::CancelToken,
}

#[napi]
impl CancelHandle {
    /// A handle that is not cancelled yet.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation of every run holding this handle; calling it again does nothing.
    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

impl CancelHandle {
    /// The core token, shared with this handle (cancelling either cancels both).
    pub(crate) fn token(&self) -> sitebuilder::CancelToken {
        self.token.clone()
    }
}
