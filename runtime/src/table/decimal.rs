//! DECIMAL(p, s) values: generated code computes on the unscaled value as an `i128` (the scale is
//! known from the type); rows carry it as `Value::Bytes` of its 16 little-endian bytes ([`to_value`],
//! [`from_value`]). Arithmetic follows Flink's `DecimalData`: results are rounded HALF_UP to the
//! result type's scale and are NULL when they do not fit its precision.

use std::sync::Arc;

use crate::format::java_double;
use crate::value::Value;

/// A decimal's unscaled value as a row field.
pub fn to_value(v: Option<i128>) -> Value {
    v.map_or(Value::Null, |v| Value::Bytes(Arc::from(v.to_le_bytes().as_slice())))
}

/// A row field as a decimal's unscaled value (an integer field is taken as unscaled).
pub fn from_value(v: &Value) -> Option<i128> {
    match v {
        Value::Bytes(b) => Some(i128::from_le_bytes(b.as_ref().try_into().ok()?)),
        Value::Int(i) => Some(i128::from(*i)),
        _ => None,
    }
}

/// The `i`-th field of a row as a decimal's unscaled value.
pub fn get(row: &[Value], i: usize) -> Option<i128> {
    from_value(row.get(i)?)
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// `n / d` rounded half away from zero.
fn div_half_up(n: i128, d: i128) -> Option<i128> {
    if d == 0 {
        return None;
    }
    let (q, r) = (n / d, n % d);
    if r.checked_abs()?.checked_mul(2)? >= d.checked_abs()? {
        Some(if (n < 0) == (d < 0) { q + 1 } else { q - 1 })
    } else {
        Some(q)
    }
}

/// `v` (at scale `from`) at scale `to`, rounded HALF_UP.
fn shift(v: i128, from: i64, to: i64) -> Option<i128> {
    if to >= from {
        v.checked_mul(pow10(u32::try_from(to - from).ok()?)?)
    } else {
        div_half_up(v, pow10(u32::try_from(from - to).ok()?)?)
    }
}

/// `v` as a value of precision `p`: `None` when it has more digits.
fn fit(v: i128, p: u32) -> Option<i128> {
    if v.checked_abs()? >= pow10(p)? {
        return None;
    }
    Some(v)
}

/// Decimal text (`-12.5`, `1.0E10`) as an unscaled value at `scale`, rounded HALF_UP.
pub fn parse_i128(text: &str, scale: i64) -> Option<i128> {
    let text = text.trim();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let unscaled: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let v = shift(unscaled, frac.len() as i64 - exponent, scale)?;
    Some(if negative { -v } else { v })
}

/// CAST(string AS DECIMAL(p, s)).
pub fn parse(text: &str, p: u32, s: u32) -> Option<i128> {
    fit(parse_i128(text, i64::from(s))?, p)
}

/// CAST(double AS DECIMAL(p, s)): from the double's shortest decimal form, as Java's
/// `BigDecimal.valueOf`.
pub fn from_f64(x: f64, p: u32, s: u32) -> Option<i128> {
    if !x.is_finite() {
        return None;
    }
    parse(&java_double(x), p, s)
}

/// A value at scale `from` at scale `to`, rounded HALF_UP (no precision check).
pub fn rescale(v: i128, from: u32, to: u32) -> Option<i128> {
    shift(v, i64::from(from), i64::from(to))
}

/// CAST between decimal types (an integer is a decimal of scale 0).
pub fn rescale_checked(v: i128, from: u32, p: u32, s: u32) -> Option<i128> {
    fit(shift(v, i64::from(from), i64::from(s))?, p)
}

/// CAST(decimal AS integer): the integer part.
pub fn truncate(v: i128, s: u32) -> i64 {
    pow10(s).map_or(0, |f| (v / f) as i64)
}

/// FLOOR / CEIL of a decimal: the unscaled value at scale 0.
pub fn floor_ceil(v: i128, s: u32, ceil: bool) -> i128 {
    let Some(f) = pow10(s) else { return 0 };
    let q = v.div_euclid(f);
    let exact = v.rem_euclid(f) == 0;
    if ceil && !exact {
        q + 1
    } else {
        q
    }
}

/// The value as text, as Java's `BigDecimal.toPlainString` (`12.50`).
pub fn text(v: i128, s: u32) -> String {
    let digits = v.unsigned_abs().to_string();
    let sign = if v < 0 { "-" } else { "" };
    let s = s as usize;
    if s == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (int, frac) = padded.split_at(padded.len() - s);
    format!("{sign}{int}.{frac}")
}

pub fn to_str(v: i128, s: u32) -> Arc<str> {
    Arc::from(text(v, s))
}

/// CAST(decimal AS DOUBLE): the nearest double.
pub fn to_f64(v: i128, s: u32) -> f64 {
    text(v, s).parse().unwrap_or(f64::NAN)
}

/// The operands at a common scale.
fn align(a: i128, b: i128, sa: u32, sb: u32) -> Option<(i128, i128, u32)> {
    let s = sa.max(sb);
    Some((
        shift(a, i64::from(sa), i64::from(s))?,
        shift(b, i64::from(sb), i64::from(s))?,
        s,
    ))
}

pub fn dec_add(a: Option<i128>, b: Option<i128>, sa: u32, sb: u32, p: u32, s: u32) -> Option<i128> {
    let (a, b, scale) = align(a?, b?, sa, sb)?;
    fit(shift(a.checked_add(b)?, i64::from(scale), i64::from(s))?, p)
}

pub fn dec_sub(a: Option<i128>, b: Option<i128>, sa: u32, sb: u32, p: u32, s: u32) -> Option<i128> {
    let (a, b, scale) = align(a?, b?, sa, sb)?;
    fit(shift(a.checked_sub(b)?, i64::from(scale), i64::from(s))?, p)
}

pub fn dec_mul(a: Option<i128>, b: Option<i128>, sa: u32, sb: u32, p: u32, s: u32) -> Option<i128> {
    let product = a?.checked_mul(b?)?;
    fit(shift(product, i64::from(sa + sb), i64::from(s))?, p)
}

/// Division rounded HALF_UP to the result scale; NULL for a zero divisor.
pub fn dec_div(a: Option<i128>, b: Option<i128>, sa: u32, sb: u32, p: u32, s: u32) -> Option<i128> {
    let (a, b) = (a?, b?);
    // a / 10^sa / (b / 10^sb) * 10^s = a * 10^(s + sb - sa) / b
    let exponent = i64::from(s) + i64::from(sb) - i64::from(sa);
    let (n, d) = if exponent >= 0 {
        (a.checked_mul(pow10(exponent as u32)?)?, b)
    } else {
        (a, b.checked_mul(pow10((-exponent) as u32)?)?)
    };
    fit(div_half_up(n, d)?, p)
}

pub fn dec_mod(a: Option<i128>, b: Option<i128>, sa: u32, sb: u32, p: u32, s: u32) -> Option<i128> {
    let (a, b, scale) = align(a?, b?, sa, sb)?;
    if b == 0 {
        return None;
    }
    fit(shift(a % b, i64::from(scale), i64::from(s))?, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_rounds_half_up_and_checks_precision() {
        assert_eq!(text(1250, 2), "12.50");
        assert_eq!(text(-5, 3), "-0.005");
        assert_eq!(parse("1.0E2", 5, 1), Some(1000));
        assert_eq!(parse("2.345", 5, 2), Some(235));
        assert_eq!(parse("-2.345", 5, 2), Some(-235));
        // 1 / 3 at scale 6
        assert_eq!(dec_div(Some(10), Some(3), 1, 0, 38, 6), Some(333_333));
        assert_eq!(dec_div(Some(20), Some(3), 1, 0, 38, 6), Some(666_667));
        assert_eq!(dec_add(Some(15), Some(225), 1, 2, 4, 2), Some(375));
        assert_eq!(dec_mul(Some(99), Some(99), 0, 0, 3, 0), None);
        assert_eq!(floor_ceil(-125, 2, false), -2);
        assert_eq!(floor_ceil(125, 2, true), 2);
        assert_eq!(from_f64(0.1, 10, 2), Some(10));
    }
}
