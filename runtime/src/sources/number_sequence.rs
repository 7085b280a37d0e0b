//! `NumberSequenceSource(start, end)`: every LONG from start to end, inclusive, in order.

use crate::error::Result;
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct NumberSequenceSource {
    name: String,
    next: i64,
    end: i64,
    exhausted: bool,
}

impl NumberSequenceSource {
    pub fn new(name: &str, start: i64, end: i64) -> Self {
        NumberSequenceSource {
            name: name.to_string(),
            next: start,
            end,
            exhausted: start > end,
        }
    }
}

impl Source for NumberSequenceSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        while !self.exhausted && out.len() < max {
            out.push(Record::new(Value::Int(self.next)));
            if self.next == self.end {
                self.exhausted = true;
            } else {
                self.next += 1;
            }
        }
        Ok(!self.exhausted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_bounds_in_batches() {
        let mut source = NumberSequenceSource::new("s", 1, 5);
        let mut batch = Vec::new();
        assert!(source.next_batch(3, &mut batch).expect("ok"));
        assert!(!source.next_batch(10, &mut batch).expect("ok"));
        let values: Vec<_> = batch.into_iter().map(|r| r.value).collect();
        assert_eq!(values, (1..=5).map(Value::Int).collect::<Vec<_>>());
        let mut empty = NumberSequenceSource::new("s", 2, 1);
        let mut batch = Vec::new();
        assert!(!empty.next_batch(10, &mut batch).expect("ok"));
        assert!(batch.is_empty());
    }
}
