//! Lateral table function joins: `join_lateral(f(args).alias(...))`, `left_outer_join_lateral(...)`
//! and SQL's `LATERAL TABLE(f(args)) AS T(names)` / `LEFT JOIN LATERAL TABLE(...) ON TRUE`, resolved
//! to a [`RelOp::Correlate`] over the input row.

use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

use super::expr::{error, ExprError, FoundCall, FunctionKind, Scope};
use super::lower::{python_calls, Ctx, Functions};
use super::types::{Field, Schema, SqlType};
use super::RelOp;
use crate::diagnostics::CompileError;

/// A resolved table function call: the call, its column types and names.
pub struct Lateral {
    found: FoundCall,
    result_types: Vec<SqlType>,
    names: Vec<String>,
}

/// Resolves `call` (a call of a registered Python table function) over `scope`'s input; `names` are
/// the column aliases given (else Flink's `f0`, `f1`, ...).
pub fn resolve(scope: &mut Scope<'_>, call: &sql::Expr, names: Option<&[String]>, span: Span) -> Result<Lateral, ExprError> {
    let sql::Expr::Function(function) = call else {
        return Err(error(call.span(), format!("`{call}` is not a table function call")));
    };
    let name = function.name.to_string().replace('`', "");
    let (registered, sig) = scope
        .functions
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        .map(|(n, s)| (n.clone(), s.clone()))
        .ok_or_else(|| {
            error(
                call.span(),
                format!("unknown table function `{name}` (register Python table functions with create_temporary_function)"),
            )
        })?;
    if sig.kind != FunctionKind::Table {
        return Err(error(call.span(), format!("`{name}` is not a table function (udtf)")));
    }
    let args: Vec<&sql::FunctionArg> = match &function.args {
        sql::FunctionArguments::List(list) => list.args.iter().collect(),
        _ => Vec::new(),
    };
    let mut resolved = Vec::new();
    for arg in &args {
        let sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) = arg else {
            return Err(error(span, "only positional arguments are supported by sluice yet"));
        };
        resolved.push(scope.resolve(e)?);
    }
    if let Some(inputs) = &sig.input_types {
        if inputs.len() != resolved.len() {
            return Err(error(
                call.span(),
                format!("function `{name}` takes {} arguments (its input_types), but is called with {}", inputs.len(), resolved.len()),
            ));
        }
        for (i, (arg, ty)) in resolved.iter_mut().zip(inputs).enumerate() {
            if !arg.ty().assignable_to(*ty) {
                return Err(error(
                    call.span(),
                    format!("argument {} of `{name}` must be {ty} (its input_types), but is {}", i + 1, arg.ty()),
                ));
            }
            *arg = arg.clone().cast(*ty);
        }
    }
    let result_types = if sig.result_types.is_empty() { vec![sig.result] } else { sig.result_types.clone() };
    let names = match names {
        Some(names) if names.len() != result_types.len() => {
            return Err(error(
                span,
                format!(
                    "table function `{name}` has {} columns, but {} names are given for them",
                    result_types.len(),
                    names.len()
                ),
            ))
        }
        Some(names) => names.to_vec(),
        None => (0..result_types.len()).map(|i| format!("f{i}")).collect(),
    };
    Ok(Lateral {
        found: FoundCall { function: registered, args: resolved, result: sig.result, pandas: sig.pandas },
        result_types,
        names,
    })
}

/// The Correlate of a resolved call over `input`.
pub(super) fn build(
    ctx: &mut Ctx<'_, '_>,
    lateral: Lateral,
    input: &Schema,
    left_outer: bool,
    functions: &Functions,
) -> Result<RelOp, CompileError> {
    let mut fields = input.fields.clone();
    for (name, ty) in lateral.names.iter().zip(&lateral.result_types) {
        fields.push(Field { name: name.clone(), ty: *ty });
    }
    let mut calls = python_calls(ctx, vec![lateral.found], functions, input)?;
    let call = calls.pop().ok_or_else(|| {
        CompileError::new(crate::diagnostics::Category::Internal, "a lateral join lost its function call")
    })?;
    Ok(RelOp::Correlate {
        call,
        result_types: lateral.result_types,
        left_outer,
        mode: super::CorrelateMode::Lateral,
        schema: Schema { fields },
    })
}
