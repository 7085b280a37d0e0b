//! Event-time OVER aggregations (`AGG(x) OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE ...)`), as
//! Flink's RowTime{Rows,Range}{Bounded,Unbounded}PrecedingFunction compute them.
//!
//! Rows wait per partition until the watermark passes their time (one event-time timer per partition
//! and timestamp, fired in Flink's timer-heap order); then the rows of that timestamp are processed in
//! arrival order. ROWS frames give each row the aggregate over itself and the `n` (or all) rows
//! before it; RANGE frames give all rows of one timestamp the aggregate over the rows whose time is
//! within the range (`[ts - range, ts]`, or all earlier). Each input row is emitted once (`+I`) with
//! the aggregate values appended. Rows at or behind the last processed time of their partition are
//! late and dropped.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::aggregate::{Acc, AggSpec};
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::state::timers::TimerHeap;
use crate::value::{Row, RowKind, Value};

/// The frame of an OVER window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverFrame {
    /// `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`.
    RowsUnbounded,
    /// `ROWS BETWEEN n PRECEDING AND CURRENT ROW`.
    Rows(usize),
    /// `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` (the default with ORDER BY).
    RangeUnbounded,
    /// `RANGE BETWEEN INTERVAL ... PRECEDING AND CURRENT ROW`, in milliseconds.
    Range(i64),
}

#[derive(Default)]
struct Partition {
    /// Rows waiting for the watermark, by time, in arrival order.
    pending: BTreeMap<i64, Vec<(Vec<Value>, Option<i64>)>>,
    /// Unbounded frames: the accumulators over all processed rows.
    accs: Vec<Acc>,
    /// Bounded frames: the processed rows still inside some future frame, with their time.
    window: VecDeque<(i64, Vec<Value>)>,
    /// The last time processed (later rows at or before it are late).
    last: Option<i64>,
}

pub struct OverAggregate {
    partition: Vec<ScalarFn>,
    /// The ORDER BY time attribute column.
    time: usize,
    frame: OverFrame,
    aggs: Vec<AggSpec>,
    /// The keyed state: each partition's rows and accumulators.
    partitions: HashMap<Vec<Value>, Partition>,
    timers: TimerHeap<Vec<Value>>,
    /// The current watermark: Flink's row-time over functions drop rows at or before it as late.
    watermark: i64,
}

impl OverAggregate {
    pub fn new(partition: Vec<ScalarFn>, time: usize, frame: OverFrame, aggs: Vec<AggSpec>) -> Self {
        OverAggregate {
            partition,
            time,
            frame,
            aggs: aggs.into_iter().map(AggSpec::over_window).collect(),
            partitions: HashMap::new(),
            timers: TimerHeap::default(),
            watermark: i64::MIN,
        }
    }

    /// The aggregate values of a bounded frame: a retractable aggregate's from its accumulator
    /// (which, as Flink's, took the frame's rows in and the leaving rows out), any other's computed
    /// afresh over the frame's rows.
    fn bounded(aggs: &[AggSpec], accs: &[Acc], window: &VecDeque<(i64, Vec<Value>)>) -> Result<Vec<Value>> {
        aggs.iter()
            .zip(accs)
            .map(|(spec, acc)| {
                if spec.retractable() {
                    return Ok(spec.value(acc));
                }
                let mut fresh = Acc::default();
                for (_, row) in window {
                    spec.update(&mut fresh, row, false)?;
                }
                Ok(spec.value(&fresh))
            })
            .collect()
    }

    /// Takes `row` into (or, with `retract`, out of) the retractable aggregates' accumulators.
    fn step(aggs: &[AggSpec], accs: &mut [Acc], row: &[Value], retract: bool) -> Result<()> {
        for (spec, acc) in aggs.iter().zip(accs.iter_mut()) {
            if spec.retractable() {
                spec.update(acc, row, retract)?;
            }
        }
        Ok(())
    }

    fn emit(fields: Vec<Value>, values: &[Value], timestamp: Option<i64>, out: &mut Batch) {
        let mut fields = fields;
        fields.extend_from_slice(values);
        out.push(Record {
            value: Value::Row(Box::new(Row { kind: RowKind::Insert, fields })),
            key: None,
            timestamp,
        });
    }

    /// The timer of `key` at `ts` fired: its rows of that time are processed.
    fn fire(&mut self, key: &[Value], ts: i64, out: &mut Batch) -> Result<()> {
        let aggs = &self.aggs;
        let Some(part) = self.partitions.get_mut(key) else {
            return Ok(());
        };
        let Some(rows) = part.pending.remove(&ts) else {
            return Ok(());
        };
        if part.accs.len() != aggs.len() {
            part.accs = vec![Acc::default(); aggs.len()];
        }
        part.last = Some(ts);
        match self.frame {
            OverFrame::RowsUnbounded => {
                for (fields, stamp) in rows {
                    for (spec, acc) in aggs.iter().zip(part.accs.iter_mut()) {
                        spec.update(acc, &fields, false)?;
                    }
                    let values: Vec<Value> = aggs.iter().zip(&part.accs).map(|(s, a)| s.value(a)).collect();
                    Self::emit(fields, &values, stamp, out);
                }
            }
            OverFrame::RangeUnbounded => {
                for (fields, _) in &rows {
                    for (spec, acc) in aggs.iter().zip(part.accs.iter_mut()) {
                        spec.update(acc, fields, false)?;
                    }
                }
                let values: Vec<Value> = aggs.iter().zip(&part.accs).map(|(s, a)| s.value(a)).collect();
                for (fields, stamp) in rows {
                    Self::emit(fields, &values, stamp, out);
                }
            }
            OverFrame::Rows(preceding) => {
                // Flink's RowTimeRowsBoundedPrecedingFunction: the row leaving the frame is
                // retracted before the new one is accumulated.
                for (fields, stamp) in rows {
                    if part.window.len() > preceding {
                        if let Some((_, old)) = part.window.pop_front() {
                            Self::step(aggs, &mut part.accs, &old, true)?;
                        }
                    }
                    Self::step(aggs, &mut part.accs, &fields, false)?;
                    part.window.push_back((ts, fields.clone()));
                    let values = Self::bounded(aggs, &part.accs, &part.window)?;
                    Self::emit(fields, &values, stamp, out);
                }
            }
            OverFrame::Range(range) => {
                // Flink's RowTimeRangeBoundedPrecedingFunction: expired rows are retracted, then the
                // rows of this time accumulated.
                let limit = ts.saturating_sub(range);
                while part.window.front().is_some_and(|(t, _)| *t < limit) {
                    if let Some((_, old)) = part.window.pop_front() {
                        Self::step(aggs, &mut part.accs, &old, true)?;
                    }
                }
                for (fields, _) in &rows {
                    Self::step(aggs, &mut part.accs, fields, false)?;
                    part.window.push_back((ts, fields.clone()));
                }
                let values = Self::bounded(aggs, &part.accs, &part.window)?;
                for (fields, stamp) in rows {
                    Self::emit(fields, &values, stamp, out);
                }
            }
        }
        Ok(())
    }
}

impl Operator for OverAggregate {
    fn name(&self) -> &str {
        "OverAggregate"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("over window rows and accumulators")]
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let fields = match record.value {
                Value::Row(row) => row.fields,
                other => vec![other],
            };
            let Some(ts) = fields.get(self.time).and_then(Value::event_millis) else {
                // A NULL time attribute has no place in event time.
                continue;
            };
            if ts <= self.watermark {
                continue;
            }
            let key: Vec<Value> = self.partition.iter().map(|f| f(&fields)).collect();
            let part = self.partitions.entry(key.clone()).or_default();
            if part.last.is_some_and(|last| ts <= last) {
                continue;
            }
            part.pending.entry(ts).or_default().push((fields, record.timestamp));
            self.timers.add(ts, key);
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        self.watermark = self.watermark.max(watermark);
        while let Some((ts, key)) = self.timers.poll_due(watermark) {
            self.fire(&key, ts, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::AggKind;

    fn row(key: &str, amount: i64, ts: i64) -> Record {
        Record::new(Value::row(vec![Value::str(key), Value::Int(amount), Value::Timestamp(ts)]))
    }

    fn sums(out: &Batch) -> Vec<(i64, i64)> {
        out.iter()
            .filter_map(|r| match &r.value {
                Value::Row(row) => match (&row.fields[1], &row.fields[3]) {
                    (Value::Int(a), Value::Int(s)) => Some((*a, *s)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn over(frame: OverFrame) -> OverAggregate {
        let amount: ScalarFn = Box::new(|r: &[Value]| r[1].clone());
        let key: ScalarFn = Box::new(|r: &[Value]| r[0].clone());
        OverAggregate::new(vec![key], 2, frame, vec![AggSpec::new(AggKind::Sum, Some(amount), false)])
    }

    #[test]
    fn rows_frames_wait_for_the_watermark_and_slide_by_rows() {
        let mut op = over(OverFrame::Rows(1));
        let mut out = Vec::new();
        op.process(vec![row("a", 1, 1000), row("a", 2, 2000), row("a", 4, 3000)], &mut out).expect("runs");
        assert!(out.is_empty());
        op.on_watermark(2000, &mut out).expect("fires");
        assert_eq!(sums(&out), [(1, 1), (2, 3)]);
        op.on_watermark(i64::MAX, &mut out).expect("fires");
        assert_eq!(sums(&out), [(1, 1), (2, 3), (4, 6)]);
    }

    #[test]
    fn range_frames_share_one_value_per_timestamp_and_drop_late_rows() {
        let mut op = over(OverFrame::Range(1000));
        let mut out = Vec::new();
        op.process(vec![row("a", 1, 1000), row("a", 2, 2000), row("a", 4, 2000), row("a", 8, 3500)], &mut out)
            .expect("runs");
        op.on_watermark(2000, &mut out).expect("fires");
        op.process(vec![row("a", 16, 1500)], &mut out).expect("late row dropped");
        op.on_watermark(i64::MAX, &mut out).expect("fires");
        assert_eq!(sums(&out), [(1, 1), (2, 7), (4, 7), (8, 8)]);
    }
}
