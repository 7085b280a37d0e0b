//! Which columns are rowtime attributes, traced as Flink's planner traces them: a source's
//! `WATERMARK FOR` column keeps being a time attribute through projections, filters, aliases,
//! interval joins, temporal sorts and unions of time attributes, and a group window's rowtime
//! (`TUMBLE_ROWTIME` & co.) is one; anything computed from it (or a regular join's output) is a
//! plain TIMESTAMP. Interval joins, temporal sorts and windows over a window need this both for
//! SQL views and for the Table API, whose operators read earlier plan nodes.

use super::RelOp;
use crate::plan::{PlanNode, StreamOp};

/// Whether column `column` of `op` is a rowtime attribute. `input(k, c)` answers for column `c` of
/// the operator's `k`-th input, `view(node, c)` for a plan node a [`RelOp::Input`] reads.
pub fn rel_rowtime(
    op: &RelOp,
    column: usize,
    input: &dyn Fn(usize, usize) -> bool,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    match op {
        RelOp::Scan { rowtime, .. } => rowtime.as_ref().is_some_and(|r| r.column == column),
        RelOp::Calc { python, projection, .. } => {
            // Python results are appended past the input's columns: they are no time attributes.
            let width = python.first().map_or(usize::MAX, |p| p.input_width);
            match projection.get(column) {
                Some(super::Expr::Column { index, .. }) if *index < width => input(0, *index),
                Some(e) => is_window_rowtime(e),
                None => false,
            }
        }
        RelOp::WindowAggregate { projection, group_window: Some(_), .. }
        | RelOp::SessionWindowAggregate { projection, group_window: true, .. } => {
            projection.get(column).is_some_and(is_window_rowtime)
        }
        RelOp::Join { interval: Some(_), left_width, .. } => {
            if column < *left_width {
                input(0, column)
            } else {
                input(1, column - left_width)
            }
        }
        RelOp::TimeSort { .. } => input(0, column),
        RelOp::Union { .. } => input(0, column) && input(1, column),
        RelOp::Input { node, .. } => view(*node, column),
        RelOp::Query { nodes, .. } => nodes
            .len()
            .checked_sub(1)
            .is_some_and(|last| query_rowtime(nodes, last, column, view)),
        _ => false,
    }
}

/// `TUMBLE_ROWTIME(...)` & co.: a legacy group window's rowtime.
fn is_window_rowtime(expr: &super::Expr) -> bool {
    matches!(expr, super::Expr::Call { func: super::builtins::Func::WindowRowtime, .. })
}

/// [`rel_rowtime`] of node `node` of a query's nodes.
pub fn query_rowtime(
    nodes: &[super::QueryNode],
    node: usize,
    column: usize,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    let Some(n) = nodes.get(node) else { return false };
    let input = |k: usize, c: usize| n.inputs.get(k).is_some_and(|&i| i < node && query_rowtime(nodes, i, c, view));
    rel_rowtime(&n.op, column, &input, view)
}

/// [`rel_rowtime`] of plan node `node`.
pub fn plan_rowtime(nodes: &[PlanNode], node: usize, column: usize) -> bool {
    let Some(StreamOp::Relational(rel)) = nodes.get(node).map(|n| &n.op) else {
        return false;
    };
    let inputs = nodes.get(node).map(|n| n.inputs.clone()).unwrap_or_default();
    let view = |n: usize, c: usize| n < node && plan_rowtime(nodes, n, c);
    let input = |k: usize, c: usize| inputs.get(k).is_some_and(|&i| i < node && plan_rowtime(nodes, i, c));
    rel_rowtime(rel, column, &input, &view)
}

/// The rowtime columns of the plan nodes `inputs`: `(node, column)` pairs.
pub fn input_rowtimes(nodes: &[PlanNode], inputs: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &node in inputs {
        if let Some(StreamOp::Relational(rel)) = nodes.get(node).map(|n| &n.op) {
            for column in 0..rel.schema().fields.len() {
                if plan_rowtime(nodes, node, column) {
                    out.push((node, column));
                }
            }
        }
    }
    out
}
