//! `filter`: keeps the records for which the Python function returns a truthy value.

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::python::udf::PyFunction;
use crate::record::Batch;

pub struct PyFilter {
    core: PythonFunctionCore,
    input_type: TypeInfo,
}

impl PyFilter {
    pub fn new(udf: PyFunction, input_type: TypeInfo, keyed: bool) -> Self {
        PyFilter {
            core: PythonFunctionCore::new(udf, keyed),
            input_type,
        }
    }
}

impl Operator for PyFilter {
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
        self.core.open("Filter")
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        self.core
            .call_each(input, &self.input_type, |core, record, result| {
                if result
                    .is_truthy()
                    .map_err(|e| core.udf.error(result.py(), e))?
                {
                    out.push(record);
                }
                Ok(())
            })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
