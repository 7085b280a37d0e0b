//! Session windows in Table/SQL: `GROUP BY window_start, window_end, ...` over the windowing TVF
//! `SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), INTERVAL gap)`, and the Table API's
//! `Session.with_gap(gap).on(ts).alias(w)` group window.
//!
//! As Flink's merging window operator: each row opens the window `[ts, ts + gap)` of its key and
//! merges it with the key's open windows it intersects (touching ends count, as `TimeWindow.intersects`);
//! a row whose (merged) window the watermark has already passed is late and dropped. One event-time
//! timer per window at `end - 1` (moved when windows merge) emits the window's `+I` row. A window keeps
//! its rows until it fires and folds them into the aggregates then, in arrival order, so merging needs
//! no accumulator merge. Python aggregate functions (`udaf(AggregateFunction)`, PyFlink's
//! PythonGroupWindowAggregate of a `Session` group window) are folded the same way: one accumulator per
//! session, `accumulate` per row, `get_value` when it fires; when a row bridged sessions that held rows,
//! each of those sessions' rows go into an accumulator of their own, `merge`d into the first's, as
//! PyFlink merges the sessions' accumulators (so a function without `merge` fails there as on PyFlink). With them, watermarks wait for the
//! bundle in progress, as [`super::window::HeldWatermark`] explains.

use std::collections::HashMap;

use super::aggregate::{Acc, AggSpec};
use super::window::HeldWatermark;
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::state::timers::TimerHeap;
use crate::value::{Row, RowKind, Value};

/// One open session of a key: its bounds and its rows, in arrival order.
#[derive(Debug)]
struct Session {
    start: i64,
    end: i64,
    rows: Vec<Vec<Value>>,
    /// Where the rows of each session a bridging row merged into this one begin (`[0]` for one never
    /// merged so): PyFlink keeps an accumulator per such session and `merge`s them.
    segments: Vec<usize>,
}

/// The session window aggregate. `keys` (the partition) are evaluated on input rows; the GROUP BY keys
/// are those with `window_start` and `window_end` inserted at `window_positions`. The aggregates run
/// over the input rows with `window_start`, `window_end`, `window_time` appended, the projection over
/// `[GROUP BY keys..., aggregates...]`.
pub struct SessionWindowAggregate {
    keys: Vec<ScalarFn>,
    window_positions: [usize; 2],
    /// The input column holding the row's event time (a TIMESTAMP).
    time: usize,
    gap_ms: i64,
    aggs: Vec<AggSpec>,
    projection: Vec<ScalarFn>,
    /// Open sessions by key, disjoint.
    sessions: HashMap<Vec<Value>, Vec<Session>>,
    /// `(end - 1, (key, end))` per open session.
    timers: TimerHeap<(Vec<Value>, i64)>,
    watermark: i64,
    /// With Python aggregate functions: watermarks wait for the bundle in progress.
    held: HeldWatermark,
    /// Python functions' accumulators of bridged sessions are merged (a group window's), or each
    /// session's rows are folded into one (the SQL SESSION table function's aggregate).
    merge_bridged: bool,
    /// The time column is a TIMESTAMP_LTZ: sessions are of its wall-clock times in the session zone
    /// (the times kept here), due when the watermark passes the instant of their last millisecond.
    zoned: bool,
}

impl SessionWindowAggregate {
    pub fn new(
        keys: Vec<ScalarFn>,
        window_positions: [usize; 2],
        time: usize,
        gap_ms: i64,
        aggs: Vec<AggSpec>,
        projection: Vec<ScalarFn>,
    ) -> Self {
        SessionWindowAggregate {
            keys,
            window_positions,
            time,
            gap_ms,
            aggs,
            projection,
            sessions: HashMap::new(),
            timers: TimerHeap::default(),
            watermark: i64::MIN,
            held: HeldWatermark::passing(),
            merge_bridged: true,
            zoned: false,
        }
        .python_bundle(super::aggregate::BUNDLE_SIZE as u64, super::aggregate::BUNDLE_MILLIS as u64)
    }

    /// PyFlink's bundle size and time, when Python aggregate functions run here.
    pub fn python_bundle(mut self, size: u64, millis: u64) -> Self {
        let python = self.aggs.iter().any(AggSpec::is_python);
        if python {
            self.held = HeldWatermark::new(size as usize, millis as i64);
        }
        self
    }

    /// The aggregate over the SQL SESSION table function: PyFlink runs its Python aggregate functions
    /// as a Python group aggregate over the rows the (Java) table function emits per session, so
    /// watermarks are not held back and no accumulators are merged.
    pub fn tvf(mut self) -> Self {
        self.held = HeldWatermark::passing();
        self.merge_bridged = false;
        self
    }

    /// Fires the sessions the watermark passed.
    fn advance(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        self.watermark = self.watermark.max(watermark);
        while let Some((_, (key, end))) = self.timers.poll_due(watermark) {
            self.fire(key, end, out)?;
        }
        Ok(())
    }

    /// The event time of a session's last millisecond `last` (a wall-clock time when `zoned`).
    fn instant(zoned: bool, last: i64) -> i64 {
        if zoned { super::time_zone::to_instant(last) } else { last }
    }

    /// Adds one row at event time `ts` to `key`'s sessions (or drops it as late).
    fn add(&mut self, key: Vec<Value>, ts: i64, row: Vec<Value>) {
        let (mut start, mut end) = (ts, ts.saturating_add(self.gap_ms));
        let open = self.sessions.entry(key.clone()).or_default();
        let (merged, kept): (Vec<Session>, Vec<Session>) =
            std::mem::take(open).into_iter().partition(|s| s.start <= end && s.end >= start);
        for s in &merged {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        if Self::instant(self.zoned, end - 1) <= self.watermark {
            // Late: only possible without an open session to merge with (an open one ends later).
            *open = kept;
            open.extend(merged);
            if open.is_empty() {
                self.sessions.remove(&key);
            }
            return;
        }
        let mut rows = Vec::new();
        let mut segments = Vec::new();
        let mut merged = merged;
        merged.sort_by_key(|s| s.start);
        // Rows keep their arrival order within each merged session; sessions are concatenated by start.
        for s in merged {
            self.timers.remove(Self::instant(self.zoned, s.end - 1), &(key.clone(), s.end));
            segments.extend(s.segments.iter().map(|at| at + rows.len()));
            rows.extend(s.rows);
        }
        if segments.is_empty() {
            segments.push(0);
        }
        rows.push(row);
        let mut sessions = kept;
        sessions.push(Session { start, end, rows, segments });
        *open = sessions;
        self.timers.add(Self::instant(self.zoned, end - 1), (key, end));
    }

    fn fire(&mut self, key: Vec<Value>, end: i64, out: &mut Batch) -> Result<()> {
        let Some(open) = self.sessions.get_mut(&key) else {
            return Ok(());
        };
        let Some(index) = open.iter().position(|s| s.end == end) else {
            return Ok(());
        };
        let session = open.swap_remove(index);
        if open.is_empty() {
            self.sessions.remove(&key);
        }
        let time = if self.zoned {
            super::datetime::from_instant(Some(super::time_zone::to_instant(session.end - 1)))
        } else {
            Value::Timestamp(session.end - 1)
        };
        let window = [Value::Timestamp(session.start), Value::Timestamp(session.end), time];
        let mut rows = session.rows;
        for row in &mut rows {
            row.extend(window.iter().cloned());
        }
        let mut accs = vec![Acc::default(); self.aggs.len()];
        for (spec, acc) in self.aggs.iter().zip(accs.iter_mut()) {
            if !spec.is_python() || !self.merge_bridged {
                rows.iter().try_for_each(|row| spec.update(acc, row, false))?;
                continue;
            }
            // A Python function's accumulator per merged session, merged into the first's.
            let mut bounds = session.segments.clone();
            bounds.push(rows.len());
            for (i, range) in bounds.windows(2).enumerate() {
                let segment = rows.get(range[0]..range[1]).unwrap_or_default();
                if i == 0 {
                    segment.iter().try_for_each(|row| spec.update(acc, row, false))?;
                } else {
                    let mut other = Acc::default();
                    segment.iter().try_for_each(|row| spec.update(&mut other, row, false))?;
                    spec.merge(acc, &other)?;
                }
            }
        }
        let mut input = key;
        let mut slots = [(self.window_positions[0], window[0].clone()), (self.window_positions[1], window[1].clone())];
        slots.sort_by_key(|(position, _)| *position);
        for (position, value) in slots {
            input.insert(position.min(input.len()), value);
        }
        for (spec, acc) in self.aggs.iter().zip(&accs) {
            input.push(spec.current(acc)?);
        }
        let fields = self.projection.iter().map(|f| f(&input)).collect();
        out.push(Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields }))));
        Ok(())
    }
}

impl Operator for SessionWindowAggregate {
    fn name(&self) -> &str {
        "SessionWindowAggregate"
    }

    fn on_start(&mut self) -> Result<()> {
        self.aggs.iter().try_for_each(AggSpec::open)
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.aggs.iter().try_for_each(AggSpec::close)
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("open sessions and their rows")]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in input {
            let row = match record.value {
                Value::Row(row) => row.fields,
                other => vec![other],
            };
            // Flink drops rows whose time attribute is NULL.
            let ts = match row.get(self.time) {
                Some(Value::Timestamp(ts)) => Some(*ts),
                Some(instant @ Value::Instant(..)) => {
                    self.zoned = true;
                    instant.event_millis().map(super::time_zone::to_local)
                }
                _ => None,
            };
            if let Some(ts) = ts {
                let key: Vec<Value> = self.keys.iter().map(|f| f(&row)).collect();
                self.add(key, ts, row);
            }
            if let Some(watermark) = self.held.row() {
                self.advance(watermark, out)?;
            }
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        match self.held.watermark(watermark) {
            Some(watermark) => self.advance(watermark, out),
            None => Ok(()),
        }
    }

    fn on_processing_time(&mut self, now: i64, out: &mut Batch) -> Result<()> {
        match self.held.tick(now) {
            Some(watermark) => self.advance(watermark, out),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_support::{column};
    use crate::table::AggKind;

    fn batch(rows: &[(&str, i64)]) -> Batch {
        rows.iter().map(|(k, ts)| Record::new(Value::row(vec![Value::str(k), Value::Timestamp(*ts)]))).collect()
    }

    fn rows(out: &Batch) -> Vec<Vec<Value>> {
        out.iter()
            .map(|r| match &r.value {
                Value::Row(row) => row.fields.clone(),
                other => vec![other.clone()],
            })
            .collect()
    }

    /// key, window_start, window_end, count(*)
    fn agg() -> SessionWindowAggregate {
        SessionWindowAggregate::new(
            vec![column(0)],
            [1, 2],
            1,
            5,
            vec![AggSpec::new(AggKind::Count, None, false)],
            vec![column(0), column(1), column(2), column(3)],
        )
    }

    fn out_row(key: &str, start: i64, end: i64, count: i64) -> Vec<Value> {
        vec![Value::str(key), Value::Timestamp(start), Value::Timestamp(end), Value::Int(count)]
    }

    #[test]
    fn rows_merge_into_sessions_per_key_and_fire_at_the_watermark() {
        let mut a = agg();
        let mut out = Batch::new();
        // a: 0 and 5 touch (merge), 20 is a new session; b: 3 alone.
        a.process(batch(&[("a", 0), ("b", 3), ("a", 5), ("a", 20)]), &mut out).unwrap();
        a.on_watermark(9, &mut out).unwrap();
        assert_eq!(rows(&out), vec![out_row("b", 3, 8, 1), out_row("a", 0, 10, 2)]);
        out.clear();
        a.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(rows(&out), vec![out_row("a", 20, 25, 1)]);
    }

    #[test]
    fn a_late_row_is_dropped_but_one_bridging_open_sessions_merges_them() {
        let mut a = agg();
        let mut out = Batch::new();
        a.process(batch(&[("a", 10), ("a", 22)]), &mut out).unwrap();
        a.on_watermark(15, &mut out).unwrap();
        assert_eq!(rows(&out), vec![out_row("a", 10, 15, 1)]);
        out.clear();
        // 4 is late (its window [4, 9) ended before the watermark); 18 joins the open [22, 27).
        a.process(batch(&[("a", 4), ("a", 18)]), &mut out).unwrap();
        a.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(rows(&out), vec![out_row("a", 18, 27, 2)]);
    }
}
