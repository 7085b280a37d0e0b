//! The Table API's `map(f)` and `flat_map(f)`, lowered to a [`RelOp::Correlate`] that emits the
//! function's columns only. `f` alone is called with the whole input row as one named `Row` (as
//! PyFlink does); a call `f(col("a"), ...)` with those arguments. A `map` function's
//! `DataTypes.ROW(...)` result type gives the columns and their names (any other result type is an
//! error: PyFlink 2.3 names its one column `f0`, but its planner then loops); a `flat_map` table function's columns are `f0`, `f1`, ... (or its aliases).

use std::collections::HashMap;

use serde_json::Value as Json;
use sqlparser::ast::{self as sql, Spanned};

use super::expr::{error, Expr, ExprError, FoundCall, FunctionKind, FunctionSig, Scope};
use super::lower::{item_parts, python_calls, select_items, Ctx};
use super::types::{Field, Schema};
use super::types::SqlType;
use super::{CorrelateMode, PyCall, RelOp};
use crate::diagnostics::CompileError;

/// A recorded `table.map` node (`kind` `map` or `flat_map`) over `input`.
pub(super) fn lower_map(ctx: &mut Ctx<'_, '_>, params: &serde_json::Map<String, Json>, input: &Schema) -> Result<RelOp, CompileError> {
    let spec = ctx.spec("call")?;
    let flat = params.get("kind").and_then(Json::as_str) == Some("flat_map");
    let whole_row = params.get("whole_row").and_then(Json::as_bool).unwrap_or(false);
    let names: Option<Vec<String>> = params
        .get("names")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .filter(|n: &Vec<String>| !n.is_empty());
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect();
    let resolved = (|| {
        let items = select_items(&spec)?;
        let item = items.first().ok_or_else(|| error(sqlparser::tokenizer::Span::empty(), "expected a function call"))?;
        let (e, _) = item_parts(item, 0)?;
        resolve(input, &sigs, e, flat, whole_row, names.as_deref())
    })()
    .map_err(|e| ctx.error(&spec, e))?;
    let (found, fields) = resolved;
    let mut calls = python_calls(ctx, vec![found], &functions, input)?;
    let call = calls.pop().ok_or_else(|| {
        CompileError::new(crate::diagnostics::Category::Internal, "a map lost its function call")
    })?;
    if call.pandas {
        return Ok(pandas_map(call, whole_row, input, fields));
    }
    let row_arg = whole_row.then(|| input.fields.iter().map(|f| f.name.clone()).collect());
    Ok(RelOp::Correlate {
        call,
        result_types: fields.iter().map(|f| f.ty).collect(),
        left_outer: false,
        mode: if flat { CorrelateMode::FlatMap { row_arg } } else { CorrelateMode::Map { row_arg } },
        schema: Schema { fields },
    })
}

/// The call and the output columns.
fn resolve(
    input: &Schema,
    sigs: &HashMap<String, FunctionSig>,
    call: &sql::Expr,
    flat: bool,
    whole_row: bool,
    names: Option<&[String]>,
) -> Result<(FoundCall, Vec<Field>), ExprError> {
    let api = if flat { "flat_map" } else { "map" };
    let sql::Expr::Function(function) = call else {
        return Err(error(call.span(), format!("{api}() takes a Python function call, not `{call}`")));
    };
    let name = function.name.to_string().replace('`', "");
    let (registered, sig) = sigs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        .ok_or_else(|| error(call.span(), format!("unknown function `{name}` in {api}()")))?;
    let wanted = if flat { FunctionKind::Table } else { FunctionKind::Scalar };
    if sig.kind != wanted {
        let what = if flat { "a table function (udtf)" } else { "a scalar function (udf)" };
        return Err(error(call.span(), format!("{api}() takes {what}, and `{name}` is not one")));
    }
    let args: Vec<Expr> = if whole_row {
        input.fields.iter().enumerate().map(|(index, f)| Expr::Column { index, ty: f.ty }).collect()
    } else {
        let list: Vec<&sql::FunctionArg> = match &function.args {
            sql::FunctionArguments::List(list) => list.args.iter().collect(),
            _ => Vec::new(),
        };
        let mut scope = Scope { input, functions: sigs, grouping: None, python: None, sql: false, qualifiers: None };
        let mut args = Vec::new();
        for arg in list {
            let sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) = arg else {
                return Err(error(call.span(), "only positional arguments are supported by sluice yet"));
            };
            args.push(scope.resolve(e)?);
        }
        if let Some(inputs) = &sig.input_types {
            if inputs.len() != args.len() {
                return Err(error(
                    call.span(),
                    format!("function `{name}` takes {} arguments (its input_types), but is called with {}", inputs.len(), args.len()),
                ));
            }
            for (i, (arg, ty)) in args.iter_mut().zip(inputs).enumerate() {
                if !arg.ty().assignable_to(*ty) {
                    return Err(error(
                        call.span(),
                        format!("argument {} of `{name}` must be {ty} (its input_types), but is {}", i + 1, arg.ty()),
                    ));
                }
                *arg = arg.clone().cast(*ty);
            }
        }
        args
    };
    let mut fields: Vec<Field> = if flat {
        let types = if sig.result_types.is_empty() { vec![sig.result] } else { sig.result_types.clone() };
        types.into_iter().enumerate().map(|(i, ty)| Field { name: format!("f{i}"), ty }).collect()
    } else {
        match &sig.row {
            Some(row) => row.clone(),
            // PyFlink 2.3 accepts it (one column `f0`), but its planner never finishes planning
            // the job.
            None => {
                return Err(error(
                    call.span(),
                    format!(
                        "map() of `{name}`, whose result_type is not a ROW: PyFlink 2.3's planner does not finish planning such a job (give the udf a DataTypes.ROW([...]) result_type)"
                    ),
                ))
            }
        }
    };
    if let Some(names) = names {
        if names.len() != fields.len() {
            return Err(error(
                call.span(),
                format!("function `{name}` has {} columns, but {} names are given for them", fields.len(), names.len()),
            ));
        }
        for (field, name) in fields.iter_mut().zip(names) {
            field.name = name.clone();
        }
    }
    let found = FoundCall { function: registered.clone(), args, result: sig.result, pandas: sig.pandas };
    Ok((found, fields))
}

/// `map()` of a pandas function, as Flink's ArrowPythonCalc runs it: a select calling the function
/// once per batch (with the whole row as one DataFrame, or with the call's Series), whose ROW result
/// (a DataFrame) is split into the output columns.
fn pandas_map(mut call: PyCall, whole_row: bool, input: &Schema, fields: Vec<Field>) -> RelOp {
    call.frame = whole_row;
    call.result = SqlType::row(fields.clone());
    let result = Expr::Column { index: input.fields.len(), ty: call.result };
    let projection = fields.iter().enumerate().map(|(i, f)| super::builtins::field_of(result.clone(), i, f.ty)).collect();
    RelOp::Calc { python: vec![call], filter: None, projection, schema: Schema { fields } }
}
