//! Flink's built-in math functions beyond ABS/ROUND/FLOOR/CEIL/MOD ([`super::fx`]), as generated
//! expression code calls them. The DOUBLE ones (POWER, SQRT, LN, LOG10, LOG2, LOG, EXP, the
//! trigonometric functions, DEGREES, RADIANS) are Java's `Math` functions of the same name on
//! doubles; SIGN and TRUNCATE keep their argument's type, and GREATEST/LEAST any comparable type.

/// A DOUBLE function of one argument, NULL in giving NULL out.
pub fn map_f64(x: Option<f64>, f: fn(f64) -> f64) -> Option<f64> {
    x.map(f)
}

/// LOG(base, x): `ln(x) / ln(base)`.
pub fn log(base: Option<f64>, x: Option<f64>) -> Option<f64> {
    Some(x?.ln() / base?.ln())
}

pub fn log2(x: f64) -> f64 {
    x.ln() / std::f64::consts::LN_2
}

/// COT(x): `1 / tan(x)`.
pub fn cot(x: f64) -> f64 {
    1.0 / x.tan()
}

/// SIGN of a DOUBLE: -1.0, 0.0 or 1.0 (NaN stays NaN), as Java's `Math.signum`.
pub fn sign_f64(x: f64) -> f64 {
    if x == 0.0 || x.is_nan() {
        x
    } else {
        x.signum()
    }
}

/// TRUNCATE(x, digits) of a DOUBLE: cut toward zero at `digits` decimal places (negative: places
/// left of the point), through the decimal value as Flink does (`BigDecimal.setScale(DOWN)`).
pub fn truncate_f64(x: f64, digits: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let text = crate::format::java_double(x);
    let Ok(exact) = text.parse::<f64>() else { return x };
    let scale = 10f64.powi(digits.clamp(-300, 300) as i32);
    let cut = (exact * scale).trunc() / scale;
    if cut == 0.0 {
        0.0
    } else {
        cut
    }
}

/// TRUNCATE(n, digits) of an integer: the last `-digits` digits zeroed (nothing for digits >= 0).
pub fn truncate_i64(n: i64, digits: i64) -> i64 {
    if digits >= 0 {
        return n;
    }
    match 10i64.checked_pow(u32::try_from(-digits).unwrap_or(u32::MAX)) {
        Some(unit) => n / unit * unit,
        None => 0,
    }
}

/// GREATEST / LEAST: the largest (smallest) argument; NULL if any is NULL, as in Flink.
pub fn extreme<T: PartialOrd + Clone>(values: &[Option<T>], greatest: bool) -> Option<T> {
    let mut best: Option<T> = None;
    for value in values {
        let value = value.clone()?;
        best = Some(match best {
            Some(b) if (greatest && b >= value) || (!greatest && b <= value) => b,
            _ => value,
        });
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_toward_zero() {
        assert_eq!(truncate_f64(1.239, 2), 1.23);
        assert_eq!(truncate_f64(-1.239, 1), -1.2);
        assert_eq!(truncate_f64(123.4, -1), 120.0);
        assert_eq!(truncate_i64(1234, -2), 1200);
        assert_eq!(truncate_i64(-1234, -2), -1200);
        assert_eq!(truncate_i64(1234, 2), 1234);
    }

    #[test]
    fn extremes_are_null_when_an_argument_is() {
        assert_eq!(extreme(&[Some(1), Some(3), Some(2)], true), Some(3));
        assert_eq!(extreme(&[Some(1), Some(3), Some(2)], false), Some(1));
        assert_eq!(extreme(&[Some(1), None], true), None);
        assert_eq!(sign_f64(-2.5), -1.0);
        assert_eq!(log(Some(2.0), Some(8.0)), Some(3.0));
    }
}
