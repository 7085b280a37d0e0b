//! `Table.execute().print()`: Flink's boxed ("tableau") result table, as its streaming mode prints
//! it: the header when the first row arrives, one line per changelog row with its kind in an `op`
//! column, values right-aligned in columns whose widths follow the column types, `<NULL>` for NULL,
//! values wider than their column cut to `...`; then the closing border and `N rows in set`, or only
//! `Empty set` when no row came. In batch mode (`without_kinds`) there is no `op` column.

use std::io::Write;

use super::ScalarFn;
use crate::error::Result;
use crate::operator::Operator;
use crate::record::Batch;
use crate::value::{RowKind, Value};

const NULL: &str = "<NULL>";

/// How many terminal columns a character takes (East Asian wide and full-width characters: 2).
fn char_width(c: char) -> usize {
    let c = c as u32;
    let wide = matches!(c,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to fit `width` columns, ending in `...` (as Flink's `PrintUtils.truncateString`).
fn truncate(s: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        used += char_width(c);
        if used > width.saturating_sub(3) {
            break;
        }
        out.push(c);
    }
    out.push_str("...");
    out
}

pub struct TableauPrint {
    names: Vec<String>,
    widths: Vec<usize>,
    /// Each column's value as display text (`Value::Str`) or NULL.
    columns: Vec<ScalarFn>,
    rows: usize,
    /// The `op` column (streaming mode).
    kinds: bool,
}

impl TableauPrint {
    /// `widths`: the column widths Flink derives from the column types.
    pub fn new(names: Vec<&str>, widths: Vec<usize>, columns: Vec<ScalarFn>) -> Self {
        TableauPrint {
            names: names.into_iter().map(String::from).collect(),
            widths,
            columns,
            rows: 0,
            kinds: true,
        }
    }

    /// Batch mode's table: rows without their kinds (all are inserts).
    pub fn without_kinds(mut self) -> Self {
        self.kinds = false;
        self
    }

    fn border(&self, out: &mut String) {
        out.push_str(if self.kinds { "+----+" } else { "+" });
        for w in &self.widths {
            out.push_str(&"-".repeat(w + 2));
            out.push('+');
        }
        out.push('\n');
    }

    fn line<'a>(&self, first: &str, cells: impl Iterator<Item = &'a str>, out: &mut String) {
        if self.kinds {
            out.push_str("| ");
            out.push_str(first);
            out.push_str(" |");
        } else {
            out.push('|');
        }
        for (cell, &width) in cells.zip(&self.widths) {
            let text = if display_width(cell) > width {
                truncate(cell, width)
            } else {
                cell.to_string()
            };
            out.push(' ');
            out.push_str(&" ".repeat(width.saturating_sub(display_width(&text))));
            out.push_str(&text);
            out.push_str(" |");
        }
        out.push('\n');
    }
}

impl Operator for TableauPrint {
    fn name(&self) -> &str {
        "Sink: Collect table sink"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        let mut text = String::new();
        for record in &input {
            let (kind, fields) = match &record.value {
                Value::Row(row) => (row.kind, row.fields.as_slice()),
                other => (RowKind::Insert, std::slice::from_ref(other)),
            };
            if self.rows == 0 {
                self.border(&mut text);
                self.line("op", self.names.iter().map(String::as_str), &mut text);
                self.border(&mut text);
            }
            self.rows += 1;
            let cells: Vec<String> = self
                .columns
                .iter()
                .map(|f| match f(fields) {
                    Value::Str(s) => s.to_string(),
                    Value::Null => NULL.to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            self.line(kind.short_string(), cells.iter().map(String::as_str), &mut text);
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        let mut text = String::new();
        match self.rows {
            0 => text.push_str("Empty set\n"),
            n => {
                self.border(&mut text);
                let plural = if n == 1 { "" } else { "s" };
                text.push_str(&format!("{n} row{plural} in set\n"));
            }
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }
}

/// `from_elements`: the rows the job's script gave, as insert rows.
pub struct ValuesSource {
    rows: std::vec::IntoIter<Value>,
}

impl ValuesSource {
    pub fn new(rows: Vec<Value>) -> Self {
        ValuesSource {
            rows: rows.into_iter(),
        }
    }
}

impl crate::operator::Source for ValuesSource {
    fn name(&self) -> &str {
        "Values"
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        for value in self.rows.by_ref().take(max) {
            let fields = match value {
                Value::Tuple(fields) | Value::List(fields) => fields,
                Value::Row(row) => row.fields,
                other => vec![other],
            };
            out.push(crate::record::Record::new(Value::row(fields)));
        }
        Ok(self.rows.len() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_truncation() {
        assert_eq!(display_width("中文字符"), 8);
        assert_eq!(
            truncate("a very long string value that exceeds thirty characters", 30),
            "a very long string value th..."
        );
    }
}
