//! The Table API's `aggregate(f)` / `group_by(...).aggregate(f)` then `select(...)`: `f` is a Python
//! aggregate function (`udaf`) of a `DataTypes.ROW(...)` result type, run as a Python aggregate of the
//! group aggregate; its ROW value is spread over columns named by the call's aliases (without them,
//! `TMP_0$<field>` as PyFlink names them), and the select reads the group keys and those columns. `flat_aggregate(f)` is the same
//! with a table aggregate function (`udtaf`): each row its `emit_value` yields is a row of the group.

use std::collections::HashMap;

use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

use super::expr::{error, AggCall, AggKind, Expr, ExprError, FunctionKind, FunctionSig, PyAggCall, Scope};
use super::lower::{item_parts, select_items, Ctx};
use super::types::{Field, Schema};
use crate::diagnostics::CompileError;

/// The aggregate calls, the projection over `[keys..., the ROW's columns...]` and the output fields.
pub(super) fn row_aggregate(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    sigs: &HashMap<String, FunctionSig>,
    keys: &[Expr],
) -> Result<(Vec<AggCall>, Vec<Expr>, Vec<Field>), CompileError> {
    let spec = ctx.spec("row_agg")?;
    let names: Option<Vec<String>> = ctx
        .node
        .params
        .get("names")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .filter(|n: &Vec<String>| !n.is_empty());
    let flat = ctx.node.params.get("flat").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let whole_row = ctx.node.params.get("whole_row").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let (agg, columns) = (|| {
        let items = select_items(&spec)?;
        let item = items.first().ok_or_else(|| error(Span::empty(), "expected an aggregate function call"))?;
        let (e, _) = item_parts(item, 0)?;
        resolve(input, sigs, e, names.as_deref(), flat, whole_row)
    })()
    .map_err(|e| ctx.error(&spec, e))?;
    // The columns the select reads: the keys (named as grouped), then the ROW's fields.
    let mut fields = Vec::new();
    for key_spec in ctx.specs("keys")? {
        let key_names = (|| {
            let mut out = Vec::new();
            for item in select_items(&key_spec)? {
                let (_, name) = item_parts(&item, fields.len() + out.len())?;
                out.push(name);
            }
            Ok::<_, ExprError>(out)
        })()
        .map_err(|e| ctx.error(&key_spec, e))?;
        for name in key_names {
            let ty = keys.get(fields.len()).map(Expr::ty).ok_or_else(|| ctx.internal_error("lost a group key"))?;
            fields.push(Field { name, ty });
        }
    }
    fields.extend(columns);
    let grouped = Schema { fields };
    let sigs_none: HashMap<String, FunctionSig> = HashMap::new();
    let mut projection = Vec::new();
    let mut out = Vec::new();
    for select in ctx.specs("exprs")? {
        let result = (|| {
            for item in select_items(&select)? {
                if let sql::SelectItem::Wildcard(_) = item {
                    for (index, f) in grouped.fields.iter().enumerate() {
                        projection.push(Expr::Column { index, ty: f.ty });
                        out.push(f.clone());
                    }
                    continue;
                }
                let (e, name) = item_parts(&item, out.len())?;
                if let sql::Expr::Identifier(i) = e {
                    if i.value == "*" {
                        for (index, f) in grouped.fields.iter().enumerate() {
                            projection.push(Expr::Column { index, ty: f.ty });
                            out.push(f.clone());
                        }
                        continue;
                    }
                }
                let mut scope =
                    Scope { input: &grouped, functions: &sigs_none, grouping: None, python: None, sql: false, qualifiers: None };
                let resolved = scope.resolve(e)?;
                let name = if name.starts_with("EXPR$") { format!("_c{}", out.len()) } else { name };
                out.push(Field { name, ty: resolved.ty() });
                projection.push(resolved);
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&select, e))?;
    }
    Ok((vec![agg], projection, out))
}

/// The aggregate call and its columns.
fn resolve(
    input: &Schema,
    sigs: &HashMap<String, FunctionSig>,
    call: &sql::Expr,
    names: Option<&[String]>,
    flat: bool,
    whole_row: bool,
) -> Result<(AggCall, Vec<Field>), ExprError> {
    let (api, what, kind) = if flat {
        ("flat_aggregate", "a Python table aggregate function (udtaf)", FunctionKind::TableAggregate)
    } else {
        ("aggregate", "a Python aggregate function (udaf)", FunctionKind::Aggregate)
    };
    let sql::Expr::Function(function) = call else {
        return Err(error(call.span(), format!("{api}() takes {what} call, not `{call}`")));
    };
    let name = function.name.to_string().replace('`', "");
    let (registered, sig) = sigs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        .ok_or_else(|| error(call.span(), format!("{api}() takes {what}, and `{name}` is not one")))?;
    if sig.kind != kind {
        return Err(error(call.span(), format!("{api}() takes {what}, and `{name}` is not one")));
    }
    if sig.pandas {
        return Err(error(call.span(), format!("{api}() of the pandas aggregate function `{name}` is not supported by sluice yet")));
    }
    let Some(row) = &sig.row else {
        return Err(error(
            call.span(),
            format!("{api}() of `{name}`, whose result type is not a ROW, is not supported by sluice yet (give it a DataTypes.ROW([...]) result type)"),
        ));
    };
    let list: Vec<&sql::FunctionArg> = match &function.args {
        sql::FunctionArguments::List(list) => list.args.iter().collect(),
        _ => Vec::new(),
    };
    let mut scope = Scope { input, functions: sigs, grouping: None, python: None, sql: false, qualifiers: None };
    let mut args = Vec::new();
    if whole_row {
        args = input.fields.iter().enumerate().map(|(index, f)| Expr::Column { index, ty: f.ty }).collect();
    }
    for arg in list {
        let sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) = arg else {
            return Err(error(call.span(), "only positional arguments are supported by sluice yet"));
        };
        args.push(scope.resolve(e)?);
    }
    if let (Some(inputs), false) = (&sig.input_types, whole_row) {
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
    let mut fields = row.clone();
    match names {
        Some(names) if names.len() != fields.len() => {
            return Err(error(
                call.span(),
                format!("function `{name}` has {} result fields, but {} names are given for them", fields.len(), names.len()),
            ));
        }
        Some(names) => {
            for (field, name) in fields.iter_mut().zip(names) {
                field.name = name.clone();
            }
        }
        // flat_aggregate's columns are named by the ROW's fields.
        None if flat => {}
        // PyFlink 2.3 names them `TMP_0$<field>` (its aggregate() names the call's result `TMP_0`).
        None => {
            for field in &mut fields {
                field.name = format!("TMP_0${}", field.name);
            }
        }
    }
    let agg = AggCall {
        kind: AggKind::Python,
        arg: None,
        ty: fields[0].ty,
        distinct: false,
        python: Some(PyAggCall {
            function: registered.clone(),
            args,
            udf: None,
            pandas: false,
            arg_names: Vec::new(),
            row: Some(fields.iter().map(|f| f.ty).collect()),
            table: flat,
            row_arg: whole_row.then(|| input.fields.iter().map(|f| f.name.clone()).collect()),
        }),
        separator: None,
        filter: None,
    };
    Ok((agg, fields))
}
