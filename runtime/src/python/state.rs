//! Python-facing state objects: what `runtime_context.get_state(...)` returns inside a binary.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::convert::{from_py, to_py};
use crate::state::KeyedStateStore;

/// Handed to `open_function`; creates state handles on the operator's keyed state store.
#[pyclass(module = "_sluice_native", name = "KeyedStateStore")]
pub struct PyStateStore {
    pub store: KeyedStateStore,
}

#[pymethods]
impl PyStateStore {
    fn value_state(&self, name: &str, spec_json: &str) -> PyResult<PyValueState> {
        let ty: TypeInfo = serde_json::from_str(spec_json).map_err(|e| {
            PyValueError::new_err(format!("state '{name}' has a type sluice cannot read: {e}"))
        })?;
        let index = self
            .store
            .value_state(name, ty.clone())
            .map_err(PyValueError::new_err)?;
        Ok(PyValueState {
            store: self.store.clone(),
            index,
            ty,
            name: name.to_string(),
        })
    }
}

/// PyFlink's `ValueState`: `value()`, `update(v)`, `clear()` for the current key.
#[pyclass(module = "_sluice_native", name = "ValueState")]
pub struct PyValueState {
    store: KeyedStateStore,
    index: usize,
    ty: TypeInfo,
    name: String,
}

#[pymethods]
impl PyValueState {
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.store.get(self.index) {
            Some(value) => to_py(py, &value, &self.ty),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn update(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        match from_py(value, &self.ty)? {
            Ok(v) => {
                self.store.put(self.index, v);
                Ok(())
            }
            Err(e) => Err(PyTypeError::new_err(format!(
                "ValueState '{}' update: {e}",
                self.name
            ))),
        }
    }

    fn clear(&self) {
        self.store.clear(self.index);
    }
}
