//! The operator contract: lifecycle hooks every operator implements, and the state it declares.
//!
//! Operators consume and produce whole batches. Hooks run in this order: `on_start` once, then
//! `process` per batch interleaved with `on_watermark`, `on_checkpoint` when a checkpoint passes, and
//! `on_close` at the end of input (after the final watermark).

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

    /// Event time advanced to `watermark` (milliseconds). Operators with timers or windows emit here.
    fn on_watermark(&mut self, _watermark: i64, _out: &mut Batch) -> Result<()> {
        Ok(())
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
}
