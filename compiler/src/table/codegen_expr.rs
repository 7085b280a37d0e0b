//! Typed expressions to Rust: each [`Expr`] becomes tokens of type `Option<T>` (`None` is SQL NULL)
//! with `T` one of `bool`, `i64` (integers), `i128` (DECIMAL, its unscaled value), `f64`,
//! `Arc<str>`; the helpers called live in the runtime's `table::fx` and `table::decimal`.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::builtins::{Func, TrimWhere};
use super::expr::{BinOp, Expr, Literal};
use super::types::SqlType;

/// A `table::ScalarFn` closure computing `expr` as a runtime `Value`.
pub fn scalar_fn(expr: &Expr) -> TokenStream {
    if expr.ty().is_opaque() {
        // BYTES and MAP values are only passed along (`expr::reads_opaque` keeps them out of
        // computations): a column as it is, anything else NULL.
        return match expr {
            Expr::Column { index, .. } => {
                let i = Lit::usize_unsuffixed(*index);
                quote! { Box::new(|r: &[table::Value]| -> table::Value { r.get(#i).cloned().unwrap_or_default() }) }
            }
            _ => quote! { Box::new(|_: &[table::Value]| -> table::Value { table::Value::Null }) },
        };
    }
    let body = typed(expr);
    let wrap = match expr.ty() {
        SqlType::Boolean => quote! { table::fx::from_bool(#body) },
        SqlType::Float | SqlType::Double => quote! { table::fx::from_f64(#body) },
        SqlType::String => quote! { table::fx::from_str(#body) },
        SqlType::Decimal(..) => quote! { table::decimal::to_value(#body) },
        SqlType::Date => quote! { table::datetime::from_date(#body) },
        SqlType::Time => quote! { table::datetime::from_time(#body) },
        SqlType::Timestamp(_) => quote! { table::datetime::from_ts(#body) },
        SqlType::TimestampLtz(_) => quote! { table::datetime::from_instant(#body) },
        SqlType::Row(_) => quote! { (#body).unwrap_or(table::Value::Null) },
        _ => quote! { table::fx::from_i64(#body) },
    };
    // A constant expression's closure does not read its row.
    let row = if super::expr::reads_columns(expr) { quote! { r } } else { quote! { _ } };
    quote! { Box::new(|#row: &[table::Value]| -> table::Value { #wrap }) }
}

/// A `table::ScalarFn` closure computing `expr` for display: DECIMAL values as their text, TIME and
/// TIMESTAMP as Java's `LocalTime`/`LocalDateTime.toString` (what the print connector shows).
pub fn display_fn(expr: &Expr) -> TokenStream {
    let java = match expr.ty() {
        SqlType::Time => Some(quote! { table::datetime::time_to_java }),
        SqlType::Timestamp(_) => Some(quote! { table::datetime::ts_to_java }),
        _ => None,
    };
    if let Some(java) = java {
        let body = typed(expr);
        return quote! {
            Box::new(|r: &[table::Value]| -> table::Value { table::fx::from_str((#body).map(#java)) })
        };
    }
    match expr.ty() {
        SqlType::Date => scalar_fn(&Expr::Cast {
            expr: Box::new(expr.clone()),
            ty: SqlType::String,
        }),
        SqlType::Decimal(..) => scalar_fn(&Expr::Cast {
            expr: Box::new(expr.clone()),
            ty: SqlType::String,
        }),
        _ => scalar_fn(expr),
    }
}

/// The Rust type of a SQL type's values in generated code.
fn rust_type(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Boolean => quote! { bool },
        SqlType::Float | SqlType::Double => quote! { f64 },
        SqlType::String => quote! { std::sync::Arc<str> },
        SqlType::Decimal(..) => quote! { i128 },
        SqlType::Row(_) => quote! { table::Value },
        _ => quote! { i64 },
    }
}

fn u32_lit(v: u32) -> Lit {
    Lit::u32_suffixed(v)
}

/// `(precision, scale)` literals of a decimal type.
fn ps(ty: SqlType) -> (Lit, Lit) {
    let (p, s) = ty.decimal_parts().unwrap_or((38, 0));
    (u32_lit(p), u32_lit(s))
}

/// Tokens of type `Option<T>` (T = `rust_type(ty)`) reading column `index` of the `&[Value]` `row`.
fn getter(ty: SqlType, row: &TokenStream, index: &Lit) -> TokenStream {
    match ty {
        SqlType::Boolean => quote! { table::fx::get_bool(#row, #index) },
        SqlType::Float | SqlType::Double => quote! { table::fx::get_f64(#row, #index) },
        SqlType::String => quote! { table::fx::get_str(#row, #index) },
        SqlType::Decimal(..) => quote! { table::decimal::get(#row, #index) },
        SqlType::Row(_) => quote! { table::fx::get_row(#row, #index) },
        _ => quote! { table::fx::get_i64(#row, #index) },
    }
}

/// Tokens of type `Option<T>` (T = `rust_type(expr.ty())`).
pub fn typed(expr: &Expr) -> TokenStream {
    match expr {
        Expr::Column { index, ty } => getter(*ty, &quote! { r }, &Lit::usize_unsuffixed(*index)),
        Expr::Literal { value, ty } => match value {
            Literal::Null => {
                let t = rust_type(*ty);
                quote! { None::<#t> }
            }
            Literal::Bool(b) => quote! { Some(#b) },
            Literal::Int(i) if matches!(ty, SqlType::Decimal(..)) => {
                let i = Lit::i128_suffixed(i128::from(*i));
                quote! { Some(#i) }
            }
            Literal::Decimal(i) => {
                let i = Lit::i128_suffixed(i128::from(*i));
                quote! { Some(#i) }
            }
            Literal::Int(i) => {
                let i = Lit::i64_suffixed(*i);
                quote! { Some(#i) }
            }
            Literal::Float(x) => {
                let x = Lit::f64_suffixed(*x);
                quote! { Some(#x) }
            }
            Literal::String(s) => quote! { Some(std::sync::Arc::<str>::from(#s)) },
        },
        Expr::Binary {
            op,
            left,
            right,
            ty,
        } => binary(*op, left, right, *ty),
        Expr::Not(e) => {
            let e = typed(e);
            quote! { (#e).map(|b: bool| !b) }
        }
        Expr::Negate(e) => {
            let inner = typed(e);
            match e.ty() {
                SqlType::Float | SqlType::Double => quote! { (#inner).map(|x: f64| -x) },
                SqlType::Decimal(..) => quote! { (#inner).map(i128::wrapping_neg) },
                _ => quote! { (#inner).map(i64::wrapping_neg) },
            }
        }
        Expr::IsNull { expr, negated } => {
            let e = typed(expr);
            if *negated {
                quote! { Some((#e).is_some()) }
            } else {
                quote! { Some((#e).is_none()) }
            }
        }
        Expr::Cast { expr, ty } => cast(expr, *ty),
        Expr::Call { func, args, ty } => call(*func, args, *ty),
        Expr::Case {
            branches,
            otherwise,
            ..
        } => {
            let conditions = branches.iter().map(|(c, _)| typed(c));
            let values = branches.iter().map(|(_, v)| typed(v));
            let otherwise = typed(otherwise);
            quote! {
                #( if (#conditions) == Some(true) { #values } else )* { #otherwise }
            }
        }
    }
}

fn binary(op: BinOp, left: &Expr, right: &Expr, ty: SqlType) -> TokenStream {
    let (l, r) = (typed(left), typed(right));
    if let (SqlType::Decimal(..), true) = (ty, matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod)) {
        let ((_, ls), (_, rs), (p, s)) = (ps(left.ty()), ps(right.ty()), ps(ty));
        let f = match op {
            BinOp::Add => quote! { dec_add },
            BinOp::Sub => quote! { dec_sub },
            BinOp::Mul => quote! { dec_mul },
            BinOp::Div => quote! { dec_div },
            _ => quote! { dec_mod },
        };
        return quote! { table::decimal::#f(#l, #r, #ls, #rs, #p, #s) };
    }
    let float = left.ty().is_float();
    match (op, float) {
        (BinOp::Add, false) => quote! { table::fx::map2(#l, #r, i64::wrapping_add) },
        (BinOp::Sub, false) => quote! { table::fx::map2(#l, #r, i64::wrapping_sub) },
        (BinOp::Mul, false) => quote! { table::fx::map2(#l, #r, i64::wrapping_mul) },
        (BinOp::Div, false) => quote! { table::fx::and_then2(#l, #r, i64::checked_div) },
        (BinOp::Mod, false) => quote! { table::fx::and_then2(#l, #r, i64::checked_rem) },
        (BinOp::Add, true) => quote! { table::fx::map2(#l, #r, |a: f64, b: f64| a + b) },
        (BinOp::Sub, true) => quote! { table::fx::map2(#l, #r, |a: f64, b: f64| a - b) },
        (BinOp::Mul, true) => quote! { table::fx::map2(#l, #r, |a: f64, b: f64| a * b) },
        (BinOp::Div, true) => quote! { table::fx::map2(#l, #r, |a: f64, b: f64| a / b) },
        (BinOp::Mod, true) => quote! { table::fx::map2(#l, #r, |a: f64, b: f64| a % b) },
        (BinOp::Eq, _) => quote! { table::fx::map2(#l, #r, |a, b| a == b) },
        (BinOp::NotEq, _) => quote! { table::fx::map2(#l, #r, |a, b| a != b) },
        (BinOp::Lt, _) => quote! { table::fx::map2(#l, #r, |a, b| a < b) },
        (BinOp::LtEq, _) => quote! { table::fx::map2(#l, #r, |a, b| a <= b) },
        (BinOp::Gt, _) => quote! { table::fx::map2(#l, #r, |a, b| a > b) },
        (BinOp::GtEq, _) => quote! { table::fx::map2(#l, #r, |a, b| a >= b) },
        (BinOp::And, _) => quote! { table::fx::and(#l, #r) },
        (BinOp::Or, _) => quote! { table::fx::or(#l, #r) },
    }
}

fn call(func: Func, args: &[Expr], ty: SqlType) -> TokenStream {
    let a: Vec<TokenStream> = args.iter().map(typed).collect();
    let arg = |i: usize| a.get(i).cloned().unwrap_or_else(|| quote! { None });
    let (a0, a1, a2) = (arg(0), arg(1), arg(2));
    let arg_ty = args.first().map_or(ty, Expr::ty);
    match func {
        Func::RowField(i) => {
            let read = getter(ty, &quote! { fields }, &Lit::usize_unsuffixed(i as usize));
            quote! {
                (#a0).and_then(|v: table::Value| match &v {
                    table::Value::Row(row) => { let fields = &row.fields[..]; #read }
                    _ => None,
                })
            }
        }
        Func::Upper => quote! { (#a0).map(|s| table::fx::upper(&s)) },
        Func::Lower => quote! { (#a0).map(|s| table::fx::lower(&s)) },
        Func::Concat => quote! { table::fx::concat(&[#(#a),*]) },
        Func::Substring => quote! { table::fx::substring(#a0, #a1, #a2) },
        Func::CharLength => quote! { (#a0).map(|s| s.chars().count() as i64) },
        Func::Trim(which) => {
            let (leading, trailing) = match which {
                TrimWhere::Both => (true, true),
                TrimWhere::Leading => (true, false),
                TrimWhere::Trailing => (false, true),
            };
            quote! { table::fx::trim(#a0, #a1, #leading, #trailing) }
        }
        Func::Abs if arg_ty.is_float() => quote! { (#a0).map(f64::abs) },
        Func::Abs if matches!(arg_ty, SqlType::Decimal(..)) => quote! { (#a0).map(i128::wrapping_abs) },
        Func::Abs => quote! { (#a0).map(i64::wrapping_abs) },
        Func::Round => {
            let digits = match args.get(1) {
                Some(Expr::Literal { value: Literal::Int(d), .. }) => *d,
                Some(Expr::Negate(inner)) => match inner.as_ref() {
                    Expr::Literal { value: Literal::Int(d), .. } => -*d,
                    _ => 0,
                },
                _ => 0,
            };
            let digits = Lit::i64_suffixed(digits);
            match arg_ty {
                t if t.is_float() => quote! { (#a0).map(|x| table::fx::round_f64(x, #digits)) },
                SqlType::Decimal(_, s) => {
                    let (s, out) = (u32_lit(u32::from(s)), u32_lit(ty.scale()));
                    quote! { (#a0).and_then(|v| table::decimal::rescale(v, #s, #out)) }
                }
                _ => quote! { (#a0).map(|v| table::fx::round_i64(v, #digits)) },
            }
        }
        Func::Floor | Func::Ceil => {
            let ceil = func == Func::Ceil;
            match arg_ty {
                t if t.is_float() && ceil => quote! { (#a0).map(f64::ceil) },
                t if t.is_float() => quote! { (#a0).map(f64::floor) },
                SqlType::Decimal(_, s) => {
                    let s = u32_lit(u32::from(s));
                    quote! { (#a0).map(|v| table::decimal::floor_ceil(v, #s, #ceil)) }
                }
                _ => a0,
            }
        }
        Func::Coalesce => {
            let rest = &a[1..];
            quote! { (#a0) #( .or(#rest) )* }
        }
        Func::Like => quote! { table::fx::map2(#a0, #a1, |s, p| table::fx::like(&s, &p)) },
        Func::Window(part, size) => {
            let size = Lit::i64_suffixed(size);
            let offset = match part {
                super::window::WindowPart::Start => quote! { 0 },
                super::window::WindowPart::End => quote! { #size },
                super::window::WindowPart::Time => quote! { #size - 1 },
            };
            quote! { (#a0).map(|t: i64| t - t.rem_euclid(#size) + #offset) }
        }
        Func::PlusMillis(ms) => {
            let ms = Lit::i64_suffixed(ms);
            quote! { (#a0).map(|t: i64| t.saturating_add(#ms)) }
        }
        Func::WindowRowtime(false) => quote! { (#a0).map(|t: i64| t - 1) },
        Func::WindowRowtime(true) => quote! { (#a0).map(|t: i64| table::time_zone::to_instant(t - 1)) },
        Func::Extract(_) | Func::DateFormat | Func::ToTimestamp | Func::ToDate | Func::ToTimestampLtz(_) => {
            super::temporal::call(func, args, &a)
        }
        Func::Lib(f) => super::library::call(f, args, &a, ty),
    }
}

fn cast(expr: &Expr, to: SqlType) -> TokenStream {
    let from = expr.ty();
    if let (SqlType::Bytes, SqlType::String, Expr::Column { index, .. }) = (from, to, expr) {
        // The display of a BYTES column (the boxed print casts every column to STRING).
        let i = Lit::usize_unsuffixed(*index);
        return quote! { table::fx::bytes_to_str(r.get(#i)) };
    }
    if let (SqlType::Array(_), SqlType::String, Expr::Column { index, .. }) = (from, to, expr) {
        let i = Lit::usize_unsuffixed(*index);
        return quote! { table::fx::array_to_str(r.get(#i)) };
    }
    if let (SqlType::Map(_), SqlType::String, Expr::Column { index, .. }) = (from, to, expr) {
        let i = Lit::usize_unsuffixed(*index);
        return quote! { table::fx::map_to_str(r.get(#i)) };
    }
    let e = typed(expr);
    let ltz = |t: SqlType| matches!(t, SqlType::TimestampLtz(_));
    if from.is_temporal() || to.is_temporal() || ltz(from) || ltz(to) {
        if let Some(folded) = super::temporal::fold_literal_cast(expr, to) {
            return folded;
        }
        return super::temporal::cast(e, from, to);
    }
    if let SqlType::Decimal(..) = to {
        let (p, s) = ps(to);
        return match from {
            SqlType::Decimal(_, fs) => {
                let fs = u32_lit(u32::from(fs));
                quote! { (#e).and_then(|v| table::decimal::rescale_checked(v, #fs, #p, #s)) }
            }
            f if f.is_integer() => {
                quote! { (#e).and_then(|v| table::decimal::rescale_checked(i128::from(v), 0, #p, #s)) }
            }
            f if f.is_float() => quote! { (#e).and_then(|v| table::decimal::from_f64(v, #p, #s)) },
            SqlType::String => quote! { (#e).and_then(|v| table::decimal::parse(&v, #p, #s)) },
            _ => quote! { None::<i128> },
        };
    }
    if let SqlType::Decimal(_, fs) = from {
        let fs = u32_lit(u32::from(fs));
        return match to {
            t if t.is_integer() => quote! { (#e).map(|v| table::decimal::truncate(v, #fs)) },
            t if t.is_float() => quote! { (#e).map(|v| table::decimal::to_f64(v, #fs)) },
            SqlType::String => quote! { (#e).map(|v| table::decimal::to_str(v, #fs)) },
            _ => quote! { None::<bool> },
        };
    }
    let float = |t: SqlType| t.is_float();
    match (from, to) {
        (SqlType::Row(_), SqlType::Row(_)) => e,
        // Flink's boxed print shows a ROW as `(f0, f1, ...)`.
        (SqlType::Row(_), SqlType::String) => quote! { (#e).map(|v| table::fx::row_to_str(&v)) },
        (SqlType::Row(_), _) | (_, SqlType::Row(_)) => {
            let t = rust_type(to);
            quote! { None::<#t> }
        }
        (f, t) if rust_type(f).to_string() == rust_type(t).to_string() => e,
        (f, t) if f.is_integer() && float(t) => quote! { (#e).map(|v: i64| v as f64) },
        (f, t) if float(f) && t.is_integer() => quote! { (#e).map(|v: f64| v as i64) },
        (SqlType::Boolean, SqlType::String) => quote! { (#e).map(table::fx::bool_to_str) },
        (SqlType::Float, SqlType::String) => quote! { (#e).map(table::fx::f32_to_str) },
        (f, SqlType::String) if float(f) => quote! { (#e).map(table::fx::f64_to_str) },
        (_, SqlType::String) => quote! { (#e).map(table::fx::i64_to_str) },
        (SqlType::String, t) if float(t) => {
            quote! { (#e).and_then(|s| s.trim().parse::<f64>().ok()) }
        }
        (SqlType::String, SqlType::Boolean) => {
            quote! { (#e).and_then(|s| table::fx::parse_bool(&s)) }
        }
        (SqlType::String, _) => quote! { (#e).and_then(|s| s.trim().parse::<i64>().ok()) },
        _ => e,
    }
}
