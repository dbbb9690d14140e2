//! Native part of the `sitebuilder` Python package (`sitebuilder._native`).
//!
//! Thin by design: it translates Python values to core types and back (JSON-shaped, see
//! `convert`), core errors to the exception hierarchy (`error`), and drives the core's async API on
//! a fork-safe runtime (`runtime`, `call`). The typed Python API lives in `python/sitebuilder`.
#![forbid(unsafe_code)]

mod assets;
mod builder;
mod call;
mod cancel;
mod convert;
mod error;
mod runtime;

use pyo3::prelude::*;

/// Process id of the current runtime, for fork tests.
#[pyfunction]
fn _runtime_pid() -> Option<u32> {
    runtime::runtime_pid()
}

/// Builds the runtime now (tests fork after this to prove the child builds its own).
#[pyfunction]
fn _ensure_runtime() -> PyResult<u32> {
    runtime::runtime()?;
    Ok(std::process::id())
}

/// The core's operations catalogue as JSON (names, arguments, routes, JSON Schemas).
#[pyfunction]
fn catalogue() -> String {
    sitebuilder::ops::catalogue_json().to_string()
}

/// The OpenAPI 3.1 document of the catalogue's HTTP routes, as JSON.
#[pyfunction]
fn openapi() -> String {
    sitebuilder::ops::openapi().to_string()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", sitebuilder::ERROR_CODES.to_vec())?;
    error::register(py, m)?;
    m.add_class::<builder::NativeSiteBuilder>()?;
    m.add_class::<call::Call>()?;
    m.add_class::<cancel::PyCancelToken>()?;
    m.add_function(wrap_pyfunction!(error::error_for_code, m)?)?;
    m.add_function(wrap_pyfunction!(catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(openapi, m)?)?;
    m.add_function(wrap_pyfunction!(_runtime_pid, m)?)?;
    m.add_function(wrap_pyfunction!(_ensure_runtime, m)?)?;
    Ok(())
}
