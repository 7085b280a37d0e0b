//! Event-time OVER aggregations of pandas aggregate functions (`f(x).over(w)` with
//! `Over.partition_by(...).order_by(rowtime).preceding(row_interval(n) | lit(n).seconds)`, or SQL
//! `f(x) OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW)`), as
//! Flink's StreamArrowPythonRowTimeBounded{Rows,Range}Operator compute them.
//!
//! Rows wait per partition until the watermark passes their time (one event-time timer per partition
//! and timestamp, fired in Flink's timer-heap order, as in [`super::OverAggregate`]); rows at or behind
//! the last processed time of their partition are late and dropped. Then, for ROWS frames, each row's
//! frame is itself and the `n` rows before it; for RANGE frames, all rows of one timestamp share the
//! frame of rows within the range (`[ts - range, ts]`). Each function is called once per frame with
//! one fresh Series per argument; each input row is emitted once (`+I`) with the values appended.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::over_aggregate::OverFrame;
use super::pandas_aggregate::PandasAggregates;
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::state::timers::TimerHeap;
use crate::value::{Row, RowKind, Value};

/// Rows of one time waiting for the watermark, in arrival order: all fields, and the record timestamp.
type Pending = Vec<(Vec<Value>, Option<i64>)>;

#[derive(Default)]
struct Partition {
    /// Rows waiting for the watermark, by time.
    pending: BTreeMap<i64, Pending>,
    /// The processed rows still inside some future frame: their time and projected columns.
    window: VecDeque<(i64, Vec<Value>)>,
    /// The last time processed (later rows at or before it are late).
    last: Option<i64>,
}

pub struct PandasOverAggregate {
    partition: Vec<ScalarFn>,
    /// The ORDER BY time attribute column.
    time: usize,
    frame: OverFrame,
    aggs: PandasAggregates,
    partitions: HashMap<Vec<Value>, Partition>,
    timers: TimerHeap<Vec<Value>>,
}

impl PandasOverAggregate {
    pub fn new(partition: Vec<ScalarFn>, time: usize, frame: OverFrame, aggs: PandasAggregates) -> Self {
        PandasOverAggregate {
            partition,
            time,
            frame,
            aggs,
            partitions: HashMap::new(),
            timers: TimerHeap::default(),
        }
    }
}

impl Operator for PandasOverAggregate {
    fn name(&self) -> &str {
        "ArrowPythonOverWindowAggregate"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("over window rows")]
    }

    fn on_start(&mut self) -> Result<()> {
        self.aggs.open()
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let fields = match record.value {
                Value::Row(row) => row.fields,
                other => vec![other],
            };
            let Some(ts) = fields.get(self.time).and_then(Value::event_millis) else {
                // A NULL time attribute has no place in event time.
                continue;
            };
            let key: Vec<Value> = self.partition.iter().map(|f| f(&fields)).collect();
            let part = self.partitions.entry(key.clone()).or_default();
            if part.last.is_some_and(|last| ts <= last) {
                continue;
            }
            part.pending.entry(ts).or_default().push((fields, record.timestamp));
            self.timers.add(ts, key);
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        // Every frame due now, back to back in `rows`; each output row names its frame.
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut frames: Vec<(usize, usize)> = Vec::new();
        let mut outputs: Vec<(Vec<Value>, Option<i64>, usize)> = Vec::new();
        while let Some((ts, key)) = self.timers.poll_due(watermark) {
            let Some(part) = self.partitions.get_mut(&key) else {
                continue;
            };
            let Some(due) = part.pending.remove(&ts) else {
                continue;
            };
            part.last = Some(ts);
            match self.frame {
                OverFrame::Rows(_) | OverFrame::RowsUnbounded => {
                    for (fields, stamp) in due {
                        part.window.push_back((ts, self.aggs.project(&fields)));
                        if let OverFrame::Rows(preceding) = self.frame {
                            while part.window.len() > preceding + 1 {
                                part.window.pop_front();
                            }
                        }
                        frames.push((rows.len(), part.window.len()));
                        rows.extend(part.window.iter().map(|(_, r)| r.clone()));
                        outputs.push((fields, stamp, frames.len() - 1));
                    }
                }
                OverFrame::Range(_) | OverFrame::RangeUnbounded => {
                    for (fields, _) in &due {
                        part.window.push_back((ts, self.aggs.project(fields)));
                    }
                    if let OverFrame::Range(range) = self.frame {
                        let limit = ts.saturating_sub(range);
                        while part.window.front().is_some_and(|(t, _)| *t < limit) {
                            part.window.pop_front();
                        }
                    }
                    frames.push((rows.len(), part.window.len()));
                    rows.extend(part.window.iter().map(|(_, r)| r.clone()));
                    for (fields, stamp) in due {
                        outputs.push((fields, stamp, frames.len() - 1));
                    }
                }
            }
        }
        let values = self.aggs.evaluate(&rows, &frames)?;
        for (mut fields, timestamp, frame) in outputs {
            if let Some(v) = values.get(frame) {
                fields.extend_from_slice(v);
            }
            out.push(Record {
                value: Value::Row(Box::new(Row { kind: RowKind::Insert, fields })),
                key: None,
                timestamp,
            });
        }
        Ok(())
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.aggs.close()
    }
}
