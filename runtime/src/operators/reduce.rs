//! Keyed `reduce`: folds each key's records with a Python function and emits every running result,
//! as Flink does. In batch mode (`RuntimeExecutionMode.BATCH`) it emits only each key's final result,
//! at the end of the input, in the order of Flink's sort by key: a declared key type's order (strings
//! shorter first, as their serialized form begins with the length), or
//! for a pickled key (a `key_by` without `key_type`) the order of its pickled bytes as Flink sorts
//! them (shorter first, then byte by byte, bytes signed as Java's).

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

/// How batch mode orders the keys of its final results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// A declared key type's order.
    Typed,
    /// The pickled key's bytes (length first).
    Pickled,
}

pub struct PyReduce {
    core: PythonFunctionCore,
    value_type: TypeInfo,
    accumulators: HashMap<Value, Value>,
    /// Batch mode: only the final results, in this key order.
    batch: Option<KeyOrder>,
}

impl PyReduce {
    pub fn new(udf: PyFunction, value_type: TypeInfo) -> Self {
        PyReduce {
            core: PythonFunctionCore::new(udf, true),
            value_type,
            accumulators: HashMap::new(),
            batch: None,
        }
    }

    /// Batch mode: each key's final result at the end of the input, keys in `order`.
    pub fn batch(mut self, order: KeyOrder) -> Self {
        self.batch = Some(order);
        self
    }

    /// The final results, sorted by key as Flink's batch mode sorts its keyed input.
    fn final_results(&mut self, order: KeyOrder) -> Result<Batch> {
        let mut results: Vec<(Value, Value)> = self.accumulators.drain().collect();
        match order {
            // Strings sort by their serialized form, which starts with the length.
            KeyOrder::Typed => results.sort_by(|a, b| {
                let length = |v: &Value| match v {
                    Value::Str(s) => s.chars().count(),
                    _ => 0,
                };
                length(&a.0).cmp(&length(&b.0)).then_with(|| crate::table::aggregate::compare(&a.0, &b.0))
            }),
            KeyOrder::Pickled => {
                let pickled = Python::attach(|py| -> PyResult<Vec<Vec<u8>>> {
                    let dumps = py.import("pickle")?.getattr("dumps")?;
                    results
                        .iter()
                        .map(|(key, _)| dumps.call1((to_py(py, key, &TypeInfo::Pickled)?, 5))?.extract::<Vec<u8>>())
                        .collect()
                })
                .map_err(|e| crate::error::JobError::Internal(format!("cannot pickle a key to order the final results: {e}")))?;
                let mut keyed: Vec<(Vec<u8>, (Value, Value))> = pickled.into_iter().zip(results).collect();
                // Java's bytes are signed.
                let signed = |bytes: &[u8]| bytes.iter().map(|&b| b as i8).collect::<Vec<i8>>();
                keyed.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| signed(&a.0).cmp(&signed(&b.0))));
                results = keyed.into_iter().map(|(_, r)| r).collect();
            }
        }
        Ok(results.into_iter().map(|(key, value)| Record { value, key: Some(key), timestamp: None }).collect())
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
                if self.batch.is_some() {
                    self.accumulators.insert(key, value);
                    continue;
                }
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

    fn on_close(&mut self, out: &mut Batch) -> Result<()> {
        if let Some(order) = self.batch {
            out.extend(self.final_results(order)?);
        }
        self.core.close()
    }
}
