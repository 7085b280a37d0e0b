//! Flink's Top-N pattern in SQL: `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY k
//! ORDER BY x) AS rn FROM t) WHERE rn <= N`. This module reads the pattern's parts from the AST: the
//! ROW_NUMBER item of the subquery, and the outer WHERE split into the rank range (`rn <= N`,
//! `rn < N`, `rn = N`, `rn BETWEEN a AND b`, `rn >= a` beside an upper bound) and the remaining
//! conditions, which filter the ranked rows. The SQL lowering turns them into a [`super::RelOp::TopN`],
//! or, for `rn = 1` ordered by a rowtime attribute alone without `rn` selected, into Flink's
//! [`super::RelOp::Deduplicate`].

use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

use super::expr::{error, ExprError};

/// The subquery's `ROW_NUMBER() OVER (...) AS name` item.
pub struct RankItem<'s> {
    /// Its position in the select list.
    pub position: usize,
    pub name: String,
    pub spec: &'s sql::WindowSpec,
    pub span: Span,
}

fn is_row_number(expr: &sql::Expr) -> Option<&sql::Function> {
    match expr {
        sql::Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("ROW_NUMBER") => Some(f),
        _ => None,
    }
}

/// Whether the expression text calls ROW_NUMBER (then only the Top-N pattern can lower it).
pub fn mentions_row_number(text: &str) -> bool {
    text.to_ascii_uppercase().contains("ROW_NUMBER")
}

/// The select's ROW_NUMBER item, if it has one.
pub fn rank_item(select: &sql::Select) -> Result<Option<RankItem<'_>>, ExprError> {
    let mut found = None;
    for (position, item) in select.projection.iter().enumerate() {
        let (expr, name) = match item {
            sql::SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            sql::SelectItem::UnnamedExpr(expr) => (expr, None),
            _ => continue,
        };
        let Some(f) = is_row_number(expr) else {
            if mentions_row_number(&expr.to_string()) {
                return Err(error(expr.span(), "ROW_NUMBER() inside an expression is not supported (Flink ranks only with a plain `ROW_NUMBER() OVER (...) AS rn` item)"));
            }
            continue;
        };
        let Some(name) = name else {
            return Err(error(expr.span(), "name the row number (`ROW_NUMBER() OVER (...) AS rn`) to filter on it"));
        };
        let spec = match &f.over {
            Some(sql::WindowType::WindowSpec(spec)) if spec.window_name.is_none() => spec,
            Some(_) => return Err(error(expr.span(), "ROW_NUMBER() over a named window is not supported by sluice yet")),
            None => return Err(error(expr.span(), "ROW_NUMBER() needs an OVER (PARTITION BY ... ORDER BY ...) clause")),
        };
        if spec.window_frame.is_some() {
            return Err(error(expr.span(), "ROW_NUMBER() takes no window frame"));
        }
        if found.is_some() {
            return Err(error(expr.span(), "only one ROW_NUMBER() per select is supported"));
        }
        found = Some(RankItem { position, name, spec, span: expr.span() });
    }
    Ok(found)
}

/// The ranks kept: `start ..= end` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankRange {
    pub start: u64,
    pub end: u64,
}

/// Whether the expression is the row number column (`rn` or `alias.rn`).
fn is_rank(expr: &sql::Expr, name: &str) -> bool {
    match expr {
        sql::Expr::Identifier(i) => i.value.eq_ignore_ascii_case(name),
        sql::Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|p| p.value.eq_ignore_ascii_case(name)),
        sql::Expr::Nested(e) => is_rank(e, name),
        _ => false,
    }
}

fn integer(expr: &sql::Expr) -> Result<u64, ExprError> {
    let value = match expr {
        sql::Expr::Value(v) => match &v.value {
            sql::Value::Number(text, _) => text.parse::<i64>().ok(),
            _ => None,
        },
        sql::Expr::Nested(e) => return integer(e),
        _ => None,
    };
    value
        .map(|v| v.max(0) as u64)
        .ok_or_else(|| error(expr.span(), "the row number is compared with an integer literal here (Flink's Top-N needs a constant rank range)"))
}

/// The conjuncts of a condition.
fn conjuncts<'e>(expr: &'e sql::Expr, out: &mut Vec<&'e sql::Expr>) {
    match expr {
        sql::Expr::BinaryOp { left, op: sql::BinaryOperator::And, right } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        sql::Expr::Nested(e) if matches!(e.as_ref(), sql::Expr::BinaryOp { op: sql::BinaryOperator::And, .. }) => conjuncts(e, out),
        other => out.push(other),
    }
}

/// Splits the outer WHERE into the rank range and the other conditions (ANDed back together).
pub fn rank_range(selection: Option<&sql::Expr>, name: &str, at: Span) -> Result<(RankRange, Option<sql::Expr>), ExprError> {
    let mut parts = Vec::new();
    if let Some(w) = selection {
        conjuncts(w, &mut parts);
    }
    let (mut start, mut end): (u64, Option<u64>) = (1, None);
    let mut rest: Vec<sql::Expr> = Vec::new();
    let upper = |end: &mut Option<u64>, n: u64| *end = Some(end.map_or(n, |e| e.min(n)));
    for part in parts {
        match part {
            sql::Expr::BinaryOp { left, op, right } if is_rank(left, name) || is_rank(right, name) => {
                // `N >= rn` reads as `rn <= N`.
                let (op, value) = if is_rank(left, name) {
                    (op.clone(), integer(right)?)
                } else {
                    let flipped = match op {
                        sql::BinaryOperator::Lt => sql::BinaryOperator::Gt,
                        sql::BinaryOperator::LtEq => sql::BinaryOperator::GtEq,
                        sql::BinaryOperator::Gt => sql::BinaryOperator::Lt,
                        sql::BinaryOperator::GtEq => sql::BinaryOperator::LtEq,
                        other => other.clone(),
                    };
                    (flipped, integer(left)?)
                };
                match op {
                    sql::BinaryOperator::LtEq => upper(&mut end, value),
                    sql::BinaryOperator::Lt => upper(&mut end, value.saturating_sub(1)),
                    sql::BinaryOperator::Eq => {
                        upper(&mut end, value);
                        start = start.max(value);
                    }
                    sql::BinaryOperator::GtEq => start = start.max(value),
                    sql::BinaryOperator::Gt => start = start.max(value + 1),
                    _ => return Err(error(part.span(), "this comparison of the row number is not a rank range (use <=, <, =, >=, > or BETWEEN with integers)")),
                }
            }
            sql::Expr::Between { expr, negated: false, low, high } if is_rank(expr, name) => {
                start = start.max(integer(low)?);
                upper(&mut end, integer(high)?);
            }
            other if mentions(other, name) => {
                return Err(error(other.span(), "the row number is used here other than as a rank range (rn <= N, rn = N, rn BETWEEN a AND b), which Flink's Top-N needs"))
            }
            other => rest.push(other.clone()),
        }
    }
    let Some(end) = end else {
        return Err(error(at, format!("ROW_NUMBER() needs an upper bound on `{name}` in the outer WHERE (rn <= N): Flink does not support an unbounded OVER ranking in streaming")));
    };
    let residual = rest.into_iter().reduce(|a, b| sql::Expr::BinaryOp { left: Box::new(a), op: sql::BinaryOperator::And, right: Box::new(b) });
    Ok((RankRange { start: start.max(1), end }, residual))
}

/// Whether the expression's text names the identifier (outside string literals, roughly: as a whole
/// word), e.g. an outer select item that reads the row number.
pub fn mentions(expr: &impl std::fmt::Display, name: &str) -> bool {
    expr.to_string()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case(name))
}
