//! `select` / `where` calling pandas (vectorized, `func_type="pandas"`) scalar functions, as Flink's
//! ArrowPythonCalc runs them: rows are buffered until `python.fn-execution.arrow.batch.size` rows
//! (default 10,000, at most the bundle size of 100,000), the bundle time (one second of wall clock), a
//! watermark or the end of input; then each pandas function is called once over the buffered rows, one
//! `pandas.Series` per argument (a literal argument as a plain Python value, and another pandas
//! function's result as the very Series it returned, as PyFlink chains them in Python), and must return
//! a Series of as many values. General Python functions of the same select (which Flink runs in a
//! PythonCalc of their own, with the same results) are called per row. Function results are appended
//! to the row as extra columns the filter and projection read, as in [`super::TableCalc`]; row kinds
//! pass through and the output keeps the input's order. Not yet: Flink also finishes the bundle before a
//! checkpoint barrier, which `on_checkpoint` cannot do here (it cannot emit), as for the group
//! aggregate's Python bundle.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use sluice_types::TypeInfo;

use super::calc::row_parts;
use super::py_scalar::PyScalarCall;
use super::pandas::{self, ColumnType};
use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// PyFlink's Python options that cut pandas batches (`PythonOptions`).
#[derive(Debug, Clone, Copy)]
pub struct PandasBatching {
    /// `python.fn-execution.arrow.batch.size`.
    pub arrow_batch_size: usize,
    /// `python.fn-execution.bundle.size`.
    pub bundle_size: usize,
    /// `python.fn-execution.bundle.time`, in milliseconds.
    pub bundle_millis: i64,
}

impl Default for PandasBatching {
    fn default() -> Self {
        PandasBatching {
            arrow_batch_size: 10_000,
            bundle_size: 100_000,
            bundle_millis: 1_000,
        }
    }
}

impl PandasBatching {
    /// Rows per call: Flink caps the Arrow batch at the bundle size.
    fn rows_per_call(&self) -> usize {
        self.arrow_batch_size.min(self.bundle_size).max(1)
    }
}

/// One argument of a pandas scalar function.
pub enum PandasArg {
    /// A column computed from each row, passed as a Series named as PyFlink names it (the input column's
    /// name, `f0`, `f1`, ... for computed expressions).
    Column(ScalarFn, ColumnType, String),
    /// A literal: PyFlink passes it as a plain Python value, not a Series.
    Constant(ScalarFn, TypeInfo),
    /// The result of this Calc's function number `index` (a pandas one), passed on as the Series it
    /// returned.
    Chained(usize),
    /// The whole input row of `map(f)`: its columns as one `pandas.DataFrame` (the Series side by side).
    Frame(Vec<(ScalarFn, ColumnType, String)>),
}

/// One call of a pandas scalar function.
pub struct PandasScalarCall {
    function: PyFunction,
    args: Vec<PandasArg>,
    result: ColumnType,
}

impl PandasScalarCall {
    pub fn new(function: PyFunction, args: Vec<PandasArg>, result: ColumnType) -> Self {
        PandasScalarCall { function, args, result }
    }

    /// Calls the function once over `rows` (fields including earlier functions' results); returns its
    /// values, one per row, and the Series it returned (for chained calls).
    fn call<'py>(
        &self,
        bridge: &Bound<'py, PyModule>,
        rows: &[(RowKind, Vec<Value>, Option<i64>)],
        returned: &[Option<Bound<'py, PyAny>>],
    ) -> Result<(Vec<Value>, Bound<'py, PyAny>)> {
        let py = bridge.py();
        let n = rows.len();
        let mut args = Vec::with_capacity(self.args.len());
        for arg in &self.args {
            args.push(match arg {
                PandasArg::Column(f, ty, name) => {
                    let column: Vec<Value> = rows.iter().map(|(_, fields, _)| f(fields)).collect();
                    pandas::series(bridge, *ty, &column, name)?
                }
                PandasArg::Constant(f, ty) => {
                    let value = rows.first().map(|(_, fields, _)| f(fields)).unwrap_or_default();
                    to_py(py, &value, ty).map_err(|e| self.function.error(py, e))?
                }
                PandasArg::Frame(columns) => {
                    let mut series = Vec::with_capacity(columns.len());
                    for (f, ty, name) in columns {
                        let column: Vec<Value> = rows.iter().map(|(_, fields, _)| f(fields)).collect();
                        series.push(pandas::series(bridge, *ty, &column, name)?);
                    }
                    bridge
                        .getattr("frame")
                        .and_then(|frame| frame.call1((PyList::new(py, series)?,)))
                        .map_err(|e| JobError::Internal(format!("building a pandas.DataFrame of the input row: {e}")))?
                }
                PandasArg::Chained(index) => returned
                    .get(*index)
                    .and_then(Option::as_ref)
                    .cloned()
                    .ok_or_else(|| JobError::Internal(format!("pandas function #{index} has no result yet")))?,
            });
        }
        let result = PyTuple::new(py, args)
            .and_then(|args| self.function.callable(py).call1(args))
            .map_err(|e| self.function.error(py, e))?;
        let buffers = bridge
            .getattr("scalar_result")
            .and_then(|check| check.call1((&result, n, self.result.arrow(py), self.result.sql())))
            .map_err(|e| match pandas::result_error(py, &e) {
                Some(message) => JobError::User(format!("{} {message}", self.function.label())),
                None => self.function.error(py, e),
            })?;
        Ok((pandas::decode(&buffers, self.result, n)?, result))
    }

}

/// A Python function of the select: called per row, or vectorized.
pub enum CalcFunction {
    General(PyScalarCall),
    Pandas(PandasScalarCall),
}

impl CalcFunction {
    fn function(&self) -> &PyFunction {
        match self {
            CalcFunction::General(call) => call.function(),
            CalcFunction::Pandas(call) => &call.function,
        }
    }
}

pub struct PandasCalc {
    functions: Vec<CalcFunction>,
    filter: Option<PredicateFn>,
    projection: Vec<ScalarFn>,
    batching: PandasBatching,
    /// Rows waiting for the next call: kind, fields, timestamp.
    buffered: Vec<(RowKind, Vec<Value>, Option<i64>)>,
    /// When the first buffered row arrived (epoch milliseconds).
    started: i64,
}

impl PandasCalc {
    pub fn new(
        functions: Vec<CalcFunction>,
        filter: Option<PredicateFn>,
        projection: Vec<ScalarFn>,
        batching: PandasBatching,
    ) -> Self {
        PandasCalc {
            functions,
            filter,
            projection,
            batching,
            buffered: Vec::new(),
            started: 0,
        }
    }

    fn first_pandas_label(&self) -> &str {
        self.functions
            .iter()
            .find_map(|f| match f {
                CalcFunction::Pandas(call) => Some(call.function.label()),
                CalcFunction::General(_) => None,
            })
            .unwrap_or("a pandas function")
    }

    /// Calls every function over the buffered rows, then filters and projects them.
    fn flush(&mut self, out: &mut Batch) -> Result<()> {
        if self.buffered.is_empty() {
            return Ok(());
        }
        let mut rows = std::mem::take(&mut self.buffered);
        let label = self.first_pandas_label().to_string();
        Python::attach(|py| -> Result<()> {
            let bridge = pandas::bridge(py, &label)?;
            let mut returned: Vec<Option<Bound<'_, PyAny>>> = Vec::with_capacity(self.functions.len());
            for function in &mut self.functions {
                match function {
                    CalcFunction::General(call) => {
                        for (_, fields, _) in rows.iter_mut() {
                            let value = call.call(py, fields)?;
                            fields.push(value);
                        }
                        returned.push(None);
                    }
                    CalcFunction::Pandas(call) => {
                        let (values, series) = call.call(&bridge, &rows, &returned)?;
                        for ((_, fields, _), value) in rows.iter_mut().zip(values) {
                            fields.push(value);
                        }
                        returned.push(Some(series));
                    }
                }
            }
            Ok(())
        })?;
        for (kind, fields, timestamp) in rows {
            if let Some(filter) = &self.filter {
                if filter(&fields) != Some(true) {
                    continue;
                }
            }
            let projected = self.projection.iter().map(|f| f(&fields)).collect();
            out.push(Record {
                value: Value::Row(Box::new(Row { kind, fields: projected })),
                key: None,
                timestamp,
            });
        }
        Ok(())
    }
}

impl Operator for PandasCalc {
    fn name(&self) -> &str {
        "ArrowPythonCalc"
    }

    /// pandas must be importable before the first row (a clear error naming the function otherwise);
    /// then each function's `open(function_context)`, as Flink.
    fn on_start(&mut self) -> Result<()> {
        Python::attach(|py| {
            pandas::bridge(py, self.first_pandas_label())?;
            for function in &self.functions {
                let f = function.function();
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("open_table_function")?.call1((f.callable(py),)))
                    .map_err(|e| f.error(py, e))?;
            }
            Ok(())
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        let limit = self.batching.rows_per_call();
        for record in input {
            if self.buffered.is_empty() {
                self.started = now_millis();
            }
            self.buffered.push(row_parts(record));
            if self.buffered.len() >= limit {
                self.flush(out)?;
            }
        }
        Ok(())
    }

    /// Flink finishes the bundle before a watermark passes, so rows precede it downstream.
    fn on_watermark(&mut self, _watermark: i64, out: &mut Batch) -> Result<()> {
        self.flush(out)
    }

    fn on_processing_time(&mut self, now: i64, out: &mut Batch) -> Result<()> {
        if !self.buffered.is_empty() && now - self.started >= self.batching.bundle_millis {
            self.flush(out)?;
        }
        Ok(())
    }

    fn on_close(&mut self, out: &mut Batch) -> Result<()> {
        self.flush(out)?;
        Python::attach(|py| {
            for function in &self.functions {
                let f = function.function();
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("close_table_function")?.call1((f.callable(py),)))
                    .map_err(|e| f.error(py, e))?;
            }
            Ok(())
        })
    }
}
