//! A group window aggregate of pandas aggregate functions (Table API `Tumble` / `Slide` windows grouped
//! with `group_by(w, ...)`), as Flink's StreamArrowPythonGroupWindowAggregateFunctionOperator: each
//! (key, window) keeps its rows (the columns the functions read), rows of windows the watermark has
//! passed are dropped, and when the watermark passes a window's end each function is called once over
//! the window's rows and the window's one `+I` row is emitted. Timers are registered and fired as in
//! [`super::WindowAggregate`] (per (key, window) in order of first arrival, fired in Flink's timer-heap
//! order); the projection runs over `[keys..., aggregate values...]`.

use std::collections::HashMap;

use super::pandas_aggregate::PandasAggregates;
use super::window::WindowTimers;
use super::ScalarFn;
use crate::error::Result;
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct PandasWindowAggregate {
    keys: Vec<ScalarFn>,
    aggs: PandasAggregates,
    projection: Vec<ScalarFn>,
    /// Each (key, window)'s rows, projected to the functions' columns.
    groups: HashMap<Vec<Value>, Vec<Vec<Value>>>,
    timers: WindowTimers,
}

impl PandasWindowAggregate {
    pub fn new(keys: Vec<ScalarFn>, end_key: usize, aggs: PandasAggregates, projection: Vec<ScalarFn>) -> Self {
        PandasWindowAggregate { keys, aggs, projection, groups: HashMap::new(), timers: WindowTimers::new(end_key) }
    }

    /// Windows of a TIMESTAMP_LTZ rowtime (see `WindowAggregate::zoned`).
    pub fn zoned(mut self) -> Self {
        self.timers.zoned = true;
        self
    }
}

impl Operator for PandasWindowAggregate {
    fn name(&self) -> &str {
        "ArrowPythonGroupWindowAggregate"
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("window rows")]
    }

    fn on_start(&mut self) -> Result<()> {
        self.aggs.open()
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in &input {
            let row = match &record.value {
                Value::Row(row) => &row.fields[..],
                other => std::slice::from_ref(other),
            };
            let key: Vec<Value> = self.keys.iter().map(|f| f(row)).collect();
            if !self.timers.on_time(&key) {
                continue;
            }
            let projected = self.aggs.project(row);
            match self.groups.get_mut(&key) {
                Some(rows) => rows.push(projected),
                None => {
                    self.timers.first_seen(key.clone());
                    self.groups.insert(key, vec![projected]);
                }
            }
        }
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        // The windows due now, in firing order; their rows back to back, one frame each.
        let mut fired = Vec::new();
        let mut rows = Vec::new();
        let mut frames = Vec::new();
        for key in self.timers.advance(watermark) {
            let Some(group) = self.groups.remove(&key) else {
                continue;
            };
            frames.push((rows.len(), group.len()));
            rows.extend(group);
            fired.push(key);
        }
        let values = self.aggs.evaluate(&rows, &frames)?;
        for (key, values) in fired.into_iter().zip(values) {
            let mut input = key;
            input.extend(values);
            let fields = self.projection.iter().map(|f| f(&input)).collect();
            out.push(Record::new(Value::Row(Box::new(Row {
                kind: RowKind::Insert,
                fields,
            }))));
        }
        Ok(())
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.aggs.close()
    }
}
