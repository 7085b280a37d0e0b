//! A regular (unbounded) streaming join of two changelogs, as Flink's `StreamingJoinOperator` does it
//! without mini-batch: both sides are kept in keyed state (by the equi-join key), every arriving row
//! is matched against the other side's rows of its key under the remaining (non-equi) condition, and
//! the output is Flink's changelog:
//!
//! - inner join: `+I` (or the input's own `+U`/`-U`/`-D`) of each joined row;
//! - outer joins: a row of an outer side with no match is emitted null-padded (`+I[l, null]`); when its
//!   first match arrives that row is retracted (`-D[l, null]`) before `+I[l, r]`, and when its last
//!   match is retracted it comes back (`+I[l, null]`).
//!
//! Each outer-side row remembers how many rows of the other side it is associated with (Flink's
//! `OuterJoinRecordStateView`); equal rows are kept once with a count. Rows whose key has a NULL match
//! nothing (SQL equality). Matches are visited in arrival order.

use std::collections::HashMap;

use super::{PredicateFn, ScalarFn};
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// One stored row of a side: how many times it is present and, on an outer side, how many rows of
/// the other side it currently joins with.
#[derive(Debug, Clone)]
struct Stored {
    fields: Vec<Value>,
    count: i64,
    associations: i64,
}

/// The rows of one side, by join key, in arrival order.
type SideState = HashMap<Vec<Value>, Vec<Stored>>;

/// The rows a join of two sides emits (`left_width` + `right_width` columns) and its remaining
/// (non-equi) condition over them; shared by the regular and the interval join.
pub(super) struct JoinedRows {
    pub(super) left_width: usize,
    pub(super) right_width: usize,
    pub(super) condition: Option<PredicateFn>,
}

impl JoinedRows {
    pub(super) fn joined(&self, kind: RowKind, left: &[Value], right: &[Value]) -> Record {
        let mut fields = Vec::with_capacity(self.left_width + self.right_width);
        fields.extend_from_slice(left);
        fields.extend_from_slice(right);
        Record::new(Value::Row(Box::new(Row { kind, fields })))
    }

    /// `row` of one side with the other side's columns NULL.
    pub(super) fn padded(&self, kind: RowKind, row: &[Value], row_is_left: bool) -> Record {
        if row_is_left {
            self.joined(kind, row, &vec![Value::Null; self.right_width])
        } else {
            self.joined(kind, &vec![Value::Null; self.left_width], row)
        }
    }

    /// Whether the condition holds for `left` joined with `right` (no condition: always).
    pub(super) fn matches(&self, left: &[Value], right: &[Value]) -> bool {
        let Some(condition) = &self.condition else {
            return true;
        };
        let mut row = Vec::with_capacity(self.left_width + self.right_width);
        row.extend_from_slice(left);
        row.extend_from_slice(right);
        condition(&row) == Some(true)
    }
}

/// A streaming equi-join; input 0 is the left side, input 1 the right side.
pub struct StreamingJoin {
    left_keys: Vec<ScalarFn>,
    right_keys: Vec<ScalarFn>,
    /// The non-equi part of the condition, over `[left fields..., right fields...]`.
    rows: JoinedRows,
    left_outer: bool,
    right_outer: bool,
    left: SideState,
    right: SideState,
}

impl StreamingJoin {
    /// `left_outer` / `right_outer`: which sides are preserved (LEFT: left; RIGHT: right; FULL: both).
    pub fn new(
        left_keys: Vec<ScalarFn>,
        right_keys: Vec<ScalarFn>,
        condition: Option<PredicateFn>,
        left_outer: bool,
        right_outer: bool,
        left_width: usize,
        right_width: usize,
    ) -> Self {
        StreamingJoin {
            left_keys,
            right_keys,
            rows: JoinedRows { left_width, right_width, condition },
            left_outer,
            right_outer,
            left: HashMap::new(),
            right: HashMap::new(),
        }
    }

    /// `(left, right)` in output order.
    fn emit(&self, kind: RowKind, input: &[Value], other: &[Value], input_is_left: bool, out: &mut Batch) {
        out.push(if input_is_left {
            self.rows.joined(kind, input, other)
        } else {
            self.rows.joined(kind, other, input)
        });
    }

    fn matches(&self, input: &[Value], other: &[Value], input_is_left: bool) -> bool {
        if input_is_left {
            self.rows.matches(input, other)
        } else {
            self.rows.matches(other, input)
        }
    }

    fn process_row(&mut self, kind: RowKind, fields: Vec<Value>, input_is_left: bool, out: &mut Batch) {
        let key_fns = if input_is_left { &self.left_keys } else { &self.right_keys };
        let key: Vec<Value> = key_fns.iter().map(|f| f(&fields)).collect();
        let (input_is_outer, other_is_outer) = if input_is_left {
            (self.left_outer, self.right_outer)
        } else {
            (self.right_outer, self.left_outer)
        };
        let accumulate = matches!(kind, RowKind::Insert | RowKind::UpdateAfter);
        // The other side's matching rows: (index in its key's list, old association count), one entry
        // per copy of a duplicated row.
        let mut associated: Vec<(usize, i64)> = Vec::new();
        let joinable = !key.contains(&Value::Null);
        if joinable {
            let other_state = if input_is_left { &self.right } else { &self.left };
            if let Some(rows) = other_state.get(&key) {
                for (i, stored) in rows.iter().enumerate() {
                    if self.matches(&fields, &stored.fields, input_is_left) {
                        for _ in 0..stored.count.max(0) {
                            associated.push((i, stored.associations));
                        }
                    }
                }
            }
        }
        let other_rows: Vec<Vec<Value>> = {
            let other_state = if input_is_left { &self.right } else { &self.left };
            let rows = other_state.get(&key);
            associated
                .iter()
                .filter_map(|&(i, _)| rows.and_then(|r| r.get(i)).map(|s| s.fields.clone()))
                .collect()
        };
        if accumulate {
            if !associated.is_empty() && other_is_outer {
                for (&(_, before), other) in associated.iter().zip(&other_rows) {
                    if before == 0 {
                        out.push(self.rows.padded(RowKind::Delete, other, !input_is_left));
                    }
                }
                self.add_associations(&key, &associated, !input_is_left, 1);
            }
            if input_is_outer {
                if associated.is_empty() {
                    out.push(self.rows.padded(RowKind::Insert, &fields, input_is_left));
                }
                for other in &other_rows {
                    self.emit(RowKind::Insert, &fields, other, input_is_left, out);
                }
            } else {
                let kind = if other_is_outer { RowKind::Insert } else { kind };
                for other in &other_rows {
                    self.emit(kind, &fields, other, input_is_left, out);
                }
            }
            self.store(key, fields, input_is_left, associated.len() as i64);
        } else {
            self.retract(&key, &fields, input_is_left);
            if associated.is_empty() {
                if input_is_outer {
                    out.push(self.rows.padded(RowKind::Delete, &fields, input_is_left));
                }
                return;
            }
            let kind = if input_is_outer { RowKind::Delete } else { kind };
            for other in &other_rows {
                self.emit(kind, &fields, other, input_is_left, out);
            }
            if other_is_outer {
                for (&(_, before), other) in associated.iter().zip(&other_rows) {
                    if before == 1 {
                        out.push(self.rows.padded(RowKind::Insert, other, !input_is_left));
                    }
                }
                self.add_associations(&key, &associated, !input_is_left, -1);
            }
        }
    }

    /// Sets each associated row's association count to its old count plus `delta` (duplicates of a
    /// row share one count, as in Flink's state view).
    fn add_associations(&mut self, key: &[Value], associated: &[(usize, i64)], side_is_left: bool, delta: i64) {
        let state = if side_is_left { &mut self.left } else { &mut self.right };
        if let Some(rows) = state.get_mut(key) {
            for &(i, before) in associated {
                if let Some(stored) = rows.get_mut(i) {
                    stored.associations = before + delta;
                }
            }
        }
    }

    fn store(&mut self, key: Vec<Value>, fields: Vec<Value>, is_left: bool, associations: i64) {
        let state = if is_left { &mut self.left } else { &mut self.right };
        let rows = state.entry(key).or_default();
        if let Some(stored) = rows.iter_mut().find(|s| s.fields == fields) {
            stored.count += 1;
            stored.associations = associations;
        } else {
            rows.push(Stored {
                fields,
                count: 1,
                associations,
            });
        }
    }

    fn retract(&mut self, key: &[Value], fields: &[Value], is_left: bool) {
        let state = if is_left { &mut self.left } else { &mut self.right };
        let Some(rows) = state.get_mut(key) else {
            return;
        };
        if let Some(i) = rows.iter().position(|s| s.fields == fields) {
            rows[i].count -= 1;
            if rows[i].count <= 0 {
                rows.remove(i);
            }
        }
        if rows.is_empty() {
            state.remove(key);
        }
    }
}

impl Operator for StreamingJoin {
    fn name(&self) -> &str {
        "StreamingJoin"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![
            StateDeclaration::Internal("left rows by join key"),
            StateDeclaration::Internal("right rows by join key"),
        ]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        self.process_input(0, input, out)
    }

    fn process_input(&mut self, input: usize, batch: Batch, out: &mut Batch) -> Result<()> {
        let is_left = input == 0;
        for record in batch {
            match record.value {
                Value::Row(row) => {
                    let Row { kind, fields } = *row;
                    self.process_row(kind, fields, is_left, out);
                }
                other => self.process_row(RowKind::Insert, vec![other], is_left, out),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_support::{column, lines, row};

    fn join(left_outer: bool, right_outer: bool) -> StreamingJoin {
        StreamingJoin::new(vec![column(0)], vec![column(0)], None, left_outer, right_outer, 2, 2)
    }

    #[test]
    fn left_outer_join_retracts_the_padded_row_when_a_match_arrives() {
        let mut j = join(true, false);
        let mut out = Vec::new();
        let (a, x) = (Value::str("a"), Value::Int(1));
        j.process_input(0, vec![row(RowKind::Insert, vec![a.clone(), x.clone()])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![a.clone(), Value::Int(2)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Delete, vec![a.clone(), Value::Int(2)])], &mut out).expect("runs");
        let expected = [
            "+I[Str(\"a\"), Int(1), Null, Null]",
            "-D[Str(\"a\"), Int(1), Null, Null]",
            "+I[Str(\"a\"), Int(1), Str(\"a\"), Int(2)]",
            "-D[Str(\"a\"), Int(1), Str(\"a\"), Int(2)]",
            "+I[Str(\"a\"), Int(1), Null, Null]",
        ];
        assert_eq!(lines(&out), expected);
    }

    #[test]
    fn inner_join_ignores_null_keys_and_joins_duplicates_once_each() {
        let mut j = join(false, false);
        let mut out = Vec::new();
        let a = Value::str("a");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null, Value::Int(0)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![Value::Null, Value::Int(0)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![a.clone(), Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![a.clone(), Value::Int(1)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![a.clone(), Value::Int(2)])], &mut out).expect("runs");
        assert_eq!(out.len(), 2);
    }
}
