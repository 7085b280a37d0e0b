//! Lateral table function joins (Flink's PythonCorrelate): a Python table function (`udtf`) runs per
//! input row, and each row it yields is appended to the input row; a left outer correlate emits an
//! input row without results once, padded with NULLs. Python is entered once per batch; row kinds
//! pass through. The Table API's `map(f)` and `flat_map(f)` run here too: they emit the function's
//! columns only, and `f(r)` gets the input row as one named `Row`.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use sluice_types::TypeInfo;

use super::ScalarFn;
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::python::convert::{from_py, to_py};
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct TableCorrelate {
    function: PyFunction,
    args: Vec<ScalarFn>,
    arg_types: Vec<TypeInfo>,
    result_types: Vec<TypeInfo>,
    left_outer: bool,
    /// `map` / `flat_map`: the output is the function's columns only.
    projecting: bool,
    /// `map`: the function returns one row (or value) rather than yielding rows.
    single: bool,
    /// The function takes the arguments as one `Row` of this type (`map(f)` / `flat_map(f)`).
    row_arg: Option<TypeInfo>,
}

impl TableCorrelate {
    pub fn new(
        function: PyFunction,
        args: Vec<ScalarFn>,
        arg_types: Vec<TypeInfo>,
        result_types: Vec<TypeInfo>,
        left_outer: bool,
    ) -> Self {
        TableCorrelate {
            function,
            args,
            arg_types,
            result_types,
            left_outer,
            projecting: false,
            single: false,
            row_arg: None,
        }
    }

    /// The Table API's `map(f)` (`single`) or `flat_map(f)`: only the function's columns go out;
    /// with `row_arg`, the function is called with one `Row` of the arguments.
    pub fn projecting(mut self, single: bool, row_arg: Option<TypeInfo>) -> Self {
        self.projecting = true;
        self.single = single;
        self.row_arg = row_arg;
        self
    }

    fn mismatch(&self, detail: impl std::fmt::Display) -> JobError {
        JobError::User(format!(
            "{} yielded a row that does not match its result_types: {detail}",
            self.function.label()
        ))
    }

    /// One yielded item as the function's columns.
    fn columns(&self, item: &Bound<'_, PyAny>) -> Result<Vec<Value>> {
        let py = item.py();
        let sequence = item.is_instance_of::<PyTuple>()
            || item.is_instance_of::<PyList>()
            || item.get_type().name().is_ok_and(|n| n.to_string() == "Row");
        let width = self.result_types.len();
        let fields: Vec<Bound<'_, PyAny>> = if sequence && (width > 1 || item.len().is_ok_and(|n| n == 1)) {
            let n = item.len().map_err(|e| self.function.error(py, e))?;
            if n != width {
                return Err(self.mismatch(format!("{n} values for {width} columns")));
            }
            (0..n)
                .map(|i| item.get_item(i))
                .collect::<PyResult<_>>()
                .map_err(|e| self.function.error(py, e))?
        } else if width == 1 {
            vec![item.clone()]
        } else {
            return Err(self.mismatch(format!("one value for {width} columns")));
        };
        let mut out = Vec::with_capacity(width);
        for (value, ty) in fields.iter().zip(&self.result_types) {
            let converted = from_py(value, ty).map_err(|e| self.function.error(py, e))?;
            out.push(converted.map_err(|e| self.mismatch(e))?);
        }
        Ok(out)
    }

    /// The rows the function yields for one input row.
    fn call(&self, py: Python<'_>, fields: &[Value]) -> Result<Vec<Vec<Value>>> {
        let mut args = Vec::with_capacity(self.args.len());
        if let Some(row) = &self.row_arg {
            let values = Value::Row(Box::new(Row {
                kind: RowKind::Insert,
                fields: self.args.iter().map(|arg| arg(fields)).collect(),
            }));
            args.push(to_py(py, &values, row).map_err(|e| self.function.error(py, e))?);
        } else {
            for (arg, ty) in self.args.iter().zip(&self.arg_types) {
                args.push(to_py(py, &arg(fields), ty).map_err(|e| self.function.error(py, e))?);
            }
        }
        let result = PyTuple::new(py, args)
            .and_then(|args| self.function.callable(py).call1(args))
            .map_err(|e| self.function.error(py, e))?;
        if self.single {
            if result.is_none() {
                return Ok(vec![vec![Value::Null; self.result_types.len()]]);
            }
            return Ok(vec![self.columns(&result)?]);
        }
        if result.is_none() {
            return Ok(Vec::new());
        }
        let mut rows = Vec::new();
        if result.is_instance_of::<PyString>() {
            rows.push(self.columns(&result)?);
            return Ok(rows);
        }
        match result.try_iter() {
            Ok(items) => {
                for item in items {
                    let item = item.map_err(|e| self.function.error(py, e))?;
                    rows.push(self.columns(&item)?);
                }
            }
            Err(_) => rows.push(self.columns(&result)?),
        }
        Ok(rows)
    }
}

impl Operator for TableCorrelate {
    fn name(&self) -> &str {
        "PythonCorrelate"
    }

    /// `TableFunction.open(function_context)` once, as Flink.
    fn on_start(&mut self) -> Result<()> {
        Python::attach(|py| {
            py.import("_sluice.harness")
                .and_then(|h| h.getattr("open_table_function")?.call1((self.function.callable(py),)))
                .map(|_| ())
                .map_err(|e| self.function.error(py, e))
        })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            py.import("_sluice.harness")
                .and_then(|h| h.getattr("close_table_function")?.call1((self.function.callable(py),)))
                .map(|_| ())
                .map_err(|e| self.function.error(py, e))
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            for record in input {
                let timestamp = record.timestamp;
                let (kind, fields) = match record.value {
                    Value::Row(row) => (row.kind, row.fields),
                    Value::Tuple(fields) => (RowKind::Insert, fields),
                    other => (RowKind::Insert, vec![other]),
                };
                let rows = self.call(py, &fields)?;
                if rows.is_empty() && self.left_outer {
                    let mut padded = fields.clone();
                    padded.extend(std::iter::repeat_n(Value::Null, self.result_types.len()));
                    out.push(Record {
                        value: Value::Row(Box::new(Row { kind, fields: padded })),
                        key: None,
                        timestamp,
                    });
                }
                for columns in rows {
                    let joined = if self.projecting {
                        columns
                    } else {
                        let mut joined = fields.clone();
                        joined.extend(columns);
                        joined
                    };
                    out.push(Record {
                        value: Value::Row(Box::new(Row { kind, fields: joined })),
                        key: None,
                        timestamp,
                    });
                }
            }
            Ok(())
        })
    }
}
