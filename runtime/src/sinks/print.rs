//! `print()`: each record's text on stdout, as PyFlink prints it, one write per batch.
//!
//! ROW streams print PyFlink's `+I[a,b]` form (fields as Python `str`), other typed streams Java's
//! `toString`; untyped streams print Python's `str()` of each object (PyFlink maps them through `str`
//! before its Java print sink), fetched in one GIL acquisition per batch. With a non-empty sink
//! identifier each line is prefixed `identifier> `.

use std::io::Write;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::format::{write_java, write_python_row_line};
use crate::operator::Operator;
use crate::python::format_traceback;
use crate::record::Batch;
use crate::value::Value;

pub struct PrintSink {
    prefix: String,
    input_type: TypeInfo,
}

impl PrintSink {
    pub fn new(identifier: Option<&str>, input_type: TypeInfo) -> Self {
        let prefix = identifier
            .filter(|id| !id.is_empty())
            .map(|id| format!("{id}> "))
            .unwrap_or_default();
        PrintSink { prefix, input_type }
    }

    fn python_text(&self, batch: &Batch, text: &mut String) -> Result<()> {
        Python::attach(|py| {
            for record in batch {
                text.push_str(&self.prefix);
                match &record.value {
                    Value::Py(obj) => {
                        let obj = obj.0.bind(py);
                        if let Ok(s) = obj.downcast::<PyString>() {
                            text.push_str(&s.to_string_lossy());
                        } else if let Ok(b) = obj.downcast::<PyBytes>() {
                            text.push_str(&String::from_utf8_lossy(b.as_bytes()));
                        } else {
                            let s = obj.str().map_err(|e| JobError::Python {
                                context: "print(): str() of a record raised an exception".into(),
                                traceback: format_traceback(py, &e),
                            })?;
                            text.push_str(&s.to_string_lossy());
                        }
                    }
                    Value::Null => text.push_str("None"),
                    other => write_java(text, other, &self.input_type),
                }
                text.push('\n');
            }
            Ok(())
        })
    }
}

impl Operator for PrintSink {
    fn name(&self) -> &str {
        "Print to Std. Out"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        let mut text = String::with_capacity(input.len() * 16);
        if self.input_type == TypeInfo::Pickled {
            self.python_text(&input, &mut text)?;
        } else {
            let row_stream = matches!(self.input_type, TypeInfo::Row { .. });
            for record in &input {
                text.push_str(&self.prefix);
                if row_stream {
                    write_python_row_line(&mut text, &record.value, &self.input_type);
                } else {
                    write_java(&mut text, &record.value, &self.input_type);
                }
                text.push('\n');
            }
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }
}
