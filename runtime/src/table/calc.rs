//! `select` / `where`: Python scalar functions (one GIL acquisition per batch), then a native filter
//! and projection. As in Flink's PythonCalc, each function's result is appended to the row as an extra
//! column the compiled expressions read. Row kinds pass through unchanged.
//!
//! Rows are projected in place: the output columns that are the input's own at the same position
//! (or that no consumer reads) stay as they are, the others are computed, and the row's allocation
//! goes on downstream; a row the filter drops goes back to the row pool.

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use sluice_types::TypeInfo;

use super::py_strings::PyStrings;
use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::python::convert::{from_py, to_py};
use crate::python::repeats::PyInts;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// One Python scalar function call: the function, its compiled arguments and declared types.
pub struct PyScalarCall {
    function: PyFunction,
    args: Vec<ScalarFn>,
    /// For each argument that is a plain input column, its index: converted from the row's own
    /// value, without computing (cloning) it first.
    arg_columns: Vec<Option<usize>>,
    arg_types: Vec<TypeInfo>,
    result_type: TypeInfo,
    /// Repeated string arguments and results, as the same objects.
    strings: PyStrings,
    /// Repeated integer arguments, as the same objects.
    ints: PyInts,
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
            arg_columns: vec![None; args.len()],
            args,
            arg_types,
            result_type,
            strings: PyStrings::default(),
            ints: PyInts::default(),
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
            (Value::Int(i), _) => Ok(self.ints.to_py(py, *i).into_any()),
            (value, ty) => to_py(py, value, ty).map_err(|e| self.function.error(py, e)),
        }
    }

    /// One call on one row's fields (PandasCalc calls the general functions beside its pandas ones
    /// this way too).
    pub(super) fn call(&mut self, py: Python<'_>, fields: &[Value]) -> Result<Value> {
        // Up to three arguments go by vectorcall, without a tuple or a vector.
        let result = match self.args.len() {
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
        }
        .map_err(|e| self.function.error(py, e))?;
        // PyFlink reads a ROW result through `Row.get_fields_by_names`: anything but a Row (a tuple, a
        // list) fails there.
        if matches!(self.result_type, TypeInfo::Row { .. }) && !result.hasattr("get_fields_by_names").unwrap_or(false) {
            let type_name = result.get_type().name().map_or_else(|_| "value".to_string(), |n| n.to_string());
            return Err(JobError::User(format!(
                "{} returned a {type_name} for its ROW result_type: PyFlink 2.3 fails on it ('{type_name}' object has no attribute 'get_fields_by_names'); return a pyflink.common.Row",
                self.function.label(),
            )));
        }
        if self.result_type == TypeInfo::String {
            if let Ok(text) = result.downcast::<PyString>() {
                return self.strings.from_py(text).map(Value::Str).map_err(|e| self.function.error(py, e));
            }
        }
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
    /// Output columns that are the input's own at the same place (or that nothing reads): a row
    /// keeps them as they are, and only the others are computed (empty: compute all).
    keep: Vec<bool>,
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
            keep: Vec::new(),
        }
    }

    /// The output columns (by position) a row keeps from its input instead of computing them.
    pub fn keeping(mut self, keep: Vec<bool>) -> Self {
        if keep.len() == self.projection.len() {
            self.keep = keep;
        }
        self
    }

    /// Filters a row and projects it in place (kept columns stay, the others are computed from the
    /// row as it was); false if the filter drops it.
    fn project_in_place(&mut self, fields: &mut Vec<Value>) -> bool {
        if let Some(filter) = &self.filter {
            if filter(fields) != Some(true) {
                return false;
            }
        }
        self.scratch.clear();
        for (f, &keep) in self.projection.iter().zip(&self.keep) {
            if !keep {
                self.scratch.push(f(fields));
            }
        }
        fields.resize(self.projection.len(), Value::Null);
        let mut computed = self.scratch.drain(..);
        for (field, &keep) in fields.iter_mut().zip(&self.keep) {
            if !keep {
                if let Some(value) = computed.next() {
                    *field = value;
                }
            }
        }
        true
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
            let kept = if self.keep.is_empty() {
                let kept = self.project(&row.fields);
                if kept {
                    std::mem::swap(&mut row.fields, &mut self.scratch);
                }
                kept
            } else {
                self.project_in_place(&mut row.fields)
            };
            if kept {
                record.key = None;
                out.push(record);
            } else if let Value::Row(row) = record.value {
                super::row_pool::give(row);
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

/// A row's kind, fields and timestamp.
pub(super) type RowParts = (RowKind, Vec<Value>, Option<i64>);

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
                self.finish(record, out);
            }
            return Ok(());
        }
        Python::attach(|py| {
            for mut record in input {
                // Each function's result is appended to the row it was called on.
                if let Value::Row(row) = &mut record.value {
                    let base = row.fields.len();
                    for call in &mut self.python {
                        let value = call.call(py, &row.fields[..base])?;
                        row.fields.push(value);
                    }
                } else {
                    let (kind, mut fields, timestamp) = row_parts(record);
                    let base = fields.len();
                    for call in &mut self.python {
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
