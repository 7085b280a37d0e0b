//! `print()`: each record's text on stdout, as PyFlink prints it, one write per batch.
//!
//! ROW streams print PyFlink's `+I[a,b]` form (fields as Python `str`), other typed streams Java's
//! `toString`; untyped streams print Python's `str()` of each object (PyFlink maps them through `str`
//! before its Java print sink), fetched in one GIL acquisition per batch. With a non-empty sink
//! identifier each line is prefixed `identifier> `; at parallelism > 1 with the printing subtask,
//! `N> ` or `identifier:N> `.

use std::io::Write;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::format::{write_java, write_python_row_line};
use crate::operator::Operator;
use crate::partition::SubtaskAssigner;
use crate::python::format_traceback;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct PrintSink {
    identifier: Option<String>,
    input_type: TypeInfo,
    /// At parallelism > 1: which subtask prints each record.
    subtasks: Option<SubtaskAssigner>,
}

impl PrintSink {
    pub fn new(identifier: Option<&str>, input_type: TypeInfo) -> Self {
        let identifier = identifier.filter(|id| !id.is_empty()).map(str::to_string);
        PrintSink { identifier, input_type, subtasks: None }
    }

    /// Prints as `parallelism` subtasks; `key_type` is the declared type of the stream's key, if any.
    pub fn with_parallelism(mut self, parallelism: u32, key_type: Option<TypeInfo>) -> Self {
        if parallelism > 1 {
            self.subtasks = Some(SubtaskAssigner::new(parallelism, key_type));
        }
        self
    }

    fn write_prefix(&mut self, text: &mut String, record: &Record) -> Result<()> {
        match (&mut self.subtasks, &self.identifier) {
            (Some(subtasks), id) => {
                let n = subtasks.subtask(record.key.as_ref())? + 1;
                match id {
                    Some(id) => text.push_str(&format!("{id}:{n}> ")),
                    None => text.push_str(&format!("{n}> ")),
                }
            }
            (None, Some(id)) => {
                text.push_str(id);
                text.push_str("> ");
            }
            (None, None) => {}
        }
        Ok(())
    }

    fn python_text(&mut self, batch: &Batch, text: &mut String) -> Result<()> {
        for record in batch {
            self.write_prefix(text, record)?;
            match &record.value {
                Value::Py(obj) => Python::attach(|py| {
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
                    Ok::<_, JobError>(())
                })?,
                Value::Null => text.push_str("None"),
                other => write_java(text, other, &self.input_type),
            }
            text.push('\n');
        }
        Ok(())
    }
}

impl Operator for PrintSink {
    fn name(&self) -> &str {
        "Print to Std. Out"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        let mut text = String::with_capacity(input.len() * 16);
        if self.input_type == TypeInfo::Pickled {
            // One GIL acquisition for the whole batch (re-entrant attaches inside are cheap).
            let mut result = Ok(());
            Python::attach(|_| result = self.python_text(&input, &mut text));
            result?;
        } else {
            let row_stream = matches!(self.input_type, TypeInfo::Row { .. });
            for record in &input {
                self.write_prefix(&mut text, record)?;
                if row_stream {
                    write_python_row_line(&mut text, &record.value, &self.input_type);
                } else {
                    write_java(&mut text, &record.value, &self.input_type);
                }
                text.push('\n');
            }
        }
        // What user functions print() is in Python's buffer: it goes out first, as in PyFlink, where a
        // bundle's Python output precedes the sink's lines for it.
        Python::attach(|py| {
            if let Ok(out) = py.import("sys").and_then(|sys| sys.getattr("stdout")) {
                let _ = out.call_method0("flush");
            }
        });
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }
}
