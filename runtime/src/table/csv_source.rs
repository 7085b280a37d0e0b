//! The filesystem connector with CSV format: one row per line, fields in column order, converted to
//! the columns' types. A quoted field (`"a,b"`, `""` for a quote) may hold the delimiter. Empty fields
//! of non-string columns are NULL. Rows that do not parse fail the job, or are skipped with
//! `ignore-parse-errors`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::sync::Arc;

use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct CsvFileSource {
    name: String,
    path: String,
    delimiter: char,
    ignore_parse_errors: bool,
    types: Vec<TypeInfo>,
    reader: Option<BufReader<File>>,
    line_number: usize,
    line: String,
}

impl CsvFileSource {
    pub fn new(
        table: &str,
        path: &str,
        delimiter: char,
        ignore_parse_errors: bool,
        types: Vec<TypeInfo>,
    ) -> Self {
        CsvFileSource {
            name: format!("TableSourceScan(table=[[default_catalog, default_database, {table}]])"),
            path: path.to_string(),
            delimiter,
            ignore_parse_errors,
            types,
            reader: None,
            line_number: 0,
            line: String::new(),
        }
    }

    fn parse_line(&self, line: &str) -> std::result::Result<Vec<Value>, String> {
        let fields = split_fields(line, self.delimiter);
        if fields.len() != self.types.len() {
            return Err(format!(
                "expected {} fields, found {}",
                self.types.len(),
                fields.len()
            ));
        }
        fields
            .iter()
            .zip(&self.types)
            .map(|(text, ty)| parse_field(text, ty))
            .collect()
    }
}

/// Splits one CSV line, honouring double quotes.
pub(crate) fn split_fields(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

pub(crate) fn parse_field(text: &str, ty: &TypeInfo) -> std::result::Result<Value, String> {
    if text.is_empty() && *ty != TypeInfo::String {
        return Ok(Value::Null);
    }
    let bad = || format!("'{text}' is not a valid {ty}");
    Ok(match ty {
        TypeInfo::String => Value::Str(Arc::from(text)),
        TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long => {
            Value::Int(text.trim().parse().map_err(|_| bad())?)
        }
        TypeInfo::Float | TypeInfo::Double => Value::Float(text.trim().parse().map_err(|_| bad())?),
        TypeInfo::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        other => {
            return Err(format!(
                "columns of type {other} are not supported by the CSV source"
            ))
        }
    })
}

impl Source for CsvFileSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        let file = File::open(&self.path).map_err(|e| {
            JobError::User(format!("{}: cannot open {}: {e}", self.name, self.path))
        })?;
        self.reader = Some(BufReader::with_capacity(1 << 16, file));
        Ok(())
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        let Some(mut reader) = self.reader.take() else {
            return Ok(false);
        };
        let mut more = true;
        let mut line = std::mem::take(&mut self.line);
        while out.len() < max {
            line.clear();
            let read = reader.read_line(&mut line).map_err(|e| {
                JobError::User(format!("{}: reading {}: {e}", self.name, self.path))
            })?;
            if read == 0 {
                more = false;
                break;
            }
            self.line_number += 1;
            let text = line.trim_end_matches(['\n', '\r']);
            if text.is_empty() {
                continue;
            }
            match self.parse_line(text) {
                Ok(fields) => out.push(Record::new(Value::row(fields))),
                Err(_) if self.ignore_parse_errors => {}
                Err(e) => {
                    return Err(JobError::User(format!(
                        "{}: {}:{}: {e} (set 'csv.ignore-parse-errors' = 'true' to skip such rows)",
                        self.name, self.path, self.line_number
                    )))
                }
            }
        }
        self.line = line;
        if more {
            self.reader = Some(reader);
        }
        Ok(more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_types() {
        assert_eq!(
            split_fields("a,\"b,\"\"c\"\"\",", ','),
            vec!["a", "b,\"c\"", ""]
        );
        assert_eq!(parse_field("12", &TypeInfo::Long), Ok(Value::Int(12)));
        assert_eq!(parse_field("", &TypeInfo::Long), Ok(Value::Null));
        assert!(parse_field("x", &TypeInfo::Long).is_err());
    }
}
