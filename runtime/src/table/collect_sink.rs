//! `TableResult.collect()`: the job's rows handed to the script's iterator, batch by batch, through a
//! bounded channel (the job runs on its own thread while the script iterates; a full channel holds
//! the job back, as Flink's collect sink waits for its client). An iterator closed early drops the
//! receiver, which ends the job at its next batch.

use std::sync::mpsc::SyncSender;

use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::record::Batch;

/// What the job thread hands the iterator: batches of rows (each a `Value::Row` with its kind).
pub type CollectSender = SyncSender<Batch>;

/// The message the job ends with when the script stopped iterating (not an error to report).
pub const ITERATOR_CLOSED: &str = "the collect() iterator was closed";

pub struct CollectSink {
    sender: CollectSender,
}

impl CollectSink {
    pub fn new(sender: CollectSender) -> Self {
        CollectSink { sender }
    }
}

impl Operator for CollectSink {
    fn name(&self) -> &str {
        "Sink: Collect table sink"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        if input.is_empty() {
            return Ok(());
        }
        self.sender.send(input).map_err(|_| JobError::User(ITERATOR_CLOSED.to_string()))
    }
}
