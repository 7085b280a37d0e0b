//! Flink's built-in scalar functions and special SQL forms (CASE, IF, NULLIF, COALESCE, BETWEEN,
//! IN, LIKE, SUBSTRING, TRIM, FLOOR/CEIL), typed as Flink types them; and the DECIMAL typing rules
//! of literals and arithmetic (Flink's `LogicalTypeMerging`).
//!
//! Desugared forms (IF, NULLIF, BETWEEN, IN, simple CASE) become [`Expr::Case`], [`Expr::Binary`] or
//! [`Expr::Not`]; the rest are [`Expr::Call`]s whose code [`super::codegen`] generates.

use serde::Serialize;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

use super::expr::{binary_op, error, BinOp, Expr, ExprError, Literal, Scope};
use super::types::{adjusted_decimal, SqlType};

/// Which ends TRIM strips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrimWhere {
    Both,
    Leading,
    Trailing,
}

/// A built-in function compiled to native code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Func {
    Upper,
    Lower,
    Concat,
    /// `(string, start, length)`; a missing length is the rest of the string.
    Substring,
    CharLength,
    /// `(string, characters)`.
    Trim(TrimWhere),
    Abs,
    /// `(value, digits)`; `digits` is an integer literal.
    Round,
    Floor,
    Ceil,
    Coalesce,
    /// `(string, pattern)`.
    Like,
    /// EXTRACT(unit FROM temporal), YEAR(), HOUR(), ...: BIGINT.
    Extract(super::temporal::TimeUnit),
    /// `(timestamp or string, format)`.
    DateFormat,
    /// `(string[, format])`.
    ToTimestamp,
    /// `(string[, format])`.
    ToDate,
    /// `TO_TIMESTAMP_LTZ(epoch, precision)`: epoch seconds (precision 0, `1000` ms per unit) or
    /// milliseconds (precision 3, `1`) as a TIMESTAMP_LTZ(3).
    ToTimestampLtz(i64),
    /// A TUMBLE window's start, end or rowtime of a row's time (the window size in ms).
    Window(super::window::WindowPart, i64),
    /// `ts + INTERVAL ...` / `ts - INTERVAL ...` of a day-time interval, in milliseconds (negative
    /// for `-`).
    PlusMillis(i64),
    /// The Table API's `row.get(name | index)`: the ROW value's field at this position.
    RowField(u32),
    /// A legacy group window's rowtime (`TUMBLE_ROWTIME(...)` & co.) from its end: `end - 1 ms`, a
    /// rowtime attribute of the window aggregate's output (see [`super::time_attr`]); `true` for a
    /// window of a TIMESTAMP_LTZ rowtime, whose end is a wall-clock time of the session zone and whose
    /// rowtime is the instant (a TIMESTAMP_LTZ).
    WindowRowtime(bool),
    /// The long tail of string, math and conditional functions ([`super::library`]).
    Lib(super::library::LibFn),
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Upper => "UPPER",
            Func::Lower => "LOWER",
            Func::Concat => "CONCAT",
            Func::Substring => "SUBSTRING",
            Func::CharLength => "CHAR_LENGTH",
            Func::Trim(TrimWhere::Both) => "TRIM",
            Func::Trim(TrimWhere::Leading) => "LTRIM",
            Func::Trim(TrimWhere::Trailing) => "RTRIM",
            Func::Abs => "ABS",
            Func::Round => "ROUND",
            Func::Floor => "FLOOR",
            Func::Ceil => "CEIL",
            Func::Coalesce => "COALESCE",
            Func::Like => "LIKE",
            Func::Extract(unit) => unit.name(),
            Func::DateFormat => "DATE_FORMAT",
            Func::ToTimestamp => "TO_TIMESTAMP",
            Func::ToDate => "TO_DATE",
            Func::ToTimestampLtz(_) => "TO_TIMESTAMP_LTZ",
            Func::Window(part, _) => part.name(),
            Func::PlusMillis(_) => "PLUS_INTERVAL",
            Func::RowField(_) => "GET",
            Func::WindowRowtime(_) => "WINDOW_ROWTIME",
            Func::Lib(f) => f.name(),
        }
    }
}

const BUILTINS: &[&str] = &[
    "upper", "lower", "concat", "substring", "substr", "char_length", "character_length", "trim",
    "ltrim", "rtrim", "abs", "round", "floor", "ceil", "ceiling", "mod", "coalesce", "if", "nullif",
    // The shim's spelling of the Table API's `expr.get(field)`.
    "__sluice_get",
    // TUMBLE_ROWTIME(...) & co. as the legacy group window's lowering rewrites them.
    "__sluice_window_rowtime",
];

/// Whether `name` (lower case) is a built-in function sluice compiles.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name) || super::temporal::is_temporal_function(name) || super::library::is_library_function(name)
}

/// A SQL decimal literal (`12.50`): its unscaled value and type `DECIMAL(digits, scale)`.
pub fn decimal_literal(text: &str) -> Option<(i64, SqlType)> {
    let (int_part, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits: String = format!("{int_part}{frac}");
    let unscaled: i64 = digits.parse().ok()?;
    let significant = digits.trim_start_matches('0').len().max(1);
    let precision = significant.max(frac.len()).max(1);
    if precision > 18 {
        return None;
    }
    Some((unscaled, SqlType::Decimal(precision as u8, frac.len() as u8)))
}

/// An unscaled decimal as text (`1250`, scale 2: `12.50`), as Java's `BigDecimal.toPlainString`.
pub fn decimal_text(unscaled: i64, scale: u32) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// The result type of `l op r` when it is decimal arithmetic (no floating operand, one decimal).
pub fn decimal_arithmetic(op: BinOp, l: SqlType, r: SqlType) -> Option<SqlType> {
    if l.is_float() || r.is_float() || !matches!(l, SqlType::Decimal(..)) && !matches!(r, SqlType::Decimal(..)) {
        return None;
    }
    let ((p1, s1), (p2, s2)) = (l.decimal_parts()?, r.decimal_parts()?);
    Some(match op {
        BinOp::Add | BinOp::Sub => {
            let scale = s1.max(s2);
            adjusted_decimal((p1 - s1).max(p2 - s2) + scale + 1, scale)
        }
        BinOp::Mul => adjusted_decimal(p1 + p2 + 1, s1 + s2),
        BinOp::Div => {
            let scale = 6.max(s1 + p2 + 1);
            adjusted_decimal(p1 - s1 + s2 + scale, scale)
        }
        BinOp::Mod => {
            let scale = s1.max(s2);
            adjusted_decimal((p1 - s1).min(p2 - s2) + scale, scale)
        }
        _ => return None,
    })
}

fn arity(name: &str, args: &[Expr], range: std::ops::RangeInclusive<usize>, span: Span) -> Result<(), ExprError> {
    if range.contains(&args.len()) {
        return Ok(());
    }
    let (lo, hi) = (*range.start(), *range.end());
    let expected = if lo == hi {
        format!("{lo}")
    } else if hi == usize::MAX {
        format!("at least {lo}")
    } else {
        format!("{lo} to {hi}")
    };
    Err(error(
        span,
        format!("{}() takes {expected} argument{}, but is called with {}", name.to_uppercase(), if hi == 1 { "" } else { "s" }, args.len()),
    ))
}

fn need(name: &str, arg: &Expr, ok: bool, what: &str, span: Span) -> Result<(), ExprError> {
    if ok {
        Ok(())
    } else {
        Err(error(span, format!("{}() needs {what}, got {}", name.to_uppercase(), arg.ty())))
    }
}

fn call(func: Func, args: Vec<Expr>, ty: SqlType) -> Expr {
    Expr::Call { func, args, ty }
}

/// The common type of `exprs` (branches of CASE, COALESCE arguments), each cast to it.
fn unify(name: &str, exprs: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, SqlType), ExprError> {
    let mut ty: Option<SqlType> = None;
    for e in &exprs {
        if is_null_literal(e) {
            continue;
        }
        ty = Some(match ty {
            None => e.ty(),
            Some(t) => SqlType::common(t, e.ty()).ok_or_else(|| {
                error(span, format!("{name}: the types {t} and {} have no common type", e.ty()))
            })?,
        });
    }
    let ty = ty.unwrap_or(SqlType::String);
    Ok((exprs.into_iter().map(|e| retype(e, ty)).collect(), ty))
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(e, Expr::Literal { value: Literal::Null, .. })
}

/// `e` as type `ty`: a NULL literal takes the type, anything else is cast.
fn retype(e: Expr, ty: SqlType) -> Expr {
    if is_null_literal(&e) {
        Expr::Literal { value: Literal::Null, ty }
    } else {
        e.cast(ty)
    }
}

fn case(branches: Vec<(Expr, Expr)>, otherwise: Option<Expr>, span: Span) -> Result<Expr, ExprError> {
    for (when, _) in &branches {
        if when.ty() != SqlType::Boolean {
            return Err(error(span, format!("a CASE condition must be BOOLEAN, but is {}", when.ty())));
        }
    }
    let mut values: Vec<Expr> = branches.iter().map(|(_, v)| v.clone()).collect();
    let has_else = otherwise.is_some();
    values.push(otherwise.unwrap_or(Expr::Literal { value: Literal::Null, ty: SqlType::String }));
    let (mut values, ty) = unify("CASE", values, span)?;
    let otherwise = values.pop().unwrap_or(Expr::Literal { value: Literal::Null, ty });
    let _ = has_else;
    Ok(Expr::Case {
        branches: branches.into_iter().map(|(w, _)| w).zip(values).collect(),
        otherwise: Box::new(otherwise),
        ty,
    })
}

/// `row.get(name | index)`: the field's value, typed as the field (as Flink's GET on a ROW).
pub(super) fn row_field(args: Vec<Expr>, span: Span) -> Result<Expr, ExprError> {
    let [row, key] = <[Expr; 2]>::try_from(args).map_err(|_| error(span, "get() takes one field name or index"))?;
    let fields = row.ty().row_fields().ok_or_else(|| error(span, format!("get() reads a field of a ROW value, not of {}", row.ty())))?;
    let index = match &key {
        Expr::Literal { value: Literal::String(name), .. } => fields.iter().position(|f| f.name == *name),
        other => int_literal(other).and_then(|i| usize::try_from(i).ok()).filter(|i| *i < fields.len()),
    };
    let Some(index) = index else {
        let key_type = match &key {
            Expr::Literal { value: Literal::String(name), .. } => format!("CHAR({}) NOT NULL", name.chars().count()),
            other => other.ty().to_string(),
        };
        return Err(error(span, format!("Invalid function call: get({}, {key_type}) (no such field)", row.ty())));
    };
    let ty = fields[index].ty;
    Ok(call(Func::RowField(index as u32), vec![row], ty))
}

/// Field `index` (of type `ty`) of a ROW-typed expression.
pub fn field_of(row: Expr, index: usize, ty: SqlType) -> Expr {
    call(Func::RowField(index as u32), vec![row], ty)
}

/// An integer literal's value, through a minus sign and casts to integer types.
pub(super) fn int_literal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Literal { value: Literal::Int(i), .. } => Some(*i),
        Expr::Negate(inner) => int_literal(inner).map(|i| -i),
        Expr::Cast { expr, ty } if ty.is_integer() => int_literal(expr),
        _ => None,
    }
}

/// Types a call of built-in `name` (lower or upper case) on resolved arguments.
pub fn typed_call(name: &str, mut args: Vec<Expr>, span: Span) -> Result<Expr, ExprError> {
    let lower = name.to_ascii_lowercase();
    let string = |e: &Expr| e.ty() == SqlType::String;
    if super::temporal::is_temporal_function(&lower) {
        return super::temporal::typed_call(&lower, args, span);
    }
    if super::library::is_library_function(&lower) {
        return super::library::typed_call(&lower, args, span);
    }
    match lower.as_str() {
        "upper" | "lower" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], string(&args[0]), "a string", span)?;
            let func = if lower == "upper" { Func::Upper } else { Func::Lower };
            Ok(call(func, args, SqlType::String))
        }
        "concat" => {
            arity(&lower, &args, 1..=usize::MAX, span)?;
            let args = args.into_iter().map(|a| a.cast(SqlType::String)).collect();
            Ok(call(Func::Concat, args, SqlType::String))
        }
        "substring" | "substr" => {
            arity(&lower, &args, 2..=3, span)?;
            need(&lower, &args[0], string(&args[0]), "a string", span)?;
            for a in &args[1..] {
                need(&lower, a, a.ty().is_integer(), "integer positions", span)?;
            }
            if args.len() == 2 {
                args.push(Expr::Literal { value: Literal::Int(i64::from(i32::MAX)), ty: SqlType::Int });
            }
            Ok(call(Func::Substring, args, SqlType::String))
        }
        "char_length" | "character_length" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], string(&args[0]), "a string", span)?;
            Ok(call(Func::CharLength, args, SqlType::Int))
        }
        "trim" | "ltrim" | "rtrim" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], string(&args[0]), "a string", span)?;
            let which = match lower.as_str() {
                "ltrim" => TrimWhere::Leading,
                "rtrim" => TrimWhere::Trailing,
                _ => TrimWhere::Both,
            };
            args.push(Expr::Literal { value: Literal::String(" ".into()), ty: SqlType::String });
            Ok(call(Func::Trim(which), args, SqlType::String))
        }
        "__sluice_get" => row_field(args, span),
        "__sluice_window_rowtime" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], matches!(args[0].ty(), SqlType::Timestamp(_)), "a window end", span)?;
            Ok(call(Func::WindowRowtime(false), args, SqlType::Timestamp(3)))
        }
        "abs" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], args[0].ty().is_numeric(), "a number", span)?;
            let ty = args[0].ty();
            Ok(call(Func::Abs, args, ty))
        }
        "round" => {
            arity(&lower, &args, 1..=2, span)?;
            need(&lower, &args[0], args[0].ty().is_numeric(), "a number", span)?;
            if args.len() == 1 {
                args.push(Expr::Literal { value: Literal::Int(0), ty: SqlType::Int });
            }
            let digits = int_literal(&args[1])
                .ok_or_else(|| error(span, "ROUND()'s second argument must be an integer literal in sluice"))?;
            let ty = match args[0].ty() {
                SqlType::Decimal(p, s) => {
                    let (p, s) = (i64::from(p), i64::from(s));
                    if digits >= s {
                        SqlType::Decimal(p as u8, s as u8)
                    } else if digits < 0 {
                        SqlType::Decimal((1 + p - s).min(38) as u8, 0)
                    } else {
                        SqlType::Decimal((1 + p - s + digits) as u8, digits as u8)
                    }
                }
                t => t,
            };
            Ok(call(Func::Round, args, ty))
        }
        "floor" | "ceil" | "ceiling" => {
            arity(&lower, &args, 1..=1, span)?;
            need(&lower, &args[0], args[0].ty().is_numeric(), "a number", span)?;
            let ty = match args[0].ty() {
                SqlType::Decimal(p, _) => SqlType::Decimal(p, 0),
                t => t,
            };
            let func = if lower == "floor" { Func::Floor } else { Func::Ceil };
            Ok(call(func, args, ty))
        }
        "mod" => {
            arity(&lower, &args, 2..=2, span)?;
            let (b, a) = (args.pop(), args.pop());
            let (Some(a), Some(b)) = (a, b) else { return Err(error(span, "MOD() takes 2 arguments")) };
            if a.ty().is_integer() && b.ty().is_integer() {
                let ty = b.ty();
                return Ok(Expr::Binary { op: BinOp::Mod, left: Box::new(a), right: Box::new(b), ty });
            }
            binary_op(BinOp::Mod, a, b, span)
        }
        "coalesce" => {
            arity(&lower, &args, 1..=usize::MAX, span)?;
            let (args, ty) = unify("COALESCE", args, span)?;
            Ok(call(Func::Coalesce, args, ty))
        }
        "if" => {
            arity(&lower, &args, 3..=3, span)?;
            let otherwise = args.pop();
            let then = args.pop();
            let (Some(cond), Some(then)) = (args.pop(), then) else { return Err(error(span, "IF() takes 3 arguments")) };
            case(vec![(cond, then)], otherwise, span)
        }
        "nullif" => {
            arity(&lower, &args, 2..=2, span)?;
            let (b, a) = (args.pop(), args.pop());
            let (Some(a), Some(b)) = (a, b) else { return Err(error(span, "NULLIF() takes 2 arguments")) };
            let ty = a.ty();
            let eq = binary_op(BinOp::Eq, a.clone(), b, span)?;
            Ok(Expr::Case {
                branches: vec![(eq, Expr::Literal { value: Literal::Null, ty })],
                otherwise: Box::new(a),
                ty,
            })
        }
        other => Err(error(span, format!("unknown function `{other}`"))),
    }
}

impl Scope<'_> {
    /// In a grouped select, an expression equal to a group key is that key's column.
    pub(super) fn grouped_key(&mut self, expr: &sql::Expr) -> Option<Expr> {
        let (keys, _) = self.grouping.as_ref()?;
        if matches!(expr, sql::Expr::Value(_) | sql::Expr::Identifier(_) | sql::Expr::Nested(_)) {
            return None;
        }
        let mut plain = self.ungrouped();
        let resolved = plain.resolve(expr).ok()?;
        let index = keys.iter().position(|k| *k == resolved)?;
        Some(Expr::Column { index, ty: resolved.ty() })
    }

    /// CASE, SUBSTRING(... FROM ... FOR ...), TRIM(... FROM ...), FLOOR/CEIL, BETWEEN, IN, LIKE.
    pub(super) fn special(&mut self, expr: &sql::Expr) -> Result<Expr, ExprError> {
        let span = expr.span();
        match expr {
            sql::Expr::Case { operand, conditions, else_result, .. } => {
                let operand = operand.as_deref().map(|o| self.resolve(o)).transpose()?;
                let mut branches = Vec::new();
                for when in conditions {
                    let mut condition = self.resolve(&when.condition)?;
                    if let Some(operand) = &operand {
                        condition = binary_op(BinOp::Eq, operand.clone(), condition, span)?;
                    }
                    branches.push((condition, self.resolve(&when.result)?));
                }
                let otherwise = else_result.as_deref().map(|e| self.resolve(e)).transpose()?;
                case(branches, otherwise, span)
            }
            sql::Expr::Substring { expr, substring_from, substring_for, .. } => {
                let mut args = vec![self.resolve(expr)?];
                match substring_from {
                    Some(from) => args.push(self.resolve(from)?),
                    None => args.push(Expr::Literal { value: Literal::Int(1), ty: SqlType::Int }),
                }
                if let Some(length) = substring_for {
                    args.push(self.resolve(length)?);
                }
                typed_call("substring", args, span)
            }
            sql::Expr::Trim { expr, trim_where, trim_what, trim_characters } => {
                if trim_characters.is_some() {
                    return Err(error(span, "TRIM with a character list is not supported by sluice yet"));
                }
                let value = self.resolve(expr)?;
                let what = match trim_what {
                    Some(w) => self.resolve(w)?,
                    None => Expr::Literal { value: Literal::String(" ".into()), ty: SqlType::String },
                };
                if value.ty() != SqlType::String || what.ty() != SqlType::String {
                    return Err(error(span, "TRIM() needs strings"));
                }
                let which = match trim_where {
                    Some(sql::TrimWhereField::Leading) => TrimWhere::Leading,
                    Some(sql::TrimWhereField::Trailing) => TrimWhere::Trailing,
                    _ => TrimWhere::Both,
                };
                Ok(call(Func::Trim(which), vec![value, what], SqlType::String))
            }
            sql::Expr::Floor { expr: inner, field } | sql::Expr::Ceil { expr: inner, field } => {
                let ceil = matches!(expr, sql::Expr::Ceil { .. });
                match field {
                    sql::CeilFloorKind::DateTimeField(sql::DateTimeField::NoDateTime) => {}
                    sql::CeilFloorKind::DateTimeField(unit) => {
                        let value = self.resolve(inner)?;
                        return super::library::round_time(value, &unit.to_string(), ceil, span);
                    }
                    sql::CeilFloorKind::Scale(_) => {
                        return Err(error(span, "FLOOR/CEIL with a scale is not supported by sluice yet"));
                    }
                }
                let name = if matches!(expr, sql::Expr::Floor { .. }) { "floor" } else { "ceil" };
                let arg = self.resolve(inner)?;
                typed_call(name, vec![arg], span)
            }
            // SQL's `f(x).field` on a ROW value (a Python function's ROW result).
            sql::Expr::CompoundFieldAccess { root, access_chain } => {
                let mut value = self.resolve(root)?;
                for access in access_chain {
                    let sql::AccessExpr::Dot(sql::Expr::Identifier(field)) = access else {
                        return Err(error(span, format!("the field access `{access}` is not supported by sluice yet")));
                    };
                    let name = Expr::Literal { value: Literal::String(field.value.clone()), ty: SqlType::String };
                    value = row_field(vec![value, name], span)?;
                }
                Ok(value)
            }
            sql::Expr::Overlay { expr: value, overlay_what, overlay_from, overlay_for } => {
                let mut args = vec![self.resolve(value)?, self.resolve(overlay_what)?, self.resolve(overlay_from)?];
                if let Some(length) = overlay_for {
                    args.push(self.resolve(length)?);
                }
                typed_call("overlay", args, span)
            }
            sql::Expr::Position { expr: needle, r#in } => {
                let args = vec![self.resolve(needle)?, self.resolve(r#in)?];
                typed_call("position", args, span)
            }
            sql::Expr::Between { expr, negated, low, high } => {
                let value = self.resolve(expr)?;
                let (low, high) = (self.resolve(low)?, self.resolve(high)?);
                let ge = binary_op(BinOp::GtEq, value.clone(), low, span)?;
                let le = binary_op(BinOp::LtEq, value, high, span)?;
                let both = binary_op(BinOp::And, ge, le, span)?;
                Ok(if *negated { Expr::Not(Box::new(both)) } else { both })
            }
            sql::Expr::InList { expr, list, negated } => {
                let value = self.resolve(expr)?;
                let mut any: Option<Expr> = None;
                for item in list {
                    let item = self.resolve(item)?;
                    let eq = binary_op(BinOp::Eq, value.clone(), item, span)?;
                    any = Some(match any {
                        None => eq,
                        Some(prev) => binary_op(BinOp::Or, prev, eq, span)?,
                    });
                }
                let any = any.ok_or_else(|| error(span, "IN needs at least one value"))?;
                Ok(if *negated { Expr::Not(Box::new(any)) } else { any })
            }
            sql::Expr::Like { negated, expr, pattern, escape_char, any } => {
                if escape_char.is_some() || *any {
                    return Err(error(span, "LIKE with ESCAPE or ANY is not supported by sluice yet"));
                }
                let (value, pattern) = (self.resolve(expr)?, self.resolve(pattern)?);
                if value.ty() != SqlType::String || pattern.ty() != SqlType::String {
                    return Err(error(span, "LIKE needs strings"));
                }
                let like = call(Func::Like, vec![value, pattern], SqlType::Boolean);
                Ok(if *negated { Expr::Not(Box::new(like)) } else { like })
            }
            other => Err(error(span, format!("the expression `{other}` is not supported by sluice yet"))),
        }
    }
}
