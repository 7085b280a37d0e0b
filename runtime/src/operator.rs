//! The operator contract: lifecycle hooks every operator implements, and the state it declares.
//!
//! Operators consume and produce whole batches. Hooks run in this order: `on_start` once, then
//! `process_input` per batch interleaved with `on_watermark` (event time advanced) and
//! `on_processing_time` (wall clock advanced), `on_checkpoint` when a checkpoint passes, and `on_close`
//! at the end of input (after the final watermark). Side outputs (PyFlink's OutputTag) are drained by
//! the pipeline after each hook through `take_side_outputs`.

use crate::error::Result;
use crate::record::Batch;

/// What an operator keeps across records, for checkpoints and for `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateDeclaration {
    /// Keyed state created by the operator's Python function in `open()` (known only at run time).
    PythonKeyedState,
    /// State the operator keeps itself, by name.
    Internal(&'static str),
}

/// Records emitted to a side output, by the OutputTag's id.
pub type SideOutputs = Vec<(String, Batch)>;

pub trait Operator: Send {
    fn name(&self) -> &str;

    fn declared_state(&self) -> Vec<StateDeclaration> {
        Vec::new()
    }

    fn on_start(&mut self) -> Result<()> {
        Ok(())
    }

    /// Transforms one batch; outputs go to `out`.
    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()>;

    /// A batch from input `input` (0 for single-input operators; 0 or 1 for connected streams).
    fn process_input(&mut self, _input: usize, batch: Batch, out: &mut Batch) -> Result<()> {
        self.process(batch, out)
    }

    /// Event time advanced to `watermark` (milliseconds). Operators with timers or windows emit here.
    fn on_watermark(&mut self, _watermark: i64, _out: &mut Batch) -> Result<()> {
        Ok(())
    }

    /// The watermark this operator emits after its last batch, if it generates its own (timestamp
    /// assigners); `None` for operators that forward their inputs' watermark.
    fn generated_watermark(&mut self) -> Option<i64> {
        None
    }

    /// Watermarks generated inside the last batch, each with how many of the batch's output records
    /// precede it (ascending). Flink's Table WatermarkAssignerOperator emits one right after a record
    /// that moved event time on by more than the watermark interval.
    fn take_watermarks_within_batch(&mut self) -> Vec<(usize, i64)> {
        Vec::new()
    }

    /// Whether the inputs' watermarks pass through. Timestamp assigners replace them (only the final
    /// watermark at the end of input passes), as Flink's TimestampsAndWatermarksOperator does.
    fn forwards_watermarks(&self) -> bool {
        true
    }

    /// The wall clock reached `now` (epoch milliseconds): fire due processing-time timers.
    fn on_processing_time(&mut self, _now: i64, _out: &mut Batch) -> Result<()> {
        Ok(())
    }

    /// Records emitted to side outputs since the last call.
    fn take_side_outputs(&mut self) -> SideOutputs {
        Vec::new()
    }

    /// A checkpoint barrier passed: state must be consistent with all input seen so far.
    fn on_checkpoint(&mut self, _checkpoint_id: u64) -> Result<()> {
        Ok(())
    }

    /// End of input: release resources; may emit final output.
    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        Ok(())
    }
}

/// A bounded or unbounded producer of batches.
pub trait Source: Send {
    fn name(&self) -> &str;

    fn on_start(&mut self) -> Result<()> {
        Ok(())
    }

    /// Appends up to `max` records to `out`; returns false once the source is exhausted.
    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool>;

    /// The job ends (after the final watermark went through).
    fn on_close(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Wall-clock time in epoch milliseconds.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
