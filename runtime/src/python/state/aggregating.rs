//! PyFlink's `AggregatingState`: `add(v)` folds into the accumulator with the descriptor's
//! AggregateFunction (`create_accumulator`, `add`), `get()` returns its `get_result`.

use pyo3::prelude::*;

use super::StateRef;
use crate::state::StateData;

#[pyclass(module = "_sluice_native", name = "AggregatingState")]
pub struct PyAggregatingState {
    pub(super) state: StateRef,
    pub(super) aggregate: Py<PyAny>,
}

impl PyAggregatingState {
    fn accumulator<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let value = self.state.store.read(self.state.index, |d| match d {
            Some(StateData::Value(v)) => Some(v.clone()),
            _ => None,
        });
        value.map(|v| self.state.to_py(py, &v)).transpose()
    }
}

#[pymethods]
impl PyAggregatingState {
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.accumulator(py)? {
            Some(acc) => self.aggregate.bind(py).call_method1("get_result", (acc,)),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn add(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let function = self.aggregate.bind(py);
        let acc = match self.accumulator(py)? {
            Some(acc) => acc,
            None => function.call_method0("create_accumulator")?,
        };
        let acc = function.call_method1("add", (value, acc))?;
        let v = self.state.from_py(&acc, &self.state.ty)?;
        self.state.store.write(self.state.index, |_| (Some(StateData::Value(v)), ()));
        Ok(())
    }

    fn clear(&self) {
        self.state.store.clear(self.state.index);
    }
}
