//! Timers of a keyed operator: event-time and processing-time, per key, deduplicated per
//! (timestamp, key) as Flink's timer service does, firing in timestamp order (registration order
//! among equal timestamps).

use std::collections::BTreeMap;

use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeDomain {
    EventTime,
    ProcessingTime,
}

#[derive(Debug, Clone, Default)]
pub struct TimerQueues {
    event: BTreeMap<i64, Vec<Value>>,
    processing: BTreeMap<i64, Vec<Value>>,
}

impl TimerQueues {
    fn queue(&mut self, domain: TimeDomain) -> &mut BTreeMap<i64, Vec<Value>> {
        match domain {
            TimeDomain::EventTime => &mut self.event,
            TimeDomain::ProcessingTime => &mut self.processing,
        }
    }

    pub fn register(&mut self, domain: TimeDomain, timestamp: i64, key: &Value) {
        let keys = self.queue(domain).entry(timestamp).or_default();
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }

    pub fn delete(&mut self, domain: TimeDomain, timestamp: i64, key: &Value) {
        let queue = self.queue(domain);
        if let Some(keys) = queue.get_mut(&timestamp) {
            keys.retain(|k| k != key);
            if keys.is_empty() {
                queue.remove(&timestamp);
            }
        }
    }

    /// Removes and returns the earliest timer at or before `time`.
    pub fn pop_due(&mut self, domain: TimeDomain, time: i64) -> Option<(i64, Value)> {
        let queue = self.queue(domain);
        let (&timestamp, keys) = queue.iter_mut().next()?;
        if timestamp > time {
            return None;
        }
        let key = keys.remove(0);
        if keys.is_empty() {
            queue.remove(&timestamp);
        }
        Some((timestamp, key))
    }

    /// Removes and returns every timer at or before `time`, in firing order. Timers registered while
    /// these fire form the next round (PyFlink fires them after the current ones, too).
    pub fn drain_due(&mut self, domain: TimeDomain, time: i64) -> Vec<(i64, Value)> {
        let mut due = Vec::new();
        while let Some(timer) = self.pop_due(domain, time) {
            due.push(timer);
        }
        due
    }

    pub fn is_empty(&self, domain: TimeDomain) -> bool {
        match domain {
            TimeDomain::EventTime => self.event.is_empty(),
            TimeDomain::ProcessingTime => self.processing.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fire_in_order_deduplicated() {
        let mut q = TimerQueues::default();
        q.register(TimeDomain::EventTime, 20, &Value::Int(1));
        q.register(TimeDomain::EventTime, 10, &Value::Int(2));
        q.register(TimeDomain::EventTime, 10, &Value::Int(2));
        q.register(TimeDomain::EventTime, 10, &Value::Int(3));
        q.delete(TimeDomain::EventTime, 10, &Value::Int(3));
        assert_eq!(q.pop_due(TimeDomain::EventTime, 15), Some((10, Value::Int(2))));
        assert_eq!(q.pop_due(TimeDomain::EventTime, 15), None);
        assert_eq!(q.pop_due(TimeDomain::EventTime, 20), Some((20, Value::Int(1))));
        assert!(q.is_empty(TimeDomain::EventTime));
    }
}
