//! Python aggregate functions (`udaf(AggregateFunction)`) inside a group aggregate.
//!
//! Owns one call of a user's `AggregateFunction`: its accumulator (the Python object
//! `create_accumulator()` returned, kept per group in the aggregate's keyed state), and the calls
//! PyFlink's Python group aggregate makes on it: `accumulate(acc, *args)` for +I/+U rows,
//! `retract(acc, *args)` for -U/-D rows, `get_value(acc)` after each change. Arguments are passed as
//! Python values of their declared SQL types (NULL as `None`); the result is converted to the
//! function's `result_type`. The group aggregate enters Python once per batch.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use sluice_types::TypeInfo;

use super::ScalarFn;
use crate::error::{JobError, Result};
use crate::python::convert::{from_py, to_py};
use crate::python::udf::PyFunction;
use crate::value::Value;

/// A group's accumulator object.
pub struct PyAccumulator(Py<PyAny>);

impl Clone for PyAccumulator {
    fn clone(&self) -> Self {
        PyAccumulator(Python::attach(|py| self.0.clone_ref(py)))
    }
}

impl std::fmt::Debug for PyAccumulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PyAccumulator")
    }
}

/// One call of a Python aggregate function: the function object, its compiled arguments and their
/// declared types, and its result type.
pub struct PyAggCall {
    function: PyFunction,
    args: Vec<ScalarFn>,
    arg_types: Vec<TypeInfo>,
    result_type: TypeInfo,
    /// The arguments go to `accumulate` / `retract` as one `Row` of this type (`flat_aggregate(f)`
    /// of a bare table aggregate function: the whole input row).
    row_arg: Option<TypeInfo>,
}

impl PyAggCall {
    pub fn new(function: PyFunction, args: Vec<ScalarFn>, arg_types: Vec<TypeInfo>, result_type: TypeInfo) -> Self {
        PyAggCall {
            function,
            args,
            arg_types,
            result_type,
            row_arg: None,
        }
    }

    /// `accumulate` / `retract` take the arguments as one `Row` of type `row`.
    pub fn row_arg(mut self, row: TypeInfo) -> Self {
        self.row_arg = Some(row);
        self
    }

    pub fn function(&self) -> &PyFunction {
        &self.function
    }

    fn method<'py>(&self, py: Python<'py>, name: &str) -> Result<Bound<'py, PyAny>> {
        self.function.object(py).getattr(name).map_err(|e| self.function.error(py, e))
    }

    /// `create_accumulator()`.
    pub fn create(&self) -> Result<PyAccumulator> {
        Python::attach(|py| {
            let acc = self
                .method(py, "create_accumulator")?
                .call0()
                .map_err(|e| self.function.error(py, e))?;
            Ok(PyAccumulator(acc.unbind()))
        })
    }

    /// `accumulate(acc, *args)` or, for a retraction, `retract(acc, *args)`.
    pub fn update(&self, acc: &PyAccumulator, row: &[Value], retract: bool) -> Result<()> {
        Python::attach(|py| {
            let mut args = Vec::with_capacity(self.args.len() + 1);
            args.push(acc.0.clone_ref(py).into_bound(py));
            if let Some(row_ty) = &self.row_arg {
                let packed = Value::Row(Box::new(crate::value::Row {
                    kind: crate::value::RowKind::Insert,
                    fields: self.args.iter().map(|arg| arg(row)).collect(),
                }));
                args.push(to_py(py, &packed, row_ty).map_err(|e| self.function.error(py, e))?);
            } else {
                for (arg, ty) in self.args.iter().zip(&self.arg_types) {
                    args.push(to_py(py, &arg(row), ty).map_err(|e| self.function.error(py, e))?);
                }
            }
            let method = self.method(py, if retract { "retract" } else { "accumulate" })?;
            PyTuple::new(py, args)
                .and_then(|args| method.call1(args))
                .map_err(|e| self.function.error(py, e))?;
            Ok(())
        })
    }

    /// `merge(acc, [other])`: folds `other` into `acc` (PyFlink's sliding group windows build each
    /// window's accumulator by merging its panes' into a fresh one).
    pub fn merge(&self, acc: &PyAccumulator, other: &PyAccumulator) -> Result<()> {
        Python::attach(|py| {
            let others = pyo3::types::PyList::new(py, [other.0.clone_ref(py)]).map_err(|e| self.function.error(py, e))?;
            self.method(py, "merge")?
                .call1((acc.0.clone_ref(py), others))
                .map_err(|e| self.function.error(py, e))?;
            Ok(())
        })
    }

    /// `get_value(acc)`, converted to the result type.
    pub fn value(&self, acc: &PyAccumulator) -> Result<Value> {
        Python::attach(|py| {
            let result = self
                .method(py, "get_value")?
                .call1((acc.0.clone_ref(py),))
                .map_err(|e| self.function.error(py, e))?;
            from_py(&result, &self.result_type)
                .map_err(|e| self.function.error(py, e))?
                .map_err(|e| {
                    JobError::User(format!(
                        "{} returned a value that does not match its result_type: {e}",
                        self.function.label()
                    ))
                })
        })
    }

    /// A table aggregate function's `emit_value(acc)`: the rows it yields, each converted to the
    /// result type (a ROW).
    pub fn emit_rows(&self, acc: &PyAccumulator) -> Result<Vec<Value>> {
        Python::attach(|py| {
            let result = self
                .method(py, "emit_value")?
                .call1((acc.0.clone_ref(py),))
                .map_err(|e| self.function.error(py, e))?;
            let mut rows = Vec::new();
            if result.is_none() {
                return Ok(rows);
            }
            let items = result.try_iter().map_err(|e| self.function.error(py, e))?;
            for item in items {
                let item = item.map_err(|e| self.function.error(py, e))?;
                let value = from_py(&item, &self.result_type).map_err(|e| self.function.error(py, e))?;
                rows.push(value.map_err(|e| {
                    JobError::User(format!(
                        "{} emitted a row that does not match its result type: {e}",
                        self.function.label()
                    ))
                })?);
            }
            Ok(rows)
        })
    }

    /// `open(function_context)`, once before the first row.
    pub fn open(&self) -> Result<()> {
        Python::attach(|py| {
            py.import("_sluice.harness")
                .and_then(|h| h.getattr("open_table_function")?.call1((self.function.object(py),)))
                .map(|_| ())
                .map_err(|e| self.function.error(py, e))
        })
    }

    pub fn close(&self) -> Result<()> {
        Python::attach(|py| {
            py.import("_sluice.harness")
                .and_then(|h| h.getattr("close_table_function")?.call1((self.function.object(py),)))
                .map(|_| ())
                .map_err(|e| self.function.error(py, e))
        })
    }
}
