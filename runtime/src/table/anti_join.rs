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
//! `OuterJoinRecordStateView`. A key with a NULL matches nothing (SQL equality); NOT IN's NULL
//! semantics are the planner's condition (`x = y OR (x = y) IS NULL`, no equi key). Rows of one key
//! are visited in arrival order.

use std::collections::HashMap;

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
    left: HashMap<Vec<Value>, Vec<LeftRow>>,
    right: HashMap<Vec<Value>, Vec<RightRow>>,
}

impl AntiJoin {
    /// Input 0 is the left side (whose rows are emitted), input 1 the right.
    pub fn new(left_keys: Vec<ScalarFn>, right_keys: Vec<ScalarFn>, condition: Option<PredicateFn>, left_width: usize) -> Self {
        AntiJoin { left_keys, right_keys, condition, left_width, left: HashMap::new(), right: HashMap::new() }
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

    fn process_left(&mut self, kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        let key: Vec<Value> = self.left_keys.iter().map(|f| f(&fields)).collect();
        let joinable = !key.contains(&Value::Null);
        let matching: i64 = if joinable {
            self.right.get(&key).map_or(0, |rows| {
                rows.iter().filter(|r| self.matches(&fields, &r.fields)).map(|r| r.count.max(0)).sum()
            })
        } else {
            0
        };
        if matching == 0 {
            Self::emit(kind, fields.clone(), out);
        }
        if !joinable {
            return;
        }
        let rows = self.left.entry(key.clone()).or_default();
        let position = rows.iter().position(|r| r.fields == fields);
        if matches!(kind, RowKind::Insert | RowKind::UpdateAfter) {
            match position {
                Some(i) => {
                    rows[i].count += 1;
                    rows[i].associations = matching;
                }
                None => rows.push(LeftRow { fields, count: 1, associations: matching }),
            }
        } else if let Some(i) = position {
            rows[i].count -= 1;
            if rows[i].count <= 0 {
                rows.remove(i);
            }
            if rows.is_empty() {
                self.left.remove(&key);
            }
        }
    }

    fn process_right(&mut self, kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        let key: Vec<Value> = self.right_keys.iter().map(|f| f(&fields)).collect();
        if key.contains(&Value::Null) {
            return;
        }
        let accumulate = matches!(kind, RowKind::Insert | RowKind::UpdateAfter);
        if let Some(mut rows) = self.left.remove(&key) {
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
            self.left.insert(key.clone(), rows);
        }
        let rows = self.right.entry(key.clone()).or_default();
        let position = rows.iter().position(|r| r.fields == fields);
        if accumulate {
            match position {
                Some(i) => rows[i].count += 1,
                None => rows.push(RightRow { fields, count: 1 }),
            }
        } else if let Some(i) = position {
            rows[i].count -= 1;
            if rows[i].count <= 0 {
                rows.remove(i);
            }
            if rows.is_empty() {
                self.right.remove(&key);
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

    fn column(i: usize) -> ScalarFn {
        Box::new(move |r: &[Value]| r[i].clone())
    }

    fn row(kind: RowKind, fields: Vec<Value>) -> Record {
        Record::new(Value::Row(Box::new(Row { kind, fields })))
    }

    fn lines(batch: &Batch) -> Vec<String> {
        batch
            .iter()
            .filter_map(|r| match &r.value {
                Value::Row(row) => Some(format!("{}{:?}", row.kind.short_string(), row.fields)),
                _ => None,
            })
            .collect()
    }

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
