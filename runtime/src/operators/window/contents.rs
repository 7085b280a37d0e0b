//! What a window holds and how it becomes output: a running reduce, an aggregate accumulator, or the
//! elements themselves for process/apply; then the optional WindowFunction/ProcessWindowFunction.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyList;
use sluice_types::TypeInfo;

use super::assign::WindowId;
use crate::error::{JobError, Result};
use crate::python::convert::{from_py, to_py};
use crate::python::udf::PyFunction;
use crate::value::{PyValue, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFunctionKind {
    Reduce,
    Aggregate,
    Process,
    Apply,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Reduced(Value),
    /// An AggregateFunction's accumulator, kept as the Python object it is.
    Accumulator(PyValue),
    Elements(Vec<Value>),
}

/// The user's functions of one window operator.
pub struct WindowFunctions {
    pub kind: WindowFunctionKind,
    pub udf: PyFunction,
    pub window_function: Option<PyFunction>,
    pub input_type: TypeInfo,
    pub output_type: TypeInfo,
    pub keyed: bool,
}

fn pyerr<'a>(udf: &'a PyFunction, py: Python<'a>) -> impl Fn(PyErr) -> JobError + 'a {
    move |e| udf.error(py, e)
}

impl WindowFunctions {
    /// Adds an element to a window's contents.
    pub fn add(&self, py: Python<'_>, contents: Option<Contents>, value: &Value) -> Result<Contents> {
        let err = pyerr(&self.udf, py);
        Ok(match (self.kind, contents) {
            (WindowFunctionKind::Reduce, None) => Contents::Reduced(value.clone()),
            (WindowFunctionKind::Reduce, Some(Contents::Reduced(acc))) => {
                let a = to_py(py, &acc, &self.input_type).map_err(&err)?;
                let b = to_py(py, value, &self.input_type).map_err(&err)?;
                let result = self.udf.callable(py).call1((a, b)).map_err(&err)?;
                Contents::Reduced(self.convert(py, &result, &self.input_type)?)
            }
            (WindowFunctionKind::Aggregate, contents) => {
                let object = self.udf.object(py);
                let acc = match contents {
                    Some(Contents::Accumulator(acc)) => acc.0.bind(py).clone(),
                    _ => object.call_method0(intern!(py, "create_accumulator")).map_err(&err)?,
                };
                let v = to_py(py, value, &self.input_type).map_err(&err)?;
                let acc = object.call_method1(intern!(py, "add"), (v, acc)).map_err(&err)?;
                Contents::Accumulator(PyValue(std::sync::Arc::new(acc.unbind())))
            }
            (_, Some(Contents::Elements(mut elements))) => {
                elements.push(value.clone());
                Contents::Elements(elements)
            }
            (_, _) => Contents::Elements(vec![value.clone()]),
        })
    }

    /// Merges two windows' contents (session windows), `a` first.
    pub fn merge(&self, py: Python<'_>, a: Contents, b: Contents) -> Result<Contents> {
        let err = pyerr(&self.udf, py);
        Ok(match (a, b) {
            (Contents::Reduced(x), Contents::Reduced(y)) => {
                let x = to_py(py, &x, &self.input_type).map_err(&err)?;
                let y = to_py(py, &y, &self.input_type).map_err(&err)?;
                let result = self.udf.callable(py).call1((x, y)).map_err(&err)?;
                Contents::Reduced(self.convert(py, &result, &self.input_type)?)
            }
            (Contents::Accumulator(x), Contents::Accumulator(y)) => {
                let merged = self
                    .udf
                    .object(py)
                    .call_method1(intern!(py, "merge"), (x.0.bind(py), y.0.bind(py)))
                    .map_err(&err)?;
                Contents::Accumulator(PyValue(std::sync::Arc::new(merged.unbind())))
            }
            (Contents::Elements(mut x), Contents::Elements(mut y)) => {
                x.append(&mut y);
                Contents::Elements(x)
            }
            (a, _) => a,
        })
    }

    fn convert(&self, py: Python<'_>, obj: &Bound<'_, PyAny>, ty: &TypeInfo) -> Result<Value> {
        from_py(obj, ty).map_err(|e| self.udf.error(py, e))?.map_err(|e| self.udf.type_error(e))
    }

    /// The window's output values.
    pub fn emit(&self, py: Python<'_>, key: &Value, window: &WindowId, contents: &Contents, ctx: &Bound<'_, PyAny>) -> Result<Vec<Value>> {
        let err = pyerr(&self.udf, py);
        // The value an incremental reduce/aggregate hands on.
        let single = match contents {
            Contents::Reduced(v) => Some(to_py(py, v, &self.input_type).map_err(&err)?),
            Contents::Accumulator(acc) => Some(
                self.udf.object(py).call_method1(intern!(py, "get_result"), (acc.0.bind(py),)).map_err(&err)?,
            ),
            Contents::Elements(_) => None,
        };
        let (function, elements) = match (&self.window_function, single, contents) {
            (None, Some(value), _) => return Ok(vec![self.convert(py, &value, &self.output_type)?]),
            (Some(wf), Some(value), _) => (wf, PyList::new(py, [value]).map_err(&err)?),
            (None, None, Contents::Elements(items)) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(to_py(py, item, &self.input_type).map_err(&err)?).map_err(&err)?;
                }
                (&self.udf, list)
            }
            _ => return Err(JobError::Internal("window contents do not match the window function".into())),
        };
        let werr = pyerr(function, py);
        let key = to_py(py, key, &TypeInfo::Pickled).map_err(&werr)?;
        let window_obj = window_object(py, window).map_err(&werr)?;
        let result = match (self.is_process(function), self.keyed) {
            (true, true) => {
                ctx.setattr(intern!(py, "_window"), &window_obj).map_err(&werr)?;
                function.callable(py).call1((key, ctx, elements))
            }
            (true, false) => {
                ctx.setattr(intern!(py, "_window"), &window_obj).map_err(&werr)?;
                function.callable(py).call1((ctx, elements))
            }
            (false, true) => function.callable(py).call1((key, window_obj, elements)),
            (false, false) => function.callable(py).call1((window_obj, elements)),
        }
        .map_err(&werr)?;
        let mut out = Vec::new();
        if !result.is_none() {
            for item in result.try_iter().map_err(&werr)? {
                let item = item.map_err(&werr)?;
                out.push(from_py(&item, &self.output_type).map_err(&werr)?.map_err(|e| function.type_error(e))?);
            }
        }
        Ok(out)
    }

    /// ProcessWindowFunctions take a context; WindowFunctions take the window.
    fn is_process(&self, function: &PyFunction) -> bool {
        function.method() == Some("process")
    }
}

/// `TimeWindow(start, end)`, `CountWindow(id)` or `GlobalWindow()` from the shim.
fn window_object<'py>(py: Python<'py>, window: &WindowId) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("pyflink.datastream.window")?;
    match window {
        WindowId::Time { start, end } => module.getattr("TimeWindow")?.call1((start, end)),
        WindowId::Count(id) => module.getattr("CountWindow")?.call1((id,)),
        WindowId::Global => module.getattr("GlobalWindow")?.call0(),
    }
}
