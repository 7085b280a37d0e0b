//! Flink's built-in string, math and conditional functions that run as one call into the runtime's
//! `table::fx_strings` / `table::fx_math` each (CONCAT_WS, LPAD, REGEXP_EXTRACT, POWER, SQRT, SIGN,
//! GREATEST, IFNULL, ...): their typing as Flink types them, and their generated code.
//!
//! The basic functions with special SQL forms or DECIMAL rules (SUBSTRING, TRIM, ROUND, FLOOR, ...)
//! stay in [`super::builtins`]; this module is the long tail, one [`LibFn`] per function.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;
use serde::Serialize;
use sqlparser::tokenizer::Span;

use super::builtins::{int_literal, Func};
use super::expr::{error, Expr, ExprError, Literal};
use super::types::SqlType;

/// A library function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LibFn {
    ConcatWs,
    Lpad,
    Rpad,
    Repeat,
    Reverse,
    InitCap,
    /// LOCATE(needle, haystack[, from]) and POSITION(needle IN haystack).
    Locate,
    Ascii,
    Chr,
    Left,
    Right,
    SplitIndex,
    ToBase64,
    FromBase64,
    IsDigit,
    IsAlpha,
    RegexpReplace,
    RegexpExtract,
    Regexp,
    /// A DOUBLE function of one DOUBLE (`f64::<name>` or a runtime helper).
    Double(DoubleFn),
    Power,
    Atan2,
    /// LOG(x) or LOG(base, x).
    Log,
    Pi,
    E,
    Sign,
    /// TRUNCATE(x[, digits]); `digits` is an integer literal.
    Truncate,
    Greatest,
    Least,
    /// FROM_UNIXTIME(seconds[, format]).
    FromUnixtime,
    /// UNIX_TIMESTAMP([text[, format]]).
    UnixTimestamp,
    TimestampAdd(TimeUnit),
    TimestampDiff(TimeUnit),
    /// CURRENT_TIMESTAMP / NOW(): TIMESTAMP_LTZ(3).
    CurrentTimestamp,
    /// LOCALTIMESTAMP: TIMESTAMP(3).
    LocalTimestamp,
    CurrentDate,
    /// CURRENT_TIME / LOCALTIME.
    CurrentTime,
    JsonValue,
    JsonExists,
    Md5,
    Sha1,
    /// SHA2(s, bits), and SHA224 ... SHA512(s) with their bits.
    Sha2,
    /// REPLACE(s, search, replacement): every occurrence, taken literally.
    Replace,
    /// FLOOR(ts TO unit) / CEIL(ts TO unit) (`true`: CEIL).
    RoundTime(TimeUnit, bool),
    Instr,
    /// OVERLAY(s PLACING r FROM pos [FOR len]).
    Overlay,
    Translate,
    Elt,
    UrlEncode,
    UrlDecode,
    /// PARSE_URL(url, part[, key]).
    ParseUrl,
    Uuid,
    Rand,
    RandInteger,
}

/// A unit of TIMESTAMPADD / TIMESTAMPDIFF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeUnit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl TimeUnit {
    fn of(name: &str) -> Option<TimeUnit> {
        Some(match name.to_ascii_uppercase().as_str() {
            "MILLISECOND" => TimeUnit::Millisecond,
            "SECOND" => TimeUnit::Second,
            "MINUTE" => TimeUnit::Minute,
            "HOUR" => TimeUnit::Hour,
            "DAY" => TimeUnit::Day,
            "WEEK" => TimeUnit::Week,
            "MONTH" => TimeUnit::Month,
            "QUARTER" => TimeUnit::Quarter,
            "YEAR" => TimeUnit::Year,
            _ => return None,
        })
    }

    fn tokens(self) -> TokenStream {
        match self {
            TimeUnit::Millisecond => quote! { table::fx_time::Unit::Millisecond },
            TimeUnit::Second => quote! { table::fx_time::Unit::Second },
            TimeUnit::Minute => quote! { table::fx_time::Unit::Minute },
            TimeUnit::Hour => quote! { table::fx_time::Unit::Hour },
            TimeUnit::Day => quote! { table::fx_time::Unit::Day },
            TimeUnit::Week => quote! { table::fx_time::Unit::Week },
            TimeUnit::Month => quote! { table::fx_time::Unit::Month },
            TimeUnit::Quarter => quote! { table::fx_time::Unit::Quarter },
            TimeUnit::Year => quote! { table::fx_time::Unit::Year },
        }
    }
}

/// The DOUBLE functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DoubleFn {
    Sqrt,
    Ln,
    Log10,
    Log2,
    Exp,
    Sin,
    Cos,
    Tan,
    Cot,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Degrees,
    Radians,
}

impl DoubleFn {
    fn of(name: &str) -> Option<DoubleFn> {
        Some(match name {
            "sqrt" => DoubleFn::Sqrt,
            "ln" => DoubleFn::Ln,
            "log10" => DoubleFn::Log10,
            "log2" => DoubleFn::Log2,
            "exp" => DoubleFn::Exp,
            "sin" => DoubleFn::Sin,
            "cos" => DoubleFn::Cos,
            "tan" => DoubleFn::Tan,
            "cot" => DoubleFn::Cot,
            "asin" => DoubleFn::Asin,
            "acos" => DoubleFn::Acos,
            "atan" => DoubleFn::Atan,
            "sinh" => DoubleFn::Sinh,
            "cosh" => DoubleFn::Cosh,
            "tanh" => DoubleFn::Tanh,
            "degrees" => DoubleFn::Degrees,
            "radians" => DoubleFn::Radians,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            DoubleFn::Sqrt => "SQRT",
            DoubleFn::Ln => "LN",
            DoubleFn::Log10 => "LOG10",
            DoubleFn::Log2 => "LOG2",
            DoubleFn::Exp => "EXP",
            DoubleFn::Sin => "SIN",
            DoubleFn::Cos => "COS",
            DoubleFn::Tan => "TAN",
            DoubleFn::Cot => "COT",
            DoubleFn::Asin => "ASIN",
            DoubleFn::Acos => "ACOS",
            DoubleFn::Atan => "ATAN",
            DoubleFn::Sinh => "SINH",
            DoubleFn::Cosh => "COSH",
            DoubleFn::Tanh => "TANH",
            DoubleFn::Degrees => "DEGREES",
            DoubleFn::Radians => "RADIANS",
        }
    }

    /// The `fn(f64) -> f64` the generated code maps with.
    fn path(self) -> TokenStream {
        match self {
            DoubleFn::Sqrt => quote! { f64::sqrt },
            DoubleFn::Ln => quote! { f64::ln },
            DoubleFn::Log10 => quote! { f64::log10 },
            DoubleFn::Log2 => quote! { table::fx_math::log2 },
            DoubleFn::Exp => quote! { f64::exp },
            DoubleFn::Sin => quote! { f64::sin },
            DoubleFn::Cos => quote! { f64::cos },
            DoubleFn::Tan => quote! { f64::tan },
            DoubleFn::Cot => quote! { table::fx_math::cot },
            DoubleFn::Asin => quote! { f64::asin },
            DoubleFn::Acos => quote! { f64::acos },
            DoubleFn::Atan => quote! { f64::atan },
            DoubleFn::Sinh => quote! { f64::sinh },
            DoubleFn::Cosh => quote! { f64::cosh },
            DoubleFn::Tanh => quote! { f64::tanh },
            DoubleFn::Degrees => quote! { f64::to_degrees },
            DoubleFn::Radians => quote! { f64::to_radians },
        }
    }
}

impl LibFn {
    /// The function a (lower-case) name calls, if it is one of these.
    pub fn of(name: &str) -> Option<LibFn> {
        if let Some(f) = DoubleFn::of(name) {
            return Some(LibFn::Double(f));
        }
        Some(match name {
            "concat_ws" => LibFn::ConcatWs,
            "lpad" => LibFn::Lpad,
            "rpad" => LibFn::Rpad,
            "repeat" => LibFn::Repeat,
            "reverse" => LibFn::Reverse,
            "initcap" => LibFn::InitCap,
            "locate" | "position" => LibFn::Locate,
            "ascii" => LibFn::Ascii,
            "chr" => LibFn::Chr,
            "left" => LibFn::Left,
            "right" => LibFn::Right,
            "split_index" => LibFn::SplitIndex,
            "to_base64" => LibFn::ToBase64,
            "from_base64" => LibFn::FromBase64,
            "is_digit" => LibFn::IsDigit,
            "is_alpha" => LibFn::IsAlpha,
            "regexp_replace" => LibFn::RegexpReplace,
            "regexp_extract" => LibFn::RegexpExtract,
            "regexp" => LibFn::Regexp,
            "power" => LibFn::Power,
            "atan2" => LibFn::Atan2,
            "log" => LibFn::Log,
            "pi" => LibFn::Pi,
            "e" => LibFn::E,
            "sign" => LibFn::Sign,
            "truncate" => LibFn::Truncate,
            "greatest" => LibFn::Greatest,
            "least" => LibFn::Least,
            "from_unixtime" => LibFn::FromUnixtime,
            "unix_timestamp" => LibFn::UnixTimestamp,
            // The unit is the call's first argument; typing reads it.
            "timestampadd" => LibFn::TimestampAdd(TimeUnit::Day),
            "timestampdiff" => LibFn::TimestampDiff(TimeUnit::Day),
            "current_timestamp" | "now" => LibFn::CurrentTimestamp,
            "localtimestamp" => LibFn::LocalTimestamp,
            "current_date" => LibFn::CurrentDate,
            "current_time" | "localtime" => LibFn::CurrentTime,
            "json_value" => LibFn::JsonValue,
            "json_exists" => LibFn::JsonExists,
            "md5" => LibFn::Md5,
            "sha1" => LibFn::Sha1,
            "sha2" | "sha224" | "sha256" | "sha384" | "sha512" => LibFn::Sha2,
            "replace" => LibFn::Replace,
            "instr" => LibFn::Instr,
            "overlay" => LibFn::Overlay,
            "translate" => LibFn::Translate,
            "elt" => LibFn::Elt,
            "url_encode" => LibFn::UrlEncode,
            "url_decode" => LibFn::UrlDecode,
            "parse_url" => LibFn::ParseUrl,
            "uuid" => LibFn::Uuid,
            "rand" => LibFn::Rand,
            "rand_integer" => LibFn::RandInteger,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            LibFn::ConcatWs => "CONCAT_WS",
            LibFn::Lpad => "LPAD",
            LibFn::Rpad => "RPAD",
            LibFn::Repeat => "REPEAT",
            LibFn::Reverse => "REVERSE",
            LibFn::InitCap => "INITCAP",
            LibFn::Locate => "LOCATE",
            LibFn::Ascii => "ASCII",
            LibFn::Chr => "CHR",
            LibFn::Left => "LEFT",
            LibFn::Right => "RIGHT",
            LibFn::SplitIndex => "SPLIT_INDEX",
            LibFn::ToBase64 => "TO_BASE64",
            LibFn::FromBase64 => "FROM_BASE64",
            LibFn::IsDigit => "IS_DIGIT",
            LibFn::IsAlpha => "IS_ALPHA",
            LibFn::RegexpReplace => "REGEXP_REPLACE",
            LibFn::RegexpExtract => "REGEXP_EXTRACT",
            LibFn::Regexp => "REGEXP",
            LibFn::Double(f) => f.name(),
            LibFn::Power => "POWER",
            LibFn::Atan2 => "ATAN2",
            LibFn::Log => "LOG",
            LibFn::Pi => "PI",
            LibFn::E => "E",
            LibFn::Sign => "SIGN",
            LibFn::Truncate => "TRUNCATE",
            LibFn::Greatest => "GREATEST",
            LibFn::Least => "LEAST",
            LibFn::FromUnixtime => "FROM_UNIXTIME",
            LibFn::UnixTimestamp => "UNIX_TIMESTAMP",
            LibFn::TimestampAdd(_) => "TIMESTAMPADD",
            LibFn::TimestampDiff(_) => "TIMESTAMPDIFF",
            LibFn::CurrentTimestamp => "CURRENT_TIMESTAMP",
            LibFn::LocalTimestamp => "LOCALTIMESTAMP",
            LibFn::CurrentDate => "CURRENT_DATE",
            LibFn::CurrentTime => "CURRENT_TIME",
            LibFn::JsonValue => "JSON_VALUE",
            LibFn::JsonExists => "JSON_EXISTS",
            LibFn::Md5 => "MD5",
            LibFn::Sha1 => "SHA1",
            LibFn::Sha2 => "SHA2",
            LibFn::Replace => "REPLACE",
            LibFn::RoundTime(_, false) => "FLOOR",
            LibFn::RoundTime(_, true) => "CEIL",
            LibFn::Instr => "INSTR",
            LibFn::Overlay => "OVERLAY",
            LibFn::Translate => "TRANSLATE",
            LibFn::Elt => "ELT",
            LibFn::UrlEncode => "URL_ENCODE",
            LibFn::UrlDecode => "URL_DECODE",
            LibFn::ParseUrl => "PARSE_URL",
            LibFn::Uuid => "UUID",
            LibFn::Rand => "RAND",
            LibFn::RandInteger => "RAND_INTEGER",
        }
    }
}

/// Whether `name` (lower case) is a library function, IFNULL included.
pub fn is_library_function(name: &str) -> bool {
    name == "ifnull" || LibFn::of(name).is_some()
}

fn int(i: i64) -> Expr {
    Expr::Literal { value: Literal::Int(i), ty: SqlType::Int }
}

/// What each argument must be.
#[derive(Clone, Copy)]
enum Want {
    Text,
    Integer,
    Number,
}

fn check(name: &str, args: Vec<Expr>, wants: &[Want], optional: usize, span: Span) -> Result<Vec<Expr>, ExprError> {
    let (min, max) = (wants.len() - optional, wants.len());
    if args.len() < min || args.len() > max {
        let expected = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        return Err(error(
            span,
            format!("{name}() takes {expected} argument{}, but is called with {}", if max == 1 { "" } else { "s" }, args.len()),
        ));
    }
    args.into_iter()
        .zip(wants)
        .map(|(arg, want)| {
            let ty = arg.ty();
            let null = matches!(arg, Expr::Literal { value: Literal::Null, .. });
            match want {
                Want::Text if ty == SqlType::String || null => Ok(arg.cast(SqlType::String)),
                Want::Integer if ty.is_integer() || null => Ok(arg.cast(SqlType::BigInt)),
                Want::Number if ty.is_numeric() || null => Ok(arg.cast(SqlType::Double)),
                Want::Text => Err(error(span, format!("{name}() needs a string, got {ty}"))),
                Want::Integer => Err(error(span, format!("{name}() needs an integer, got {ty}"))),
                Want::Number => Err(error(span, format!("{name}() needs a number, got {ty}"))),
            }
        })
        .collect()
}

fn lib(f: LibFn, args: Vec<Expr>, ty: SqlType) -> Expr {
    Expr::Call { func: Func::Lib(f), args, ty }
}

/// Types a call of library function `name` (lower case) on resolved arguments.
pub fn typed_call(name: &str, args: Vec<Expr>, span: Span) -> Result<Expr, ExprError> {
    use Want::{Integer as I, Number as N, Text as T};
    if name == "ifnull" {
        return super::builtins::typed_call("coalesce", check_arity("IFNULL", args, 2, span)?, span);
    }
    let Some(f) = LibFn::of(name) else {
        return Err(error(span, format!("unknown function `{name}`")));
    };
    let upper = f.name();
    let string = SqlType::String;
    Ok(match f {
        LibFn::ConcatWs => {
            if args.is_empty() {
                return Err(error(span, "CONCAT_WS() takes at least 1 argument, but is called with 0"));
            }
            let args = args.into_iter().map(|a| a.cast(SqlType::String)).collect();
            lib(f, args, string)
        }
        LibFn::Lpad | LibFn::Rpad => lib(f, check(upper, args, &[T, I, T], 0, span)?, string),
        LibFn::Repeat | LibFn::Left | LibFn::Right => lib(f, check(upper, args, &[T, I], 0, span)?, string),
        LibFn::Reverse | LibFn::InitCap | LibFn::ToBase64 | LibFn::FromBase64 => {
            lib(f, check(upper, args, &[T], 0, span)?, string)
        }
        LibFn::Locate => {
            let mut args = check(upper, args, &[T, T, I], 1, span)?;
            if args.len() == 2 {
                args.push(int(1).cast(SqlType::BigInt));
            }
            lib(f, args, SqlType::Int)
        }
        LibFn::Ascii => lib(f, check(upper, args, &[T], 0, span)?, SqlType::Int),
        LibFn::Chr => lib(f, check(upper, args, &[I], 0, span)?, string),
        LibFn::SplitIndex => lib(f, check(upper, args, &[T, T, I], 0, span)?, string),
        LibFn::IsDigit | LibFn::IsAlpha => lib(f, check(upper, args, &[T], 0, span)?, SqlType::Boolean),
        LibFn::RegexpReplace => lib(f, check(upper, args, &[T, T, T], 0, span)?, string),
        LibFn::RegexpExtract => {
            let mut args = check(upper, args, &[T, T, I], 1, span)?;
            if args.len() == 2 {
                args.push(int(0).cast(SqlType::BigInt));
            }
            lib(f, args, string)
        }
        LibFn::Regexp => lib(f, check(upper, args, &[T, T], 0, span)?, SqlType::Boolean),
        LibFn::Double(_) => lib(f, check(upper, args, &[N], 0, span)?, SqlType::Double),
        LibFn::Power | LibFn::Atan2 => lib(f, check(upper, args, &[N, N], 0, span)?, SqlType::Double),
        LibFn::Log => {
            let mut args = check(upper, args, &[N, N], 1, span)?;
            if args.len() == 1 {
                args.insert(0, Expr::Literal { value: Literal::Float(std::f64::consts::E), ty: SqlType::Double });
            }
            lib(f, args, SqlType::Double)
        }
        LibFn::Pi | LibFn::E => lib(f, check(upper, args, &[], 0, span)?, SqlType::Double),
        LibFn::Sign | LibFn::Truncate => {
            let [value, rest @ ..] = args.as_slice() else {
                return Err(error(span, format!("{upper}() takes 1 to 2 arguments, but is called with 0")));
            };
            let ty = value.ty();
            if !(ty.is_integer() || ty.is_float()) {
                return Err(error(span, format!("{upper}() of {ty} is not supported by sluice yet (integers and floating point are)")));
            }
            let max = if f == LibFn::Sign { 0 } else { 1 };
            if rest.len() > max || (f == LibFn::Truncate && rest.iter().any(|d| int_literal(d).is_none())) {
                return Err(error(span, format!("{upper}() takes a number{}", if max == 1 { " and an integer literal" } else { "" })));
            }
            lib(f, args, ty)
        }
        LibFn::FromUnixtime => lib(f, check(upper, args, &[I, T], 1, span)?, string),
        LibFn::UnixTimestamp => lib(f, check(upper, args, &[T, T], 2, span)?, SqlType::BigInt),
        LibFn::CurrentTimestamp => lib(f, check(upper, args, &[], 0, span)?, SqlType::TimestampLtz(3)),
        LibFn::LocalTimestamp => lib(f, check(upper, args, &[], 0, span)?, SqlType::Timestamp(3)),
        LibFn::CurrentDate => lib(f, check(upper, args, &[], 0, span)?, SqlType::Date),
        LibFn::CurrentTime => lib(f, check(upper, args, &[], 0, span)?, SqlType::Time),
        LibFn::TimestampAdd(_) | LibFn::TimestampDiff(_) => timestamp_arithmetic(f, args, span)?,
        LibFn::Replace => lib(f, check(upper, args, &[T, T, T], 0, span)?, string),
        LibFn::Instr => lib(f, check(upper, args, &[T, T], 0, span)?, SqlType::Int),
        LibFn::Overlay => lib(f, check(upper, args, &[T, T, I, I], 1, span)?, string),
        LibFn::Translate => lib(f, check(upper, args, &[T, T, T], 0, span)?, string),
        LibFn::Elt => {
            if args.len() < 2 {
                return Err(error(span, format!("ELT() takes at least 2 arguments, but is called with {}", args.len())));
            }
            let mut args = args.into_iter();
            let index = check(upper, args.next().into_iter().collect(), &[I], 0, span)?;
            let rest: Vec<Want> = args.as_slice().iter().map(|_| T).collect();
            let items = check(upper, args.collect(), &rest, 0, span)?;
            lib(f, index.into_iter().chain(items).collect(), string)
        }
        LibFn::UrlEncode | LibFn::UrlDecode => lib(f, check(upper, args, &[T], 0, span)?, string),
        LibFn::ParseUrl => lib(f, check(upper, args, &[T, T, T], 1, span)?, string),
        LibFn::Uuid => lib(f, check(upper, args, &[], 0, span)?, string),
        LibFn::Rand => {
            if !args.is_empty() {
                return Err(error(span, "RAND(seed) is not supported by sluice yet (RAND() is)"));
            }
            lib(f, args, SqlType::Double)
        }
        LibFn::RandInteger => {
            if args.len() != 1 {
                return Err(error(span, "RAND_INTEGER(seed, bound) is not supported by sluice yet (RAND_INTEGER(bound) is)"));
            }
            lib(f, check(upper, args, &[I], 0, span)?, SqlType::Int)
        }
        LibFn::RoundTime(..) => return Err(error(span, "FLOOR/CEIL(... TO unit) is written with TO")),
        LibFn::JsonValue => lib(f, check(upper, args, &[T, T], 0, span)?, string),
        LibFn::JsonExists => lib(f, check(upper, args, &[T, T], 0, span)?, SqlType::Boolean),
        LibFn::Md5 | LibFn::Sha1 => lib(f, check(upper, args, &[T], 0, span)?, string),
        LibFn::Sha2 => match name.strip_prefix("sha").and_then(|bits| bits.parse::<i64>().ok()) {
            Some(bits) if bits != 2 => {
                let mut args = check(&name.to_uppercase(), args, &[T], 0, span)?;
                args.push(int(bits).cast(SqlType::BigInt));
                lib(f, args, string)
            }
            _ => lib(f, check(upper, args, &[T, I], 0, span)?, string),
        },
        LibFn::Greatest | LibFn::Least => {
            if args.is_empty() {
                return Err(error(span, format!("{upper}() takes at least 1 argument, but is called with 0")));
            }
            let mut ty: Option<SqlType> = None;
            for a in &args {
                if matches!(a, Expr::Literal { value: Literal::Null, .. }) {
                    continue;
                }
                ty = Some(match ty {
                    None => a.ty(),
                    Some(t) => SqlType::common(t, a.ty())
                        .ok_or_else(|| error(span, format!("{upper}(): the types {t} and {} have no common type", a.ty())))?,
                });
            }
            let ty = ty.unwrap_or(SqlType::Int);
            if !(ty.is_numeric() || ty == SqlType::String || matches!(ty, SqlType::Date | SqlType::Time | SqlType::Timestamp(_))) {
                return Err(error(span, format!("{upper}() of {ty} is not supported by sluice yet")));
            }
            lib(f, args.into_iter().map(|a| a.cast(ty)).collect(), ty)
        }
    })
}

/// TIMESTAMPADD(unit, n, ts) (of ts's type) and TIMESTAMPDIFF(unit, ts1, ts2) (INT); the unit
/// arrives as a string literal (the parser reads it as a name), DATEs are read as their midnight.
fn timestamp_arithmetic(f: LibFn, mut args: Vec<Expr>, span: Span) -> Result<Expr, ExprError> {
    let name = f.name();
    if args.len() != 3 {
        return Err(error(span, format!("{name}() takes 3 arguments, but is called with {}", args.len())));
    }
    let unit = match args.remove(0) {
        Expr::Literal { value: Literal::String(unit), .. } => TimeUnit::of(&unit),
        _ => None,
    }
    .ok_or_else(|| error(span, format!("{name}()'s first argument is a unit: SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR")))?;
    let time = |e: Expr| match e.ty() {
        SqlType::Timestamp(_) => Ok(e),
        SqlType::Date => Ok(e.cast(SqlType::Timestamp(3))),
        ty => Err(error(span, format!("{name}() of {ty} is not supported by sluice yet (TIMESTAMP and DATE are)"))),
    };
    let [a, b] = <[Expr; 2]>::try_from(args).map_err(|_| error(span, format!("{name}() takes 3 arguments")))?;
    Ok(match f {
        LibFn::TimestampAdd(_) => {
            if !a.ty().is_integer() {
                return Err(error(span, format!("{name}() adds an integer, got {}", a.ty())));
            }
            let b = time(b)?;
            let ty = b.ty();
            lib(LibFn::TimestampAdd(unit), vec![a.cast(SqlType::BigInt), b], ty)
        }
        _ => lib(LibFn::TimestampDiff(unit), vec![time(a)?, time(b)?], SqlType::Int),
    })
}

/// FLOOR(ts TO unit) / CEIL(ts TO unit) of a TIMESTAMP: the same type, at the unit's boundary.
pub fn round_time(value: Expr, unit: &str, ceil: bool, span: Span) -> Result<Expr, ExprError> {
    let word = if ceil { "CEIL" } else { "FLOOR" };
    let unit = TimeUnit::of(unit)
        .filter(|u| *u != TimeUnit::Week && *u != TimeUnit::Millisecond)
        .ok_or_else(|| error(span, format!("{word}(... TO {unit}) is not supported by sluice yet (SECOND to YEAR are)")))?;
    let ty = value.ty();
    if !matches!(ty, SqlType::Timestamp(_)) {
        return Err(error(span, format!("{word}(... TO unit) of {ty} is not supported by sluice yet (TIMESTAMP is)")));
    }
    Ok(lib(LibFn::RoundTime(unit, ceil), vec![value], ty))
}

fn check_arity(name: &str, args: Vec<Expr>, n: usize, span: Span) -> Result<Vec<Expr>, ExprError> {
    if args.len() == n {
        Ok(args)
    } else {
        Err(error(span, format!("{name}() takes {n} arguments, but is called with {}", args.len())))
    }
}


/// The generated code of a library call: `Option<T>` of the call's type; `a` are the arguments'.
pub fn call(f: LibFn, args: &[Expr], a: &[TokenStream], ty: SqlType) -> TokenStream {
    let arg = |i: usize| a.get(i).cloned().unwrap_or_else(|| quote! { None });
    let (a0, a1, a2) = (arg(0), arg(1), arg(2));
    let s = quote! { table::fx_strings };
    match f {
        LibFn::ConcatWs => {
            let rest = &a[1.min(a.len())..];
            quote! { #s::concat_ws(#a0, &[#(#rest),*]) }
        }
        LibFn::Lpad => quote! { #s::pad(#a0, #a1, #a2, true) },
        LibFn::Rpad => quote! { #s::pad(#a0, #a1, #a2, false) },
        LibFn::Repeat => quote! { #s::repeat(#a0, #a1) },
        LibFn::Reverse => quote! { #s::reverse(#a0) },
        LibFn::InitCap => quote! { #s::initcap(#a0) },
        LibFn::Locate => quote! { #s::locate(#a0, #a1, #a2) },
        LibFn::Ascii => quote! { #s::ascii(#a0) },
        LibFn::Chr => quote! { #s::chr(#a0) },
        LibFn::Left => quote! { #s::left_right(#a0, #a1, true) },
        LibFn::Right => quote! { #s::left_right(#a0, #a1, false) },
        LibFn::SplitIndex => quote! { #s::split_index(#a0, #a1, #a2) },
        LibFn::ToBase64 => quote! { #s::to_base64(#a0) },
        LibFn::FromBase64 => quote! { #s::from_base64(#a0) },
        LibFn::IsDigit => quote! { #s::is_digit(#a0) },
        LibFn::IsAlpha => quote! { #s::is_alpha(#a0) },
        LibFn::RegexpReplace => quote! { #s::regexp_replace(#a0, #a1, #a2) },
        LibFn::RegexpExtract => quote! { #s::regexp_extract(#a0, #a1, #a2) },
        LibFn::Regexp => quote! { #s::regexp(#a0, #a1) },
        LibFn::Double(d) => {
            let path = d.path();
            quote! { table::fx_math::map_f64(#a0, #path) }
        }
        LibFn::Power => quote! { table::fx::map2(#a0, #a1, f64::powf) },
        LibFn::Atan2 => quote! { table::fx::map2(#a0, #a1, f64::atan2) },
        LibFn::Log => quote! { table::fx_math::log(#a0, #a1) },
        LibFn::Pi => quote! { Some(std::f64::consts::PI) },
        LibFn::E => quote! { Some(std::f64::consts::E) },
        LibFn::Sign if ty.is_float() => quote! { (#a0).map(table::fx_math::sign_f64) },
        LibFn::Sign => quote! { (#a0).map(i64::signum) },
        LibFn::Truncate => {
            let digits = Lit::i64_suffixed(args.get(1).and_then(int_literal).unwrap_or(0));
            if ty.is_float() {
                quote! { (#a0).map(|x| table::fx_math::truncate_f64(x, #digits)) }
            } else {
                quote! { (#a0).map(|n| table::fx_math::truncate_i64(n, #digits)) }
            }
        }
        LibFn::FromUnixtime => quote! { table::fx_time::from_unixtime(#a0, #a1) },
        LibFn::UnixTimestamp if a.is_empty() => quote! { table::fx_time::unix_timestamp_now() },
        LibFn::UnixTimestamp => quote! { table::fx_time::unix_timestamp(#a0, #a1) },
        LibFn::TimestampAdd(unit) => {
            let unit = unit.tokens();
            quote! { table::fx_time::timestamp_add(#unit, #a0, #a1) }
        }
        LibFn::TimestampDiff(unit) => {
            let unit = unit.tokens();
            quote! { table::fx_time::timestamp_diff(#unit, #a0, #a1) }
        }
        LibFn::CurrentTimestamp => quote! { table::fx_time::current_timestamp() },
        LibFn::LocalTimestamp => quote! { table::fx_time::local_timestamp() },
        LibFn::CurrentDate => quote! { table::fx_time::current_date() },
        LibFn::CurrentTime => quote! { table::fx_time::current_time() },
        LibFn::Replace => quote! { table::fx::map3_str_replace(#a0, #a1, #a2) },
        LibFn::RoundTime(unit, ceil) => {
            let unit = unit.tokens();
            quote! { (#a0).map(|t: i64| table::fx_time::round_time(#unit, t, #ceil)) }
        }
        LibFn::Instr => quote! { table::fx_text_more::instr(#a0, #a1) },
        LibFn::Overlay => {
            let a3 = arg(3);
            quote! { table::fx_text_more::overlay(#a0, #a1, #a2, #a3) }
        }
        LibFn::Translate => quote! { table::fx_text_more::translate(#a0, #a1, #a2) },
        LibFn::Elt => {
            let rest = &a[1.min(a.len())..];
            quote! { table::fx_text_more::elt(#a0, &[#(#rest),*]) }
        }
        LibFn::UrlEncode => quote! { table::fx_text_more::url_encode(#a0) },
        LibFn::UrlDecode => quote! { table::fx_text_more::url_decode(#a0) },
        LibFn::ParseUrl => quote! { table::fx_text_more::parse_url(#a0, #a1, #a2) },
        LibFn::Uuid => quote! { table::fx_text_more::uuid() },
        LibFn::Rand => quote! { table::fx_text_more::rand() },
        LibFn::RandInteger => quote! { table::fx_text_more::rand_integer(#a0) },
        LibFn::JsonValue => quote! { table::fx_json_hash::json_value(#a0, #a1) },
        LibFn::JsonExists => quote! { table::fx_json_hash::json_exists(#a0, #a1) },
        LibFn::Md5 => quote! { table::fx_json_hash::md5(#a0) },
        LibFn::Sha1 => quote! { table::fx_json_hash::sha1(#a0) },
        LibFn::Sha2 => quote! { table::fx_json_hash::sha2(#a0, #a1) },
        LibFn::Greatest => quote! { table::fx_math::extreme(&[#(#a),*], true) },
        LibFn::Least => quote! { table::fx_math::extreme(&[#(#a),*], false) },
    }
}
