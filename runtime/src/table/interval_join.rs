//! An event-time interval join (SQL `... JOIN ... ON a.k = b.k AND b.t BETWEEN a.t - X AND a.t + Y`,
//! both times rowtime attributes), as Flink's `RowTimeIntervalJoin` runs it: insert-only output, each
//! row kept only while rows of the other side can still match it, and (outer joins) a row that never
//! matched emitted NULL-padded when it expires, instead of being retracted later.
//!
//! Rows join when `lower <= left_time - right_time <= upper`. With `left_relative = -lower` and
//! `right_relative = upper`, a left row at `t` matches right rows in `[t - right_relative, t +
//! left_relative]`. The operator time is the watermark (0 before the first); a row arriving when
//! the other side's operator time has passed its window's upper bound is not cached (an outer one is
//! padded at once). Per join key, a cleanup timer at `row_time + relative + (left_relative +
//! right_relative) / 2 + 1` removes the other side's expired rows (`time <= watermark - relative -
//! 1`), padding the unmatched outer ones, and re-arms for the earliest row left — Flink's bookkeeping,
//! so rows are padded at the same watermark as on Flink. The final watermark expires everything.

use std::collections::{BTreeMap, HashMap};

use super::calc::row_parts;
use super::join::JoinedRows;
use super::keyed_timers::KeyedTimers;
use super::{PredicateFn, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::{Operator, StateDeclaration};
use crate::record::Batch;
use crate::value::{RowKind, Value};

/// A cached row and whether it has joined (only tracked for an outer side).
struct Cached {
    fields: Vec<Value>,
    emitted: bool,
}

/// One side's cached rows of a key, by row time.
type Cache = BTreeMap<i64, Vec<Cached>>;

/// A join key's rows and cleanup timers. `left_timer` fires the cleanup of the right cache and is
/// armed by right rows (Flink's naming: the timer "on the left stream").
#[derive(Default)]
struct KeyState {
    key: Vec<Value>,
    left: Cache,
    right: Cache,
    left_timer: Option<i64>,
    right_timer: Option<i64>,
}

/// The interval join; input 0 is the left side, input 1 the right side.
pub struct IntervalJoin {
    left_keys: Vec<ScalarFn>,
    right_keys: Vec<ScalarFn>,
    /// The output rows and the whole non-equi condition (time bounds included).
    rows: JoinedRows,
    left_outer: bool,
    right_outer: bool,
    left_time: usize,
    right_time: usize,
    left_relative: i64,
    right_relative: i64,
    /// The current watermark (`i64::MIN` before the first).
    watermark: i64,
    /// Times up to which each cache has been cleaned (shared by all keys, as Flink's fields are).
    left_expiration: i64,
    right_expiration: i64,
    states: HashMap<u64, KeyState>,
    /// Key ids and the pending cleanup timers.
    timers: KeyedTimers,
}

impl IntervalJoin {
    /// As [`super::StreamingJoin::new`]; the time columns and bounds come with [`Self::bounds`].
    pub fn new(
        left_keys: Vec<ScalarFn>,
        right_keys: Vec<ScalarFn>,
        condition: Option<PredicateFn>,
        left_outer: bool,
        right_outer: bool,
        left_width: usize,
        right_width: usize,
    ) -> Self {
        IntervalJoin {
            left_keys,
            right_keys,
            rows: JoinedRows { left_width, right_width, condition },
            left_outer,
            right_outer,
            left_time: 0,
            right_time: 0,
            left_relative: 0,
            right_relative: 0,
            watermark: i64::MIN,
            left_expiration: 0,
            right_expiration: 0,
            states: HashMap::new(),
            timers: KeyedTimers::default(),
        }
    }

    /// Rows join when `lower_ms <= left[left_time] - right[right_time] <= upper_ms`.
    pub fn bounds(mut self, left_time: usize, right_time: usize, lower_ms: i64, upper_ms: i64) -> Self {
        self.left_time = left_time;
        self.right_time = right_time;
        self.left_relative = lower_ms.saturating_neg();
        self.right_relative = upper_ms;
        self
    }

    /// Flink's operator time: the watermark, or 0 before a positive one.
    fn operator_time(&self) -> i64 {
        self.watermark.max(0)
    }

    fn expiration(operator_time: i64, relative: i64) -> i64 {
        if operator_time < i64::MAX {
            operator_time.saturating_sub(relative).saturating_sub(1)
        } else {
            i64::MAX
        }
    }

    fn min_cleanup_interval(&self) -> i64 {
        (self.left_relative.saturating_add(self.right_relative) / 2).max(0)
    }

    fn key_id(&mut self, key: Vec<Value>) -> u64 {
        let (id, fresh) = self.timers.id(&key);
        if fresh {
            self.states.insert(id, KeyState { key, ..KeyState::default() });
        }
        id
    }

    /// A cleanup timer for the cache of the side `row_is_left` names, after a row at `row_time`.
    fn arm_cleanup(&mut self, id: u64, row_time: i64, row_is_left: bool) {
        let relative = if row_is_left { self.left_relative } else { self.right_relative };
        let time = row_time
            .saturating_add(relative)
            .saturating_add(self.min_cleanup_interval())
            .saturating_add(1);
        self.timers.register(time, id);
        if let Some(state) = self.states.get_mut(&id) {
            if row_is_left {
                state.right_timer = Some(time);
            } else {
                state.left_timer = Some(time);
            }
        }
    }

    fn process_row(&mut self, fields: Vec<Value>, is_left: bool, out: &mut Batch) -> Result<()> {
        let time_column = if is_left { self.left_time } else { self.right_time };
        let time = match fields.get(time_column).and_then(Value::event_millis) {
            Some(ms) => ms,
            _ => {
                return Err(JobError::User(format!(
                    "the interval join's {} time attribute is NULL or not a TIMESTAMP (row {fields:?})",
                    if is_left { "left" } else { "right" }
                )))
            }
        };
        let key_fns = if is_left { &self.left_keys } else { &self.right_keys };
        let key: Vec<Value> = key_fns.iter().map(|f| f(&fields)).collect();
        // A NULL key matches nothing (SQL equality), but an outer row with one is still padded.
        let joinable = !key.iter().any(|v| matches!(v, Value::Null));
        let id = self.key_id(key);
        let operator_time = self.operator_time();
        let (this_relative, other_relative) =
            if is_left { (self.left_relative, self.right_relative) } else { (self.right_relative, self.left_relative) };
        let (other_lower, other_upper) = (time.saturating_sub(other_relative), time.saturating_add(this_relative));
        let (this_outer, other_outer) =
            if is_left { (self.left_outer, self.right_outer) } else { (self.right_outer, self.left_outer) };
        let mut emitted = false;
        let other_expiration = if is_left { self.right_expiration } else { self.left_expiration };
        if other_expiration < other_upper {
            let expiration = Self::expiration(operator_time, other_relative);
            if is_left {
                self.right_expiration = expiration;
            } else {
                self.left_expiration = expiration;
            }
            let mut results = Vec::new();
            let Some(state) = self.states.get_mut(&id) else {
                return Ok(());
            };
            let other = if is_left { &mut state.right } else { &mut state.left };
            if joinable {
                for rows in other.range_mut(other_lower..=other_upper).map(|(_, rows)| rows) {
                    for row in rows.iter_mut() {
                        let (l, r) = if is_left { (&fields, &row.fields) } else { (&row.fields, &fields) };
                        if self.rows.matches(l, r) {
                            results.push((l.clone(), r.clone()));
                            emitted = true;
                            row.emitted = true;
                        }
                    }
                }
            }
            // Expired rows of the other side go now (padded when never joined).
            let kept = other.split_off(&expiration.saturating_add(1));
            let expired = std::mem::replace(other, kept);
            for (l, r) in results {
                out.push(self.rows.joined(RowKind::Insert, &l, &r));
            }
            if other_outer {
                for row in expired.into_values().flatten().filter(|row| !row.emitted) {
                    out.push(self.rows.padded(RowKind::Insert, &row.fields, !is_left));
                }
            }
        }
        if operator_time < other_upper {
            let Some(state) = self.states.get_mut(&id) else {
                return Ok(());
            };
            let (cache, timer) =
                if is_left { (&mut state.left, state.right_timer) } else { (&mut state.right, state.left_timer) };
            cache.entry(time).or_default().push(Cached { fields, emitted });
            if timer.is_none() {
                self.arm_cleanup(id, time, is_left);
            }
        } else {
            if !emitted && this_outer {
                out.push(self.rows.padded(RowKind::Insert, &fields, is_left));
            }
            self.forget_if_empty(id);
        }
        Ok(())
    }

    /// Removes a cache's rows expired at `expiration` (padding the unmatched ones of an outer side)
    /// and re-arms the cleanup for the earliest row left.
    fn remove_expired(&mut self, id: u64, expiration: i64, remove_left: bool, out: &mut Batch) {
        let Some(state) = self.states.get_mut(&id) else {
            return;
        };
        let cache = if remove_left { &mut state.left } else { &mut state.right };
        let kept = cache.split_off(&expiration.saturating_add(1));
        let expired = std::mem::replace(cache, kept);
        let earliest = cache.keys().next().copied();
        let outer = if remove_left { self.left_outer } else { self.right_outer };
        let pads: Vec<Vec<Value>> = if outer {
            expired.into_values().flatten().filter(|row| !row.emitted).map(|row| row.fields).collect()
        } else {
            Vec::new()
        };
        match earliest {
            Some(time) if time > 0 => self.arm_cleanup(id, time, remove_left),
            _ => {
                if remove_left {
                    state.right_timer = None;
                    state.left.clear();
                } else {
                    state.left_timer = None;
                    state.right.clear();
                }
            }
        }
        for fields in pads {
            out.push(self.rows.padded(RowKind::Insert, &fields, remove_left));
        }
        self.forget_if_empty(id);
    }

    /// Drops a key's state once it holds no rows and no timer.
    fn forget_if_empty(&mut self, id: u64) {
        if let Some(state) = self.states.get(&id) {
            if state.left.is_empty() && state.right.is_empty() && state.left_timer.is_none() && state.right_timer.is_none() {
                let key = state.key.clone();
                self.states.remove(&id);
                self.timers.forget(&key);
            }
        }
    }

    fn on_timer(&mut self, time: i64, id: u64, out: &mut Batch) {
        let Some(state) = self.states.get(&id) else {
            return;
        };
        let (left_timer, right_timer) = (state.left_timer, state.right_timer);
        let operator_time = self.operator_time();
        if left_timer == Some(time) {
            self.right_expiration = Self::expiration(operator_time, self.right_relative);
            self.remove_expired(id, self.right_expiration, false, out);
        }
        if right_timer == Some(time) {
            self.left_expiration = Self::expiration(operator_time, self.left_relative);
            self.remove_expired(id, self.left_expiration, true, out);
        }
    }
}

impl Operator for IntervalJoin {
    fn name(&self) -> &str {
        "IntervalJoin"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![
            StateDeclaration::Internal("left rows by join key and row time"),
            StateDeclaration::Internal("right rows by join key and row time"),
            StateDeclaration::Internal("cleanup timers"),
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
        while let Some((time, id)) = self.timers.pop_due(self.watermark) {
            self.on_timer(time, id, out);
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

    fn row(id: i64, ts: i64) -> Record {
        Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields: vec![Value::Int(id), Value::Timestamp(ts)] })))
    }

    fn fields(batch: &Batch) -> Vec<Vec<Value>> {
        batch
            .iter()
            .map(|r| match &r.value {
                Value::Row(row) => row.fields.clone(),
                other => vec![other.clone()],
            })
            .collect()
    }

    /// LEFT JOIN ON l.id = r.id AND r.ts BETWEEN l.ts AND l.ts + 10: lower = -10, upper = 0.
    fn left_join() -> IntervalJoin {
        let condition: PredicateFn = Box::new(|r: &[Value]| match (&r[1], &r[3]) {
            (Value::Timestamp(l), Value::Timestamp(r)) => Some(*r >= *l && *r <= *l + 10),
            _ => None,
        });
        IntervalJoin::new(vec![column(0)], vec![column(0)], Some(condition), true, false, 2, 2).bounds(1, 1, -10, 0)
    }

    #[test]
    fn matches_within_the_bounds_and_pads_unmatched_left_rows_when_they_expire() {
        let mut join = left_join();
        let mut out = Vec::new();
        join.process_input(0, vec![row(1, 100), row(2, 100)], &mut out).unwrap();
        join.process_input(1, vec![row(1, 105), row(2, 111)], &mut out).unwrap();
        assert_eq!(
            fields(&out),
            vec![vec![Value::Int(1), Value::Timestamp(100), Value::Int(1), Value::Timestamp(105)]],
            "only the right row within 10 ms joins"
        );
        out.clear();
        // Row 2 can match right rows up to 110: it expires once the watermark passes its cleanup
        // timer (100 + 10 + 5 + 1 = 116).
        join.on_watermark(115, &mut out).unwrap();
        assert!(out.is_empty(), "nothing expires before the timer: {out:?}");
        join.on_watermark(116, &mut out).unwrap();
        assert_eq!(fields(&out), vec![vec![Value::Int(2), Value::Timestamp(100), Value::Null, Value::Null]]);
        out.clear();
        join.on_watermark(i64::MAX, &mut out).unwrap();
        assert!(out.is_empty(), "the joined row 1 is never padded: {out:?}");
        assert!(join.states.is_empty() && join.timers.is_empty(), "all state is gone at the end");
    }

    #[test]
    fn a_left_row_behind_the_watermark_is_padded_at_once() {
        let mut join = left_join();
        let mut out = Vec::new();
        join.on_watermark(500, &mut out).unwrap();
        join.process_input(0, vec![row(1, 100)], &mut out).unwrap();
        assert_eq!(fields(&out), vec![vec![Value::Int(1), Value::Timestamp(100), Value::Null, Value::Null]]);
        assert!(join.states.values().all(|s| s.left.is_empty()), "not cached");
    }
}
