//! PyFlink's `ListState`: `get()`, `add(v)`, `add_all(vs)`, `update(vs)`, `clear()`.

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::StateRef;
use crate::state::StateData;
use crate::value::Value;

#[pyclass(module = "_sluice_native", name = "ListState")]
pub struct PyListState {
    pub(super) state: StateRef,
}

impl PyListState {
    fn convert_all(&self, values: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
        values.try_iter()?.map(|v| self.state.from_py(&v?, &self.state.ty)).collect()
    }

    fn append(&self, mut values: Vec<Value>) {
        self.state.store.write(self.state.index, |old| {
            let mut list = match old {
                Some(StateData::List(list)) => list,
                _ => Vec::new(),
            };
            list.append(&mut values);
            (Some(StateData::List(list)), ())
        });
    }
}

#[pymethods]
impl PyListState {
    /// The elements, as a list (PyFlink returns an iterable; a list is one).
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self.state.store.read(self.state.index, |d| match d {
            Some(StateData::List(list)) => list.clone(),
            _ => Vec::new(),
        });
        let list = PyList::empty(py);
        for item in &items {
            list.append(self.state.to_py(py, item)?)?;
        }
        Ok(list)
    }

    fn add(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.state.from_py(value, &self.state.ty)?;
        self.append(vec![v]);
        Ok(())
    }

    fn add_all(&self, values: &Bound<'_, PyAny>) -> PyResult<()> {
        let values = self.convert_all(values)?;
        self.append(values);
        Ok(())
    }

    fn update(&self, values: &Bound<'_, PyAny>) -> PyResult<()> {
        let values = self.convert_all(values)?;
        self.state.store.write(self.state.index, |_| {
            (if values.is_empty() { None } else { Some(StateData::List(values)) }, ())
        });
        Ok(())
    }

    fn clear(&self) {
        self.state.store.clear(self.state.index);
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.get(py)?.try_iter()?.into_any())
    }
}
