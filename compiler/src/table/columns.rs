//! The Table API's column operations: `add_columns` / `add_or_replace_columns` (the input's columns
//! and new expressions) and `rename_columns` / `drop_columns`, each lowered to a Calc.

use serde_json::Value as Json;
use sqlparser::ast::{self as sql, Spanned};

use super::expr::Expr;
use super::lower::{lower_calc, select_items, Ctx};
use super::types::Schema;
use super::RelOp;
use crate::diagnostics::{Category, CompileError};

/// `add_columns(...)` / `add_or_replace_columns(...)`: the input's columns and the new expressions
/// (a new column named like an existing one replaces it in place when `replace`).
pub(super) fn lower_add_columns(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let RelOp::Calc { python, projection: added, schema: added_schema, .. } = lower_calc(ctx, input)? else {
        return Err(ctx.internal_error("lowered to other than a Calc"));
    };
    let replace = ctx.node.params.get("replace").and_then(Json::as_bool).unwrap_or(false);
    let mut projection: Vec<Expr> =
        input.fields.iter().enumerate().map(|(index, f)| Expr::Column { index, ty: f.ty }).collect();
    let mut fields = input.fields.clone();
    for (expr, field) in added.into_iter().zip(added_schema.fields) {
        match fields.iter().position(|f| f.name == field.name) {
            Some(at) if replace => {
                projection[at] = expr;
                fields[at] = field;
            }
            Some(_) => {
                return Err(CompileError::new(
                    Category::User,
                    format!("add_columns() adds `{}`, which the table already has (add_or_replace_columns() replaces it)", field.name),
                )
                .at(ctx.node.site.clone()))
            }
            None => {
                projection.push(expr);
                fields.push(field);
            }
        }
    }
    Ok(RelOp::Calc { python, filter: None, projection, schema: Schema { fields } })
}

/// `rename_columns(col("a").alias("b"), ...)` and `drop_columns(col("a"), ...)`: the input's columns
/// renamed or without the named ones.
pub(super) fn lower_column_names(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let rename = ctx.node.op == "table.rename_columns";
    let mut fields = input.fields.clone();
    let mut dropped = vec![false; fields.len()];
    for spec in ctx.specs("exprs")? {
        let result = (|| {
            for item in select_items(&spec)? {
                let (expr, alias) = match &item {
                    sql::SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias)),
                    sql::SelectItem::UnnamedExpr(expr) => (expr, None),
                    other => return Err(super::expr::error(other.span(), "expected a column")),
                };
                let name = match expr {
                    sql::Expr::Identifier(i) => i.value.clone(),
                    other => return Err(super::expr::error(other.span(), "expected a column")),
                };
                let index = input
                    .index_of(&name)
                    .ok_or_else(|| super::expr::error(expr.span(), format!("unknown column `{name}`")))?;
                match (rename, alias) {
                    (true, Some(alias)) => fields[index].name = alias.value.clone(),
                    (true, None) => {
                        return Err(super::expr::error(expr.span(), "rename_columns() takes col(\"old\").alias(\"new\")"))
                    }
                    (false, None) => dropped[index] = true,
                    (false, Some(_)) => return Err(super::expr::error(expr.span(), "drop_columns() takes columns")),
                }
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&spec, e))?;
    }
    let kept: Vec<usize> = (0..fields.len()).filter(|&i| !dropped[i]).collect();
    Ok(RelOp::Calc {
        python: Vec::new(),
        filter: None,
        projection: kept.iter().map(|&index| Expr::Column { index, ty: fields[index].ty }).collect(),
        schema: Schema { fields: kept.iter().map(|&i| fields[i].clone()).collect() },
    })
}
