//! Timers of a keyed operator, ordered exactly as Flink orders them.
//!
//! Flink keeps an operator's timers in one `HeapPriorityQueue` (a 1-based binary heap compared by
//! timestamp only, with a set that deduplicates equal timers). Timers with equal timestamps therefore
//! fire in the heap's order: for timers registered with no poll in between, the first one, then the
//! others in reverse registration order. `TimerHeap` reproduces that algorithm step for step, so jobs
//! with several keys firing at one instant print what PyFlink prints.

use std::collections::HashSet;
use std::hash::Hash;

use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeDomain {
    EventTime,
    ProcessingTime,
}

/// Flink's HeapPriorityQueueSet of timers `(timestamp, element)`.
#[derive(Debug, Clone)]
pub struct TimerHeap<T: Clone + Eq + Hash> {
    /// `heap[0]` is unused, as in Flink (`QUEUE_HEAD_INDEX = 1`).
    heap: Vec<Option<(i64, T)>>,
    present: HashSet<(i64, T)>,
}

impl<T: Clone + Eq + Hash> Default for TimerHeap<T> {
    fn default() -> Self {
        TimerHeap { heap: vec![None], present: HashSet::new() }
    }
}

impl<T: Clone + Eq + Hash> TimerHeap<T> {
    fn size(&self) -> usize {
        self.heap.len() - 1
    }

    fn ts(&self, i: usize) -> i64 {
        self.heap[i].as_ref().map_or(i64::MAX, |(t, _)| *t)
    }

    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    pub fn peek_timestamp(&self) -> Option<i64> {
        (!self.is_empty()).then(|| self.ts(1))
    }

    /// Adds a timer unless an equal one is already queued.
    pub fn add(&mut self, timestamp: i64, element: T) {
        if !self.present.insert((timestamp, element.clone())) {
            return;
        }
        self.heap.push(Some((timestamp, element)));
        let last = self.size();
        self.sift_up(last);
    }

    pub fn remove(&mut self, timestamp: i64, element: &T) {
        let probe = (timestamp, element.clone());
        if !self.present.remove(&probe) {
            return;
        }
        if let Some(index) = (1..self.heap.len()).find(|&i| self.heap[i].as_ref() == Some(&probe)) {
            self.remove_at(index);
        }
    }

    /// Removes and returns the head if it is due at `time`.
    pub fn poll_due(&mut self, time: i64) -> Option<(i64, T)> {
        if self.is_empty() || self.ts(1) > time {
            return None;
        }
        let head = self.remove_at(1);
        if let Some(timer) = &head {
            self.present.remove(timer);
        }
        head
    }

    fn remove_at(&mut self, index: usize) -> Option<(i64, T)> {
        let last = self.size();
        let removed = self.heap[index].take();
        if index != last {
            self.heap[index] = self.heap[last].take();
            self.heap.pop();
            // Flink's adjustElementAtIndex: down first; up only if it did not move down.
            if self.sift_down(index) == index {
                self.sift_up(index);
            }
        } else {
            self.heap.pop();
        }
        removed
    }

    fn sift_up(&mut self, mut i: usize) {
        let current = self.heap[i].take();
        let ts = current.as_ref().map_or(i64::MAX, |t| t.0);
        let mut parent = i >> 1;
        while parent > 0 && ts < self.ts(parent) {
            self.heap[i] = self.heap[parent].take();
            i = parent;
            parent >>= 1;
        }
        self.heap[i] = current;
    }

    /// Returns the index the element ends at.
    fn sift_down(&mut self, mut i: usize) -> usize {
        let n = self.size();
        let current = self.heap[i].take();
        let ts = current.as_ref().map_or(i64::MAX, |t| t.0);
        let mut child = i << 1;
        if child < n && self.ts(child + 1) < self.ts(child) {
            child += 1;
        }
        while child <= n && self.ts(child) < ts {
            self.heap[i] = self.heap[child].take();
            i = child;
            child = i << 1;
            if child < n && self.ts(child + 1) < self.ts(child) {
                child += 1;
            }
        }
        self.heap[i] = current;
        i
    }
}

/// A keyed process function's event-time and processing-time timers, per key.
#[derive(Debug, Clone, Default)]
pub struct TimerQueues {
    event: TimerHeap<Value>,
    processing: TimerHeap<Value>,
}

impl TimerQueues {
    fn queue(&mut self, domain: TimeDomain) -> &mut TimerHeap<Value> {
        match domain {
            TimeDomain::EventTime => &mut self.event,
            TimeDomain::ProcessingTime => &mut self.processing,
        }
    }

    pub fn register(&mut self, domain: TimeDomain, timestamp: i64, key: &Value) {
        self.queue(domain).add(timestamp, key.clone());
    }

    pub fn delete(&mut self, domain: TimeDomain, timestamp: i64, key: &Value) {
        self.queue(domain).remove(timestamp, key);
    }

    /// Removes and returns the first due timer at or before `time`.
    pub fn pop_due(&mut self, domain: TimeDomain, time: i64) -> Option<(i64, Value)> {
        self.queue(domain).poll_due(time)
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

    fn drain(h: &mut TimerHeap<&'static str>) -> Vec<(i64, &'static str)> {
        std::iter::from_fn(|| h.poll_due(i64::MAX)).collect()
    }

    #[test]
    fn equal_timestamps_fire_in_flinks_heap_order() {
        // Observed from PyFlink 2.3 (tests/goldens/PRINT_FORMAT.md): a,b,c,d,e -> a,e,d,c,b.
        let mut h = TimerHeap::default();
        for k in ["a", "b", "c", "d", "e"] {
            h.add(10, k);
        }
        let order: Vec<_> = drain(&mut h).into_iter().map(|(_, k)| k).collect();
        assert_eq!(order, ["a", "e", "d", "c", "b"]);
    }

    #[test]
    fn timestamps_first_then_dedup_and_delete() {
        let mut h = TimerHeap::default();
        h.add(20, "x");
        h.add(10, "y");
        h.add(10, "y");
        h.add(15, "z");
        h.remove(15, &"z");
        assert_eq!(h.poll_due(12), Some((10, "y")));
        assert_eq!(h.poll_due(12), None);
        assert_eq!(drain(&mut h), [(20, "x")]);
        assert!(h.is_empty());
    }
}
