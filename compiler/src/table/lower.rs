//! Recorded `table.*` nodes to [`RelOp`]s: DDL parsed, expressions parsed, resolved and typed.

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
        let site = self
            .node
            .params
            .get("ddl_site")
            .and_then(|s| serde_json::from_value(s.clone()).ok());
        let spec = TextSpec {
            text: text.clone(),
            kind: "sql".into(),
            arg: 0,
            site,
        };
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
pub(crate) fn lower_table_node(
    node: &RecordedNode,
    nodes: &[PlanNode],
    sources: &mut Sources<'_>,
) -> Result<Option<(StreamOp, TypeInfo)>, CompileError> {
    if !node.op.starts_with("table.") && node.op != "sink.table" && node.op != "sink.tableau" {
        return Ok(None);
    }
    let mut ctx = Ctx { node, sources };
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
            RelOp::Scan {
                table: def.name,
                source,
                schema: def.schema,
                rowtime: def.rowtime,
            }
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
        "table.window" => lower_window(&mut ctx, &input)?,
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
            lower_over_window(&mut ctx, &input, input_id, over_updates)?
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
    fn spec_of_ddl(&self) -> TextSpec {
        TextSpec {
            text: self
                .node
                .params
                .get("ddl")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            kind: "sql".into(),
            arg: 0,
            site: self
                .node
                .params
                .get("ddl_site")
                .and_then(|s| serde_json::from_value(s.clone()).ok()),
        }
    }
}

pub(super) fn python_calls(
    ctx: &mut Ctx<'_, '_>,
    found: Vec<FoundCall>,
    functions: &Functions,
    input: &Schema,
) -> Result<Vec<PyCall>, CompileError> {
    let mut out = Vec::new();
    // Computed arguments are columns `f0`, `f1`, ... of the Python operator's input in PyFlink.
    let mut computed = 0;
    for call in found {
        let recorded = functions
            .get(&call.function)
            .and_then(|(_, udf)| udf.as_ref())
            .ok_or_else(|| {
                ctx.internal(&format!("has no descriptor for function {}", call.function))
            })?;
        let udf = lower_udf(recorded, ctx.node, ctx.sources);
        let arg_names = python_arg_names(&call.args, input, &mut computed, "f");
        out.push(PyCall {
            arg_types: call.args.iter().map(Expr::ty).collect(),
            function: call.function,
            udf,
            args: call.args,
            result: call.result,
            pandas: call.pandas,
            arg_names,
            input_width: input.fields.len(),
            frame: false,
        });
    }
    Ok(out)
}

/// The names PyFlink gives a Python function's arguments (pandas Series names): an input column's own
/// name, else `<prefix><n>` numbered on from `computed`.
fn python_arg_names(args: &[Expr], input: &Schema, computed: &mut usize, prefix: &str) -> Vec<String> {
    args.iter()
        .map(|arg| match arg {
            Expr::Column { index, .. } if *index < input.fields.len() => input.fields[*index].name.clone(),
            _ => {
                *computed += 1;
                format!("{prefix}{}", *computed - 1)
            }
        })
        .collect()
}

/// The recorded Python functions of a grouped select's Python aggregate calls.
pub(super) fn attach_udafs(
    ctx: &mut Ctx<'_, '_>,
    aggs: &mut [AggCall],
    functions: &Functions,
    input: &Schema,
) -> Result<(), CompileError> {
    // Computed arguments are columns `$f<n>` after the input's in the aggregate's input in PyFlink; a
    // Table API group window's input here also has the window columns sluice appends, which PyFlink's
    // has not.
    let window_columns = ["window_start", "window_end", "window_time"];
    let appended = input.fields.iter().rev().take_while(|f| window_columns.contains(&f.name.as_str())).count();
    let mut computed = input.fields.len() - if appended == 3 { 3 } else { 0 };
    for agg in aggs.iter_mut() {
        let Some(py) = agg.python.as_mut() else { continue };
        let recorded = functions
            .get(&py.function)
            .and_then(|(_, udf)| udf.as_ref())
            .ok_or_else(|| ctx.internal(&format!("has no descriptor for function {}", py.function)))?;
        py.udf = Some(lower_udf(recorded, ctx.node, ctx.sources));
        py.arg_names = python_arg_names(&py.args, input, &mut computed, "$f");
    }
    Ok(())
}

/// The Table API's names for unnamed select items that are not plain columns: `_c<position>`
/// (Flink's ProjectionOperationFactory), where SQL says `EXPR$<position>`.
fn table_api_names(fields: &mut [Field]) {
    for (i, field) in fields.iter_mut().enumerate() {
        if field.name == format!("EXPR${i}") {
            field.name = format!("_c{i}");
        }
    }
}

pub(super) fn lower_calc(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions
        .iter()
        .map(|(n, (s, _))| (n.clone(), s.clone()))
        .collect();
    let mut found = Vec::new();
    let mut projection = Vec::new();
    let mut fields = Vec::new();
    let mut filter = None;
    if ctx.node.op == "table.filter" {
        let spec = ctx.spec("predicate")?;
        let expr = (|| {
            let mut items = select_items(&spec)?;
            let (Some(sql::SelectItem::UnnamedExpr(e)), true) = (items.pop(), items.is_empty())
            else {
                return Err(ExprError {
                    message: "where() takes one boolean expression".into(),
                    span: Span::empty(),
                });
            };
            let mut scope = Scope {
                input,
                functions: &sigs,
                grouping: None,
                python: Some(&mut found),
                sql: false,
                    qualifiers: None,
            };
            let resolved = scope.resolve(&e)?;
            if resolved.ty() != SqlType::Boolean {
                return Err(ExprError {
                    message: format!(
                        "the filter condition must be BOOLEAN, but is {}",
                        resolved.ty()
                    ),
                    span: e.span(),
                });
            }
            Ok(resolved)
        })()
        .map_err(|e| ctx.error(&spec, e))?;
        filter = Some(expr);
        for (index, f) in input.fields.iter().enumerate() {
            projection.push(Expr::Column { index, ty: f.ty });
            fields.push(f.clone());
        }
    } else {
        for spec in ctx.specs("exprs")? {
            let result = (|| {
                for item in select_items(&spec)? {
                    if let sql::SelectItem::Wildcard(_) = item {
                        for (index, f) in input.fields.iter().enumerate() {
                            projection.push(Expr::Column { index, ty: f.ty });
                            fields.push(f.clone());
                        }
                        continue;
                    }
                    let (e, name) = item_parts(&item, fields.len())?;
                    let mut scope = Scope {
                        input,
                        functions: &sigs,
                        grouping: None,
                        python: Some(&mut found),
                        sql: false,
                    qualifiers: None,
                    };
                    let resolved = scope.resolve(e)?;
                    fields.push(Field {
                        name,
                        ty: resolved.ty(),
                    });
                    projection.push(resolved);
                }
                Ok(())
            })();
            result.map_err(|e| ctx.error(&spec, e))?;
        }
    }
    table_api_names(&mut fields);
    let python = python_calls(ctx, found, &functions, input)?;
    Ok(RelOp::Calc {
        python,
        filter,
        projection,
        schema: Schema { fields },
    })
}

fn lower_aggregate(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions
        .iter()
        .map(|(n, (s, _))| (n.clone(), s.clone()))
        .collect();
    let mut keys = Vec::new();
    for spec in ctx.specs("keys")? {
        let result = (|| {
            for item in select_items(&spec)? {
                let (e, _) = item_parts(&item, keys.len())?;
                let mut scope = Scope {
                    input,
                    functions: &sigs,
                    grouping: None,
                    python: None,
                    sql: false,
                    qualifiers: None,
                };
                keys.push(scope.resolve(e)?);
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&spec, e))?;
    }
    let (mut aggs, projection, fields) = if ctx.node.params.get("row_agg").is_some_and(|a| !a.is_null()) {
        super::row_aggregate::row_aggregate(ctx, input, &sigs, &keys)?
    } else {
        let (aggs, projection, mut fields) = grouped_select(ctx, input, &sigs, &keys)?;
        aggregate_names(&mut fields, &projection, &keys, input);
        (aggs, projection, fields)
    };
    attach_udafs(ctx, &mut aggs, &functions, input)?;
    Ok(RelOp::Aggregate {
        keys,
        aggs,
        projection,
        schema: Schema { fields },
    })
}

/// The Table API's names for the unnamed items of a grouped select (Flink's AggregateOperationFactory):
/// a bare aggregate call, and over a group window a bare `w.start` / `w.end`, is `EXPR$<n>`, `n`
/// counting those items (named or not) and the aggregate calls inside other items, in select order;
/// any other expression is `_c<position>`.
fn aggregate_names(fields: &mut [Field], projection: &[Expr], keys: &[Expr], input: &Schema) {
    let window_column = |key: &Expr| match key {
        Expr::Column { index, .. } => input
            .fields
            .get(*index)
            .filter(|f| f.name == "window_start" || f.name == "window_end")
            .filter(|_| input.fields.iter().any(|f| f.name == "window_time"))
            .map(|f| f.name.clone()),
        _ => None,
    };
    let mut counter = 0;
    for (position, (field, expr)) in fields.iter_mut().zip(projection).enumerate() {
        let unnamed = field.name == format!("EXPR${position}");
        let (counted, unnamed) = match expr {
            Expr::Column { index, .. } if *index >= keys.len() => (true, unnamed),
            Expr::Column { index, .. } => match keys.get(*index).and_then(window_column) {
                Some(name) => (true, field.name == name),
                None => (false, unnamed),
            },
            _ => (false, unnamed),
        };
        if counted {
            if unnamed {
                field.name = format!("EXPR${counter}");
            }
            counter += 1;
        } else {
            // The aggregate calls inside an expression take their numbers too.
            counter += aggregate_refs(expr, keys.len());
            if unnamed {
                field.name = format!("_c{position}");
            }
        }
    }
}

/// How many references to aggregate values (columns from `first` on) `expr` makes.
fn aggregate_refs(expr: &Expr, first: usize) -> usize {
    match expr {
        Expr::Column { index, .. } => usize::from(*index >= first),
        Expr::Literal { .. } => 0,
        Expr::Binary { left, right, .. } => aggregate_refs(left, first) + aggregate_refs(right, first),
        Expr::Not(e) | Expr::Negate(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => aggregate_refs(e, first),
        Expr::Call { args, .. } => args.iter().map(|a| aggregate_refs(a, first)).sum(),
        Expr::Case { branches, otherwise, .. } => {
            branches.iter().map(|(w, v)| aggregate_refs(w, first) + aggregate_refs(v, first)).sum::<usize>()
                + aggregate_refs(otherwise, first)
        }
    }
}

/// The `exprs` of a grouped select (`group_by(...).select(...)`, an over window's select): each
/// resolved over `keys` with its aggregate calls collected; returns (aggregates, projection over
/// `[keys..., aggregates...]`, output fields).
fn grouped_select(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    sigs: &HashMap<String, FunctionSig>,
    keys: &[Expr],
) -> Result<(Vec<AggCall>, Vec<Expr>, Vec<Field>), CompileError> {
    let mut aggs: Vec<AggCall> = Vec::new();
    let mut projection = Vec::new();
    let mut fields = Vec::new();
    for spec in ctx.specs("exprs")? {
        let result = (|| {
            for item in select_items(&spec)? {
                let (e, name) = item_parts(&item, fields.len())?;
                let mut scope = Scope {
                    input,
                    functions: sigs,
                    grouping: Some((keys, &mut aggs)),
                    python: None,
                    sql: false,
                    qualifiers: None,
                };
                let resolved = scope.resolve(e)?;
                fields.push(Field { name, ty: resolved.ty() });
                projection.push(resolved);
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&spec, e))?;
    }
    Ok((aggs, projection, fields))
}

/// Whether plan node `node` produces a changelog with updates (a group aggregate upstream).
fn updating(nodes: &[PlanNode], node: usize) -> bool {
    fn rel_updates(rel: &RelOp) -> bool {
        match rel {
            RelOp::Aggregate { .. } => true,
            RelOp::Join { kind, interval, temporal, .. } => {
                interval.is_none() && temporal.is_none() && *kind != super::join::JoinKind::Inner
            }
            RelOp::TopN { .. } | RelOp::AntiJoin { .. } => true,
            RelOp::Deduplicate { keep_last, .. } => *keep_last,
            RelOp::Query { nodes, .. } => nodes.iter().any(|n| rel_updates(&n.op)),
            _ => false,
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

/// `table.window(Tumble.over(size).on(time).alias(w))`: the TUMBLE table function over the input.
fn lower_window(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let (size, time) = (ctx.spec("size")?, ctx.spec("time")?);
    let one = |spec: &TextSpec| -> Result<sql::Expr, ExprError> {
        let items = select_items(spec)?;
        let item = items.first().ok_or_else(|| super::expr::error(Span::empty(), "expected an expression"))?;
        Ok(item_parts(item, 0)?.0.clone())
    };
    let size_expr = one(&size).map_err(|e| ctx.error(&size, e))?;
    let time_expr = one(&time).map_err(|e| ctx.error(&time, e))?;
    let size_ms = super::window::interval_millis(&size_expr)
        .filter(|s| *s > 0)
        .ok_or_else(|| ctx.error(&size, super::expr::error(size_expr.span(), "the window size must be an interval such as lit(10).seconds")))?;
    let time_column = match &time_expr {
        sql::Expr::Identifier(i) => i.value.clone(),
        other => return Err(ctx.error(&time, super::expr::error(other.span(), "on() takes a time attribute column"))),
    };
    let kind = match ctx.node.params.get("kind").and_then(Json::as_str) {
        Some("slide") => {
            let slide = ctx.spec("slide")?;
            let slide_expr = one(&slide).map_err(|e| ctx.error(&slide, e))?;
            let step_ms = super::window::interval_millis(&slide_expr)
                .filter(|s| *s > 0)
                .ok_or_else(|| ctx.error(&slide, super::expr::error(slide_expr.span(), "the window slide must be an interval such as lit(5).seconds")))?;
            if size_ms % step_ms != 0 {
                return Err(ctx.error(&slide, super::expr::error(slide_expr.span(), format!("a sliding window's size ({size_ms} ms) must be a multiple of its slide ({step_ms} ms) in sluice"))));
            }
            super::window::TvfKind::Hop { step_ms }
        }
        Some("session") => super::window::TvfKind::Session { partition: None },
        _ => super::window::TvfKind::Tumble,
    };
    let tvf = super::window::Tvf { table: "the table".into(), table_span: Span::empty(), time_column, size_ms, kind };
    super::window::tvf_calc(&tvf, input, time_expr.span()).map_err(|e| ctx.error(&time, e))
}

/// `left.join(right, predicate)` (and the outer kinds): a query of the two tables joined, the
/// predicate split into equi-join keys and the rest. Table API joins need distinct column names.
fn lower_join(ctx: &mut Ctx<'_, '_>, nodes: &[PlanNode]) -> Result<RelOp, CompileError> {
    use super::join::{join_schema, split_condition, JoinKind};
    use super::QueryNode;
    let side = |i: usize| -> Option<(usize, Schema)> {
        let id = *ctx.node.inputs.get(i)?;
        match &nodes.get(id)?.op {
            StreamOp::Relational(rel) => Some((id, rel.schema().clone())),
            _ => None,
        }
    };
    let (Some((left_id, left)), Some((right_id, right))) = (side(0), side(1)) else {
        return Err(ctx.internal("needs two relational inputs"));
    };
    let kind = match ctx.node.params.get("kind").and_then(Json::as_str) {
        Some("left") => JoinKind::Left,
        Some("right") => JoinKind::Right,
        Some("full") => JoinKind::Full,
        _ => JoinKind::Inner,
    };
    if let Some(dup) = left.fields.iter().find(|f| right.index_of(&f.name).is_some()) {
        return Err(CompileError::new(
            Category::User,
            format!(
                "join relations with ambiguous names: `{}` is a column of both tables (rename one side with alias() first)",
                dup.name
            ),
        )
        .at(ctx.node.site.clone()));
    }
    let schema = join_schema(&left, &right);
    let condition = match ctx.node.params.get("predicate") {
        Some(p) if !p.is_null() => {
            let spec = ctx.spec("predicate")?;
            let functions = ctx.functions()?;
            let sigs: HashMap<String, FunctionSig> = functions.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect();
            let resolved = (|| {
                let mut items = select_items(&spec)?;
                let (Some(sql::SelectItem::UnnamedExpr(e)), true) = (items.pop(), items.is_empty()) else {
                    return Err(super::expr::error(Span::empty(), "a join takes one boolean condition"));
                };
                let mut scope = Scope {
                    input: &schema,
                    functions: &sigs,
                    grouping: None,
                    python: None,
                    sql: false,
                    qualifiers: None,
                };
                let resolved = scope.resolve(&e)?;
                if resolved.ty() != SqlType::Boolean {
                    return Err(super::expr::error(
                        e.span(),
                        format!("the join condition must be BOOLEAN, but is {}", resolved.ty()),
                    ));
                }
                Ok(resolved)
            })()
            .map_err(|e| ctx.error(&spec, e))?;
            Some(resolved)
        }
        _ => None,
    };
    if condition.is_none() {
        return Err(CompileError::new(
            Category::Unsupported,
            "a join without a condition (a cross join) is not supported by sluice yet: give join() a predicate or follow it with where()",
        )
        .at(ctx.node.site.clone()));
    }
    let left_width = left.fields.len();
    let split = split_condition(condition, left_width);
    // Flink runs a join whose condition bounds both sides' rowtime attributes against each other
    // as an interval join: insert-only, unmatched outer rows padded when they expire.
    let interval = split.rest.as_ref().and_then(|rest| {
        super::join::interval_bounds(rest, left_width, |c| {
            if c < left_width {
                super::time_attr::plan_rowtime(nodes, left_id, c)
            } else {
                super::time_attr::plan_rowtime(nodes, right_id, c - left_width)
            }
        })
    });
    let query = vec![
        QueryNode { op: RelOp::Input { node: left_id, schema: left }, inputs: Vec::new() },
        QueryNode { op: RelOp::Input { node: right_id, schema: right }, inputs: Vec::new() },
        QueryNode {
            op: RelOp::Join {
                kind,
                left_keys: split.left_keys,
                right_keys: split.right_keys,
                condition: split.rest,
                left_width,
                interval,
                temporal: None,
                schema: schema.clone(),
            },
            inputs: vec![0, 1],
        },
    ];
    Ok(RelOp::Query { nodes: query, schema })
}

/// `over_window(Over.partition_by(...).order_by(t).preceding(...).alias(w)).select(... .over(w))`: an
/// OVER aggregate and the select list over `[input..., aggregates...]`.
fn lower_over_window(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    input_id: usize,
    over_updates: bool,
) -> Result<RelOp, CompileError> {
    use super::QueryNode;
    if over_updates {
        return Err(CompileError::new(
            Category::Unsupported,
            "an over window over an updating table is not supported by sluice yet",
        )
        .at(ctx.node.site.clone()));
    }
    let window_spec = ctx.spec("window")?;
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect();
    let window = (|| {
        let text = format!("{})", window_spec.text);
        let mut parser = Parser::new(&GenericDialect).try_with_sql(&text).map_err(|e| parse_error(&e))?;
        let spec = parser.parse_window_spec().map_err(|e| parse_error(&e))?;
        let mut scope = Scope { input, functions: &sigs, grouping: None, python: None, sql: false, qualifiers: None };
        super::over::resolve(&spec, &mut scope, Span::empty())
    })()
    .map_err(|e| ctx.error(&window_spec, e))?;
    let keys: Vec<Expr> = input
        .fields
        .iter()
        .enumerate()
        .map(|(index, f)| Expr::Column { index, ty: f.ty })
        .collect();
    let (mut aggs, projection, fields) = grouped_select(ctx, input, &sigs, &keys)?;
    // Python aggregate functions here are checked by `udaf_places::check_python_aggregates`.
    attach_udafs(ctx, &mut aggs, &functions, input)?;
    let mut over_fields = input.fields.clone();
    for (i, a) in aggs.iter().enumerate() {
        over_fields.push(Field { name: format!("$o{i}"), ty: a.ty });
    }
    let mut fields = fields;
    table_api_names(&mut fields);
    let schema = Schema { fields };
    let query = vec![
        QueryNode { op: RelOp::Input { node: input_id, schema: input.clone() }, inputs: Vec::new() },
        QueryNode {
            op: RelOp::OverAggregate {
                partition: window.partition,
                time: window.time,
                frame: window.frame,
                aggs,
                schema: Schema { fields: over_fields },
            },
            inputs: vec![0],
        },
        QueryNode {
            op: RelOp::Calc { python: Vec::new(), filter: None, projection, schema: schema.clone() },
            inputs: vec![1],
        },
    ];
    Ok(RelOp::Query { nodes: query, schema })
}

/// `order_by(keys).fetch(n)` / `.limit(n[, offset])` / `.offset(m)`: Flink's streaming Top-N;
/// `order_by(rowtime[, keys])` alone: Flink's temporal sort (`is_rowtime` says which input columns
/// are rowtime attributes).
fn lower_sort(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    over_updates: bool,
    is_rowtime: &dyn Fn(usize) -> bool,
) -> Result<RelOp, CompileError> {
    let site = ctx
        .node
        .params
        .get("site")
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .or_else(|| ctx.node.site.clone());
    let fetch = ctx.node.params.get("fetch").and_then(Json::as_u64);
    if over_updates {
        let what = if fetch.is_some() { "order_by().fetch()" } else { "order_by()" };
        return Err(CompileError::new(
            Category::Unsupported,
            format!("{what} over an updating table (a group_by or outer join result) is not supported by sluice yet"),
        )
        .at(site));
    }
    let offset = ctx.node.params.get("offset").and_then(Json::as_u64).unwrap_or(0);
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect();
    let mut keys = Vec::new();
    let mut first_key = None;
    for spec in ctx.specs("keys")? {
        let result = (|| {
            let mut parser = Parser::new(&GenericDialect).try_with_sql(&spec.text).map_err(|e| parse_error(&e))?;
            let exprs = parser.parse_comma_separated(Parser::parse_order_by_expr).map_err(|e| parse_error(&e))?;
            for o in exprs {
                let descending = matches!(o.options.sort, Some(sql::OrderBySort::Desc));
                let mut scope = Scope { input, functions: &sigs, grouping: None, python: None, sql: false, qualifiers: None };
                let expr = scope.resolve(&o.expr)?;
                if keys.is_empty() {
                    first_key = Some((spec.clone(), o.expr.span()));
                }
                keys.push(super::SortSpec { expr, descending, nulls_first: o.options.nulls_first.unwrap_or(!descending) });
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&spec, e))?;
    }
    let Some(limit) = fetch else {
        // Without fetch/limit, Flink sorts a stream only on an ascending time attribute first:
        // rows wait for the watermark (a temporal sort).
        let time = match keys.first() {
            Some(super::SortSpec { expr: Expr::Column { index, .. }, descending: false, .. }) if is_rowtime(*index) => *index,
            _ => {
                let message = "order_by() without fetch() or limit() over a streaming table, other than on an ascending time attribute first, is not supported (Flink: \"Sort on a non-time-attribute field is not supported\")";
                return Err(match first_key {
                    Some((spec, span)) => ctx.error(&spec, super::expr::error(span, message)),
                    None => CompileError::new(Category::Unsupported, message).at(site),
                });
            }
        };
        keys.remove(0);
        return Ok(RelOp::TimeSort { time, keys, schema: input.clone() });
    };
    let too_big = |n: u64| usize::try_from(n).ok();
    let (Some(limit), Some(offset)) = (too_big(limit), too_big(offset)) else {
        return Err(CompileError::new(Category::User, "the row count is too large").at(site));
    };
    Ok(RelOp::TopN { keys, limit, offset, partition: Vec::new(), rank_number: false, row_number: false, retracting: false, schema: input.clone() })
}

/// `join_lateral(f(args).alias(names...))` / `left_outer_join_lateral(...)`: a Correlate.
fn lower_lateral(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    if ctx.node.params.get("predicate").is_some_and(|p| !p.is_null()) {
        return Err(CompileError::new(
            Category::Unsupported,
            "a join predicate of a lateral table join is not supported by sluice yet (filter with where() after the join)",
        )
        .at(ctx.node.site.clone()));
    }
    let spec = ctx.spec("call")?;
    let names: Option<Vec<String>> = ctx
        .node
        .params
        .get("names")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .filter(|n: &Vec<String>| !n.is_empty());
    let left_outer = ctx.node.params.get("kind").and_then(Json::as_str) == Some("left");
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect();
    let lateral = (|| {
        let items = select_items(&spec)?;
        let item = items.first().ok_or_else(|| super::expr::error(Span::empty(), "expected a table function call"))?;
        let (e, _) = item_parts(item, 0)?;
        let mut scope = Scope { input, functions: &sigs, grouping: None, python: None, sql: false, qualifiers: None };
        super::correlate::resolve(&mut scope, e, names.as_deref(), e.span())
    })()
    .map_err(|e| ctx.error(&spec, e))?;
    super::correlate::build(ctx, lateral, input, left_outer, &functions)
}

/// `from_elements`: the column names and SQL types the shim inferred or was given.
fn lower_values(ctx: &mut Ctx<'_, '_>) -> Result<RelOp, CompileError> {
    #[derive(Deserialize)]
    struct Column {
        name: String,
        #[serde(rename = "type")]
        ty: String,
    }
    let value = ctx.node.params.get("schema").cloned().unwrap_or(Json::Null);
    let columns: Vec<Column> =
        serde_json::from_value(value).map_err(|e| ctx.internal(&format!("has a bad schema: {e}")))?;
    let mut fields = Vec::new();
    for c in columns {
        let ty = SqlType::parse(&c.ty)
            .filter(|t| !matches!(t, SqlType::Decimal(..)))
            .ok_or_else(|| {
                CompileError::new(
                    Category::Unsupported,
                    format!("from_elements() column `{}` of type {} is not supported by sluice yet", c.name, c.ty),
                )
                .at(ctx.node.site.clone())
            })?;
        fields.push(Field { name: c.name, ty });
    }
    Ok(RelOp::Values {
        schema: Schema { fields },
    })
}

fn lower_sink(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    nodes: &[PlanNode],
) -> Result<RelOp, CompileError> {
    let def = ctx.table()?.for_writing();
    let spec = ctx.spec_of_ddl();
    let mut sink = def.sink().map_err(|e| ctx.error(&spec, e))?;
    let query = ctx.node.inputs.first().copied();
    let checked = match &mut sink {
        super::SinkConnector::Jdbc(jdbc) => {
            super::connectors::resolve_upsert_key(jdbc, &def.name, &def.schema, nodes, query)
        }
        super::SinkConnector::Kafka {
            upsert_key: None, ..
        }
        | super::SinkConnector::File { .. } => super::connectors::check_append_only(&def.name, nodes, query),
        super::SinkConnector::Kafka {
            upsert_key: Some(key),
            ..
        } => match key.iter().find(|k| !def.schema.fields.iter().any(|f| &f.name == *k)) {
            Some(k) => Err(format!(
                "the primary key column `{k}` is not a column of table `{}` {}",
                def.name, def.schema
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    };
    checked.map_err(|m| CompileError::new(Category::User, m).at(ctx.node.site.clone()))?;
    let site = ctx.node.site.clone();
    if def.schema.fields.len() != input.fields.len() {
        return Err(CompileError::new(
            Category::User,
            format!(
                "column count mismatch: the query has {} columns {input}, but table `{}` has {} {}",
                input.fields.len(),
                def.name,
                def.schema.fields.len(),
                def.schema
            ),
        )
        .at(site));
    }
    let mut casts = Vec::new();
    for (index, (from, to)) in input.fields.iter().zip(&def.schema.fields).enumerate() {
        if !from.ty.assignable_to(to.ty) {
            return Err(CompileError::new(
                Category::User,
                format!(
                    "type mismatch: query column `{}` is {}, but column `{}` of table `{}` is {}",
                    from.name, from.ty, to.name, def.name, to.ty
                ),
            )
            .at(site));
        }
        casts.push(Expr::Column { index, ty: from.ty }.cast(to.ty));
    }
    Ok(RelOp::Sink {
        table: def.name,
        sink,
        casts,
        schema: def.schema,
    })
}
