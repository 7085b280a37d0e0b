//! SQL OVER windows: the window of a select's `AGG(x) OVER (...)` / `OVER w` calls (all must share
//! one, as in Flink), checked and turned into an [`RelOp::OverAggregate`]'s partition, time attribute
//! and frame.

use serde::Serialize;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

use super::expr::{error, ExprError, Expr, Scope};
use super::types::SqlType;

/// The frame of an OVER window (up to the current row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Frame {
    RowsUnbounded,
    /// The current row and `n` preceding rows.
    Rows(usize),
    RangeUnbounded,
    /// Rows whose time is at most this many milliseconds before the current row's.
    Range(i64),
}

/// An OVER window resolved against the select's input.
pub struct Window {
    pub partition: Vec<Expr>,
    pub time: usize,
    pub frame: Frame,
}

/// Whether a select item's text has an OVER clause.
pub fn mentions_over(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.match_indices("OVER").any(|(i, _)| {
        let before = upper[..i].chars().next_back();
        let after = upper[i + 4..].chars().next();
        before.is_some_and(|c| c == ' ' || c == ')') && after.is_some_and(|c| c == ' ' || c == '(')
    })
}

/// The window specs of the OVER calls inside `expr` (function calls, operators, casts, parentheses).
fn collect<'e>(expr: &'e sql::Expr, out: &mut Vec<(&'e sql::WindowType, Span)>) {
    match expr {
        sql::Expr::Function(f) => {
            if let Some(over) = &f.over {
                out.push((over, expr.span()));
            }
            if let sql::FunctionArguments::List(list) = &f.args {
                for arg in &list.args {
                    if let sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) = arg {
                        collect(e, out);
                    }
                }
            }
        }
        sql::Expr::BinaryOp { left, right, .. } => {
            collect(left, out);
            collect(right, out);
        }
        sql::Expr::UnaryOp { expr, .. } | sql::Expr::Nested(expr) | sql::Expr::Cast { expr, .. } => collect(expr, out),
        _ => {}
    }
}

/// The one window spec of the select's OVER calls (named windows resolved).
pub fn window_spec<'s>(select: &'s sql::Select, span: Span) -> Result<&'s sql::WindowSpec, ExprError> {
    let mut found = Vec::new();
    for item in &select.projection {
        match item {
            sql::SelectItem::UnnamedExpr(e) | sql::SelectItem::ExprWithAlias { expr: e, .. } => collect(e, &mut found),
            _ => {}
        }
    }
    let named = |name: &sql::Ident, at: Span| -> Result<&'s sql::WindowSpec, ExprError> {
        let mut name = name.clone();
        for _ in 0..8 {
            let def = select
                .named_window
                .iter()
                .find(|d| d.0.value.eq_ignore_ascii_case(&name.value))
                .ok_or_else(|| error(at, format!("unknown window `{}`", name.value)))?;
            match &def.1 {
                sql::NamedWindowExpr::WindowSpec(spec) => return Ok(spec),
                sql::NamedWindowExpr::NamedWindow(other) => name = other.clone(),
            }
        }
        Err(error(at, "named windows refer to each other in a loop"))
    };
    let mut spec: Option<&sql::WindowSpec> = None;
    for (over, at) in &found {
        let this = match over {
            sql::WindowType::WindowSpec(s) if s.window_name.is_some() => {
                return Err(error(*at, "a window spec extending a named window is not supported by sluice yet"))
            }
            sql::WindowType::WindowSpec(s) => s,
            sql::WindowType::NamedWindow(name) => named(name, *at)?,
        };
        match spec {
            None => spec = Some(this),
            Some(first) if first.to_string() == this.to_string() => {}
            Some(_) => {
                return Err(error(
                    *at,
                    "OVER windows of one select must all be the same window (Flink computes one over window per select)",
                ))
            }
        }
    }
    spec.ok_or_else(|| error(span, "an OVER clause here (inside CASE or another expression) is not supported by sluice yet"))
}

/// Resolves the window's PARTITION BY, ORDER BY (an ascending TIMESTAMP time attribute) and frame.
pub fn resolve(spec: &sql::WindowSpec, scope: &mut Scope<'_>, span: Span) -> Result<Window, ExprError> {
    let mut partition = Vec::new();
    for e in &spec.partition_by {
        partition.push(scope.resolve(e)?);
    }
    let time = match spec.order_by.as_slice() {
        [o] => {
            if matches!(o.options.sort, Some(sql::OrderBySort::Desc)) {
                return Err(error(o.span(), "an OVER window must be ordered by an ascending time attribute"));
            }
            match scope.resolve(&o.expr)? {
                // A TIMESTAMP_LTZ's instant orders the rows and measures RANGE frames.
                Expr::Column { index, ty: SqlType::Timestamp(_) | SqlType::TimestampLtz(_) } => index,
                _ => {
                    return Err(error(
                        o.expr.span(),
                        "an OVER window must be ordered by the table's event-time attribute (a TIMESTAMP column with a WATERMARK)",
                    ))
                }
            }
        }
        _ => return Err(error(span, "an OVER window needs ORDER BY on one time attribute")),
    };
    let frame = match &spec.window_frame {
        None => Frame::RangeUnbounded,
        Some(frame) => {
            if !matches!(frame.end_bound, None | Some(sql::WindowFrameBound::CurrentRow)) {
                return Err(error(span, "an OVER frame ending after CURRENT ROW is not supported (Flink's streaming OVER ends at the current row)"));
            }
            let rows = match frame.units {
                sql::WindowFrameUnits::Rows => true,
                sql::WindowFrameUnits::Range => false,
                sql::WindowFrameUnits::Groups => return Err(error(span, "GROUPS frames are not supported")),
            };
            match (&frame.start_bound, rows) {
                (sql::WindowFrameBound::Preceding(None), true) => Frame::RowsUnbounded,
                (sql::WindowFrameBound::Preceding(None), false) => Frame::RangeUnbounded,
                (sql::WindowFrameBound::CurrentRow, true) => Frame::Rows(0),
                (sql::WindowFrameBound::CurrentRow, false) => Frame::Range(0),
                (sql::WindowFrameBound::Preceding(Some(n)), true) => match n.as_ref() {
                    sql::Expr::Value(v) => match &v.value {
                        sql::Value::Number(text, _) => Frame::Rows(
                            text.parse().map_err(|_| error(n.span(), format!("`{text}` is not a row count")))?,
                        ),
                        _ => return Err(error(n.span(), "ROWS ... PRECEDING takes a row count")),
                    },
                    _ => return Err(error(n.span(), "ROWS ... PRECEDING takes a row count")),
                },
                (sql::WindowFrameBound::Preceding(Some(n)), false) => Frame::Range(
                    super::window::interval_millis(n)
                        .filter(|ms| *ms >= 0)
                        .ok_or_else(|| error(n.span(), "RANGE ... PRECEDING takes an interval such as INTERVAL '10' SECOND"))?,
                ),
                (sql::WindowFrameBound::Following(_), _) => {
                    return Err(error(span, "an OVER frame starting after the current row is not supported"))
                }
            }
        }
    };
    Ok(Window { partition, time, frame })
}
