//! `group_by(...).select(...)` and group windows of the Table API: keys, aggregates and the
//! projection over them, with the column names Flink gives.

use super::*;

pub(in crate::table) fn lower_aggregate(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let functions = ctx.functions()?;
    let sigs: HashMap<String, FunctionSig> = functions
        .iter()
        .map(|(n, (s, _))| (n.clone(), s.clone()))
        .collect();
    let mut keys = Vec::new();
    for spec in ctx.specs("keys")? {
        let result = (|| {
            for item in crate::table::column_functions::expand(select_items(&spec)?, input)? {
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
        crate::table::row_aggregate::row_aggregate(ctx, input, &sigs, &keys)?
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
pub(in crate::table) fn aggregate_names(fields: &mut [Field], projection: &[Expr], keys: &[Expr], input: &Schema) {
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
pub(in crate::table) fn aggregate_refs(expr: &Expr, first: usize) -> usize {
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
pub(in crate::table) fn grouped_select(
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

/// `table.window(Tumble.over(size).on(time).alias(w))`: the TUMBLE table function over the input.
pub(in crate::table) fn lower_window(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
    let (size, time) = (ctx.spec("size")?, ctx.spec("time")?);
    let one = |spec: &TextSpec| -> Result<sql::Expr, ExprError> {
        let items = select_items(spec)?;
        let item = items.first().ok_or_else(|| crate::table::expr::error(Span::empty(), "expected an expression"))?;
        Ok(item_parts(item, 0)?.0.clone())
    };
    let size_expr = one(&size).map_err(|e| ctx.error(&size, e))?;
    let time_expr = one(&time).map_err(|e| ctx.error(&time, e))?;
    let size_ms = crate::table::window::interval_millis(&size_expr)
        .filter(|s| *s > 0)
        .ok_or_else(|| ctx.error(&size, crate::table::expr::error(size_expr.span(), "the window size must be an interval such as lit(10).seconds")))?;
    let time_column = match &time_expr {
        sql::Expr::Identifier(i) => i.value.clone(),
        other => return Err(ctx.error(&time, crate::table::expr::error(other.span(), "on() takes a time attribute column"))),
    };
    let kind = match ctx.node.params.get("kind").and_then(Json::as_str) {
        Some("slide") => {
            let slide = ctx.spec("slide")?;
            let slide_expr = one(&slide).map_err(|e| ctx.error(&slide, e))?;
            let step_ms = crate::table::window::interval_millis(&slide_expr)
                .filter(|s| *s > 0)
                .ok_or_else(|| ctx.error(&slide, crate::table::expr::error(slide_expr.span(), "the window slide must be an interval such as lit(5).seconds")))?;
            if size_ms % step_ms != 0 {
                return Err(ctx.error(&slide, crate::table::expr::error(slide_expr.span(), format!("a sliding window's size ({size_ms} ms) must be a multiple of its slide ({step_ms} ms) in sluice"))));
            }
            crate::table::window::TvfKind::Hop { step_ms }
        }
        Some("session") => crate::table::window::TvfKind::Session { partition: None },
        _ => crate::table::window::TvfKind::Tumble,
    };
    let tvf = crate::table::window::Tvf { table: "the table".into(), table_span: Span::empty(), time_column, size_ms, kind };
    crate::table::window::tvf_calc(&tvf, input, time_expr.span()).map_err(|e| ctx.error(&time, e))
}

