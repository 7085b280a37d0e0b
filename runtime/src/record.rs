//! Records and batches: what flows between operators.
//!
//! Operators exchange whole batches (`Vec<Record>`), never single records, so a fused chain runs one
//! tight loop per operator per batch and Python is entered once per batch.

use crate::value::{RowKind, Value};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    pub value: Value,
    /// The key of a keyed stream, set by `key_by`.
    pub key: Option<Value>,
    /// Event-time timestamp in epoch milliseconds, if one was assigned.
    pub timestamp: Option<i64>,
}

impl Record {
    /// A table row's change kind and fields; a bare value is an inserted one-field row.
    pub fn into_row_parts(self) -> (RowKind, Vec<Value>) {
        match self.value {
            Value::Row(row) => (row.kind, row.fields),
            other => (RowKind::Insert, vec![other]),
        }
    }

    pub fn new(value: Value) -> Self {
        Record {
            value,
            key: None,
            timestamp: None,
        }
    }
}

pub type Batch = Vec<Record>;

/// Records per batch when a source has no better idea (PyFlink's `python.fn-execution.bundle.size`
/// defaults to 100,000; smaller batches keep latency and memory low at no measurable cost).
pub const DEFAULT_BATCH_SIZE: usize = 1024;
