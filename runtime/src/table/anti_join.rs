//! Flink's streaming anti-join (`StreamingSemiAntiJoinOperator` with `isAntiJoin`), which runs
//! `NOT EXISTS (subquery)` and `x NOT IN (subquery)`: the left rows no right row matches. Both sides
//! are kept in state by their equi-join key; each left row remembers how many right rows match it
//! (under the key and the remaining condition), and the output is Flink's changelog:
//!
//! - a left row is emitted with its own kind when it arrives (or is retracted) while no right row
//!   matches it, and not at all otherwise;
//! - a right row arriving gives `-D` of each left row it is the first match of; a right row retracted
//!   gives `+I` of each left row it was the last match of.
//!
//! Equal left rows are kept once with a count (and emitted once per copy), as in Flink's
//! `OuterJoinRecordStateView`. A key with a NULL matches nothing (SQL equality), except in NOT IN's
//! null-aware mode (Flink's condition `x = y OR (x = y) IS NULL`), where a NULL on either side
//! matches every key of the other: those rows are kept apart, so the other rows are still found by
//! their key rather than by Flink's scan of one global key. Rows of one key are visited in arrival
//! order, keys in first-seen order (Flink visits its state's hash map).

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{PredicateFn, ScalarFn};
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// A stored left row: its copies and how many right rows match it.
#[derive(Debug, Clone)]
struct LeftRow {
    fields: Vec<Value>,
    count: i64,
    associations: i64,
}

/// A stored right row and its copies.
#[derive(Debug, Clone)]
struct RightRow {
    fields: Vec<Value>,
    count: i64,
}

pub struct AntiJoin {
    left_keys: Vec<ScalarFn>,
    right_keys: Vec<ScalarFn>,
    /// The non-equi part of the condition, over `[left fields..., right fields...]`.
    condition: Option<PredicateFn>,
    left_width: usize,
    /// NOT IN's keys: a NULL on either side matches (the test is UNKNOWN, which keeps no row), so
    /// rows whose key has a NULL are kept and matched against every key.
    null_aware: bool,
    /// By key, in first-seen order (a NULL key of a null-aware join visits all of them).
    left: IndexMap<Vec<Value>, Vec<LeftRow>>,
    right: HashMap<Vec<Value>, Vec<RightRow>>,
    /// The stored keys with a NULL, of each side (null-aware only).
    left_null_keys: Vec<Vec<Value>>,
    right_null_keys: Vec<Vec<Value>>,
}

/// Whether two keys match under null-aware equality: each column equal or NULL on one side.
fn null_aware_match(a: &[Value], b: &[Value]) -> bool {
    a.iter().zip(b).all(|(x, y)| *x == Value::Null || *y == Value::Null || x == y)
}

/// The keys of one side that `key` (of the other) matches, its own first: itself alone when it has
/// no NULL (plus, null-aware, the side's keys with a NULL that match it); a key with a NULL matches
/// none, or null-aware every key of the side it matches (`keys`, in the side's order).
fn keys_matching<'a>(
    key: &[Value],
    null_aware: bool,
    keys: impl Iterator<Item = &'a Vec<Value>>,
    null_keys: &[Vec<Value>],
) -> Vec<Vec<Value>> {
    let has_null = key.contains(&Value::Null);
    if !null_aware {
        return if has_null { Vec::new() } else { vec![key.to_vec()] };
    }
    if has_null {
        return keys.filter(|k| null_aware_match(key, k)).cloned().collect();
    }
    let mut matching = vec![key.to_vec()];
    matching.extend(null_keys.iter().filter(|k| null_aware_match(key, k)).cloned());
    matching
}

impl AntiJoin {
    /// Input 0 is the left side (whose rows are emitted), input 1 the right.
    pub fn new(left_keys: Vec<ScalarFn>, right_keys: Vec<ScalarFn>, condition: Option<PredicateFn>, left_width: usize) -> Self {
        AntiJoin {
            left_keys,
            right_keys,
            condition,
            left_width,
            null_aware: false,
            left: IndexMap::new(),
            right: HashMap::new(),
            left_null_keys: Vec::new(),
            right_null_keys: Vec::new(),
        }
    }

    /// NOT IN: the keys compare null-aware (`l = r OR (l = r) IS NULL` for each key column).
    pub fn null_aware(mut self) -> Self {
        self.null_aware = true;
        self
    }

    fn matches(&self, left: &[Value], right: &[Value]) -> bool {
        let Some(condition) = &self.condition else {
            return true;
        };
        let mut row = Vec::with_capacity(self.left_width + right.len());
        row.extend_from_slice(left);
        row.extend_from_slice(right);
        condition(&row) == Some(true)
    }

    fn emit(kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        out.push(Record::new(Value::Row(Box::new(Row { kind, fields }))));
    }

    /// The stored right keys a left key matches (its own first).
    fn right_keys_matching(&self, key: &[Value]) -> Vec<Vec<Value>> {
        keys_matching(key, self.null_aware, self.right.keys(), &self.right_null_keys)
    }

    /// The stored left keys a right key matches, in the left's order (its own first).
    fn left_keys_matching(&self, key: &[Value]) -> Vec<Vec<Value>> {
        keys_matching(key, self.null_aware, self.left.keys(), &self.left_null_keys)
    }

    fn process_left(&mut self, kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        let key: Vec<Value> = self.left_keys.iter().map(|f| f(&fields)).collect();
        let mut matching: i64 = 0;
        for right_key in self.right_keys_matching(&key) {
            if let Some(rows) = self.right.get(&right_key) {
                matching += rows.iter().filter(|r| self.matches(&fields, &r.fields)).map(|r| r.count.max(0)).sum::<i64>();
            }
        }
        if matching == 0 {
            Self::emit(kind, fields.clone(), out);
        }
        let has_null = key.contains(&Value::Null);
        // A NULL key of a plain anti-join matches nothing: no need to keep it.
        if has_null && !self.null_aware {
            return;
        }
        if matches!(kind, RowKind::Insert | RowKind::UpdateAfter) {
            if has_null && !self.left.contains_key(&key) {
                self.left_null_keys.push(key.clone());
            }
            let rows = self.left.entry(key).or_default();
            match rows.iter().position(|r| r.fields == fields) {
                Some(i) => {
                    rows[i].count += 1;
                    rows[i].associations = matching;
                }
                None => rows.push(LeftRow { fields, count: 1, associations: matching }),
            }
        } else if let Some(rows) = self.left.get_mut(&key) {
            if let Some(i) = rows.iter().position(|r| r.fields == fields) {
                rows[i].count -= 1;
                if rows[i].count <= 0 {
                    rows.remove(i);
                }
            }
            if rows.is_empty() {
                self.left.swap_remove(&key);
                self.left_null_keys.retain(|k| *k != key);
            }
        }
    }

    fn process_right(&mut self, kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        let key: Vec<Value> = self.right_keys.iter().map(|f| f(&fields)).collect();
        let has_null = key.contains(&Value::Null);
        if has_null && !self.null_aware {
            return;
        }
        let accumulate = matches!(kind, RowKind::Insert | RowKind::UpdateAfter);
        for left_key in self.left_keys_matching(&key) {
            let Some(mut rows) = self.left.get_mut(&left_key).map(std::mem::take) else {
                continue;
            };
            for row in rows.iter_mut() {
                if !self.matches(&row.fields, &fields) {
                    continue;
                }
                let before = row.associations;
                if accumulate {
                    if before == 0 {
                        for _ in 0..row.count {
                            Self::emit(RowKind::Delete, row.fields.clone(), out);
                        }
                    }
                    row.associations = before + 1;
                } else {
                    if before == 1 {
                        for _ in 0..row.count {
                            Self::emit(RowKind::Insert, row.fields.clone(), out);
                        }
                    }
                    row.associations = before - 1;
                }
            }
            if let Some(slot) = self.left.get_mut(&left_key) {
                *slot = rows;
            }
        }
        if accumulate {
            if has_null && !self.right.contains_key(&key) {
                self.right_null_keys.push(key.clone());
            }
            let rows = self.right.entry(key).or_default();
            match rows.iter().position(|r| r.fields == fields) {
                Some(i) => rows[i].count += 1,
                None => rows.push(RightRow { fields, count: 1 }),
            }
        } else if let Some(rows) = self.right.get_mut(&key) {
            if let Some(i) = rows.iter().position(|r| r.fields == fields) {
                rows[i].count -= 1;
                if rows[i].count <= 0 {
                    rows.remove(i);
                }
            }
            if rows.is_empty() {
                self.right.remove(&key);
                self.right_null_keys.retain(|k| *k != key);
            }
        }
    }
}

impl Operator for AntiJoin {
    fn name(&self) -> &str {
        "AntiJoin"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![
            StateDeclaration::Internal("left rows by join key, with their match counts"),
            StateDeclaration::Internal("right rows by join key"),
        ]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        self.process_input(0, input, out)
    }

    fn process_input(&mut self, input: usize, batch: Batch, out: &mut Batch) -> Result<()> {
        for record in batch {
            let (kind, fields) = match record.value {
                Value::Row(row) => {
                    let Row { kind, fields } = *row;
                    (kind, fields)
                }
                other => (RowKind::Insert, vec![other]),
            };
            if input == 0 {
                self.process_left(kind, fields, out);
            } else {
                self.process_right(kind, fields, out);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_support::{column, lines, row};

    #[test]
    fn unmatched_rows_are_emitted_and_retracted_when_a_match_arrives() {
        let mut j = AntiJoin::new(vec![column(0)], vec![column(0)], None, 1);
        let mut out = Vec::new();
        let (a, b) = (Value::Int(1), Value::Int(2));
        j.process_input(0, vec![row(RowKind::Insert, vec![a.clone()]), row(RowKind::Insert, vec![a.clone()])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![a.clone()]), row(RowKind::Insert, vec![a.clone()])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![b.clone()])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![b.clone()])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Delete, vec![a.clone()])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Delete, vec![a.clone()])], &mut out).expect("runs");
        let expected = ["+I[Int(1)]", "+I[Int(1)]", "+I[Null]", "-D[Int(1)]", "-D[Int(1)]", "+I[Int(1)]", "+I[Int(1)]"];
        assert_eq!(lines(&out), expected);
    }

    #[test]
    fn null_aware_condition_keeps_a_null_row_only_while_the_right_is_empty() {
        // NOT IN's `l = r OR (l = r) IS NULL`, no equi key.
        let not_in: PredicateFn = Box::new(|r: &[Value]| {
            if r[0] == Value::Null || r[1] == Value::Null {
                Some(true)
            } else {
                Some(r[0] == r[1])
            }
        });
        let mut j = AntiJoin::new(vec![], vec![], Some(not_in), 1);
        let mut out = Vec::new();
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null]), row(RowKind::Insert, vec![Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Int(2)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![Value::Null])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Int(3)])], &mut out).expect("runs");
        let expected = ["+I[Null]", "+I[Int(1)]", "+I[Int(2)]", "-D[Null]", "-D[Int(1)]", "-D[Int(2)]"];
        assert_eq!(lines(&out), expected);
    }

    #[test]
    fn null_aware_keys_match_nulls_on_either_side() {
        let mut j = AntiJoin::new(vec![column(0)], vec![column(0)], None, 1).null_aware();
        let mut out = Vec::new();
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null]), row(RowKind::Insert, vec![Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Int(2)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Null])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![Value::Null])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::Insert, vec![Value::Int(3)])], &mut out).expect("runs");
        // The NULL retracted: rows only its NULL matched come back.
        j.process_input(1, vec![row(RowKind::Delete, vec![Value::Null])], &mut out).expect("runs");
        let expected = ["+I[Null]", "+I[Int(1)]", "+I[Int(2)]", "-D[Int(1)]", "-D[Null]", "-D[Int(2)]", "+I[Int(2)]", "+I[Int(3)]"];
        assert_eq!(lines(&out), expected);
    }

    #[test]
    fn updates_of_an_unmatched_row_pass_and_a_retracted_match_brings_rows_back() {
        let mut j = AntiJoin::new(vec![column(0)], vec![column(0)], None, 2);
        let mut out = Vec::new();
        let (a, b) = (Value::str("a"), Value::str("b"));
        j.process_input(0, vec![row(RowKind::Insert, vec![a.clone(), Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::UpdateBefore, vec![a.clone(), Value::Int(1)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::UpdateAfter, vec![a.clone(), Value::Int(2)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::Insert, vec![a.clone()])], &mut out).expect("runs");
        // Updates of a matched row are dropped.
        j.process_input(0, vec![row(RowKind::UpdateBefore, vec![a.clone(), Value::Int(2)])], &mut out).expect("runs");
        j.process_input(0, vec![row(RowKind::UpdateAfter, vec![a.clone(), Value::Int(3)])], &mut out).expect("runs");
        j.process_input(1, vec![row(RowKind::UpdateBefore, vec![a.clone()]), row(RowKind::UpdateAfter, vec![b])], &mut out).expect("runs");
        let expected = [
            "+I[Str(\"a\"), Int(1)]",
            "-U[Str(\"a\"), Int(1)]",
            "+U[Str(\"a\"), Int(2)]",
            "-D[Str(\"a\"), Int(2)]",
            "+I[Str(\"a\"), Int(3)]",
        ];
        assert_eq!(lines(&out), expected);
    }
}
