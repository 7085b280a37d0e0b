//! The print connector (`'connector' = 'print'`): each changelog row as Flink's `Row.toString` shows
//! it, `+I[Beijing, 3, 1024, 1.5]` (fields in Java's `toString`, `null` for NULL, joined by `, `),
//! prefixed `identifier> ` when `print-identifier` is set, on stderr with `standard-error`. One write
//! per batch. Also the blackhole connector, which drops every row.

use std::io::Write;

use sluice_types::TypeInfo;

use super::ScalarFn;
use crate::error::Result;
use crate::format::write_java;
use crate::operator::Operator;
use crate::record::Batch;
use crate::value::{RowKind, Value};

pub struct TablePrintSink {
    prefix: String,
    types: Vec<TypeInfo>,
    casts: Vec<ScalarFn>,
    to_stderr: bool,
}

impl TablePrintSink {
    /// `casts` convert the query's columns to the table's column `types`.
    pub fn new(identifier: Option<&str>, types: Vec<TypeInfo>, casts: Vec<ScalarFn>) -> Self {
        TablePrintSink {
            prefix: identifier.map(|id| format!("{id}> ")).unwrap_or_default(),
            types,
            casts,
            to_stderr: false,
        }
    }

    /// `'standard-error' = 'true'`: rows go to stderr.
    pub fn to_stderr(mut self) -> Self {
        self.to_stderr = true;
        self
    }
}

impl Operator for TablePrintSink {
    fn name(&self) -> &str {
        "Sink: Print"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        let mut text = String::with_capacity(input.len() * 32);
        for record in &input {
            let (kind, fields) = match &record.value {
                Value::Row(row) => (row.kind, row.fields.as_slice()),
                other => (RowKind::Insert, std::slice::from_ref(other)),
            };
            text.push_str(&self.prefix);
            text.push_str(kind.short_string());
            text.push('[');
            for (i, (cast, ty)) in self.casts.iter().zip(&self.types).enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                write_java(&mut text, &cast(fields), ty);
            }
            text.push_str("]\n");
        }
        if self.to_stderr {
            let mut stderr = std::io::stderr().lock();
            stderr.write_all(text.as_bytes())?;
            stderr.flush()?;
        } else {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
        super::row_pool::recycle(input);
        Ok(())
    }
}

/// `'connector' = 'blackhole'`: swallows every row (for benchmarks and tests of the query alone).
#[derive(Default)]
pub struct BlackholeSink;

impl Operator for BlackholeSink {
    fn name(&self) -> &str {
        "Sink: BlackHole"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        super::row_pool::recycle(input);
        Ok(())
    }
}
