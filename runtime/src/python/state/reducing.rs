//! PyFlink's `ReducingState`: `add(v)` folds with the descriptor's reduce function, `get()`, `clear()`.

use pyo3::prelude::*;

use super::StateRef;
use crate::state::StateData;

#[pyclass(module = "_sluice_native", name = "ReducingState")]
pub struct PyReducingState {
    pub(super) state: StateRef,
    /// A ReduceFunction (its `reduce`) or a callable.
    pub(super) reduce: Py<PyAny>,
}

#[pymethods]
impl PyReducingState {
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.state.store.read(self.state.index, |d| match d {
            Some(StateData::Value(v)) => Some(v.clone()),
            _ => None,
        });
        match value {
            Some(v) => self.state.to_py(py, &v),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn add(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let current = self.get(py)?;
        let reduced = if current.is_none() {
            value.clone()
        } else {
            let function = self.reduce.bind(py);
            let call = if function.hasattr("reduce")? { function.getattr("reduce")? } else { function.clone() };
            call.call1((current, value))?
        };
        let v = self.state.from_py(&reduced, &self.state.ty)?;
        self.state.store.write(self.state.index, |_| (Some(StateData::Value(v)), ()));
        Ok(())
    }

    fn clear(&self) {
        self.state.store.clear(self.state.index);
    }
}
