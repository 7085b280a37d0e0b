//! PyFlink's `ValueState`: `value()`, `update(v)`, `clear()` for the current key.

use pyo3::prelude::*;

use super::StateRef;
use crate::state::StateData;

#[pyclass(module = "_sluice_native", name = "ValueState")]
pub struct PyValueState {
    pub(super) state: StateRef,
}

#[pymethods]
impl PyValueState {
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.state.store.read(self.state.index, |d| match d {
            Some(StateData::Value(v)) => Some(v.clone()),
            _ => None,
        });
        match value {
            Some(v) => self.state.to_py(py, &v),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn update(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.state.from_py(value, &self.state.ty)?;
        self.state.store.write(self.state.index, |_| (Some(StateData::Value(v)), ()));
        Ok(())
    }

    fn clear(&self) {
        self.state.store.clear(self.state.index);
    }
}
