//! `process`: a ProcessFunction or KeyedProcessFunction. `process_element(value, ctx)` and, on keyed
//! streams, `on_timer(timestamp, ctx)` when an event-time timer passes the watermark or a
//! processing-time timer passes the wall clock. Emits what they yield; side outputs via ctx.output.

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::context::{emit_all, fire_due_timers, ProcessContext};
use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, SideOutputs, StateDeclaration};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::Batch;
use crate::state::TimeDomain;

pub struct PyProcess {
    core: PythonFunctionCore,
    input_type: TypeInfo,
    output_type: TypeInfo,
    side_types: Vec<(String, TypeInfo)>,
    context: Option<ProcessContext>,
    on_timer: Option<Py<PyAny>>,
}

impl PyProcess {
    pub fn new(udf: PyFunction, input_type: TypeInfo, output_type: TypeInfo, keyed: bool) -> Self {
        PyProcess {
            core: PythonFunctionCore::new(udf, keyed),
            input_type,
            output_type,
            side_types: Vec::new(),
            context: None,
            on_timer: None,
        }
    }

    /// The side outputs read downstream (tag id and type).
    pub fn with_side_outputs(mut self, tags: Vec<(&str, TypeInfo)>) -> Self {
        self.side_types = tags.into_iter().map(|(t, ty)| (t.to_string(), ty)).collect();
        self
    }

    fn fire_timers(&mut self, domain: TimeDomain, time: i64, out: &mut Batch) -> Result<()> {
        let (Some(ctx), Some(on_timer)) = (&mut self.context, &self.on_timer) else { return Ok(()) };
        fire_due_timers(&self.core, ctx, on_timer, domain, time, &self.output_type, out)
    }
}

impl Operator for PyProcess {
    fn name(&self) -> &str {
        self.core.udf.label()
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        self.core.state.iter().map(|_| StateDeclaration::PythonKeyedState).collect()
    }

    fn on_start(&mut self) -> Result<()> {
        self.core.open("Process")?;
        Python::attach(|py| {
            self.context = Some(ProcessContext::new(py, &self.core.udf, self.core.state.as_ref(), &self.side_types)?);
            if self.core.state.is_some() {
                let object = self.core.udf.object(py);
                self.on_timer = object.getattr("on_timer").ok().map(Bound::unbind);
            }
            Ok(())
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        let Some(ctx) = &mut self.context else { return Ok(()) };
        Python::attach(|py| {
            let func = self.core.udf.callable(py);
            for record in input {
                let err = |e| self.core.udf.error(py, e);
                self.core.set_key(&record.key);
                ctx.set(py, record.key.as_ref(), record.timestamp, None).map_err(err)?;
                let arg = to_py(py, &record.value, &self.input_type).map_err(err)?;
                let result = func.call1((arg, ctx.bind(py))).map_err(err)?;
                emit_all(&self.core, Some(ctx), &result, &self.output_type, record.key.as_ref(), record.timestamp, out)?;
            }
            Ok(())
        })
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        match &self.core.state {
            Some(store) => store.set_watermark(watermark),
            None => {
                if let Some(ctx) = &self.context {
                    Python::attach(|py| ctx.set_watermark(py, watermark).map_err(|e| self.core.udf.error(py, e)))?;
                }
            }
        }
        self.fire_timers(TimeDomain::EventTime, watermark, out)
    }

    fn on_processing_time(&mut self, now: i64, out: &mut Batch) -> Result<()> {
        let due = self.core.state.as_ref().is_some_and(|s| s.timers(|t, _| !t.is_empty(TimeDomain::ProcessingTime)));
        if due {
            self.fire_timers(TimeDomain::ProcessingTime, now, out)?;
        }
        Ok(())
    }

    fn take_side_outputs(&mut self) -> SideOutputs {
        self.context.as_mut().map(ProcessContext::take_side_outputs).unwrap_or_default()
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
