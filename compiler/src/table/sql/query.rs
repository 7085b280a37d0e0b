//! Queries: ORDER BY / LIMIT over a query's body, set operations (UNION [ALL]), VALUES, the casts
//! and DISTINCT they need, and IN-subqueries as semi-joins.

use super::*;

impl Builder<'_, '_, '_> {
    pub(in crate::table) fn query(&mut self, q: &sql::Query) -> Result<usize, Fail> {
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
                        let ty = schema.fields.get(index).map_or(crate::table::types::SqlType::String, |f| f.ty);
                        let (descending, nulls_first) = sort_direction(o)?;
                        keys.push(crate::table::SortSpec { expr: Expr::Column { index, ty }, descending, nulls_first });
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
                Some(crate::table::SortSpec { expr: Expr::Column { index, .. }, descending: false, .. })
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
    pub(super) fn semi_join(&mut self, left: usize, needles: &[sql::Expr], subquery: &sql::Query) -> Result<usize, Fail> {
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
        let condition = self.needles_equal(left, needles, &rs, span)?;
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
    pub(super) fn sort_keys(&mut self, order: &[sql::OrderByExpr], schema: &Schema) -> Result<Vec<crate::table::SortSpec>, Fail> {
        let mut keys = Vec::new();
        for o in order {
            let (descending, nulls_first) = sort_direction(o)?;
            let expr = {
                let saved = self.current.take();
                let resolved = self.scope(schema).resolve(&o.expr);
                self.current = saved;
                resolved?
            };
            keys.push(crate::table::SortSpec { expr, descending, nulls_first });
        }
        Ok(keys)
    }

    /// `node` without its last `hidden` columns (ORDER BY's, see [`Self::query`]).
    pub(super) fn drop_hidden(&mut self, node: usize, schema: &Schema, hidden: usize) -> usize {
        if hidden == 0 {
            return node;
        }
        let fields: Vec<_> = schema.fields[..schema.fields.len() - hidden].to_vec();
        let projection = identity(&Schema { fields: fields.clone() });
        self.push(RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } }, vec![node])
    }

    pub(super) fn set_expr(&mut self, body: &sql::SetExpr) -> Result<usize, Fail> {
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
    pub(super) fn values(&mut self, values: &sql::Values, span: Span) -> Result<usize, Fail> {
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
    pub(super) fn union(&mut self, l: usize, r: usize, span: Span) -> Result<usize, Fail> {
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
    pub(super) fn cast_to(&mut self, node: usize, schema: &Schema) -> usize {
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
    pub(super) fn distinct(&mut self, node: usize) -> usize {
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


    /// `needle_1 = value_1 AND ...` over `[left..., values...]`: each needle resolved over `left`'s
    /// columns (with its qualifiers), each value a column of `values` (a subquery's schema) — the
    /// join condition of IN / NOT IN.
    pub(in crate::table) fn needles_equal(&mut self, left: usize, needles: &[sql::Expr], values: &Schema, span: Span) -> Result<Option<Expr>, Fail> {
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
            let value = Expr::Column { index: width + i, ty: values.fields[i].ty };
            let equal = crate::table::expr::binary_op(crate::table::expr::BinOp::Eq, needle, value, span)?;
            condition = Some(match condition {
                None => equal,
                Some(c) => crate::table::expr::binary_op(crate::table::expr::BinOp::And, c, equal, span)?,
            });
        }
        Ok(condition)
    }
}
