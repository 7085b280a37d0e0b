//! Table API joins: `join`/`left_outer_join`/... with their conditions (interval joins when both
//! sides' rowtimes are bounded), and `join_lateral` with table functions.

use super::*;

/// `left.join(right, predicate)` (and the outer kinds): a query of the two tables joined, the
/// predicate split into equi-join keys and the rest. Table API joins need distinct column names.
pub(in crate::table) fn lower_join(ctx: &mut Ctx<'_, '_>, nodes: &[PlanNode]) -> Result<RelOp, CompileError> {
    use crate::table::join::{join_schema, split_condition, JoinKind};
    use crate::table::QueryNode;
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
                    return Err(crate::table::expr::error(Span::empty(), "a join takes one boolean condition"));
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
                    return Err(crate::table::expr::error(
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
        crate::table::join::interval_bounds(rest, left_width, |c| {
            if c < left_width {
                crate::table::time_attr::plan_rowtime(nodes, left_id, c)
            } else {
                crate::table::time_attr::plan_rowtime(nodes, right_id, c - left_width)
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

/// `join_lateral(f(args).alias(names...))` / `left_outer_join_lateral(...)`: a Correlate.
pub(in crate::table) fn lower_lateral(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
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
        let item = items.first().ok_or_else(|| crate::table::expr::error(Span::empty(), "expected a table function call"))?;
        let (e, _) = item_parts(item, 0)?;
        let mut scope = Scope { input, functions: &sigs, grouping: None, python: None, sql: false, qualifiers: None };
        crate::table::correlate::resolve(&mut scope, e, names.as_deref(), e.span())
    })()
    .map_err(|e| ctx.error(&spec, e))?;
    crate::table::correlate::build(ctx, lateral, input, left_outer, &functions)
}

