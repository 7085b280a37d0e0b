//! SQL queries (`sql_query`, `INSERT INTO ... SELECT`, `CREATE VIEW ... AS`) lowered to the same
//! relational operators the Table API produces, as DataFusion's SqlToRel does: FROM to a scan (or a
//! view, or a subquery), WHERE to a Calc filter, GROUP BY / aggregates / HAVING to a group
//! aggregate and a Calc, SELECT DISTINCT to a keys-only aggregate, UNION ALL to a union with casts to
//! the common column types. The result is one [`RelOp::Query`] whose nodes are those operators.
//!
//! Names in FROM resolve against the catalog the shim recorded with the statement: DDL tables, SQL
//! views (lowered in place, their errors located in their own statement), and Tables registered as
//! views (the recorded node's inputs).

use std::collections::HashMap;

use serde::Deserialize;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Span;

use super::ddl::{parse_create_table, parse_error};
use super::expr::{AggCall, AggKind, Expr, ExprError, FoundCall, FunctionSig, Scope};
use super::join::{join_qualifiers, join_schema, split_condition, uniquify, JoinKind, Qualifiers};
use super::locate::TextSpec;
use super::lower::{item_parts, python_calls, Ctx, Functions};
use super::subquery::{decorrelate_exists, needles, split_in_subqueries, SubqueryTest};
use super::types::{Field, Schema, SqlType};
use super::{QueryNode, RelOp};
use crate::diagnostics::CompileError;
use crate::plan::Site;

mod from;
mod grouped;
mod query;
mod ranked;
mod select;

use grouped::{is_window_column, legacy_group_window, rewrite_window_functions};

/// A DDL table in the catalog the shim recorded.
#[derive(Debug, Deserialize)]
pub struct TableEntry {
    pub ddl: String,
    pub ddl_site: Option<Site>,
    /// A TableDescriptor's parts and the builder calls that wrote them.
    #[serde(default)]
    pub ddl_pieces: Vec<super::locate::Piece>,
}

/// A view: a registered Table (the recorded node's `input`-th input) or a SQL view's statement.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ViewEntry {
    Input { input: usize },
    Sql { sql: TextSpec },
}

/// The names a statement's FROM clauses may use.
#[derive(Debug, Default, Deserialize)]
pub struct Catalog {
    #[serde(default)]
    pub tables: HashMap<String, TableEntry>,
    #[serde(default)]
    pub views: HashMap<String, ViewEntry>,
}

/// A failure while lowering: a span in the text being lowered, or an already located error (from a
/// view's own text).
pub(super) enum Fail {
    At(ExprError),
    Done(CompileError),
}

impl From<ExprError> for Fail {
    fn from(e: ExprError) -> Self {
        Fail::At(e)
    }
}

fn err(span: Span, message: impl Into<String>) -> Fail {
    Fail::At(ExprError {
        message: message.into(),
        span,
    })
}

pub(super) fn unsupported(span: Span, what: &str) -> Fail {
    err(span, format!("{what} is not supported by sluice yet"))
}

/// The schemas of the recorded node's inputs, by input position: (plan node id, schema).
pub type InputSchemas = Vec<(usize, Schema)>;

/// What the plan knows about a statement's inputs beyond their schemas.
#[derive(Debug, Default)]
pub struct InputFacts {
    /// The plan nodes among the inputs whose changelog has updates.
    pub updating: Vec<usize>,
    /// Their rowtime attributes: (plan node, column).
    pub rowtimes: Vec<(usize, usize)>,
    /// Their processing-time attributes: (plan node, column).
    pub proctimes: Vec<(usize, usize)>,
}

pub(super) struct Builder<'a, 'c, 'b> {
    ctx: &'a mut Ctx<'c, 'b>,
    catalog: &'a Catalog,
    functions: &'a Functions,
    sigs: HashMap<String, FunctionSig>,
    inputs: &'a InputSchemas,
    /// The plan nodes among `inputs` whose changelog has updates.
    updating_inputs: Vec<usize>,
    /// The rowtime attributes of `inputs`: (plan node, column).
    rowtime_inputs: Vec<(usize, usize)>,
    /// The processing-time attributes of `inputs`: (plan node, column).
    proctime_inputs: Vec<(usize, usize)>,
    pub(super) nodes: Vec<QueryNode>,
    /// The names that qualify the columns of FROM items (tables, aliases, joins), by node.
    pub(super) quals: HashMap<usize, Qualifiers>,
    /// The qualifiers of the current SELECT's FROM clause.
    pub(super) current: Option<Qualifiers>,
    /// Views being expanded (a view that names itself is an error, not a loop).
    expanding: Vec<String>,
    /// SESSION TVF nodes and where they are written.
    session_spans: Vec<(usize, Span)>,
    /// The legacy group window (`GROUP BY TUMBLE(...)` / `HOP(...)`) of the select being lowered.
    group_window: Option<super::window::GroupWindow>,
    /// Where the current text's `FOR SYSTEM_TIME AS OF` columns are.
    system_times: Vec<sqlparser::tokenizer::Location>,
}

/// What a statement is lowered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// `sql_query("SELECT ...")`.
    Query,
    /// `execute_sql("INSERT INTO t SELECT ...")`: the SELECT part.
    Insert,
}

/// Lowers a statement's query to a [`RelOp::Query`].
pub(super) fn lower_statement(
    ctx: &mut Ctx<'_, '_>,
    spec: &TextSpec,
    kind: StatementKind,
    catalog: &Catalog,
    functions: &Functions,
    inputs: &InputSchemas,
    facts: &InputFacts,
) -> Result<RelOp, CompileError> {
    let sigs = functions
        .iter()
        .map(|(n, (s, _))| (n.clone(), s.clone()))
        .collect();
    let mut builder = Builder {
        ctx,
        catalog,
        functions,
        sigs,
        inputs,
        updating_inputs: facts.updating.clone(),
        rowtime_inputs: facts.rowtimes.clone(),
        proctime_inputs: facts.proctimes.clone(),
        nodes: Vec::new(),
        quals: HashMap::new(),
        current: None,
        expanding: Vec::new(),
        session_spans: Vec::new(),
        group_window: None,
        system_times: Vec::new(),
    };
    let last = builder.text(spec, kind)?;
    let schema = builder.schema(last);
    Ok(RelOp::Query {
        nodes: builder.nodes,
        schema,
    })
}

/// Parses exactly one statement.
/// Also returns where `FOR SYSTEM_TIME AS OF` columns were (see [`super::temporal_join`]).
fn one_statement(text: &str) -> Result<(sql::Statement, Vec<sqlparser::tokenizer::Location>), ExprError> {
    let (rewritten, system_times) = super::temporal_join::rewrite_system_time(text)?;
    let mut statements = Parser::parse_sql(&GenericDialect, &super::window::blank_tvf_tables(&rewritten)).map_err(|e| {
        let mut e = parse_error(&e);
        if e.span.start.line == 0 {
            e.span = end_span(text);
        }
        e
    })?;
    if statements.len() != 1 {
        return Err(ExprError {
            message: format!("expected one SQL statement, found {}", statements.len()),
            span: statements.get(1).map_or(Span::empty(), Spanned::span),
        });
    }
    let statement = statements.pop().ok_or_else(|| ExprError {
        message: "expected a SQL statement".into(),
        span: Span::empty(),
    })?;
    Ok((statement, system_times))
}

/// The span of the text's last non-blank character (where an unexpected end of input is reported).
fn end_span(text: &str) -> Span {
    let trimmed = text.trim_end();
    let line = trimmed.lines().count().max(1) as u64;
    let column = trimmed.lines().last().map_or(1, |l| l.chars().count()).max(1) as u64;
    let at = sqlparser::tokenizer::Location::new(line, column);
    Span::new(at, at)
}

/// An ORDER BY item's direction and NULL placement (NULLS FIRST for ascending, as Flink).
fn sort_direction(o: &sql::OrderByExpr) -> Result<(bool, bool), Fail> {
    let descending = match o.options.sort {
        None | Some(sql::OrderBySort::Asc) => false,
        Some(sql::OrderBySort::Desc) => true,
        Some(sql::OrderBySort::Using(_)) => return Err(unsupported(o.span(), "ORDER BY ... USING")),
    };
    Ok((descending, o.options.nulls_first.unwrap_or(!descending)))
}

/// Whether a FROM item is `LATERAL TABLE(...)`.
fn is_lateral(factor: &sql::TableFactor) -> bool {
    matches!(factor, sql::TableFactor::Function { lateral: true, name, .. } if name.to_string().eq_ignore_ascii_case("table"))
}

/// Whether a select item calls an aggregate function (outside string literals).
fn has_aggregate(expr: &str) -> bool {
    let upper = expr.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    ["COUNT(", "SUM(", "AVG(", "MIN(", "MAX("].iter().any(|name| {
        upper.match_indices(name).any(|(i, _)| {
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'`')
        })
    })
}

fn identity(schema: &Schema) -> Vec<Expr> {
    schema
        .fields
        .iter()
        .enumerate()
        .map(|(index, f)| Expr::Column { index, ty: f.ty })
        .collect()
}

pub(super) fn object_name(name: &sql::ObjectName) -> String {
    name.0
        .last()
        .map(|p| p.to_string().trim_matches('`').trim_matches('"').to_string())
        .unwrap_or_default()
}

impl Builder<'_, '_, '_> {
    pub(super) fn push(&mut self, op: RelOp, inputs: Vec<usize>) -> usize {
        self.nodes.push(QueryNode { op, inputs });
        self.nodes.len() - 1
    }

    pub(super) fn schema(&self, node: usize) -> Schema {
        self.nodes
            .get(node)
            .map(|n| n.op.schema().clone())
            .unwrap_or_default()
    }

    /// Lowers one statement's text; errors are located in that text.
    fn text(&mut self, spec: &TextSpec, kind: StatementKind) -> Result<usize, CompileError> {
        let result = (|| {
            let (statement, system_times) = one_statement(&spec.text)?;
            // A view expanded inside this text has its own; this text's come back after it.
            let outer_times = std::mem::replace(&mut self.system_times, system_times);
            let query = match (&statement, kind) {
                (sql::Statement::Query(q), StatementKind::Query) => q.clone(),
                (sql::Statement::Insert(insert), StatementKind::Insert) => {
                    if !insert.columns.is_empty() {
                        return Err(unsupported(insert.columns[0].span(), "INSERT with a column list"));
                    }
                    match &insert.source {
                        Some(q) => q.clone(),
                        None => return Err(err(statement.span(), "INSERT needs a SELECT query")),
                    }
                }
                (sql::Statement::CreateView(view), _) => {
                    if !view.columns.is_empty() {
                        return Err(unsupported(view.name.span(), "a view with a column list"));
                    }
                    view.query.clone()
                }
                (other, StatementKind::Query) => {
                    return Err(err(other.span(), "sql_query() takes a SELECT query"))
                }
                (other, StatementKind::Insert) => {
                    return Err(err(other.span(), "expected an INSERT INTO ... SELECT statement"))
                }
            };
            let last = self.query(&query);
            self.system_times = outer_times;
            let last = last?;
            self.check_sessions_aggregated(last)?;
            Ok(last)
        })();
        result.map_err(|f| match f {
            Fail::At(e) => self.ctx.error(spec, e),
            Fail::Done(e) => e,
        })
    }

    /// Whether column `column` of `node` is a rowtime attribute (see [`super::time_attr`]).
    fn is_rowtime(&self, node: usize, column: usize) -> bool {
        let view = |n: usize, c: usize| self.rowtime_inputs.contains(&(n, c));
        super::time_attr::query_rowtime(&self.nodes, node, column, &view)
    }

    /// Whether column `column` of `node` is a processing-time attribute (see [`super::time_attr`]).
    fn is_proctime(&self, node: usize, column: usize) -> bool {
        let view = |n: usize, c: usize| self.proctime_inputs.contains(&(n, c));
        super::time_attr::query_time_attr(super::time_attr::TimeKind::Proctime, &self.nodes, node, column, &view)
    }

    /// A located error when a window's time column `name` of `node` is a processing-time attribute.
    fn reject_proctime_window(&self, node: usize, name: &str, what: &str, span: Span) -> Result<(), Fail> {
        match self.schema(node).index_of(name) {
            Some(column) if self.is_proctime(node, column) => {
                Err(unsupported(span, &super::time_attr::proctime_unsupported(what)))
            }
            _ => Ok(()),
        }
    }

    /// Whether `node` produces updates or deletions (a group aggregate, an outer join, or a view
    /// whose changelog is not known here).
    pub(super) fn updates(&self, node: usize) -> bool {
        // Batch mode materializes every changelog into final rows.
        if self.ctx.batch {
            return false;
        }
        let Some(n) = self.nodes.get(node) else {
            return false;
        };
        match &n.op {
            op if op.emits_updates() => true,
            RelOp::Input { node, .. } => self.inputs.iter().any(|(id, _)| id == node) && self.updating_inputs.contains(node),
            _ => n.inputs.iter().any(|&i| self.updates(i)),
        }
    }

    /// Whether `text` calls a registered Python aggregate function.
    fn calls_udaf(&self, text: &str) -> bool {
        let upper = text.to_ascii_uppercase();
        self.sigs.iter().filter(|(_, s)| s.kind == super::expr::FunctionKind::Aggregate).any(|(name, _)| {
            let name = name.to_ascii_uppercase();
            upper.match_indices(&name).any(|(i, _)| {
                let before = upper[..i].chars().next_back();
                let after = upper[i + name.len()..].trim_start_matches('`').trim_start();
                before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) && after.starts_with('(')
            })
        })
    }

    pub(super) fn scope<'s>(&'s self, input: &'s Schema) -> Scope<'s> {
        Scope {
            input,
            functions: &self.sigs,
            grouping: None,
            python: None,
            sql: true,
            qualifiers: self.current.as_ref(),
        }
    }

    fn python(&mut self, found: Vec<FoundCall>, input: &Schema) -> Result<Vec<super::PyCall>, Fail> {
        python_calls(self.ctx, found, self.functions, input).map_err(Fail::Done)
    }

}

fn ident(name: &str) -> sql::Expr {
    sql::Expr::Identifier(sql::Ident::new(name))
}

/// A LIMIT / FETCH row count: a non-negative integer literal.
fn row_count(expr: &sql::Expr) -> Result<usize, Fail> {
    match expr {
        sql::Expr::Value(v) => match &v.value {
            sql::Value::Number(n, _) => n.parse().map_err(|_| err(expr.span(), format!("`{n}` is not a row count"))),
            _ => Err(err(expr.span(), format!("`{expr}` is not a row count"))),
        },
        _ => Err(unsupported(expr.span(), &format!("the row count `{expr}`"))),
    }
}

/// A WHERE / HAVING condition, which must be BOOLEAN.
fn condition(scope: &mut Scope<'_>, expr: &sql::Expr, clause: &str) -> Result<Expr, Fail> {
    let resolved = scope.resolve(expr)?;
    if resolved.ty() != SqlType::Boolean {
        return Err(err(
            expr.span(),
            format!("the {clause} condition must be BOOLEAN, but is {}", resolved.ty()),
        ));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::has_aggregate;

    #[test]
    fn finds_aggregate_calls() {
        assert!(has_aggregate("count(*)"));
        assert!(has_aggregate("a + SUM(b)"));
        assert!(!has_aggregate("my_count(a)"));
    }
}

