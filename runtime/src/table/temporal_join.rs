//! An event-time temporal table join (SQL `... JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
//! ON o.currency = r.currency`, `rates` a versioned table), as Flink's `TemporalRowTimeJoinOperator`
//! runs it: a left (probe) row waits until the watermark reaches its time, then joins the right
//! version with the latest time at or before it (LEFT JOIN: padded with NULLs when there is none or
//! the condition fails). Output is insert-only.
//!
//! Per join key: the left rows waiting, in arrival order, and the right versions by time (a later
//! version at the same time replaces the earlier one). One timer per key, at the smallest time of a
//! row that arrived since it last fired; when it fires, the key's left rows at or before the
//! watermark are emitted in arrival order, versions older than the latest one at or before the
//! watermark are dropped, and the timer is re-armed for the earliest left row still waiting.

use std::collections::{BTreeMap, HashMap};

use super::calc::row_parts;
use super::join::JoinedRows;
use super::keyed_timers::KeyedTimers;
use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::{Operator, StateDeclaration};
use crate::record::Batch;
use crate::value::{RowKind, Value};

#[derive(Default)]
struct KeyState {
    /// Waiting left rows with their times, in arrival order.
    left: Vec<(i64, Vec<Value>)>,
    /// Right versions by their time.
    versions: BTreeMap<i64, Vec<Value>>,
    /// The key's armed timer.
    timer: Option<i64>,
}

/// The temporal join; input 0 is the left (probe) side, input 1 the versioned table.
pub struct TemporalJoin {
    left_keys: Vec<ScalarFn>,
    right_keys: Vec<ScalarFn>,
    rows: JoinedRows,
    left_outer: bool,
    left_time: usize,
    right_time: usize,
    /// A versioned view's deduplication: drop a version older than its key's latest.
    deduplicated: bool,
    watermark: i64,
    states: HashMap<u64, KeyState>,
    /// Key ids and the pending timers.
    timers: KeyedTimers,
}

impl TemporalJoin {
    /// `condition` is the non-equi part of ON over `[left..., right...]`; `left_time` /
    /// `right_time` the columns of the probe time and the version time.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        left_keys: Vec<ScalarFn>,
        right_keys: Vec<ScalarFn>,
        condition: Option<PredicateFn>,
        left_outer: bool,
        left_width: usize,
        right_width: usize,
        left_time: usize,
        right_time: usize,
    ) -> Self {
        TemporalJoin {
            left_keys,
            right_keys,
            rows: JoinedRows { left_width, right_width, condition },
            left_outer,
            left_time,
            right_time,
            deduplicated: false,
            watermark: i64::MIN,
            states: HashMap::new(),
            timers: KeyedTimers::default(),
        }
    }

    /// The versioned table is a deduplicating view (`ROW_NUMBER() OVER (PARTITION BY key ORDER BY
    /// rowtime DESC) = 1`): Flink's deduplication keeps a row only when it is not older than its
    /// key's last one, so an older row never becomes a version.
    pub fn deduplicated(mut self, deduplicated: bool) -> Self {
        self.deduplicated = deduplicated;
        self
    }

    fn key_id(&mut self, key: Vec<Value>) -> u64 {
        let (id, _) = self.timers.id(&key);
        self.states.entry(id).or_default();
        id
    }

    /// Flink's `registerSmallestTimer`: only an earlier time replaces the armed timer.
    fn arm_smallest(&mut self, id: u64, time: i64) {
        let Some(state) = self.states.get_mut(&id) else { return };
        match state.timer {
            Some(armed) if armed <= time => {}
            armed => {
                if let Some(armed) = armed {
                    self.timers.delete(armed, id);
                }
                state.timer = Some(time);
                self.timers.register(time, id);
            }
        }
    }

    fn process_row(&mut self, fields: Vec<Value>, is_left: bool, out: &mut Batch) -> Result<()> {
        let column = if is_left { self.left_time } else { self.right_time };
        let Some(time) = fields.get(column).and_then(Value::event_millis) else {
            return Err(JobError::User(format!(
                "the temporal join's {} time attribute is NULL or not a TIMESTAMP (row {fields:?})",
                if is_left { "left" } else { "versioned table's" }
            )));
        };
        let key_fns = if is_left { &self.left_keys } else { &self.right_keys };
        let key: Vec<Value> = key_fns.iter().map(|f| f(&fields)).collect();
        // A NULL key matches no version (SQL equality); a LEFT JOIN still pads the row, at once.
        if key.iter().any(|v| matches!(v, Value::Null)) {
            if is_left && self.left_outer {
                out.push(self.rows.padded(RowKind::Insert, &fields, true));
            }
            return Ok(());
        }
        let id = self.key_id(key);
        if let Some(state) = self.states.get_mut(&id) {
            if is_left {
                state.left.push((time, fields));
            } else if self.deduplicated && state.versions.keys().next_back().is_some_and(|&latest| time < latest) {
                // The cleanup always keeps the latest version, so it is the key's last row.
                return Ok(());
            } else {
                state.versions.insert(time, fields);
            }
        }
        self.arm_smallest(id, time);
        Ok(())
    }

    /// Flink's `onEventTime` for one key at the current watermark.
    fn on_timer(&mut self, id: u64, out: &mut Batch) {
        let watermark = self.watermark;
        let Some(state) = self.states.get_mut(&id) else { return };
        state.timer = None;
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut state.left).into_iter().partition(|(t, _)| *t <= watermark);
        state.left = waiting;
        for (time, left) in &due {
            let version = state.versions.range(..=*time).next_back().map(|(_, v)| v);
            match version {
                Some(right) if self.rows.matches(left, right) => out.push(self.rows.joined(RowKind::Insert, left, right)),
                _ if self.left_outer => out.push(self.rows.padded(RowKind::Insert, left, true)),
                _ => {}
            }
        }
        // Versions older than the one valid at the watermark can no longer be joined.
        if let Some(&keep) = state.versions.range(..=watermark).next_back().map(|(t, _)| t) {
            state.versions = state.versions.split_off(&keep);
        }
        let next = state.left.iter().map(|(t, _)| *t).min();
        if let Some(next) = next {
            state.timer = Some(next);
            self.timers.register(next, id);
        }
    }
}

impl Operator for TemporalJoin {
    fn name(&self) -> &str {
        "TemporalJoin"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![
            StateDeclaration::Internal("waiting left rows by join key"),
            StateDeclaration::Internal("versioned table rows by join key and time"),
            StateDeclaration::Internal("one timer per join key"),
        ]
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        self.process_input(0, input, out)
    }

    fn process_input(&mut self, input: usize, batch: Batch, out: &mut Batch) -> Result<()> {
        for record in batch {
            let (_, fields, _) = row_parts(record);
            self.process_row(fields, input == 0, out)?;
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        self.watermark = self.watermark.max(watermark);
        while let Some((_, id)) = self.timers.pop_due(self.watermark) {
            self.on_timer(id, out);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_support::{column};
    use crate::record::Record;
    use crate::value::Row;

    fn row(key: &str, value: i64, ts: i64) -> Record {
        let fields = vec![Value::Str(key.into()), Value::Int(value), Value::Timestamp(ts)];
        Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields })))
    }

    fn values(batch: &Batch) -> Vec<(i64, Option<i64>)> {
        batch
            .iter()
            .map(|r| match &r.value {
                Value::Row(row) => match (&row.fields[1], &row.fields[4]) {
                    (Value::Int(l), Value::Int(r)) => (*l, Some(*r)),
                    (Value::Int(l), _) => (*l, None),
                    _ => (-1, None),
                },
                _ => (-1, None),
            })
            .collect()
    }

    fn join(left_outer: bool) -> TemporalJoin {
        TemporalJoin::new(vec![column(0)], vec![column(0)], None, left_outer, 3, 3, 2, 2)
    }

    #[test]
    fn probe_rows_wait_for_the_watermark_and_join_the_version_valid_at_their_time() {
        let mut j = join(true);
        let mut out = Vec::new();
        j.process_input(1, vec![row("EUR", 110, 0), row("EUR", 112, 20)], &mut out).unwrap();
        j.process_input(0, vec![row("EUR", 1, 5), row("EUR", 2, 25), row("USD", 3, 7)], &mut out).unwrap();
        assert!(out.is_empty(), "nothing before the watermark: {out:?}");
        j.on_watermark(10, &mut out).unwrap();
        assert_eq!(values(&out), vec![(1, Some(110)), (3, None)]);
        out.clear();
        // A version arriving late (before the watermark) still counts for rows not yet emitted.
        j.process_input(1, vec![row("EUR", 115, 24)], &mut out).unwrap();
        j.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(values(&out), vec![(2, Some(115))]);
        assert_eq!(j.states.values().map(|s| s.versions.len()).sum::<usize>(), 1, "only the latest EUR version is kept");
    }

    #[test]
    fn an_inner_join_drops_rows_before_the_first_version() {
        let mut j = join(false);
        let mut out = Vec::new();
        j.process_input(1, vec![row("EUR", 110, 10)], &mut out).unwrap();
        j.process_input(0, vec![row("EUR", 1, 5), row("EUR", 2, 10)], &mut out).unwrap();
        j.on_watermark(i64::MAX, &mut out).unwrap();
        assert_eq!(values(&out), vec![(2, Some(110))]);
    }

    #[test]
    fn a_deduplicated_view_ignores_versions_older_than_the_latest() {
        for (deduplicated, expected) in [(false, 111), (true, 110)] {
            let mut j = join(false).deduplicated(deduplicated);
            let mut out = Vec::new();
            j.process_input(1, vec![row("EUR", 110, 0), row("EUR", 112, 20), row("EUR", 111, 15)], &mut out).unwrap();
            j.process_input(0, vec![row("EUR", 1, 17)], &mut out).unwrap();
            j.on_watermark(i64::MAX, &mut out).unwrap();
            assert_eq!(values(&out), vec![(1, Some(expected))], "deduplicated: {deduplicated}");
        }
    }
}
