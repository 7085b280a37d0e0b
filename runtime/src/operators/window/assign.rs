//! Window assigners and the windows they produce, with Flink's arithmetic: sliding (and tumbling)
//! time windows aligned to the offset, session windows merged when they touch, count windows by a
//! per-key element count, and the single global window.

use std::collections::HashMap;

use crate::value::Value;

/// A window's identity: time windows `[start, end)`, count windows by id, the global window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WindowId {
    Time { start: i64, end: i64 },
    Count(i64),
    Global,
}

impl WindowId {
    /// The last timestamp inside the window (`i64::MAX` for count and global windows).
    pub fn max_timestamp(&self) -> i64 {
        match self {
            WindowId::Time { end, .. } => end - 1,
            WindowId::Count(_) | WindowId::Global => i64::MAX,
        }
    }

    pub fn intersects(&self, other: &WindowId) -> bool {
        match (self, other) {
            (WindowId::Time { start: a, end: b }, WindowId::Time { start: c, end: d }) => a <= d && b >= c,
            _ => self == other,
        }
    }

    pub fn cover(&self, other: &WindowId) -> WindowId {
        match (self, other) {
            (WindowId::Time { start: a, end: b }, WindowId::Time { start: c, end: d }) => {
                WindowId::Time { start: *a.min(c), end: *b.max(d) }
            }
            _ => *self,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowAssigner {
    /// Tumbling windows have `slide == size`.
    Sliding { event_time: bool, size: i64, slide: i64, offset: i64 },
    Session { event_time: bool, gap: i64 },
    Global,
    Count { size: i64, slide: i64 },
}

impl WindowAssigner {
    pub fn is_event_time(&self) -> bool {
        matches!(self, WindowAssigner::Sliding { event_time: true, .. } | WindowAssigner::Session { event_time: true, .. })
    }

    pub fn is_merging(&self) -> bool {
        matches!(self, WindowAssigner::Session { .. })
    }

    /// The windows an element at `time` belongs to (sessions: its own window before merging, with
    /// `gap` overriding the static gap for dynamic sessions). Count windows use `counters`.
    pub fn assign(&self, time: i64, gap: Option<i64>, key: &Value, counters: &mut HashMap<Value, i64>) -> Vec<WindowId> {
        match *self {
            WindowAssigner::Sliding { size, slide, offset, .. } => {
                let mut windows = Vec::new();
                let last_start = time - (time - offset + slide).rem_euclid(slide);
                let mut start = last_start;
                while start > time - size {
                    windows.push(WindowId::Time { start, end: start + size });
                    start -= slide;
                }
                windows
            }
            WindowAssigner::Session { gap: static_gap, .. } => {
                let gap = gap.unwrap_or(static_gap);
                vec![WindowId::Time { start: time, end: time + gap }]
            }
            WindowAssigner::Global => vec![WindowId::Global],
            WindowAssigner::Count { size, slide } => {
                let counter = counters.entry(key.clone()).or_insert(0);
                let count = *counter;
                *counter += 1;
                if size == slide {
                    return vec![WindowId::Count(count / size)];
                }
                let mut windows = Vec::new();
                let mut id = count / slide;
                let mut start = id * slide;
                let mut end = start + size - 1;
                while id >= 0 && start <= count && count <= end {
                    windows.push(WindowId::Count(id));
                    id -= 1;
                    start -= slide;
                    end -= slide;
                }
                windows
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_windows_align_to_slide() {
        let a = WindowAssigner::Sliding { event_time: true, size: 10, slide: 5, offset: 0 };
        let mut counters = HashMap::new();
        assert_eq!(
            a.assign(12, None, &Value::Null, &mut counters),
            vec![WindowId::Time { start: 10, end: 20 }, WindowId::Time { start: 5, end: 15 }]
        );
        let tumbling = WindowAssigner::Sliding { event_time: true, size: 10, slide: 10, offset: 0 };
        assert_eq!(tumbling.assign(-3, None, &Value::Null, &mut counters), vec![WindowId::Time { start: -10, end: 0 }]);
    }

    #[test]
    fn count_windows_follow_pyflink() {
        let a = WindowAssigner::Count { size: 3, slide: 2 };
        let mut counters = HashMap::new();
        let k = Value::Int(1);
        let ids: Vec<Vec<WindowId>> = (0..4).map(|_| a.assign(0, None, &k, &mut counters)).collect();
        assert_eq!(ids[0], vec![WindowId::Count(0)]);
        assert_eq!(ids[2], vec![WindowId::Count(1), WindowId::Count(0)]);
        assert_eq!(ids[3], vec![WindowId::Count(1)]);
    }
}
