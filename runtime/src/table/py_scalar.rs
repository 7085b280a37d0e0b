//! One Python scalar function call site of a Table/SQL Calc: the function, its compiled arguments,
//! their declared types and the result's, and the tables that hand repeated values to Python as the
//! same objects.
//!
//! Calls go row by row, by vectorcall (the GIL is held for the whole batch by the Calc), so several
//! functions of one Calc interleave as PyFlink runs them. Driving a batch's calls with `builtins.map`
//! over argument lists, as the DataStream operators do (`python::batch`), measured slower here
//! (`bench/harness_instructions.sh`, `table_select`: 1,335 against 1,279 instructions per call), as
//! the rows must be walked once more to build the lists.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use sluice_types::TypeInfo;

use super::py_strings::PyStrings;
use super::ScalarFn;
use crate::error::{JobError, Result};
use crate::python::convert::{from_py, to_py};
use crate::python::repeats::PyInts;
use crate::python::udf::PyFunction;
use crate::value::Value;

/// One Python scalar function call: the function, its compiled arguments and declared types.
pub struct PyScalarCall {
    pub(super) function: PyFunction,
    args: Vec<ScalarFn>,
    /// For each argument that is a plain input column, its index: converted from the row's own
    /// value, without computing (cloning) it first.
    arg_columns: Vec<Option<usize>>,
    arg_types: Vec<TypeInfo>,
    result_type: TypeInfo,
    /// Repeated string arguments and results, as the same objects.
    strings: PyStrings,
    /// Repeated integer arguments as the same objects, one table per argument (each column's values
    /// repeat, or do not, on their own).
    ints: Vec<PyInts>,
}

impl PyScalarCall {
    pub fn new(function: PyFunction, args: Vec<ScalarFn>, arg_types: Vec<TypeInfo>, result_type: TypeInfo) -> Self {
        PyScalarCall {
            function,
            arg_columns: vec![None; args.len()],
            ints: args.iter().map(|_| PyInts::default()).collect(),
            args,
            arg_types,
            result_type,
            strings: PyStrings::default(),
        }
    }

    pub(super) fn function(&self) -> &PyFunction {
        &self.function
    }

    /// Marks the arguments that are plain input columns (`Some(index)`), read in place.
    pub fn column_args(mut self, columns: Vec<Option<usize>>) -> Self {
        if columns.len() == self.args.len() {
            self.arg_columns = columns;
        }
        self
    }

    /// Argument `i` on one row, as a Python object.
    fn arg<'py>(&mut self, py: Python<'py>, i: usize, fields: &[Value]) -> Result<Bound<'py, PyAny>> {
        let computed;
        let value = match self.arg_columns[i].and_then(|c| fields.get(c)) {
            Some(value) => value,
            None => {
                computed = (self.args[i])(fields);
                &computed
            }
        };
        match (value, &self.arg_types[i]) {
            (Value::Str(text), TypeInfo::String) => Ok(self.strings.to_py(py, text).into_any()),
            (Value::Int(n), _) => Ok(self.ints[i].to_py(py, *n).into_any()),
            (value, ty) => to_py(py, value, ty).map_err(|e| self.function.error(py, e)),
        }
    }

    /// One call on one row's fields (PandasCalc calls the general functions beside its pandas ones
    /// this way too).
    pub(super) fn call(&mut self, py: Python<'_>, fields: &[Value]) -> Result<Value> {
        // Up to three arguments go by vectorcall, without a tuple or a vector.
        let outcome = match self.args.len() {
            0 => self.function.callable(py).call0(),
            1 => {
                let a = self.arg(py, 0, fields)?;
                self.function.callable(py).call1((a,))
            }
            2 => {
                let (a, b) = (self.arg(py, 0, fields)?, self.arg(py, 1, fields)?);
                self.function.callable(py).call1((a, b))
            }
            3 => {
                let (a, b, c) = (self.arg(py, 0, fields)?, self.arg(py, 1, fields)?, self.arg(py, 2, fields)?);
                self.function.callable(py).call1((a, b, c))
            }
            n => {
                let args = (0..n).map(|i| self.arg(py, i, fields)).collect::<Result<Vec<_>>>()?;
                PyTuple::new(py, args).and_then(|args| self.function.callable(py).call1(args))
            }
        };
        self.result(py, outcome)
    }

    /// A call's outcome as a value of the declared result type, or the job's error.
    #[inline]
    pub(super) fn result(&mut self, py: Python<'_>, outcome: PyResult<Bound<'_, PyAny>>) -> Result<Value> {
        let result = outcome.map_err(|e| self.function.error(py, e))?;
        match self.result_type {
            TypeInfo::String => {
                if let Ok(text) = result.downcast::<PyString>() {
                    return self.strings.from_py(text).map(Value::Str).map_err(|e| self.function.error(py, e));
                }
            }
            // PyFlink reads a ROW result through `Row.get_fields_by_names`: anything but a Row (a
            // tuple, a list) fails there.
            TypeInfo::Row { .. } if !result.hasattr("get_fields_by_names").unwrap_or(false) => {
                let type_name = result.get_type().name().map_or_else(|_| "value".to_string(), |n| n.to_string());
                return Err(JobError::User(format!(
                    "{} returned a {type_name} for its ROW result_type: PyFlink 2.3 fails on it ('{type_name}' object has no attribute 'get_fields_by_names'); return a pyflink.common.Row",
                    self.function.label(),
                )));
            }
            _ => {}
        }
        from_py(&result, &self.result_type).map_err(|e| self.function.error(py, e))?.map_err(|e| {
            JobError::User(format!(
                "{} returned a value that does not match its result_type: {e}",
                self.function.label()
            ))
        })
    }
}
