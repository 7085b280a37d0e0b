//! `ORDER BY rowtime [, more keys]` without LIMIT over a stream, as Flink's `RowTimeSortOperator` runs
//! it: rows are held until the watermark passes their time, then emitted in time order (rows of the
//! same time ordered by the further keys, ties in arrival order). A row whose time is not after the
//! last time already emitted is late and dropped, as Flink drops it.

use std::collections::BTreeMap;

use super::calc::row_parts;
use super::top_n::{key_values, sort_order, SortKey};
use crate::error::{JobError, Result};
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct TimeSort {
    time: usize,
    /// Keys after the time attribute.
    keys: Vec<SortKey>,
    /// Rows waiting for the watermark, by time, in arrival order.
    rows: BTreeMap<i64, Vec<Vec<Value>>>,
    /// The last time emitted (Flink's `lastTriggeringTs`, 0 at first).
    last_emitted: i64,
    /// Late rows dropped, reported at the end.
    dropped: u64,
}

impl TimeSort {
    pub fn new(time: usize, keys: Vec<SortKey>) -> Self {
        TimeSort { time, keys, rows: BTreeMap::new(), last_emitted: 0, dropped: 0 }
    }

    fn emit(&self, mut rows: Vec<Vec<Value>>, out: &mut Batch) {
        if !self.keys.is_empty() && rows.len() > 1 {
            let mut keyed: Vec<(Vec<Value>, Vec<Value>)> =
                rows.drain(..).map(|r| (key_values(&self.keys, &r), r)).collect();
            // A stable sort: rows with equal keys stay in arrival order.
            keyed.sort_by(|a, b| sort_order(&self.keys, &a.0, &b.0));
            rows = keyed.into_iter().map(|(_, r)| r).collect();
        }
        out.extend(rows.into_iter().map(|fields| Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields })))));
    }
}

impl Operator for TimeSort {
    fn name(&self) -> &str {
        "TemporalSort"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("rows waiting for the watermark, by time")]
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let (_, fields, _) = row_parts(record);
            let time = match fields.get(self.time).and_then(Value::event_millis) {
                Some(ms) => ms,
                _ => return Err(JobError::User(format!("ORDER BY's time attribute is NULL or not a TIMESTAMP (row {fields:?})"))),
            };
            if time > self.last_emitted {
                self.rows.entry(time).or_default().push(fields);
            } else {
                self.dropped += 1;
            }
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        let later = match watermark.checked_add(1) {
            Some(after) => self.rows.split_off(&after),
            None => BTreeMap::new(),
        };
        let due = std::mem::replace(&mut self.rows, later);
        for (time, rows) in due {
            self.emit(rows, out);
            self.last_emitted = time;
        }
        Ok(())
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        if self.dropped > 0 {
            let message = format!("{} late rows dropped (their time was not after the last time emitted)", self.dropped);
            crate::connectors::log(self.name(), &message);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, ts: i64) -> Record {
        Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields: vec![Value::str(name), Value::Timestamp(ts)] })))
    }

    fn names(batch: &Batch) -> Vec<String> {
        batch
            .iter()
            .map(|r| match &r.value {
                Value::Row(row) => match &row.fields[0] {
                    Value::Str(s) => s.to_string(),
                    other => format!("{other:?}"),
                },
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn emits_in_time_order_at_the_watermark_and_drops_late_rows() {
        let descending: super::super::ScalarFn = Box::new(|r: &[Value]| r[0].clone());
        let mut sort = TimeSort::new(1, vec![SortKey::new(descending, true, false)]);
        let mut out = Vec::new();
        sort.process(vec![row("c", 30), row("a", 10), row("b", 10), row("d", 20)], &mut out).unwrap();
        sort.on_watermark(20, &mut out).unwrap();
        assert_eq!(names(&out), ["b", "a", "d"], "time order, then the name descending");
        out.clear();
        sort.process(vec![row("late", 15), row("e", 25)], &mut out).unwrap();
        sort.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(names(&out), ["e", "c"]);
        assert_eq!(sort.dropped, 1);
    }
}
