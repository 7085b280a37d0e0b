//! Regular joins (SQL `a [LEFT|RIGHT|FULL [OUTER]] JOIN b ON ...`, Table API `join` /
//! `left_outer_join` / ...): the join condition split into equi-join keys and a remaining predicate,
//! and column qualifiers (`o.id`) for names over a join's combined columns.

use std::ops::Range;

use serde::Serialize;

use super::expr::{BinOp, Expr};
use super::types::{Field, Schema, SqlType};

/// Which sides of a join are preserved (emitted null-padded while unmatched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
}

impl JoinKind {
    pub fn left_outer(self) -> bool {
        matches!(self, JoinKind::Left | JoinKind::Full)
    }

    pub fn right_outer(self) -> bool {
        matches!(self, JoinKind::Right | JoinKind::Full)
    }

    pub fn sql(self) -> &'static str {
        match self {
            JoinKind::Inner => "INNER",
            JoinKind::Left => "LEFT",
            JoinKind::Right => "RIGHT",
            JoinKind::Full => "FULL",
        }
    }
}

/// Names that qualify columns of a relation: `(qualifier, columns)`; a join's are its inputs', the
/// right's shifted past the left's columns.
pub type Qualifiers = Vec<(String, Range<usize>)>;

/// The qualifiers of a join of relations qualified by `left` (`left_width` columns) and `right`.
pub fn join_qualifiers(left: &Qualifiers, right: &Qualifiers, left_width: usize) -> Qualifiers {
    let mut out = left.clone();
    for (name, range) in right {
        out.push((name.clone(), range.start + left_width..range.end + left_width));
    }
    out
}

/// The join's output columns: the left's, then the right's.
pub fn join_schema(left: &Schema, right: &Schema) -> Schema {
    Schema {
        fields: left.fields.iter().chain(&right.fields).cloned().collect(),
    }
}

/// Calls `f` on every column index `expr` reads.
pub fn visit_columns(expr: &Expr, f: &mut dyn FnMut(usize)) {
    match expr {
        Expr::Column { index, .. } => f(*index),
        Expr::Literal { .. } => {}
        Expr::Binary { left, right, .. } => {
            visit_columns(left, f);
            visit_columns(right, f);
        }
        Expr::Not(e) | Expr::Negate(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => {
            visit_columns(e, f)
        }
        Expr::Call { args, .. } => args.iter().for_each(|a| visit_columns(a, f)),
        Expr::Case {
            branches, otherwise, ..
        } => {
            for (when, then) in branches {
                visit_columns(when, f);
                visit_columns(then, f);
            }
            visit_columns(otherwise, f);
        }
    }
}

/// `expr` with every column index moved by `-offset`.
pub fn shift(expr: &Expr, offset: usize) -> Expr {
    let mut e = expr.clone();
    shift_in_place(&mut e, offset);
    e
}

fn shift_in_place(expr: &mut Expr, offset: usize) {
    match expr {
        Expr::Column { index, .. } => *index = index.saturating_sub(offset),
        Expr::Literal { .. } => {}
        Expr::Binary { left, right, .. } => {
            shift_in_place(left, offset);
            shift_in_place(right, offset);
        }
        Expr::Not(e) | Expr::Negate(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => {
            shift_in_place(e, offset)
        }
        Expr::Call { args, .. } => args.iter_mut().for_each(|a| shift_in_place(a, offset)),
        Expr::Case {
            branches, otherwise, ..
        } => {
            for (when, then) in branches {
                shift_in_place(when, offset);
                shift_in_place(then, offset);
            }
            shift_in_place(otherwise, offset);
        }
    }
}

/// Which sides an expression reads: (left, right).
fn sides(expr: &Expr, left_width: usize) -> (bool, bool) {
    let (mut left, mut right) = (false, false);
    visit_columns(expr, &mut |i| {
        if i < left_width {
            left = true;
        } else {
            right = true;
        }
    });
    (left, right)
}

fn conjuncts(expr: Expr, out: &mut Vec<Expr>) {
    match expr {
        Expr::Binary {
            op: BinOp::And,
            left,
            right,
            ..
        } => {
            conjuncts(*left, out);
            conjuncts(*right, out);
        }
        other => out.push(other),
    }
}

/// A join condition split as Flink's planner splits it: `left_expr = right_expr` conjuncts become
/// equi-join keys (the left's over the left's columns, the right's over the right's, both cast to
/// their common type); the other conjuncts stay a predicate over the combined row.
pub struct SplitCondition {
    pub left_keys: Vec<Expr>,
    pub right_keys: Vec<Expr>,
    pub rest: Option<Expr>,
}

pub fn split_condition(condition: Option<Expr>, left_width: usize) -> SplitCondition {
    let mut parts = Vec::new();
    if let Some(c) = condition {
        conjuncts(c, &mut parts);
    }
    let (mut left_keys, mut right_keys, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for part in parts {
        if let Expr::Binary {
            op: BinOp::Eq,
            left,
            right,
            ..
        } = &part
        {
            let (l, r) = (sides(left, left_width), sides(right, left_width));
            let pair = match (l, r) {
                ((true, false), (false, true)) => Some((left.as_ref(), right.as_ref())),
                ((false, true), (true, false)) => Some((right.as_ref(), left.as_ref())),
                _ => None,
            };
            if let Some((on_left, on_right)) = pair {
                if let Some(ty) = SqlType::common(on_left.ty(), on_right.ty()) {
                    left_keys.push(on_left.clone().cast(ty));
                    right_keys.push(shift(on_right, left_width).cast(ty));
                    continue;
                }
            }
        }
        rest.push(part);
    }
    let rest = rest.into_iter().reduce(|a, b| Expr::Binary {
        op: BinOp::And,
        left: Box::new(a),
        right: Box::new(b),
        ty: SqlType::Boolean,
    });
    SplitCondition {
        left_keys,
        right_keys,
        rest,
    }
}

/// Output names made unique as Flink (Calcite) does: a repeated name gets `0`, `1`, ... appended.
pub fn uniquify(fields: &mut [Field]) {
    let mut seen: Vec<String> = Vec::new();
    for field in fields.iter_mut() {
        if seen.contains(&field.name) {
            let mut n = 0;
            while seen.contains(&format!("{}{n}", field.name)) {
                n += 1;
            }
            field.name = format!("{}{n}", field.name);
        }
        seen.push(field.name.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(index: usize) -> Expr {
        Expr::Column {
            index,
            ty: SqlType::BigInt,
        }
    }

    fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
            ty: SqlType::Boolean,
        }
    }

    #[test]
    fn splits_equi_keys_from_the_rest() {
        // $3 = $0 AND $1 > $4 over two 3-column inputs.
        let c = bin(BinOp::And, bin(BinOp::Eq, col(3), col(0)), bin(BinOp::Gt, col(1), col(4)));
        let split = split_condition(Some(c), 3);
        assert_eq!(split.left_keys, vec![col(0)]);
        assert_eq!(split.right_keys, vec![col(0)]);
        assert_eq!(split.rest, Some(bin(BinOp::Gt, col(1), col(4))));
    }

    #[test]
    fn repeated_names_are_numbered() {
        let field = |n: &str| Field {
            name: n.into(),
            ty: SqlType::Int,
        };
        let mut fields = vec![field("id"), field("id"), field("id0"), field("id")];
        uniquify(&mut fields);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "id0", "id00", "id1"]);
    }
}

/// An interval join's bounds, as Flink's planner extracts them from the join condition: rows join
/// when `lower_ms <= left_time - right_time <= upper_ms`, both times being rowtime attributes.
/// `right_time` indexes the right side's own columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IntervalBounds {
    pub left_time: usize,
    pub right_time: usize,
    pub lower_ms: i64,
    pub upper_ms: i64,
}

/// A time column with a constant offset: `ts`, `ts + INTERVAL ...`, `ts - INTERVAL ...`.
fn time_ref(expr: &Expr) -> Option<(usize, i64)> {
    match expr {
        Expr::Column { index, ty: SqlType::Timestamp(_) | SqlType::TimestampLtz(_) } => Some((*index, 0)),
        Expr::Call { func: super::builtins::Func::PlusMillis(ms), args, .. } => {
            let [inner] = args.as_slice() else { return None };
            time_ref(inner).map(|(i, base)| (i, base + ms))
        }
        // A precision change keeps the time; a cast between TIMESTAMP and TIMESTAMP_LTZ does not.
        Expr::Cast { expr, ty: to @ (SqlType::Timestamp(_) | SqlType::TimestampLtz(_)) }
            if matches!(expr.ty(), SqlType::Timestamp(_)) == matches!(to, SqlType::Timestamp(_)) =>
        {
            time_ref(expr)
        }
        _ => None,
    }
}

/// The interval bounds in `rest` (the non-equi part of a join condition over `left_width` left
/// columns), when it bounds the difference of a left and a right rowtime attribute from both sides;
/// `is_rowtime(column)` says which combined columns are rowtime attributes. Strict comparisons
/// move a bound by one millisecond, as Flink does.
pub fn interval_bounds(rest: &Expr, left_width: usize, is_rowtime: impl Fn(usize) -> bool) -> Option<IntervalBounds> {
    let mut parts = Vec::new();
    conjuncts(rest.clone(), &mut parts);
    let (mut times, mut lower, mut upper) = (None::<(usize, usize)>, None::<i64>, None::<i64>);
    for part in &parts {
        let Expr::Binary { op, left, right, .. } = part else { continue };
        let (Some((a, a_off)), Some((b, b_off))) = (time_ref(left), time_ref(right)) else { continue };
        // a + a_off OP b + b_off, as left_time - right_time OP' k.
        let (pair, op, k) = match (a < left_width, b < left_width) {
            (true, false) => ((a, b - left_width), *op, b_off - a_off),
            (false, true) => ((b, a - left_width), flip(*op), a_off - b_off),
            _ => continue,
        };
        if !is_rowtime(pair.0) || !is_rowtime(pair.1 + left_width) || times.is_some_and(|t| t != pair) {
            continue;
        }
        let (lo, hi) = match op {
            BinOp::GtEq => (Some(k), None),
            BinOp::Gt => (Some(k + 1), None),
            BinOp::LtEq => (None, Some(k)),
            BinOp::Lt => (None, Some(k - 1)),
            BinOp::Eq => (Some(k), Some(k)),
            _ => continue,
        };
        times = Some(pair);
        if let Some(lo) = lo {
            lower = Some(lower.map_or(lo, |l| l.max(lo)));
        }
        if let Some(hi) = hi {
            upper = Some(upper.map_or(hi, |u| u.min(hi)));
        }
    }
    let ((left_time, right_time), lower_ms, upper_ms) = (times?, lower?, upper?);
    Some(IntervalBounds { left_time, right_time, lower_ms, upper_ms })
}

/// `a OP b` as `b OP' a`.
fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::LtEq => BinOp::GtEq,
        BinOp::Gt => BinOp::Lt,
        BinOp::GtEq => BinOp::LtEq,
        other => other,
    }
}
