//! The filesystem connector as a source: one row per line of a file, or of every file of a
//! directory (names in order; hidden files, starting with `.` or `_`, skipped as Flink skips them),
//! decoded by the table's format (`csv`, `json`, `raw`: see `connectors::formats`). Rows that do not
//! decode fail the job naming the file and line, or are skipped with `ignore-parse-errors`.
//!
//! Lines are found in the reader's buffer and decoded where they lie (a line is copied only when it
//! straddles two reads); repeated text values are interned, and rows come from the row pool.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::connectors::bytes::find_byte;
use crate::connectors::formats::RowCodec;
use crate::connectors::interner::Interner;
use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

use super::row_pool;

pub struct FileSource {
    path: String,
    /// Files still to read, the next last.
    files: Vec<PathBuf>,
    reader: Option<(PathBuf, BufReader<File>)>,
    /// The start of a line that straddles two reads of the buffer.
    partial: Vec<u8>,
    lines: LineDecoder,
}

/// Turns lines into rows; apart from the reader so a line can be decoded while borrowed from it.
struct LineDecoder {
    name: String,
    codec: RowCodec,
    ignore_parse_errors: bool,
    line_number: usize,
    /// Repeated text values, shared rather than allocated per row.
    strings: Interner,
}

impl LineDecoder {
    /// One line (with or without its line break) of the file at `path`, as a record in `out`.
    fn decode(&mut self, line: &[u8], path: &Path, out: &mut Batch) -> Result<()> {
        self.line_number += 1;
        // A line that is not UTF-8 fails the job, as reading the file as text does.
        let Ok(text) = std::str::from_utf8(line) else {
            return Err(JobError::User(format!(
                "{}: reading {}: stream did not contain valid UTF-8",
                self.name,
                path.display()
            )));
        };
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            return Ok(());
        }
        let mut row = row_pool::take();
        match self.codec.decode_into(text, Some(&mut self.strings), &mut row.fields) {
            Ok(()) => out.push(Record::new(Value::Row(row))),
            Err(_) if self.ignore_parse_errors => row_pool::give(row),
            Err(e) => {
                return Err(JobError::User(format!(
                    "{}: {}:{}: {e} (set '<format>.ignore-parse-errors' = 'true' to skip such rows)",
                    self.name,
                    path.display(),
                    self.line_number
                )))
            }
        }
        Ok(())
    }
}

impl FileSource {
    pub fn new(table: &str, path: &str, codec: RowCodec, ignore_parse_errors: bool) -> Self {
        FileSource {
            path: path.to_string(),
            files: Vec::new(),
            reader: None,
            partial: Vec::new(),
            lines: LineDecoder {
                name: format!("TableSourceScan(table=[[default_catalog, default_database, {table}]])"),
                codec: codec.lenient(ignore_parse_errors),
                ignore_parse_errors,
                line_number: 0,
                strings: Interner::default(),
            },
        }
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(path) = self.files.pop() else {
            return Ok(false);
        };
        let file = File::open(&path).map_err(|e| {
            JobError::User(format!("{}: cannot open {}: {e}", self.lines.name, path.display()))
        })?;
        self.reader = Some((path, BufReader::with_capacity(1 << 16, file)));
        self.lines.line_number = 0;
        Ok(true)
    }
}

impl Source for FileSource {
    fn name(&self) -> &str {
        &self.lines.name
    }

    fn on_start(&mut self) -> Result<()> {
        let path = PathBuf::from(crate::overrides::expand_env(&self.path));
        let cannot = |e: std::io::Error| {
            JobError::User(format!("{}: cannot read {}: {e}", self.lines.name, path.display()))
        };
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(cannot)?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.starts_with('.') && !n.starts_with('_'))
                })
                .collect();
            files.sort();
            files.reverse();
            self.files = files;
        } else {
            self.files = vec![path];
        }
        self.open_next()?;
        Ok(())
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        while out.len() < max {
            let Some((path, reader)) = self.reader.as_mut() else {
                return Ok(false);
            };
            let lines = &mut self.lines;
            let buffer = match reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(JobError::User(format!("{}: reading {}: {e}", lines.name, path.display())))
                }
            };
            if buffer.is_empty() {
                // The end of the file: its last line may lack a line break.
                if !self.partial.is_empty() {
                    let line = std::mem::take(&mut self.partial);
                    let decoded = lines.decode(&line, path, out);
                    self.partial = line;
                    self.partial.clear();
                    decoded?;
                }
                self.reader = None;
                if !self.open_next()? {
                    break;
                }
                continue;
            }
            let consumed = match find_byte(buffer, b'\n') {
                Some(end) if self.partial.is_empty() => {
                    lines.decode(&buffer[..end], path, out)?;
                    end + 1
                }
                Some(end) => {
                    self.partial.extend_from_slice(&buffer[..end]);
                    let decoded = lines.decode(&self.partial, path, out);
                    self.partial.clear();
                    decoded?;
                    end + 1
                }
                None => {
                    self.partial.extend_from_slice(buffer);
                    buffer.len()
                }
            };
            reader.consume(consumed);
        }
        Ok(self.reader.is_some())
    }
}
