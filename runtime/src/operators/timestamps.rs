//! `assign_timestamps_and_watermarks(strategy)`: stamps each record with its event time (the
//! strategy's TimestampAssigner, or the record's existing timestamp) and generates watermarks:
//! monotonous `max - 1`, bounded out-of-orderness `max - delay - 1`, none for `no_watermarks()`.
//! Watermarks are periodic, as in Flink: at most one per `auto_watermark_interval` (200 ms unless the
//! job sets it), checked after each batch and covering only the records of earlier batches, so an input
//! that fits one batch sees only the final watermark however slow the machine is.
//! Upstream watermarks are replaced (only the final one passes), as Flink's
//! TimestampsAndWatermarksOperator does.

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::Batch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatermarkKind {
    Monotonous,
    BoundedOutOfOrderness { delay_ms: i64 },
    None,
}

pub struct TimestampsAndWatermarks {
    name: String,
    assigner: Option<PyFunction>,
    input_type: TypeInfo,
    kind: WatermarkKind,
    max_timestamp: Option<i64>,
    /// The largest timestamp before the latest batch: what a periodic watermark may cover.
    max_before_batch: Option<i64>,
    interval_ms: i64,
    last_emitted_at: i64,
}

/// Flink's default `pipeline.auto-watermark-interval`.
pub const DEFAULT_WATERMARK_INTERVAL_MS: i64 = 200;

impl TimestampsAndWatermarks {
    pub fn new(assigner: Option<PyFunction>, input_type: TypeInfo, kind: WatermarkKind) -> Self {
        let name = assigner.as_ref().map_or("Timestamps/Watermarks".to_string(), |a| a.label().to_string());
        TimestampsAndWatermarks {
            name,
            assigner,
            input_type,
            kind,
            max_timestamp: None,
            max_before_batch: None,
            interval_ms: DEFAULT_WATERMARK_INTERVAL_MS,
            last_emitted_at: now_millis(),
        }
    }

    /// The job's `set_auto_watermark_interval`.
    pub fn with_interval(mut self, interval_ms: i64) -> Self {
        self.interval_ms = interval_ms;
        self
    }
}

impl Operator for TimestampsAndWatermarks {
    fn name(&self) -> &str {
        &self.name
    }

    fn process(&mut self, mut input: Batch, out: &mut Batch) -> Result<()> {
        self.max_before_batch = self.max_timestamp;
        if let Some(assigner) = &self.assigner {
            Python::attach(|py| {
                let func = assigner.callable(py);
                for record in &mut input {
                    let err = |e| assigner.error(py, e);
                    let value = to_py(py, &record.value, &self.input_type).map_err(err)?;
                    let previous = record.timestamp.unwrap_or(i64::MIN);
                    let ts = func.call1((value, previous)).map_err(err)?;
                    let ts: i64 = ts.extract().map_err(|_| {
                        JobError::User(format!("{} must return an int timestamp in milliseconds", assigner.label()))
                    })?;
                    record.timestamp = Some(ts);
                }
                Ok::<_, JobError>(())
            })?;
        }
        for record in &input {
            if let Some(ts) = record.timestamp {
                self.max_timestamp = Some(self.max_timestamp.map_or(ts, |m| m.max(ts)));
            }
        }
        out.append(&mut input);
        Ok(())
    }

    fn on_start(&mut self) -> Result<()> {
        self.last_emitted_at = now_millis();
        Ok(())
    }

    fn generated_watermark(&mut self) -> Option<i64> {
        let max = self.max_before_batch?;
        let now = now_millis();
        if self.interval_ms <= 0 || now - self.last_emitted_at < self.interval_ms {
            return None;
        }
        self.last_emitted_at = now;
        match self.kind {
            WatermarkKind::Monotonous => Some(max.saturating_sub(1)),
            WatermarkKind::BoundedOutOfOrderness { delay_ms } => Some(max.saturating_sub(delay_ms).saturating_sub(1)),
            WatermarkKind::None => None,
        }
    }

    fn forwards_watermarks(&self) -> bool {
        false
    }
}
