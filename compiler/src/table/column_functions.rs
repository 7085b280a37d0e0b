//! The Table API's column functions in a list of expressions: `with_columns(...)` selects columns
//! and `without_columns(...)` all but them, each argument a column name, a 1-based index, a range
//! `range_(start, end)` of either (inclusive) or `*`. The shim renders them as
//! `SLUICE_WITH_COLUMNS(...)` / `SLUICE_WITHOUT_COLUMNS(...)` with `SLUICE_COLUMN_RANGE(a, b)`; this
//! module expands such an item into one plain column item per selected column: `with_columns` in the
//! order its arguments list them, `without_columns` the rest in the input's order.

use sqlparser::ast::{self as sql, Spanned};

use super::expr::ExprError;
use super::types::Schema;

fn error(span: sqlparser::tokenizer::Span, message: impl Into<String>) -> ExprError {
    ExprError { message: message.into(), span }
}

fn call_args(f: &sql::Function) -> Vec<&sql::FunctionArg> {
    match &f.args {
        sql::FunctionArguments::List(list) => list.args.iter().collect(),
        _ => Vec::new(),
    }
}

/// The 0-based index of a column named or numbered (1-based) by `expr`.
fn column(expr: &sql::Expr, input: &Schema) -> Result<usize, ExprError> {
    match expr {
        sql::Expr::Value(v) => {
            let n: usize = v.value.to_string().parse().map_err(|_| error(expr.span(), format!("`{expr}` is not a column index")))?;
            if n == 0 || n > input.fields.len() {
                return Err(error(expr.span(), format!("the column index {n} is out of range: the input has {} columns {input}", input.fields.len())));
            }
            Ok(n - 1)
        }
        sql::Expr::Identifier(ident) => input
            .index_of(&ident.value)
            .ok_or_else(|| error(expr.span(), format!("unknown column `{}`; the input has columns {input}", ident.value))),
        other => Err(error(other.span(), format!("`{other}` is not a column name or index"))),
    }
}

/// The columns one argument of a column function selects.
fn selected(arg: &sql::FunctionArg, input: &Schema) -> Result<Vec<usize>, ExprError> {
    let expr = match arg {
        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => e,
        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Wildcard) => return Ok((0..input.fields.len()).collect()),
        other => return Err(error(other.span(), format!("`{other}` is not a column selection"))),
    };
    if let sql::Expr::Function(f) = expr {
        if f.name.to_string().eq_ignore_ascii_case("SLUICE_COLUMN_RANGE") {
            let bounds = super::expr::unnamed_args(f);
            let [start, end] = bounds.as_slice() else {
                return Err(error(expr.span(), "range_ takes a start and an end column"));
            };
            let (start, end) = (column(start, input)?, column(end, input)?);
            if start > end {
                return Err(error(expr.span(), "the range's start column comes after its end column"));
            }
            return Ok((start..=end).collect());
        }
    }
    Ok(vec![column(expr, input)?])
}

/// `items` with each column function expanded into plain column items.
pub fn expand(items: Vec<sql::SelectItem>, input: &Schema) -> Result<Vec<sql::SelectItem>, ExprError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let function = match &item {
            sql::SelectItem::UnnamedExpr(sql::Expr::Function(f)) => Some(f),
            _ => None,
        };
        let name = function.map(|f| f.name.to_string().to_ascii_uppercase());
        let without = match name.as_deref() {
            Some("SLUICE_WITH_COLUMNS") => false,
            Some("SLUICE_WITHOUT_COLUMNS") => true,
            _ => {
                out.push(item);
                continue;
            }
        };
        let mut listed = Vec::new();
        for arg in function.map(call_args).unwrap_or_default() {
            listed.extend(selected(arg, input)?);
        }
        let columns: Vec<usize> =
            if without { (0..input.fields.len()).filter(|i| !listed.contains(i)).collect() } else { listed };
        for index in columns {
            let ident = sql::Ident::with_quote('`', input.fields[index].name.clone());
            out.push(sql::SelectItem::UnnamedExpr(sql::Expr::Identifier(ident)));
        }
    }
    Ok(out)
}
