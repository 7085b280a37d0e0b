//! Event time in Table/SQL: a table's `WATERMARK FOR ts AS ts - INTERVAL ...` ([`RowtimeWatermarks`])
//! and the window aggregate of a windowing TVF grouped by its window ([`WindowAggregate`]).
//!
//! Watermarks are the largest `ts - delay` seen. Where Flink runs its WatermarkAssignerOperator (every
//! source but Kafka), a watermark goes out right after the record that moved it on by more than the
//! interval (200 ms of event time), and otherwise periodically by the wall clock; Kafka tables push
//! the watermark into the source, which only emits periodically (so a small bounded input sees only
//! the final one). As Flink's SlicingWindowOperator, the window aggregate accumulates each (key,
//! window) silently, drops rows of windows the watermark has passed, registers one event-time timer at
//! `window_end - 1` per (key, window) when the watermark advances (in the order the pairs were first
//! seen), and emits each window's `+I` row when its timer fires, in Flink's timer-heap order.
//!
//! With Python aggregate functions (`udaf(AggregateFunction)`) the window aggregate is PyFlink's
//! PythonGroupWindowAggregate of a Table API `Tumble` / `Slide` window or a legacy SQL `GROUP BY
//! TUMBLE(...)` / `HOP(...)`: each (key, window) keeps the function's accumulator, `accumulate` takes
//! the window's rows, and `get_value` gives the window's result when it fires. A sliding window's
//! result comes, as PyFlink builds it, from a fresh accumulator into which the accumulators of its
//! panes (slices of the gcd of size and slide) were `merge`d in time order (so a function without
//! `merge` fails there as it does on PyFlink).

use std::collections::{BTreeMap, HashMap};

use super::aggregate::{Acc, AggSpec};
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{now_millis, Operator, StateDeclaration};
use crate::operators::timestamps::DEFAULT_WATERMARK_INTERVAL_MS;
use crate::record::{Batch, Record};
use crate::state::timers::TimerHeap;
use crate::value::{Row, RowKind, Value};

/// Stamps rows with their rowtime column and generates `max(rowtime) - delay` watermarks: after a
/// record that advanced them by more than the interval (`on_event_jumps`, Flink's
/// WatermarkAssignerOperator), and periodically, covering only earlier batches (as
/// `operators::timestamps` explains).
pub struct RowtimeWatermarks {
    column: usize,
    delay_ms: i64,
    on_event_jumps: bool,
    max_timestamp: Option<i64>,
    max_before_batch: Option<i64>,
    interval_ms: i64,
    last_emitted_at: i64,
    /// The last watermark generated, and those generated inside the current batch.
    last_watermark: i64,
    within_batch: Vec<(usize, i64)>,
}

impl RowtimeWatermarks {
    pub fn new(column: usize, delay_ms: i64, on_event_jumps: bool) -> Self {
        RowtimeWatermarks {
            column,
            delay_ms,
            on_event_jumps,
            max_timestamp: None,
            max_before_batch: None,
            interval_ms: DEFAULT_WATERMARK_INTERVAL_MS,
            last_emitted_at: now_millis(),
            last_watermark: i64::MIN,
            within_batch: Vec::new(),
        }
    }
}

fn fields(value: &Value) -> &[Value] {
    match value {
        Value::Row(row) => &row.fields,
        other => std::slice::from_ref(other),
    }
}

impl Operator for RowtimeWatermarks {
    fn name(&self) -> &str {
        "WatermarkAssigner"
    }

    fn on_start(&mut self) -> Result<()> {
        self.last_emitted_at = now_millis();
        Ok(())
    }

    fn process(&mut self, mut input: Batch, out: &mut Batch) -> Result<()> {
        self.max_before_batch = self.max_timestamp;
        let offset = out.len();
        for (index, record) in input.iter_mut().enumerate() {
            if let Some(ts) = fields(&record.value).get(self.column).and_then(Value::event_millis) {
                record.timestamp = Some(ts);
                self.max_timestamp = Some(self.max_timestamp.map_or(ts, |m| m.max(ts)));
                let watermark = self.max_timestamp.unwrap_or(ts).saturating_sub(self.delay_ms);
                if self.on_event_jumps && watermark.saturating_sub(self.last_watermark) > self.interval_ms {
                    self.last_watermark = watermark;
                    self.within_batch.push((offset + index + 1, watermark));
                }
            }
        }
        out.append(&mut input);
        Ok(())
    }

    fn take_watermarks_within_batch(&mut self) -> Vec<(usize, i64)> {
        std::mem::take(&mut self.within_batch)
    }

    fn generated_watermark(&mut self) -> Option<i64> {
        let max = self.max_before_batch?;
        let now = now_millis();
        if now - self.last_emitted_at < self.interval_ms {
            return None;
        }
        self.last_emitted_at = now;
        let watermark = max.saturating_sub(self.delay_ms);
        self.last_watermark = self.last_watermark.max(watermark);
        Some(watermark)
    }

    fn forwards_watermarks(&self) -> bool {
        false
    }
}

/// The event-time bookkeeping of a window aggregate keyed by (key..., window_end, ...), shared by the
/// built-in and the pandas window aggregates: rows of windows the watermark has passed are late, and
/// each (key, window) gets one timer at `window_end - 1`, registered when the watermark next advances
/// (in the order the pairs were first seen) and fired in Flink's timer-heap order.
pub(super) struct WindowTimers {
    /// Which key is `window_end` (a TIMESTAMP).
    end_key: usize,
    /// Groups first seen since the last watermark, in arrival order (their timers are not yet set).
    unregistered: Vec<Vec<Value>>,
    timers: TimerHeap<Vec<Value>>,
    watermark: i64,
    /// `window_end` is a wall-clock time of the session zone (windows of a TIMESTAMP_LTZ rowtime).
    pub(super) zoned: bool,
}

impl WindowTimers {
    pub(super) fn new(end_key: usize) -> Self {
        WindowTimers { end_key, unregistered: Vec::new(), timers: TimerHeap::default(), watermark: i64::MIN, zoned: false }
    }

    /// The event time of `key`'s window's last millisecond: `window_end - 1`, as an instant when the
    /// end is a wall-clock time of the session zone (as Flink's `toEpochMillsForTimer`).
    fn max_timestamp(&self, key: &[Value]) -> Option<i64> {
        let end = match key.get(self.end_key) {
            Some(Value::Timestamp(end) | Value::Int(end)) => *end,
            _ => return None,
        };
        Some(if self.zoned { super::time_zone::to_instant(end - 1) } else { end - 1 })
    }

    /// Whether a row of `key`'s window is on time (Flink drops the rows of windows the watermark has
    /// passed, and rows without a window end).
    pub(super) fn on_time(&self, key: &[Value]) -> bool {
        self.max_timestamp(key).is_some_and(|max| max > self.watermark)
    }

    /// A (key, window) seen for the first time.
    pub(super) fn first_seen(&mut self, key: Vec<Value>) {
        self.unregistered.push(key);
    }

    /// The watermark advanced: registers the new groups' timers and returns the groups due, in firing
    /// order.
    pub(super) fn advance(&mut self, watermark: i64) -> Vec<Vec<Value>> {
        for key in std::mem::take(&mut self.unregistered) {
            if let Some(max) = self.max_timestamp(&key) {
                self.timers.add(max, key);
            }
        }
        self.watermark = self.watermark.max(watermark);
        let mut due = Vec::new();
        while let Some((_, key)) = self.timers.poll_due(watermark) {
            due.push(key);
        }
        due
    }
}

/// The watermark as a PyFlink Python operator sees it: while a bundle is in progress (from its first
/// row until `python.fn-execution.bundle.size` rows or `.bundle.time` of wall clock), a watermark is
/// held back and passes when the bundle finishes; so a bundle's rows are on time against the watermark
/// of the bundle before. The final watermark passes at once. Without Python functions
/// ([`HeldWatermark::passing`]) every watermark passes at once.
pub(super) struct HeldWatermark {
    /// Whether watermarks are held at all.
    holds: bool,
    size: usize,
    millis: i64,
    rows: usize,
    started: i64,
    pending: Option<i64>,
}

impl HeldWatermark {
    pub(super) fn new(size: usize, millis: i64) -> Self {
        HeldWatermark { holds: true, size: size.max(1), millis, rows: 0, started: 0, pending: None }
    }

    /// Holds nothing: for operators without Python functions.
    pub(super) fn passing() -> Self {
        HeldWatermark { holds: false, ..HeldWatermark::new(1, 0) }
    }

    /// A row joined the bundle: the held watermark when that filled it.
    pub(super) fn row(&mut self) -> Option<i64> {
        if !self.holds {
            return None;
        }
        if self.rows == 0 {
            self.started = now_millis();
        }
        self.rows += 1;
        if self.rows >= self.size {
            return self.finish();
        }
        None
    }

    fn finish(&mut self) -> Option<i64> {
        self.rows = 0;
        self.pending.take()
    }

    /// A watermark arrived: it passes now when no bundle is in progress (or it is the final one).
    pub(super) fn watermark(&mut self, watermark: i64) -> Option<i64> {
        if self.rows == 0 || watermark == i64::MAX {
            self.rows = 0;
            self.pending = None;
            return Some(watermark);
        }
        self.pending = Some(watermark);
        None
    }

    /// The wall clock reached `now`: the held watermark when the bundle's time is up.
    pub(super) fn tick(&mut self, now: i64) -> Option<i64> {
        if self.rows > 0 && now - self.started >= self.millis {
            return self.finish();
        }
        None
    }
}

/// A sliding group window's panes (PyFlink's PanedWindowProcessFunction): Python aggregate functions
/// accumulate each pane of `size_ms` of the time column apart, and a window's result comes from a fresh
/// accumulator with its panes' merged in, in time order.
struct Panes {
    time: usize,
    size_ms: i64,
    /// A HOP table function's slices: Flink merges a window's slices newest first (a legacy sliding
    /// window's panes oldest first).
    newest_first: bool,
    accs: HashMap<Vec<Value>, BTreeMap<i64, Vec<Acc>>>,
}

/// GROUP BY window_start, window_end, ... over a windowing TVF: one insert-only row per (key, window)
/// when the watermark passes the window's end. The projection runs over `[keys..., aggregates...]`.
pub struct WindowAggregate {
    keys: Vec<ScalarFn>,
    aggs: Vec<AggSpec>,
    projection: Vec<ScalarFn>,
    groups: HashMap<Vec<Value>, Vec<Acc>>,
    timers: WindowTimers,
    /// A sliding group window's Python accumulators, per (key, window) and pane.
    panes: Option<Panes>,
    /// With Python aggregate functions: watermarks wait for the bundle in progress.
    held: HeldWatermark,
}

impl WindowAggregate {
    pub fn new(
        keys: Vec<ScalarFn>,
        end_key: usize,
        aggs: Vec<AggSpec>,
        projection: Vec<ScalarFn>,
    ) -> Self {
        WindowAggregate {
            keys,
            aggs,
            projection,
            groups: HashMap::new(),
            timers: WindowTimers::new(end_key),
            panes: None,
            held: HeldWatermark::passing(),
        }
        .python_bundle(super::aggregate::BUNDLE_SIZE as u64, super::aggregate::BUNDLE_MILLIS as u64)
    }

    /// PyFlink's bundle size and time (`python.fn-execution.bundle.size` / `.time`), when Python
    /// aggregate functions run here.
    pub fn python_bundle(mut self, size: u64, millis: u64) -> Self {
        let python = self.aggs.iter().any(AggSpec::is_python);
        if python {
            self.held = HeldWatermark::new(size as usize, millis as i64);
        }
        self
    }

    /// One input row into its (key, window)'s accumulators, unless the window has fired.
    fn accumulate(&mut self, row: &[Value]) -> Result<()> {
        let key: Vec<Value> = self.keys.iter().map(|f| f(row)).collect();
        if !self.timers.on_time(&key) {
            return Ok(());
        }
        if !self.groups.contains_key(&key) {
            self.groups.insert(key.clone(), vec![Acc::default(); self.aggs.len()]);
            self.timers.first_seen(key.clone());
        }
        let mut pane_accs = match self.panes.as_mut() {
            Some(panes) => {
                // An LTZ time is paned by its wall-clock time, as its windows are aligned.
                let local = match row.get(panes.time) {
                    Some(Value::Timestamp(ts)) => Some(*ts),
                    Some(instant @ Value::Instant(..)) => instant.event_millis().map(super::time_zone::to_local),
                    _ => None,
                };
                let pane = local.map_or(0, |ts| ts - ts.rem_euclid(panes.size_ms));
                let n = self.aggs.len();
                Some(panes.accs.entry(key.clone()).or_default().entry(pane).or_insert_with(|| vec![Acc::default(); n]))
            }
            None => None,
        };
        if let Some(accs) = self.groups.get_mut(&key) {
            for (i, (spec, acc)) in self.aggs.iter().zip(accs.iter_mut()).enumerate() {
                match pane_accs.as_mut().and_then(|p| p.get_mut(i)).filter(|_| spec.is_python() || spec.merges()) {
                    Some(pane_acc) => spec.update(pane_acc, row, false)?,
                    None => spec.update(acc, row, false)?,
                }
            }
        }
        Ok(())
    }

    /// Fires the windows the watermark passed.
    fn advance(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        for key in self.timers.advance(watermark) {
            let Some(accs) = self.groups.remove(&key) else {
                continue;
            };
            let newest_first = self.panes.as_ref().is_some_and(|p| p.newest_first);
            let panes = self.panes.as_mut().and_then(|p| p.accs.remove(&key));
            let mut input = key;
            for (i, (spec, acc)) in self.aggs.iter().zip(&accs).enumerate() {
                input.push(match &panes {
                    Some(panes) if spec.is_python() => spec.merged(panes.values().filter_map(|p| p.get(i)))?,
                    Some(panes) if spec.merges() && newest_first => {
                        spec.merged_builtin(panes.values().rev().filter_map(|p| p.get(i)))
                    }
                    Some(panes) if spec.merges() => spec.merged_builtin(panes.values().filter_map(|p| p.get(i))),
                    _ => spec.current(acc)?,
                });
            }
            let fields = self.projection.iter().map(|f| f(&input)).collect();
            out.push(Record::new(Value::Row(Box::new(Row {
                kind: RowKind::Insert,
                fields,
            }))));
        }
        Ok(())
    }

    /// A sliding group window (Table API `Slide`, SQL `GROUP BY HOP(...)`) whose rows' time is column
    /// `time`: Python aggregate functions accumulate panes of `pane_ms` and merge them when it fires.
    pub fn panes(mut self, time: usize, pane_ms: i64) -> Self {
        self.panes = Some(Panes { time, size_ms: pane_ms.max(1), newest_first: false, accs: HashMap::new() });
        self
    }

    /// A HOP table function's window aggregate whose rows' time is column `time`: aggregates whose
    /// merge shows ([`AggSpec::merges`]) accumulate slices of `slice_ms` and merge them newest first.
    pub fn slices(mut self, time: usize, slice_ms: i64) -> Self {
        self.panes = Some(Panes { time, size_ms: slice_ms.max(1), newest_first: true, accs: HashMap::new() });
        self
    }

    /// Windows of a TIMESTAMP_LTZ rowtime: their `window_end` is a wall-clock time of the session
    /// zone, due when the watermark passes its instant.
    pub fn zoned(mut self) -> Self {
        self.timers.zoned = true;
        self
    }
}

impl Operator for WindowAggregate {
    fn name(&self) -> &str {
        if self.aggs.iter().any(AggSpec::is_python) {
            "PythonGroupWindowAggregate"
        } else {
            "WindowAggregate"
        }
    }

    fn on_start(&mut self) -> Result<()> {
        self.aggs.iter().try_for_each(AggSpec::open)
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.aggs.iter().try_for_each(AggSpec::close)
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("window accumulators")]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in &input {
            self.accumulate(fields(&record.value))?;
            // A bundle this row filled finishes after it.
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

    fn batch(rows: &[(i64, &str)]) -> Batch {
        let mut b = Batch::new();
        for (end, key) in rows {
            b.push(Record::new(Value::row(vec![
                Value::Timestamp(*end),
                Value::str(key),
            ])));
        }
        b
    }

    fn rows(out: &Batch) -> Vec<Vec<Value>> {
        out.iter().map(|r| fields(&r.value).to_vec()).collect()
    }

    #[test]
    fn rowtime_watermarks_go_out_after_records_that_jump_past_the_interval() {
        let mut assigner = RowtimeWatermarks::new(0, 1000, true);
        let mut out = Batch::new();
        // 5000 -> 4000 (first: emitted); 5100 moves it by 100 ms (not more than 200: kept back);
        // 3000 moves nothing; 6000 -> 5000 (more than 200 past 4000: emitted after the fourth).
        assigner.process(batch(&[(5000, "a"), (5100, "a"), (3000, "a"), (6000, "a")]), &mut out).unwrap();
        assert_eq!(out.len(), 4);
        assert_eq!(assigner.take_watermarks_within_batch(), vec![(1, 4000), (4, 5000)]);
        let mut kafka = RowtimeWatermarks::new(0, 1000, false);
        kafka.process(batch(&[(5000, "a")]), &mut Batch::new()).unwrap();
        assert!(kafka.take_watermarks_within_batch().is_empty(), "a Kafka table's source only emits periodically");
    }

    #[test]
    fn watermarks_wait_for_the_python_bundle_in_progress() {
        let mut held = HeldWatermark::new(3, i64::MAX);
        assert_eq!(held.watermark(5), Some(5), "no bundle in progress: it passes");
        assert_eq!(held.row(), None);
        assert_eq!(held.watermark(7), None);
        assert_eq!(held.watermark(9), None);
        assert_eq!(held.row(), None);
        assert_eq!(held.row(), Some(9), "the third row fills the bundle: the latest held watermark passes");
        assert_eq!(held.row(), None);
        assert_eq!(held.tick(0), None, "the bundle's time is not up");
        assert_eq!(held.watermark(i64::MAX), Some(i64::MAX), "the final watermark passes at once");
    }

    #[test]
    fn windows_fire_at_the_watermark_and_late_rows_are_dropped() {
        let mut agg = WindowAggregate::new(
            vec![column(0), column(1)],
            0,
            vec![AggSpec::new(AggKind::Count, None, false)],
            vec![column(1), column(2)],
        );
        let mut out = Batch::new();
        agg.process(batch(&[(10, "a"), (20, "b"), (10, "a")]), &mut out)
            .unwrap();
        assert!(out.is_empty());
        agg.on_watermark(9, &mut out).unwrap();
        assert_eq!(rows(&out), vec![vec![Value::str("a"), Value::Int(2)]]);
        let mut out = Batch::new();
        // Window 10 has fired: its late row is dropped.
        agg.process(batch(&[(10, "a"), (20, "b")]), &mut out)
            .unwrap();
        agg.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(rows(&out), vec![vec![Value::str("b"), Value::Int(2)]]);
    }
}
