//! FROM: tables, views and subqueries by name, aliases, joins (regular, interval, event-time temporal
//! with versioned tables and views) and lateral table functions.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn rename(&mut self, node: usize, alias: Option<&sql::TableAlias>) -> Result<usize, Fail> {
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
    pub(super) fn table_factor(&mut self, factor: &sql::TableFactor) -> Result<usize, Fail> {
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
            (None, sql::TableFactor::TableFunction { expr, .. }) => crate::table::window::tvf(expr).ok().map(|t| t.table),
            _ => None,
        };
        let width = self.schema(node).fields.len();
        self.quals.insert(node, name.into_iter().map(|n| (n, 0..width)).collect());
        Ok(node)
    }

    /// `left JOIN right ON condition`: a join node over both, qualified by both sides' names.
    pub(super) fn join(&mut self, left: usize, join: &sql::Join) -> Result<usize, Fail> {
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
        let as_of = crate::table::temporal_join::system_time(&join.relation, &self.system_times).cloned();
        if as_of.is_some() && !matches!(kind, JoinKind::Inner | JoinKind::Left) {
            return Err(unsupported(span, "a temporal table join other than [INNER] JOIN or LEFT JOIN"));
        }
        if as_of.is_some() && self.updates(left) {
            return Err(unsupported(span, "a temporal table join whose left input updates (Flink's needs an insert-only probe side)"));
        }
        // FOR SYSTEM_TIME AS OF a processing-time attribute: a lookup join.
        let as_of_column = match &as_of {
            Some(sql::Expr::Identifier(i)) => Some(i.value.clone()),
            Some(sql::Expr::CompoundIdentifier(parts)) => parts.last().map(|i| i.value.clone()),
            _ => None,
        };
        let left_schema = self.schema(left);
        if let Some(column) = as_of_column.and_then(|c| left_schema.index_of(&c)) {
            if self.is_proctime(left, column) {
                return Err(unsupported(
                    span,
                    "a processing-time temporal join (FOR SYSTEM_TIME AS OF a PROCTIME() column, i.e. a lookup join)",
                ));
            }
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
            crate::table::join::interval_bounds(rest, width, |c| {
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
    pub(super) fn versioned_table(&mut self, factor: &sql::TableFactor) -> Result<(usize, Vec<usize>, usize, bool), Fail> {
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
    /// [`crate::table::temporal_join::versioned_view`]) as the versioned table: its base table's rows are
    /// the versions (dropping those older than their key's latest, as the deduplication does),
    /// projected to the view's columns. Returns as [`Self::versioned_table`] does.
    pub(super) fn versioned_view(
        &mut self,
        factor: &sql::TableFactor,
        view: &str,
        span: Span,
        text: &str,
    ) -> Result<(usize, Vec<usize>, usize, bool), Fail> {
        let shape = one_statement(text)
            .map_err(|e| e.message)
            .and_then(|(statement, _)| crate::table::temporal_join::versioned_view(&statement).map_err(str::to_string));
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
    pub(super) fn temporal_times(
        &mut self,
        left: usize,
        as_of: &sql::Expr,
        split: &crate::table::join::SplitCondition,
        pk: &[usize],
        right_time: usize,
        deduplicated: bool,
    ) -> Result<crate::table::temporal_join::TemporalTimes, Fail> {
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
        Ok(crate::table::temporal_join::TemporalTimes { left_time, right_time, deduplicated })
    }

    /// `LATERAL TABLE(f(args)) [AS T(names...)]` joined to `left`: a Correlate over it.
    pub(super) fn lateral(&mut self, left: usize, factor: &sql::TableFactor, left_outer: bool) -> Result<usize, Fail> {
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
            crate::table::correlate::resolve(&mut scope, call, names.as_deref(), factor.span())?
        };
        let op = crate::table::correlate::build(self.ctx, lateral, &input, left_outer, self.functions).map_err(Fail::Done)?;
        let width = op.schema().fields.len();
        let node = self.push(op, vec![left]);
        let mut quals = left_quals;
        if let Some(a) = alias {
            quals.push((a.name.value.clone(), input.fields.len()..width));
        }
        self.quals.insert(node, quals);
        Ok(node)
    }

    pub(super) fn table_factor_node(&mut self, factor: &sql::TableFactor) -> Result<usize, Fail> {
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
                let tvf = crate::table::window::tvf(expr)?;
                let node = self.named(&tvf.table, tvf.table_span)?;
                self.reject_proctime_window(node, &tvf.time_column, "a windowing table function", expr.span())?;
                let op = crate::table::window::tvf_calc(&tvf, &self.schema(node), expr.span())?;
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
    pub(super) fn named(&mut self, name: &str, span: Span) -> Result<usize, Fail> {
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

}
