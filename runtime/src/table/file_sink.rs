//! The filesystem connector as a sink: insert-only rows, one line each in the table's format
//! (`csv`, `json`, `raw`), written to `PATH/part-<uuid>-<subtask>-<n>` as Flink names its part files.
//! A file is written as hidden `.part-...inprogress` and renamed when it is finished: when it reaches
//! `sink.rolling-policy.file-size` (128 MB by default), at each checkpoint, and at the end of input,
//! so readers never see half-written files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::connectors::formats::RowCodec;
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::record::Batch;
use crate::table::ScalarFn;
use crate::value::{RowKind, Value};

pub struct FileSink {
    name: String,
    dir: String,
    codec: RowCodec,
    casts: Vec<ScalarFn>,
    roll_bytes: u64,
    uuid: String,
    part: usize,
    file: Option<(PathBuf, PathBuf, BufWriter<File>)>,
    written: u64,
    buf: Vec<u8>,
}

impl FileSink {
    pub fn new(table: &str, dir: &str, codec: RowCodec, roll_bytes: u64, casts: Vec<ScalarFn>) -> Self {
        FileSink {
            name: format!("Sink(table=[default_catalog.default_database.{table}])"),
            dir: dir.to_string(),
            codec,
            casts,
            roll_bytes,
            uuid: crate::random::Random::from_clock().uuid(),
            part: 0,
            file: None,
            written: 0,
            buf: Vec::new(),
        }
    }

    fn io(&self, what: &str, e: std::io::Error) -> JobError {
        JobError::User(format!("{}: {what} in {}: {e}", self.name, self.dir))
    }

    fn writer(&mut self) -> Result<&mut BufWriter<File>> {
        if self.file.is_none() {
            let dir = PathBuf::from(&self.dir);
            std::fs::create_dir_all(&dir).map_err(|e| self.io("cannot create the directory", e))?;
            let name = format!("part-{}-0-{}", self.uuid, self.part);
            let hidden = dir.join(format!(".{name}.inprogress"));
            let file = File::create(&hidden).map_err(|e| self.io("cannot create a part file", e))?;
            self.file = Some((hidden, dir.join(name), BufWriter::new(file)));
            self.part += 1;
            self.written = 0;
        }
        match self.file.as_mut() {
            Some((_, _, w)) => Ok(w),
            None => Err(JobError::Internal("no part file".into())),
        }
    }

    /// Finishes the current part file (if any): flushed, synced, renamed to its visible name.
    fn finish(&mut self) -> Result<()> {
        if let Some((hidden, visible, mut writer)) = self.file.take() {
            writer.flush().map_err(|e| self.io("cannot write", e))?;
            let file = writer.into_inner().map_err(|e| self.io("cannot write", e.into_error()))?;
            file.sync_all().map_err(|e| self.io("cannot sync", e))?;
            std::fs::rename(&hidden, &visible).map_err(|e| self.io("cannot finish a part file", e))?;
        }
        Ok(())
    }
}

impl Operator for FileSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = record.into_row_parts();
            if kind != RowKind::Insert {
                return Err(JobError::Internal(format!("{} is append-only but received a {} change", self.name, kind.short_string())));
            }
            let row: Vec<Value> = self.casts.iter().map(|cast| cast(&fields)).collect();
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            self.codec.encode(&row, &mut buf);
            buf.push(b'\n');
            let result = self.writer().and_then(|w| w.write_all(&buf).map_err(JobError::Io));
            self.written += buf.len() as u64;
            self.buf = buf;
            result?;
            if self.written >= self.roll_bytes {
                self.finish()?;
            }
        }
        Ok(())
    }

    fn on_checkpoint(&mut self, _checkpoint_id: u64) -> Result<()> {
        self.finish()
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.finish()
    }
}
