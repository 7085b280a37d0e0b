//! SQL deduplication, `ROW_NUMBER() OVER (PARTITION BY k ORDER BY rowtime [DESC]) = 1` with the row
//! number not selected, as Flink 2.3 runs it on an event-time attribute:
//!
//! - keep the last row (DESC, Flink's `RowTimeDeduplicateFunction`): each row is compared at once with
//!   its key's kept row and replaces it when its time is not earlier: `+I` for a key's first row, then
//!   `-U` of the kept row and `+U` of the new one. Late rows are not dropped.
//! - keep the first row (ASC): a key's earliest row waits for the watermark to pass its time and is
//!   then emitted `+I`, once; the key's later rows are ignored and rows behind the watermark are late
//!   and dropped (what PyFlink 2.3 prints: insert-only).
//!
//! On a processing-time attribute (`ORDER BY pt` of a `PROCTIME()` column) rows order by arrival: the
//! last row replaces the kept one at once (DESC), or a key's first row is emitted at once and the
//! rest ignored (ASC), as Flink's `ProcTimeDeduplicate*Function`s do.

use std::collections::{BTreeMap, HashMap};

use super::calc::row_parts;
use super::ScalarFn;
use crate::error::{JobError, Result};
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// A key's state when keeping its first row.
enum First {
    /// The earliest row so far, waiting for the watermark.
    Pending(i64, Vec<Value>),
    /// Its row was emitted.
    Done,
}

pub struct Deduplicate {
    partition: Vec<ScalarFn>,
    time: usize,
    keep_last: bool,
    last: HashMap<Vec<Value>, (i64, Vec<Value>)>,
    first: HashMap<Vec<Value>, First>,
    /// Keys whose pending row has this time, in the order they became pending.
    pending: BTreeMap<i64, Vec<Vec<Value>>>,
    watermark: i64,
    dropped: u64,
    /// Rows order by arrival (a processing-time attribute), not by `time`.
    proctime: bool,
}

fn row(kind: RowKind, fields: Vec<Value>) -> Record {
    Record::new(Value::Row(Box::new(Row { kind, fields })))
}

impl Deduplicate {
    pub fn new(partition: Vec<ScalarFn>, time: usize, keep_last: bool) -> Self {
        Deduplicate {
            partition,
            time,
            keep_last,
            last: HashMap::new(),
            first: HashMap::new(),
            pending: BTreeMap::new(),
            watermark: i64::MIN,
            dropped: 0,
            proctime: false,
        }
    }

    /// Orders rows by arrival (the time column is a processing-time attribute).
    pub fn on_processing_time(mut self) -> Self {
        self.proctime = true;
        self
    }

    fn keep_last_row(&mut self, key: Vec<Value>, time: i64, fields: Vec<Value>, out: &mut Batch) {
        match self.last.get_mut(&key) {
            None => {
                out.push(row(RowKind::Insert, fields.clone()));
                self.last.insert(key, (time, fields));
            }
            Some((kept_time, kept)) if time >= *kept_time => {
                out.push(row(RowKind::UpdateBefore, std::mem::replace(kept, fields.clone())));
                out.push(row(RowKind::UpdateAfter, fields));
                *kept_time = time;
            }
            Some(_) => {}
        }
    }

    fn keep_first_row(&mut self, key: Vec<Value>, time: i64, fields: Vec<Value>) {
        if time < self.watermark {
            self.dropped += 1;
            return;
        }
        match self.first.get(&key) {
            Some(First::Done) => {}
            Some(First::Pending(kept_time, _)) if time >= *kept_time => {}
            Some(First::Pending(kept_time, _)) => {
                let kept_time = *kept_time;
                if let Some(keys) = self.pending.get_mut(&kept_time) {
                    keys.retain(|k| *k != key);
                }
                self.pending.entry(time).or_default().push(key.clone());
                self.first.insert(key, First::Pending(time, fields));
            }
            None => {
                self.pending.entry(time).or_default().push(key.clone());
                self.first.insert(key, First::Pending(time, fields));
            }
        }
    }
}

impl Operator for Deduplicate {
    fn name(&self) -> &str {
        "Deduplicate"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("each key's kept row")]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in input {
            let (_, fields, _) = row_parts(record);
            if self.proctime {
                let key: Vec<Value> = self.partition.iter().map(|p| p(&fields)).collect();
                if self.keep_last {
                    self.keep_last_row(key, 0, fields, out);
                } else if let std::collections::hash_map::Entry::Vacant(first) = self.first.entry(key) {
                    first.insert(First::Done);
                    out.push(row(RowKind::Insert, fields));
                }
                continue;
            }
            let Some(time) = fields.get(self.time).and_then(Value::event_millis) else {
                return Err(JobError::User(format!("the deduplication's time attribute is NULL or not a TIMESTAMP (row {fields:?})")));
            };
            let key: Vec<Value> = self.partition.iter().map(|p| p(&fields)).collect();
            if self.keep_last {
                self.keep_last_row(key, time, fields, out);
            } else {
                self.keep_first_row(key, time, fields);
            }
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        self.watermark = self.watermark.max(watermark);
        let later = match watermark.checked_add(1) {
            Some(after) => self.pending.split_off(&after),
            None => BTreeMap::new(),
        };
        let due = std::mem::replace(&mut self.pending, later);
        for keys in due.into_values() {
            for key in keys {
                if let Some(First::Pending(_, fields)) = self.first.insert(key, First::Done) {
                    out.push(row(RowKind::Insert, fields));
                }
            }
        }
        Ok(())
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        if self.dropped > 0 {
            let message = format!("{} late rows dropped (their time was behind the watermark)", self.dropped);
            crate::connectors::log(self.name(), &message);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rows: &[(&str, i64)]) -> Batch {
        rows.iter().map(|(k, t)| row(RowKind::Insert, vec![Value::str(k), Value::Timestamp(*t)])).collect()
    }

    fn lines(out: &Batch) -> Vec<String> {
        out.iter()
            .filter_map(|r| match &r.value {
                Value::Row(row) => Some(format!("{}{:?}", row.kind.short_string(), row.fields)),
                _ => None,
            })
            .collect()
    }

    fn by_name() -> Vec<ScalarFn> {
        vec![Box::new(|r: &[Value]| r[0].clone())]
    }

    #[test]
    fn keep_last_replaces_on_a_time_not_earlier() {
        let mut dedup = Deduplicate::new(by_name(), 1, true);
        let mut out = Vec::new();
        dedup.process(input(&[("a", 5), ("a", 1), ("a", 5)]), &mut out).expect("runs");
        assert_eq!(out.len(), 3, "{:?}", lines(&out));
        assert!(lines(&out)[1].starts_with("-U"));
    }

    #[test]
    fn keep_first_waits_for_the_watermark_and_drops_late_rows() {
        let mut dedup = Deduplicate::new(by_name(), 1, false);
        let mut out = Vec::new();
        dedup.process(input(&[("a", 5), ("b", 3), ("b", 2)]), &mut out).expect("runs");
        assert!(out.is_empty());
        dedup.on_watermark(4, &mut out).expect("runs");
        dedup.process(input(&[("b", 1), ("c", 3), ("c", 6)]), &mut out).expect("runs");
        dedup.on_watermark(i64::MAX, &mut out).expect("runs");
        let names: Vec<String> = lines(&out).into_iter().map(|l| l[..l.find(',').unwrap_or(l.len())].to_string()).collect();
        assert_eq!(names, ["+I[Str(\"b\")", "+I[Str(\"a\")", "+I[Str(\"c\")"]);
    }
}
