//! The HOP and CUMULATE windowing table functions: each row is copied once per window that contains
//! its time column, with `window_start`, `window_end` and `window_time` (`window_end - 1 ms`)
//! appended, as the TVFs define their output. A row whose time is NULL belongs to no window.
//!
//! HOP windows are `size` long and start every `step`, aligned to the epoch; CUMULATE windows start
//! at each `size` boundary and end every `step` after it, up to `size`. Windows are listed from the
//! earliest end.

use crate::error::Result;
use crate::operator::Operator;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct WindowExpand {
    time: usize,
    size: i64,
    step: i64,
    cumulate: bool,
}

impl WindowExpand {
    /// HOP: windows of `size` ms every `step` ms.
    pub fn hop(time: usize, size: i64, step: i64) -> Self {
        WindowExpand { time, size: size.max(1), step: step.max(1), cumulate: false }
    }

    /// CUMULATE: windows growing by `step` ms up to `size` ms.
    pub fn cumulate(time: usize, size: i64, step: i64) -> Self {
        WindowExpand { time, size: size.max(1), step: step.max(1), cumulate: true }
    }

    /// The `(start, end)` of every window containing `t`, earliest end first.
    pub fn windows(&self, t: i64) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        if self.cumulate {
            let start = t - t.rem_euclid(self.size);
            let mut end = start + self.step;
            while end <= start + self.size {
                if end > t {
                    out.push((start, end));
                }
                end += self.step;
            }
        } else {
            let last_start = t - t.rem_euclid(self.step);
            let mut start = last_start;
            while start > t - self.size {
                start -= self.step;
            }
            start += self.step;
            while start <= last_start {
                out.push((start, start + self.size));
                start += self.step;
            }
        }
        out
    }
}

impl Operator for WindowExpand {
    fn name(&self) -> &str {
        if self.cumulate { "Cumulate" } else { "Hop" }
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = match record.value {
                Value::Row(row) => (row.kind, row.fields),
                other => (RowKind::Insert, vec![other]),
            };
            // A TIMESTAMP_LTZ time is windowed by its wall-clock time in the session zone; its
            // window_time is the instant of the window's last millisecond.
            let (t, zoned) = match fields.get(self.time) {
                Some(Value::Timestamp(t)) => (*t, false),
                Some(instant @ Value::Instant(..)) => match instant.event_millis() {
                    Some(ms) => (super::time_zone::to_local(ms), true),
                    None => continue,
                },
                _ => continue,
            };
            for (start, end) in self.windows(t) {
                let mut row = fields.clone();
                let time = if zoned {
                    super::datetime::from_instant(Some(super::time_zone::to_instant(end - 1)))
                } else {
                    Value::Timestamp(end - 1)
                };
                row.extend([Value::Timestamp(start), Value::Timestamp(end), time]);
                let mut copy = Record::new(Value::Row(Box::new(Row { kind, fields: row })));
                copy.timestamp = record.timestamp;
                out.push(copy);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_and_cumulate_windows_of_a_time() {
        assert_eq!(WindowExpand::hop(0, 10, 5).windows(12), vec![(5, 15), (10, 20)]);
        assert_eq!(WindowExpand::hop(0, 10, 5).windows(10), vec![(5, 15), (10, 20)]);
        assert_eq!(WindowExpand::hop(0, 10, 5).windows(-1), vec![(-10, 0), (-5, 5)]);
        assert_eq!(WindowExpand::cumulate(0, 10, 5).windows(12), vec![(10, 15), (10, 20)]);
        assert_eq!(WindowExpand::cumulate(0, 10, 5).windows(17), vec![(10, 20)]);
    }
}
