//! Computed columns of `CREATE TABLE` (`ts AS TO_TIMESTAMP(FROM_UNIXTIME(epoch))`): taken out of the
//! column list before sqlparser reads it (it does not know them), typed over the table's other
//! columns, and placed back among them in the order the DDL declares. A scan computes them after its
//! connector has read the other columns; INSERT INTO a table writes only the other columns, as Flink
//! does (computed columns are not persisted).

use std::collections::HashMap;

use serde::Serialize;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Span;

use super::expr::{Expr, ExprError, Scope};
use super::types::{Field, Schema};
use super::window::location;

/// A computed column as the DDL writes it, before it is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputedClause {
    /// Its place among the declared columns.
    pub position: usize,
    pub name: String,
    /// The DDL's text with everything but the expression blanked, so that parsing it gives spans
    /// into the job's string.
    expr_text: String,
    /// The whole `name AS expr` item.
    pub span: Span,
}

/// A computed column: its place among the declared columns and its expression over the columns the
/// connector reads (the table's schema without computed columns).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputedColumn {
    pub position: usize,
    pub name: String,
    pub expr: Expr,
    /// `AS PROCTIME()`: a processing-time attribute (its value the time the row is read).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub proctime: bool,
}

/// The top-level items of the column list (byte ranges, between the parentheses and commas); run
/// after `ROW<...>` types are replaced, whose commas would otherwise split items.
fn column_list_items(text: &str) -> Vec<(usize, usize)> {
    let Some(open) = text.find('(') else { return Vec::new() };
    let (mut depth, mut item_start, mut quoted) = (0usize, open + 1, false);
    let mut items = Vec::new();
    for (at, &b) in text.as_bytes().iter().enumerate().skip(open) {
        match b {
            b'\'' => quoted = !quoted,
            _ if quoted => {}
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    items.push((item_start, at));
                    break;
                }
            }
            b',' if depth == 1 => {
                items.push((item_start, at));
                item_start = at + 1;
            }
            _ => {}
        }
    }
    items
}

/// The column `item` computes (its name) if it is `name AS expression`; the offset of the
/// expression within `item`.
fn computed_name(item: &str) -> Option<(String, usize)> {
    let trimmed = item.trim_start();
    let name_len = trimmed.find(char::is_whitespace)?;
    let name = trimmed[..name_len].trim_matches('`');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let rest = &trimmed[name_len..];
    let after = rest.trim_start();
    let keyword = after.get(..2)?;
    let boundary = after[2..].chars().next().is_none_or(|c| c.is_whitespace() || c == '(');
    if !keyword.eq_ignore_ascii_case("AS") || !boundary {
        return None;
    }
    let expr_at = item.len() - after.len() + 2;
    Some((name.to_string(), expr_at))
}

/// Whether a column-list item is a constraint (`PRIMARY KEY (...)`, ...) rather than a column.
fn is_constraint(item: &str) -> bool {
    let first = item.split_whitespace().next().unwrap_or_default();
    ["PRIMARY", "CONSTRAINT", "UNIQUE", "WATERMARK"].iter().any(|k| first.eq_ignore_ascii_case(k))
}

/// `text` with its computed columns blanked out (with one comma each, line breaks kept, so the
/// remaining columns' spans are right), and the computed columns.
pub fn split_computed(text: &str) -> (String, Vec<ComputedClause>) {
    let items: Vec<(usize, usize)> =
        column_list_items(text).into_iter().filter(|&(s, e)| !text[s..e].trim().is_empty()).collect();
    let computed: Vec<Option<(String, usize)>> = items.iter().map(|&(s, e)| computed_name(&text[s..e])).collect();
    if computed.iter().all(Option::is_none) {
        return (text.to_string(), Vec::new());
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut clauses = Vec::new();
    let mut position = 0;
    for (k, (&(start, end), found)) in items.iter().zip(&computed).enumerate() {
        let Some((name, expr_at)) = found else {
            if !is_constraint(&text[start..end]) {
                position += 1;
            }
            continue;
        };
        let mut expr_text = text.as_bytes().to_vec();
        super::window::blank(&mut expr_text, 0, start + expr_at);
        super::window::blank(&mut expr_text, end, text.len());
        let lead = text[start..end].len() - text[start..end].trim_start().len();
        let span = Span::new(location(text, start + lead), location(text, start + text[start..end].trim_end().len()));
        clauses.push(ComputedClause {
            position,
            name: name.clone(),
            expr_text: String::from_utf8(expr_text).unwrap_or_default(),
            span,
        });
        position += 1;
        // The comma before the item if an item that stays precedes it, else the one after it.
        let kept_before = computed[..k].iter().any(Option::is_none);
        let (from, to) = if kept_before { (start - 1, end) } else { (start, (end + 1).min(text.len())) };
        super::window::blank(&mut bytes, from, to);
    }
    (String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()), clauses)
}

/// Types each computed column over `read` (the columns the connector reads). `AS PROCTIME()` is the
/// current time as a TIMESTAMP_LTZ(3), as Flink materializes it, marked as a processing-time
/// attribute (which windows and joins reject: see [`super::time_attr`]).
pub fn resolve(clauses: &[ComputedClause], read: &Schema) -> Result<Vec<ComputedColumn>, ExprError> {
    let functions = HashMap::new();
    let mut columns = Vec::new();
    for clause in clauses {
        let expr = Parser::new(&GenericDialect)
            .try_with_sql(&clause.expr_text)
            .and_then(|mut p| p.parse_expr())
            .map_err(|e| super::ddl::parse_error(&e))?;
        let mut expr = expr;
        let proctime = matches!(&expr, sqlparser::ast::Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("PROCTIME"));
        if let sqlparser::ast::Expr::Function(f) = &mut expr {
            if proctime {
                f.name = sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new("NOW")]);
            }
        }
        let mut scope = Scope { input: read, functions: &functions, grouping: None, python: None, sql: true, qualifiers: None };
        let typed = scope.resolve(&expr)?;
        columns.push(ComputedColumn { position: clause.position, name: clause.name.clone(), expr: typed, proctime });
    }
    Ok(columns)
}

/// The declared columns: `read` with the computed columns in their places.
pub fn declared_schema(read: &Schema, computed: &[ComputedColumn]) -> Schema {
    let mut fields = read.fields.clone();
    for c in computed {
        let at = c.position.min(fields.len());
        fields.insert(at, Field { name: c.name.clone(), ty: c.expr.ty() });
    }
    Schema { fields }
}

/// The columns the connector reads: `declared` without the computed columns.
pub fn read_schema(declared: &Schema, computed: &[ComputedColumn]) -> Schema {
    let is_computed = |i: usize| computed.iter().any(|c| c.position == i);
    Schema { fields: declared.fields.iter().enumerate().filter(|(i, _)| !is_computed(*i)).map(|(_, f)| f.clone()).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_columns_leave_the_list_with_one_comma_each() {
        let text = "CREATE TABLE t (\n  a AS b + 1,\n  b INT,\n  c AS b * 2,\n  d STRING,\n  PRIMARY KEY (b) NOT ENFORCED\n)";
        let (rest, clauses) = split_computed(text);
        assert_eq!(rest.len(), text.len());
        assert_eq!(rest.lines().count(), text.lines().count());
        let squeezed: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(squeezed, "CREATE TABLE t ( b INT , d STRING, PRIMARY KEY (b) NOT ENFORCED )");
        let found: Vec<(usize, &str)> = clauses.iter().map(|c| (c.position, c.name.as_str())).collect();
        assert_eq!(found, vec![(0, "a"), (2, "c")]);
        assert_eq!(clauses[1].expr_text.trim(), "b * 2");
    }

    #[test]
    fn typed_over_the_read_columns_and_placed_in_declared_order() {
        let text = "CREATE TABLE t (epoch BIGINT, ts AS TO_TIMESTAMP(FROM_UNIXTIME(epoch)), name STRING)";
        let (_, clauses) = split_computed(text);
        let read = Schema {
            fields: vec![
                Field { name: "epoch".into(), ty: super::super::types::SqlType::BigInt },
                Field { name: "name".into(), ty: super::super::types::SqlType::String },
            ],
        };
        let computed = resolve(&clauses, &read).expect("types");
        let names: Vec<String> = declared_schema(&read, &computed).fields.iter().map(|f| format!("{} {}", f.name, f.ty)).collect();
        assert_eq!(names, vec!["epoch BIGINT", "ts TIMESTAMP(3)", "name STRING"]);
    }

    #[test]
    fn types_and_casts_are_not_computed_columns() {
        let (_, clauses) = split_computed("CREATE TABLE t (a INT, `as` STRING, b ROW<x INT, y STRING>)");
        assert!(clauses.is_empty());
    }
}
