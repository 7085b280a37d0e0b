//! GROUP BY: group aggregates, window aggregates over windowing TVFs and Flink's legacy group
//! windows (`GROUP BY TUMBLE(...)`), HAVING.

use super::*;

impl Builder<'_, '_, '_> {
    /// A GROUP BY's aggregate as the window aggregate of the windowing TVF it reads, if any.
    pub(super) fn window_aggregate(&self, op: RelOp, input_node: usize, window_end: Option<usize>, select: &sql::Select) -> Result<RelOp, Fail> {
        let Some(session @ RelOp::SessionWindow { .. }) = self.nodes.get(input_node).map(|n| &n.op) else {
            let zoned = crate::table::window::zoned_windows(&self.schema(input_node));
            let mut op = crate::table::window::windowed(op, window_end, self.group_window, zoned);
            if let RelOp::WindowAggregate { group_window: None, slices, aggs, .. } = &mut op {
                // Past a WHERE's filtering Calc (same columns) and a grouping sets' Expand (the same
                // columns first) to the table function.
                let mut node = input_node;
                while let Some(RelOp::Calc { .. } | RelOp::Expand { .. }) = self.nodes.get(node).map(|n| &n.op) {
                    match self.nodes[node].inputs.first() {
                        Some(&i) => node = i,
                        None => break,
                    }
                }
                let tvf = self.nodes.get(node).map(|n| &n.op);
                // Flink's HOP and CUMULATE windows merge slices, and FIRST_VALUE / LAST_VALUE have
                // no merge: Flink rejects them there ("Could not find an implementation method
                // 'merge'").
                if let (Some(RelOp::WindowExpand { .. }), Some(agg)) =
                    (tvf, aggs.iter().find(|a| matches!(a.kind, AggKind::FirstValue | AggKind::LastValue)))
                {
                    return Err(err(
                        select.span(),
                        format!("{}() in a HOP or CUMULATE window aggregation: Flink has no merge for it and rejects the query", agg.kind.sql_name()),
                    ));
                }
                if aggs.iter().any(|a| a.kind.merges_slices()) {
                    *slices = crate::table::window::hop_slices(tvf);
                }
            }
            return Ok(op);
        };
        let width = self.nodes[input_node].inputs.first().map_or(0, |&i| self.schema(i).fields.len());
        // A legacy GROUP BY SESSION(...) is a group window: partitioned by the other keys.
        crate::table::window::session_windowed(op, session, width, self.group_window.is_some())
            .map_err(|what| unsupported(select.span(), &what))
    }

    /// SESSION windows are computed by the aggregate over them: a SESSION TVF read by anything else
    /// (a plain SELECT, a WHERE before the GROUP BY) is not supported.
    pub(super) fn check_sessions_aggregated(&self, last: usize) -> Result<(), Fail> {
        for (node, span) in &self.session_spans {
            let consumers: Vec<&QueryNode> = self.nodes.iter().filter(|n| n.inputs.contains(node)).collect();
            let aggregated = !consumers.is_empty()
                && consumers.iter().all(|n| matches!(n.op, RelOp::SessionWindowAggregate { .. }));
            if *node == last || !aggregated {
                return Err(unsupported(
                    *span,
                    "a SESSION window outside `GROUP BY window_start, window_end, <its PARTITION BY columns>` directly over it",
                ));
            }
        }
        Ok(())
    }

    pub(super) fn grouped(
        &mut self,
        select: &sql::Select,
        mut input_node: usize,
        input: &Schema,
        group_exprs: &[sql::Expr],
    ) -> Result<usize, Fail> {
        input_node = self.where_filter(select, input_node, input)?;
        let mut keys = Vec::new();
        for e in group_exprs {
            keys.push(self.scope(input).resolve(e)?);
        }
        let mut unfiltered = select.clone();
        unfiltered.selection = None;
        self.keyed_aggregate(&unfiltered, input_node, input, keys, None)
    }

    /// The group aggregate of `select` (its WHERE already applied) over `input_node`: names in the
    /// select list and HAVING resolve against `keys`; the aggregate groups by `aggregate_keys` when
    /// given (the same number of columns, computed by the input: see [`crate::table::grouping_sets`]).
    pub(in crate::table) fn keyed_aggregate(
        &mut self,
        select: &sql::Select,
        input_node: usize,
        input: &Schema,
        keys: Vec<Expr>,
        aggregate_keys: Option<Vec<Expr>>,
    ) -> Result<usize, Fail> {
        let window_end = crate::table::window::window_end_column(&self.nodes, input_node);
        let mut aggs: Vec<AggCall> = Vec::new();
        let (projection, fields, having) = {
            let mut scope = self.scope(input);
            scope.grouping = Some((&keys, &mut aggs));
            let (projection, fields) = self.items(select, input, &mut scope)?;
            let having = match &select.having {
                Some(h) => Some(condition(&mut scope, h, "HAVING")?),
                None => None,
            };
            (projection, fields, having)
        };
        crate::table::lower::attach_udafs(self.ctx, &mut aggs, self.functions, input).map_err(Fail::Done)?;
        // Flink retracts these through their retractable versions keeping every value; sluice's
        // accumulators keep only the current value, so an updating input is refused up front.
        if let Some(agg) = aggs.iter().find(|a| matches!(a.kind, AggKind::FirstValue | AggKind::LastValue | AggKind::ListAgg)) {
            if self.updates(input_node) {
                let what = format!("{}() over an updating input (a GROUP BY's changing results)", agg.kind.sql_name());
                return Err(unsupported(select.span(), &what));
            }
        }
        // Flink expands a windowed LISTAGG(DISTINCT) into an inner windowed GROUP BY whose rows
        // reach LISTAGG in its timers' key order, not in arrival order.
        if window_end.is_some() && aggs.iter().any(|a| a.kind == AggKind::ListAgg && a.distinct) {
            return Err(unsupported(select.span(), "LISTAGG(DISTINCT ...) in a window aggregation"));
        }
        let keys = aggregate_keys.unwrap_or(keys);
        let Some(having) = having else {
            let op = RelOp::Aggregate { keys, aggs, projection, schema: Schema { fields } };
            let op = self.window_aggregate(op, input_node, window_end, select)?;
            return Ok(self.push(op, vec![input_node]));
        };
        let mut inner = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            inner.push(Field { name: format!("$k{i}"), ty: k.ty() });
        }
        for (i, a) in aggs.iter().enumerate() {
            inner.push(Field { name: format!("$a{i}"), ty: a.ty });
        }
        let inner = Schema { fields: inner };
        let op = RelOp::Aggregate { keys, aggs, projection: identity(&inner), schema: inner };
        let op = self.window_aggregate(op, input_node, window_end, select)?;
        let aggregate = self.push(op, vec![input_node]);
        Ok(self.push(
            RelOp::Calc {
                python: Vec::new(),
                filter: Some(having),
                projection,
                schema: Schema { fields },
            },
            vec![aggregate],
        ))
    }
}

/// `__sluice_window_rowtime(window_end)`: what `TUMBLE_ROWTIME(...)` & co. read.
fn window_rowtime() -> sql::Expr {
    sql::Expr::Function(sql::Function {
        name: sql::ObjectName::from(vec![sql::Ident::new("__sluice_window_rowtime")]),
        uses_odbc_syntax: false,
        parameters: sql::FunctionArguments::None,
        args: sql::FunctionArguments::List(sql::FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(ident("window_end")))],
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// Whether `expr` is what [`rewrite_window_functions`] made of a window function.
pub(super) fn is_window_column(expr: &sql::Expr) -> bool {
    matches!(expr, sql::Expr::Identifier(_)) || *expr == window_rowtime()
}

/// A legacy group window among the GROUP BY expressions (`TUMBLE(ts, INTERVAL ...)`,
/// `HOP(ts, slide, size)`, `SESSION(ts, gap)`) as the windowing TVF it equals, and its position.
pub(super) fn legacy_group_window(group_exprs: &[sql::Expr]) -> Result<Option<(crate::table::window::Tvf, usize)>, Fail> {
    use crate::table::window::{interval_millis, Tvf, TvfKind};
    for (at, expr) in group_exprs.iter().enumerate() {
        let sql::Expr::Function(f) = expr else { continue };
        let name = f.name.to_string().to_ascii_uppercase();
        if !matches!(name.as_str(), "TUMBLE" | "HOP" | "SESSION") {
            continue;
        }
        let args: Vec<&sql::Expr> = crate::table::expr::unnamed_args(f);
        let interval = |e: &sql::Expr| {
            interval_millis(e).filter(|ms| *ms > 0).ok_or_else(|| unsupported(e.span(), &format!("the window interval `{e}`")))
        };
        let (time, size_ms, kind) = match (name.as_str(), args.as_slice()) {
            ("TUMBLE", [time, size]) => (time, interval(size)?, TvfKind::Tumble),
            ("HOP", [time, slide, size]) => {
                let (step_ms, size_ms) = (interval(slide)?, interval(size)?);
                if size_ms % step_ms != 0 {
                    return Err(unsupported(expr.span(), "a HOP window whose size is not a multiple of its slide"));
                }
                (time, size_ms, TvfKind::Hop { step_ms })
            }
            ("SESSION", [time, gap]) => (time, interval(gap)?, TvfKind::Session { partition: None }),
            _ => return Err(err(expr.span(), format!("{name}(time attribute, INTERVAL ...) expected"))),
        };
        let time_column = match time {
            sql::Expr::Identifier(i) => i.value.clone(),
            sql::Expr::CompoundIdentifier(parts) => parts.last().map(|p| p.value.clone()).unwrap_or_default(),
            other => return Err(err(other.span(), "a group window's first argument must be the time attribute column")),
        };
        let tvf = Tvf { table: "the table".into(), table_span: expr.span(), time_column, size_ms, kind };
        return Ok(Some((tvf, at)));
    }
    Ok(None)
}

/// TUMBLE_START(...) / HOP_END(...) / ..._ROWTIME(...) as the window columns they read.
pub(super) fn rewrite_window_functions<V: sql::VisitMut>(node: &mut V) -> Result<(), Fail> {
    let mut failure = None;
    let _ = sql::visit_expressions_mut(node, |expr| {
        if let sql::Expr::Function(f) = expr {
            let name = f.name.to_string().to_ascii_uppercase();
            let column = match name.split_once('_') {
                Some(("TUMBLE" | "HOP" | "SESSION", "START")) => Some("window_start"),
                Some(("TUMBLE" | "HOP" | "SESSION", "END")) => Some("window_end"),
                Some(("TUMBLE" | "HOP" | "SESSION", "ROWTIME")) => {
                    // The window's rowtime, `window_end - 1 ms`, stays a rowtime attribute.
                    *expr = window_rowtime();
                    None
                }
                Some(("TUMBLE" | "HOP" | "SESSION", "PROCTIME")) => {
                    failure = Some(unsupported(f.name.span(), &format!("{name} (processing-time windows)")));
                    None
                }
                _ => None,
            };
            if let Some(column) = column {
                *expr = ident(column);
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    match failure {
        Some(f) => Err(f),
        None => Ok(()),
    }
}
