//! Recorded `table.*` nodes to [`RelOp`]s: DDL parsed, expressions parsed, resolved and typed. This
//! module dispatches each node and holds what the lowering of every kind shares (the node's context,
//! its texts and functions); each kind's lowering is in its own module.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value as Json;
use sluice_types::TypeInfo;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Span;

use super::ddl::{parse_create_table, parse_error, TableDef};
use super::expr::{AggCall, AggKind, Expr, ExprError, FoundCall, FunctionKind, FunctionSig, Scope};
use super::locate::{locate, TextSpec};
use super::types::{Field, Schema, SqlType};
use super::sql::{lower_statement, Catalog, InputFacts, InputSchemas, StatementKind};
use super::{PyCall, RelOp};
use crate::diagnostics::{Category, CompileError};
use crate::frontend::recording::{RecordedNode, RecordedUdf};
use crate::plan::lower::{lower_udf, Sources};
use crate::plan::{PlanNode, StreamOp};

mod aggregate;
mod calc;
mod io;
mod joins;
mod order;

pub(in crate::table) use calc::{attach_udafs, lower_calc, python_calls};
use aggregate::{grouped_select, lower_aggregate, lower_window};
use calc::table_api_names;
use io::{lower_sink, lower_values};
use joins::{lower_join, lower_lateral};
use order::{lower_over_window, lower_sort};

/// A Python function as the shim describes it.
#[derive(Debug, Deserialize)]
struct FunctionDesc {
    input_types: Option<Vec<String>>,
    result_type: String,
    udf: Option<RecordedUdf>,
    /// `scalar` (default), `aggregate` or `table`.
    #[serde(default)]
    kind: Option<String>,
    /// A table function's column types.
    #[serde(default)]
    result_types: Vec<String>,
    /// `general` (default) or `pandas`.
    #[serde(default)]
    func_type: Option<String>,
}

/// Registered Python functions by name: their signature and recorded function.
pub(super) type Functions = HashMap<String, (FunctionSig, Option<RecordedUdf>)>;

pub(super) struct Ctx<'a, 'b> {
    pub(super) node: &'a RecordedNode,
    sources: &'a mut Sources<'b>,
    /// The job runs in batch mode (see [`lower_table_node`]).
    pub(super) batch: bool,
}

impl Ctx<'_, '_> {
    /// `e` (a span inside `spec`'s text) as a diagnostic at its place in the job file.
    pub(super) fn error(&mut self, spec: &TextSpec, e: ExprError) -> CompileError {
        let category = if e.message.contains("not supported by sluice") {
            Category::Unsupported
        } else {
            Category::User
        };
        CompileError::new(category, e.message)
            .at(locate(spec, e.span, self.sources).or_else(|| self.node.site.clone()))
    }

    pub(super) fn internal_error(&self, what: &str) -> CompileError {
        self.internal(what)
    }

    fn internal(&self, what: &str) -> CompileError {
        CompileError::new(
            Category::Internal,
            format!("recorded node {} ({}) {what}", self.node.id, self.node.op),
        )
    }

    pub(super) fn spec(&self, name: &str) -> Result<TextSpec, CompileError> {
        let value = self.node.params.get(name).cloned().unwrap_or(Json::Null);
        serde_json::from_value(value)
            .map_err(|e| self.internal(&format!("has a bad '{name}': {e}")))
    }

    pub(super) fn specs(&self, name: &str) -> Result<Vec<TextSpec>, CompileError> {
        let value = self.node.params.get(name).cloned().unwrap_or(Json::Null);
        serde_json::from_value(value)
            .map_err(|e| self.internal(&format!("has a bad '{name}': {e}")))
    }

    /// The table's DDL, parsed.
    fn table(&mut self) -> Result<TableDef, CompileError> {
        let text = self
            .node
            .params
            .get("ddl")
            .and_then(Json::as_str)
            .ok_or_else(|| self.internal("has no DDL"))?
            .to_string();
        let spec = self.spec_of_ddl();
        parse_create_table(&text).map_err(|e| self.error(&spec, e))
    }

    pub(super) fn functions(&self) -> Result<Functions, CompileError> {
        let value = self
            .node
            .params
            .get("functions")
            .cloned()
            .unwrap_or(Json::Null);
        if value.is_null() {
            return Ok(HashMap::new());
        }
        let descs: HashMap<String, FunctionDesc> = serde_json::from_value(value)
            .map_err(|e| self.internal(&format!("has bad functions: {e}")))?;
        let mut out = HashMap::new();
        for (name, desc) in descs {
            let pandas = desc.func_type.as_deref() == Some("pandas");
            let parse = |t: &str| {
                // BYTES and ARRAY values cross to and from Python functions (as `bytes` and lists;
                // pandas functions as Arrow binary and list columns); MAP and TIMESTAMP_LTZ do not.
                let ty = SqlType::parse_column(t).filter(|t| {
                    matches!(t, SqlType::Bytes | SqlType::Array(_)) || matches!(t, SqlType::Map(_)) && pandas || !t.is_opaque()
                });
                ty.ok_or_else(|| {
                    // What PyFlink 2.3 itself does with a pandas function's MAP (observed): it converts
                    // MAP results, but fails on a MAP argument whose key type is nullable.
                    let map_note = if t.trim_start().to_ascii_uppercase().starts_with("MAP<") {
                        " (only pandas functions return MAP values in sluice)"
                    } else {
                        ""
                    };
                    CompileError::new(
                        Category::Unsupported,
                        format!("the type {t} of function `{name}` is not supported by sluice yet{map_note}"),
                    )
                    .at(self.node.site.clone())
                })
            };
            let input_types = match &desc.input_types {
                Some(types) => Some(
                    types
                        .iter()
                        .map(|t| parse(t))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                None => None,
            };
            let row = SqlType::parse_row(&desc.result_type);
            let result = match &row {
                Some(fields) => fields[0].ty,
                None => parse(&desc.result_type)?,
            };
            let result_types = desc.result_types.iter().map(|t| parse(t)).collect::<Result<Vec<_>, _>>()?;
            let decimal = |t: &SqlType| matches!(t, SqlType::Decimal(..));
            // Pandas functions exchange decimals as Arrow decimal128 columns (`decimal.Decimal` values);
            // the row-at-a-time bridge has no DECIMAL conversion yet.
            if !pandas && (decimal(&result) || input_types.as_ref().is_some_and(|ts| ts.iter().any(decimal))) {
                return Err(CompileError::new(
                    Category::Unsupported,
                    format!("DECIMAL arguments or results of Python function `{name}` are not supported by sluice yet"),
                )
                .at(self.node.site.clone()));
            }
            out.insert(
                name,
                (
                    FunctionSig {
                        input_types,
                        result,
                        kind: match desc.kind.as_deref() {
                            Some("aggregate") => FunctionKind::Aggregate,
                            Some("table") => FunctionKind::Table,
                            Some("table_aggregate") => FunctionKind::TableAggregate,
                            _ => FunctionKind::Scalar,
                        },
                        result_types,
                        pandas,
                        row,
                    },
                    desc.udf,
                ),
            );
        }
        Ok(out)
    }
}

/// Parses a spec's text as a select list (`a, f(b) as c`; one item for DSL expressions).
pub(super) fn select_items(spec: &TextSpec) -> Result<Vec<sql::SelectItem>, ExprError> {
    let mut parser = Parser::new(&GenericDialect)
        .try_with_sql(&spec.text)
        .map_err(|e| parse_error(&e))?;
    let items = parser
        .parse_comma_separated(Parser::parse_select_item)
        .map_err(|e| parse_error(&e))?;
    let next = parser.peek_token();
    if next.token != sqlparser::tokenizer::Token::EOF {
        return Err(ExprError {
            message: format!("SQL syntax error: unexpected `{}`", next.token),
            span: next.span,
        });
    }
    Ok(items)
}

/// One select item: its expression and the name Flink gives its column (`EXPR$i` when unnamed).
pub(super) fn item_parts(item: &sql::SelectItem, position: usize) -> Result<(&sql::Expr, String), ExprError> {
    match item {
        sql::SelectItem::UnnamedExpr(e) => {
            let name = match e {
                sql::Expr::Identifier(i) => i.value.clone(),
                sql::Expr::CompoundIdentifier(parts) => parts
                    .last()
                    .map_or_else(|| format!("EXPR${position}"), |p| p.value.clone()),
                _ => format!("EXPR${position}"),
            };
            Ok((e, name))
        }
        sql::SelectItem::ExprWithAlias { expr, alias } => Ok((expr, alias.value.clone())),
        other => Err(ExprError {
            message: format!("`{other}` is not supported by sluice yet"),
            span: other.span(),
        }),
    }
}

fn input_schema<'p>(node: &RecordedNode, nodes: &'p [PlanNode]) -> Option<&'p Schema> {
    let input = nodes.get(*node.inputs.first()?)?;
    match &input.op {
        StreamOp::Relational(rel) => Some(rel.schema()),
        _ => None,
    }
}

/// Lowers a recorded Table API node; `None` when the node is not a table node.
/// `batch`: the job runs in batch mode, where every updating operator's changelog is materialized
/// into final rows (see `codegen::rel_stmt_on`), so no operator reads an updating input.
pub(crate) fn lower_table_node(
    node: &RecordedNode,
    nodes: &[PlanNode],
    sources: &mut Sources<'_>,
    batch: bool,
) -> Result<Option<(StreamOp, TypeInfo)>, CompileError> {
    if !node.op.starts_with("table.") && !["sink.table", "sink.tableau", "sink.collect"].contains(&node.op.as_str()) {
        return Ok(None);
    }
    let updating = |nodes: &[PlanNode], i: usize| !batch && updating(nodes, i);
    let mut ctx = Ctx { node, sources, batch };
    let empty = Schema::default();
    let needs_input = !matches!(
        node.op.as_str(),
        "table.scan" | "table.sql_insert" | "table.sql_query" | "table.values"
    );
    let input = match input_schema(node, nodes) {
        Some(schema) => schema.clone(),
        None if needs_input && node.op != "table.from_stream" => return Err(ctx.internal("has no relational input")),
        None => empty,
    };
    let rel = match node.op.as_str() {
        "table.scan" => {
            let def = ctx.table()?;
            let spec = ctx.spec_of_ddl();
            let source = def.source().map_err(|e| ctx.error(&spec, e))?;
            def.into_scan(source)
        }
        "table.select" | "table.filter" => lower_calc(&mut ctx, &input)?,
        "table.aggregate" => {
            let window = node.inputs.first().and_then(|&i| nodes.get(i)).and_then(|n| match &n.op {
                StreamOp::Relational(rel) => Some(rel),
                _ => None,
            });
            let op = lower_aggregate(&mut ctx, &input)?;
            // As in SQL (sql.rs `grouped`): these accumulators cannot retract.
            if let RelOp::Aggregate { aggs, .. } = &op {
                let kept = aggs.iter().find(|a| matches!(a.kind, AggKind::FirstValue | AggKind::LastValue | AggKind::ListAgg));
                if let Some(agg) = kept.filter(|_| node.inputs.first().is_some_and(|&i| updating(nodes, i))) {
                    return Err(CompileError::new(
                        Category::Unsupported,
                        format!("{}() over an updating input (a group_by's changing results) is not supported by sluice yet", agg.kind.sql_name()),
                    )
                    .at(node.site.clone()));
                }
            }
            match window {
                Some(session @ RelOp::SessionWindow { .. }) => {
                    let width = input.fields.len().saturating_sub(3);
                    super::window::session_windowed(op, session, width, true).map_err(|what| {
                        CompileError::new(Category::Unsupported, format!("{what} is not supported by sluice yet"))
                            .at(ctx.node.site.clone())
                    })?
                }
                _ => super::window::windowed(
                    op,
                    window.and_then(super::window::calc_window_end),
                    Some(super::window::GroupWindow::of(window)),
                    super::window::zoned_windows(&input),
                ),
            }
        }
        "table.window" => {
            // A group window on a processing-time attribute: sluice's windows run on event time.
            let time = ctx.spec("time")?;
            let column = input.index_of(time.text.trim().trim_matches('`'));
            let proctime = |c: usize| node.inputs.first().is_some_and(|&i| super::time_attr::plan_time_attr(super::time_attr::TimeKind::Proctime, nodes, i, c));
            if column.is_some_and(proctime) {
                return Err(CompileError::new(
                    Category::Unsupported,
                    format!("{} is not supported by sluice yet", super::time_attr::proctime_unsupported("a group window")),
                )
                .at(ctx.node.site.clone()));
            }
            lower_window(&mut ctx, &input)?
        }
        "table.join" => lower_join(&mut ctx, nodes)?,
        "table.add_columns" => super::columns::lower_add_columns(&mut ctx, &input)?,
        "table.rename_columns" | "table.drop_columns" => super::columns::lower_column_names(&mut ctx, &input)?,
        "table.distinct" => {
            let keys: Vec<Expr> =
                input.fields.iter().enumerate().map(|(index, f)| Expr::Column { index, ty: f.ty }).collect();
            RelOp::Aggregate { projection: keys.clone(), keys, aggs: Vec::new(), schema: input.clone() }
        }
        "table.union" => {
            let right = node
                .inputs
                .get(1)
                .and_then(|&i| nodes.get(i))
                .and_then(|n| match &n.op {
                    StreamOp::Relational(rel) => Some(rel.schema()),
                    _ => None,
                })
                .ok_or_else(|| ctx.internal("has no relational right input"))?;
            let left_types: Vec<SqlType> = input.fields.iter().map(|f| f.ty).collect();
            let right_types: Vec<SqlType> = right.fields.iter().map(|f| f.ty).collect();
            if left_types != right_types {
                return Err(CompileError::new(
                    Category::User,
                    format!("union_all() needs tables of the same column types, got {input} and {right}"),
                )
                .at(node.site.clone()));
            }
            RelOp::Union { schema: input.clone() }
        }
        "table.lateral" => lower_lateral(&mut ctx, &input)?,
        "table.map" => super::map::lower_map(&mut ctx, &node.params, &input)?,
        "table.over" => {
            let over_updates = node.inputs.first().is_some_and(|&i| updating(nodes, i));
            let input_id = node.inputs.first().copied().ok_or_else(|| ctx.internal("has no input"))?;
            let op = lower_over_window(&mut ctx, &input, input_id, over_updates)?;
            let time = match &op {
                RelOp::Query { nodes: query, .. } => query.iter().find_map(|n| match &n.op {
                    RelOp::OverAggregate { time, .. } => Some(*time),
                    _ => None,
                }),
                RelOp::OverAggregate { time, .. } => Some(*time),
                _ => None,
            };
            if time.is_some_and(|t| super::time_attr::plan_time_attr(super::time_attr::TimeKind::Proctime, nodes, input_id, t)) {
                return Err(CompileError::new(
                    Category::Unsupported,
                    format!("{} is not supported by sluice yet", super::time_attr::proctime_unsupported("an over window")),
                )
                .at(ctx.node.site.clone()));
            }
            op
        }
        "table.sort" => {
            let over_updates = node.inputs.first().is_some_and(|&i| updating(nodes, i));
            let input_id = node.inputs.first().copied();
            let is_rowtime = |c: usize| input_id.is_some_and(|i| super::time_attr::plan_rowtime(nodes, i, c));
            lower_sort(&mut ctx, &input, over_updates, &is_rowtime)?
        }
        "table.from_stream" => {
            let ty = node.inputs.first().and_then(|&i| nodes.get(i)).map(|n| n.output.clone());
            let schema = ty.as_ref().and_then(super::types::schema_of_type_info).ok_or_else(|| {
                CompileError::new(
                    Category::Unsupported,
                    format!(
                        "from_data_stream() of a stream of {} is not supported by sluice yet (give the stream a Types.ROW or Types.TUPLE of SQL-typed fields)",
                        ty.map_or("unknown values".to_string(), |t| t.to_string())
                    ),
                )
                .at(node.site.clone())
            })?;
            RelOp::Calc {
                python: Vec::new(),
                filter: None,
                projection: schema
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(index, f)| Expr::Column { index, ty: f.ty })
                    .collect(),
                schema,
            }
        }
        // to_data_stream / to_append_stream / to_changelog_stream: the table's rows continue as a
        // DataStream of Rows (with their row kinds).
        "table.to_stream"
            if node.inputs.first().is_some_and(|&i| updating(nodes, i))
                && node.params.get("api").and_then(Json::as_str) != Some("to_changelog_stream") =>
        {
            let api = node.params.get("api").and_then(Json::as_str).unwrap_or("to_data_stream");
            return Err(CompileError::new(
                Category::User,
                format!("{api}() takes an insert-only table, but this table is updated (by a GROUP BY or DISTINCT); Flink needs to_changelog_stream() here"),
            )
            .at(node.site.clone()));
        }
        "table.to_stream" => RelOp::Calc {
            python: Vec::new(),
            filter: None,
            projection: input
                .fields
                .iter()
                .enumerate()
                .map(|(index, f)| Expr::Column { index, ty: f.ty })
                .collect(),
            schema: input.clone(),
        },
        "table.alias" => {
            let names: Vec<String> = ctx
                .specs("names")?
                .iter()
                .flat_map(|s| s.text.split(',').map(|n| n.trim().trim_matches('`').to_string()).collect::<Vec<_>>())
                .collect();
            if names.len() != input.fields.len() {
                return Err(CompileError::new(
                    Category::User,
                    format!("alias() names {} columns, but the table has {}", names.len(), input.fields.len()),
                )
                .at(node.site.clone()));
            }
            let projection = input
                .fields
                .iter()
                .enumerate()
                .map(|(index, f)| Expr::Column { index, ty: f.ty })
                .collect();
            let schema = Schema {
                fields: names
                    .into_iter()
                    .zip(&input.fields)
                    .map(|(name, f)| Field { name, ty: f.ty })
                    .collect(),
            };
            RelOp::Calc {
                python: Vec::new(),
                filter: None,
                projection,
                schema,
            }
        }
        "sink.table" => lower_sink(&mut ctx, &input, nodes)?,
        "sink.tableau" => RelOp::Tableau { schema: input },
        "sink.collect" => RelOp::Collect { schema: input },
        "table.values" => lower_values(&mut ctx)?,
        "table.sql_insert" | "table.sql_query" => {
            let spec = ctx.spec("statement")?;
            let catalog: Catalog = match node.params.get("catalog") {
                Some(value) => serde_json::from_value(value.clone())
                    .map_err(|e| ctx.internal(&format!("has a bad catalog: {e}")))?,
                None => Catalog::default(),
            };
            let inputs: InputSchemas = node
                .inputs
                .iter()
                .filter_map(|&i| match &nodes.get(i)?.op {
                    StreamOp::Relational(rel) => Some((i, rel.schema().clone())),
                    _ => None,
                })
                .collect();
            let functions = ctx.functions()?;
            let kind = if node.op == "table.sql_insert" {
                StatementKind::Insert
            } else {
                StatementKind::Query
            };
            let facts = InputFacts {
                updating: node.inputs.iter().copied().filter(|&i| updating(nodes, i)).collect(),
                rowtimes: super::time_attr::input_rowtimes(nodes, &node.inputs),
                proctimes: super::time_attr::input_time_attrs(super::time_attr::TimeKind::Proctime, nodes, &node.inputs),
            };
            lower_statement(&mut ctx, &spec, kind, &catalog, &functions, &inputs, &facts)?
        }
        other => return Err(ctx.internal(&format!("has an unknown table operation {other}"))),
    };
    super::udaf_places::check_python_aggregates(&rel, node)?;
    let output = rel.schema().type_info();
    Ok(Some((StreamOp::Relational(rel), output)))
}

impl Ctx<'_, '_> {
    /// The recorded DDL as located text: at the call that registered the table, its pieces at the
    /// descriptor calls that wrote them.
    fn spec_of_ddl(&self) -> TextSpec {
        let params = &self.node.params;
        TextSpec::ddl(
            params.get("ddl").and_then(Json::as_str).unwrap_or("").to_string(),
            params.get("ddl_site").and_then(|s| serde_json::from_value(s.clone()).ok()),
            params
                .get("ddl_pieces")
                .and_then(|p| serde_json::from_value(p.clone()).ok())
                .unwrap_or_default(),
        )
    }
}

/// Whether plan node `node` produces a changelog with updates (a group aggregate upstream).
fn updating(nodes: &[PlanNode], node: usize) -> bool {
    fn rel_updates(rel: &RelOp) -> bool {
        match rel {
            RelOp::Query { nodes, .. } => nodes.iter().any(|n| rel_updates(&n.op)),
            op => op.emits_updates(),
        }
    }
    let Some(n) = nodes.get(node) else {
        return false;
    };
    match &n.op {
        StreamOp::Relational(rel) if rel_updates(rel) => true,
        StreamOp::Relational(_) => n.inputs.iter().any(|&i| updating(nodes, i)),
        _ => false,
    }
}

