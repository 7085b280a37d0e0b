//! `Value`: one field or record as the runtime carries it between operators.
//!
//! Typed values (ints, floats, strings, rows, ...) stay in Rust and are converted to Python only when a
//! Python function needs them; `Py` carries an opaque Python object for streams declared without a type
//! (PyFlink's pickled objects), which never leaves the process and is never pickled.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pyo3::{Py, PyAny};

/// PyFlink's RowKind: the changelog flag of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum RowKind {
    #[default]
    Insert = 0,
    UpdateBefore = 1,
    UpdateAfter = 2,
    Delete = 3,
}

impl RowKind {
    pub fn short_string(self) -> &'static str {
        match self {
            RowKind::Insert => "+I",
            RowKind::UpdateBefore => "-U",
            RowKind::UpdateAfter => "+U",
            RowKind::Delete => "-D",
        }
    }

    pub fn from_index(index: u8) -> Option<RowKind> {
        [
            RowKind::Insert,
            RowKind::UpdateBefore,
            RowKind::UpdateAfter,
            RowKind::Delete,
        ]
        .get(usize::from(index))
        .copied()
    }
}

/// A row: its kind and its fields (field names live in the stream's `TypeInfo`, not in every row).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub fields: Vec<Value>,
}

/// An opaque Python object. Shared, so cloning a record never needs the GIL.
#[derive(Debug, Clone)]
pub struct PyValue(pub Arc<Py<PyAny>>);

impl PartialEq for PyValue {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_ptr() == other.0.as_ptr()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    /// BYTE, SHORT, INT and LONG.
    Int(i64),
    /// FLOAT and DOUBLE.
    Float(f64),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
    Row(Box<Row>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// BIG_DEC, as its decimal text.
    Decimal(Arc<str>),
    /// SQL_TIMESTAMP: milliseconds since 1970-01-01T00:00 (naive).
    Timestamp(i64),
    /// SQL_DATE: days since 1970-01-01.
    Date(i64),
    /// SQL_TIME: milliseconds of the day.
    Time(i64),
    /// INSTANT: seconds and nanoseconds since the epoch.
    Instant(i64, u32),
    Py(PyValue),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// A rowtime attribute's milliseconds: a TIMESTAMP's (naive, read as UTC) or a TIMESTAMP_LTZ's
    /// instant.
    pub fn event_millis(&self) -> Option<i64> {
        match self {
            Value::Timestamp(ms) => Some(*ms),
            Value::Instant(s, ns) => Some(s.saturating_mul(1000).saturating_add(i64::from(*ns / 1_000_000))),
            _ => None,
        }
    }

    pub fn row(fields: Vec<Value>) -> Value {
        Value::Row(Box::new(Row {
            kind: RowKind::Insert,
            fields,
        }))
    }
}

/// Keys are compared by value: floats by their bits, Python objects by identity (the runtime converts
/// key selector results to typed values, so `Py` keys do not arise from `key_by`).
impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Float(f) => f.to_bits().hash(state),
            Value::Str(s) => s.hash(state),
            Value::Bytes(b) => b.hash(state),
            Value::Row(r) => {
                r.kind.hash(state);
                r.fields.hash(state);
            }
            Value::Tuple(v) | Value::List(v) => v.hash(state),
            Value::Map(m) => m.hash(state),
            Value::Decimal(d) => d.hash(state),
            Value::Timestamp(t) | Value::Date(t) | Value::Time(t) => t.hash(state),
            Value::Instant(s, n) => (s, n).hash(state),
            Value::Py(p) => (p.0.as_ptr() as usize).hash(state),
        }
    }
}
