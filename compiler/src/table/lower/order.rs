//! Table API over windows and `order_by` / `offset` / `fetch`.

use super::*;

/// `over_window(Over.partition_by(...).order_by(t).preceding(...).alias(w)).select(... .over(w))`: an
/// OVER aggregate and the select list over `[input..., aggregates...]`.
pub(in crate::table) fn lower_over_window(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    input_id: usize,
    over_updates: bool,
) -> Result<RelOp, CompileError> {
    use crate::table::QueryNode;
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
        crate::table::over::resolve(&spec, &mut scope, Span::empty())
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
pub(in crate::table) fn lower_sort(
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
                keys.push(crate::table::SortSpec { expr, descending, nulls_first: o.options.nulls_first.unwrap_or(!descending) });
            }
            Ok(())
        })();
        result.map_err(|e| ctx.error(&spec, e))?;
    }
    // Batch mode sorts all rows (a rank without a limit, its rows sorted when materialized).
    let fetch = if ctx.batch { Some(fetch.unwrap_or(u64::MAX)) } else { fetch };
    let Some(limit) = fetch else {
        // Without fetch/limit, Flink sorts a stream only on an ascending time attribute first:
        // rows wait for the watermark (a temporal sort).
        let time = match keys.first() {
            Some(crate::table::SortSpec { expr: Expr::Column { index, .. }, descending: false, .. }) if is_rowtime(*index) => *index,
            _ => {
                let message = "order_by() without fetch() or limit() over a streaming table, other than on an ascending time attribute first, is not supported (Flink: \"Sort on a non-time-attribute field is not supported\")";
                return Err(match first_key {
                    Some((spec, span)) => ctx.error(&spec, crate::table::expr::error(span, message)),
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

