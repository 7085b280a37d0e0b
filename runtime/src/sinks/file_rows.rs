//! `sink_to(FileSink.for_row_format(base_path, Encoder.simple_string_encoder())...)`: each element's
//! text (its Java `toString`, a Python object's `str()`) and a line break, in part files named as Flink's FileSink names them,
//! `<prefix>-<uuid>-<n><suffix>`, under a date-time bucket directory (`yyyy-MM-dd--HH` of the wall
//! clock, UTC, by default) or the base path itself. A part file is written hidden
//! (`.<name>.inprogress.<uuid>`) and renamed when it is finished: at the rolling policy's part size,
//! once it has been open for the rollover interval (checked as elements arrive), when the bucket
//! changes, and at the end of the input.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pyo3::prelude::*;
use sluice_types::TypeInfo;

use super::print::python_object_text;
use crate::format::write_java;
use crate::value::Value;
use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator};
use crate::random::Random;
use crate::record::Batch;

/// Where and how the part files are written.
pub struct FileRowConfig {
    pub prefix: String,
    pub suffix: String,
    /// A `SimpleDateFormat` pattern for the bucket directory; `None` writes into the base path.
    pub bucket_format: Option<String>,
    pub part_size: Option<u64>,
    pub rollover_ms: Option<i64>,
}

struct OpenPart {
    hidden: PathBuf,
    visible: PathBuf,
    writer: BufWriter<File>,
    bucket: String,
    bytes: u64,
    opened_ms: i64,
}

pub struct FileRowSink {
    base: PathBuf,
    config: FileRowConfig,
    input_type: TypeInfo,
    uuid: String,
    random: Random,
    counter: usize,
    part: Option<OpenPart>,
    text: String,
}

impl FileRowSink {
    pub fn new(base_path: &str, config: FileRowConfig, input_type: TypeInfo) -> Self {
        let mut random = Random::from_clock();
        FileRowSink {
            base: PathBuf::from(base_path),
            config,
            input_type,
            uuid: random.uuid(),
            random,
            counter: 0,
            part: None,
            text: String::new(),
        }
    }

    fn io(&self, what: &str, e: std::io::Error) -> JobError {
        JobError::User(format!("FileSink: {what} in {}: {e}", self.base.display()))
    }

    fn bucket(&self, now: i64) -> String {
        match &self.config.bucket_format {
            Some(format) => crate::table::datetime::date_format(now, format).to_string(),
            None => String::new(),
        }
    }

    /// The part file of `bucket`, opened if there is none (finishing another bucket's).
    fn open(&mut self, bucket: &str, now: i64) -> Result<&mut OpenPart> {
        let expired = self.part.as_ref().is_some_and(|p| {
            p.bucket != bucket || self.config.rollover_ms.is_some_and(|ms| now - p.opened_ms >= ms)
        });
        if expired {
            self.finish()?;
        }
        if self.part.is_none() {
            let dir = if bucket.is_empty() { self.base.clone() } else { self.base.join(bucket) };
            std::fs::create_dir_all(&dir).map_err(|e| self.io("cannot create the directory", e))?;
            let name = format!("{}-{}-{}{}", self.config.prefix, self.uuid, self.counter, self.config.suffix);
            let hidden = dir.join(format!(".{name}.inprogress.{}", self.random.uuid()));
            let file = File::create(&hidden).map_err(|e| self.io("cannot create a part file", e))?;
            self.counter += 1;
            self.part = Some(OpenPart {
                hidden,
                visible: dir.join(name),
                writer: BufWriter::new(file),
                bucket: bucket.to_string(),
                bytes: 0,
                opened_ms: now,
            });
        }
        self.part.as_mut().ok_or_else(|| JobError::Internal("no part file".into()))
    }

    /// Finishes the open part file, if any: flushed, synced, renamed to its visible name.
    fn finish(&mut self) -> Result<()> {
        if let Some(part) = self.part.take() {
            let file = part.writer.into_inner().map_err(|e| self.io("cannot write", e.into_error()))?;
            file.sync_all().map_err(|e| self.io("cannot sync", e))?;
            std::fs::rename(&part.hidden, &part.visible).map_err(|e| self.io("cannot finish a part file", e))?;
        }
        Ok(())
    }

    fn write(&mut self, input: &Batch) -> Result<()> {
        let now = now_millis();
        let bucket = self.bucket(now);
        for record in input {
            let mut text = std::mem::take(&mut self.text);
            text.clear();
            // Flink's SimpleStringEncoder writes the Java object's `toString` (a Row's `+I[a, b]`); an
            // untyped stream's elements are Python objects, written as their `str()`.
            match &record.value {
                Value::Py(obj) => python_object_text(&mut text, obj)?,
                other => write_java(&mut text, other, &self.input_type),
            }
            text.push('\n');
            let part_size = self.config.part_size;
            let part = self.open(&bucket, now)?;
            let written = part.writer.write_all(text.as_bytes());
            part.bytes += text.len() as u64;
            let full = part_size.is_some_and(|size| part.bytes >= size);
            self.text = text;
            written.map_err(|e| self.io("cannot write", e))?;
            if full {
                self.finish()?;
            }
        }
        Ok(())
    }
}

impl Operator for FileRowSink {
    fn name(&self) -> &str {
        "Sink: FileSink"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        if self.input_type == TypeInfo::Pickled {
            // One GIL acquisition for the whole batch of Python objects.
            Python::attach(|_| self.write(&input))
        } else {
            self.write(&input)
        }
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    #[test]
    fn lines_in_named_part_files_rolled_at_the_part_size() {
        let dir = std::env::temp_dir().join(format!("sluice-file-rows-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = FileRowConfig {
            prefix: "pre".into(),
            suffix: ".txt".into(),
            bucket_format: None,
            part_size: Some(4),
            rollover_ms: None,
        };
        let mut sink = FileRowSink::new(dir.to_str().expect("utf-8"), config, TypeInfo::String);
        let batch: Batch = ["ab", "cd", "e"].iter().map(|s| Record::new(Value::Str((*s).into()))).collect();
        sink.process(batch, &mut Vec::new()).expect("writes");
        sink.on_close(&mut Vec::new()).expect("finishes");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("the directory")
            .map(|e| {
                let path = e.expect("an entry").path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                (name, std::fs::read_to_string(&path).expect("readable"))
            })
            .collect();
        files.sort();
        let _ = std::fs::remove_dir_all(&dir);
        let contents: Vec<&str> = files.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(contents, vec!["ab\ncd\n", "e\n"]);
        assert!(files.iter().all(|(n, _)| n.starts_with("pre-") && n.ends_with(".txt")), "{files:?}");
        assert!(files[0].0.ends_with("-0.txt") && files[1].0.ends_with("-1.txt"), "{files:?}");
    }
}
