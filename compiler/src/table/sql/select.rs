//! SELECT: the select list over its input, as one Calc, over an OVER aggregate, or after WHERE.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn select(&mut self, select: &sql::Select) -> Result<usize, Fail> {
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
            if let Some(item) = select.projection.iter().find(|i| crate::table::rank::mentions_row_number(&i.to_string())) {
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
        if crate::table::grouping_sets::has_grouping_sets(&group_exprs) || crate::table::grouping_sets::calls_grouping(select) {
            if select.projection.iter().any(|i| crate::table::over::mentions_over(&i.to_string())) {
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
        if select.projection.iter().any(|i| crate::table::over::mentions_over(&i.to_string())) {
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
            self.reject_proctime_window(input_node, &tvf.time_column, "a group window", group_exprs[at].span())?;
            let op = crate::table::window::tvf_calc(&tvf, &input, group_exprs[at].span())?;
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
            self.group_window = Some(crate::table::window::GroupWindow::of(self.nodes.get(windowed).map(|n| &n.op)));
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

    /// The select list's expressions and names over `input` (a wildcard is every input column).
    pub(super) fn items(
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
    pub(super) fn calc(&mut self, select: &sql::Select, input_node: usize, input: &Schema) -> Result<usize, Fail> {
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
    pub(super) fn over(&mut self, select: &sql::Select, mut input_node: usize, input: &Schema) -> Result<usize, Fail> {
        input_node = self.where_filter(select, input_node, input)?;
        if self.updates(input_node) {
            return Err(unsupported(select.span(), "an OVER aggregation over an updating input"));
        }
        let spec = crate::table::over::window_spec(select, select.span())?;
        let window = {
            let mut scope = self.scope(input);
            crate::table::over::resolve(spec, &mut scope, select.span())?
        };
        if self.is_proctime(input_node, window.time) {
            return Err(unsupported(select.span(), &crate::table::time_attr::proctime_unsupported("an OVER window")));
        }
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
        crate::table::lower::attach_udafs(self.ctx, &mut aggs, self.functions, input).map_err(Fail::Done)?;
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
    pub(in crate::table) fn where_filter(&mut self, select: &sql::Select, input_node: usize, input: &Schema) -> Result<usize, Fail> {
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

}
