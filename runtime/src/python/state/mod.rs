//! Python-facing keyed state: what `runtime_context.get_*_state(...)` returns inside a binary, one
//! handle type per state kind, and the timer service process functions use.

mod aggregating;
mod list;
mod map;
mod reducing;
mod timer_service;
mod value;

pub use aggregating::PyAggregatingState;
pub use list::PyListState;
pub use map::PyMapState;
pub use reducing::PyReducingState;
pub use timer_service::PyTimerService;
pub use value::PyValueState;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::convert::{from_py, to_py};
use crate::state::{KeyedStateStore, StateKind, StateSpec};
use crate::value::Value;

/// Handed to `open_function`; creates state handles on the operator's keyed state store.
#[pyclass(module = "_sluice_native", name = "KeyedStateStore")]
pub struct PyStateStore {
    pub store: KeyedStateStore,
}

fn parse_type(name: &str, spec_json: &str) -> PyResult<TypeInfo> {
    serde_json::from_str(spec_json)
        .map_err(|e| PyValueError::new_err(format!("state '{name}' has a type sluice cannot read: {e}")))
}

/// A registered state: the store, its index, its (value/element/accumulator) type and name.
#[derive(Clone)]
pub struct StateRef {
    store: KeyedStateStore,
    index: usize,
    ty: TypeInfo,
    name: String,
}

impl StateRef {
    fn to_py<'py>(&self, py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, value, &self.ty)
    }

    fn from_py(&self, obj: &Bound<'_, PyAny>, ty: &TypeInfo) -> PyResult<Value> {
        from_py(obj, ty)?.map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("state '{}': {e}", self.name)))
    }
}

impl PyStateStore {
    fn register(&self, name: &str, kind: StateKind, ty: TypeInfo, key_ty: Option<TypeInfo>, ttl_ms: Option<i64>) -> PyResult<StateRef> {
        let index = self
            .store
            .register(name, StateSpec { kind, ty: ty.clone(), key_ty, ttl_ms })
            .map_err(PyValueError::new_err)?;
        Ok(StateRef { store: self.store.clone(), index, ty, name: name.to_string() })
    }
}

#[pymethods]
impl PyStateStore {
    #[pyo3(signature = (name, spec_json, ttl_ms=None))]
    fn value_state(&self, name: &str, spec_json: &str, ttl_ms: Option<i64>) -> PyResult<PyValueState> {
        let state = self.register(name, StateKind::Value, parse_type(name, spec_json)?, None, ttl_ms)?;
        Ok(PyValueState { state })
    }

    #[pyo3(signature = (name, spec_json, ttl_ms=None))]
    fn list_state(&self, name: &str, spec_json: &str, ttl_ms: Option<i64>) -> PyResult<PyListState> {
        let state = self.register(name, StateKind::List, parse_type(name, spec_json)?, None, ttl_ms)?;
        Ok(PyListState { state })
    }

    #[pyo3(signature = (name, key_spec_json, value_spec_json, ttl_ms=None))]
    fn map_state(&self, name: &str, key_spec_json: &str, value_spec_json: &str, ttl_ms: Option<i64>) -> PyResult<PyMapState> {
        let key_ty = parse_type(name, key_spec_json)?;
        let state =
            self.register(name, StateKind::Map, parse_type(name, value_spec_json)?, Some(key_ty.clone()), ttl_ms)?;
        Ok(PyMapState { state, key_ty })
    }

    #[pyo3(signature = (name, spec_json, reduce_function, ttl_ms=None))]
    fn reducing_state(&self, name: &str, spec_json: &str, reduce_function: Py<PyAny>, ttl_ms: Option<i64>) -> PyResult<PyReducingState> {
        let state = self.register(name, StateKind::Reducing, parse_type(name, spec_json)?, None, ttl_ms)?;
        Ok(PyReducingState { state, reduce: reduce_function })
    }

    #[pyo3(signature = (name, spec_json, aggregate_function, ttl_ms=None))]
    fn aggregating_state(&self, name: &str, spec_json: &str, aggregate_function: Py<PyAny>, ttl_ms: Option<i64>) -> PyResult<PyAggregatingState> {
        let state = self.register(name, StateKind::Aggregating, parse_type(name, spec_json)?, None, ttl_ms)?;
        Ok(PyAggregatingState { state, aggregate: aggregate_function })
    }

    /// The timer service of this operator (shares the current key).
    fn timer_service(&self) -> PyTimerService {
        PyTimerService { store: self.store.clone() }
    }
}
