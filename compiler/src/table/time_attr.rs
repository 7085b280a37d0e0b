//! Which columns are rowtime attributes, traced as Flink's planner traces them: a source's
//! `WATERMARK FOR` column keeps being a time attribute through projections, filters, aliases,
//! interval joins, temporal sorts and unions of time attributes, and a group window's rowtime
//! (`TUMBLE_ROWTIME` & co.) is one; anything computed from it (or a regular join's output) is a
//! plain TIMESTAMP. Interval joins, temporal sorts and windows over a window need this both for
//! SQL views and for the Table API, whose operators read earlier plan nodes. Processing-time
//! attributes (`AS PROCTIME()` computed columns) are traced the same way, so that the operators
//! sluice runs only on event time can reject them where they are written.

use super::RelOp;
use crate::plan::{PlanNode, StreamOp};

/// Which kind of time attribute a trace follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    Rowtime,
    Proctime,
}

/// Whether column `column` of `op` is a rowtime attribute. `input(k, c)` answers for column `c` of
/// the operator's `k`-th input (of `inputs`), `view(node, c)` for a plan node a [`RelOp::Input`] reads.
pub fn rel_rowtime(
    op: &RelOp,
    column: usize,
    inputs: usize,
    input: &dyn Fn(usize, usize) -> bool,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    rel_time_attr(TimeKind::Rowtime, op, column, inputs, input, view)
}

/// [`rel_rowtime`] for either kind of time attribute; `input` and `view` answer for the same kind.
pub fn rel_time_attr(
    kind: TimeKind,
    op: &RelOp,
    column: usize,
    inputs: usize,
    input: &dyn Fn(usize, usize) -> bool,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    if kind == TimeKind::Proctime {
        if let RelOp::Scan { computed, .. } = op {
            return computed.iter().any(|c| c.proctime && c.position == column);
        }
        if matches!(op, RelOp::WindowAggregate { .. } | RelOp::SessionWindowAggregate { .. }) {
            return false;
        }
    }
    match op {
        RelOp::Scan { rowtime, .. } => rowtime.as_ref().is_some_and(|r| r.column == column),
        RelOp::Calc { python, projection, .. } => {
            // Python results are appended past the input's columns: they are no time attributes.
            let width = python.first().map_or(usize::MAX, |p| p.input_width);
            match projection.get(column) {
                Some(super::Expr::Column { index, .. }) if *index < width => input(0, *index),
                Some(e) => kind == TimeKind::Rowtime && is_window_rowtime(e),
                None => false,
            }
        }
        RelOp::WindowAggregate { projection, group_window: Some(_), .. }
        | RelOp::SessionWindowAggregate { projection, group_window: true, .. } => {
            projection.get(column).is_some_and(is_window_rowtime)
        }
        // A temporal join keeps the probe side's time attribute (Flink materializes the versioned
        // table's).
        RelOp::Join { temporal: Some(_), left_width, .. } => column < *left_width && input(0, column),
        RelOp::Join { interval: Some(_), left_width, .. } => {
            if column < *left_width {
                input(0, column)
            } else {
                input(1, column - left_width)
            }
        }
        RelOp::TimeSort { .. } => input(0, column),
        RelOp::Union { .. } => inputs > 0 && (0..inputs).all(|k| input(k, column)),
        RelOp::Input { node, .. } => view(*node, column),
        RelOp::Query { nodes, .. } => nodes
            .len()
            .checked_sub(1)
            .is_some_and(|last| query_time_attr(kind, nodes, last, column, view)),
        _ => false,
    }
}

/// `TUMBLE_ROWTIME(...)` & co.: a legacy group window's rowtime.
fn is_window_rowtime(expr: &super::Expr) -> bool {
    matches!(expr, super::Expr::Call { func: super::builtins::Func::WindowRowtime(_), .. })
}

/// [`rel_rowtime`] of node `node` of a query's nodes.
pub fn query_rowtime(
    nodes: &[super::QueryNode],
    node: usize,
    column: usize,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    query_time_attr(TimeKind::Rowtime, nodes, node, column, view)
}

/// [`rel_time_attr`] of node `node` of a query's nodes.
pub fn query_time_attr(
    kind: TimeKind,
    nodes: &[super::QueryNode],
    node: usize,
    column: usize,
    view: &dyn Fn(usize, usize) -> bool,
) -> bool {
    let Some(n) = nodes.get(node) else { return false };
    let input = |k: usize, c: usize| n.inputs.get(k).is_some_and(|&i| i < node && query_time_attr(kind, nodes, i, c, view));
    rel_time_attr(kind, &n.op, column, n.inputs.len(), &input, view)
}

/// [`rel_rowtime`] of plan node `node`.
pub fn plan_rowtime(nodes: &[PlanNode], node: usize, column: usize) -> bool {
    plan_time_attr(TimeKind::Rowtime, nodes, node, column)
}

/// [`rel_time_attr`] of plan node `node`.
pub fn plan_time_attr(kind: TimeKind, nodes: &[PlanNode], node: usize, column: usize) -> bool {
    let Some(StreamOp::Relational(rel)) = nodes.get(node).map(|n| &n.op) else {
        return false;
    };
    let inputs = nodes.get(node).map(|n| n.inputs.clone()).unwrap_or_default();
    let view = |n: usize, c: usize| n < node && plan_time_attr(kind, nodes, n, c);
    let input = |k: usize, c: usize| inputs.get(k).is_some_and(|&i| i < node && plan_time_attr(kind, nodes, i, c));
    rel_time_attr(kind, rel, column, inputs.len(), &input, &view)
}

/// The rowtime columns of the plan nodes `inputs`: `(node, column)` pairs.
pub fn input_rowtimes(nodes: &[PlanNode], inputs: &[usize]) -> Vec<(usize, usize)> {
    input_time_attrs(TimeKind::Rowtime, nodes, inputs)
}

/// The time attribute columns of `kind` of the plan nodes `inputs`: `(node, column)` pairs.
pub fn input_time_attrs(kind: TimeKind, nodes: &[PlanNode], inputs: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &node in inputs {
        if let Some(StreamOp::Relational(rel)) = nodes.get(node).map(|n| &n.op) {
            for column in 0..rel.schema().fields.len() {
                if plan_time_attr(kind, nodes, node, column) {
                    out.push((node, column));
                }
            }
        }
    }
    out
}

/// What sluice does not support when `what` (a window, ...) runs on a processing-time attribute.
pub fn proctime_unsupported(what: &str) -> String {
    format!("{what} over a processing-time attribute (a `PROCTIME()` column; sluice runs these on event time only: declare a WATERMARK on a time column)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::builtins::Func;
    use crate::table::{Expr, QueryNode, Schema, SqlType};

    fn col(index: usize) -> Expr {
        Expr::Column { index, ty: SqlType::Timestamp(3) }
    }

    fn calc(projection: Vec<Expr>) -> RelOp {
        RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema::default() }
    }

    #[test]
    fn projections_and_unions_keep_time_attributes_computations_do_not() {
        // q0: a view whose column 1 is a rowtime attribute.
        let view = |_: usize, c: usize| c == 1;
        let shifted = Expr::Call { func: Func::PlusMillis(1000), args: vec![col(1)], ty: SqlType::Timestamp(3) };
        let nodes = vec![
            QueryNode { op: RelOp::Input { node: 7, schema: Schema::default() }, inputs: vec![] },
            QueryNode { op: calc(vec![col(1), col(0), shifted]), inputs: vec![0] },
            QueryNode { op: calc(vec![col(1), col(1), col(0)]), inputs: vec![0] },
            QueryNode { op: RelOp::Union { schema: Schema::default() }, inputs: vec![1, 2] },
        ];
        assert!(query_rowtime(&nodes, 1, 0, &view));
        assert!(!query_rowtime(&nodes, 1, 1, &view));
        assert!(!query_rowtime(&nodes, 1, 2, &view), "ts + INTERVAL is a plain TIMESTAMP");
        assert!(query_rowtime(&nodes, 3, 0, &view), "a union of rowtime attributes");
        assert!(!query_rowtime(&nodes, 3, 1, &view), "a union of a plain column and a rowtime");
        let window_rowtime = Expr::Call { func: Func::WindowRowtime(false), args: vec![col(0)], ty: SqlType::Timestamp(3) };
        let nodes = vec![QueryNode { op: calc(vec![window_rowtime]), inputs: vec![] }];
        assert!(query_rowtime(&nodes, 0, 0, &view), "TUMBLE_ROWTIME(...) is a rowtime attribute");
    }
}
