//! Event time in Table/SQL: `WATERMARK FOR ts AS ts - INTERVAL '5' SECOND` in a table's DDL (its
//! rowtime column and delay), the windowing TVF `TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10'
//! SECOND)` (lowered to a Calc appending `window_start`, `window_end`, `window_time`), HOP and
//! CUMULATE (lowered to a [`RelOp::WindowExpand`]: a row per window containing the row), and the
//! recognition of `GROUP BY window_start, window_end, ...` over it as a window aggregate.
//!
//! sqlparser knows neither clause's Flink syntax, so the text is rewritten before parsing with the
//! same length and line breaks (the WATERMARK clause blanked, the `TABLE` keyword inside a TVF's
//! arguments blanked): spans of errors still point into the job's string.

use serde::Serialize;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Span};

use super::builtins::Func;
use super::expr::{error, Expr, ExprError};
use super::types::{Field, Schema, SqlType};
use super::{QueryNode, RelOp};

/// A table's event-time attribute: rows are stamped with column `column`, watermarks are the
/// largest rowtime seen minus `delay_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rowtime {
    pub column: usize,
    pub delay_ms: i64,
}

/// Which window column a [`Func::Window`] computes from a row's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WindowPart {
    Start,
    End,
    /// `window_end - 1 ms` (the window's rowtime).
    Time,
}

impl WindowPart {
    pub fn name(self) -> &'static str {
        match self {
            WindowPart::Start => "TUMBLE_START",
            WindowPart::End => "TUMBLE_END",
            WindowPart::Time => "TUMBLE_ROWTIME",
        }
    }
}

/// `text` with the byte range `from..to` replaced by spaces (line breaks kept).
pub(super) fn blank(text: &mut [u8], from: usize, to: usize) {
    for b in &mut text[from..to] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

pub(super) fn word_at(upper: &str, at: usize, word: &str) -> bool {
    upper[at..].starts_with(word)
        && !upper[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && !upper[at + word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn location(text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    Location::new(line, column)
}

/// A WATERMARK clause found in DDL text.
pub struct WatermarkClause {
    pub column: String,
    /// The expression after `AS`, and where it starts in the DDL text.
    pub expr: String,
    pub span: Span,
}

/// The DDL with its `WATERMARK FOR col AS expr` clause (and the comma before it) blanked out, and
/// the clause.
pub fn split_watermark(text: &str) -> (String, Option<WatermarkClause>) {
    let upper = text.to_ascii_uppercase();
    let Some(start) =
        (0..upper.len()).find(|&i| upper.is_char_boundary(i) && word_at(&upper, i, "WATERMARK"))
    else {
        return (text.to_string(), None);
    };
    let rest = &upper[start + "WATERMARK".len()..];
    let after_for = rest.trim_start();
    if !after_for.starts_with("FOR") {
        return (text.to_string(), None);
    }
    let column_at = upper.len() - after_for.len() + 3;
    let column_text = text[column_at..].trim_start();
    let column_start = text.len() - column_text.len();
    let column_len = column_text
        .find(|c: char| c.is_whitespace())
        .unwrap_or(column_text.len());
    let column = column_text[..column_len].trim_matches('`').to_string();
    let after_column = column_start + column_len;
    let Some(as_at) = (after_column..upper.len())
        .find(|&i| upper.is_char_boundary(i) && word_at(&upper, i, "AS"))
    else {
        return (text.to_string(), None);
    };
    let expr_start = as_at + 2;
    let (mut depth, mut end, mut quoted) = (0i32, text.len(), false);
    for (i, c) in text[expr_start..].char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => {
                end = expr_start + i;
                break;
            }
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                end = expr_start + i;
                break;
            }
            _ => {}
        }
    }
    let comma = text[..start].trim_end().strip_suffix(',').map(str::len);
    let mut bytes = text.as_bytes().to_vec();
    blank(&mut bytes, comma.unwrap_or(start), end);
    let span = Span::new(location(text, column_start), location(text, after_column));
    let clause = WatermarkClause {
        column,
        expr: text[expr_start..end].to_string(),
        span,
    };
    (
        String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()),
        Some(clause),
    )
}

/// The rowtime a WATERMARK clause declares over `schema`: `ts` or `ts - INTERVAL 'n' unit`.
pub fn rowtime(clause: &WatermarkClause, schema: &Schema) -> Result<Rowtime, ExprError> {
    let span = clause.span;
    let column = schema.index_of(&clause.column).ok_or_else(|| {
        error(
            span,
            format!(
                "the WATERMARK column `{}` is not a column of the table",
                clause.column
            ),
        )
    })?;
    if !matches!(schema.fields[column].ty, SqlType::Timestamp(_) | SqlType::TimestampLtz(_)) {
        return Err(error(
            span,
            format!(
                "the WATERMARK column `{}` must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3)",
                clause.column
            ),
        ));
    }
    let expr = Parser::new(&GenericDialect)
        .try_with_sql(&clause.expr)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| error(span, format!("cannot read the WATERMARK expression: {e}")))?;
    // `(ts - INTERVAL '1' SECOND)`, as the expression DSL writes it (a Schema's watermark).
    let mut expr = expr;
    while let sql::Expr::Nested(inner) = expr {
        expr = *inner;
    }
    let same_column = |e: &sql::Expr| matches!(e, sql::Expr::Identifier(i) if i.value.trim_matches('`') == clause.column);
    let delay_ms = match &expr {
        e if same_column(e) => 0,
        sql::Expr::BinaryOp { left, op: sql::BinaryOperator::Minus, right } if same_column(left) => {
            interval_millis(right)
                .ok_or_else(|| error(span, format!("the WATERMARK delay `{right}` is not supported by sluice yet")))?
        }
        other => {
            return Err(error(span, format!("the WATERMARK expression `{other}` is not supported by sluice yet (use `{} - INTERVAL 'n' SECOND`)", clause.column)))
        }
    };
    Ok(Rowtime { column, delay_ms })
}

/// `INTERVAL '5' SECOND` (also MILLISECOND, MINUTE, HOUR, DAY) in milliseconds.
pub fn interval_millis(expr: &sql::Expr) -> Option<i64> {
    let sql::Expr::Interval(interval) = expr else {
        return None;
    };
    let value: i64 = match interval.value.as_ref() {
        sql::Expr::Value(v) => match &v.value {
            sql::Value::SingleQuotedString(s) => s.trim().parse().ok()?,
            sql::Value::Number(n, _) => n.parse().ok()?,
            _ => return None,
        },
        _ => return None,
    };
    use sql::DateTimeField as F;
    let unit = match interval.leading_field.as_ref()? {
        F::Millisecond | F::Milliseconds => 1,
        F::Second | F::Seconds => 1000,
        F::Minute | F::Minutes => 60_000,
        F::Hour | F::Hours => 3_600_000,
        F::Day | F::Days => 86_400_000,
        _ => return None,
    };
    value.checked_mul(unit)
}

/// SQL text with `TABLE` blanked where it opens a windowing TVF's first argument
/// (`TUMBLE(TABLE t, ...)` reads as `TUMBLE(      t, ...)`).
pub fn blank_tvf_tables(text: &str) -> String {
    let upper = text.to_ascii_uppercase();
    let mut bytes = text.as_bytes().to_vec();
    for name in ["TUMBLE", "HOP", "CUMULATE", "SESSION"] {
        let mut from = 0;
        while let Some(found) = upper[from..].find(name) {
            let at = from + found;
            from = at + name.len();
            if !word_at(&upper, at, name) {
                continue;
            }
            let rest = upper[from..].trim_start();
            let Some(args) = rest.strip_prefix('(') else {
                continue;
            };
            let args_trimmed = args.trim_start();
            let table_at = upper.len() - args_trimmed.len();
            if word_at(&upper, table_at, "TABLE") {
                blank(&mut bytes, table_at, table_at + "TABLE".len());
            }
            if name == "SESSION" {
                blank_partition_by(&upper, &mut bytes, table_at);
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// `SESSION(TABLE t PARTITION BY k, ...)` reads as `SESSION(t,            k, ...)`: `PARTITION BY`
/// becomes a comma and blanks, so the partition columns parse as the second argument.
fn blank_partition_by(upper: &str, bytes: &mut [u8], table_at: usize) {
    let end = upper[table_at..].find(',').map_or(upper.len(), |i| table_at + i);
    let Some(found) = upper[table_at..end].find("PARTITION") else {
        return;
    };
    let at = table_at + found;
    if !word_at(upper, at, "PARTITION") {
        return;
    }
    let after = &upper[at + "PARTITION".len()..end];
    let by = after.trim_start();
    let by_at = end - after.len() + (after.len() - by.len());
    if !word_at(upper, by_at, "BY") {
        return;
    }
    blank(bytes, at, by_at + 2);
    bytes[at] = b',';
}

/// Which windowing TVF: TUMBLE, HOP (windows of `size_ms` every `step_ms`) or CUMULATE (windows
/// growing by `step_ms` up to `size_ms`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TvfKind {
    Tumble,
    Hop { step_ms: i64 },
    Cumulate { step_ms: i64 },
    /// Session windows: a key's rows less than `size_ms` (the gap) apart, optionally per PARTITION
    /// BY columns.
    Session { partition: Option<Vec<String>> },
}

/// A windowing TVF call in FROM: the table it reads, its time column and the window size.
pub struct Tvf {
    pub table: String,
    pub table_span: Span,
    pub time_column: String,
    pub size_ms: i64,
    pub kind: TvfKind,
}

fn positional(f: &sql::Function) -> Vec<&sql::Expr> {
    match &f.args {
        sql::FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => Some(e),
                sql::FunctionArg::Named {
                    arg: sql::FunctionArgExpr::Expr(e),
                    ..
                } => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads `TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)` (after [`blank_tvf_tables`]).
pub fn tvf(expr: &sql::Expr) -> Result<Tvf, ExprError> {
    let span = expr.span();
    let sql::Expr::Function(f) = expr else {
        return Err(error(span, "expected a windowing table function (TUMBLE)"));
    };
    let name = f.name.to_string().to_ascii_uppercase();
    let args = positional(f);
    let mut partition = None;
    let (table, descriptor, step, size) = match (name.as_str(), args.as_slice()) {
        ("SESSION", [table, descriptor, gap]) => (table, descriptor, None, gap),
        ("SESSION", [table, columns, descriptor, gap]) => {
            let names = match columns {
                sql::Expr::Identifier(i) => vec![i.value.clone()],
                sql::Expr::Nested(inner) => match inner.as_ref() {
                    sql::Expr::Identifier(i) => vec![i.value.clone()],
                    other => return Err(error(other.span(), "PARTITION BY takes columns")),
                },
                sql::Expr::Tuple(items) => items
                    .iter()
                    .map(|e| match e {
                        sql::Expr::Identifier(i) => Ok(i.value.clone()),
                        other => Err(error(other.span(), "PARTITION BY takes columns")),
                    })
                    .collect::<Result<_, _>>()?,
                other => return Err(error(other.span(), "PARTITION BY takes columns")),
            };
            partition = Some(names);
            (table, descriptor, None, gap)
        }
        ("SESSION", _) => {
            return Err(error(span, "SESSION takes (TABLE t [PARTITION BY columns], DESCRIPTOR(time column), INTERVAL gap)"))
        }
        ("TUMBLE", [table, descriptor, size]) => (table, descriptor, None, size),
        ("HOP" | "CUMULATE", [table, descriptor, step, size]) => (table, descriptor, Some(step), size),
        ("TUMBLE", _) => {
            return Err(error(span, "TUMBLE takes (TABLE t, DESCRIPTOR(time column), INTERVAL size)"))
        }
        ("HOP", _) => {
            return Err(error(span, "HOP takes (TABLE t, DESCRIPTOR(time column), INTERVAL slide, INTERVAL size)"))
        }
        ("CUMULATE", _) => {
            return Err(error(span, "CUMULATE takes (TABLE t, DESCRIPTOR(time column), INTERVAL step, INTERVAL size)"))
        }
        _ => {
            return Err(error(
                span,
                format!("the windowing table function {name} is not supported by sluice yet"),
            ))
        }
    };
    let table_name = match table {
        sql::Expr::Identifier(i) => i.value.clone(),
        sql::Expr::CompoundIdentifier(parts) => {
            parts.last().map(|p| p.value.clone()).unwrap_or_default()
        }
        other => {
            return Err(error(
                other.span(),
                "TUMBLE's first argument must be TABLE name",
            ))
        }
    };
    let time_column = match descriptor {
        sql::Expr::Function(d) if d.name.to_string().eq_ignore_ascii_case("DESCRIPTOR") => {
            match positional(d).as_slice() {
                [sql::Expr::Identifier(i)] => i.value.clone(),
                _ => return Err(error(descriptor.span(), "DESCRIPTOR takes one column")),
            }
        }
        other => {
            return Err(error(
                other.span(),
                "TUMBLE's second argument must be DESCRIPTOR(time column)",
            ))
        }
    };
    let size_ms = interval_millis(size).filter(|s| *s > 0).ok_or_else(|| {
        error(
            size.span(),
            format!("the window size `{size}` is not supported by sluice yet"),
        )
    })?;
    let kind = match step {
        None if name == "SESSION" => TvfKind::Session { partition },
        None => TvfKind::Tumble,
        Some(step) => {
            let step_ms = interval_millis(step).filter(|s| *s > 0).ok_or_else(|| {
                error(step.span(), format!("the window step `{step}` is not supported by sluice yet"))
            })?;
            if size_ms % step_ms != 0 {
                let what = if name == "HOP" { "size must be an integral multiple of slide" } else { "max size must be an integral multiple of step" };
                return Err(error(
                    span,
                    format!("{name} table function based aggregate requires {what}, but got size {size_ms} ms and {} {step_ms} ms", if name == "HOP" { "slide" } else { "step" }),
                ));
            }
            if name == "HOP" {
                TvfKind::Hop { step_ms }
            } else {
                TvfKind::Cumulate { step_ms }
            }
        }
    };
    Ok(Tvf {
        table: table_name,
        table_span: table.span(),
        time_column,
        size_ms,
        kind,
    })
}

/// The Calc a TUMBLE TVF is: the input's columns, then `window_start`, `window_end`, `window_time`.
pub fn tvf_calc(tvf: &Tvf, input: &Schema, span: Span) -> Result<RelOp, ExprError> {
    let index = input.index_of(&tvf.time_column).ok_or_else(|| {
        error(
            span,
            format!(
                "the time column `{}` is not a column of `{}`",
                tvf.time_column, tvf.table
            ),
        )
    })?;
    let ty = input.fields[index].ty;
    // Flink's windows over an LTZ rowtime start and end at the session zone's wall-clock times: the
    // window columns are TIMESTAMPs of the local time, window_time the instant of the window's end.
    let zoned = matches!(ty, SqlType::TimestampLtz(_));
    if !zoned && !matches!(ty, SqlType::Timestamp(_)) {
        return Err(error(
            span,
            format!(
                "the time column `{}` is {ty}, not a TIMESTAMP(3) time attribute",
                tvf.time_column
            ),
        ));
    }
    let mut fields = input.fields.clone();
    for name in ["window_start", "window_end", "window_time"] {
        let ty = if zoned && name == "window_time" { SqlType::TimestampLtz(3) } else { SqlType::Timestamp(3) };
        fields.push(Field { name: name.into(), ty });
    }
    if let TvfKind::Session { partition } = &tvf.kind {
        let partition = match partition {
            Some(names) => Some(
                names
                    .iter()
                    .map(|n| {
                        input.index_of(n).ok_or_else(|| {
                            error(span, format!("the PARTITION BY column `{n}` is not a column of `{}`", tvf.table))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        return Ok(RelOp::SessionWindow { time: index, gap_ms: tvf.size_ms, partition, schema: Schema { fields } });
    }
    if let TvfKind::Hop { step_ms } | TvfKind::Cumulate { step_ms } = tvf.kind {
        return Ok(RelOp::WindowExpand {
            time: index,
            size_ms: tvf.size_ms,
            step_ms,
            cumulate: matches!(tvf.kind, TvfKind::Cumulate { .. }),
            schema: Schema { fields },
        });
    }
    let time = Expr::Column { index, ty };
    let time = if zoned { time.cast(SqlType::Timestamp(3)) } else { time };
    let mut projection: Vec<Expr> = (0..input.fields.len())
        .map(|index| Expr::Column {
            index,
            ty: input.fields[index].ty,
        })
        .collect();
    for part in [WindowPart::Start, WindowPart::End, WindowPart::Time] {
        let window = Expr::Call {
            func: Func::Window(part, tvf.size_ms),
            args: vec![time.clone()],
            ty: SqlType::Timestamp(3),
        };
        projection.push(if zoned && part == WindowPart::Time { window.cast(SqlType::TimestampLtz(3)) } else { window });
    }
    Ok(RelOp::Calc {
        python: Vec::new(),
        filter: None,
        projection,
        schema: Schema { fields },
    })
}

/// The column of `node`'s output that is a TVF's `window_end`, following plain column references
/// through Calcs (WHERE, aliases).
pub fn window_end_column(nodes: &[QueryNode], node: usize) -> Option<usize> {
    let n = nodes.get(node)?;
    if let RelOp::WindowExpand { .. } = &n.op {
        return calc_window_end(&n.op);
    }
    // A grouping sets' Expand starts its rows with its input's columns.
    if let RelOp::Expand { .. } = &n.op {
        return n.inputs.first().and_then(|&i| window_end_column(nodes, i));
    }
    let RelOp::Calc { projection, .. } = &n.op else {
        return None;
    };
    let inner = n.inputs.first().and_then(|&i| window_end_column(nodes, i));
    projection.iter().position(|e| match e {
        Expr::Call {
            func: Func::Window(WindowPart::End, _),
            ..
        } => true,
        Expr::Column { index, .. } => Some(*index) == inner,
        _ => false,
    })
}

/// The `window_end` column of a TUMBLE Calc's output.
pub fn calc_window_end(op: &RelOp) -> Option<usize> {
    if let RelOp::WindowExpand { schema, .. } = op {
        return schema.fields.len().checked_sub(2);
    }
    let RelOp::Calc { projection, .. } = op else {
        return None;
    };
    projection.iter().position(|e| {
        matches!(
            e,
            Expr::Call {
                func: Func::Window(WindowPart::End, _),
                ..
            }
        )
    })
}

/// A select list's window rowtimes (`TUMBLE_ROWTIME(...)`, `col("w").rowtime`) over windows of a
/// TIMESTAMP_LTZ rowtime: the instant of the window's last millisecond, a TIMESTAMP_LTZ(3) column.
fn zoned_rowtimes(mut projection: Vec<Expr>, mut schema: Schema) -> (Vec<Expr>, Schema) {
    for (e, field) in projection.iter_mut().zip(schema.fields.iter_mut()) {
        if let Expr::Call { func: func @ Func::WindowRowtime(false), ty, .. } = e {
            *func = Func::WindowRowtime(true);
            *ty = SqlType::TimestampLtz(3);
            field.ty = SqlType::TimestampLtz(3);
        }
    }
    (projection, schema)
}

/// Whether rows of `schema` carry windows of a TIMESTAMP_LTZ rowtime (a `window_time` of type
/// TIMESTAMP_LTZ): their ends are wall-clock times of the session zone, which fire when the watermark
/// passes their instant.
pub fn zoned_windows(schema: &Schema) -> bool {
    schema.fields.iter().any(|f| f.name == "window_time" && matches!(f.ty, SqlType::TimestampLtz(_)))
}

/// A window aggregate that PyFlink runs as a group window aggregate (PythonGroupWindowAggregate /
/// ArrowPythonGroupWindowAggregate when Python aggregate functions are among its aggregates): a Table
/// API `window(Tumble | Slide ...)` or a legacy SQL `GROUP BY TUMBLE(...)` / `HOP(...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GroupWindow {
    Tumble,
    /// Sliding: PyFlink accumulates each pane (`pane_ms`, the gcd of size and slide, of the time
    /// column `time`) apart and merges the window's panes into a fresh accumulator when it fires.
    Slide { time: usize, pane_ms: i64 },
}

impl GroupWindow {
    /// The group window whose rows `input` (the aggregate's input operator) produces: a HOP expansion
    /// slides, a TUMBLE Calc tumbles.
    pub fn of(input: Option<&RelOp>) -> GroupWindow {
        match input {
            Some(RelOp::WindowExpand { cumulate: false, time, size_ms, step_ms, .. }) => {
                let gcd = |mut a: i64, mut b: i64| {
                    while b != 0 {
                        (a, b) = (b, a % b);
                    }
                    a
                };
                GroupWindow::Slide { time: *time, pane_ms: gcd(*size_ms, *step_ms).max(1) }
            }
            _ => GroupWindow::Tumble,
        }
    }
}

/// The slices (time column, slice ms) of a HOP table function `input` (Flink's slice size, the gcd
/// of size and slide), if it is one.
pub fn hop_slices(input: Option<&RelOp>) -> Option<(usize, i64)> {
    match GroupWindow::of(input) {
        GroupWindow::Slide { time, pane_ms } => Some((time, pane_ms)),
        GroupWindow::Tumble => None,
    }
}

/// A group aggregate whose keys include the window_end column `end_column` as the window
/// aggregate; other operators unchanged. Over a windowing TVF (`group_window` `None`) with a general
/// Python aggregate function it stays a group aggregate: PyFlink 2.3 runs it as a PythonGroupAggregate
/// over the TVF's rows (an updating changelog, no late rows dropped).
/// `zoned`: the windows are of an LTZ rowtime's local time ([`zoned_windows`]).
pub fn windowed(op: RelOp, end_column: Option<usize>, group_window: Option<GroupWindow>, zoned: bool) -> RelOp {
    let RelOp::Aggregate {
        keys,
        aggs,
        projection,
        schema,
    } = op
    else {
        return op;
    };
    let end_key = end_column.and_then(|c| {
        keys.iter()
            .position(|k| matches!(k, Expr::Column { index, .. } if *index == c))
    });
    let general_python = aggs.iter().any(|a| a.python.as_ref().is_some_and(|p| !p.pandas));
    let (projection, schema) = if zoned { zoned_rowtimes(projection, schema) } else { (projection, schema) };
    match end_key {
        Some(end_key) if group_window.is_some() || !general_python => RelOp::WindowAggregate {
            keys,
            end_key,
            aggs,
            projection,
            schema,
            group_window,
            zoned,
            slices: None,
        },
        Some(_) | None => RelOp::Aggregate {
            keys,
            aggs,
            projection,
            schema,
        },
    }
}

/// `GROUP BY window_start, window_end, keys...` over a [`RelOp::SessionWindow`] (`session`, whose
/// input has `input_width` columns) as a [`RelOp::SessionWindowAggregate`]. Flink computes a session
/// window aggregate only when the other GROUP BY keys are exactly the PARTITION BY columns (the Table
/// API's group window always partitions by its keys: `partition_by_keys`); otherwise it runs a regular
/// aggregate over the session TVF's rows, which sluice does not support yet.
pub fn session_windowed(op: RelOp, session: &RelOp, input_width: usize, partition_by_keys: bool) -> Result<RelOp, String> {
    let (RelOp::Aggregate { keys, aggs, projection, schema }, RelOp::SessionWindow { time, gap_ms, partition, .. }) = (op, session)
    else {
        return Err("a SESSION window is supported in GROUP BY aggregations only".into());
    };
    let position = |column: usize| keys.iter().position(|k| matches!(k, Expr::Column { index, .. } if *index == column));
    let (Some(start), Some(end)) = (position(input_width), position(input_width + 1)) else {
        return Err("a SESSION window aggregation must group by window_start and window_end".into());
    };
    let mut partition_keys = Vec::new();
    let mut key_columns = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if i == start || i == end {
            continue;
        }
        match key {
            Expr::Column { index, .. } if *index < input_width => {
                key_columns.push(*index);
                partition_keys.push(key.clone());
            }
            _ => return Err("a SESSION window aggregation grouped by an expression or window_time".into()),
        }
    }
    if !partition_by_keys {
        let mut wanted = partition.clone().unwrap_or_default();
        let mut got = key_columns.clone();
        wanted.sort_unstable();
        got.sort_unstable();
        if wanted != got {
            return Err(
                "a SESSION window whose PARTITION BY columns differ from the other GROUP BY keys (Flink runs it as a regular aggregate over the session windows)"
                    .into(),
            );
        }
    }
    // A session of a TIMESTAMP_LTZ rowtime: SESSION_ROWTIME / w.rowtime is the instant of its end.
    let (projection, schema) =
        if zoned_windows(session.schema()) { zoned_rowtimes(projection, schema) } else { (projection, schema) };
    Ok(RelOp::SessionWindowAggregate {
        keys: partition_keys,
        window_positions: [start, end],
        time: *time,
        gap_ms: *gap_ms,
        aggs,
        projection,
        schema,
        group_window: partition_by_keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermark_clause_is_blanked() {
        let ddl = "CREATE TABLE t (a STRING, ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n) WITH ('x' = 'y')";
        let (text, clause) = split_watermark(ddl);
        assert_eq!(text.len(), ddl.len());
        assert!(!text.contains("WATERMARK") && !text.contains("TIMESTAMP(3),"));
        let clause = clause.expect("clause");
        assert_eq!(clause.column, "ts");
        assert_eq!(clause.expr.trim(), "ts - INTERVAL '5' SECOND");
        assert!(Parser::parse_sql(&GenericDialect, &text).is_ok());
    }

    #[test]
    fn tvf_table_keyword_is_blanked() {
        let q = "SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
        let text = blank_tvf_tables(q);
        assert!(text.contains("TUMBLE(      clicks"));
        let statements = Parser::parse_sql(&GenericDialect, &text).expect("parses");
        assert_eq!(statements.len(), 1);
    }
}
