//! Pandas (vectorized, `func_type="pandas"`) aggregate functions of one window or over-window
//! aggregate: the argument columns they read and their evaluation over frames of rows.
//!
//! As in Flink's Arrow aggregate operators, an input row is kept as the projection of the columns the
//! functions read (not the whole row), and a function is called once per window or over-window frame
//! with one fresh `pandas.Series` (index from 0) per argument over the frame's rows, named as PyFlink
//! names the column (the input column's name, `$f<i>` for a computed one). It returns a scalar, which
//! is converted to the result type as PyFlink converts it (`pd.Series([result])` to Arrow). The rows of
//! all frames due at once are converted to Arrow together and the frames are slices of them, so Python
//! is entered once per watermark.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use super::pandas::{self, ColumnType};
use super::ScalarFn;
use crate::error::{JobError, Result};
use crate::python::udf::PyFunction;
use crate::value::Value;

/// A column the functions read: computed from the input row, with its type and Series name.
pub struct AggColumn {
    f: ScalarFn,
    ty: ColumnType,
    name: String,
}

impl AggColumn {
    pub fn new(f: ScalarFn, ty: ColumnType, name: &str) -> Self {
        AggColumn {
            f,
            ty,
            name: name.to_string(),
        }
    }
}

/// One pandas aggregate function call: the function, the columns of its arguments, its result type.
pub struct PandasAggCall {
    function: PyFunction,
    columns: Vec<usize>,
    result: ColumnType,
}

impl PandasAggCall {
    pub fn new(function: PyFunction, columns: Vec<usize>, result: ColumnType) -> Self {
        PandasAggCall {
            function,
            columns,
            result,
        }
    }
}

/// The pandas aggregate functions of one operator.
pub struct PandasAggregates {
    columns: Vec<AggColumn>,
    calls: Vec<PandasAggCall>,
}

impl PandasAggregates {
    pub fn new(columns: Vec<AggColumn>, calls: Vec<PandasAggCall>) -> Self {
        PandasAggregates { columns, calls }
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// What an input row keeps: the values of the argument columns.
    pub fn project(&self, row: &[Value]) -> Vec<Value> {
        self.columns.iter().map(|c| (c.f)(row)).collect()
    }

    fn label(&self) -> &str {
        self.calls.first().map_or("a pandas aggregate function", |c| c.function.label())
    }

    /// Each function over each frame (`(start, length)` in `rows`, projected rows): `values[frame][call]`.
    pub fn evaluate(&self, rows: &[Vec<Value>], frames: &[(usize, usize)]) -> Result<Vec<Vec<Value>>> {
        if frames.is_empty() {
            return Ok(Vec::new());
        }
        let mut values = vec![Vec::with_capacity(self.calls.len()); frames.len()];
        Python::attach(|py| -> Result<()> {
            let bridge = pandas::bridge(py, self.label())?;
            let internal = |e: PyErr| JobError::Internal(format!("slicing pandas aggregate frames: {e}"));
            // Per column, one Series per frame.
            let mut series: Vec<Vec<Bound<'_, PyAny>>> = Vec::with_capacity(self.columns.len());
            for (i, column) in self.columns.iter().enumerate() {
                let arr = pandas::array(&bridge, column.ty, rows.len(), rows.iter().map(|r| r.get(i).unwrap_or(&Value::Null)))?;
                let list = bridge
                    .getattr("frames")
                    .and_then(|f| f.call1((arr, frames.to_vec(), &column.name)))
                    .and_then(|l| l.extract::<Vec<Bound<'_, PyAny>>>())
                    .map_err(internal)?;
                series.push(list);
            }
            for call in &self.calls {
                let results = PyList::empty(py);
                for frame in 0..frames.len() {
                    let args = call
                        .columns
                        .iter()
                        .map(|&c| series.get(c).and_then(|s| s.get(frame)).cloned())
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| JobError::Internal("a pandas aggregate argument has no column".into()))?;
                    let result = PyTuple::new(py, args)
                        .and_then(|args| call.function.callable(py).call1(args))
                        .map_err(|e| call.function.error(py, e))?;
                    results.append(result).map_err(internal)?;
                }
                let buffers = bridge
                    .getattr("aggregate_results")
                    .and_then(|convert| convert.call1((results, call.result.arrow(py), call.result.sql())))
                    .map_err(|e| match pandas::result_error(py, &e) {
                        Some(message) => JobError::User(format!("{} {message}", call.function.label())),
                        None => call.function.error(py, e),
                    })?;
                for (frame, value) in pandas::decode(&buffers, call.result, frames.len())?.into_iter().enumerate() {
                    values[frame].push(value);
                }
            }
            Ok(())
        })?;
        Ok(values)
    }

    /// pandas must be importable before the first row; then each function's `open(function_context)`.
    pub fn open(&self) -> Result<()> {
        Python::attach(|py| {
            pandas::bridge(py, self.label())?;
            for call in &self.calls {
                let f = &call.function;
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("open_table_function")?.call1((f.callable(py),)))
                    .map_err(|e| f.error(py, e))?;
            }
            Ok(())
        })
    }

    pub fn close(&self) -> Result<()> {
        Python::attach(|py| {
            for call in &self.calls {
                let f = &call.function;
                py.import("_sluice.harness")
                    .and_then(|h| h.getattr("close_table_function")?.call1((f.callable(py),)))
                    .map_err(|e| f.error(py, e))?;
            }
            Ok(())
        })
    }
}
