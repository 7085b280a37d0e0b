//! `select` / `where`: Python scalar functions (one GIL acquisition per batch), then a native filter
//! and projection. As in Flink's PythonCalc, each function's result is appended to the row as an extra
//! column the compiled expressions read. Row kinds pass through unchanged.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use sluice_types::TypeInfo;

use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::python::convert::{from_py, to_py};
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

    fn call(&self, py: Python<'_>, fields: &[Value]) -> Result<Value> {
        let mut args = Vec::with_capacity(self.args.len());
        for (arg, ty) in self.args.iter().zip(&self.arg_types) {
            args.push(to_py(py, &arg(fields), ty).map_err(|e| self.function.error(py, e))?);
        }
        let result = PyTuple::new(py, args)
            .and_then(|args| self.function.callable(py).call1(args))
            .map_err(|e| self.function.error(py, e))?;
        from_py(&result, &self.result_type)
            .map_err(|e| self.function.error(py, e))?
            .map_err(|e| {
                JobError::User(format!(
                    "{} returned a value that does not match its result_type: {e}",
                    self.function.label()
                ))
            })
    }
}

pub struct TableCalc {
    python: Vec<PyScalarCall>,
    filter: Option<PredicateFn>,
    projection: Vec<ScalarFn>,
    /// The projection's output buffer, swapped with each row's fields: rows are projected in place,
    /// their allocations passed on rather than freed and allocated again.
    scratch: Vec<Value>,
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
            scratch: Vec::new(),
        }
    }

    /// Filters and projects `fields` (of the extended row) into `self.scratch`; false if dropped.
    fn project(&mut self, fields: &[Value]) -> bool {
        if let Some(filter) = &self.filter {
            if filter(fields) != Some(true) {
                return false;
            }
        }
        self.scratch.clear();
        self.scratch.extend(self.projection.iter().map(|f| f(fields)));
        true
    }

    /// Filters and projects a record, reusing its row.
    fn finish(&mut self, mut record: Record, out: &mut Batch) {
        if let Value::Row(row) = &mut record.value {
            if self.project(&row.fields) {
                std::mem::swap(&mut row.fields, &mut self.scratch);
                record.key = None;
                out.push(record);
            }
            return;
        }
        let (kind, fields, timestamp) = row_parts(record);
        if self.project(&fields) {
            out.push(Record {
                value: Value::Row(Box::new(Row {
                    kind,
                    fields: std::mem::take(&mut self.scratch),
                })),
                key: None,
                timestamp,
            });
        }
    }
}

/// A record's row kind and fields (a non-row value is one field).
fn row_parts(record: Record) -> (RowKind, Vec<Value>, Option<i64>) {
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
                self.finish(record, out);
            }
            return Ok(());
        }
        Python::attach(|py| {
            for mut record in input {
                // Each function's result is appended to the row it was called on.
                if let Value::Row(row) = &mut record.value {
                    let base = row.fields.len();
                    for call in &self.python {
                        let value = call.call(py, &row.fields[..base])?;
                        row.fields.push(value);
                    }
                } else {
                    let (kind, mut fields, timestamp) = row_parts(record);
                    let base = fields.len();
                    for call in &self.python {
                        let value = call.call(py, &fields[..base])?;
                        fields.push(value);
                    }
                    record = Record {
                        value: Value::Row(Box::new(Row { kind, fields })),
                        key: None,
                        timestamp,
                    };
                }
                self.finish(record, out);
            }
            Ok(())
        })
    }
}
