//! Text forms of values as PyFlink's `print()` shows them.
//!
//! PyFlink prints along three paths (see tests/goldens/PRINT_FORMAT.md):
//! - ROW streams go through a Python map: `+I[` + fields joined by `,` as Python `str()` + `]`;
//! - other typed streams print Java's `toString` (tuples `(1,a)`, lists `[1, 2]`, doubles `1.0E10`);
//! - untyped streams print Python's `str()` of each object (obtained from Python, once per batch).
//!
//! Python's `str`/`repr` of typed values are computed here natively, without entering Python.

use std::fmt::Write as _;

use sluice_types::TypeInfo;

use crate::temporal;
use crate::value::{Row, Value};

/// A finite, non-zero float as its shortest round-trip decimal digits: (negative, digits, exponent of
/// the first digit). `shortest_exp` is Rust's `{:e}` form (`-1.2345e-7`), shortest for f64 or f32.
fn decompose(shortest_exp: &str) -> (bool, String, i32) {
    let (mantissa, exp) = shortest_exp.split_once('e').unwrap_or((shortest_exp, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (mantissa.starts_with('-'), digits, exp.parse().unwrap_or(0))
}

/// The special values both languages spell out: NaN, infinities and signed zeros.
fn special(value: f64, nan: &str, inf: &str) -> Option<String> {
    if value.is_nan() {
        Some(nan.to_string())
    } else if value.is_infinite() {
        Some(if value > 0.0 {
            inf.to_string()
        } else {
            format!("-{inf}")
        })
    } else if value == 0.0 {
        Some(if value.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        })
    } else {
        None
    }
}

/// Java's `Double.toString`: shortest round-trip digits, plain between 1e-3 and 1e7, else `d.dddE±n`.
pub fn java_double(value: f64) -> String {
    java_decimal(value, format!("{value:e}"))
}

/// Java's `Float.toString`.
pub fn java_float(value: f32) -> String {
    java_decimal(f64::from(value), format!("{value:e}"))
}

fn java_decimal(value: f64, shortest_exp: String) -> String {
    if let Some(text) = special(value, "NaN", "Infinity") {
        return text;
    }
    let (negative, digits, exp) = decompose(&shortest_exp);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let magnitude = value.abs();
    if (1e-3..1e7).contains(&magnitude) {
        if exp >= 0 {
            let int_len = usize::try_from(exp).unwrap_or(0) + 1;
            let padded = format!("{digits:0<int_len$}");
            let (int_part, frac) = padded.split_at(int_len);
            out.push_str(int_part);
            out.push('.');
            out.push_str(if frac.is_empty() { "0" } else { frac });
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let _ = write!(
            out,
            "{first}.{}E{exp}",
            if rest.is_empty() { "0" } else { rest }
        );
    }
    out
}

/// Appends the Java `toString` of a typed value. `Value::Py` inside a typed value (which the runtime's
/// conversions do not produce) falls back to a placeholder rather than calling Python here.
pub fn write_java(out: &mut String, value: &Value, ty: &TypeInfo) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => match ty {
            TypeInfo::Float => out.push_str(&java_float(*f as f32)),
            _ => out.push_str(&java_double(*f)),
        },
        Value::Str(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push('[');
            for (i, byte) in b.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}", *byte as i8);
            }
            out.push(']');
        }
        Value::Tuple(fields) => {
            out.push('(');
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_java(out, field, field_type(ty, i));
            }
            out.push(')');
        }
        Value::Row(row) => write_row(out, row, ty),
        Value::List(items) => {
            out.push('[');
            let element = element_type(ty);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, item, element);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            let (key_ty, value_ty) = match ty {
                TypeInfo::Map { key, value } => (&**key, &**value),
                _ => (&TypeInfo::Pickled, &TypeInfo::Pickled),
            };
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, k, key_ty);
                out.push('=');
                write_java(out, v, value_ty);
            }
            out.push('}');
        }
        Value::Decimal(d) => out.push_str(d),
        Value::Timestamp(ms) => temporal::write_java_timestamp(out, *ms),
        Value::Date(days) => temporal::write_date(out, *days),
        Value::Time(ms) => temporal::write_java_time(out, *ms),
        Value::Instant(s, ns) => temporal::write_java_instant(out, *s, *ns),
        Value::Py(_) => out.push_str("<python object>"),
    }
}

/// The top-level form of a ROW stream's record, as PyFlink's print map makes it: `+I[1,a,None]`.
pub fn write_python_row_line(out: &mut String, value: &Value, ty: &TypeInfo) {
    match value {
        Value::Row(row) => {
            out.push_str(row.kind.short_string());
            out.push('[');
            for (i, field) in row.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_python(out, field, field_type(ty, i), false);
            }
            out.push(']');
        }
        other => write_python(out, other, ty, false),
    }
}

/// Python's `repr` of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16.
pub fn python_float(value: f64) -> String {
    if let Some(text) = special(value, "nan", "inf") {
        return text;
    }
    let (negative, digits, exp) = decompose(&format!("{value:e}"));
    let decimal_point = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if (-4 < decimal_point) && (decimal_point <= 16) {
        if decimal_point <= 0 {
            out.push_str("0.");
            for _ in 0..(-decimal_point) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let int_len = usize::try_from(decimal_point).unwrap_or(0);
            let padded = format!("{digits:0<int_len$}");
            let (int_part, frac) = padded.split_at(int_len);
            out.push_str(int_part);
            out.push('.');
            out.push_str(if frac.is_empty() { "0" } else { frac });
        }
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    out
}

/// Python's `repr` of a str: single quotes unless the text has `'` and no `"`.
fn python_str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Appends Python's `str()` (or `repr()` when `repr` is set) of a typed value as PyFlink hands it to
/// Python: rows are `Row`s with field names (`f0, f1, ...` when the type names none).
pub fn write_python(out: &mut String, value: &Value, ty: &TypeInfo, repr: bool) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&python_float(*f)),
        Value::Str(s) if repr => python_str_repr(out, s),
        Value::Str(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push_str("b'");
            for byte in b.iter() {
                match byte {
                    b'\\' => out.push_str("\\\\"),
                    b'\'' => out.push_str("\\'"),
                    0x20..=0x7e => out.push(char::from(*byte)),
                    _ => {
                        let _ = write!(out, "\\x{byte:02x}");
                    }
                }
            }
            out.push('\'');
        }
        Value::Row(row) => {
            out.push_str("Row(");
            let names = match ty {
                TypeInfo::Row {
                    names: Some(names), ..
                } => Some(names),
                _ => None,
            };
            for (i, field) in row.fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match names.and_then(|n| n.get(i)) {
                    Some(name) => out.push_str(name),
                    None => {
                        let _ = write!(out, "f{i}");
                    }
                }
                out.push('=');
                write_python(out, field, field_type(ty, i), true);
            }
            out.push(')');
        }
        Value::Tuple(fields) => {
            out.push('(');
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(out, field, field_type(ty, i), true);
            }
            if fields.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Value::List(items) => {
            out.push('[');
            let element = element_type(ty);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(out, item, element, true);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            let (key_ty, value_ty) = match ty {
                TypeInfo::Map { key, value } => (&**key, &**value),
                _ => (&TypeInfo::Pickled, &TypeInfo::Pickled),
            };
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(out, k, key_ty, true);
                out.push_str(": ");
                write_python(out, v, value_ty, true);
            }
            out.push('}');
        }
        Value::Decimal(d) if repr => {
            let _ = write!(out, "Decimal('{d}')");
        }
        Value::Decimal(d) => out.push_str(d),
        Value::Timestamp(ms) if repr => temporal::write_python_datetime_repr(out, *ms),
        Value::Timestamp(ms) => temporal::write_python_datetime(out, *ms),
        Value::Date(days) if repr => temporal::write_python_date_repr(out, *days),
        Value::Date(days) => temporal::write_date(out, *days),
        Value::Time(ms) if repr => temporal::write_python_time_repr(out, *ms),
        Value::Time(ms) => temporal::write_python_time(out, *ms),
        Value::Instant(s, ns) => {
            let _ = write!(out, "Instant<{s}, {ns}>");
        }
        Value::Py(_) => out.push_str("<python object>"),
    }
}

/// Flink's `Row.toString` (a Java row nested in a tuple): `+I[1, a]`.
fn write_row(out: &mut String, row: &Row, ty: &TypeInfo) {
    out.push_str(row.kind.short_string());
    out.push('[');
    for (i, field) in row.fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_java(out, field, field_type(ty, i));
    }
    out.push(']');
}

fn field_type(ty: &TypeInfo, index: usize) -> &TypeInfo {
    match ty {
        TypeInfo::Row { fields, .. } | TypeInfo::Tuple { fields } => {
            fields.get(index).unwrap_or(&TypeInfo::Pickled)
        }
        _ => &TypeInfo::Pickled,
    }
}

fn element_type(ty: &TypeInfo) -> &TypeInfo {
    match ty {
        TypeInfo::List { element }
        | TypeInfo::BasicArray { element }
        | TypeInfo::PrimitiveArray { element }
        | TypeInfo::ObjectArray { element } => element,
        _ => &TypeInfo::Pickled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_java_does() {
        // Observed from PyFlink 2.3's print() of Types.DOUBLE().
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-5, "1.0E-5"),
            (123456789.0, "1.23456789E8"),
            (1e7, "1.0E7"),
            (0.001, "0.001"),
            (2.5e-3, "0.0025"),
            (-0.0, "-0.0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (1e10, "1.0E10"),
            (100.0, "100.0"),
            (123456.789, "123456.789"),
            (-1.5, "-1.5"),
        ];
        for (value, expected) in cases {
            assert_eq!(java_double(value), expected, "{value}");
        }
        assert_eq!(java_float(1.5), "1.5");
        assert_eq!(java_float(0.1), "0.1");
    }

    #[test]
    fn floats_repr_as_python_does() {
        let cases = [
            (1e10, "10000000000.0"),
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1e7, "10000000.0"),
            (123456.789, "123456.789"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (2.0 / 3.0, "0.6666666666666666"),
            (1.5e-7, "1.5e-07"),
            (f64::from(0.1f32), "0.10000000149011612"),
        ];
        for (value, expected) in cases {
            assert_eq!(python_float(value), expected, "{value}");
        }
    }

    #[test]
    fn row_lines_use_python_str_of_fields() {
        // Observed from PyFlink 2.3: `+I[True,[1, 2],['a', None],(1, 'a'),{'a': 1},q"s,]`.
        let ty = TypeInfo::Pickled;
        let value = Value::row(vec![
            Value::Bool(true),
            Value::List(vec![Value::Int(1), Value::Int(2)]),
            Value::List(vec![Value::str("a"), Value::Null]),
            Value::Tuple(vec![Value::Int(1), Value::str("a")]),
            Value::Map(vec![(Value::str("a"), Value::Int(1))]),
            Value::str("q\"s"),
            Value::str(""),
        ]);
        let mut out = String::new();
        write_python_row_line(&mut out, &value, &ty);
        assert_eq!(out, "+I[True,[1, 2],['a', None],(1, 'a'),{'a': 1},q\"s,]");
        let nested = Value::row(vec![
            Value::Int(1),
            Value::row(vec![Value::str("x"), Value::Float(2.5)]),
        ]);
        let mut out = String::new();
        write_python_row_line(&mut out, &nested, &ty);
        assert_eq!(out, "+I[1,Row(f0='x', f1=2.5)]");
    }

    #[test]
    fn tuples_and_lists() {
        let ty = TypeInfo::Tuple {
            fields: vec![
                TypeInfo::Long,
                TypeInfo::List {
                    element: Box::new(TypeInfo::Int),
                },
            ],
        };
        let value = Value::Tuple(vec![
            Value::Int(1),
            Value::List(vec![Value::Int(1), Value::Int(2)]),
        ]);
        let mut out = String::new();
        write_java(&mut out, &value, &ty);
        assert_eq!(out, "(1,[1, 2])");
        let mut out = String::new();
        write_java(
            &mut out,
            &Value::Tuple(vec![Value::Int(2), Value::Null]),
            &TypeInfo::Pickled,
        );
        assert_eq!(out, "(2,null)");
    }
}
