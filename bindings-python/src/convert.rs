//! JSON values across the boundary, through Python's own `json` module.
//!
//! `pythonize` does not support pyo3 0.30 yet; a `json` round trip is exact for every value the
//! core produces (objects, arrays, strings, integers, floats, booleans, null) and keeps the binding
//! free of per-type conversion code.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error;

static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn json_fn<'py>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyAny>>,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let f = cell.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr(name)?.unbind())
    })?;
    Ok(f.bind(py).clone())
}

/// A JSON value as the equivalent Python object (dict, list, str, int, float, bool, None).
pub(crate) fn to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    if value.is_null() {
        return Ok(py.None());
    }
    let text = serde_json::to_string(value)
        .map_err(|e| error::invalid_input(py, format!("cannot encode a result as JSON: {e}")))?;
    Ok(json_fn(py, &LOADS, "loads")?.call1((text,))?.unbind())
}

/// A Python object as a JSON value; anything `json.dumps` rejects is an `InvalidInputError`.
pub(crate) fn to_json(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    let text: String = json_fn(py, &DUMPS, "dumps")?
        .call1((obj,))
        .and_then(|s| s.extract())
        .map_err(|e| error::invalid_input(py, format!("{what} must be JSON-serialisable: {e}")))?;
    serde_json::from_str(&text).map_err(|e| error::invalid_input(py, format!("{what}: {e}")))
}

/// A Python object decoded into a core type; a shape mismatch names the field and is an
/// `InvalidInputError`.
pub(crate) fn from_py<T: DeserializeOwned>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<T> {
    let value = to_json(py, obj, what)?;
    let value = if value.is_null() {
        Value::Object(Default::default())
    } else {
        value
    };
    serde_json::from_value(value).map_err(|e| error::invalid_input(py, format!("{what}: {e}")))
}
