//! Event-time temporal table joins (`... JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON
//! o.currency = r.currency`): recognising `FOR SYSTEM_TIME AS OF` in SQL text (which sqlparser's
//! generic dialect does not parse) and checking what Flink requires of the versioned table.
//!
//! The clause is rewritten, keeping every other character where it was, into the table-function
//! form `rates (o.order_time) AS r`, and the expression's location is remembered so that only the
//! rewritten items (not a user's `rates(x)`) become temporal joins.

use sqlparser::ast::Spanned;
use sqlparser::tokenizer::{Location, Span};

use super::expr::ExprError;
use super::window::{location, word_at};

/// Which columns carry the times of an event-time temporal join: the left (probe) row's time
/// attribute named by `FOR SYSTEM_TIME AS OF`, and the versioned table's rowtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TemporalTimes {
    pub left_time: usize,
    pub right_time: usize,
    /// The versioned table is a deduplicating view (keep the last row per key by rowtime): a row
    /// older than its key's latest version is dropped, as Flink's deduplication drops it.
    pub deduplicated: bool,
}

/// A versioned view in the form Flink's docs give:
/// `SELECT cols FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY keys ORDER BY time DESC) AS rn FROM base) WHERE rn = 1`.
#[derive(Debug, PartialEq, Eq)]
pub struct VersionedView {
    pub base: String,
    /// The outer SELECT's columns (names of `base`'s columns).
    pub columns: Vec<String>,
    pub partition: Vec<String>,
    pub order_by: String,
}

fn name_of(e: &sqlparser::ast::Expr) -> Option<String> {
    match e {
        sqlparser::ast::Expr::Identifier(i) => Some(i.value.clone()),
        sqlparser::ast::Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.clone()),
        _ => None,
    }
}

/// Matches a view's statement against the versioned-view form; `Err` says what differs.
pub fn versioned_view(statement: &sqlparser::ast::Statement) -> Result<VersionedView, &'static str> {
    use sqlparser::ast as sql;
    let query = match statement {
        sql::Statement::CreateView(v) => &v.query,
        sql::Statement::Query(q) => q,
        _ => return Err("not a SELECT"),
    };
    let sql::SetExpr::Select(outer) = query.body.as_ref() else { return Err("not a single SELECT") };
    let [from] = outer.from.as_slice() else { return Err("not one FROM item") };
    let sql::TableFactor::Derived { subquery, .. } = &from.relation else { return Err("FROM is not a subquery") };
    if !from.joins.is_empty() || outer.having.is_some() {
        return Err("the outer SELECT joins or aggregates");
    }
    let sql::SetExpr::Select(inner) = subquery.body.as_ref() else { return Err("the subquery is not a single SELECT") };
    let [inner_from] = inner.from.as_slice() else { return Err("the subquery has not one FROM item") };
    let sql::TableFactor::Table { name: base, args: None, .. } = &inner_from.relation else {
        return Err("the subquery does not read a table");
    };
    if !inner_from.joins.is_empty() || inner.selection.is_some() {
        return Err("the subquery joins or filters");
    }
    let [sql::SelectItem::Wildcard(_), sql::SelectItem::ExprWithAlias { expr: sql::Expr::Function(f), alias: rn }] = inner.projection.as_slice() else {
        return Err("the subquery is not `SELECT *, ROW_NUMBER() OVER (...) AS rn`");
    };
    let Some(sql::WindowType::WindowSpec(spec)) = &f.over else { return Err("ROW_NUMBER has no OVER (...)") };
    if !f.name.to_string().eq_ignore_ascii_case("ROW_NUMBER") {
        return Err("the subquery's function is not ROW_NUMBER");
    }
    let [order] = spec.order_by.as_slice() else { return Err("ROW_NUMBER is not ordered by one column") };
    if !matches!(order.options.sort, Some(sql::OrderBySort::Desc)) {
        return Err("ROW_NUMBER is not ordered by time DESC (keeping the last row)");
    }
    let order_by = name_of(&order.expr).ok_or("ROW_NUMBER is not ordered by a column")?;
    let partition = spec.partition_by.iter().map(name_of).collect::<Option<Vec<_>>>().ok_or("PARTITION BY is not columns")?;
    if partition.is_empty() {
        return Err("ROW_NUMBER has no PARTITION BY");
    }
    let is_rn = |e: &sql::Expr| name_of(e).is_some_and(|n| n.eq_ignore_ascii_case(&rn.value));
    let is_one = |e: &sql::Expr| matches!(e, sql::Expr::Value(v) if matches!(&v.value, sql::Value::Number(n, _) if n == "1"));
    match &outer.selection {
        Some(sql::Expr::BinaryOp { left, op: sql::BinaryOperator::Eq, right })
            if (is_rn(left) && is_one(right)) || (is_one(left) && is_rn(right)) => {}
        _ => return Err("the outer SELECT's WHERE is not `rn = 1`"),
    }
    let columns = outer
        .projection
        .iter()
        .map(|item| match item {
            sql::SelectItem::UnnamedExpr(e) => name_of(e).filter(|n| !n.eq_ignore_ascii_case(&rn.value)),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .ok_or("the outer SELECT does not list the table's columns (without the row number)")?;
    Ok(VersionedView { base: base.to_string(), columns, partition, order_by })
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Skips whitespace from `at`; `None` when none was there (the words must be separated).
fn skip_space(bytes: &[u8], at: usize) -> Option<usize> {
    let end = at + bytes[at..].iter().take_while(|b| b.is_ascii_whitespace()).count();
    (end > at).then_some(end)
}

/// `text` with each `FOR SYSTEM_TIME AS OF col` rewritten to `(col)` (blanks elsewhere), and where
/// each such `col` now starts.
pub fn rewrite_system_time(text: &str) -> Result<(String, Vec<Location>), ExprError> {
    let upper = text.to_ascii_uppercase();
    let mut bytes = text.as_bytes().to_vec();
    let quoted = quoted_bytes(text.as_bytes());
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = upper[from..].find("FOR") {
        let at = from + i;
        from = at + 3;
        if !word_at(&upper, at, "FOR") || quoted[at] {
            continue;
        }
        let mut pos = at + 3;
        let mut matched = true;
        for word in ["SYSTEM_TIME", "AS", "OF"] {
            match skip_space(upper.as_bytes(), pos) {
                Some(p) if word_at(&upper, p, word) => pos = p + word.len(),
                _ => {
                    matched = false;
                    break;
                }
            }
        }
        if !matched {
            continue;
        }
        let here = || Span::new(location(text, at), location(text, pos));
        let not_a_column = || ExprError {
            message: "FOR SYSTEM_TIME AS OF takes a time attribute column of the left table (e.g. `o.order_time`)".into(),
            span: here(),
        };
        let Some(start) = skip_space(upper.as_bytes(), pos) else {
            return Err(not_a_column());
        };
        // A (possibly qualified) column name, its parts plain or in backquotes.
        let mut end = start;
        loop {
            let word = if bytes.get(end) == Some(&b'`') {
                match bytes[end + 1..].iter().position(|&b| b == b'`' || b == b'\n') {
                    Some(close) if bytes[end + 1 + close] == b'`' && close > 0 => close + 2,
                    _ => return Err(not_a_column()),
                }
            } else {
                let word = bytes[end..].iter().take_while(|&&b| is_ident_byte(b)).count();
                if word == 0 || bytes[end].is_ascii_digit() {
                    return Err(not_a_column());
                }
                word
            };
            end += word;
            if bytes.get(end) == Some(&b'.') {
                end += 1;
            } else {
                break;
            }
        }
        if bytes.get(end).is_some_and(|&b| is_ident_byte(b) || b == b'(') {
            return Err(not_a_column());
        }
        // `FOR ... OF col` becomes `(col)`: the column moves one place left, over the blank before
        // it, to make room for the `)` (the clause's first byte holds the `(`).
        let column: Vec<u8> = bytes[start..end].to_vec();
        for b in &mut bytes[at..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        if matches!(bytes[start - 1], b'\n' | b'\r') {
            return Err(ExprError {
                message: "write the column after FOR SYSTEM_TIME AS OF on the same line as OF".into(),
                span: here(),
            });
        }
        bytes[at] = b'(';
        bytes[start - 1..end - 1].copy_from_slice(&column);
        bytes[end - 1] = b')';
        found.push(location(text, start - 1));
        from = end;
    }
    let rewritten = String::from_utf8(bytes).map_err(|_| ExprError { message: "SQL text is not UTF-8".into(), span: Span::empty() })?;
    Ok((rewritten, found))
}

/// Which bytes of `text` are inside a '...' string literal (where `FOR SYSTEM_TIME` is just text).
fn quoted_bytes(text: &[u8]) -> Vec<bool> {
    let mut inside = false;
    text.iter()
        .map(|&b| {
            if b == b'\'' {
                inside = !inside;
                true
            } else {
                inside
            }
        })
        .collect()
}

/// The `FOR SYSTEM_TIME AS OF` column of a FROM item rewritten by [`rewrite_system_time`].
pub fn system_time<'a>(factor: &'a sqlparser::ast::TableFactor, rewritten: &[Location]) -> Option<&'a sqlparser::ast::Expr> {
    let sqlparser::ast::TableFactor::Table { args: Some(args), .. } = factor else {
        return None;
    };
    let [sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e))] = args.args.as_slice() else {
        return None;
    };
    rewritten.contains(&e.span().start).then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_the_clause_in_place() {
        let text = "SELECT * FROM o JOIN rates FOR SYSTEM_TIME AS OF o.t AS r ON o.k = r.k";
        let (out, at) = rewrite_system_time(text).unwrap();
        assert_eq!(out.len(), text.len());
        assert!(out.contains(&format!("rates ({}o.t) AS r ON", " ".repeat(20))), "{out}");
        assert_eq!(at, vec![location(text, text.find("o.t AS").unwrap() - 1)]);
    }

    #[test]
    fn leaves_other_text_alone_and_rejects_expressions() {
        let text = "SELECT x FROM t -- before\nWHERE y";
        assert_eq!(rewrite_system_time(text).unwrap(), (text.to_string(), vec![]));
        assert!(rewrite_system_time("SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF f(x) ON TRUE").is_err());
        let literal = "SELECT 'a FOR SYSTEM_TIME AS OF b' AS s FROM t";
        assert_eq!(rewrite_system_time(literal).unwrap(), (literal.to_string(), vec![]));
        let (out, at) = rewrite_system_time("FROM o JOIN r FOR SYSTEM_TIME AS OF o.`time` AS x").unwrap();
        assert!(out.ends_with(" o.`time`) AS x") && at.len() == 1, "{out}");
    }

    fn view(text: &str) -> Result<VersionedView, &'static str> {
        let statement = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::GenericDialect, text).unwrap().remove(0);
        versioned_view(&statement)
    }

    #[test]
    fn recognises_the_deduplicating_versioned_view() {
        let v = view(
            "CREATE VIEW v AS SELECT currency, rate, ts FROM (SELECT *, ROW_NUMBER() OVER \
             (PARTITION BY currency ORDER BY ts DESC) AS rn FROM log) WHERE rn = 1",
        )
        .unwrap();
        assert_eq!(v.base, "log");
        assert_eq!(v.columns, ["currency", "rate", "ts"]);
        assert_eq!((v.partition.as_slice(), v.order_by.as_str()), (["currency".to_string()].as_slice(), "ts"));
        let ascending = view("SELECT k, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM log) WHERE rn = 1");
        assert!(ascending.is_err(), "keeping the first row is not a versioned view");
        assert!(view("SELECT k, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM log) WHERE rn = 2").is_err());
    }
}
