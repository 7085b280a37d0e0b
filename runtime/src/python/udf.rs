//! A user's Python function as an operator holds it: the object, the callable invoked per record, and
//! a label naming it for error messages (`map function MyMapFunction.map at job.py:16`).

use pyo3::prelude::*;

use super::format_traceback;
use super::state::PyStateStore;
use crate::error::JobError;
use crate::state::KeyedStateStore;

pub struct PyFunction {
    object: Py<PyAny>,
    call: Py<PyAny>,
    method: Option<String>,
    label: String,
}

impl PyFunction {
    /// `method` is the method PyFlink calls on a Function subclass (`map`, `flat_map`, ...); `None`
    /// for lambdas and plain functions.
    pub fn new(object: &Bound<'_, PyAny>, method: Option<&str>, label: String) -> PyResult<Self> {
        let call = match method {
            Some(name) => object.getattr(name)?,
            None => object.clone(),
        };
        Ok(PyFunction {
            object: object.clone().unbind(),
            call: call.unbind(),
            method: method.map(str::to_string),
            label,
        })
    }

    /// The method called on a Function object, `None` for plain callables.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn object<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.object.bind(py)
    }

    pub fn callable<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.call.bind(py)
    }

    /// Calls `open(runtime_context)` on Function subclasses, with keyed state when the stream is keyed.
    pub fn open(
        &self,
        py: Python<'_>,
        task_name: &str,
        state: Option<&KeyedStateStore>,
    ) -> Result<(), JobError> {
        let store = match state {
            Some(store) => Some(
                Py::new(
                    py,
                    PyStateStore {
                        store: store.clone(),
                    },
                )
                .map_err(|e| self.error(py, e))?,
            ),
            None => None,
        };
        py.import("_sluice.harness")
            .and_then(|h| {
                h.getattr("open_function")?
                    .call1((self.object.bind(py), task_name, store))
            })
            .map(|_| ())
            .map_err(|e| self.error(py, e))
    }

    pub fn close(&self, py: Python<'_>) -> Result<(), JobError> {
        py.import("_sluice.harness")
            .and_then(|h| h.getattr("close_function")?.call1((self.object.bind(py),)))
            .map(|_| ())
            .map_err(|e| self.error(py, e))
    }

    /// Wraps a Python exception raised by this function with its label and traceback.
    pub fn error(&self, py: Python<'_>, err: PyErr) -> JobError {
        JobError::Python {
            context: format!("{} raised an exception", self.label),
            traceback: format_traceback(py, &err),
        }
    }

    /// A value the function returned that does not fit the declared output type.
    pub fn type_error(&self, detail: impl std::fmt::Display) -> JobError {
        JobError::User(format!(
            "{} returned a value that does not match its output_type: {detail}",
            self.label
        ))
    }
}
