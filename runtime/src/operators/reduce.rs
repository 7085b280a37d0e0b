//! Keyed `reduce`: folds each key's records with a Python function and emits every running result,
//! as Flink does.

use std::collections::HashMap;

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct PyReduce {
    core: PythonFunctionCore,
    value_type: TypeInfo,
    accumulators: HashMap<Value, Value>,
}

impl PyReduce {
    pub fn new(udf: PyFunction, value_type: TypeInfo) -> Self {
        PyReduce {
            core: PythonFunctionCore::new(udf, true),
            value_type,
            accumulators: HashMap::new(),
        }
    }
}

impl Operator for PyReduce {
    fn name(&self) -> &str {
        self.core.udf.label()
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![
            StateDeclaration::Internal("reduce accumulator per key"),
            StateDeclaration::PythonKeyedState,
        ]
    }

    fn on_start(&mut self) -> Result<()> {
        self.core.open("Reduce")
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            let func = self.core.udf.callable(py);
            for record in input {
                let key = record.key.clone().unwrap_or_default();
                let value = match self.accumulators.get(&key) {
                    None => record.value,
                    Some(acc) => {
                        self.core.set_key(&record.key);
                        let err = |e| self.core.udf.error(py, e);
                        let a = to_py(py, acc, &self.value_type).map_err(err)?;
                        let b = to_py(py, &record.value, &self.value_type).map_err(err)?;
                        let result = func.call1((a, b)).map_err(err)?;
                        self.core.output(&result, &self.value_type)?
                    }
                };
                self.accumulators.insert(key, value.clone());
                // The key travels with the record: downstream on a forward edge it is still this
                // subtask's (print derives its subtask prefix from it).
                out.push(Record {
                    value,
                    key: record.key,
                    timestamp: record.timestamp,
                });
            }
            Ok(())
        })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
