//! The `datagen` connector: rows made up column by column, as Flink's `DataGeneratorSource` makes
//! them. A `sequence` column counts from `start` to `end` (and the source ends after the shortest
//! sequence, or after `number-of-rows`); a `random` column draws uniformly from `[min, max]`, or
//! `length` random letters and digits for strings, the current time less up to `max-past` for
//! timestamps; `null-rate` makes a share of values NULL. Rows
//! are paced at `rows-per-second`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::operator::Source;
use crate::random::Random;
use crate::record::{Batch, Record};
use crate::value::Value;

/// How one column's values are made.
#[derive(Debug, Clone)]
pub enum GenKind {
    /// `start..=end`; `text`: as a STRING column's decimal text.
    Sequence { start: i64, end: i64, text: bool },
    RandomInt { min: i64, max: i64 },
    RandomFloat { min: f64, max: f64 },
    RandomString { length: usize },
    RandomBool,
    /// The current time less a random part of `max_past_ms`, as Flink's TIMESTAMP generator: epoch
    /// milliseconds as a TIMESTAMP, or (`instant`) a TIMESTAMP_LTZ.
    RandomPast { max_past_ms: u64, instant: bool },
}

#[derive(Debug, Clone)]
pub struct GenField {
    pub kind: GenKind,
    pub null_rate: f64,
}

pub struct DatagenSource {
    name: String,
    /// Rows per second; 0 means unpaced.
    rate: u64,
    remaining: Option<u64>,
    fields: Vec<GenField>,
    emitted: u64,
    random: Random,
    started: Option<Instant>,
}

impl DatagenSource {
    pub fn new(table: &str, rows_per_second: u64, number_of_rows: Option<u64>, fields: Vec<GenField>) -> Self {
        let sequence_rows = fields
            .iter()
            .filter_map(|f| match f.kind {
                GenKind::Sequence { start, end, .. } => {
                    Some(u64::try_from(end.saturating_sub(start).saturating_add(1)).unwrap_or(0))
                }
                _ => None,
            })
            .min();
        let remaining = match (number_of_rows, sequence_rows) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        DatagenSource {
            name: format!("TableSourceScan(table=[[default_catalog, default_database, {table}]])"),
            rate: rows_per_second,
            remaining,
            fields,
            emitted: 0,
            random: Random::from_clock(),
            started: None,
        }
    }

    fn value(&mut self, index: usize) -> Value {
        let Some(field) = self.fields.get(index) else {
            return Value::Null;
        };
        let kind = field.kind.clone();
        if let GenKind::Sequence { start, text, .. } = kind {
            let n = start.saturating_add(i64::try_from(self.emitted).unwrap_or(i64::MAX));
            return if text { Value::Str(Arc::from(n.to_string())) } else { Value::Int(n) };
        }
        if field.null_rate > 0.0 && self.random.unit() < field.null_rate {
            return Value::Null;
        }
        match kind {
            GenKind::RandomInt { min, max } => {
                let span = u64::try_from(i128::from(max) - i128::from(min) + 1).unwrap_or(u64::MAX);
                let offset = if span == 0 { self.random.next_u64() } else { self.random.next_u64() % span };
                Value::Int(min.wrapping_add(offset as i64))
            }
            GenKind::RandomFloat { min, max } => Value::Float(min + (max - min) * self.random.unit()),
            GenKind::RandomString { length } => {
                const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                let text: String = (0..length)
                    .map(|_| char::from(ALPHANUMERIC[(self.random.next_u64() % 62) as usize]))
                    .collect();
                Value::Str(Arc::from(text))
            }
            GenKind::RandomBool => Value::Bool(self.random.next_u64() & 1 == 1),
            GenKind::RandomPast { max_past_ms, instant } => {
                let past = if max_past_ms == 0 { 0 } else { self.random.next_u64() % max_past_ms };
                let millis = super::fx_time::now_millis().saturating_sub(i64::try_from(past).unwrap_or(0));
                if instant {
                    Value::Instant(millis.div_euclid(1000), (millis.rem_euclid(1000) * 1_000_000) as u32)
                } else {
                    Value::Timestamp(millis)
                }
            }
            GenKind::Sequence { .. } => Value::Null,
        }
    }
}

impl Source for DatagenSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let mut n = max as u64;
        if let Some(remaining) = self.remaining {
            n = n.min(remaining - self.emitted.min(remaining));
        }
        if self.rate > 0 {
            // Pace: no more rows than the rate allows by now; wait a little when ahead.
            let allowed = (started.elapsed().as_secs_f64() * self.rate as f64) as u64 + 1;
            let ahead = allowed.saturating_sub(self.emitted);
            if ahead == 0 {
                std::thread::sleep(Duration::from_millis(5));
                return Ok(true);
            }
            n = n.min(ahead);
        }
        for _ in 0..n {
            let fields = (0..self.fields.len()).map(|i| self.value(i)).collect();
            out.push(Record::new(Value::row(fields)));
            self.emitted += 1;
        }
        Ok(self.remaining.is_none_or(|r| self.emitted < r))
    }
}
