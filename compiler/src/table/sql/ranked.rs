//! `ROW_NUMBER() OVER (...)` filtered on the row number: Top-N and deduplication.

use super::*;

impl Builder<'_, '_, '_> {
    /// The Top-N pattern of `select` (see [`crate::table::rank`]): its subquery lowered with the ROW_NUMBER
    /// item as a [`RelOp::TopN`] (the row number at the item's place when it is selected), and the
    /// select with its WHERE left to the other conditions.
    pub(super) fn ranked(&mut self, select: &sql::Select) -> Result<Option<(usize, sql::Select)>, Fail> {
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
        let item = match crate::table::rank::rank_item(inner) {
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
        let (range, residual) = crate::table::rank::rank_range(select.selection.as_ref(), &item.name, select.span())?;
        let rank_number = select.projection.iter().any(|i| {
            matches!(i, sql::SelectItem::Wildcard(_) | sql::SelectItem::QualifiedWildcard(..)) || crate::table::rank::mentions(i, &item.name)
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
            keys.push(crate::table::SortSpec { expr: column(width + np + i), descending, nulls_first: o.options.nulls_first.unwrap_or(!descending) });
        }
        // Flink turns `rn = 1` ordered by a time attribute alone (and not selected) into
        // deduplication instead of a Top-N.
        if let ([key], 1, 1, false) = (keys.as_slice(), range.start, range.end, rank_number) {
            if let Expr::Column { index, ty: SqlType::Timestamp(_) | SqlType::TimestampLtz(_) } = key.expr {
                let proctime = self.is_proctime(node, index);
                if proctime || self.is_rowtime(node, index) {
                    let dedup = RelOp::Deduplicate { partition, time: index, keep_last: key.descending, proctime, schema: schema.clone() };
                    let dedup = self.push(dedup, vec![node]);
                    let projection: Vec<Expr> = (0..width).map(column).collect();
                    let fields: Vec<Field> = schema.fields[..width].to_vec();
                    let node = self.push(RelOp::Calc { python: Vec::new(), filter: None, projection, schema: Schema { fields } }, vec![dedup]);
                    return self.ranked_result(node, alias.as_ref(), name, select, residual).map(Some);
                }
            }
        }
        if keys.iter().any(|k| matches!(k.expr, Expr::Column { index, .. } if self.is_proctime(node, index))) {
            return Err(located(self, unsupported(item.span, &crate::table::time_attr::proctime_unsupported("a Top-N"))));
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
    pub(super) fn aggregate_source(&self, node: usize, column: usize) -> Option<AggKind> {
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
    pub(super) fn ranked_result(
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

}
