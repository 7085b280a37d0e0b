//! Code generation for relational operators: runtime operators wired with expressions compiled to
//! typed Rust closures (`Option<i64>`, `Option<f64>`, `Option<bool>`, `Option<Arc<str>>`; `None` is
//! SQL NULL), built with `quote!`.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::expr::{AggKind, BinOp, Expr, Literal};
use super::types::SqlType;
use super::{RelOp, SinkConnector, SourceConnector};
use crate::codegen::types::type_info;

/// The statement that adds `rel` (plan node `id`) to the pipeline as `var`, fed by `input`.
pub fn rel_stmt(
    id: usize,
    rel: &RelOp,
    var: &proc_macro2::Ident,
    input: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let id_lit = Lit::usize_unsuffixed(id);
    match rel {
        RelOp::Scan {
            table,
            source,
            schema,
        } => {
            let types = schema.fields.iter().map(|f| type_info(&f.ty.type_info()));
            match source {
                SourceConnector::CsvFile {
                    path,
                    field_delimiter,
                    ignore_parse_errors,
                } => quote! {
                    let #var = p.source(table::CsvFileSource::new(
                        #table, #path, #field_delimiter, #ignore_parse_errors, vec![#(#types),*]));
                },
            }
        }
        RelOp::Calc {
            python,
            filter,
            projection,
            ..
        } => {
            let calls = python.iter().map(|call| {
                let key = format!("udf:{}", call.function);
                let mut label = format!("Python function {}", call.function);
                if let Some(location) = call.udf.location() {
                    label.push_str(&format!(" at {location}"));
                }
                let args = call.args.iter().map(scalar_fn);
                let arg_types = call.arg_types.iter().map(|t| type_info(&t.type_info()));
                let result = type_info(&call.result.type_info());
                quote! {
                    table::PyScalarCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                        vec![#(#args),*], vec![#(#arg_types),*], #result)
                }
            });
            let filter = match filter {
                Some(f) => {
                    let body = typed(f);
                    quote! { Some(Box::new(|r: &[table::Value]| -> Option<bool> { #body })) }
                }
                None => quote! { None },
            };
            let projection = projection.iter().map(scalar_fn);
            quote! {
                let #var = p.operator(#input, table::TableCalc::new(
                    vec![#(#calls),*], #filter, vec![#(#projection),*]));
            }
        }
        RelOp::Aggregate {
            keys,
            aggs,
            projection,
            ..
        } => {
            let keys = keys.iter().map(scalar_fn);
            let aggs = aggs.iter().map(|agg| {
                let kind = match agg.kind {
                    AggKind::Count => quote! { table::AggKind::Count },
                    AggKind::Sum => quote! { table::AggKind::Sum },
                    AggKind::Avg => quote! { table::AggKind::Avg },
                    AggKind::Min => quote! { table::AggKind::Min },
                    AggKind::Max => quote! { table::AggKind::Max },
                };
                let arg = match &agg.arg {
                    Some(arg) => {
                        let f = scalar_fn(arg);
                        quote! { Some(#f) }
                    }
                    None => quote! { None },
                };
                let float = matches!(agg.ty, SqlType::Float | SqlType::Double);
                quote! { table::AggSpec::new(#kind, #arg, #float) }
            });
            let projection = projection.iter().map(scalar_fn);
            quote! {
                let #var = p.operator(#input, table::GroupAggregate::new(
                    vec![#(#keys),*], vec![#(#aggs),*], vec![#(#projection),*]));
            }
        }
        RelOp::Sink {
            sink,
            casts,
            schema,
            ..
        } => {
            let casts = casts.iter().map(scalar_fn);
            let types = schema.fields.iter().map(|f| type_info(&f.ty.type_info()));
            match sink {
                SinkConnector::Print { identifier } => {
                    let identifier = match identifier {
                        Some(id) => quote! { Some(#id) },
                        None => quote! { None },
                    };
                    quote! {
                        p.operator(#input, table::TablePrintSink::new(
                            #identifier, vec![#(#types),*], vec![#(#casts),*]));
                    }
                }
            }
        }
    }
}

/// A `table::ScalarFn` closure computing `expr` as a runtime `Value`.
fn scalar_fn(expr: &Expr) -> TokenStream {
    let body = typed(expr);
    let wrap = match expr.ty() {
        SqlType::Boolean => quote! { table::fx::from_bool(#body) },
        SqlType::Float | SqlType::Double => quote! { table::fx::from_f64(#body) },
        SqlType::String => quote! { table::fx::from_str(#body) },
        _ => quote! { table::fx::from_i64(#body) },
    };
    quote! { Box::new(|r: &[table::Value]| -> table::Value { #wrap }) }
}

/// The Rust type of a SQL type's values in generated code.
fn rust_type(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Boolean => quote! { bool },
        SqlType::Float | SqlType::Double => quote! { f64 },
        SqlType::String => quote! { std::sync::Arc<str> },
        _ => quote! { i64 },
    }
}

/// Tokens of type `Option<T>` (T = `rust_type(expr.ty())`).
fn typed(expr: &Expr) -> TokenStream {
    match expr {
        Expr::Column { index, ty } => {
            let i = Lit::usize_unsuffixed(*index);
            match ty {
                SqlType::Boolean => quote! { table::fx::get_bool(r, #i) },
                SqlType::Float | SqlType::Double => quote! { table::fx::get_f64(r, #i) },
                SqlType::String => quote! { table::fx::get_str(r, #i) },
                _ => quote! { table::fx::get_i64(r, #i) },
            }
        }
        Expr::Literal { value, ty } => match value {
            Literal::Null => {
                let t = rust_type(*ty);
                quote! { None::<#t> }
            }
            Literal::Bool(b) => quote! { Some(#b) },
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
            op, left, right, ..
        } => {
            let (l, r) = (typed(left), typed(right));
            let float = matches!(left.ty(), SqlType::Float | SqlType::Double);
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
        Expr::Not(e) => {
            let e = typed(e);
            quote! { (#e).map(|b: bool| !b) }
        }
        Expr::Negate(e) => {
            let inner = typed(e);
            match e.ty() {
                SqlType::Float | SqlType::Double => quote! { (#inner).map(|x: f64| -x) },
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
    }
}

fn cast(expr: &Expr, to: SqlType) -> TokenStream {
    let e = typed(expr);
    let from = expr.ty();
    let float = |t: SqlType| matches!(t, SqlType::Float | SqlType::Double);
    match (from, to) {
        (f, t) if rust_type(f).to_string() == rust_type(t).to_string() => e,
        (f, t) if f.is_integer() && float(t) => quote! { (#e).map(|v: i64| v as f64) },
        (f, t) if float(f) && t.is_integer() => quote! { (#e).map(|v: f64| v as i64) },
        (SqlType::Boolean, SqlType::String) => quote! { (#e).map(table::fx::bool_to_str) },
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
