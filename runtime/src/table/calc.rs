//! `select` / `where`: Python scalar functions (one GIL acquisition per batch), then a native filter
//! and projection. As in Flink's PythonCalc, each function's result is appended to the row as an extra
//! column the compiled expressions read. Row kinds pass through unchanged.
//!
//! Rows are projected in place: the output columns that are the input's own at the same position
//! (or that no consumer reads) stay as they are, the others are computed, and the row's allocation
//! goes on downstream; a row the filter drops goes back to the row pool.

use pyo3::prelude::*;

use super::py_scalar::PyScalarCall;
use super::{PredicateFn, ScalarFn};
use crate::error::Result;
use crate::operator::Operator;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

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
