//! Operators backed by the user's Python functions, one per file, and what they share: calling the
//! function for a batch under one GIL acquisition, converting results, and the open/close lifecycle.

pub mod co_process;
pub mod context;
pub mod filter;
pub mod flat_map;
pub mod identity;
pub mod key_by;
pub mod map;
pub mod process;
pub mod reduce;
pub mod timestamps;
pub mod window;

pub use co_process::{CoFunctionKind, PyCoProcess};
pub use filter::PyFilter;
pub use flat_map::PyFlatMap;
pub use identity::Identity;
pub use key_by::KeyBy;
pub use map::PyMap;
pub use process::PyProcess;
pub use reduce::{KeyOrder, PyReduce};
pub use timestamps::{TimestampsAndWatermarks, WatermarkKind};
pub use window::{TriggerKind, WindowAssigner, WindowConfig, WindowFunctionKind, WindowOperator};

use std::cell::RefCell;

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::python::batch::call_columns;
use crate::python::convert::{from_py, to_py, to_py_list};
use crate::python::repeats::PyInts;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::state::KeyedStateStore;
use crate::value::Value;

/// A Python function with the keyed state its operator provides (on keyed streams).
pub struct PythonFunctionCore {
    pub udf: PyFunction,
    pub state: Option<KeyedStateStore>,
    /// Repeated integer arguments, as the same objects.
    ints: RefCell<PyInts>,
}

impl PythonFunctionCore {
    pub fn new(udf: PyFunction, keyed: bool) -> Self {
        PythonFunctionCore {
            udf,
            state: keyed.then(KeyedStateStore::new),
            ints: RefCell::default(),
        }
    }

    pub fn open(&self, task_name: &str) -> Result<()> {
        Python::attach(|py| self.udf.open(py, task_name, self.state.as_ref()))
    }

    pub fn close(&self) -> Result<()> {
        Python::attach(|py| self.udf.close(py))
    }

    /// Points keyed state at the record's key before the function runs.
    pub fn set_key(&self, key: &Option<Value>) {
        if let Some(store) = &self.state {
            store.set_current_key(key.clone().unwrap_or_default());
        }
    }

    /// Calls the function on each record of a batch under one GIL acquisition, handing every result to
    /// `emit` with the record it came from. Without keyed state the calls are driven from C over the
    /// batch's converted values (`python::batch`); with it, keyed state is pointed at each record's key
    /// before its call.
    pub fn call_each(
        &self,
        input: Batch,
        input_type: &TypeInfo,
        mut emit: impl FnMut(&Self, Record, &Bound<'_, PyAny>) -> Result<()>,
    ) -> Result<()> {
        Python::attach(|py| {
            let func = self.udf.callable(py);
            if self.state.is_none() {
                let values = to_py_list(py, input.iter().map(|record| &record.value), input_type, &mut self.ints.borrow_mut())
                    .map_err(|e| self.udf.error(py, e))?;
                let mut records = input.into_iter();
                return call_columns(
                    func,
                    vec![values],
                    |_, result| match records.next() {
                        Some(record) => emit(self, record, &result),
                        None => Err(JobError::Internal("map produced more results than records".into())),
                    },
                    |e| self.udf.error(py, e),
                );
            }
            for record in input {
                self.set_key(&record.key);
                let result = to_py(py, &record.value, input_type)
                    .and_then(|arg| func.call1((arg,)))
                    .map_err(|e| self.udf.error(py, e))?;
                emit(self, record, &result)?;
            }
            Ok(())
        })
    }

    /// Converts what the function returned to the declared output type.
    pub fn output(&self, result: &Bound<'_, PyAny>, ty: &TypeInfo) -> Result<Value> {
        from_py(result, ty)
            .map_err(|e| self.udf.error(result.py(), e))?
            .map_err(|e| self.udf.type_error(e))
    }
}
