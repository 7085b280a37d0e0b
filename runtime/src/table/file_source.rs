//! The filesystem connector as a source: one row per line of a file, or of every file of a
//! directory (names in order; hidden files, starting with `.` or `_`, skipped as Flink skips them),
//! decoded by the table's format (`csv`, `json`, `raw`: see `connectors::formats`). Rows that do not
//! decode fail the job naming the file and line, or are skipped with `ignore-parse-errors`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use crate::connectors::formats::RowCodec;
use crate::connectors::interner::Interner;
use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct FileSource {
    name: String,
    path: String,
    codec: RowCodec,
    ignore_parse_errors: bool,
    /// Files still to read, the next last.
    files: Vec<PathBuf>,
    reader: Option<(PathBuf, BufReader<File>)>,
    line_number: usize,
    /// The current line's bytes, reused from line to line.
    line: Vec<u8>,
    /// Repeated text values, shared rather than allocated per row.
    strings: Interner,
}

impl FileSource {
    pub fn new(table: &str, path: &str, codec: RowCodec, ignore_parse_errors: bool) -> Self {
        FileSource {
            name: format!("TableSourceScan(table=[[default_catalog, default_database, {table}]])"),
            path: path.to_string(),
            codec: codec.lenient(ignore_parse_errors),
            ignore_parse_errors,
            files: Vec::new(),
            reader: None,
            line_number: 0,
            line: Vec::new(),
            strings: Interner::default(),
        }
    }

    fn open_next(&mut self) -> Result<bool> {
        let Some(path) = self.files.pop() else {
            return Ok(false);
        };
        let file = File::open(&path).map_err(|e| {
            JobError::User(format!("{}: cannot open {}: {e}", self.name, path.display()))
        })?;
        self.reader = Some((path, BufReader::with_capacity(1 << 16, file)));
        self.line_number = 0;
        Ok(true)
    }
}

impl Source for FileSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        let path = PathBuf::from(crate::overrides::expand_env(&self.path));
        let cannot = |e: std::io::Error| {
            JobError::User(format!("{}: cannot read {}: {e}", self.name, path.display()))
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
        let mut line = std::mem::take(&mut self.line);
        while out.len() < max {
            let Some((path, reader)) = self.reader.as_mut() else {
                return Ok(false);
            };
            line.clear();
            let read = reader.read_until(b'\n', &mut line).map_err(|e| {
                JobError::User(format!("{}: reading {}: {e}", self.name, path.display()))
            })?;
            if read == 0 {
                self.reader = None;
                if !self.open_next()? {
                    break;
                }
                continue;
            }
            self.line_number += 1;
            // Lines are read as bytes (no String per line); a line that is not UTF-8 fails the job
            // as reading it as text did.
            let Ok(text) = std::str::from_utf8(&line) else {
                return Err(JobError::User(format!(
                    "{}: reading {}: stream did not contain valid UTF-8",
                    self.name,
                    path.display()
                )));
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if text.is_empty() {
                continue;
            }
            match self.codec.decode_text(text, Some(&mut self.strings)) {
                Ok(fields) => out.push(Record::new(Value::row(fields))),
                Err(_) if self.ignore_parse_errors => {}
                Err(e) => {
                    return Err(JobError::User(format!(
                        "{}: {}:{}: {e} (set '<format>.ignore-parse-errors' = 'true' to skip such rows)",
                        self.name,
                        path.display(),
                        self.line_number
                    )))
                }
            }
        }
        self.line = line;
        Ok(self.reader.is_some())
    }
}
