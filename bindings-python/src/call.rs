//! One native operation, run either blocking (GIL released) or as an asyncio awaitable.
//!
//! Every method of the native `SiteBuilder` returns a [`Call`] that has not started. `wait()` runs
//! it on the module runtime while the calling thread waits without the GIL, delivering progress
//! events to the Python callback on the calling thread (so a Celery task's `update_state` sees its
//! own request context). `start()` runs it in the background and returns an `asyncio.Future` of the
//! running loop, completed through `loop.call_soon_threadsafe`.
//!
//! Nothing is ever aborted midway: an aborted task could stop between two steps that the core
//! means to do together (an object written, its row not yet). Cancelling the asyncio future (or
//! Ctrl-C during `wait()`) instead cancels the call's [`CancelToken`] when it has one, so an AI run
//! stops at its next check with nothing charged and nothing left `generating`; a call without one
//! (a short database operation) finishes in the background and its result is dropped.
//! `pyo3-async-runtimes` is not used because its tokio runtime is a process-global that cannot be
//! rebuilt after `fork`.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;
use serde_json::Value;
use sitebuilder::CancelToken;
use sitebuilder::tasks::{Progress, ProgressCallback};

use crate::{convert, error, runtime};

/// What an operation hands back: a JSON value, or a JSON value with raw bytes (a download).
#[derive(Debug)]
pub(crate) enum Output {
    /// Becomes the equivalent Python object.
    Json(Value),
    /// Becomes a `(dict, bytes)` tuple.
    JsonAndBytes(Value, Vec<u8>),
}

/// The operation's future, boxed so every method can share one `Call` type.
pub(crate) type BoxFuture =
    Pin<Box<dyn Future<Output = sitebuilder::Result<Output>> + Send + 'static>>;

/// Builds the operation's future, given the progress callback to report to (if any).
pub(crate) type Job = Box<dyn FnOnce(Option<ProgressCallback>) -> BoxFuture + Send + 'static>;

/// A native operation that has not started yet; run it once with `wait()` or `start()`.
#[pyclass(module = "sitebuilder._native", frozen)]
pub(crate) struct Call {
    job: Mutex<Option<Job>>,
    on_progress: Option<Py<PyAny>>,
    cancel: Option<CancelToken>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl Call {
    /// A call of `job`, reporting progress to `on_progress` when given.
    pub(crate) fn new(on_progress: Option<Py<PyAny>>, job: Job) -> Self {
        Call {
            job: Mutex::new(Some(job)),
            on_progress,
            cancel: None,
        }
    }

    /// The same call, cancelled through `token` when its caller gives up (see the module doc).
    pub(crate) fn cancellable(mut self, token: CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// A call whose future ignores progress.
    pub(crate) fn plain<F>(fut: F) -> Self
    where
        F: Future<Output = sitebuilder::Result<Output>> + Send + 'static,
    {
        Call::new(None, Box::new(move |_| Box::pin(fut)))
    }

    fn take(&self) -> PyResult<Job> {
        self.job
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| {
                PyRuntimeError::new_err("this call was already run; each Call runs once")
            })
    }
}

/// What the running task sends back to a waiting thread.
enum Message {
    Progress(Progress),
    Done(sitebuilder::Result<Output>),
}

/// Calls the host's progress callback; an exception in it is logged, never raised.
fn deliver(py: Python<'_>, callback: &Bound<'_, PyAny>, payload: Bound<'_, PyAny>) {
    if let Err(err) = callback.call1((payload,)) {
        log_callback_error(py, err);
    }
}

fn log_callback_error(py: Python<'_>, err: PyErr) {
    let logged = (|| -> PyResult<()> {
        let logger = py
            .import("logging")?
            .call_method1("getLogger", ("sitebuilder",))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("exc_info", err.into_value(py))?;
        logger.call_method(
            "warning",
            ("on_progress callback raised; progress reporting continues",),
            Some(&kwargs),
        )?;
        Ok(())
    })();
    if let Err(e) = logged {
        e.write_unraisable(py, None);
    }
}

fn progress_payload<'py>(py: Python<'py>, p: &Progress) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(p).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok(convert::to_py(py, &value)?.into_bound(py))
}

/// Called on the event loop's thread: completes `future` unless it was cancelled meanwhile.
#[pyfunction]
fn _complete(future: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        future.call_method1("set_result", (value,))?;
    } else {
        future.call_method1("set_exception", (value,))?;
    }
    Ok(())
}

/// Called on the event loop's thread: hands one progress event to the host's callback.
#[pyfunction]
fn _progress(py: Python<'_>, callback: &Bound<'_, PyAny>, payload: &Bound<'_, PyAny>) {
    deliver(py, callback, payload.clone());
}

static COMPLETE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static PROGRESS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn complete_fn(py: Python<'_>) -> PyResult<Py<PyAny>> {
    COMPLETE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(wrap_pyfunction!(_complete, py)?.into_any().unbind())
        })
        .map(|f| f.clone_ref(py))
}

fn progress_fn(py: Python<'_>) -> PyResult<Py<PyAny>> {
    PROGRESS
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(wrap_pyfunction!(_progress, py)?.into_any().unbind())
        })
        .map(|f| f.clone_ref(py))
}

/// Cancels the run's token when its asyncio future is cancelled; the run then ends on its own.
#[pyclass(module = "sitebuilder._native", frozen)]
struct CancelOnCancel(CancelToken);

#[pymethods]
impl CancelOnCancel {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.0.cancel();
        }
        Ok(())
    }
}

fn result_to_py(py: Python<'_>, result: sitebuilder::Result<Output>) -> PyResult<Py<PyAny>> {
    match result {
        Ok(Output::Json(value)) => convert::to_py(py, &value),
        Ok(Output::JsonAndBytes(value, bytes)) => {
            let record = convert::to_py(py, &value)?;
            let data = PyBytes::new(py, &bytes).into_any().unbind();
            Ok((record, data).into_pyobject(py)?.into_any().unbind())
        }
        Err(err) => Err(error::to_pyerr(py, &err)),
    }
}

#[pymethods]
impl Call {
    /// Runs the operation to completion with the GIL released; returns its JSON result.
    fn wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let job = self.take()?;
        let rt = runtime::runtime()?;
        let (tx, rx) = channel::<Message>();
        let callback: Option<ProgressCallback> = self.on_progress.as_ref().map(|_| {
            let tx = Mutex::new(tx.clone());
            Arc::new(move |p: &Progress| {
                let _ = tx
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .send(Message::Progress(p.clone()));
            }) as ProgressCallback
        });
        let fut = job(callback);
        rt.spawn(async move {
            let result = fut.await;
            let _ = tx.send(Message::Done(result));
        });
        let mut rx = rx;
        loop {
            // The receiver is moved through `detach` and back because it is `Send` but not `Sync`.
            let (message, back) =
                py.detach(move || (rx.recv_timeout(Duration::from_millis(100)), rx));
            rx = back;
            match message {
                Ok(Message::Progress(p)) => {
                    if let Some(cb) = &self.on_progress {
                        match progress_payload(py, &p) {
                            Ok(payload) => deliver(py, cb.bind(py), payload),
                            Err(e) => log_callback_error(py, e),
                        }
                    }
                }
                Ok(Message::Done(result)) => return result_to_py(py, result),
                Err(RecvTimeoutError::Timeout) => {
                    // Lets Ctrl-C interrupt a long call: a run is cancelled through its token
                    // (it stops cleanly on its own); anything else finishes unobserved.
                    if let Err(interrupt) = py.check_signals() {
                        if let Some(token) = &self.cancel {
                            token.cancel();
                        }
                        return Err(interrupt);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err(
                        "the sitebuilder operation stopped without a result (it panicked); see the log",
                    ));
                }
            }
        }
    }

    /// Starts the operation on the runtime; returns an `asyncio.Future` of the running loop.
    fn start(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let asyncio = py.import("asyncio")?;
        let event_loop = asyncio.call_method0("get_running_loop")?;
        let future = event_loop.call_method0("create_future")?;
        let job = self.take()?;
        let rt = runtime::runtime()?;
        let complete = complete_fn(py)?;
        let progress_fn = progress_fn(py)?;

        let loop_ref: Arc<Py<PyAny>> = Arc::new(event_loop.clone().unbind());
        let callback: Option<ProgressCallback> = self.on_progress.as_ref().map(|cb| {
            let cb = cb.clone_ref(py);
            let event_loop = Arc::clone(&loop_ref);
            Arc::new(move |p: &Progress| {
                Python::attach(|py| {
                    let sent = progress_payload(py, p).and_then(|payload| {
                        event_loop
                            .bind(py)
                            .call_method1(
                                "call_soon_threadsafe",
                                (progress_fn.bind(py), cb.bind(py), payload),
                            )
                            .map(|_| ())
                    });
                    // A closed loop means nobody is listening any more; drop the event.
                    drop(sent);
                });
            }) as ProgressCallback
        });
        let fut = job(callback);
        let fut_ref = future.clone().unbind();
        let event_loop = Arc::clone(&loop_ref);
        rt.spawn(async move {
            let result = fut.await;
            Python::attach(|py| {
                let (ok, value) = match result_to_py(py, result) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                };
                let sent = event_loop.bind(py).call_method1(
                    "call_soon_threadsafe",
                    (complete.bind(py), fut_ref.bind(py), ok, value),
                );
                drop(sent);
            });
        });
        if let Some(token) = &self.cancel {
            future.call_method1("add_done_callback", (CancelOnCancel(token.clone()),))?;
        }
        Ok(future.unbind())
    }
}
