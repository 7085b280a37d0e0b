//! The `ctx` handed to process functions (`ProcessContext` in `_sluice/harness.py`), as operators
//! drive it: current key, timestamp and time domain set before each call. Also the routing of what
//! functions yield: PyFlink sends a yielded `(OutputTag, value)` to that side output, converted to the
//! tag's type, when the job reads that side output.

use std::collections::HashMap;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::operator::SideOutputs;
use crate::python::convert::{from_py, to_py};
use crate::python::state::PyTimerService;
use crate::python::udf::PyFunction;
use crate::record::Record;
use crate::state::{KeyedStateStore, TimeDomain};
use crate::value::Value;

pub struct ProcessContext {
    ctx: Py<PyAny>,
    output_tag: Py<PyAny>,
    time_domains: [Py<PyAny>; 2],
    side_types: HashMap<String, TypeInfo>,
    pending: SideOutputs,
}

impl ProcessContext {
    /// A context for `udf`'s calls; keyed operators get a timer service on their state store.
    pub fn new(py: Python<'_>, udf: &PyFunction, store: Option<&KeyedStateStore>, side_types: &[(String, TypeInfo)]) -> Result<Self> {
        let build = || -> PyResult<(Py<PyAny>, [Py<PyAny>; 2], Py<PyAny>)> {
            let timer_service = match store {
                Some(store) => Py::new(py, PyTimerService { store: store.clone() })?.into_any(),
                None => py.None(),
            };
            let ctx = py.import("_sluice.harness")?.getattr("ProcessContext")?.call1((timer_service,))?;
            let domain = py.import("pyflink.datastream.functions")?.getattr("TimeDomain")?;
            let output_tag = py.import("pyflink.datastream.output_tag")?.getattr("OutputTag")?;
            Ok((
                ctx.unbind(),
                [domain.getattr("EVENT_TIME")?.unbind(), domain.getattr("PROCESSING_TIME")?.unbind()],
                output_tag.unbind(),
            ))
        };
        let (ctx, time_domains, output_tag) = build().map_err(|e| udf.error(py, e))?;
        Ok(ProcessContext {
            ctx,
            output_tag,
            time_domains,
            side_types: side_types.iter().cloned().collect(),
            pending: Vec::new(),
        })
    }

    pub fn bind<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.ctx.bind(py)
    }

    /// Sets what `ctx.get_current_key()`, `ctx.timestamp()` and `ctx.time_domain()` return.
    pub fn set(&self, py: Python<'_>, key: Option<&Value>, timestamp: Option<i64>, domain: Option<TimeDomain>) -> PyResult<()> {
        let ctx = self.ctx.bind(py);
        let key = match key {
            Some(k) => to_py(py, k, &TypeInfo::Pickled)?,
            None => py.None().into_bound(py),
        };
        ctx.setattr(intern!(py, "_key"), key)?;
        // A record without a timestamp reports Long.MIN_VALUE, as in PyFlink.
        ctx.setattr(intern!(py, "_timestamp"), timestamp.unwrap_or(i64::MIN))?;
        let domain = match domain {
            Some(TimeDomain::EventTime) => self.time_domains[0].bind(py).clone(),
            Some(TimeDomain::ProcessingTime) => self.time_domains[1].bind(py).clone(),
            None => py.None().into_bound(py),
        };
        ctx.setattr(intern!(py, "_time_domain"), domain)
    }

    /// For non-keyed functions: what `ctx.timer_service().current_watermark()` returns.
    pub fn set_watermark(&self, py: Python<'_>, watermark: i64) -> PyResult<()> {
        self.ctx.bind(py).setattr(intern!(py, "_watermark"), watermark)
    }

    /// Sends a yielded `(OutputTag, value)` to its side output; returns other items unchanged.
    pub fn route<'py>(
        &mut self,
        udf: &PyFunction,
        item: Bound<'py, PyAny>,
        key: Option<&Value>,
        timestamp: Option<i64>,
    ) -> Result<Option<Bound<'py, PyAny>>> {
        if self.side_types.is_empty() {
            return Ok(Some(item));
        }
        let py = item.py();
        let Ok(pair) = item.downcast::<PyTuple>() else { return Ok(Some(item)) };
        if pair.len() != 2 {
            return Ok(Some(item));
        }
        let first = pair.get_item(0).map_err(|e| udf.error(py, e))?;
        let is_tag = first.is_instance(self.output_tag.bind(py)).map_err(|e| udf.error(py, e))?;
        if !is_tag {
            return Ok(Some(item));
        }
        let tag: String = first.getattr(intern!(py, "tag_id")).and_then(|t| t.extract()).map_err(|e| udf.error(py, e))?;
        let Some(ty) = self.side_types.get(&tag) else {
            // A tag no one reads with get_side_output: Flink drops those records too.
            return Ok(None);
        };
        let value = pair.get_item(1).map_err(|e| udf.error(py, e))?;
        let value = from_py(&value, ty)
            .map_err(|e| udf.error(py, e))?
            .map_err(|e| JobError::User(format!("{} yielded to side output '{tag}' {e}", udf.label())))?;
        let record = Record { value, key: key.cloned(), timestamp };
        match self.pending.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, batch)) => batch.push(record),
            None => self.pending.push((tag, vec![record])),
        }
        Ok(None)
    }

    pub fn take_side_outputs(&mut self) -> SideOutputs {
        std::mem::take(&mut self.pending)
    }
}

/// Emits each item a function returned (an iterable, a generator, or None for nothing); yielded
/// `(OutputTag, value)` pairs go to side outputs through `ctx`.
pub fn emit_all(
    core: &super::PythonFunctionCore,
    mut ctx: Option<&mut ProcessContext>,
    result: &Bound<'_, PyAny>,
    output_type: &TypeInfo,
    key: Option<&Value>,
    timestamp: Option<i64>,
    out: &mut Vec<Record>,
) -> Result<()> {
    if result.is_none() {
        return Ok(());
    }
    let py = result.py();
    for item in result.try_iter().map_err(|e| core.udf.error(py, e))? {
        let item = item.map_err(|e| core.udf.error(py, e))?;
        let item = match ctx.as_deref_mut() {
            Some(ctx) => match ctx.route(&core.udf, item, key, timestamp)? {
                Some(item) => item,
                None => continue,
            },
            None => item,
        };
        let value = core.output(&item, output_type)?;
        out.push(Record { value, key: key.cloned(), timestamp });
    }
    Ok(())
}

/// Fires a keyed function's due timers of `domain` up to `time`, round by round, calling
/// `on_timer(timestamp, ctx)` with the timer's key current; event-time outputs carry the timer's time.
#[allow(clippy::too_many_arguments)]
pub fn fire_due_timers(
    core: &super::PythonFunctionCore,
    ctx: &mut ProcessContext,
    on_timer: &Py<PyAny>,
    domain: TimeDomain,
    time: i64,
    output_type: &TypeInfo,
    out: &mut Vec<Record>,
) -> Result<()> {
    let Some(store) = &core.state else { return Ok(()) };
    Python::attach(|py| loop {
        let due = store.timers(|t, _| t.drain_due(domain, time));
        if due.is_empty() {
            return Ok(());
        }
        for (timestamp, key) in due {
            store.set_current_key(key.clone());
            let err = |e| core.udf.error(py, e);
            ctx.set(py, Some(&key), Some(timestamp), Some(domain)).map_err(err)?;
            let result = on_timer.bind(py).call1((timestamp, ctx.bind(py))).map_err(err)?;
            let emitted_at = (domain == TimeDomain::EventTime).then_some(timestamp);
            emit_all(core, Some(ctx), &result, output_type, Some(&key), emitted_at, out)?;
        }
    })
}
