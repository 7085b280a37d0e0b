//! Keys as small ids and an event-time timer queue over them: what the two-input operators that keep
//! per-key state and fire per-key timers at the watermark share (the interval join and the temporal
//! join). Timers are ordered by time, then by key id, so keys due at the same time fire in the order
//! their ids were given.

use std::collections::{BTreeSet, HashMap};

use crate::value::Value;

#[derive(Default)]
pub(super) struct KeyedTimers {
    ids: HashMap<Vec<Value>, u64>,
    next_id: u64,
    /// Pending timers: (time, key id).
    queue: BTreeSet<(i64, u64)>,
}

impl KeyedTimers {
    /// The id of `key`, and whether it was just given (the key had none).
    pub(super) fn id(&mut self, key: &[Value]) -> (u64, bool) {
        if let Some(&id) = self.ids.get(key) {
            return (id, false);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.ids.insert(key.to_vec(), id);
        (id, true)
    }

    /// Forgets `key`'s id (its state is gone); a later row of it gets a new one.
    pub(super) fn forget(&mut self, key: &[Value]) {
        self.ids.remove(key);
    }

    pub(super) fn register(&mut self, time: i64, id: u64) {
        self.queue.insert((time, id));
    }

    pub(super) fn delete(&mut self, time: i64, id: u64) {
        self.queue.remove(&(time, id));
    }

    /// Whether no timer is pending (the operators' tests check that all state is gone).
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The earliest timer at or before `watermark`, taken off the queue.
    pub(super) fn pop_due(&mut self, watermark: i64) -> Option<(i64, u64)> {
        let &(time, id) = self.queue.first()?;
        if time > watermark {
            return None;
        }
        self.queue.pop_first();
        Some((time, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_timers_fire_in_time_then_id_order() {
        let mut timers = KeyedTimers::default();
        let a = timers.id(&[Value::Int(1)]);
        let b = timers.id(&[Value::Int(2)]);
        assert_eq!((a, b, timers.id(&[Value::Int(1)])), ((0, true), (1, true), (0, false)));
        timers.register(10, 1);
        timers.register(10, 0);
        timers.register(5, 1);
        timers.register(20, 0);
        timers.delete(20, 0);
        let due: Vec<_> = std::iter::from_fn(|| timers.pop_due(10)).collect();
        assert_eq!(due, vec![(5, 1), (10, 0), (10, 1)]);
        assert_eq!(timers.pop_due(i64::MAX), None);
        timers.forget(&[Value::Int(1)]);
        assert_eq!(timers.id(&[Value::Int(1)]), (2, true));
    }
}
