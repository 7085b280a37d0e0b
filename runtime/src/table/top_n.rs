//! `ORDER BY ... LIMIT n` (and `LIMIT n` alone) over an insert-only input, as Flink's
//! `AppendOnlyTopNFunction` (and `AppendOnlyFirstNFunction`) compute it: the best `n` rows so far,
//! by sort key, with ties kept in arrival order. A row that enters the top `n` is emitted `+I`; if
//! that pushes the worst row out (the last arrival among the worst key), the evicted row's `-D` comes
//! first. Without sort keys every row ties, so the first `n` rows are emitted and the rest dropped.
//!
//! With an offset (ranks `offset + 1 ..= offset + n`) Flink uses its row-number algorithm: the new row
//! takes its rank and every row behind it moves down one rank, each changed rank in range emitting
//! `-U` of its old row and `+U` of its new one, and the first rank that was empty `+I`.
//!
//! SQL's `ROW_NUMBER() OVER (PARTITION BY k ORDER BY ...)` filtered on the row number is the same
//! operator per partition (Flink's `Rank` with `AppendOnlyTopNFunction`): the rows of each partition
//! key are ranked on their own, and when the row number is selected it is appended to each emitted row
//! and the row-number algorithm is used (as Flink does whenever it outputs the rank number, and for
//! a top-1, whose rows are updates of their partition's one row).

use std::cmp::Ordering;
use std::collections::HashMap;

use super::aggregate::compare;
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// One sort key: its expression, whether descending, and whether NULLs sort first.
pub struct SortKey {
    expr: ScalarFn,
    descending: bool,
    nulls_first: bool,
}

impl SortKey {
    pub fn new(expr: ScalarFn, descending: bool, nulls_first: bool) -> Self {
        SortKey { expr, descending, nulls_first }
    }
}

/// The sort keys' values of a row.
pub(super) fn key_values(keys: &[SortKey], fields: &[Value]) -> Vec<Value> {
    keys.iter().map(|k| (k.expr)(fields)).collect()
}

/// How two rows' key values (from [`key_values`]) order.
pub(super) fn sort_order(keys: &[SortKey], a: &[Value], b: &[Value]) -> Ordering {
    for ((x, y), key) in a.iter().zip(b).zip(keys) {
        let ord = match (x, y) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => if key.nulls_first { Ordering::Less } else { Ordering::Greater },
            (_, Value::Null) => if key.nulls_first { Ordering::Greater } else { Ordering::Less },
            _ if key.descending => compare(y, x),
            _ => compare(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// One partition's kept rows.
#[derive(Default)]
struct Ranking {
    /// Sort keys in ascending order of rank, each with its rows in arrival order.
    buffer: Vec<(Vec<Value>, Vec<Vec<Value>>)>,
    size: usize,
}

pub struct TopN {
    keys: Vec<SortKey>,
    limit: usize,
    /// Rows ranked before the emitted ones (`offset()` / SQL OFFSET / `rn >= start`).
    offset: usize,
    /// PARTITION BY expressions (none: one ranking of all rows).
    partition: Vec<ScalarFn>,
    /// Whether the rank number is appended to emitted rows (the row number is selected).
    rank_number: bool,
    /// Lowered from SQL's ROW_NUMBER() (Flink's Rank node), whose top-1 emits updates.
    row_number: bool,
    /// The input has updates: every row is kept, retractions remove theirs, and each change emits
    /// the difference of the ranks in range (Flink's `RetractableTopNFunction`).
    retracting: bool,
    /// The keyed state: each partition's ranking.
    rankings: HashMap<Vec<Value>, Ranking>,
}

impl TopN {
    pub fn new(keys: Vec<SortKey>, limit: usize) -> Self {
        TopN { keys, limit, offset: 0, partition: Vec::new(), rank_number: false, row_number: false, retracting: false, rankings: HashMap::new() }
    }

    /// Emits ranks `offset + 1 ..= offset + limit` only.
    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Ranks the rows of each value of these expressions on their own.
    pub fn partitioned(mut self, partition: Vec<ScalarFn>) -> Self {
        self.partition = partition;
        self
    }

    /// Marks the operator as SQL's `ROW_NUMBER()` ranking: a top-1 emits its partition's row as updates.
    pub fn from_row_number(mut self) -> Self {
        self.row_number = true;
        self
    }

    /// Ranks an updating input, as Flink's `RetractableTopNFunction`.
    pub fn retracting(mut self) -> Self {
        self.retracting = true;
        self
    }

    /// Appends each emitted row's rank number (a BIGINT) and always uses the row-number algorithm.
    pub fn with_rank_number(mut self) -> Self {
        self.rank_number = true;
        self
    }

    /// Whether `-U` rows are emitted. PyFlink 2.3 prints a top-1 (ranks 1..=1) ordered ascending
    /// with `+U` only, with or without PARTITION BY, and one ordered descending with `-U` and `+U`
    /// (observed on its print connector and `execute().print()`).
    fn update_before(&self) -> bool {
        !(self.row_number && self.offset == 0 && self.limit == 1 && self.keys.iter().all(|k| !k.descending))
    }

    fn row(&self, kind: RowKind, mut fields: Vec<Value>, rank: usize) -> Record {
        if self.rank_number {
            fields.push(Value::Int(rank as i64));
        }
        Record::new(Value::Row(Box::new(Row { kind, fields })))
    }

    /// The row-number algorithm (Flink's `processElementWithRowNumber`), used with an offset or
    /// when the rank number is emitted.
    fn process_row_ranked(&self, state: &mut Ranking, key: Vec<Value>, fields: Vec<Value>, out: &mut Batch) {
        let (start, end) = (self.offset + 1, self.offset.saturating_add(self.limit));
        let keys = &self.keys;
        let in_range = match state.buffer.last() {
            None => true,
            Some((worst, _)) => sort_order(keys, &key, worst) == Ordering::Less || state.size < end,
        };
        if !in_range {
            return;
        }
        let at = match state.buffer.binary_search_by(|(k, _)| sort_order(keys, k, &key)) {
            Ok(i) => {
                state.buffer[i].1.push(fields.clone());
                i
            }
            Err(i) => {
                state.buffer.insert(i, (key, vec![fields.clone()]));
                i
            }
        };
        state.size += 1;
        // The new row's rank: the rows of better keys and of its own key (it is the last of its ties).
        let mut rank: usize = state.buffer[..=at].iter().map(|(_, rows)| rows.len()).sum();
        let mut current = fields;
        let behind: Vec<Vec<Value>> = state.buffer[at + 1..].iter().flat_map(|(_, rows)| rows.iter().cloned()).collect();
        for previous in behind {
            if rank > end {
                break;
            }
            if rank >= start {
                if self.update_before() {
                    out.push(self.row(RowKind::UpdateBefore, previous.clone(), rank));
                }
                out.push(self.row(RowKind::UpdateAfter, current, rank));
            }
            current = previous;
            rank += 1;
        }
        if rank <= end && rank >= start {
            out.push(self.row(RowKind::Insert, current, rank));
        }
        // Rows ranked after the last emitted rank are forgotten.
        while state.size > end {
            let Some((_, rows)) = state.buffer.last_mut() else { break };
            rows.pop();
            if rows.is_empty() {
                state.buffer.pop();
            }
            state.size -= 1;
        }
    }

    /// The first `n` rows of a ranking, in rank order.
    fn first_rows(state: &Ranking, n: usize) -> Vec<Vec<Value>> {
        state.buffer.iter().flat_map(|(_, rows)| rows.iter()).take(n).cloned().collect()
    }

    /// One change of an updating input: the row added (`+I`/`+U`) or removed (`-U`/`-D`, the first
    /// equal row of its sort key), then the ranks in range compared before and after. With rank
    /// numbers each changed rank is `-U` old / `+U` new (`+I` / `-D` where a rank fills or empties);
    /// without, the rows that left the range are `-D` and those that entered `+I`.
    fn process_change(&mut self, kind: RowKind, fields: Vec<Value>, out: &mut Batch) {
        let partition: Vec<Value> = self.partition.iter().map(|p| p(&fields)).collect();
        let mut state = self.rankings.remove(&partition).unwrap_or_default();
        let key: Vec<Value> = self.keys.iter().map(|k| (k.expr)(&fields)).collect();
        let end = self.offset.saturating_add(self.limit);
        let before = Self::first_rows(&state, end);
        let keys = &self.keys;
        let found = state.buffer.binary_search_by(|(k, _)| sort_order(keys, k, &key));
        match (kind, found) {
            (RowKind::Insert | RowKind::UpdateAfter, Ok(i)) => state.buffer[i].1.push(fields),
            (RowKind::Insert | RowKind::UpdateAfter, Err(i)) => state.buffer.insert(i, (key, vec![fields])),
            (_, Ok(i)) => {
                if let Some(at) = state.buffer[i].1.iter().position(|r| *r == fields) {
                    state.buffer[i].1.remove(at);
                    if state.buffer[i].1.is_empty() {
                        state.buffer.remove(i);
                    }
                }
            }
            (_, Err(_)) => {}
        }
        let after = Self::first_rows(&state, end);
        let (old, new) = (before.get(self.offset..).unwrap_or(&[]), after.get(self.offset..).unwrap_or(&[]));
        // A top-1's row number is the constant 1: Flink's planner drops it from the ranking, and its
        // rows come and go as without rank numbers.
        if self.rank_number && !(self.offset == 0 && self.limit == 1) {
            for r in 0..old.len().max(new.len()) {
                let rank = self.offset + r + 1;
                match (old.get(r), new.get(r)) {
                    (Some(o), Some(n)) if o != n => {
                        if self.update_before() {
                            out.push(self.row(RowKind::UpdateBefore, o.clone(), rank));
                        }
                        out.push(self.row(RowKind::UpdateAfter, n.clone(), rank));
                    }
                    (None, Some(n)) => out.push(self.row(RowKind::Insert, n.clone(), rank)),
                    (Some(o), None) => out.push(self.row(RowKind::Delete, o.clone(), rank)),
                    _ => {}
                }
            }
        } else {
            let mut entered: Vec<&Vec<Value>> = new.iter().collect();
            for o in old {
                match entered.iter().position(|n| *n == o) {
                    Some(at) => {
                        entered.remove(at);
                    }
                    None => out.push(self.row(RowKind::Delete, o.clone(), 1)),
                }
            }
            for n in entered {
                out.push(self.row(RowKind::Insert, n.clone(), 1));
            }
        }
        self.rankings.insert(partition, state);
    }

    fn process_row(&mut self, fields: Vec<Value>, out: &mut Batch) {
        if self.limit == 0 {
            return;
        }
        let partition: Vec<Value> = self.partition.iter().map(|p| p(&fields)).collect();
        let mut state = self.rankings.remove(&partition).unwrap_or_default();
        let key: Vec<Value> = self.keys.iter().map(|k| (k.expr)(&fields)).collect();
        // Flink ranks a top-1 (ranks 1..=1) with row numbers too: its rows are updates per partition.
        if self.offset > 0 || self.rank_number || (self.row_number && self.limit == 1) {
            self.process_row_ranked(&mut state, key, fields, out);
        } else {
            self.process_row_unranked(&mut state, key, fields, out);
        }
        self.rankings.insert(partition, state);
    }

    /// Flink's `processElementWithoutRowNumber`: `+I` of an entering row after `-D` of the one
    /// it pushes out.
    fn process_row_unranked(&self, state: &mut Ranking, key: Vec<Value>, fields: Vec<Value>, out: &mut Batch) {
        let keys = &self.keys;
        let in_range = match state.buffer.last() {
            None => true,
            Some((worst, _)) => sort_order(keys, &key, worst) == Ordering::Less || state.size < self.limit,
        };
        if !in_range {
            return;
        }
        match state.buffer.binary_search_by(|(k, _)| sort_order(keys, k, &key)) {
            Ok(i) => state.buffer[i].1.push(fields.clone()),
            Err(i) => state.buffer.insert(i, (key, vec![fields.clone()])),
        }
        state.size += 1;
        if state.size > self.limit {
            let Some((_, rows)) = state.buffer.last_mut() else {
                return;
            };
            let evicted = rows.pop();
            if rows.is_empty() {
                state.buffer.pop();
            }
            state.size -= 1;
            match evicted {
                Some(evicted) if evicted != fields => out.push(self.row(RowKind::Delete, evicted, 0)),
                _ => return,
            }
        }
        out.push(self.row(RowKind::Insert, fields, 0));
    }
}

impl Operator for TopN {
    fn name(&self) -> &str {
        "TopN"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("top rows by sort key")]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = match record.value {
                Value::Row(row) => (row.kind, row.fields),
                other => (RowKind::Insert, vec![other]),
            };
            if self.retracting {
                self.process_change(kind, fields, out);
            } else {
                self.process_row(fields, out);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[i64]) -> Batch {
        values.iter().map(|v| Record::new(Value::row(vec![Value::Int(*v)]))).collect()
    }

    fn lines(out: &Batch) -> Vec<String> {
        out.iter()
            .filter_map(|r| match &r.value {
                Value::Row(row) => Some(format!("{}{:?}", row.kind.short_string(), row.fields)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn top_two_descending_evicts_the_worst() {
        let key = SortKey::new(Box::new(|r: &[Value]| r[0].clone()), true, false);
        let mut top = TopN::new(vec![key], 2);
        let mut out = Vec::new();
        top.process(rows(&[3, 1, 5, 2, 5]), &mut out).expect("runs");
        assert_eq!(lines(&out), ["+I[Int(3)]", "+I[Int(1)]", "-D[Int(1)]", "+I[Int(5)]", "-D[Int(3)]", "+I[Int(5)]"]);
    }

    #[test]
    fn an_offset_shifts_ranks_with_updates() {
        // Ranks 3..=4 ascending, as PyFlink's order_by(score).offset(2).fetch(2) prints them.
        let key = SortKey::new(Box::new(|r: &[Value]| r[0].clone()), false, true);
        let mut top = TopN::new(vec![key], 2).with_offset(2);
        let mut out = Vec::new();
        top.process(rows(&[70, 90, 60, 95, 80]), &mut out).expect("runs");
        assert_eq!(
            lines(&out),
            ["+I[Int(90)]", "+I[Int(95)]", "-U[Int(90)]", "+U[Int(80)]", "-U[Int(95)]", "+U[Int(90)]"]
        );
    }

    #[test]
    fn partitions_rank_apart_with_rank_numbers() {
        // ROW_NUMBER() OVER (PARTITION BY r[0] % 2 ORDER BY r[0] DESC) <= 1, rn selected.
        let key = SortKey::new(Box::new(|r: &[Value]| r[0].clone()), true, false);
        let parity: ScalarFn = Box::new(|r: &[Value]| match r[0] {
            Value::Int(i) => Value::Int(i % 2),
            _ => Value::Null,
        });
        let mut top = TopN::new(vec![key], 1).partitioned(vec![parity]).with_rank_number().from_row_number();
        let mut out = Vec::new();
        top.process(rows(&[3, 2, 5, 1, 4]), &mut out).expect("runs");
        assert_eq!(
            lines(&out),
            [
                "+I[Int(3), Int(1)]",
                "+I[Int(2), Int(1)]",
                "-U[Int(3), Int(1)]",
                "+U[Int(5), Int(1)]",
                "-U[Int(2), Int(1)]",
                "+U[Int(4), Int(1)]"
            ]
        );
    }

    #[test]
    fn an_ascending_top_one_updates_without_update_before() {
        let key = SortKey::new(Box::new(|r: &[Value]| r[0].clone()), false, true);
        let mut top = TopN::new(vec![key], 1).from_row_number();
        let mut out = Vec::new();
        top.process(rows(&[3, 1, 2]), &mut out).expect("runs");
        assert_eq!(lines(&out), ["+I[Int(3)]", "+U[Int(1)]"]);
    }

    #[test]
    fn an_updating_input_emits_the_changed_ranks() {
        // SUM per fruit ranked descending, top 2 with rank numbers, as PyFlink 2.3 prints it.
        let key = SortKey::new(Box::new(|r: &[Value]| r[1].clone()), true, false);
        let mut top = TopN::new(vec![key], 2).with_rank_number().from_row_number().retracting();
        let change = |kind, name: &str, total: i64| Record::new(Value::Row(Box::new(Row { kind, fields: vec![Value::str(name), Value::Int(total)] })));
        let mut out = Vec::new();
        let input = vec![
            change(RowKind::Insert, "apples", 30),
            change(RowKind::Insert, "pears", 12),
            change(RowKind::Insert, "plums", 45),
            change(RowKind::UpdateBefore, "apples", 30),
            change(RowKind::UpdateAfter, "apples", 38),
        ];
        top.process(input, &mut out).expect("runs");
        let kinds: Vec<String> = lines(&out).iter().map(|l| l[..2].to_string()).collect();
        assert_eq!(kinds, ["+I", "+I", "-U", "+U", "-U", "+U", "-U", "+U", "-U", "+U"]);
        assert!(lines(&out)[7].contains("pears"), "{:?}", lines(&out));
    }

    #[test]
    fn limit_without_keys_takes_the_first_rows() {
        let mut top = TopN::new(Vec::new(), 2);
        let mut out = Vec::new();
        top.process(rows(&[3, 1, 5]), &mut out).expect("runs");
        assert_eq!(lines(&out), ["+I[Int(3)]", "+I[Int(1)]"]);
    }
}
