//! DATE, TIME and TIMESTAMP in expressions: typed literals (`DATE '2024-01-01'`), EXTRACT and the
//! temporal built-in functions (YEAR() ... SECOND(), DATE_FORMAT, TO_TIMESTAMP, TO_DATE), and CASTs
//! to, from and between temporal types, as generated code calling the runtime's `table::datetime`.
//!
//! Values are `Option<i64>` in generated code: milliseconds since the epoch (TIMESTAMP), days since
//! the epoch (DATE), milliseconds of the day (TIME).

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;
use serde::Serialize;
use sqlparser::ast as sql;
use sqlparser::tokenizer::Span;

use super::builtins::Func;
use super::expr::{error, Expr, ExprError, Literal};
use super::types::SqlType;

const DAY_MS: i64 = 86_400_000;

/// A field EXTRACT (or YEAR(), HOUR(), ...) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeUnit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    DayOfWeek,
    DayOfYear,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl TimeUnit {
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Year => "YEAR",
            TimeUnit::Quarter => "QUARTER",
            TimeUnit::Month => "MONTH",
            TimeUnit::Week => "WEEK",
            TimeUnit::Day => "DAYOFMONTH",
            TimeUnit::DayOfWeek => "DAYOFWEEK",
            TimeUnit::DayOfYear => "DAYOFYEAR",
            TimeUnit::Hour => "HOUR",
            TimeUnit::Minute => "MINUTE",
            TimeUnit::Second => "SECOND",
            TimeUnit::Millisecond => "MILLISECOND",
        }
    }

    /// The unit a function of that name extracts (`YEAR(d)`, `DAYOFMONTH(d)`).
    pub fn of_function(name: &str) -> Option<TimeUnit> {
        Some(match name {
            "year" => TimeUnit::Year,
            "quarter" => TimeUnit::Quarter,
            "month" => TimeUnit::Month,
            "week" => TimeUnit::Week,
            "dayofmonth" => TimeUnit::Day,
            "dayofweek" => TimeUnit::DayOfWeek,
            "dayofyear" => TimeUnit::DayOfYear,
            "hour" => TimeUnit::Hour,
            "minute" => TimeUnit::Minute,
            "second" => TimeUnit::Second,
            _ => return None,
        })
    }

    fn of_field(field: &sql::DateTimeField) -> Option<TimeUnit> {
        use sql::DateTimeField as F;
        Some(match field {
            F::Year | F::Years => TimeUnit::Year,
            F::Quarter => TimeUnit::Quarter,
            F::Month | F::Months => TimeUnit::Month,
            F::Week(None) | F::Weeks => TimeUnit::Week,
            F::Day | F::Days => TimeUnit::Day,
            F::DayOfWeek | F::Dow => TimeUnit::DayOfWeek,
            F::DayOfYear | F::Doy => TimeUnit::DayOfYear,
            F::Hour | F::Hours => TimeUnit::Hour,
            F::Minute | F::Minutes => TimeUnit::Minute,
            F::Second | F::Seconds => TimeUnit::Second,
            F::Millisecond | F::Milliseconds => TimeUnit::Millisecond,
            _ => return None,
        })
    }

    fn is_date_part(self) -> bool {
        !matches!(
            self,
            TimeUnit::Hour | TimeUnit::Minute | TimeUnit::Second | TimeUnit::Millisecond
        )
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn digits(s: &str, min: usize, max: usize) -> Option<i64> {
    (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())?
}

fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (
        digits(parts.next()?, 1, 4)?,
        digits(parts.next()?, 1, 2)?,
        digits(parts.next()?, 1, 2)?,
    );
    let next = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    let days = days_from_civil(y, m, d);
    ((1..=12).contains(&m) && d >= 1 && days < next).then_some(days)
}

fn parse_time(s: &str) -> Option<i64> {
    let (clock, fraction) = s.split_once('.').map_or((s, ""), |(c, f)| (c, f));
    let mut parts = clock.splitn(3, ':');
    let (h, m) = (digits(parts.next()?, 1, 2)?, digits(parts.next()?, 1, 2)?);
    let sec = parts.next().map_or(Some(0), |p| digits(p, 1, 2))?;
    let millis = if fraction.is_empty() {
        0
    } else {
        digits(&format!("{fraction:0<3}")[..3], 3, 3)?
    };
    (h < 24 && m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

fn parse_timestamp(s: &str) -> Option<i64> {
    match s.split_once([' ', 'T']) {
        Some((d, t)) => Some(parse_date(d)? * DAY_MS + parse_time(t)?),
        None => Some(parse_date(s)? * DAY_MS),
    }
}

/// `DATE '2024-01-01'`, `TIME '10:00:00'`, `TIMESTAMP '2024-01-01 10:00:00'`.
pub fn typed_literal(typed: &sql::TypedString, span: Span) -> Result<Expr, ExprError> {
    let text = match &typed.value.value {
        sql::Value::SingleQuotedString(s) => s.trim().to_string(),
        other => {
            return Err(error(
                span,
                format!("expected a quoted literal, found {other}"),
            ))
        }
    };
    let ty = SqlType::parse(&typed.data_type.to_string());
    let (value, ty) = match ty {
        Some(SqlType::Date) => (parse_date(&text), SqlType::Date),
        Some(SqlType::Time) => (parse_time(&text), SqlType::Time),
        Some(SqlType::Timestamp(_)) => {
            // The literal's precision is that of its fraction, as Flink types it.
            let precision = text.split_once('.').map_or(0, |(_, f)| f.len().min(9)) as u8;
            (parse_timestamp(&text), SqlType::Timestamp(precision))
        }
        _ => {
            return Err(error(
                span,
                format!("the literal `{typed}` is not supported by sluice yet"),
            ))
        }
    };
    let value =
        value.ok_or_else(|| error(span, format!("`{text}` is not a valid {ty} literal")))?;
    Ok(Expr::Literal {
        value: Literal::Int(value),
        ty,
    })
}

/// `EXTRACT(unit FROM value)`.
pub fn extract(field: &sql::DateTimeField, value: Expr, span: Span) -> Result<Expr, ExprError> {
    let unit = TimeUnit::of_field(field).ok_or_else(|| {
        error(
            span,
            format!("EXTRACT({field} FROM ...) is not supported by sluice yet"),
        )
    })?;
    extract_unit(unit, value, span)
}

fn extract_unit(unit: TimeUnit, value: Expr, span: Span) -> Result<Expr, ExprError> {
    let value = local_time(value);
    let ok = match value.ty() {
        SqlType::Timestamp(_) => true,
        SqlType::Date => unit.is_date_part(),
        SqlType::Time => !unit.is_date_part(),
        _ => false,
    };
    if !ok {
        return Err(error(
            span,
            format!("cannot extract {} from {}", unit.name(), value.ty()),
        ));
    }
    Ok(Expr::Call {
        func: Func::Extract(unit),
        args: vec![value],
        ty: SqlType::BigInt,
    })
}

/// A TIMESTAMP_LTZ as its wall-clock time in the session zone (what EXTRACT and DATE_FORMAT read
/// of it, as in Flink); other values as they are.
fn local_time(value: Expr) -> Expr {
    match value.ty() {
        SqlType::TimestampLtz(p) => value.cast(SqlType::Timestamp(p)),
        _ => value,
    }
}

/// The temporal built-in functions, by lower-case name (see [`is_temporal_function`]).
pub fn typed_call(name: &str, mut args: Vec<Expr>, span: Span) -> Result<Expr, ExprError> {
    if name == "date_format" {
        if let Some(first) = args.first_mut() {
            *first = local_time(first.clone());
        }
    }
    let want = |n: std::ops::RangeInclusive<usize>| {
        if n.contains(&args.len()) {
            Ok(())
        } else {
            Err(error(
                span,
                format!(
                    "{}() takes {} arguments, got {}",
                    name.to_uppercase(),
                    n.start(),
                    args.len()
                ),
            ))
        }
    };
    let strings = |from: usize| args.iter().skip(from).all(|a| a.ty() == SqlType::String);
    if let Some(unit) = TimeUnit::of_function(name) {
        want(1..=1)?;
        let value = args
            .into_iter()
            .next()
            .ok_or_else(|| error(span, "missing argument"))?;
        return extract_unit(unit, value, span);
    }
    let (func, ty) = match name {
        "date_format" => {
            want(2..=2)?;
            if !matches!(args[0].ty(), SqlType::Timestamp(_) | SqlType::String) || !strings(1) {
                return Err(error(
                    span,
                    "DATE_FORMAT() takes a TIMESTAMP and a format string",
                ));
            }
            (Func::DateFormat, SqlType::String)
        }
        "to_timestamp" => {
            want(1..=2)?;
            if !strings(0) {
                return Err(error(span, "TO_TIMESTAMP() takes strings"));
            }
            (Func::ToTimestamp, SqlType::Timestamp(3))
        }
        "to_timestamp_ltz" => {
            want(2..=2)?;
            let precision = match &args[1] {
                Expr::Literal { value: Literal::Int(p @ (0 | 3)), .. } => *p,
                _ => return Err(error(span, "TO_TIMESTAMP_LTZ(epoch, precision) takes a precision of 0 (seconds) or 3 (milliseconds)")),
            };
            if !args[0].ty().is_integer() {
                return Err(error(
                    span,
                    format!("TO_TIMESTAMP_LTZ() of a {} is not supported by sluice yet (integer epochs are)", args[0].ty()),
                ));
            }
            let unit = if precision == 0 { 1000 } else { 1 };
            args.truncate(1);
            (Func::ToTimestampLtz(unit), SqlType::TimestampLtz(3))
        }
        "to_date" => {
            want(1..=2)?;
            if !strings(0) {
                return Err(error(span, "TO_DATE() takes strings"));
            }
            (Func::ToDate, SqlType::Date)
        }
        _ => return Err(error(span, format!("unknown function `{name}`"))),
    };
    Ok(Expr::Call { func, args, ty })
}

/// Whether the compiler knows `name` as a temporal function.
pub fn is_temporal_function(name: &str) -> bool {
    TimeUnit::of_function(name).is_some()
        || matches!(name, "date_format" | "to_timestamp" | "to_date" | "to_timestamp_ltz")
}

/// Whether CAST from `from` to `to` is allowed when either is temporal.
pub fn castable(from: SqlType, to: SqlType) -> bool {
    use SqlType as T;
    matches!(
        (from, to),
        (T::String, _)
            | (_, T::String)
            | (T::Timestamp(_), T::Date | T::Time | T::Timestamp(_))
            | (T::Date, T::Timestamp(_))
            | (T::TimestampLtz(_), T::Date | T::Time | T::Timestamp(_) | T::TimestampLtz(_))
            | (T::Date | T::Timestamp(_), T::TimestampLtz(_))
    ) || from == to
}

/// Generated code for a temporal function call (`a` are the typed arguments).
pub fn call(func: Func, args: &[Expr], a: &[TokenStream]) -> TokenStream {
    let arg = |i: usize| {
        a.get(i)
            .cloned()
            .unwrap_or_else(|| quote! { None::<std::sync::Arc<str>> })
    };
    match func {
        Func::Extract(unit) => {
            let u = quote::format_ident!("{}", format!("{unit:?}"));
            let millis = to_millis(arg(0), args.first().map_or(SqlType::BigInt, Expr::ty));
            quote! { (#millis).map(|v: i64| table::datetime::extract(table::datetime::Unit::#u, v)) }
        }
        Func::DateFormat => {
            let (value, fmt) = (arg(0), arg(1));
            let millis = match args.first().map(Expr::ty) {
                Some(SqlType::String) => {
                    quote! { (#value).and_then(|s| table::datetime::parse_timestamp(&s)) }
                }
                _ => value,
            };
            quote! { table::fx::map2(#millis, #fmt, |v: i64, f| table::datetime::date_format(v, &f)) }
        }
        Func::ToTimestamp | Func::ToDate => {
            let text = arg(0);
            let parsed = if a.len() > 1 {
                let fmt = arg(1);
                quote! { table::fx::and_then2(#text, #fmt, |s, f| table::datetime::to_timestamp(&s, Some(&f))) }
            } else if func == Func::ToDate {
                quote! { (#text).and_then(|s| table::datetime::parse_date(&s)) }
            } else {
                quote! { (#text).and_then(|s| table::datetime::to_timestamp(&s, None)) }
            };
            if func == Func::ToDate && a.len() > 1 {
                quote! { (#parsed).map(|v: i64| v.div_euclid(#DAY_MS)) }
            } else {
                parsed
            }
        }
        Func::ToTimestampLtz(unit) => {
            let unit = Lit::i64_suffixed(unit);
            let epoch = arg(0);
            quote! { (#epoch).map(|v: i64| v.saturating_mul(#unit)) }
        }
        _ => quote! { None::<i64> },
    }
}

/// A temporal value as milliseconds since the epoch (a DATE at its midnight, a TIME on day 0).
fn to_millis(e: TokenStream, ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Date => quote! { (#e).map(|d: i64| d * #DAY_MS) },
        _ => e,
    }
}

/// A string literal cast to a temporal type, computed at compile time (`None` when not one).
pub fn fold_literal_cast(expr: &Expr, to: SqlType) -> Option<TokenStream> {
    let Expr::Literal {
        value: Literal::String(text),
        ..
    } = expr
    else {
        return None;
    };
    let text = text.trim();
    let value = match to {
        SqlType::Date => parse_date(text),
        SqlType::Time => parse_time(text),
        SqlType::Timestamp(_) => parse_timestamp(text),
        _ => return None,
    };
    Some(match value {
        Some(v) => {
            let v = Lit::i64_suffixed(v);
            quote! { Some(#v) }
        }
        None => quote! { None::<i64> },
    })
}

/// `CAST(e AS to)` where `from` or `to` is temporal (`e` the typed tokens of the operand).
pub fn cast(e: TokenStream, from: SqlType, to: SqlType) -> TokenStream {
    use SqlType as T;
    let day = Lit::i64_suffixed(DAY_MS);
    match (from, to) {
        (T::String, T::Date) => quote! { (#e).and_then(|s| table::datetime::parse_date(&s)) },
        (T::String, T::Time) => quote! { (#e).and_then(|s| table::datetime::parse_time(&s)) },
        (T::String, T::Timestamp(_)) => {
            quote! { (#e).and_then(|s| table::datetime::parse_timestamp(&s)) }
        }
        (T::Date, T::String) => quote! { (#e).map(table::datetime::date_to_str) },
        (T::Time, T::String) => quote! { (#e).map(|v: i64| table::datetime::time_to_str(v, 0)) },
        (T::Timestamp(p), T::String) => {
            let p = Lit::u32_suffixed(u32::from(p));
            quote! { (#e).map(|v: i64| table::datetime::ts_to_str(v, #p)) }
        }
        (T::Timestamp(_), T::Date) => quote! { (#e).map(|v: i64| v.div_euclid(#day)) },
        (T::Timestamp(_), T::Time) => quote! { (#e).map(|v: i64| v.rem_euclid(#day)) },
        (T::Date, T::Timestamp(_)) => quote! { (#e).map(|d: i64| d * #day) },
        (T::Timestamp(p), T::Timestamp(q)) | (T::TimestampLtz(p), T::TimestampLtz(q)) if q < p && q < 3 => {
            let unit = Lit::i64_suffixed(10i64.pow(3 - u32::from(q)));
            quote! { (#e).map(|v: i64| v - v.rem_euclid(#unit)) }
        }
        // TIMESTAMP_LTZ (an instant) to and from wall-clock times of the session zone.
        (T::TimestampLtz(_), T::Timestamp(_) | T::Date | T::Time | T::String) => {
            let local = quote! { (#e).map(table::time_zone::to_local) };
            let as_ts = match from {
                T::TimestampLtz(p) => T::Timestamp(p),
                _ => T::Timestamp(3),
            };
            cast(local, as_ts, to)
        }
        (T::Timestamp(_) | T::Date | T::String, T::TimestampLtz(_)) => {
            let local = cast(e, from, T::Timestamp(3));
            quote! { (#local).map(table::time_zone::to_instant) }
        }
        (f, t) if f == t || (f.is_temporal() && t.is_temporal()) => e,
        (_, t) if t.is_temporal() => quote! { None::<i64> },
        (_, T::String) => quote! { None::<std::sync::Arc<str>> },
        (_, T::Boolean) => quote! { None::<bool> },
        (_, T::Float | T::Double) => quote! { None::<f64> },
        _ => quote! { None::<i64> },
    }
}
