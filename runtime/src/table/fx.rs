//! Helpers generated expression code calls: typed column access, NULL-propagating operators and
//! conversions back to `Value`. `None` is SQL NULL throughout.

use std::sync::Arc;

use crate::format::java_double;
use crate::value::Value;

pub fn get_i64(row: &[Value], i: usize) -> Option<i64> {
    match row.get(i) {
        Some(Value::Int(v)) => Some(*v),
        _ => None,
    }
}

pub fn get_f64(row: &[Value], i: usize) -> Option<f64> {
    match row.get(i) {
        Some(Value::Float(v)) => Some(*v),
        Some(Value::Int(v)) => Some(*v as f64),
        _ => None,
    }
}

pub fn get_bool(row: &[Value], i: usize) -> Option<bool> {
    match row.get(i) {
        Some(Value::Bool(v)) => Some(*v),
        _ => None,
    }
}

pub fn get_str(row: &[Value], i: usize) -> Option<Arc<str>> {
    match row.get(i) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

pub fn from_i64(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Int)
}

pub fn from_f64(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::Float)
}

pub fn from_bool(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

pub fn from_str(v: Option<Arc<str>>) -> Value {
    v.map_or(Value::Null, Value::Str)
}

/// `f(a, b)` when both are non-NULL.
pub fn map2<A, B, R>(a: Option<A>, b: Option<B>, f: impl FnOnce(A, B) -> R) -> Option<R> {
    Some(f(a?, b?))
}

/// `f(a, b)` when both are non-NULL; `f` may itself yield NULL (integer division by zero).
pub fn and_then2<A, B, R>(
    a: Option<A>,
    b: Option<B>,
    f: impl FnOnce(A, B) -> Option<R>,
) -> Option<R> {
    f(a?, b?)
}

/// SQL's three-valued AND.
pub fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// SQL's three-valued OR.
pub fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

pub fn i64_to_str(v: i64) -> Arc<str> {
    Arc::from(v.to_string())
}

/// Flink casts DOUBLE to STRING as Java's `Double.toString`.
pub fn f64_to_str(v: f64) -> Arc<str> {
    Arc::from(java_double(v))
}

pub fn bool_to_str(v: bool) -> Arc<str> {
    Arc::from(if v { "TRUE" } else { "FALSE" })
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        assert_eq!(and(None, Some(false)), Some(false));
        assert_eq!(and(None, Some(true)), None);
        assert_eq!(or(None, Some(true)), Some(true));
        assert_eq!(map2(Some(1i64), None::<i64>, i64::wrapping_add), None);
        assert_eq!(and_then2(Some(1i64), Some(0i64), i64::checked_div), None);
    }
}
