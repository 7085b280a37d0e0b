//! `flat_map`: zero or more outputs per input, from whatever iterable the Python function returns
//! (a generator, a list, ...).

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};

pub struct PyFlatMap {
    core: PythonFunctionCore,
    input_type: TypeInfo,
    output_type: TypeInfo,
}

impl PyFlatMap {
    pub fn new(udf: PyFunction, input_type: TypeInfo, output_type: TypeInfo, keyed: bool) -> Self {
        PyFlatMap {
            core: PythonFunctionCore::new(udf, keyed),
            input_type,
            output_type,
        }
    }
}

impl Operator for PyFlatMap {
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
        self.core.open("FlatMap")
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        let output_type = &self.output_type;
        self.core
            .call_each(input, &self.input_type, |core, record, result| {
                if result.is_none() {
                    return Ok(());
                }
                let py = result.py();
                for item in result.try_iter().map_err(|e| core.udf.error(py, e))? {
                    let item = item.map_err(|e| core.udf.error(py, e))?;
                    let value = core.output(&item, output_type)?;
                    out.push(Record {
                        value,
                        key: record.key.clone(),
                        timestamp: record.timestamp,
                    });
                }
                Ok(())
            })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
