//! `ORDER BY ... LIMIT n` (and `LIMIT n` alone) over an insert-only input, as Flink's
//! `AppendOnlyTopNFunction` (and `AppendOnlyFirstNFunction`) compute it: the best `n` rows so far,
//! by sort key, with ties kept in arrival order. A row that enters the top `n` is emitted `+I`; if
//! that pushes the worst row out (the last arrival among the worst key), the evicted row's `-D` comes
//! first. Without sort keys every row ties, so the first `n` rows are emitted and the rest dropped.
//!
//! With an offset (ranks `offset + 1 ..= offset + n`) Flink uses its row-number algorithm: the new row
//! takes its rank and every row behind it moves down one rank, each changed rank in range emitting
//! `-U` of its old row and `+U` of its new one, and the first rank that was empty `+I`.

use std::cmp::Ordering;

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

pub struct TopN {
    keys: Vec<SortKey>,
    limit: usize,
    /// Rows ranked before the emitted ones (`offset()` / SQL OFFSET).
    offset: usize,
    /// Sort keys in ascending order of rank, each with its rows in arrival order.
    buffer: Vec<(Vec<Value>, Vec<Vec<Value>>)>,
    size: usize,
}

impl TopN {
    pub fn new(keys: Vec<SortKey>, limit: usize) -> Self {
        TopN { keys, limit, offset: 0, buffer: Vec::new(), size: 0 }
    }

    /// Emits ranks `offset + 1 ..= offset + limit` only.
    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    fn order(&self, a: &[Value], b: &[Value]) -> Ordering {
        sort_order(&self.keys, a, b)
    }

    fn row(kind: RowKind, fields: Vec<Value>) -> Record {
        Record::new(Value::Row(Box::new(Row { kind, fields })))
    }

    /// The row-number algorithm (Flink's `processElementWithRowNumber`), used with an offset.
    fn process_row_ranked(&mut self, fields: Vec<Value>, out: &mut Batch) {
        let (start, end) = (self.offset + 1, self.offset + self.limit);
        let key: Vec<Value> = self.keys.iter().map(|k| (k.expr)(&fields)).collect();
        let in_range = match self.buffer.last() {
            None => true,
            Some((worst, _)) => self.order(&key, worst) == Ordering::Less || self.size < end,
        };
        if !in_range {
            return;
        }
        let at = match self.buffer.binary_search_by(|(k, _)| self.order(k, &key)) {
            Ok(i) => {
                self.buffer[i].1.push(fields.clone());
                i
            }
            Err(i) => {
                self.buffer.insert(i, (key, vec![fields.clone()]));
                i
            }
        };
        self.size += 1;
        // The new row's rank: the rows of better keys and of its own key (it is the last of its ties).
        let mut rank: usize = self.buffer[..=at].iter().map(|(_, rows)| rows.len()).sum();
        let mut current = fields;
        let behind: Vec<Vec<Value>> = self.buffer[at + 1..].iter().flat_map(|(_, rows)| rows.iter().cloned()).collect();
        for previous in behind {
            if rank > end {
                break;
            }
            if rank >= start {
                out.push(Self::row(RowKind::UpdateBefore, previous.clone()));
                out.push(Self::row(RowKind::UpdateAfter, current));
            }
            current = previous;
            rank += 1;
        }
        if rank <= end && rank >= start {
            out.push(Self::row(RowKind::Insert, current));
        }
        // Rows ranked after the last emitted rank are forgotten.
        while self.size > end {
            let Some((_, rows)) = self.buffer.last_mut() else { break };
            rows.pop();
            if rows.is_empty() {
                self.buffer.pop();
            }
            self.size -= 1;
        }
    }

    fn process_row(&mut self, fields: Vec<Value>, out: &mut Batch) {
        if self.limit == 0 {
            return;
        }
        if self.offset > 0 {
            return self.process_row_ranked(fields, out);
        }
        let key: Vec<Value> = self.keys.iter().map(|k| (k.expr)(&fields)).collect();
        let in_range = match self.buffer.last() {
            None => true,
            Some((worst, _)) => self.order(&key, worst) == Ordering::Less || self.size < self.limit,
        };
        if !in_range {
            return;
        }
        match self.buffer.binary_search_by(|(k, _)| self.order(k, &key)) {
            Ok(i) => self.buffer[i].1.push(fields.clone()),
            Err(i) => self.buffer.insert(i, (key, vec![fields.clone()])),
        }
        self.size += 1;
        if self.size > self.limit {
            let Some((_, rows)) = self.buffer.last_mut() else {
                return;
            };
            let evicted = rows.pop();
            if rows.is_empty() {
                self.buffer.pop();
            }
            self.size -= 1;
            match evicted {
                Some(evicted) if evicted != fields => out.push(Self::row(RowKind::Delete, evicted)),
                _ => return,
            }
        }
        out.push(Self::row(RowKind::Insert, fields));
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
            let fields = match record.value {
                Value::Row(row) => row.fields,
                other => vec![other],
            };
            self.process_row(fields, out);
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
    fn limit_without_keys_takes_the_first_rows() {
        let mut top = TopN::new(Vec::new(), 2);
        let mut out = Vec::new();
        top.process(rows(&[3, 1, 5]), &mut out).expect("runs");
        assert_eq!(lines(&out), ["+I[Int(3)]", "+I[Int(1)]"]);
    }
}
