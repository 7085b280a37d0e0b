//! Operators on connected streams (`ds1.connect(ds2)`): CoMapFunction (`map1`/`map2`),
//! CoFlatMapFunction (`flat_map1`/`flat_map2`) and (Keyed)CoProcessFunction
//! (`process_element1`/`process_element2` with `ctx`, and `on_timer` when keyed). State and timers are
//! shared by both inputs, keyed by each record's key.

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::context::{emit_all, fire_due_timers, ProcessContext};
use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, SideOutputs, StateDeclaration};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::state::TimeDomain;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoFunctionKind {
    Map,
    FlatMap,
    Process,
}

impl CoFunctionKind {
    fn methods(self) -> [&'static str; 2] {
        match self {
            CoFunctionKind::Map => ["map1", "map2"],
            CoFunctionKind::FlatMap => ["flat_map1", "flat_map2"],
            CoFunctionKind::Process => ["process_element1", "process_element2"],
        }
    }
}

pub struct PyCoProcess {
    core: PythonFunctionCore,
    kind: CoFunctionKind,
    input_types: [TypeInfo; 2],
    output_type: TypeInfo,
    side_types: Vec<(String, TypeInfo)>,
    methods: Vec<Py<PyAny>>,
    context: Option<ProcessContext>,
    on_timer: Option<Py<PyAny>>,
}

impl PyCoProcess {
    pub fn new(udf: PyFunction, kind: CoFunctionKind, input_types: [TypeInfo; 2], output_type: TypeInfo, keyed: bool) -> Self {
        PyCoProcess {
            core: PythonFunctionCore::new(udf, keyed),
            kind,
            input_types,
            output_type,
            side_types: Vec::new(),
            methods: Vec::new(),
            context: None,
            on_timer: None,
        }
    }

    pub fn with_side_outputs(mut self, tags: Vec<(&str, TypeInfo)>) -> Self {
        self.side_types = tags.into_iter().map(|(t, ty)| (t.to_string(), ty)).collect();
        self
    }

    fn fire_timers(&mut self, domain: TimeDomain, time: i64, out: &mut Batch) -> Result<()> {
        let (Some(ctx), Some(on_timer)) = (&mut self.context, &self.on_timer) else { return Ok(()) };
        fire_due_timers(&self.core, ctx, on_timer, domain, time, &self.output_type, out)
    }
}

impl Operator for PyCoProcess {
    fn name(&self) -> &str {
        self.core.udf.label()
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        self.core.state.iter().map(|_| StateDeclaration::PythonKeyedState).collect()
    }

    fn on_start(&mut self) -> Result<()> {
        self.core.open("CoProcess")?;
        Python::attach(|py| {
            let object = self.core.udf.object(py);
            let mut methods = Vec::new();
            for name in self.kind.methods() {
                methods.push(object.getattr(name).map_err(|e| self.core.udf.error(py, e))?.unbind());
            }
            self.methods = methods;
            if self.kind == CoFunctionKind::Process {
                self.context = Some(ProcessContext::new(py, &self.core.udf, self.core.state.as_ref(), &self.side_types)?);
                if self.core.state.is_some() {
                    self.on_timer = object.getattr("on_timer").ok().map(Bound::unbind);
                }
            }
            Ok(())
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        self.process_input(0, input, out)
    }

    fn process_input(&mut self, input: usize, batch: Batch, out: &mut Batch) -> Result<()> {
        let index = input.min(1);
        Python::attach(|py| {
            let method = self.methods[index].bind(py);
            let input_type = &self.input_types[index];
            for record in batch {
                let err = |e| self.core.udf.error(py, e);
                self.core.set_key(&record.key);
                let arg = to_py(py, &record.value, input_type).map_err(err)?;
                match self.kind {
                    CoFunctionKind::Map => {
                        let result = method.call1((arg,)).map_err(err)?;
                        let value = self.core.output(&result, &self.output_type)?;
                        out.push(Record { value, key: record.key.clone(), timestamp: record.timestamp });
                    }
                    CoFunctionKind::FlatMap => {
                        let result = method.call1((arg,)).map_err(err)?;
                        emit_all(&self.core, self.context.as_mut(), &result, &self.output_type, record.key.as_ref(), record.timestamp, out)?;
                    }
                    CoFunctionKind::Process => {
                        let Some(ctx) = &mut self.context else { continue };
                        ctx.set(py, record.key.as_ref(), record.timestamp, None).map_err(err)?;
                        let result = method.call1((arg, ctx.bind(py))).map_err(err)?;
                        emit_all(&self.core, Some(ctx), &result, &self.output_type, record.key.as_ref(), record.timestamp, out)?;
                    }
                }
            }
            Ok(())
        })
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        if let Some(store) = &self.core.state {
            store.set_watermark(watermark);
        } else if let Some(ctx) = &self.context {
            Python::attach(|py| ctx.set_watermark(py, watermark).map_err(|e| self.core.udf.error(py, e)))?;
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
