//! `FileSource.for_record_stream_format(StreamFormat.text_line_format(), *paths)`: every line of the
//! given files, or of the files under given directories (recursively, skipping hidden files as
//! Flink's enumerator does), as STRING records without their line terminators.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct FileLinesSource {
    name: String,
    paths: Vec<String>,
    pending: Vec<PathBuf>,
    reader: Option<(PathBuf, BufReader<File>)>,
}

impl FileLinesSource {
    pub fn new(name: &str, paths: Vec<String>) -> Self {
        FileLinesSource { name: name.to_string(), paths, pending: Vec::new(), reader: None }
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries.into_iter().filter(|p| !is_hidden(p)) {
            collect_files(&entry, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

impl Source for FileLinesSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        let mut files = Vec::new();
        for path in &self.paths {
            let path = Path::new(path.strip_prefix("file://").unwrap_or(path));
            collect_files(path, &mut files)
                .map_err(|e| JobError::User(format!("{}: cannot read {}: {e}", self.name, path.display())))?;
        }
        files.reverse();
        self.pending = files;
        Ok(())
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        while out.len() < max {
            if self.reader.is_none() {
                let Some(path) = self.pending.pop() else { return Ok(false) };
                let file = File::open(&path)
                    .map_err(|e| JobError::User(format!("{}: cannot open {}: {e}", self.name, path.display())))?;
                self.reader = Some((path, BufReader::new(file)));
            }
            let Some((path, reader)) = &mut self.reader else { continue };
            let mut line = String::new();
            let read = reader
                .read_line(&mut line)
                .map_err(|e| JobError::User(format!("{}: reading {}: {e}", self.name, path.display())))?;
            if read == 0 {
                self.reader = None;
                continue;
            }
            let trimmed = line.strip_suffix('\n').unwrap_or(&line);
            let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
            out.push(Record::new(Value::Str(Arc::from(trimmed))));
        }
        Ok(self.reader.is_some() || !self.pending.is_empty())
    }
}
