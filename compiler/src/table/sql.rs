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

    pub(super) fn query(&mut self, q: &sql::Query) -> Result<usize, Fail> {
        if let Some(with) = &q.with {
            return Err(unsupported(with.span(), "WITH"));
        }
        let limit = match (&q.limit_clause, &q.fetch) {
            (None, None) => None,
            (Some(sql::LimitClause::LimitOffset { limit: Some(n), offset: None, limit_by }), None) if limit_by.is_empty() => {
                Some(row_count(n)?)
            }
            (Some(sql::LimitClause::LimitOffset { limit: None, offset: None, limit_by }), None) if limit_by.is_empty() => None,
            (None, Some(sql::Fetch { with_ties: false, percent: false, quantity: Some(n) })) => Some(row_count(n)?),
            (Some(limit), _) => return Err(unsupported(limit.span(), "this LIMIT (OFFSET, BY)")),
            (None, Some(fetch)) => return Err(unsupported(fetch.span(), "this FETCH")),
        };
        let mark = (self.nodes.len(), self.session_spans.len());
        let mut node = self.set_expr(&q.body)?;
        let order: &[sql::OrderByExpr] = match &q.order_by {
            None => &[],
            Some(sql::OrderBy { kind: sql::OrderByKind::Expressions(exprs), interpolate: None }) => exprs,
            Some(other) => return Err(unsupported(other.span(), "this ORDER BY")),
        };
        if limit.is_none() && order.is_empty() {
            return Ok(node);
        }
        if self.updates(node) {
            return Err(unsupported(q.span(), "ORDER BY / LIMIT over an updating result (a GROUP BY, DISTINCT or outer join)"));
        }
        let mut schema = self.schema(node);
        // Columns the select list leaves out that ORDER BY names: the select is lowered again with
        // them as hidden trailing columns, dropped again after the sort.
        let mut hidden = 0;
        let mut keys = match self.sort_keys(order, &schema) {
            Ok(keys) => keys,
            Err(e) => match &*q.body {
                sql::SetExpr::Select(select) if select.distinct.is_none() && matches!(&select.group_by, sql::GroupByExpr::Expressions(g, _) if g.is_empty()) => {
                    self.nodes.truncate(mark.0);
                    self.quals.retain(|n, _| *n < mark.0);
                    self.session_spans.truncate(mark.1);
                    let mut extended = (**select).clone();
                    for (i, o) in order.iter().enumerate() {
                        let alias = sql::Ident::new(format!("$order{i}"));
                        extended.projection.push(sql::SelectItem::ExprWithAlias { expr: o.expr.clone(), alias });
                    }
                    let visible = schema.fields.len();
                    node = self.select(&extended).map_err(|_| e)?;
                    schema = self.schema(node);
                    hidden = order.len();
                    let mut keys = Vec::new();
                    for (i, o) in order.iter().enumerate() {
                        let index = visible + i;
                        let ty = schema.fields.get(index).map_or(super::types::SqlType::String, |f| f.ty);
                        let (descending, nulls_first) = sort_direction(o)?;
                        keys.push(super::SortSpec { expr: Expr::Column { index, ty }, descending, nulls_first });
                    }
                    keys
                }
                _ => return Err(e),
            },
        };
        // Batch mode sorts all rows (a rank without a limit, its rows sorted when materialized).
        let limit = if self.ctx.batch { Some(limit.unwrap_or(usize::MAX)) } else { limit };
        let Some(limit) = limit else {
            // Without LIMIT, Flink sorts a stream only on an ascending time attribute first: rows
            // wait for the watermark (a temporal sort).
            let time = match keys.first() {
                Some(super::SortSpec { expr: Expr::Column { index, .. }, descending: false, .. })
                    if self.is_rowtime(node, *index) =>
                {
                    *index
                }
                _ => {
                    return Err(unsupported(
                        order.first().map_or(q.span(), |o| o.span()),
                        "ORDER BY without LIMIT in a streaming query, other than on an ascending time attribute first (Flink: \"Sort on a non-time-attribute field is not supported\"),",
                    ))
                }
            };
            keys.remove(0);
            let sorted = self.push(RelOp::TimeSort { time, keys, schema: schema.clone() }, vec![node]);
            return Ok(self.drop_hidden(sorted, &schema, hidden));
        };
        let sorted = self.push(RelOp::TopN { keys, limit, offset: 0, partition: Vec::new(), rank_number: false, row_number: false, retracting: false, schema: schema.clone() }, vec![node]);
        Ok(self.drop_hidden(sorted, &schema, hidden))
    }

    /// `left` restricted to its rows whose `needles` are among the rows of `subquery` (one column per
    /// needle): a join with the subquery's DISTINCT rows, projected back to `left`'s columns — what
    /// Flink's semi-join emits for insert-only inputs (each matching left row once, when its first
    /// match is known).
    fn semi_join(&mut self, left: usize, needles: &[sql::Expr], subquery: &sql::Query) -> Result<usize, Fail> {
        let span = needles.first().map_or_else(|| subquery.span(), Spanned::span);
        let saved = self.current.take();
        let sub = self.query(subquery);
        self.current = saved;
        let sub = sub?;
        let rs = self.schema(sub);
        if rs.fields.len() != needles.len() {
            return Err(err(
                subquery.span(),
                format!("IN needs a subquery of {} column(s), this one has {}", needles.len(), rs.fields.len()),
            ));
        }
        if self.updates(sub) || self.updates(left) {
            return Err(unsupported(span, "IN / EXISTS (subquery) over an updating input"));
        }
        let values = self.distinct(sub);
        let ls = self.schema(left);
        let width = ls.fields.len();
        let mut condition: Option<Expr> = None;
        for (i, needle) in needles.iter().enumerate() {
            let needle = {
                let saved = std::mem::replace(&mut self.current, self.quals.get(&left).cloned());
                let resolved = self.scope(&ls).resolve(needle);
                self.current = saved;
                resolved?
            };
            let value = Expr::Column { index: width + i, ty: rs.fields[i].ty };
            let equal = super::expr::binary_op(super::expr::BinOp::Eq, needle, value, span)?;
            condition = Some(match condition {
                None => equal,
                Some(c) => super::expr::binary_op(super::expr::BinOp::And, c, equal, span)?,
            });
        }
        let split = split_condition(condition, width);
        let joined = self.push(
            RelOp::Join {
                kind: JoinKind::Inner,
                left_keys: split.left_keys,
                right_keys: split.right_keys,
                condition: split.rest,
                left_width: width,
                interval: None,
                temporal: None,
                schema: join_schema(&ls, &rs),
            },
            vec![left, values],
        );
        let node = self.push(RelOp::Calc { python: Vec::new(), filter: None, projection: identity(&ls), schema: ls }, vec![joined]);
        if let Some(quals) = self.quals.get(&left).cloned() {
            self.quals.insert(node, quals);
        }
        Ok(node)
    }

    /// ORDER BY's keys resolved against the query's output columns.
    fn sort_keys(&mut self, order: &[sql::OrderByExpr], schema: &Schema) -> Result<Vec<super::SortSpec>, Fail> {
        let mut keys = Vec::new();
        for o in order {
            let (descending, nulls_first) = sort_direction(o)?;
            let expr = {
                let saved = self.current.take();
                let resolved = self.scope(schema).resolve(&o.expr);
                self.current = saved;
                resolved?
            };
            keys.push(super::SortSpec { expr, descending, nulls_first });
        }
        Ok(keys)
    }

    /// `node` without its last `hidden` columns (ORDER BY's, see [`Self::query`]).
    fn drop_hidden(&mut self, node: usize, schema: &Schema, hidden: usize) -> usize {
        if hidden == 0 {
            return node;
        }
        let fields: Vec<_> = schema.fields[..schema.fields.len() - hidden].to_vec();
        let projection = identity(&Schema { fields: fields.clone() });
        self.push(RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } }, vec![node])
    }

    /// Whether column `column` of `node` is a rowtime attribute (see [`super::time_attr`]).
    fn is_rowtime(&self, node: usize, column: usize) -> bool {
        let view = |n: usize, c: usize| self.rowtime_inputs.contains(&(n, c));
        super::time_attr::query_rowtime(&self.nodes, node, column, &view)
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
            RelOp::Aggregate { .. } | RelOp::TopN { .. } | RelOp::AntiJoin { .. } => true,
            RelOp::Deduplicate { keep_last: true, .. } => true,
            RelOp::Join { kind, interval: None, temporal: None, .. } if *kind != JoinKind::Inner => true,
            RelOp::Input { node, .. } => self.inputs.iter().any(|(id, _)| id == node) && self.updating_inputs.contains(node),
            _ => n.inputs.iter().any(|&i| self.updates(i)),
        }
    }

    fn set_expr(&mut self, body: &sql::SetExpr) -> Result<usize, Fail> {
        match body {
            sql::SetExpr::Select(select) => self.select(select),
            sql::SetExpr::Query(q) => self.query(q),
            sql::SetExpr::SetOperation {
                left,
                op: sql::SetOperator::Union,
                set_quantifier,
                right,
            } => {
                let (l, r) = (self.set_expr(left)?, self.set_expr(right)?);
                let node = self.union(l, r, body.span())?;
                match set_quantifier {
                    sql::SetQuantifier::All => Ok(node),
                    _ => Ok(self.distinct(node)),
                }
            }
            sql::SetExpr::SetOperation { op, .. } => Err(unsupported(body.span(), &op.to_string())),
            sql::SetExpr::Values(values) => self.values(values, body.span()),
            other => Err(unsupported(other.span(), "this kind of query")),
        }
    }

    /// `VALUES (...), (...)`: constant rows, each column cast to the common type of its values;
    /// the columns are named `EXPR$0`, `EXPR$1`, ... (an alias `AS t(a, b)` renames them).
    fn values(&mut self, values: &sql::Values, span: Span) -> Result<usize, Fail> {
        let empty = Schema::default();
        let mut rows: Vec<Vec<Expr>> = Vec::new();
        for row in &values.rows {
            let mut scope = self.scope(&empty);
            let resolved = row.iter().map(|e| scope.resolve(e)).collect::<Result<Vec<_>, _>>()?;
            if let Some(first) = rows.first() {
                if first.len() != resolved.len() {
                    return Err(err(span, format!("VALUES rows have different lengths: {} and {}", first.len(), resolved.len())));
                }
            }
            rows.push(resolved);
        }
        let Some(first) = rows.first() else { return Err(err(span, "VALUES without rows")) };
        let mut fields = Vec::new();
        for column in 0..first.len() {
            let mut ty = first[column].ty();
            for row in &rows[1..] {
                ty = SqlType::common(ty, row[column].ty()).ok_or_else(|| {
                    err(span, format!("the VALUES column {} is {} in one row and {} in another", column + 1, ty, row[column].ty()))
                })?;
            }
            fields.push(Field { name: format!("EXPR${column}"), ty });
        }
        let rows = rows
            .into_iter()
            .map(|row| row.into_iter().zip(&fields).map(|(e, f)| if e.ty() == f.ty { e } else { e.cast(f.ty) }).collect())
            .collect();
        Ok(self.push(RelOp::Literals { rows, schema: Schema { fields } }, Vec::new()))
    }

    /// UNION ALL of two nodes, their columns cast to common types.
    fn union(&mut self, l: usize, r: usize, span: Span) -> Result<usize, Fail> {
        let (ls, rs) = (self.schema(l), self.schema(r));
        if ls.fields.len() != rs.fields.len() {
            return Err(err(
                span,
                format!(
                    "UNION ALL inputs have different column counts: {} {ls} and {} {rs}",
                    ls.fields.len(),
                    rs.fields.len()
                ),
            ));
        }
        let mut fields = Vec::new();
        for (a, b) in ls.fields.iter().zip(&rs.fields) {
            let ty = SqlType::common(a.ty, b.ty).ok_or_else(|| {
                err(
                    span,
                    format!(
                        "UNION ALL column `{}` is {} on one side and {} on the other",
                        a.name, a.ty, b.ty
                    ),
                )
            })?;
            fields.push(Field {
                name: a.name.clone(),
                ty,
            });
        }
        let schema = Schema { fields };
        let l = self.cast_to(l, &schema);
        let r = self.cast_to(r, &schema);
        Ok(self.push(RelOp::Union { schema }, vec![l, r]))
    }

    /// `node` with its columns cast to `schema`'s types (itself when they already match).
    fn cast_to(&mut self, node: usize, schema: &Schema) -> usize {
        let from = self.schema(node);
        if from.fields.iter().zip(&schema.fields).all(|(a, b)| a.ty == b.ty) {
            return node;
        }
        let projection = identity(&from)
            .into_iter()
            .zip(&schema.fields)
            .map(|(e, f)| e.cast(f.ty))
            .collect();
        let schema = Schema {
            fields: from
                .fields
                .iter()
                .zip(&schema.fields)
                .map(|(a, b)| Field {
                    name: a.name.clone(),
                    ty: b.ty,
                })
                .collect(),
        };
        self.push(
            RelOp::Calc {
                python: Vec::new(),
                filter: None,
                projection,
                schema,
            },
            vec![node],
        )
    }

    /// Distinct rows of `node`: a group aggregate keyed by every column, without aggregates.
    fn distinct(&mut self, node: usize) -> usize {
        let schema = self.schema(node);
        let keys = identity(&schema);
        self.push(
            RelOp::Aggregate {
                projection: keys.clone(),
                keys,
                aggs: Vec::new(),
                schema,
            },
            vec![node],
        )
    }

    fn rename(&mut self, node: usize, alias: Option<&sql::TableAlias>) -> Result<usize, Fail> {
        let Some(alias) = alias.filter(|a| !a.columns.is_empty()) else {
            return Ok(node);
        };
        let schema = self.schema(node);
        if alias.columns.len() != schema.fields.len() {
            return Err(err(
                alias.name.span,
                format!(
                    "the alias names {} columns, but the table has {}",
                    alias.columns.len(),
                    schema.fields.len()
                ),
            ));
        }
        let fields = alias
            .columns
            .iter()
            .zip(&schema.fields)
            .map(|(c, f)| Field {
                name: c.name.value.clone(),
                ty: f.ty,
            })
            .collect();
        Ok(self.push(
            RelOp::Calc {
                python: Vec::new(),
                filter: None,
                projection: identity(&schema),
                schema: Schema { fields },
            },
            vec![node],
        ))
    }

    /// A FROM item, its columns qualified by its alias or table name.
    fn table_factor(&mut self, factor: &sql::TableFactor) -> Result<usize, Fail> {
        let node = self.table_factor_node(factor)?;
        let alias = match factor {
            sql::TableFactor::Table { alias, .. }
            | sql::TableFactor::Derived { alias, .. }
            | sql::TableFactor::TableFunction { alias, .. } => alias.as_ref(),
            _ => None,
        };
        let name = match (alias, factor) {
            (Some(a), _) => Some(a.name.value.clone()),
            (None, sql::TableFactor::Table { name, .. }) => Some(object_name(name)),
            (None, sql::TableFactor::TableFunction { expr, .. }) => super::window::tvf(expr).ok().map(|t| t.table),
            _ => None,
        };
        let width = self.schema(node).fields.len();
        self.quals.insert(node, name.into_iter().map(|n| (n, 0..width)).collect());
        Ok(node)
    }

    /// `left JOIN right ON condition`: a join node over both, qualified by both sides' names.
    fn join(&mut self, left: usize, join: &sql::Join) -> Result<usize, Fail> {
        let span = join.relation.span();
        if is_lateral(&join.relation) {
            let (left_outer, constraint) = match &join.join_operator {
                sql::JoinOperator::Join(c) | sql::JoinOperator::Inner(c) => (false, c),
                sql::JoinOperator::Left(c) | sql::JoinOperator::LeftOuter(c) => (true, c),
                sql::JoinOperator::CrossJoin(c) => (false, c),
                _ => return Err(unsupported(span, "this kind of join with a LATERAL TABLE (only [INNER] and LEFT JOIN ... ON TRUE are)")),
            };
            match constraint {
                sql::JoinConstraint::On(sql::Expr::Value(v)) if matches!(v.value, sql::Value::Boolean(true)) => {}
                sql::JoinConstraint::None if !left_outer => {}
                _ => return Err(unsupported(span, "a LATERAL TABLE join condition other than ON TRUE")),
            }
            return self.lateral(left, &join.relation, left_outer);
        }
        let (kind, constraint) = match &join.join_operator {
            sql::JoinOperator::Join(c) | sql::JoinOperator::Inner(c) => (JoinKind::Inner, c),
            sql::JoinOperator::Left(c) | sql::JoinOperator::LeftOuter(c) => (JoinKind::Left, c),
            sql::JoinOperator::Right(c) | sql::JoinOperator::RightOuter(c) => (JoinKind::Right, c),
            sql::JoinOperator::FullOuter(c) => (JoinKind::Full, c),
            _ => return Err(unsupported(span, "this kind of join (only [INNER], LEFT, RIGHT and FULL [OUTER] JOIN ... ON are)")),
        };
        let on = match constraint {
            sql::JoinConstraint::On(e) => e,
            sql::JoinConstraint::Using(_) => return Err(unsupported(span, "JOIN ... USING")),
            sql::JoinConstraint::Natural => return Err(unsupported(span, "NATURAL JOIN")),
            sql::JoinConstraint::None => return Err(unsupported(span, "a join without ON")),
        };
        let as_of = super::temporal_join::system_time(&join.relation, &self.system_times).cloned();
        if as_of.is_some() && !matches!(kind, JoinKind::Inner | JoinKind::Left) {
            return Err(unsupported(span, "a temporal table join other than [INNER] JOIN or LEFT JOIN"));
        }
        if as_of.is_some() && self.updates(left) {
            return Err(unsupported(span, "a temporal table join whose left input updates (Flink's needs an insert-only probe side)"));
        }
        let (right, right_version) = match &as_of {
            Some(_) => {
                let (node, pk, time, deduplicated) = self.versioned_table(&join.relation)?;
                (node, Some((pk, time, deduplicated)))
            }
            None => (self.table_factor(&join.relation)?, None),
        };
        let (ls, rs) = (self.schema(left), self.schema(right));
        let no_quals = Qualifiers::new();
        let quals = join_qualifiers(
            self.quals.get(&left).unwrap_or(&no_quals),
            self.quals.get(&right).unwrap_or(&no_quals),
            ls.fields.len(),
        );
        let schema = join_schema(&ls, &rs);
        let resolved = {
            let mut scope = self.scope(&schema);
            scope.qualifiers = Some(&quals);
            condition(&mut scope, on, "ON")?
        };
        let split = split_condition(Some(resolved), ls.fields.len());
        // Flink runs a join whose condition bounds both sides' rowtime attributes against each
        // other as an interval join: insert-only, unmatched outer rows padded when they expire.
        let width = ls.fields.len();
        let temporal = match (&as_of, &right_version) {
            (Some(e), Some((pk, right_time, deduplicated))) => {
                Some(self.temporal_times(left, e, &split, pk, *right_time, *deduplicated)?)
            }
            _ => None,
        };
        let interval = split.rest.as_ref().filter(|_| temporal.is_none()).and_then(|rest| {
            super::join::interval_bounds(rest, width, |c| {
                if c < width { self.is_rowtime(left, c) } else { self.is_rowtime(right, c - width) }
            })
        });
        let node = self.push(
            RelOp::Join {
                kind,
                left_keys: split.left_keys,
                right_keys: split.right_keys,
                condition: split.rest,
                left_width: ls.fields.len(),
                interval,
                temporal,
                schema,
            },
            vec![left, right],
        );
        self.quals.insert(node, quals);
        Ok(node)
    }

    /// The table of `right FOR SYSTEM_TIME AS OF ...`, which must be a versioned table: a DDL table
    /// with a PRIMARY KEY and a WATERMARK (Flink's requirement for an event-time temporal join).
    /// Returns its node, its primary key's columns and its rowtime column.
    fn versioned_table(&mut self, factor: &sql::TableFactor) -> Result<(usize, Vec<usize>, usize, bool), Fail> {
        let sql::TableFactor::Table { name, .. } = factor else {
            return Err(unsupported(factor.span(), "this FROM item in a temporal join"));
        };
        let table = object_name(name);
        if let Some(ViewEntry::Sql { sql }) = self.catalog.views.get(&table) {
            return self.versioned_view(factor, &table, name.span(), &sql.text.clone());
        }
        if self.catalog.views.contains_key(&table) {
            return Err(unsupported(
                name.span(),
                "a Table API view as the versioned table of a temporal join (declare the versioned table with CREATE TABLE ... PRIMARY KEY ... WATERMARK)",
            ));
        }
        let mut plain = factor.clone();
        if let sql::TableFactor::Table { args, .. } = &mut plain {
            *args = None;
        }
        let node = self.table_factor(&plain)?;
        let def = self
            .catalog
            .tables
            .get(&table)
            .and_then(|entry| parse_create_table(&entry.ddl).ok())
            .ok_or_else(|| err(name.span(), format!("`{table}` is not a versioned table")))?;
        let missing = match (def.primary_key.is_empty(), &def.rowtime) {
            (true, None) => Some("primary key and row time attribute"),
            (true, Some(_)) => Some("primary key"),
            (false, None) => Some("row time attribute"),
            (false, Some(_)) => None,
        };
        if let Some(missing) = missing {
            let lookup = if def.rowtime.is_none() { " (processing-time temporal joins, i.e. lookup joins, are not supported)" } else { "" };
            return Err(err(
                name.span(),
                format!(
                    "Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no {missing} can be found in `{table}`{lookup}"
                ),
            ));
        }
        let pk = def
            .primary_key
            .iter()
            .map(|c| def.declared_schema().fields.iter().position(|f| f.name.eq_ignore_ascii_case(c)))
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| err(name.span(), format!("a primary key column of `{table}` is not one of its columns")))?;
        let time = def.rowtime.as_ref().map_or(0, |r| r.column);
        Ok((node, pk, time, false))
    }

    /// A view in Flink's versioned-view form (the last row per key by rowtime, see
    /// [`super::temporal_join::versioned_view`]) as the versioned table: its base table's rows are
    /// the versions (dropping those older than their key's latest, as the deduplication does),
    /// projected to the view's columns. Returns as [`Self::versioned_table`] does.
    fn versioned_view(
        &mut self,
        factor: &sql::TableFactor,
        view: &str,
        span: Span,
        text: &str,
    ) -> Result<(usize, Vec<usize>, usize, bool), Fail> {
        let shape = one_statement(text)
            .map_err(|e| e.message)
            .and_then(|(statement, _)| super::temporal_join::versioned_view(&statement).map_err(str::to_string));
        let v = shape.map_err(|why| {
            unsupported(
                span,
                &format!("the view `{view}` as a versioned table ({why}; sluice takes a CREATE TABLE with PRIMARY KEY and WATERMARK, or `SELECT cols FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) AS rn FROM t) WHERE rn = 1`)"),
            )
        })?;
        let def = self
            .catalog
            .tables
            .get(&v.base)
            .and_then(|entry| parse_create_table(&entry.ddl).ok())
            .ok_or_else(|| unsupported(span, &format!("a versioned view over `{}`, which is not a CREATE TABLE", v.base)))?;
        let declared = def.declared_schema();
        let rowtime = def.rowtime.as_ref().and_then(|r| declared.fields.get(r.column)).map(|f| f.name.clone());
        if !rowtime.as_ref().is_some_and(|r| r.eq_ignore_ascii_case(&v.order_by)) {
            return Err(err(
                span,
                format!("the versioned view `{view}` must order by the row time attribute of `{}` (its WATERMARK column)", v.base),
            ));
        }
        let index_in = |names: &[String], name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        let base_names: Vec<String> = declared.fields.iter().map(|f| f.name.clone()).collect();
        let mut projection = Vec::new();
        let mut fields = Vec::new();
        for column in &v.columns {
            let index = index_in(&base_names, column)
                .ok_or_else(|| err(span, format!("the versioned view `{view}` selects `{column}`, which `{}` lacks", v.base)))?;
            let field = &declared.fields[index];
            projection.push(Expr::Column { index, ty: field.ty });
            fields.push(Field { name: field.name.clone(), ty: field.ty });
        }
        let required = |name: &str, what: &str| {
            index_in(&v.columns, name).ok_or_else(|| err(span, format!("the versioned view `{view}` must select its {what} `{name}`")))
        };
        let time = required(&v.order_by, "row time attribute")?;
        let pk = v.partition.iter().map(|k| required(k, "key")).collect::<Result<Vec<_>, _>>()?;
        let scan = self.named(&v.base, span)?;
        let node = self.push(
            RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } },
            vec![scan],
        );
        let alias = match factor {
            sql::TableFactor::Table { alias, .. } => alias.as_ref(),
            _ => None,
        };
        let node = self.rename(node, alias)?;
        let qualifier = alias.map_or_else(|| view.to_string(), |a| a.name.value.clone());
        let width = self.schema(node).fields.len();
        self.quals.insert(node, vec![(qualifier, 0..width)]);
        Ok((node, pk, time, true))
    }

    /// Checks an event-time temporal join: `as_of` a rowtime attribute of the left side, and the
    /// equality keys covering the versioned table's primary key (`pk`, right columns).
    fn temporal_times(
        &mut self,
        left: usize,
        as_of: &sql::Expr,
        split: &super::join::SplitCondition,
        pk: &[usize],
        right_time: usize,
        deduplicated: bool,
    ) -> Result<super::temporal_join::TemporalTimes, Fail> {
        let input = self.schema(left);
        let quals = self.quals.get(&left).cloned().unwrap_or_default();
        let resolved = {
            let mut scope = self.scope(&input);
            scope.qualifiers = Some(&quals);
            scope.resolve(as_of)?
        };
        let left_time = match resolved {
            Expr::Column { index, .. } if self.is_rowtime(left, index) => index,
            _ => {
                return Err(err(
                    as_of.span(),
                    "FOR SYSTEM_TIME AS OF needs an event-time attribute of the left table (processing-time temporal joins are not supported)",
                ))
            }
        };
        let keyed = |c: usize| {
            split.right_keys.iter().any(|k| matches!(k, Expr::Column { index, .. } if *index == c))
        };
        if !pk.iter().all(|&c| keyed(c)) {
            return Err(err(
                as_of.span(),
                "Temporal Table Join requires an equality condition on the versioned table's primary key",
            ));
        }
        Ok(super::temporal_join::TemporalTimes { left_time, right_time, deduplicated })
    }

    /// `LATERAL TABLE(f(args)) [AS T(names...)]` joined to `left`: a Correlate over it.
    fn lateral(&mut self, left: usize, factor: &sql::TableFactor, left_outer: bool) -> Result<usize, Fail> {
        let sql::TableFactor::Function { args, alias, .. } = factor else {
            return Err(unsupported(factor.span(), "this FROM item"));
        };
        let call = match args.as_slice() {
            [sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e))] => e,
            _ => return Err(err(factor.span(), "LATERAL TABLE(...) takes one table function call")),
        };
        let names: Option<Vec<String>> = alias
            .as_ref()
            .filter(|a| !a.columns.is_empty())
            .map(|a| a.columns.iter().map(|c| c.name.value.clone()).collect());
        let input = self.schema(left);
        let no_quals = Qualifiers::new();
        let left_quals = self.quals.get(&left).cloned().unwrap_or(no_quals);
        let lateral = {
            let mut scope = self.scope(&input);
            scope.qualifiers = Some(&left_quals);
            super::correlate::resolve(&mut scope, call, names.as_deref(), factor.span())?
        };
        let op = super::correlate::build(self.ctx, lateral, &input, left_outer, self.functions).map_err(Fail::Done)?;
        let width = op.schema().fields.len();
        let node = self.push(op, vec![left]);
        let mut quals = left_quals;
        if let Some(a) = alias {
            quals.push((a.name.value.clone(), input.fields.len()..width));
        }
        self.quals.insert(node, quals);
        Ok(node)
    }

    fn table_factor_node(&mut self, factor: &sql::TableFactor) -> Result<usize, Fail> {
        match factor {
            sql::TableFactor::Table {
                name, alias, args: None, ..
            } => {
                let node = self.named(&object_name(name), name.span())?;
                self.rename(node, alias.as_ref())
            }
            sql::TableFactor::Derived {
                subquery, alias, ..
            } => {
                let node = self.query(subquery)?;
                self.rename(node, alias.as_ref())
            }
            sql::TableFactor::TableFunction { expr, alias } => {
                let tvf = super::window::tvf(expr)?;
                let node = self.named(&tvf.table, tvf.table_span)?;
                let op = super::window::tvf_calc(&tvf, &self.schema(node), expr.span())?;
                let session = matches!(op, RelOp::SessionWindow { .. });
                let node = self.push(op, vec![node]);
                if session {
                    self.session_spans.push((node, expr.span()));
                }
                self.rename(node, alias.as_ref())
            }
            other => Err(unsupported(other.span(), "this kind of FROM item (parenthesized joins, table functions)")),
        }
    }

    /// A table or view by name.
    fn named(&mut self, name: &str, span: Span) -> Result<usize, Fail> {
        if let Some(view) = self.catalog.views.get(name) {
            return match view {
                ViewEntry::Input { input } => {
                    let (node, schema) = self
                        .inputs
                        .get(*input)
                        .cloned()
                        .ok_or_else(|| err(span, format!("view `{name}` has no recorded table")))?;
                    Ok(self.push(RelOp::Input { node, schema }, Vec::new()))
                }
                ViewEntry::Sql { sql } => {
                    if self.expanding.iter().any(|n| n == name) {
                        return Err(err(span, format!("view `{name}` refers to itself")));
                    }
                    self.expanding.push(name.to_string());
                    let node = self.text(sql, StatementKind::Query).map_err(Fail::Done);
                    self.expanding.pop();
                    node
                }
            };
        }
        let Some(entry) = self.catalog.tables.get(name) else {
            let mut known: Vec<&String> = self
                .catalog
                .tables
                .keys()
                .chain(self.catalog.views.keys())
                .collect();
            known.sort();
            let known: Vec<&str> = known.into_iter().map(String::as_str).collect();
            return Err(err(
                span,
                format!(
                    "Object '{name}' not found; the catalog has: {}",
                    if known.is_empty() { "no tables".to_string() } else { known.join(", ") }
                ),
            ));
        };
        let spec = TextSpec::ddl(entry.ddl.clone(), entry.ddl_site.clone(), entry.ddl_pieces.clone());
        let located = |ctx: &mut Ctx<'_, '_>, e: ExprError| Fail::Done(ctx.error(&spec, e));
        let def = match parse_create_table(&entry.ddl) {
            Ok(def) => def,
            Err(e) => return Err(located(self.ctx, e)),
        };
        let source = match def.source() {
            Ok(source) => source,
            Err(e) => return Err(located(self.ctx, e)),
        };
        Ok(self.push(
            def.into_scan(source),
            Vec::new(),
        ))
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

    fn select(&mut self, select: &sql::Select) -> Result<usize, Fail> {
        // `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (...) AS rn ...) WHERE rn <= N`: the
        // subquery becomes a Top-N and the rank range leaves the WHERE.
        let ranked = self.ranked(select)?;
        let (select, ranked_node) = match &ranked {
            Some((node, outer)) => (outer, Some(*node)),
            None => (select, None),
        };
        // `WHERE x IN (SELECT y FROM ...)` conjuncts leave the WHERE: they become semi-joins of the FROM.
        let stripped;
        let (select, in_subqueries) = match split_in_subqueries(select.selection.as_ref()) {
            Some((ins, rest)) => {
                stripped = sql::Select { selection: rest, ..select.clone() };
                (&stripped, ins)
            }
            None => (select, Vec::new()),
        };
        let span = select.span();
        if ranked_node.is_none() {
            if let Some(item) = select.projection.iter().find(|i| super::rank::mentions_row_number(&i.to_string())) {
                return Err(err(
                    item.span(),
                    "ROW_NUMBER() is supported as Flink's Top-N only: select it in a subquery and filter it in the outer query (`SELECT * FROM (SELECT *, ROW_NUMBER() OVER (...) AS rn FROM t) WHERE rn <= N`)",
                ));
            }
        }
        let (from, laterals) = match select.from.as_slice() {
            [] => return Err(unsupported(span, "SELECT without FROM")),
            [first, rest @ ..] => (first, rest),
        };
        // `FROM a, b WHERE cond` (how Flink's docs write interval joins) is `FROM a JOIN b ON cond`.
        if let ([comma], Some(cond)) = (laterals, &select.selection) {
            if !is_lateral(&comma.relation) && comma.joins.is_empty() {
                let mut joined = select.clone();
                joined.selection = None;
                let mut table = from.clone();
                table.joins.push(sql::Join {
                    relation: comma.relation.clone(),
                    global: false,
                    join_operator: sql::JoinOperator::Inner(sql::JoinConstraint::On(cond.clone())),
                });
                joined.from = vec![table];
                return self.select(&joined);
            }
        }
        if let Some(other) = laterals.iter().find(|t| !is_lateral(&t.relation)) {
            return Err(unsupported(
                other.relation.span(),
                "a join of comma-separated FROM tables other than two tables with a WHERE (write JOIN ... ON)",
            ));
        }
        let distinct = match &select.distinct {
            None | Some(sql::Distinct::All) => false,
            Some(sql::Distinct::Distinct) => true,
            Some(other) => return Err(unsupported(span, &other.to_string())),
        };
        if let Some(top) = &select.top {
            return Err(unsupported(span, &top.to_string()));
        }
        if let Some(q) = &select.qualify {
            return Err(unsupported(q.span(), "QUALIFY"));
        }
        let mut input_node = match ranked_node {
            Some(node) => node,
            None => self.table_factor(&from.relation)?,
        };
        for join in &from.joins {
            input_node = self.join(input_node, join)?;
        }
        for item in laterals {
            input_node = self.lateral(input_node, &item.relation, false)?;
            for join in &item.joins {
                input_node = self.join(input_node, join)?;
            }
        }
        for SubqueryTest { needle, subquery, negated } in &in_subqueries {
            input_node = match (needle, negated) {
                (Some(needle), false) => self.semi_join(input_node, &needles(needle), subquery)?,
                (Some(needle), true) => self.anti_join(input_node, &needles(needle), subquery, true)?,
                (None, _) => {
                    let (needles, inner) = decorrelate_exists(subquery, &self.quals.get(&input_node).cloned())?;
                    if *negated {
                        self.anti_join(input_node, &needles, &inner, false)?
                    } else {
                        self.semi_join(input_node, &needles, &inner)?
                    }
                }
            };
        }
        self.current = self.quals.get(&input_node).cloned();
        let input = self.schema(input_node);
        let group_exprs: Vec<sql::Expr> = match &select.group_by {
            sql::GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => exprs.clone(),
            other => return Err(unsupported(span, &other.to_string())),
        };
        if super::grouping_sets::has_grouping_sets(&group_exprs) || super::grouping_sets::calls_grouping(select) {
            if select.projection.iter().any(|i| super::over::mentions_over(&i.to_string())) {
                return Err(unsupported(span, "OVER windows in a select with GROUP BY"));
            }
            if legacy_group_window(&group_exprs)?.is_some() {
                return Err(unsupported(
                    select.group_by.span(),
                    "GROUPING SETS / ROLLUP / CUBE beside a legacy group window (GROUP BY TUMBLE/HOP/SESSION(...); a windowing TVF's window aggregate takes them)",
                ));
            }
            let node = self.grouping_sets_aggregate(select, input_node, &input, &group_exprs)?;
            return Ok(if distinct { self.distinct(node) } else { node });
        }
        if select.projection.iter().any(|i| super::over::mentions_over(&i.to_string())) {
            if !group_exprs.is_empty() || select.having.is_some() {
                return Err(unsupported(span, "OVER windows in a select with GROUP BY or HAVING"));
            }
            let node = self.over(select, input_node, &input)?;
            return Ok(if distinct { self.distinct(node) } else { node });
        }
        let grouped = !group_exprs.is_empty()
            || select.having.is_some()
            || select.projection.iter().any(|i| {
                let text = i.to_string();
                has_aggregate(&text) || self.calls_udaf(&text)
            });
        if let Some((tvf, at)) = legacy_group_window(&group_exprs)? {
            // `GROUP BY TUMBLE(ts, INTERVAL ...)` (Flink's legacy group window) is the windowing TVF
            // grouped by its window, with TUMBLE_START(...) & co. reading the window columns.
            // The WHERE filters the rows before they are windowed (a session window is computed by the
            // aggregate right over it).
            let input_node = self.where_filter(select, input_node, &input)?;
            let op = super::window::tvf_calc(&tvf, &input, group_exprs[at].span())?;
            let windowed = self.push(op, vec![input_node]);
            let schema = self.schema(windowed);
            let mut keys = group_exprs.clone();
            keys.splice(at..=at, [ident("window_start"), ident("window_end")]);
            let mut rewritten = select.clone();
            rewritten.selection = None;
            for (position, item) in rewritten.projection.iter_mut().enumerate() {
                // An unnamed TUMBLE_START(...) keeps Flink's name for it (EXPR$<position>).
                if let sql::SelectItem::UnnamedExpr(e @ sql::Expr::Function(_)) = item {
                    let mut renamed = e.clone();
                    rewrite_window_functions(&mut renamed)?;
                    if is_window_column(&renamed) {
                        *item = sql::SelectItem::ExprWithAlias {
                            expr: renamed,
                            alias: sql::Ident::new(format!("EXPR${position}")),
                        };
                        continue;
                    }
                }
                rewrite_window_functions(item)?;
            }
            if let Some(having) = &mut rewritten.having {
                rewrite_window_functions(having)?;
            }
            self.group_window = Some(super::window::GroupWindow::of(self.nodes.get(windowed).map(|n| &n.op)));
            let node = self.grouped(&rewritten, windowed, &schema, &keys);
            self.group_window = None;
            let node = node?;
            return Ok(if distinct { self.distinct(node) } else { node });
        }
        let node = if grouped {
            self.grouped(select, input_node, &input, &group_exprs)?
        } else {
            self.calc(select, input_node, &input)?
        };
        Ok(if distinct { self.distinct(node) } else { node })
    }

    /// The Top-N pattern of `select` (see [`super::rank`]): its subquery lowered with the ROW_NUMBER
    /// item as a [`RelOp::TopN`] (the row number at the item's place when it is selected), and the
    /// select with its WHERE left to the other conditions.
    fn ranked(&mut self, select: &sql::Select) -> Result<Option<(usize, sql::Select)>, Fail> {
        let [from] = select.from.as_slice() else { return Ok(None) };
        // The ranking select: a subquery, or a SQL view (lowered in place, its errors located in
        // its own statement).
        let (query, alias, name, view, view_name) = match &from.relation {
            sql::TableFactor::Derived { subquery, alias, .. } => {
                (subquery.as_ref().clone(), alias.clone(), alias.as_ref().map(|a| a.name.value.clone()), None, None)
            }
            sql::TableFactor::Table { name, alias, args: None, .. } => {
                let view_name = object_name(name);
                let Some(ViewEntry::Sql { sql }) = self.catalog.views.get(&view_name) else { return Ok(None) };
                let Ok((sql::Statement::CreateView(v), _)) = one_statement(&sql.text) else { return Ok(None) };
                let name = alias.as_ref().map_or_else(|| view_name.clone(), |a| a.name.value.clone());
                (v.query.as_ref().clone(), alias.clone(), Some(name), Some(sql.clone()), Some(view_name))
            }
            _ => return Ok(None),
        };
        let sql::SetExpr::Select(inner) = query.body.as_ref() else { return Ok(None) };
        let located = |b: &mut Self, f: Fail| match (f, &view) {
            (Fail::At(e), Some(spec)) => Fail::Done(b.ctx.error(spec, e)),
            (f, _) => f,
        };
        let item = match super::rank::rank_item(inner) {
            Ok(Some(item)) => item,
            Ok(None) => return Ok(None),
            Err(e) => return Err(located(self, e.into())),
        };
        if !from.joins.is_empty() {
            return Err(unsupported(from.joins[0].relation.span(), "a join with a ROW_NUMBER() subquery"));
        }
        let checked = (|| {
            if query.order_by.is_some() || query.limit_clause.is_some() || query.fetch.is_some() {
                return Err(unsupported(query.span(), "ORDER BY / LIMIT in a ROW_NUMBER() subquery"));
            }
            if !matches!(inner.distinct, None | Some(sql::Distinct::All)) {
                return Err(unsupported(inner.span(), "SELECT DISTINCT with ROW_NUMBER()"));
            }
            if item.spec.order_by.is_empty() {
                return Err(err(item.span, "ROW_NUMBER() needs ORDER BY in its OVER clause (Flink: \"The window rank function without order by\")"));
            }
            Ok(())
        })();
        if let Err(f) = checked {
            return Err(located(self, f));
        }
        let spec = item.spec;
        let (range, residual) = super::rank::rank_range(select.selection.as_ref(), &item.name, select.span())?;
        let rank_number = select.projection.iter().any(|i| {
            matches!(i, sql::SelectItem::Wildcard(_) | sql::SelectItem::QualifiedWildcard(..)) || super::rank::mentions(i, &item.name)
        });
        // The subquery without the ROW_NUMBER item, with its PARTITION BY and ORDER BY expressions as
        // trailing hidden columns.
        let mut hidden = inner.as_ref().clone();
        hidden.projection.remove(item.position);
        for (i, e) in spec.partition_by.iter().enumerate() {
            hidden.projection.push(sql::SelectItem::ExprWithAlias { expr: e.clone(), alias: sql::Ident::new(format!("$rank_p{i}")) });
        }
        for (i, o) in spec.order_by.iter().enumerate() {
            hidden.projection.push(sql::SelectItem::ExprWithAlias { expr: o.expr.clone(), alias: sql::Ident::new(format!("$rank_o{i}")) });
        }
        if let Some(name) = &view_name {
            if self.expanding.contains(name) {
                return Err(err(from.relation.span(), format!("view `{name}` refers to itself")));
            }
            self.expanding.push(name.clone());
        }
        let lowered = self.select(&hidden);
        if view_name.is_some() {
            self.expanding.pop();
        }
        let node = match lowered {
            Ok(node) => node,
            Err(f) => return Err(located(self, f)),
        };
        let retracting = self.updates(node);
        let schema = self.schema(node);
        let (np, no) = (spec.partition_by.len(), spec.order_by.len());
        let Some(width) = schema.fields.len().checked_sub(np + no) else {
            return Err(located(self, err(item.span, "the ROW_NUMBER() subquery lost its PARTITION BY / ORDER BY columns")));
        };
        let column = |index: usize| Expr::Column { index, ty: schema.fields.get(index).map_or(SqlType::BigInt, |f| f.ty) };
        let partition: Vec<Expr> = (width..width + np).map(column).collect();
        let mut keys = Vec::new();
        for (i, o) in spec.order_by.iter().enumerate() {
            let descending = match o.options.sort {
                None | Some(sql::OrderBySort::Asc) => false,
                Some(sql::OrderBySort::Desc) => true,
                Some(sql::OrderBySort::Using(_)) => return Err(unsupported(o.span(), "ORDER BY ... USING")),
            };
            keys.push(super::SortSpec { expr: column(width + np + i), descending, nulls_first: o.options.nulls_first.unwrap_or(!descending) });
        }
        // Flink turns `rn = 1` ordered by a time attribute alone (and not selected) into
        // deduplication instead of a Top-N.
        if let ([key], 1, 1, false) = (keys.as_slice(), range.start, range.end, rank_number) {
            if let Expr::Column { index, ty: SqlType::Timestamp(_) | SqlType::TimestampLtz(_) } = key.expr {
                if self.is_rowtime(node, index) {
                    let dedup = RelOp::Deduplicate { partition, time: index, keep_last: key.descending, schema: schema.clone() };
                    let dedup = self.push(dedup, vec![node]);
                    let projection: Vec<Expr> = (0..width).map(column).collect();
                    let fields: Vec<Field> = schema.fields[..width].to_vec();
                    let node = self.push(RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } }, vec![dedup]);
                    return self.ranked_result(node, alias.as_ref(), name, select, residual).map(Some);
                }
            }
        }
        if retracting {
            // Flink ranks an updating input with its RetractableTopNFunction unless a sort key is
            // monotonic (COUNT, MAX, MIN, a group key: its UpdatableTopNFunction, not reproduced
            // here): only keys that are SUM or AVG results are known to take the retracting one.
            let retractable = keys.iter().all(|k| match &k.expr {
                Expr::Column { index, .. } => matches!(self.aggregate_source(node, *index), Some(AggKind::Sum | AggKind::Avg)),
                _ => false,
            });
            if !retractable {
                let f = unsupported(item.span, "ROW_NUMBER() over an updating input ordered by other than SUM or AVG results (Flink's UpdatableTopNFunction)");
                return Err(located(self, f));
            }
        }
        let too_big = |n: u64| usize::try_from(n).map_err(|_| err(item.span, "the rank range is too large"));
        let limit = too_big((range.end + 1).saturating_sub(range.start))?;
        let offset = too_big(range.start - 1)?;
        let mut ranked_fields = schema.fields.clone();
        let rank_field = Field { name: item.name.clone(), ty: SqlType::BigInt };
        if rank_number {
            ranked_fields.push(rank_field.clone());
        }
        let top = self.push(
            RelOp::TopN { keys, limit, offset, partition, rank_number, row_number: true, retracting, schema: Schema { fields: ranked_fields } },
            vec![node],
        );
        // The subquery's columns, the row number at its item's place.
        let mut projection: Vec<Expr> = (0..width).map(column).collect();
        let mut fields: Vec<Field> = schema.fields[..width].to_vec();
        if rank_number {
            let before = &inner.projection[..item.position];
            let wildcards = inner.projection.iter().filter(|i| matches!(i, sql::SelectItem::Wildcard(_) | sql::SelectItem::QualifiedWildcard(..))).count();
            let at = if !before.iter().any(|i| matches!(i, sql::SelectItem::Wildcard(_) | sql::SelectItem::QualifiedWildcard(..))) {
                item.position
            } else if wildcards == 1 {
                // The one wildcard's columns: all but the other items' one column each.
                let others = inner.projection.len().saturating_sub(2);
                (item.position + width).saturating_sub(1 + others)
            } else {
                return Err(unsupported(item.span, "ROW_NUMBER() after several wildcards"));
            };
            let at = at.min(width);
            projection.insert(at, Expr::Column { index: width + np + no, ty: SqlType::BigInt });
            fields.insert(at, rank_field);
        }
        let node = self.push(RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } }, vec![top]);
        self.ranked_result(node, alias.as_ref(), name, select, residual).map(Some)
    }

    /// The built-in aggregate whose result column `column` of `node` is, through projections.
    fn aggregate_source(&self, node: usize, column: usize) -> Option<AggKind> {
        let n = self.nodes.get(node)?;
        match &n.op {
            RelOp::Calc { projection, .. } => match projection.get(column)? {
                Expr::Column { index, .. } => self.aggregate_source(*n.inputs.first()?, *index),
                _ => None,
            },
            RelOp::Aggregate { keys, aggs, projection, .. } => match projection.get(column)? {
                Expr::Column { index, .. } => Some(aggs.get(index.checked_sub(keys.len())?)?.kind),
                _ => None,
            },
            _ => None,
        }
    }

    /// The ranked subquery's node renamed and qualified as its FROM item, and the outer select left
    /// with the other conditions.
    fn ranked_result(
        &mut self,
        node: usize,
        alias: Option<&sql::TableAlias>,
        name: Option<String>,
        select: &sql::Select,
        residual: Option<sql::Expr>,
    ) -> Result<(usize, sql::Select), Fail> {
        let node = self.rename(node, alias)?;
        let width = self.schema(node).fields.len();
        self.quals.insert(node, name.into_iter().map(|n| (n, 0..width)).collect());
        let mut outer = select.clone();
        outer.selection = residual;
        Ok((node, outer))
    }

    /// The select list's expressions and names over `input` (a wildcard is every input column).
    fn items(
        &self,
        select: &sql::Select,
        input: &Schema,
        scope: &mut Scope<'_>,
    ) -> Result<(Vec<Expr>, Vec<Field>), Fail> {
        let mut projection = Vec::new();
        let mut fields = Vec::new();
        for item in &select.projection {
            let columns = match item {
                sql::SelectItem::Wildcard(_) => Some(0..input.fields.len()),
                sql::SelectItem::QualifiedWildcard(kind, _) => {
                    let qualifier = match kind {
                        sql::SelectItemQualifiedWildcardKind::ObjectName(name) => object_name(name),
                        sql::SelectItemQualifiedWildcardKind::Expr(e) => e.to_string(),
                    };
                    let found = scope.qualifiers.and_then(|q| q.iter().find(|(n, _)| n.eq_ignore_ascii_case(&qualifier)));
                    match found {
                        Some((_, range)) => Some(range.clone()),
                        None if scope.qualifiers.is_none_or(|q| q.len() <= 1) => Some(0..input.fields.len()),
                        None => return Err(err(item.span(), format!("unknown table `{qualifier}` in `{item}`"))),
                    }
                }
                _ => None,
            };
            if let Some(columns) = columns {
                for index in columns {
                    let Some(f) = input.fields.get(index) else { continue };
                    let e = scope.column_at(index, &f.name, item.span())?;
                    fields.push(Field { name: f.name.clone(), ty: e.ty() });
                    projection.push(e);
                }
                continue;
            }
            let (e, name) = item_parts(item, fields.len())?;
            let resolved = scope.resolve(e)?;
            fields.push(Field {
                name,
                ty: resolved.ty(),
            });
            projection.push(resolved);
        }
        uniquify(&mut fields);
        Ok((projection, fields))
    }

    /// A select without aggregates: one Calc (Python functions, WHERE, the select list).
    fn calc(&mut self, select: &sql::Select, input_node: usize, input: &Schema) -> Result<usize, Fail> {
        let mut found = Vec::new();
        let (filter, projection, fields) = {
            let mut scope = self.scope(input);
            scope.python = Some(&mut found);
            let filter = match &select.selection {
                Some(w) => Some(condition(&mut scope, w, "WHERE")?),
                None => None,
            };
            let (projection, fields) = self.items(select, input, &mut scope)?;
            (filter, projection, fields)
        };
        let python = self.python(found, input)?;
        Ok(self.push(
            RelOp::Calc {
                python,
                filter,
                projection,
                schema: Schema { fields },
            },
            vec![input_node],
        ))
    }

    /// WHERE, then the OVER aggregate (the input's columns and the aggregates), then the select list.
    fn over(&mut self, select: &sql::Select, mut input_node: usize, input: &Schema) -> Result<usize, Fail> {
        input_node = self.where_filter(select, input_node, input)?;
        if self.updates(input_node) {
            return Err(unsupported(select.span(), "an OVER aggregation over an updating input"));
        }
        let spec = super::over::window_spec(select, select.span())?;
        let window = {
            let mut scope = self.scope(input);
            super::over::resolve(spec, &mut scope, select.span())?
        };
        let keys = identity(input);
        let mut aggs: Vec<AggCall> = Vec::new();
        let (projection, fields) = {
            let mut scope = self.scope(input);
            scope.grouping = Some((&keys, &mut aggs));
            self.items(select, input, &mut scope)?
        };
        if let Some(py) = aggs.iter().find_map(|a| a.python.as_ref().filter(|p| !p.pandas)) {
            return Err(unsupported(select.span(), &format!("the Python aggregate function `{}` in an OVER window", py.function)));
        }
        if aggs.iter().any(|a| a.filter.is_some()) {
            // Calcite's validation: "OVER must be applied to aggregate function".
            return Err(err(select.span(), "FILTER (WHERE ...) on an aggregate with OVER: Flink rejects it (\"OVER must be applied to aggregate function\")"));
        }
        // Pandas aggregate functions here are checked by `udaf_places::check_python_aggregates`.
        super::lower::attach_udafs(self.ctx, &mut aggs, self.functions, input).map_err(Fail::Done)?;
        let mut over_fields = input.fields.clone();
        for (i, a) in aggs.iter().enumerate() {
            over_fields.push(Field { name: format!("$o{i}"), ty: a.ty });
        }
        let node = self.push(
            RelOp::OverAggregate {
                partition: window.partition,
                time: window.time,
                frame: window.frame,
                aggs,
                schema: Schema { fields: over_fields },
            },
            vec![input_node],
        );
        Ok(self.push(
            RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } },
            vec![node],
        ))
    }

    /// WHERE, then the group aggregate, then HAVING and the select list over `[keys..., aggs...]`.
    /// The select's WHERE (if any) as a filtering Calc over `input_node`, which keeps its columns.
    pub(super) fn where_filter(&mut self, select: &sql::Select, input_node: usize, input: &Schema) -> Result<usize, Fail> {
        let Some(w) = &select.selection else {
            return Ok(input_node);
        };
        let mut found = Vec::new();
        let filter = {
            let mut scope = self.scope(input);
            scope.python = Some(&mut found);
            condition(&mut scope, w, "WHERE")?
        };
        let python = self.python(found, input)?;
        Ok(self.push(
            RelOp::Calc { python, filter: Some(filter), projection: identity(input), schema: input.clone() },
            vec![input_node],
        ))
    }

    /// A GROUP BY's aggregate as the window aggregate of the windowing TVF it reads, if any.
    fn window_aggregate(&self, op: RelOp, input_node: usize, window_end: Option<usize>, select: &sql::Select) -> Result<RelOp, Fail> {
        let Some(session @ RelOp::SessionWindow { .. }) = self.nodes.get(input_node).map(|n| &n.op) else {
            let zoned = super::window::zoned_windows(&self.schema(input_node));
            let mut op = super::window::windowed(op, window_end, self.group_window, zoned);
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
                    *slices = super::window::hop_slices(tvf);
                }
            }
            return Ok(op);
        };
        let width = self.nodes[input_node].inputs.first().map_or(0, |&i| self.schema(i).fields.len());
        // A legacy GROUP BY SESSION(...) is a group window: partitioned by the other keys.
        super::window::session_windowed(op, session, width, self.group_window.is_some())
            .map_err(|what| unsupported(select.span(), &what))
    }

    /// SESSION windows are computed by the aggregate over them: a SESSION TVF read by anything else
    /// (a plain SELECT, a WHERE before the GROUP BY) is not supported.
    fn check_sessions_aggregated(&self, last: usize) -> Result<(), Fail> {
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

    fn grouped(
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
    /// given (the same number of columns, computed by the input: see [`super::grouping_sets`]).
    pub(super) fn keyed_aggregate(
        &mut self,
        select: &sql::Select,
        input_node: usize,
        input: &Schema,
        keys: Vec<Expr>,
        aggregate_keys: Option<Vec<Expr>>,
    ) -> Result<usize, Fail> {
        let window_end = super::window::window_end_column(&self.nodes, input_node);
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
        super::lower::attach_udafs(self.ctx, &mut aggs, self.functions, input).map_err(Fail::Done)?;
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

fn ident(name: &str) -> sql::Expr {
    sql::Expr::Identifier(sql::Ident::new(name))
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
fn is_window_column(expr: &sql::Expr) -> bool {
    matches!(expr, sql::Expr::Identifier(_)) || *expr == window_rowtime()
}

/// A legacy group window among the GROUP BY expressions (`TUMBLE(ts, INTERVAL ...)`,
/// `HOP(ts, slide, size)`, `SESSION(ts, gap)`) as the windowing TVF it equals, and its position.
fn legacy_group_window(group_exprs: &[sql::Expr]) -> Result<Option<(super::window::Tvf, usize)>, Fail> {
    use super::window::{interval_millis, Tvf, TvfKind};
    for (at, expr) in group_exprs.iter().enumerate() {
        let sql::Expr::Function(f) = expr else { continue };
        let name = f.name.to_string().to_ascii_uppercase();
        if !matches!(name.as_str(), "TUMBLE" | "HOP" | "SESSION") {
            continue;
        }
        let args: Vec<&sql::Expr> = match &f.args {
            sql::FunctionArguments::List(list) => list
                .args
                .iter()
                .filter_map(|a| match a {
                    sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
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
fn rewrite_window_functions<V: sql::VisitMut>(node: &mut V) -> Result<(), Fail> {
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
