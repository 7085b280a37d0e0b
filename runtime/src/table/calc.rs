//! `select` / `where`: Python scalar functions (one GIL acquisition per batch), then a native filter
//! and projection. As in Flink's PythonCalc, each function's result is appended to the row as an extra
//! column the compiled expressions read. Row kinds pass through unchanged.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use sluice_types::TypeInfo;

use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::python::batch::map_calls;
use crate::python::convert::{from_py, to_py, to_py_list};
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// One Python scalar function call: the function, its compiled arguments and declared types.
pub struct PyScalarCall {
    function: PyFunction,
    args: Vec<ScalarFn>,
    arg_types: Vec<TypeInfo>,
    result_type: TypeInfo,
}

impl PyScalarCall {
    pub fn new(
        function: PyFunction,
        args: Vec<ScalarFn>,
        arg_types: Vec<TypeInfo>,
        result_type: TypeInfo,
    ) -> Self {
        PyScalarCall {
            function,
            args,
            arg_types,
            result_type,
        }
    }

    pub(super) fn function(&self) -> &PyFunction {
        &self.function
    }

    /// One call on one row's fields (PandasCalc calls the general functions beside its pandas ones
    /// row by row).
    pub(super) fn call(&self, py: Python<'_>, fields: &[Value]) -> Result<Value> {
        let mut args = Vec::with_capacity(self.args.len());
        for (arg, ty) in self.args.iter().zip(&self.arg_types) {
            args.push(to_py(py, &arg(fields), ty).map_err(|e| self.function.error(py, e))?);
        }
        let result = PyTuple::new(py, args).and_then(|args| self.function.callable(py).call1(args));
        self.result(py, result)
    }

    /// The batch's arguments, one Python list per parameter.
    fn argument_columns<'py>(&self, py: Python<'py>, rows: &[RowParts]) -> Result<Vec<Bound<'py, PyList>>> {
        self.args
            .iter()
            .zip(&self.arg_types)
            .map(|(arg, ty)| {
                let values: Vec<Value> = rows.iter().map(|(_, fields, _)| arg(fields)).collect();
                to_py_list(py, values.iter(), ty).map_err(|e| self.function.error(py, e))
            })
            .collect()
    }

    /// One result of the function, checked against its result type.
    fn result(&self, py: Python<'_>, result: PyResult<Bound<'_, PyAny>>) -> Result<Value> {
        let result = result.map_err(|e| self.function.error(py, e))?;
        from_py(&result, &self.result_type)
            .map_err(|e| self.function.error(result.py(), e))?
            .map_err(|e| {
                JobError::User(format!(
                    "{} returned a value that does not match its result_type: {e}",
                    self.function.label()
                ))
            })
    }
}

/// A row's kind, fields and timestamp.
pub(super) type RowParts = (RowKind, Vec<Value>, Option<i64>);

pub struct TableCalc {
    python: Vec<PyScalarCall>,
    filter: Option<PredicateFn>,
    projection: Vec<ScalarFn>,
}

impl TableCalc {
    pub fn new(
        python: Vec<PyScalarCall>,
        filter: Option<PredicateFn>,
        projection: Vec<ScalarFn>,
    ) -> Self {
        TableCalc {
            python,
            filter,
            projection,
        }
    }

    fn finish(&self, kind: RowKind, fields: &[Value], timestamp: Option<i64>, out: &mut Batch) {
        if let Some(filter) = &self.filter {
            if filter(fields) != Some(true) {
                return;
            }
        }
        let projected = self.projection.iter().map(|f| f(fields)).collect();
        out.push(Record {
            value: Value::Row(Box::new(Row {
                kind,
                fields: projected,
            })),
            key: None,
            timestamp,
        });
    }
}

/// A record's row kind and fields (a non-row value is one field).
pub(super) fn row_parts(record: Record) -> RowParts {
    match record.value {
        Value::Row(row) => (row.kind, row.fields, record.timestamp),
        // A DataStream's tuples entering a table (from_data_stream).
        Value::Tuple(fields) => (RowKind::Insert, fields, record.timestamp),
        other => (RowKind::Insert, vec![other], record.timestamp),
    }
}

impl Operator for TableCalc {
    fn name(&self) -> &str {
        if self.python.is_empty() {
            "Calc"
        } else {
            "PythonCalc"
        }
    }

    /// `ScalarFunction.open(function_context)` once per function (metrics, job parameters), as Flink.
    fn on_start(&mut self) -> Result<()> {
        Python::attach(|py| {
            for call in &self.python {
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("open_table_function")?.call1((call.function.callable(py),)))
                    .map_err(|e| call.function.error(py, e))?;
            }
            Ok(())
        })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            for call in &self.python {
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("close_table_function")?.call1((call.function.callable(py),)))
                    .map_err(|e| call.function.error(py, e))?;
            }
            Ok(())
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        if self.python.is_empty() {
            for record in input {
                let (kind, fields, ts) = row_parts(record);
                self.finish(kind, &fields, ts, out);
            }
            return Ok(());
        }
        // Every function's arguments come from the input columns, so they are converted for the whole
        // batch up front; the functions are then called row by row, in order (one `map` iterator per
        // function, advanced in turn), as Flink's PythonCalc evaluates them.
        let mut rows: Vec<RowParts> = input.into_iter().map(row_parts).collect();
        Python::attach(|py| {
            let mut calls = Vec::with_capacity(self.python.len());
            for call in &self.python {
                let columns = call.argument_columns(py, &rows)?;
                let results = map_calls(call.function.callable(py), columns)
                    .map_err(|e| call.function.error(py, e))?;
                calls.push((call, results));
            }
            for (kind, fields, ts) in &mut rows {
                for (call, results) in &mut calls {
                    let result = results.next().ok_or_else(|| {
                        JobError::Internal(format!("{} returned fewer results than rows", call.function.label()))
                    })?;
                    fields.push(call.result(py, result)?);
                }
                self.finish(*kind, fields, *ts, out);
            }
            Ok(())
        })
    }
}
