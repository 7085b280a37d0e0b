//! `map`: one output per input, from a Python function (MapFunction or callable); on a keyed stream
//! the function may use keyed state.

use sluice_types::TypeInfo;

use super::PythonFunctionCore;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};

pub struct PyMap {
    core: PythonFunctionCore,
    input_type: TypeInfo,
    output_type: TypeInfo,
}

impl PyMap {
    pub fn new(udf: PyFunction, input_type: TypeInfo, output_type: TypeInfo, keyed: bool) -> Self {
        PyMap {
            core: PythonFunctionCore::new(udf, keyed),
            input_type,
            output_type,
        }
    }
}

impl Operator for PyMap {
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
        self.core.open("Map")
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        let output_type = &self.output_type;
        self.core
            .call_each(input, &self.input_type, |core, record, result| {
                let value = core.output(result, output_type)?;
                out.push(Record {
                    value,
                    key: record.key.clone(),
                    timestamp: record.timestamp,
                });
                Ok(())
            })
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.core.close()
    }
}
