//! Helpers the table operators' unit tests share: column closures, changelog rows and their text.

use super::ScalarFn;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// A closure reading column `i` (NULL past the row's end).
pub fn column(i: usize) -> ScalarFn {
    Box::new(move |r: &[Value]| r.get(i).cloned().unwrap_or(Value::Null))
}

/// A record of a table row with its kind.
pub fn row(kind: RowKind, fields: Vec<Value>) -> Record {
    Record::new(Value::Row(Box::new(Row { kind, fields })))
}

/// Each row of `batch` as `+I[Int(1), ...]`.
pub fn lines(batch: &Batch) -> Vec<String> {
    batch
        .iter()
        .filter_map(|r| match &r.value {
            Value::Row(row) => Some(format!("{}{:?}", row.kind.short_string(), row.fields)),
            _ => None,
        })
        .collect()
}
