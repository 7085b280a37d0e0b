//! `IN (subquery)` and correlated `EXISTS (subquery)` in a WHERE, as the SQL lowering turns them into
//! semi-joins (`sql.rs`, `Builder::semi_join`): finding them among the WHERE's top-level ANDs, and
//! decorrelating an EXISTS into outer expressions and an uncorrelated query of the inner ones.

use sqlparser::ast::{self as sql, Spanned};

use super::join::Qualifiers;
use super::sql::{object_name, unsupported, Fail};

/// The `x IN (subquery)` and `EXISTS (subquery)` conjuncts of a WHERE (its top-level ANDs; `None` for
/// the needle of EXISTS) and the rest of it; `None` when there are none.
#[allow(clippy::type_complexity)]
pub(super) fn split_in_subqueries(selection: Option<&sql::Expr>) -> Option<(Vec<(Option<sql::Expr>, sql::Query)>, Option<sql::Expr>)> {
    fn conjuncts(e: &sql::Expr, out: &mut Vec<sql::Expr>) {
        match e {
            sql::Expr::BinaryOp { left, op: sql::BinaryOperator::And, right } => {
                conjuncts(left, out);
                conjuncts(right, out);
            }
            sql::Expr::Nested(inner) if matches!(**inner, sql::Expr::BinaryOp { op: sql::BinaryOperator::And, .. }) => {
                conjuncts(inner, out)
            }
            other => out.push(other.clone()),
        }
    }
    let mut parts = Vec::new();
    conjuncts(selection?, &mut parts);
    let (mut ins, mut rest) = (Vec::new(), Vec::new());
    for part in parts {
        match part {
            sql::Expr::InSubquery { expr, subquery, negated: false } => ins.push((Some(*expr), *subquery)),
            sql::Expr::Exists { subquery, negated: false } => ins.push((None, *subquery)),
            other => rest.push(other),
        }
    }
    if ins.is_empty() {
        return None;
    }
    let rest = rest.into_iter().reduce(|a, b| sql::Expr::BinaryOp { left: Box::new(a), op: sql::BinaryOperator::And, right: Box::new(b) });
    Some((ins, rest))
}

/// A correlated `EXISTS (SELECT ... FROM t [AS x] WHERE x.a = outer.b AND ...)` as the outer
/// expressions (`outer.b`) and a query of the inner ones (`SELECT x.a ... WHERE <the rest>`): the
/// correlated conditions must be equalities naming an outer qualifier on one side.
pub(super) fn decorrelate_exists(subquery: &sql::Query, outer: &Option<Qualifiers>) -> Result<(Vec<sql::Expr>, sql::Query), Fail> {
    let span = subquery.span();
    let sql::SetExpr::Select(select) = &*subquery.body else {
        return Err(unsupported(span, "EXISTS over a query other than one SELECT"));
    };
    let inner_names: Vec<String> = select
        .from
        .iter()
        .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)))
        .filter_map(|r| match r {
            sql::TableFactor::Table { name, alias, .. } => {
                Some(alias.as_ref().map_or_else(|| object_name(name), |a| a.name.value.clone()))
            }
            sql::TableFactor::Derived { alias: Some(a), .. } => Some(a.name.value.clone()),
            _ => None,
        })
        .collect();
    let outer_qualifier = |e: &sql::Expr| match e {
        sql::Expr::CompoundIdentifier(parts) if parts.len() == 2 => {
            let q = &parts[0].value;
            !inner_names.iter().any(|n| n.eq_ignore_ascii_case(q)) && outer.is_some()
        }
        _ => false,
    };
    let mut parts = Vec::new();
    if let Some(w) = &select.selection {
        let mut stack = vec![w.clone()];
        while let Some(e) = stack.pop() {
            match e {
                sql::Expr::BinaryOp { left, op: sql::BinaryOperator::And, right } => {
                    stack.push(*right);
                    stack.push(*left);
                }
                other => parts.push(other),
            }
        }
    }
    let (mut needles, mut inner_exprs, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for part in parts {
        match &part {
            sql::Expr::BinaryOp { left, op: sql::BinaryOperator::Eq, right } if outer_qualifier(left) != outer_qualifier(right) => {
                let (o, i) = if outer_qualifier(left) { (left, right) } else { (right, left) };
                needles.push((**o).clone());
                inner_exprs.push((**i).clone());
            }
            _ => rest.push(part),
        }
    }
    if needles.is_empty() {
        return Err(unsupported(span, "EXISTS without an equality to the outer query (uncorrelated EXISTS)"));
    }
    let mut inner = (**select).clone();
    inner.selection = rest.into_iter().reduce(|a, b| sql::Expr::BinaryOp { left: Box::new(a), op: sql::BinaryOperator::And, right: Box::new(b) });
    inner.projection = inner_exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| sql::SelectItem::ExprWithAlias { expr: e, alias: sql::Ident::new(format!("$exists{i}")) })
        .collect();
    inner.distinct = None;
    let query = sql::Query { body: Box::new(sql::SetExpr::Select(Box::new(inner))), ..subquery.clone() };
    Ok((needles, query))
}
