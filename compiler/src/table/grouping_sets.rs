//! `GROUP BY GROUPING SETS (...)`, `ROLLUP (...)`, `CUBE (...)` (alone or beside plain keys) and the
//! `GROUPING(...)` / `GROUPING_ID(...)` functions over a regular group aggregate, lowered as Flink
//! plans them: an Expand ([`RelOp::Expand`]) emits each input row once per grouping set — the input's
//! columns, then the group keys with those the set leaves out NULL, the set's id `$e` and the values
//! of the select's GROUPING calls — and one group aggregate keyed by the keys, the GROUPING values and
//! `$e` computes every set's groups (a NULL key of a row and the NULL of a left-out key stay apart by
//! `$e`). The aggregates' arguments read the input's own columns, never the NULLed keys.
//!
//! The keys are numbered in the order they first appear in the GROUP BY and the sets are ordered as
//! Calcite orders them (`ImmutableBitSet.COMPARATOR`: a set before its subsets, otherwise by its
//! smallest differing key), which is the order of the changelog lines one input row gives.
//! Over a windowing TVF (`GROUP BY window_start, window_end, ROLLUP (...)`) the window columns are
//! keys of every set and the aggregate is the window aggregate. Grouping sets with a legacy group
//! window (`GROUP BY TUMBLE(...)`), GROUP_ID() and duplicate sets are located errors.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Spanned, VisitMut, VisitorMut};

use super::expr::{Expr, Literal};
use super::sql::{unsupported, Builder, Fail};
use super::types::{Field, Schema, SqlType};
use super::RelOp;

/// Whether a GROUP BY list has GROUPING SETS, ROLLUP or CUBE.
pub(super) fn has_grouping_sets(group_exprs: &[sql::Expr]) -> bool {
    group_exprs.iter().any(|e| matches!(e, sql::Expr::GroupingSets(_) | sql::Expr::Rollup(_) | sql::Expr::Cube(_)))
}

/// Whether the select list or HAVING calls GROUPING() / GROUPING_ID() / GROUP_ID().
pub(super) fn calls_grouping(select: &sql::Select) -> bool {
    let mut found = false;
    let mut probe = select.projection.clone();
    let mut having = select.having.clone();
    let mut visitor = GroupingCalls { on_call: &mut |_| {
        found = true;
        None
    } };
    let _ = probe.visit(&mut visitor);
    let _ = having.visit(&mut visitor);
    found
}

/// Visits the GROUPING-family calls of an AST, replacing each with what `on_call` returns.
struct GroupingCalls<'f> {
    on_call: &'f mut dyn FnMut(&sql::Function) -> Option<sql::Expr>,
}

fn grouping_name(f: &sql::Function) -> Option<String> {
    let name = f.name.to_string().replace('`', "").to_ascii_lowercase();
    matches!(name.as_str(), "grouping" | "grouping_id" | "group_id").then_some(name)
}

impl VisitorMut for GroupingCalls<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut sql::Expr) -> ControlFlow<()> {
        if let sql::Expr::Function(f) = expr {
            if grouping_name(f).is_some() {
                if let Some(replacement) = (self.on_call)(f) {
                    *expr = replacement;
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// Calcite's `ImmutableBitSet.COMPARATOR` on sorted key indexes: a superset first, otherwise the set
/// with the smaller first differing key (lexicographic order with a set's end after every key).
fn calcite_order(a: &[usize], b: &[usize]) -> Ordering {
    for i in 0.. {
        match (a.get(i), b.get(i)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            _ => {}
        }
    }
    Ordering::Equal
}

/// The keys (distinct, in order of first appearance) and the grouping sets of a GROUP BY list, each
/// set its sorted key indexes, in Calcite's order.
struct GroupingSets {
    keys: Vec<sql::Expr>,
    sets: Vec<Vec<usize>>,
}

fn grouping_sets(group_exprs: &[sql::Expr], span: sqlparser::tokenizer::Span) -> Result<GroupingSets, Fail> {
    let mut keys: Vec<sql::Expr> = Vec::new();
    let mut index = |e: &sql::Expr| -> Result<usize, Fail> {
        if let sql::Expr::Function(f) = e {
            let name = f.name.to_string().to_ascii_lowercase();
            if matches!(name.as_str(), "rollup" | "cube") {
                return Err(unsupported(e.span(), "ROLLUP / CUBE nested in GROUPING SETS"));
            }
        }
        if matches!(e, sql::Expr::GroupingSets(_) | sql::Expr::Rollup(_) | sql::Expr::Cube(_)) {
            return Err(unsupported(e.span(), "nested grouping sets"));
        }
        let e = match e {
            sql::Expr::Nested(inner) => inner.as_ref(),
            other => other,
        };
        Ok(match keys.iter().position(|k| k == e) {
            Some(i) => i,
            None => {
                keys.push(e.clone());
                keys.len() - 1
            }
        })
    };
    let mut product: Vec<Vec<usize>> = vec![Vec::new()];
    for item in group_exprs {
        let mut of = |exprs: &[sql::Expr]| -> Result<Vec<usize>, Fail> { exprs.iter().map(&mut index).collect() };
        let item_sets: Vec<Vec<usize>> = match item {
            sql::Expr::GroupingSets(sets) => sets.iter().map(|s| of(s)).collect::<Result<_, _>>()?,
            sql::Expr::Rollup(elements) => {
                let elements: Vec<Vec<usize>> = elements.iter().map(|s| of(s)).collect::<Result<_, _>>()?;
                (0..=elements.len()).rev().map(|n| elements[..n].concat()).collect()
            }
            sql::Expr::Cube(elements) => {
                let elements: Vec<Vec<usize>> = elements.iter().map(|s| of(s)).collect::<Result<_, _>>()?;
                if elements.len() > 12 {
                    return Err(unsupported(item.span(), "CUBE of more than 12 elements"));
                }
                (0..1usize << elements.len())
                    .map(|mask| {
                        elements.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).flat_map(|(_, e)| e.clone()).collect()
                    })
                    .collect()
            }
            sql::Expr::Tuple(exprs) => vec![of(exprs)?],
            plain => vec![of(std::slice::from_ref(plain))?],
        };
        product = product
            .iter()
            .flat_map(|s| {
                item_sets.iter().map(move |t| {
                    let mut u = s.clone();
                    u.extend(t);
                    u
                })
            })
            .collect();
    }
    let mut sets: Vec<Vec<usize>> = product
        .into_iter()
        .map(|mut s| {
            s.sort_unstable();
            s.dedup();
            s
        })
        .collect();
    sets.sort_by(|a, b| calcite_order(a, b));
    if sets.windows(2).any(|w| w[0] == w[1]) {
        return Err(unsupported(span, "a GROUP BY whose grouping sets repeat a set (Flink's GROUP_ID() duplicates)"));
    }
    Ok(GroupingSets { keys, sets })
}

impl Builder<'_, '_, '_> {
    /// A grouped select whose GROUP BY has grouping sets, or which calls GROUPING(): WHERE, the Expand
    /// of each row over the sets, and the group aggregate keyed by the keys, the GROUPING values and
    /// the set's id (see the module docs).
    pub(super) fn grouping_sets_aggregate(
        &mut self,
        select: &sql::Select,
        input_node: usize,
        input: &Schema,
        group_exprs: &[sql::Expr],
    ) -> Result<usize, Fail> {
        let span = select.group_by.span();
        let span = if span == sqlparser::tokenizer::Span::empty() { select.span() } else { span };
        let GroupingSets { keys: key_exprs, sets } = grouping_sets(group_exprs, span)?;
        let input_node = self.where_filter(select, input_node, input)?;
        let mut keys = Vec::new();
        for e in &key_exprs {
            keys.push(self.scope(input).resolve(e)?);
        }
        let n = keys.len();
        let in_every_set = |i: usize| sets.iter().all(|s| s.contains(&i));
        // Over a windowing TVF the window columns are keys of every set (Flink's window aggregate
        // with grouping sets), and the aggregate is the window aggregate of its window_end.
        if let Some(end) = super::window::window_end_column(&self.nodes, input_node) {
            let window_key = |k: &Expr| {
                matches!(k, Expr::Column { index, .. }
                    if input.fields.get(*index).is_some_and(|f| matches!(f.name.as_str(), "window_start" | "window_end" | "window_time")))
            };
            let end_in_every_set = keys.iter().enumerate().any(|(i, k)| matches!(k, Expr::Column { index, .. } if *index == end) && in_every_set(i));
            if !end_in_every_set || keys.iter().enumerate().any(|(i, k)| window_key(k) && !in_every_set(i)) {
                return Err(unsupported(
                    span,
                    "GROUPING SETS / ROLLUP / CUBE in a window aggregation other than with window_start and window_end as plain GROUP BY keys",
                ));
            }
        }
        let width = input.fields.len();
        // GROUPING(a, b) / GROUPING_ID(a, b): the bits of the keys the set leaves out, first argument
        // highest; each distinct call is a column `$g<j>` of the Expand, constant per set.
        let mut calls: Vec<Vec<usize>> = Vec::new();
        let mut failure: Option<Fail> = None;
        let mut rewritten = select.clone();
        rewritten.selection = None;
        {
            let builder = &*self;
            let mut on_call = |f: &sql::Function| -> Option<sql::Expr> {
                if failure.is_some() {
                    return None;
                }
                let args: Vec<&sql::Expr> = crate::table::expr::unnamed_args(f);
                let name = grouping_name(f).unwrap_or_default();
                if name == "group_id" || args.is_empty() {
                    failure = Some(unsupported(f.span(), &format!("{}()", name.to_ascii_uppercase())));
                    return None;
                }
                let mut positions = Vec::new();
                for arg in args {
                    let resolved = builder.scope(input).resolve(arg);
                    match resolved.ok().and_then(|r| keys.iter().position(|k| *k == r)) {
                        Some(p) => positions.push(p),
                        None => {
                            failure = Some(Fail::At(super::expr::error(
                                arg.span(),
                                format!("the argument `{arg}` of {}() is not a GROUP BY key", name.to_ascii_uppercase()),
                            )));
                            return None;
                        }
                    }
                }
                let j = match calls.iter().position(|c| *c == positions) {
                    Some(j) => j,
                    None => {
                        calls.push(positions);
                        calls.len() - 1
                    }
                };
                Some(sql::Expr::Identifier(sql::Ident::new(format!("$g{j}"))))
            };
            let mut visitor = GroupingCalls { on_call: &mut on_call };
            let _ = rewritten.projection.visit(&mut visitor);
            let _ = rewritten.having.visit(&mut visitor);
        }
        if let Some(f) = failure {
            return Err(f);
        }
        let mut fields = input.fields.clone();
        for (i, k) in keys.iter().enumerate() {
            fields.push(Field { name: format!("$k{i}"), ty: k.ty() });
        }
        fields.push(Field { name: "$e".into(), ty: SqlType::BigInt });
        for j in 0..calls.len() {
            fields.push(Field { name: format!("$g{j}"), ty: SqlType::BigInt });
        }
        let schema = Schema { fields };
        let int = |v: i64| Expr::Literal { value: Literal::Int(v), ty: SqlType::BigInt };
        let projections = sets
            .iter()
            .map(|set| {
                let mut p: Vec<Expr> = (0..width).map(|index| Expr::Column { index, ty: input.fields[index].ty }).collect();
                for (i, k) in keys.iter().enumerate() {
                    p.push(if set.contains(&i) { k.clone() } else { Expr::Literal { value: Literal::Null, ty: k.ty() } });
                }
                let absent = |i: usize| i64::from(!set.contains(&i));
                p.push(int((0..n).map(|i| absent(i) << (n - 1 - i)).sum()));
                for call in &calls {
                    let k = call.len();
                    p.push(int(call.iter().enumerate().map(|(a, &i)| absent(i) << (k - 1 - a)).sum()));
                }
                p
            })
            .collect();
        let expanded = self.push(RelOp::Expand { projections, schema: schema.clone() }, vec![input_node]);
        if let Some(quals) = self.current.clone() {
            self.quals.insert(expanded, quals);
        }
        // Names resolve to the scope keys (the input's key expressions, the GROUPING columns, `$e`);
        // the aggregate groups by the Expand's columns in the same places.
        let g = |j: usize| Expr::Column { index: width + n + 1 + j, ty: SqlType::BigInt };
        let e = Expr::Column { index: width + n, ty: SqlType::BigInt };
        let mut scope_keys = keys.clone();
        scope_keys.extend((0..calls.len()).map(g));
        scope_keys.push(e.clone());
        // A key of every set that is an input column is never NULLed: the aggregate reads it where it
        // lies (so a window aggregate finds its window_end), the others from the Expand's key columns.
        let mut aggregate_keys: Vec<Expr> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| match k {
                Expr::Column { index, .. } if in_every_set(i) && *index < width => k.clone(),
                _ => Expr::Column { index: width + i, ty: k.ty() },
            })
            .collect();
        aggregate_keys.extend((0..calls.len()).map(g));
        aggregate_keys.push(e);
        self.keyed_aggregate(&rewritten, expanded, &schema, scope_keys, Some(aggregate_keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets_of(group_by: &str) -> Vec<Vec<usize>> {
        let sql = format!("SELECT 1 FROM t GROUP BY {group_by}");
        let statement = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::GenericDialect {}, &sql).expect("parses");
        let sql::Statement::Query(q) = &statement[0] else { panic!("a query") };
        let sql::SetExpr::Select(s) = &*q.body else { panic!("a select") };
        let sql::GroupByExpr::Expressions(exprs, _) = &s.group_by else { panic!("expressions") };
        match grouping_sets(exprs, sqlparser::tokenizer::Span::empty()) {
            Ok(g) => g.sets,
            Err(_) => panic!("grouping sets of {group_by}"),
        }
    }

    #[test]
    fn sets_in_calcites_order() {
        assert_eq!(sets_of("ROLLUP (a, b)"), vec![vec![0, 1], vec![0], vec![]]);
        assert_eq!(sets_of("CUBE (a, b)"), vec![vec![0, 1], vec![0], vec![1], vec![]]);
        assert_eq!(sets_of("GROUPING SETS ((b), (a), (b, a))"), vec![vec![0, 1], vec![0], vec![1]]);
        assert_eq!(sets_of("GROUPING SETS (a, b)"), vec![vec![0], vec![1]]);
        assert_eq!(sets_of("a, ROLLUP (b)"), vec![vec![0, 1], vec![0]]);
        assert_eq!(
            sets_of("CUBE (a, b, c)"),
            vec![vec![0, 1, 2], vec![0, 1], vec![0, 2], vec![0], vec![1, 2], vec![1], vec![2], vec![]]
        );
    }
}
