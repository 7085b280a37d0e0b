//! Where Python aggregate functions may run, as PyFlink 2.3 allows them in streaming mode: a located
//! error for each place PyFlink rejects them (quoting its message) or sluice does not run them yet.

use super::RelOp;
use crate::diagnostics::{Category, CompileError};
use crate::frontend::recording::RecordedNode;

/// Where Python aggregate functions may be called, as PyFlink 2.3 allows them in streaming mode.
/// General ones (`udaf(AggregateFunction)`) run in group aggregates, group windows (Table API Tumble,
/// Slide, Session; SQL legacy `GROUP BY TUMBLE/HOP`) and windowing TVF aggregations (TUMBLE, HOP,
/// CUMULATE: a group aggregate over the TVF's rows; SESSION: each session's rows once); PyFlink rejects
/// them in over windows ("Non-Pandas Python UDAFs are not supported in stream mode currently"). Pandas ones run in group windows (Tumble, Slide; Table API or legacy SQL) and
/// bounded over windows, without built-in aggregates beside them; PyFlink rejects them in plain group
/// aggregates and windowing TVF aggregations ("Pandas UDAFs are not supported in streaming mode
/// currently"), in session windows and in unbounded over windows, and fails when they share a select
/// with built-in aggregates. Each is a located error rather than output that may differ from Flink's.
pub(super) fn check_python_aggregates(rel: &RelOp, node: &RecordedNode) -> Result<(), CompileError> {
    let mut ops = vec![rel];
    if let RelOp::Query { nodes, .. } = rel {
        ops.extend(nodes.iter().map(|n| &n.op));
    }
    let error = |category, message: String| Err(CompileError::new(category, message).at(node.site.clone()));
    for op in ops {
        let (aggs, place) = match op {
            RelOp::Aggregate { aggs, .. } => (aggs, "group"),
            RelOp::WindowAggregate { aggs, group_window: Some(_), .. } => (aggs, "window"),
            RelOp::WindowAggregate { aggs, group_window: None, .. } => (aggs, "tvf"),
            RelOp::SessionWindowAggregate { aggs, .. } => (aggs, "session"),
            RelOp::OverAggregate { aggs, .. } => (aggs, "over"),
            _ => continue,
        };
        let pandas = aggs.iter().find_map(|a| a.python.as_ref().filter(|p| p.pandas).map(|p| p.function.clone()));
        let general = aggs.iter().find_map(|a| a.python.as_ref().filter(|p| !p.pandas).map(|p| p.function.clone()));
        if let (Some(name), "over") = (&general, place) {
            return error(
                Category::User,
                format!("the Python aggregate function `{name}` cannot be used in an over window: PyFlink 2.3 rejects it (\"Non-Pandas Python UDAFs are not supported in stream mode currently.\"); use a pandas aggregate function (func_type=\"pandas\") over a bounded window, or a group window"),
            );
        }
        let Some(name) = pandas else { continue };
        if place == "group" {
            return error(
                Category::User,
                format!("the pandas aggregate function `{name}` cannot be used in a group aggregate in streaming mode: PyFlink 2.3 rejects it (\"Pandas UDAFs are not supported in streaming mode currently\"); use it in a Tumble or Slide group window or a bounded over window"),
            );
        }
        if place == "session" {
            return error(
                Category::User,
                format!("the pandas aggregate function `{name}` cannot be used in a session window: PyFlink 2.3 rejects it (\"Session Group Window is currently not supported for Pandas UDAF.\"); use a Tumble or Slide group window or a bounded over window"),
            );
        }
        if place == "tvf" {
            return error(
                Category::User,
                format!("the pandas aggregate function `{name}` cannot be used in a windowing TVF aggregation (TUMBLE/HOP/CUMULATE) in streaming mode: PyFlink 2.3 rejects it (\"Pandas UDAFs are not supported in streaming mode currently\"); use a group window (Table API window(Tumble...).group_by(w, ...), or SQL GROUP BY TUMBLE(ts, INTERVAL ...))"),
            );
        }
        if let RelOp::OverAggregate { frame: super::over::Frame::RowsUnbounded | super::over::Frame::RangeUnbounded, .. } = op {
            return error(
                Category::User,
                format!("the pandas aggregate function `{name}` cannot be used in an over window with an unbounded frame: PyFlink 2.3 rejects it (\"Python UDAF is not supported to be used in UNBOUNDED PRECEDING OVER windows\"); bound the frame (row_interval(n), lit(n).seconds, ROWS/RANGE BETWEEN ... PRECEDING)"),
            );
        }
        if aggs.iter().any(|a| a.python.is_none()) {
            return error(
                Category::User,
                format!("the pandas aggregate function `{name}` cannot share a select with built-in aggregates: PyFlink 2.3 cannot run them together (\"Python UDAF and Java/Scala UDAF cannot be used together\"); compute them in separate selects"),
            );
        }
    }
    Ok(())
}
