//! Text forms of values as PyFlink's `print()` shows them.
//!
//! Typed streams print through Java's `toString` (tuples as `(1,a)`, lists as `[1, 2]`, doubles as
//! `1.0E10`, null as `null`); streams without a declared type print Python's `str()` of each object,
//! which the print sink obtains from Python in one call per batch.

use std::fmt::Write as _;

use sluice_types::TypeInfo;

use crate::value::{Row, Value};

/// Java's `Double.toString`: shortest round-trip digits, plain between 1e-3 and 1e7, else `d.dddE±n`.
pub fn java_double(value: f64) -> String {
    java_decimal(value, format!("{value:e}"))
}

/// Java's `Float.toString`.
pub fn java_float(value: f32) -> String {
    java_decimal(f64::from(value), format!("{value:e}"))
}

fn java_decimal(value: f64, shortest_exp: String) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // `{:e}` gives e.g. "-1.2345e-7": sign, digits with an optional point, exponent.
    let (mantissa, exp) = shortest_exp.split_once('e').unwrap_or((&shortest_exp, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
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
        let _ = write!(out, "{first}.{}E{exp}", if rest.is_empty() { "0" } else { rest });
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
        Value::Py(_) => out.push_str("<python object>"),
    }
}

/// Flink's `Row.toString`: `+I[1, a]`.
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
        TypeInfo::Row { fields, .. } | TypeInfo::Tuple { fields } => fields.get(index).unwrap_or(&TypeInfo::Pickled),
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
    fn tuples_and_lists() {
        let ty = TypeInfo::Tuple { fields: vec![TypeInfo::Long, TypeInfo::List { element: Box::new(TypeInfo::Int) }] };
        let value = Value::Tuple(vec![Value::Int(1), Value::List(vec![Value::Int(1), Value::Int(2)])]);
        let mut out = String::new();
        write_java(&mut out, &value, &ty);
        assert_eq!(out, "(1,[1, 2])");
        let mut out = String::new();
        write_java(&mut out, &Value::Tuple(vec![Value::Int(2), Value::Null]), &TypeInfo::Pickled);
        assert_eq!(out, "(2,null)");
    }
}
