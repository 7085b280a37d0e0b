//! PyFlink's `MapState`: get/put/put_all/remove/contains/keys/values/items/is_empty/clear, plus the
//! mapping protocol. Entries iterate in insertion order.

use indexmap::IndexMap;
use pyo3::exceptions::{PyKeyError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use sluice_types::TypeInfo;

use super::StateRef;
use crate::state::StateData;
use crate::value::Value;

#[pyclass(module = "_sluice_native", name = "MapState")]
pub struct PyMapState {
    pub(super) state: StateRef,
    pub(super) key_ty: TypeInfo,
}

impl PyMapState {
    fn entries(&self) -> IndexMap<Value, Value> {
        self.state.store.read(self.state.index, |d| match d {
            Some(StateData::Map(map)) => map.clone(),
            _ => IndexMap::new(),
        })
    }

    fn modify<R>(&self, f: impl FnOnce(&mut IndexMap<Value, Value>) -> R) -> PyResult<R> {
        self.state
            .store
            .write(self.state.index, |old| {
                let mut map = match old {
                    Some(StateData::Map(map)) => map,
                    _ => IndexMap::new(),
                };
                let result = f(&mut map);
                (if map.is_empty() { None } else { Some(StateData::Map(map)) }, result)
            })
            .ok_or_else(|| PyRuntimeError::new_err(format!("map state '{}' is not registered", self.state.name)))
    }

    fn key(&self, key: &Bound<'_, PyAny>) -> PyResult<Value> {
        self.state.from_py(key, &self.key_ty)
    }

    fn list_of<'py>(&self, py: Python<'py>, items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for item in items {
            list.append(item?)?;
        }
        Ok(list)
    }
}

#[pymethods]
impl PyMapState {
    fn get<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let k = self.key(key)?;
        match self.entries().get(&k) {
            Some(v) => self.state.to_py(py, v),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn put(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let (k, v) = (self.key(key)?, self.state.from_py(value, &self.state.ty)?);
        self.modify(|map| map.insert(k, v))?;
        Ok(())
    }

    /// A dict, or any iterable of (key, value) pairs.
    fn put_all(&self, entries: &Bound<'_, PyAny>) -> PyResult<()> {
        let items = match entries.downcast::<PyDict>() {
            Ok(dict) => dict.items().into_any(),
            Err(_) => entries.clone(),
        };
        let mut pairs = Vec::new();
        for item in items.try_iter()? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
            pairs.push((self.key(&k)?, self.state.from_py(&v, &self.state.ty)?));
        }
        self.modify(|map| map.extend(pairs))?;
        Ok(())
    }

    fn remove(&self, key: &Bound<'_, PyAny>) -> PyResult<()> {
        let k = self.key(key)?;
        self.modify(|map| map.shift_remove(&k))?;
        Ok(())
    }

    fn contains(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let k = self.key(key)?;
        Ok(self.entries().contains_key(&k))
    }

    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self.entries();
        self.list_of(py, entries.keys().map(|k| super::to_py(py, k, &self.key_ty)))
    }

    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self.entries();
        self.list_of(py, entries.values().map(|v| self.state.to_py(py, v)))
    }

    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self.entries();
        self.list_of(
            py,
            entries.iter().map(|(k, v)| {
                Ok(PyTuple::new(py, [super::to_py(py, k, &self.key_ty)?, self.state.to_py(py, v)?])?.into_any())
            }),
        )
    }

    fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    fn clear(&self) {
        self.state.store.clear(self.state.index);
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let k = self.key(key)?;
        match self.entries().get(&k) {
            Some(v) => self.state.to_py(py, v),
            None => Err(PyKeyError::new_err(key.clone().unbind())),
        }
    }

    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.put(key, value)
    }

    fn __delitem__(&self, key: &Bound<'_, PyAny>) -> PyResult<()> {
        self.remove(key)
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.contains(key)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.keys(py)?.try_iter()?.into_any())
    }
}
