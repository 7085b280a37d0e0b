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

}

/// The text of a Python object as PyFlink's sinks write an untyped (pickled) stream's records:
/// `str()` of each (a str as it is, bytes decoded).
pub(crate) fn python_object_text(text: &mut String, obj: &crate::value::PyValue) -> Result<()> {
    Python::attach(|py| {
        let obj = obj.0.bind(py);
        if let Ok(s) = obj.downcast::<PyString>() {
            text.push_str(&s.to_string_lossy());
        } else if let Ok(b) = obj.downcast::<PyBytes>() {
            text.push_str(&String::from_utf8_lossy(b.as_bytes()));
        } else {
            let s = obj.str().map_err(|e| JobError::Python {
                context: "str() of a record raised an exception".into(),
                traceback: format_traceback(py, &e),
            })?;
            text.push_str(&s.to_string_lossy());
        }
        Ok(())
    })
}

/// A record's text as `print()` shows it (without the line break): a ROW stream's `+I[a,b]` (fields as
/// Python `str`), another typed stream's Java `toString`, an untyped stream's Python `str()`.
/// Untyped streams' callers should hold the GIL for the whole batch.
fn write_record_text(text: &mut String, value: &Value, input_type: &TypeInfo) -> Result<()> {
    if *input_type == TypeInfo::Pickled {
        match value {
            Value::Py(obj) => python_object_text(text, obj)?,
            Value::Null => text.push_str("None"),
            other => write_java(text, other, input_type),
        }
    } else if matches!(input_type, TypeInfo::Row { .. }) {
        write_python_row_line(text, value, input_type);
    } else {
        write_java(text, value, input_type);
    }
    Ok(())
}

impl Operator for PrintSink {
    fn name(&self) -> &str {
        "Print to Std. Out"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        let mut text = String::with_capacity(input.len() * 16);
        let pickled = self.input_type == TypeInfo::Pickled;
        let mut lines = || -> Result<()> {
            for record in &input {
                self.write_prefix(&mut text, record)?;
                write_record_text(&mut text, &record.value, &self.input_type)?;
                text.push('\n');
            }
            Ok(())
        };
        if pickled {
            // One GIL acquisition for the whole batch (re-entrant attaches inside are cheap).
            Python::attach(|_| lines())?;
        } else {
            lines()?;
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
