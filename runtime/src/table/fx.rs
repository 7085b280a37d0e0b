//! Helpers generated expression code calls: typed column access, NULL-propagating operators and
//! conversions back to `Value`. `None` is SQL NULL throughout.

use std::sync::Arc;

use crate::format::{java_double, java_float};
use crate::value::Value;

pub fn get_i64(row: &[Value], i: usize) -> Option<i64> {
    match row.get(i) {
        Some(Value::Int(v) | Value::Timestamp(v) | Value::Date(v) | Value::Time(v)) => Some(*v),
        // TIMESTAMP_LTZ: milliseconds since the epoch (sub-millisecond fractions are cut).
        Some(Value::Instant(s, ns)) => Some(instant_millis(*s, *ns)),
        _ => None,
    }
}

/// A `Value::Instant`'s milliseconds since the epoch.
pub fn instant_millis(seconds: i64, nanos: u32) -> i64 {
    seconds.saturating_mul(1000).saturating_add(i64::from(nanos / 1_000_000))
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

/// A ROW column (a Python function's ROW result).
pub fn get_row(row: &[Value], i: usize) -> Option<Value> {
    match row.get(i) {
        Some(v @ Value::Row(_)) => Some(v.clone()),
        _ => None,
    }
}

/// A ROW as Flink's boxed print shows it: `(f0, f1, ...)`, NULL fields as `NULL`, booleans as
/// `TRUE` / `FALSE`.
pub fn row_to_str(v: &Value) -> Arc<str> {
    let Value::Row(row) = v else {
        return Arc::from("");
    };
    let mut out = String::from("(");
    for (i, field) in row.fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match field {
            Value::Null => out.push_str("NULL"),
            Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Value::Row(_) => out.push_str(&row_to_str(field)),
            other => crate::format::write_java(&mut out, other, &sluice_types::TypeInfo::Double),
        }
    }
    out.push(')');
    Arc::from(out)
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

/// A FLOAT as Java prints a `float` (its shortest decimal as a 32-bit value: 0.1, not 0.10000000149011612).
pub fn f32_to_str(v: f64) -> Arc<str> {
    Arc::from(java_float(v as f32))
}

/// A BYTES field as Flink's boxed print shows it: `x'6162'` (lowercase hex).
pub fn bytes_to_str(v: Option<&Value>) -> Option<Arc<str>> {
    match v {
        Some(Value::Bytes(b)) => {
            let mut text = String::with_capacity(b.len() * 2 + 3);
            text.push_str("x'");
            for byte in b.iter() {
                text.push_str(&format!("{byte:02x}"));
            }
            text.push('\'');
            Some(Arc::from(text))
        }
        _ => None,
    }
}

/// An ARRAY as Flink's boxed print shows it: `[a, b]`, NULL elements as `NULL`.
pub fn array_to_str(v: Option<&Value>) -> Option<Arc<str>> {
    let Some(Value::List(items)) = v else {
        return None;
    };
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match item {
            Value::Null => out.push_str("NULL"),
            Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Value::List(_) => out.push_str(&array_to_str(Some(item)).unwrap_or_default()),
            other => crate::format::write_java(&mut out, other, &sluice_types::TypeInfo::Double),
        }
    }
    out.push(']');
    Some(Arc::from(out))
}

/// A MAP as Flink's boxed print shows it: `{k=v, ...}` in the map's order, NULLs as `NULL`.
pub fn map_to_str(v: Option<&Value>) -> Option<Arc<str>> {
    let Some(Value::Map(entries)) = v else {
        return None;
    };
    let item = |out: &mut String, v: &Value| match v {
        Value::Null => out.push_str("NULL"),
        Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Value::List(_) => out.push_str(&array_to_str(Some(v)).unwrap_or_default()),
        other => crate::format::write_java(out, other, &sluice_types::TypeInfo::Double),
    };
    let mut out = String::from("{");
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(&mut out, key);
        out.push('=');
        item(&mut out, value);
    }
    out.push('}');
    Some(Arc::from(out))
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

pub fn upper(s: &str) -> Arc<str> {
    Arc::from(s.to_uppercase())
}

pub fn lower(s: &str) -> Arc<str> {
    Arc::from(s.to_lowercase())
}

/// CONCAT: NULL when any argument is NULL.
pub fn concat(parts: &[Option<Arc<str>>]) -> Option<Arc<str>> {
    let mut out = String::new();
    for part in parts {
        out.push_str(part.as_deref()?);
    }
    Some(Arc::from(out))
}

/// SUBSTRING(s, start, length) with Flink's positions: 1-based, a negative start counts from the
/// end, 0 is the start; a negative length is NULL.
pub fn substring(s: Option<Arc<str>>, start: Option<i64>, length: Option<i64>) -> Option<Arc<str>> {
    let (s, pos, length) = (s?, start?, length?);
    if length < 0 {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as i64;
    let begin = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        len + pos
    } else {
        0
    };
    let end = begin.saturating_add(length).min(len);
    let begin = begin.max(0);
    if begin >= end {
        return Some(Arc::from(""));
    }
    Some(Arc::from(chars[begin as usize..end as usize].iter().collect::<String>()))
}

/// TRIM: strips the characters of `what` from the chosen ends.
pub fn trim(s: Option<Arc<str>>, what: Option<Arc<str>>, leading: bool, trailing: bool) -> Option<Arc<str>> {
    let (s, what) = (s?, what?);
    let strip = |c: char| what.contains(c);
    let mut t: &str = &s;
    if leading {
        t = t.trim_start_matches(strip);
    }
    if trailing {
        t = t.trim_end_matches(strip);
    }
    Some(Arc::from(t))
}

/// ROUND of a DOUBLE to `digits` decimal places, half away from zero (Java's `BigDecimal` HALF_UP
/// on the double's shortest decimal form).
pub fn round_f64(x: f64, digits: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let text = java_double(x);
    let Some(unscaled) = crate::table::decimal::parse_i128(&text, digits) else {
        return x;
    };
    let value = if digits >= 0 {
        format!("{}e-{digits}", unscaled)
    } else {
        format!("{}e{}", unscaled, -digits)
    };
    value.parse().unwrap_or(x)
}

/// ROUND of an integer to `digits` (only negative digits change it), half away from zero.
pub fn round_i64(v: i64, digits: i64) -> i64 {
    if digits >= 0 {
        return v;
    }
    let Some(factor) = 10i64.checked_pow((-digits) as u32) else {
        return 0;
    };
    let rounded = (v.unsigned_abs() + factor.unsigned_abs() / 2) / factor.unsigned_abs() * factor.unsigned_abs();
    if v < 0 {
        -(rounded as i64)
    } else {
        rounded as i64
    }
}

/// SQL LIKE: `%` any run of characters, `_` one character.
pub fn like(s: &str, pattern: &str) -> bool {
    fn go(s: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('%', rest)) => (0..=s.len()).any(|i| go(&s[i..], rest)),
            Some(('_', rest)) => !s.is_empty() && go(&s[1..], rest),
            Some((c, rest)) => s.first() == Some(c) && go(&s[1..], rest),
        }
    }
    let (s, p): (Vec<char>, Vec<char>) = (s.chars().collect(), pattern.chars().collect());
    go(&s, &p)
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

    #[test]
    fn strings_and_rounding() {
        let s = |t: &str| Some(Arc::<str>::from(t));
        assert_eq!(substring(s("hello"), Some(2), Some(3)), s("ell"));
        assert_eq!(substring(s("hello"), Some(-3), Some(i64::MAX)), s("llo"));
        assert_eq!(trim(s("  a "), s(" "), true, false), s("a "));
        assert_eq!(round_f64(2.345, 2), 2.35);
        assert_eq!(round_f64(-2.5, 0), -3.0);
        assert_eq!(round_i64(155, -1), 160);
        assert!(like("hello", "h%l_"));
        assert!(!like("hello", "h%x"));
    }
}

/// REPLACE(s, search, replacement): every occurrence of `search` replaced, as Java's
/// `String.replace`.
pub fn map3_str_replace(s: Option<Arc<str>>, search: Option<Arc<str>>, replacement: Option<Arc<str>>) -> Option<Arc<str>> {
    Some(Arc::from(s?.replace(&*search?, &replacement?)))
}
