//! `[NOT] IN (subquery)` and correlated `[NOT] EXISTS (subquery)` in a WHERE, as the SQL lowering turns
//! them into semi-joins (`sql.rs`, `Builder::semi_join`) and anti-joins (`Builder::anti_join`,
//! [`super::RelOp::AntiJoin`]): finding them among the WHERE's top-level ANDs, decorrelating an EXISTS
//! into outer expressions and an uncorrelated query of the inner ones, and NOT IN's null-aware
//! condition.

use sqlparser::ast::{self as sql, Spanned};

use super::expr::{binary_op, BinOp, Expr};
use super::join::{split_condition, Qualifiers};
use super::sql::{object_name, unsupported, Fail};
use super::RelOp;

/// One `[NOT] IN (subquery)` or `[NOT] EXISTS (subquery)` conjunct of a WHERE.
pub(super) struct SubqueryTest {
    /// `x` of `x IN (...)`; `None` for EXISTS.
    pub needle: Option<sql::Expr>,
    pub subquery: sql::Query,
    /// NOT IN / NOT EXISTS: an anti-join.
    pub negated: bool,
}

/// The `[NOT] IN (subquery)` and `[NOT] EXISTS (subquery)` conjuncts of a WHERE (its top-level ANDs)
/// and the rest of it; `None` when there are none.
pub(super) fn split_in_subqueries(selection: Option<&sql::Expr>) -> Option<(Vec<SubqueryTest>, Option<sql::Expr>)> {
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
        // `NOT (x IN (...))` is `x NOT IN (...)`.
        let (part, not) = match part {
            sql::Expr::UnaryOp { op: sql::UnaryOperator::Not, expr } => match *expr {
                sql::Expr::Nested(inner) => (*inner, true),
                inner => (inner, true),
            },
            other => (other, false),
        };
        match part {
            sql::Expr::InSubquery { expr, subquery, negated } => {
                ins.push(SubqueryTest { needle: Some(*expr), subquery: *subquery, negated: negated != not })
            }
            sql::Expr::Exists { subquery, negated } => ins.push(SubqueryTest { needle: None, subquery: *subquery, negated: negated != not }),
            other if not => rest.push(sql::Expr::UnaryOp { op: sql::UnaryOperator::Not, expr: Box::new(other) }),
            other => rest.push(other),
        }
    }
    if ins.is_empty() {
        return None;
    }
    let rest = rest.into_iter().reduce(|a, b| sql::Expr::BinaryOp { left: Box::new(a), op: sql::BinaryOperator::And, right: Box::new(b) });
    Some((ins, rest))
}

/// The needles of `x IN (...)`: the columns of a row `(a, b) IN (SELECT x, y ...)`, else `x` itself.
pub(super) fn needles(needle: &sql::Expr) -> Vec<sql::Expr> {
    match needle {
        sql::Expr::Tuple(parts) if !parts.is_empty() => parts.clone(),
        other => vec![other.clone()],
    }
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

impl super::sql::Builder<'_, '_, '_> {
    /// `left` without its rows whose `needles` are among the rows of `subquery` (one column per
    /// needle): Flink's anti-join ([`RelOp::AntiJoin`]), whose changelog retracts a row when its
    /// first match arrives. `null_aware` (NOT IN): a NULL on either side makes the test UNKNOWN, so
    /// such a row is kept only while the subquery is empty and a NULL value in the subquery keeps no
    /// row — Flink's condition `needle = value OR (needle = value) IS NULL`, run as null-aware keys
    /// (the join still finds the other rows by key); a needle that is not a key (no column of the
    /// left) keeps that condition. NOT EXISTS's equalities match no NULL.
    pub(super) fn anti_join(&mut self, left: usize, needles: &[sql::Expr], subquery: &sql::Query, null_aware: bool) -> Result<usize, Fail> {
        let span = needles.first().map_or_else(|| subquery.span(), Spanned::span);
        let saved = self.current.take();
        let sub = self.query(subquery);
        self.current = saved;
        let sub = sub?;
        let rs = self.schema(sub);
        if rs.fields.len() != needles.len() {
            return Err(Fail::At(super::expr::error(
                subquery.span(),
                format!("NOT IN needs a subquery of {} column(s), this one has {}", needles.len(), rs.fields.len()),
            )));
        }
        let ls = self.schema(left);
        let width = ls.fields.len();
        let condition = self.needles_equal(left, needles, &rs, span)?;
        let split = split_condition(condition.clone(), width);
        let op = if null_aware && split.left_keys.len() != needles.len() {
            // Not all keys: Flink's condition over every pair of rows.
            let test = condition.map(|c| {
                let unknown = Expr::IsNull { expr: Box::new(c.clone()), negated: false };
                binary_op(BinOp::Or, c, unknown, span)
            });
            RelOp::AntiJoin {
                left_keys: Vec::new(),
                right_keys: Vec::new(),
                condition: test.transpose()?,
                left_width: width,
                null_aware: false,
                schema: ls,
            }
        } else {
            RelOp::AntiJoin {
                left_keys: split.left_keys,
                right_keys: split.right_keys,
                condition: split.rest,
                left_width: width,
                null_aware,
                schema: ls,
            }
        };
        let node = self.push(op, vec![left, sub]);
        if let Some(quals) = self.quals.get(&left).cloned() {
            self.quals.insert(node, quals);
        }
        Ok(node)
    }
}
