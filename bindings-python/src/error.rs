//! Core errors as Python exceptions: one class per stable code, under `SiteBuilderError`.
//!
//! Each class also subclasses the builtin a Python caller would naturally catch (`ValueError` for
//! invalid input, `LookupError` for a missing record, `ConnectionError` for an unreachable
//! provider…), carries `.code` and `.message`, and the core's fields where they help a caller act
//! (`.required`/`.available` on insufficient credits, `.pending` on migrations). The core's source
//! chain becomes the `__cause__` chain. The classes are made with `type()` at import because pyo3's
//! `create_exception!` cannot express two bases.

use std::error::Error as _;

use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// One exception class: its name, the code it stands for (none for grouping classes), its
/// sitebuilder parent and the builtins it also derives from.
struct Spec {
    name: &'static str,
    code: Option<&'static str>,
    parent: &'static str,
    builtins: &'static [&'static str],
    doc: &'static str,
}

const BASE: &str = "SiteBuilderError";

/// Parents come before children.
const SPECS: &[Spec] = &[
    Spec {
        name: "ProviderError",
        code: None,
        parent: BASE,
        builtins: &[],
        doc: "The AI provider failed or refused the request.",
    },
    Spec {
        name: "AIOutputError",
        code: None,
        parent: BASE,
        builtins: &[],
        doc: "The model answered, but not with something usable.",
    },
    Spec {
        name: "InvalidInputError",
        code: Some("invalid_input"),
        parent: BASE,
        builtins: &["ValueError"],
        doc: "A value passed to the library cannot be accepted; the message names the field.",
    },
    Spec {
        name: "NotFoundError",
        code: Some("not_found"),
        parent: BASE,
        builtins: &["LookupError"],
        doc: "The record does not exist for this account (other accounts' rows are never visible).",
    },
    Spec {
        name: "InsufficientCreditsError",
        code: Some("insufficient_credits"),
        parent: BASE,
        builtins: &[],
        doc: "The account's balance does not cover the operation; nothing was charged. See .required and .available.",
    },
    Spec {
        name: "MigrationRequiredError",
        code: Some("migration_required"),
        parent: BASE,
        builtins: &["RuntimeError"],
        doc: "The database schema is behind the library; call migrate(). See .pending.",
    },
    Spec {
        name: "MigrationChecksumMismatchError",
        code: Some("migration_checksum_mismatch"),
        parent: BASE,
        builtins: &["RuntimeError"],
        doc: "An applied migration differs from the one this library ships.",
    },
    Spec {
        name: "SchemaMismatchError",
        code: Some("schema_mismatch"),
        parent: BASE,
        builtins: &["RuntimeError"],
        doc: "Existing tables lack columns the library needs. See .missing.",
    },
    Spec {
        name: "ConflictError",
        code: Some("conflict"),
        parent: BASE,
        builtins: &["RuntimeError"],
        doc: "The operation conflicts with the record's current state.",
    },
    Spec {
        name: "ProviderUnavailableError",
        code: Some("provider_unavailable"),
        parent: "ProviderError",
        builtins: &["ConnectionError"],
        doc: "The AI provider could not be reached or kept failing after retries.",
    },
    Spec {
        name: "ProviderRejectedError",
        code: Some("provider_rejected"),
        parent: "ProviderError",
        builtins: &[],
        doc: "The AI provider rejected the request (bad key, unknown model, bad request). See .status.",
    },
    Spec {
        name: "AIRefusedError",
        code: Some("ai_refused"),
        parent: "AIOutputError",
        builtins: &[],
        doc: "The model refused to answer.",
    },
    Spec {
        name: "AIOutputTruncatedError",
        code: Some("ai_output_truncated"),
        parent: "AIOutputError",
        builtins: &[],
        doc: "The model's answer was cut off at its token limit.",
    },
    Spec {
        name: "InvalidAIOutputError",
        code: Some("invalid_ai_output"),
        parent: "AIOutputError",
        builtins: &["ValueError"],
        doc: "The model's answer could not be parsed or validated, even after re-asking. See .errors.",
    },
    Spec {
        name: "CancelledError",
        code: Some("cancelled"),
        parent: BASE,
        builtins: &[],
        doc: "The run was cancelled before it finished; nothing was charged.",
    },
    Spec {
        name: "ConfigurationError",
        code: Some("configuration"),
        parent: BASE,
        builtins: &["ValueError"],
        doc: "The library is configured inconsistently (bad URL, missing feature...).",
    },
    Spec {
        name: "DatabaseError",
        code: Some("database"),
        parent: BASE,
        builtins: &["RuntimeError"],
        doc: "The database failed; the operation was rolled back.",
    },
    Spec {
        name: "JSONError",
        code: Some("json"),
        parent: BASE,
        builtins: &["ValueError"],
        doc: "A JSON value could not be encoded or decoded.",
    },
    Spec {
        name: "QuotaExceededError",
        code: Some("quota_exceeded"),
        parent: BASE,
        builtins: &[],
        doc: "A size or storage limit would be exceeded; nothing was written.",
    },
    Spec {
        name: "FileStorageError",
        code: Some("file_storage"),
        parent: BASE,
        builtins: &["OSError"],
        doc: "A file or object store operation failed.",
    },
];

/// A built class: its name, the code it stands for, the class object.
type Class = (&'static str, Option<&'static str>, Py<PyType>);

/// Classes by name, built once at import.
static CLASSES: PyOnceLock<Vec<Class>> = PyOnceLock::new();

fn make_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Vec<Bound<'py, PyAny>>,
    code: &str,
    doc: &str,
) -> PyResult<Bound<'py, PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "sitebuilder")?;
    ns.set_item("__doc__", doc)?;
    ns.set_item("code", code)?;
    let bases = PyTuple::new(py, bases)?;
    let class = py
        .import("builtins")?
        .getattr("type")?
        .call1((name, bases, ns))?;
    Ok(class.cast_into::<PyType>()?)
}

/// Creates every class and adds it to the module.
pub(crate) fn register(py: Python<'_>, module: &Bound<'_, PyModule>) -> PyResult<()> {
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<_> {
        let builtins = py.import("builtins")?;
        let base = make_class(
            py,
            BASE,
            vec![py.get_type::<PyException>().into_any()],
            "error",
            "Base of every sitebuilder error. `.code` is the stable machine code; `.message` says what to do.",
        )?;
        let mut out: Vec<Class> = vec![(BASE, None, base.unbind())];
        for spec in SPECS {
            let parent = out
                .iter()
                .find(|(n, _, _)| *n == spec.parent)
                .map(|(_, _, c)| c.bind(py).clone().into_any())
                .ok_or_else(|| PyRuntimeError::new_err(format!("exception parent {} missing", spec.parent)))?;
            let mut bases = vec![parent];
            for b in spec.builtins {
                bases.push(builtins.getattr(*b)?);
            }
            let code = spec.code.unwrap_or("error");
            let class = make_class(py, spec.name, bases, code, spec.doc)?;
            out.push((spec.name, spec.code, class.unbind()));
        }
        Ok(out)
    })?;
    for (name, _, class) in classes {
        module.add(*name, class.bind(py))?;
    }
    Ok(())
}

/// The class for a code; unknown codes (a newer core) fall back to `SiteBuilderError`.
fn class_for<'py>(py: Python<'py>, code: &str) -> PyResult<Bound<'py, PyType>> {
    let classes = CLASSES
        .get(py)
        .ok_or_else(|| PyRuntimeError::new_err("sitebuilder exceptions are not initialised"))?;
    let found = classes
        .iter()
        .find(|(_, c, _)| *c == Some(code))
        .or_else(|| classes.iter().find(|(n, _, _)| *n == BASE))
        .map(|(_, _, class)| class.bind(py).clone());
    found.ok_or_else(|| PyRuntimeError::new_err("SiteBuilderError missing"))
}

/// Builds the exception for `code` with `message`; attribute errors become the raised error.
fn build(
    py: Python<'_>,
    code: &str,
    message: &str,
    fields: &[(String, Py<PyAny>)],
) -> PyResult<PyErr> {
    let class = class_for(py, code)?;
    let exc = class.call1((message,))?;
    exc.setattr("code", code)?;
    exc.setattr("message", message)?;
    for (name, value) in fields {
        exc.setattr(name.as_str(), value)?;
    }
    Ok(PyErr::from_value(exc))
}

/// A failure while building the exception is raised instead of it (it only happens when the
/// interpreter is out of memory or shutting down).
fn or_internal(made: PyResult<PyErr>) -> PyErr {
    made.unwrap_or_else(|e| e)
}

/// An `InvalidInputError` raised by the binding itself (a Python value of the wrong shape).
pub(crate) fn invalid_input(py: Python<'_>, message: impl Into<String>) -> PyErr {
    let message = message.into();
    or_internal(build(py, "invalid_input", &message, &[]))
}

/// Translates a core error: its class by code, its fields, and its source chain as `__cause__`.
pub(crate) fn to_pyerr(py: Python<'_>, err: &sitebuilder::Error) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let fields = fields(py, err)?;
        let exc = build(py, err.code(), &err.to_string(), &fields)?;
        let mut causes: Vec<String> = Vec::new();
        let mut source = err.source();
        while let Some(s) = source {
            causes.push(s.to_string());
            source = s.source();
        }
        // Innermost first, so each wraps the one below it.
        let mut below: Option<PyErr> = None;
        for text in causes.iter().rev() {
            let cause = PyRuntimeError::new_err(text.clone());
            cause.set_cause(py, below.take());
            below = Some(cause);
        }
        exc.set_cause(py, below);
        Ok(exc)
    })();
    or_internal(made)
}

/// The variant's attributes, as the core serialises them (`Error::fields`).
fn fields(py: Python<'_>, err: &sitebuilder::Error) -> PyResult<Vec<(String, Py<PyAny>)>> {
    err.fields()
        .iter()
        .map(|(k, v)| Ok((k.clone(), crate::convert::to_py(py, v)?)))
        .collect()
}

/// Builds the exception for `code` with a message, for tests and for hosts re-raising stored
/// task errors (`TaskRecord.error_code`).
#[pyfunction]
#[pyo3(signature = (code, message, **fields))]
pub(crate) fn error_for_code(
    py: Python<'_>,
    code: &str,
    message: &str,
    fields: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let mut extra: Vec<(String, Py<PyAny>)> = Vec::new();
    if let Some(fields) = fields {
        for (k, val) in fields.iter() {
            extra.push((k.extract()?, val.unbind()));
        }
    }
    let err = build(py, code, message, &extra)?;
    Ok(err.into_value(py).into_any())
}
