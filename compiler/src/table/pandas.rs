//! Code generation for pandas (vectorized, `func_type="pandas"`) functions: a select calling pandas
//! scalar functions becomes the runtime's `PandasCalc` (rows batched per call, as Flink's
//! ArrowPythonCalc), and a window or over aggregate of pandas aggregate functions becomes
//! `PandasWindowAggregate` / `PandasOverAggregate`. Where pandas aggregates may appear at all is
//! checked when lowering (`udaf_places::check_python_aggregates`).

use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::quote;

use super::codegen_expr::{scalar_fn, typed};
use super::expr::{AggCall, Expr};
use super::types::SqlType;
use super::PyCall;
use crate::codegen::types::type_info;
use crate::plan::{JobConfig, Udf};

/// Whether an aggregate's functions are pandas ones (the checks leave no mix with other aggregates).
pub fn is_pandas(aggs: &[AggCall]) -> bool {
    aggs.iter().any(|a| a.python.as_ref().is_some_and(|p| p.pandas))
}

/// The runtime column type (and so the Arrow type) of a SQL type (a ROW's fields are not ROWs:
/// `expr::check_pandas_row` rejects that, as PyFlink does).
fn column_type(ty: SqlType) -> TokenStream {
    match ty {
        SqlType::Row(_) => {
            let fields = ty.row_fields().unwrap_or_default();
            let fields = fields.iter().map(|f| {
                let name = f.name.as_str();
                let ty = column_type(f.ty);
                quote! { (#name, #ty) }
            });
            quote! { table::ColumnType::Row(&[#(#fields),*]) }
        }
        SqlType::TinyInt => quote! { table::ColumnType::TinyInt },
        SqlType::SmallInt => quote! { table::ColumnType::SmallInt },
        SqlType::Int => quote! { table::ColumnType::Int },
        SqlType::BigInt => quote! { table::ColumnType::BigInt },
        SqlType::Decimal(p, s) => {
            let (p, s) = (Lit::u8_unsuffixed(p), Lit::u8_unsuffixed(s));
            quote! { table::ColumnType::Decimal(#p, #s) }
        }
        SqlType::Bytes => quote! { table::ColumnType::Bytes },
        SqlType::Float => quote! { table::ColumnType::Float },
        SqlType::Double => quote! { table::ColumnType::Double },
        SqlType::Boolean => quote! { table::ColumnType::Boolean },
        SqlType::String => quote! { table::ColumnType::String },
        SqlType::Map(_) => {
            let (key, value) = ty.map_types().unwrap_or((SqlType::String, SqlType::String));
            let (key, value) = (column_type(key), column_type(value));
            quote! { table::ColumnType::Map(&#key, &#value) }
        }
        SqlType::Array(_) => {
            let element = column_type(ty.element().unwrap_or(SqlType::String));
            quote! { table::ColumnType::List(&#element) }
        }
        SqlType::Date => quote! { table::ColumnType::Date },
        SqlType::Time => quote! { table::ColumnType::Time },
        SqlType::Timestamp(p) => {
            let p = Lit::u8_unsuffixed(p);
            quote! { table::ColumnType::Timestamp(#p) }
        }
        // Not reached: MAP and TIMESTAMP_LTZ columns are rejected as pandas function arguments.
        SqlType::StringBytesMap | SqlType::TimestampLtz(_) => quote! { table::ColumnType::String },
    }
}

/// A constant argument, which Flink folds to a literal and passes to a pandas scalar function as a
/// plain Python value rather than a Series.
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Literal { .. } => true,
        Expr::Cast { expr, .. } | Expr::Negate(expr) | Expr::Not(expr) | Expr::IsNull { expr, .. } => is_constant(expr),
        Expr::Binary { left, right, .. } => is_constant(left) && is_constant(right),
        Expr::Column { .. } | Expr::Call { .. } | Expr::Case { .. } => false,
    }
}

/// The label errors name a function by: `pandas UDF name at job.py:12`.
fn label(kind: &str, function: &str, udf: Option<&Udf>) -> String {
    let mut label = format!("{kind} {function}");
    if let Some(location) = udf.and_then(Udf::location) {
        label.push_str(&format!(" at {location}"));
    }
    label
}

/// PyFlink's batching options of this job (its defaults unless the job sets them).
fn batching(config: &JobConfig) -> TokenStream {
    let get = |v: Option<u64>, default: u64| Lit::u64_unsuffixed(v.unwrap_or(default));
    let arrow = get(config.arrow_batch_size, 10_000);
    let bundle = get(config.bundle_size, 100_000);
    let millis = get(config.bundle_time_ms, 1_000);
    quote! {
        table::PandasBatching { arrow_batch_size: #arrow, bundle_size: #bundle, bundle_millis: #millis }
    }
}

/// A select with pandas scalar functions (plan node `id`): `var = PandasCalc(input)`.
pub fn calc_stmt(
    id: usize,
    python: &[PyCall],
    filter: Option<&Expr>,
    projection: &[Expr],
    var: &Ident,
    input: Option<&Ident>,
    config: &JobConfig,
) -> TokenStream {
    let id_lit = Lit::usize_unsuffixed(id);
    let functions = python.iter().map(|call| {
        let key = format!("udf:{}", call.function);
        if !call.pandas {
            let label = label("Python function", &call.function, Some(&call.udf));
            let args = call.args.iter().map(scalar_fn);
            let arg_types = call.arg_types.iter().map(|t| type_info(&t.type_info()));
            let result = type_info(&call.result.type_info());
            return quote! {
                table::CalcFunction::General(table::PyScalarCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                    vec![#(#args),*], vec![#(#arg_types),*], #result))
            };
        }
        let label = label("pandas UDF", &call.function, Some(&call.udf));
        let result = column_type(call.result);
        if call.frame {
            let columns = call.args.iter().zip(&call.arg_names).map(|(arg, name)| {
                let (f, ty) = (scalar_fn(arg), column_type(arg.ty()));
                quote! { (#f, #ty, #name.to_string()) }
            });
            return quote! {
                table::CalcFunction::Pandas(table::PandasScalarCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                    vec![table::PandasArg::Frame(vec![#(#columns),*])], #result))
            };
        }
        let args = call.args.iter().zip(&call.arg_names).map(|(arg, name)| {
            let chained = match arg {
                Expr::Column { index, .. } if *index >= call.input_width => {
                    Some(index - call.input_width).filter(|&j| python.get(j).is_some_and(|c| c.pandas))
                }
                _ => None,
            };
            if let Some(j) = chained {
                let j = Lit::usize_unsuffixed(j);
                return quote! { table::PandasArg::Chained(#j) };
            }
            let f = scalar_fn(arg);
            if is_constant(arg) {
                let ty = type_info(&arg.ty().type_info());
                return quote! { table::PandasArg::Constant(#f, #ty) };
            }
            let ty = column_type(arg.ty());
            quote! { table::PandasArg::Column(#f, #ty, #name.to_string()) }
        });
        quote! {
            table::CalcFunction::Pandas(table::PandasScalarCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                vec![#(#args),*], #result))
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
    let batching = batching(config);
    quote! {
        let #var = p.operator(#input, table::PandasCalc::new(
            vec![#(#functions),*], #filter, vec![#(#projection),*], #batching));
    }
}

/// The `PandasAggregates` of pandas aggregate calls (plan node `id`): the distinct argument columns
/// (Flink projects each once) and each call's columns.
pub fn aggregates(id: usize, aggs: &[AggCall]) -> TokenStream {
    let id_lit = Lit::usize_unsuffixed(id);
    let mut columns: Vec<(&Expr, &str)> = Vec::new();
    let mut calls = Vec::new();
    for py in aggs.iter().filter_map(|a| a.python.as_ref().map(|p| (p, a.ty))) {
        let (call, ty) = py;
        let mut indexes = Vec::new();
        for (arg, name) in call.args.iter().zip(&call.arg_names) {
            let index = match columns.iter().position(|(e, _)| *e == arg) {
                Some(i) => i,
                None => {
                    columns.push((arg, name));
                    columns.len() - 1
                }
            };
            indexes.push(Lit::usize_unsuffixed(index));
        }
        let key = format!("udf:{}", call.function);
        let label = label("pandas UDAF", &call.function, call.udf.as_ref());
        let result = column_type(ty);
        calls.push(quote! {
            table::PandasAggCall::new(b.udf_value(#id_lit, #key, None, #label)?, vec![#(#indexes),*], #result)
        });
    }
    let columns = columns.iter().map(|(arg, name)| {
        let f = scalar_fn(arg);
        let ty = column_type(arg.ty());
        quote! { table::AggColumn::new(#f, #ty, #name) }
    });
    quote! { table::PandasAggregates::new(vec![#(#columns),*], vec![#(#calls),*]) }
}
