//! PyFlink's `TimerService` for keyed process functions: timers for the current key, the
//! operator's watermark and the wall clock.

use pyo3::prelude::*;

use crate::operator::now_millis;
use crate::state::{KeyedStateStore, TimeDomain};

#[pyclass(module = "_sluice_native", name = "TimerService")]
pub struct PyTimerService {
    pub store: KeyedStateStore,
}

#[pymethods]
impl PyTimerService {
    fn current_processing_time(&self) -> i64 {
        now_millis()
    }

    /// Flink reports Long.MIN_VALUE before the first watermark.
    fn current_watermark(&self) -> i64 {
        self.store.watermark().unwrap_or(i64::MIN)
    }

    fn register_event_time_timer(&self, timestamp: i64) {
        self.store.timers(|t, key| t.register(TimeDomain::EventTime, timestamp, key));
    }

    fn register_processing_time_timer(&self, timestamp: i64) {
        self.store.timers(|t, key| t.register(TimeDomain::ProcessingTime, timestamp, key));
    }

    fn delete_event_time_timer(&self, timestamp: i64) {
        self.store.timers(|t, key| t.delete(TimeDomain::EventTime, timestamp, key));
    }

    fn delete_processing_time_timer(&self, timestamp: i64) {
        self.store.timers(|t, key| t.delete(TimeDomain::ProcessingTime, timestamp, key));
    }
}
