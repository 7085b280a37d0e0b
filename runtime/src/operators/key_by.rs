//! `key_by`: attaches to each record the key its Python key selector computes. The records stay in
//! order; downstream keyed operators read `Record::key`.

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::python::convert::{key_from_py, to_py};
use crate::python::udf::PyFunction;
use crate::record::Batch;

pub struct KeyBy {
    selector: PyFunction,
    input_type: TypeInfo,
    key_type: Option<TypeInfo>,
}

impl KeyBy {
    pub fn new(selector: PyFunction, input_type: TypeInfo, key_type: Option<TypeInfo>) -> Self {
        KeyBy {
            selector,
            input_type,
            key_type,
        }
    }
}

impl Operator for KeyBy {
    fn name(&self) -> &str {
        self.selector.label()
    }

    fn process(&mut self, mut input: Batch, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            let func = self.selector.callable(py);
            for record in &mut input {
                let arg = to_py(py, &record.value, &self.input_type)
                    .map_err(|e| self.selector.error(py, e))?;
                let key = func.call1((arg,)).map_err(|e| self.selector.error(py, e))?;
                let key = key_from_py(&key, self.key_type.as_ref())
                    .map_err(|e| self.selector.error(py, e))?
                    .map_err(|e| JobError::User(format!("{}: {e}", self.selector.label())))?;
                record.key = Some(key);
            }
            Ok::<_, JobError>(())
        })?;
        out.append(&mut input);
        Ok(())
    }
}
