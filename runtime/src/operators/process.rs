//! `process`: a ProcessFunction or KeyedProcessFunction's `process_element(value, ctx)`, emitting what
//! it yields or returns. `ctx` gives the current key and the record's timestamp.

use pyo3::intern;
use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};

pub struct PyProcess {
    core: PythonFunctionCore,
    input_type: TypeInfo,
    output_type: TypeInfo,
    context: Option<Py<PyAny>>,
}

impl PyProcess {
    pub fn new(udf: PyFunction, input_type: TypeInfo, output_type: TypeInfo, keyed: bool) -> Self {
        PyProcess {
            core: PythonFunctionCore::new(udf, keyed),
            input_type,
            output_type,
            context: None,
        }
    }
}

impl Operator for PyProcess {
    fn name(&self) -> &str {
        self.core.udf.label()
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        self.core
            .state
            .iter()
            .map(|_| StateDeclaration::PythonKeyedState)
            .collect()
    }

    fn on_start(&mut self) -> Result<()> {
        self.core.open("Process")?;
        let context = Python::attach(|py| {
            py.import("_sluice.harness")
                .and_then(|h| h.getattr("ProcessContext")?.call0())
                .map(Bound::unbind)
        });
        self.context = Some(Python::attach(|py| {
            context.map_err(|e| self.core.udf.error(py, e))
        })?);
        Ok(())
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            let func = self.core.udf.callable(py);
            let ctx = match &self.context {
                Some(ctx) => ctx.bind(py).clone(),
                None => py.None().into_bound(py),
            };
            let err = |e| self.core.udf.error(py, e);
            for record in input {
                self.core.set_key(&record.key);
                let key = match &record.key {
                    Some(k) => to_py(py, k, &TypeInfo::Pickled).map_err(err)?,
                    None => py.None().into_bound(py),
                };
                ctx.setattr(intern!(py, "_key"), key).map_err(err)?;
                ctx.setattr(intern!(py, "_timestamp"), record.timestamp)
                    .map_err(err)?;
                let arg = to_py(py, &record.value, &self.input_type).map_err(err)?;
                let result = func.call1((arg, &ctx)).map_err(err)?;
                if result.is_none() {
                    continue;
                }
                for item in result.try_iter().map_err(err)? {
                    let value = self.core.output(&item.map_err(err)?, &self.output_type)?;
                    out.push(Record {
                        value,
                        key: None,
                        timestamp: record.timestamp,
                    });
                }
            }
            Ok(())
        })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
