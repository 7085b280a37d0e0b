//! `select` / `where` of the Table API: expressions typed over the input, Python calls found in
//! them (and their argument names), Table API column names.

use super::*;

pub(in crate::table) fn python_calls(
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
pub(in crate::table) fn python_arg_names(args: &[Expr], input: &Schema, computed: &mut usize, prefix: &str) -> Vec<String> {
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
pub(in crate::table) fn attach_udafs(
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
pub(in crate::table) fn table_api_names(fields: &mut [Field]) {
    for (i, field) in fields.iter_mut().enumerate() {
        if field.name == format!("EXPR${i}") {
            field.name = format!("_c{i}");
        }
    }
}

pub(in crate::table) fn lower_calc(ctx: &mut Ctx<'_, '_>, input: &Schema) -> Result<RelOp, CompileError> {
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
                for item in crate::table::column_functions::expand(select_items(&spec)?, input)? {
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

