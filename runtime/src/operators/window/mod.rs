//! The window operator: `window(...)`/`window_all(...)`/`count_window(...)` with reduce, aggregate,
//! process or apply, as Flink's WindowOperator (which PyFlink runs in Python) does it.
//!
//! Per key, each window holds a pane (its contents and the count trigger's counter). Triggers:
//! event time (fire when the watermark passes the window's end; at once for windows already behind
//! the watermark, which allowed lateness keeps open), processing time, count, purging, never. A
//! window's state is cleared at its cleanup time (`end - 1 + allowed_lateness`). Elements whose every
//! window is already cleaned up are late: dropped, or sent to `side_output_late_data`'s tag. Session
//! windows merge when they touch. Output records carry the window's max timestamp.

mod assign;
mod contents;

use std::collections::HashMap;

use indexmap::IndexMap;
use pyo3::intern;
use pyo3::prelude::*;
use sluice_types::TypeInfo;

pub use assign::{WindowAssigner, WindowId};
pub use contents::WindowFunctionKind;
use contents::{Contents, WindowFunctions};

use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator, SideOutputs, StateDeclaration};
use crate::python::convert::to_py;
use crate::python::udf::PyFunction;
use crate::record::{Batch, Record};
use crate::state::timers::TimerHeap;
use crate::state::KeyedStateStore;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerKind {
    EventTime,
    ProcessingTime,
    Count(i64),
    Purging(Box<TriggerKind>),
    Never,
    ContinuousEventTime(i64),
}

pub struct WindowConfig {
    pub assigner: WindowAssigner,
    pub trigger: Option<TriggerKind>,
    pub allowed_lateness_ms: i64,
    pub late_output: Option<(String, TypeInfo)>,
    pub function: WindowFunctionKind,
    pub input_type: TypeInfo,
    pub output_type: TypeInfo,
    pub keyed: bool,
}

#[derive(Default)]
struct Pane {
    contents: Option<Contents>,
    count: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TriggerResult {
    fire: bool,
    purge: bool,
}

const CONTINUE: TriggerResult = TriggerResult { fire: false, purge: false };

/// Window timers in Flink's heap order (see `state::timers`).
type Timers = TimerHeap<(Value, WindowId)>;

pub struct WindowOperator {
    name: String,
    assigner: WindowAssigner,
    trigger: TriggerKind,
    allowed_lateness: i64,
    late_output: Option<(String, TypeInfo)>,
    functions: WindowFunctions,
    gap_extractor: Option<PyFunction>,
    panes: HashMap<Value, IndexMap<WindowId, Pane>>,
    counters: HashMap<Value, i64>,
    event_timers: Timers,
    processing_timers: Timers,
    watermark: i64,
    context: Option<Py<PyAny>>,
    late: Batch,
    /// Keyed state the window functions create in `open()` (keyed windows only).
    state: Option<KeyedStateStore>,
}

fn register(timers: &mut Timers, time: i64, key: &Value, window: WindowId) {
    timers.add(time, (key.clone(), window));
}

impl WindowOperator {
    pub fn new(udf: PyFunction, window_function: Option<PyFunction>, gap_extractor: Option<PyFunction>, config: WindowConfig) -> Self {
        let trigger = config.trigger.clone().unwrap_or(match &config.assigner {
            WindowAssigner::Global => TriggerKind::Never,
            WindowAssigner::Count { size, .. } => TriggerKind::Count(*size),
            a if a.is_event_time() => TriggerKind::EventTime,
            _ => TriggerKind::ProcessingTime,
        });
        WindowOperator {
            name: format!("Window({})", udf.label()),
            assigner: config.assigner,
            trigger,
            allowed_lateness: config.allowed_lateness_ms,
            late_output: config.late_output,
            functions: WindowFunctions {
                kind: config.function,
                udf,
                window_function,
                input_type: config.input_type,
                output_type: config.output_type,
                keyed: config.keyed,
            },
            gap_extractor,
            panes: HashMap::new(),
            counters: HashMap::new(),
            event_timers: TimerHeap::default(),
            processing_timers: TimerHeap::default(),
            watermark: i64::MIN,
            context: None,
            late: Vec::new(),
            state: config.keyed.then(KeyedStateStore::new),
        }
    }

    fn event_time(&self) -> bool {
        self.assigner.is_event_time()
    }

    fn cleanup_time(&self, window: &WindowId) -> i64 {
        if self.event_time() {
            window.max_timestamp().saturating_add(self.allowed_lateness)
        } else {
            window.max_timestamp()
        }
    }

    fn is_window_late(&self, window: &WindowId) -> bool {
        self.event_time() && self.cleanup_time(window) <= self.watermark
    }

    fn register_cleanup(&mut self, key: &Value, window: WindowId) {
        let time = self.cleanup_time(&window);
        if time == i64::MAX {
            return;
        }
        if self.event_time() {
            register(&mut self.event_timers, time, key, window);
        } else {
            register(&mut self.processing_timers, time, key, window);
        }
    }

    fn on_element_trigger(&mut self, trigger: &TriggerKind, key: &Value, window: WindowId) -> Result<TriggerResult> {
        Ok(match trigger {
            TriggerKind::EventTime => {
                if window.max_timestamp() <= self.watermark {
                    TriggerResult { fire: true, purge: false }
                } else {
                    register(&mut self.event_timers, window.max_timestamp(), key, window);
                    CONTINUE
                }
            }
            TriggerKind::ProcessingTime => {
                register(&mut self.processing_timers, window.max_timestamp(), key, window);
                CONTINUE
            }
            TriggerKind::Count(n) => {
                let pane = self.panes.entry(key.clone()).or_default().entry(window).or_default();
                pane.count += 1;
                if pane.count >= *n {
                    pane.count = 0;
                    TriggerResult { fire: true, purge: false }
                } else {
                    CONTINUE
                }
            }
            TriggerKind::Purging(inner) => {
                let r = self.on_element_trigger(inner, key, window)?;
                TriggerResult { fire: r.fire, purge: r.fire || r.purge }
            }
            TriggerKind::Never => CONTINUE,
            TriggerKind::ContinuousEventTime(_) => {
                return Err(JobError::Unsupported("ContinuousEventTimeTrigger".into()))
            }
        })
    }

    fn on_timer_trigger(trigger: &TriggerKind, event_time: bool, time: i64, window: &WindowId) -> TriggerResult {
        match trigger {
            TriggerKind::EventTime if event_time && time == window.max_timestamp() => {
                TriggerResult { fire: true, purge: false }
            }
            TriggerKind::ProcessingTime if !event_time => TriggerResult { fire: true, purge: false },
            TriggerKind::Purging(inner) => {
                let r = Self::on_timer_trigger(inner, event_time, time, window);
                TriggerResult { fire: r.fire, purge: r.fire || r.purge }
            }
            _ => CONTINUE,
        }
    }

    fn fire(&mut self, py: Python<'_>, key: &Value, window: &WindowId, out: &mut Batch) -> Result<()> {
        let Some(contents) = self.panes.get(key).and_then(|p| p.get(window)).and_then(|p| p.contents.as_ref()) else {
            return Ok(());
        };
        let ctx = match &self.context {
            Some(ctx) => ctx.bind(py).clone(),
            None => py.None().into_bound(py),
        };
        let timestamp = window.max_timestamp();
        if let Some(store) = &self.state {
            store.set_current_key(key.clone());
        }
        for value in self.functions.emit(py, key, window, contents, &ctx)? {
            let key = self.functions.keyed.then(|| key.clone());
            out.push(Record { value, key, timestamp: Some(timestamp) });
        }
        Ok(())
    }

    fn purge(&mut self, key: &Value, window: &WindowId) {
        if let Some(pane) = self.panes.get_mut(key).and_then(|p| p.get_mut(window)) {
            pane.contents = None;
        }
    }

    fn clear(&mut self, key: &Value, window: &WindowId) {
        if let Some(panes) = self.panes.get_mut(key) {
            panes.shift_remove(window);
            if panes.is_empty() {
                self.panes.remove(key);
            }
        }
    }

    /// Session windows: merges `window` with every pane of `key` it touches; returns the result.
    fn merge_into(&mut self, py: Python<'_>, key: &Value, window: WindowId) -> Result<WindowId> {
        let panes = self.panes.entry(key.clone()).or_default();
        let mut touching: Vec<WindowId> = panes.keys().filter(|w| w.intersects(&window)).copied().collect();
        if touching.is_empty() {
            panes.insert(window, Pane::default());
            return Ok(window);
        }
        touching.sort();
        let merged = touching.iter().fold(window, |acc, w| acc.cover(w));
        let mut contents: Option<Contents> = None;
        let mut count = 0;
        for w in &touching {
            if let Some(pane) = panes.shift_remove(w) {
                count += pane.count;
                contents = match (contents, pane.contents) {
                    (Some(a), Some(b)) => Some(self.functions.merge(py, a, b)?),
                    (a, b) => a.or(b),
                };
            }
        }
        panes.insert(merged, Pane { contents, count });
        Ok(merged)
    }

    fn process_record(&mut self, py: Python<'_>, record: Record, out: &mut Batch) -> Result<()> {
        let key = record.key.clone().unwrap_or_default();
        let time = if self.event_time() {
            record.timestamp.ok_or_else(|| {
                JobError::User(format!(
                    "{}: a record has no timestamp (event-time windows need assign_timestamps_and_watermarks first)",
                    self.name
                ))
            })?
        } else {
            now_millis()
        };
        let gap = match &self.gap_extractor {
            Some(extractor) => {
                let value = to_py(py, &record.value, &self.functions.input_type).map_err(|e| extractor.error(py, e))?;
                let gap = extractor.callable(py).call1((value,)).map_err(|e| extractor.error(py, e))?;
                Some(gap.extract::<i64>().map_err(|e| extractor.error(py, e))?)
            }
            None => None,
        };
        if let Some(store) = &self.state {
            store.set_current_key(key.clone());
        }
        let mut skipped = true;
        for window in self.assigner.assign(time, gap, &key, &mut self.counters) {
            let window = if self.assigner.is_merging() { self.merge_into(py, &key, window)? } else { window };
            if self.is_window_late(&window) {
                if self.assigner.is_merging() {
                    self.clear(&key, &window);
                }
                continue;
            }
            skipped = false;
            let pane = self.panes.entry(key.clone()).or_default().entry(window).or_default();
            let contents = pane.contents.take();
            let added = self.functions.add(py, contents, &record.value)?;
            if let Some(pane) = self.panes.get_mut(&key).and_then(|p| p.get_mut(&window)) {
                pane.contents = Some(added);
            }
            let trigger = self.trigger.clone();
            let result = self.on_element_trigger(&trigger, &key, window)?;
            if result.fire {
                self.fire(py, &key, &window, out)?;
            }
            if result.purge {
                self.purge(&key, &window);
            }
            self.register_cleanup(&key, window);
        }
        if skipped && self.event_time() && time.saturating_add(self.allowed_lateness) <= self.watermark {
            if self.late_output.is_some() {
                self.late.push(Record { value: record.value, key: record.key, timestamp: record.timestamp });
            }
        }
        Ok(())
    }

    fn fire_timers(&mut self, event_time: bool, time: i64, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            loop {
                let due = if event_time {
                    self.event_timers.poll_due(time)
                } else {
                    self.processing_timers.poll_due(time)
                };
                let Some((ts, (key, window))) = due else { break };
                if !self.panes.get(&key).is_some_and(|p| p.contains_key(&window)) {
                    continue;
                }
                let result = Self::on_timer_trigger(&self.trigger, event_time, ts, &window);
                if result.fire {
                    self.fire(py, &key, &window, out)?;
                }
                if result.purge {
                    self.purge(&key, &window);
                }
                if event_time == self.event_time() && ts == self.cleanup_time(&window) {
                    self.clear(&key, &window);
                }
            }
            Ok(())
        })
    }
}

impl Operator for WindowOperator {
    fn name(&self) -> &str {
        &self.name
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("window panes per key"), StateDeclaration::Internal("window timers")]
    }

    fn on_start(&mut self) -> Result<()> {
        Python::attach(|py| {
            let udf = &self.functions.udf;
            udf.open(py, "Window", self.state.as_ref())?;
            if let Some(wf) = &self.functions.window_function {
                wf.open(py, "Window", self.state.as_ref())?;
            }
            let ctx = py
                .import("_sluice.harness")
                .and_then(|h| h.getattr("WindowContext")?.call0())
                .map_err(|e| udf.error(py, e))?;
            self.context = Some(ctx.unbind());
            Ok(())
        })
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            for record in input {
                self.process_record(py, record, out)?;
            }
            Ok(())
        })
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        self.watermark = watermark;
        if let Some(ctx) = &self.context {
            Python::attach(|py| {
                ctx.bind(py)
                    .setattr(intern!(py, "_watermark"), watermark)
                    .map_err(|e| self.functions.udf.error(py, e))
            })?;
        }
        self.fire_timers(true, watermark, out)
    }

    fn on_processing_time(&mut self, now: i64, out: &mut Batch) -> Result<()> {
        if self.processing_timers.peek_timestamp().is_some_and(|t| t <= now) {
            self.fire_timers(false, now, out)?;
        }
        Ok(())
    }

    fn take_side_outputs(&mut self) -> SideOutputs {
        match &self.late_output {
            Some((tag, _)) if !self.late.is_empty() => vec![(tag.clone(), std::mem::take(&mut self.late))],
            _ => Vec::new(),
        }
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        Python::attach(|py| {
            self.functions.udf.close(py)?;
            if let Some(wf) = &self.functions.window_function {
                wf.close(py)?;
            }
            Ok(())
        })
    }
}
