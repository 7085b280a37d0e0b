//! A source read ahead on its own thread: the wrapped source fills batches while the pipeline's
//! thread runs the operators over the previous ones (a task boundary between reading and processing,
//! crossed by whole batches). For CPU-bound bounded sources (files), whose reading and parsing is a
//! large part of a job; the order of records is kept.

use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::Batch;

/// Batches read ahead at most: enough to keep both threads busy, few enough to bound memory.
const AHEAD: usize = 2;

enum State<S> {
    /// Not started: the reader thread starts at the first batch (it needs the batch size).
    Idle(S),
    Reading {
        batches: Receiver<Result<(Batch, bool)>>,
        reader: JoinHandle<S>,
    },
    /// Exhausted, the source handed back for `on_close`.
    Done(S),
    Taken,
}

pub struct Prefetch<S: Source + 'static> {
    name: String,
    state: State<S>,
}

impl<S: Source + 'static> Prefetch<S> {
    pub fn new(source: S) -> Self {
        Prefetch { name: source.name().to_string(), state: State::Idle(source) }
    }

    fn start(mut source: S, max: usize) -> State<S> {
        let (sender, batches) = sync_channel(AHEAD);
        let reader = std::thread::spawn(move || {
            loop {
                let mut batch = Vec::with_capacity(max);
                let read = source.next_batch(max, &mut batch).map(|more| (batch, more));
                let last = !matches!(read, Ok((_, true)));
                // A closed receiver: the pipeline stopped (an error elsewhere); stop reading.
                if sender.send(read).is_err() || last {
                    return source;
                }
            }
        });
        State::Reading { batches, reader }
    }
}

impl<S: Source + 'static> Source for Prefetch<S> {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        match &mut self.state {
            State::Idle(source) => source.on_start(),
            _ => Ok(()),
        }
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        if let State::Idle(_) = self.state {
            let State::Idle(source) = std::mem::replace(&mut self.state, State::Taken) else { unreachable!() };
            self.state = Self::start(source, max);
        }
        let State::Reading { batches, .. } = &self.state else { return Ok(false) };
        let received = batches.recv();
        let (batch, more) = match received {
            Ok(read) => read?,
            Err(_) => (Vec::new(), false),
        };
        if out.is_empty() {
            *out = batch;
        } else {
            out.extend(batch);
        }
        if !more {
            if let State::Reading { reader, .. } = std::mem::replace(&mut self.state, State::Taken) {
                let source = reader.join().map_err(|_| JobError::Internal(format!("the reader of {} panicked", self.name)))?;
                self.state = State::Done(source);
            }
        }
        Ok(more)
    }

    fn on_close(&mut self) -> Result<()> {
        match &mut self.state {
            State::Idle(source) | State::Done(source) => source.on_close(),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use crate::value::Value;

    struct Counting {
        next: i64,
        end: i64,
        closed: bool,
    }

    impl Source for Counting {
        fn name(&self) -> &str {
            "counting"
        }

        fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
            while out.len() < max && self.next < self.end {
                out.push(Record::new(Value::Int(self.next)));
                self.next += 1;
            }
            Ok(self.next < self.end)
        }

        fn on_close(&mut self) -> Result<()> {
            self.closed = true;
            Ok(())
        }
    }

    #[test]
    fn reads_every_record_in_order_ahead_of_the_pipeline() {
        let mut source = Prefetch::new(Counting { next: 0, end: 1000, closed: false });
        source.on_start().expect("starts");
        let mut seen = Vec::new();
        loop {
            let mut batch = Vec::new();
            let more = source.next_batch(64, &mut batch).expect("reads");
            seen.extend(batch.into_iter().map(|r| r.value));
            if !more {
                break;
            }
        }
        assert_eq!(seen, (0..1000).map(Value::Int).collect::<Vec<_>>());
        source.on_close().expect("closes");
        assert!(matches!(&source.state, State::Done(s) if s.closed));
    }
}
