//! From a span inside recorded expression text to a site in the job file.
//!
//! A string expression or SQL statement is located through the call that passed it: its argument's
//! literal (possibly implicitly concatenated) is scanned, and the error's line/column in the value is
//! mapped to the file. DSL expressions (`col("a") + 1`) point at the argument expression; anything
//! else (a string built at run time, a DDL held in a variable) at the call itself. A DDL the shim
//! rendered from a `TableDescriptor` carries *pieces*: which builder call (`.column(...)`,
//! `.option(...)`) wrote which part of the text, so an error inside one points at that call.

use serde::Deserialize;
use sqlparser::tokenizer::Span;

use super::strings::value_offsets;
use crate::frontend::spans::PySpan;
use crate::plan::lower::Sources;
use crate::plan::Site;

/// Expression or statement text as the shim records it.
#[derive(Debug, Clone, Deserialize)]
pub struct TextSpec {
    pub text: String,
    /// `string` (a Table API string expression), `expr` (rendered from the expression DSL) or `sql`.
    pub kind: String,
    /// Which argument of the call at `site` held it.
    pub arg: usize,
    pub site: Option<Site>,
    /// Parts of `text` written by other calls than `site` (a descriptor's builder calls).
    #[serde(default)]
    pub pieces: Vec<Piece>,
}

/// Characters `start..end` of a text, written by the call at `site`.
#[derive(Debug, Clone, Deserialize)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub site: Site,
}

impl TextSpec {
    /// A table's `CREATE TABLE` text as recorded: registered at `site`, with a descriptor's pieces.
    pub fn ddl(text: String, site: Option<Site>, pieces: Vec<Piece>) -> TextSpec {
        TextSpec {
            text,
            kind: "sql".into(),
            arg: 0,
            site,
            pieces,
        }
    }
}

/// Character index in `text` of a sqlparser location (1-based line and column).
fn char_index(text: &str, line: u64, col: u64) -> Option<usize> {
    let (mut l, mut c) = (1u64, 1u64);
    for (i, ch) in text.chars().enumerate() {
        if l == line && c == col {
            return Some(i);
        }
        if ch == '\n' {
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    (l == line && c == col).then(|| text.chars().count())
}

/// The site of `span` (inside `spec.text`), as precisely as the job's source allows.
pub fn locate(spec: &TextSpec, span: Span, sources: &mut Sources<'_>) -> Option<Site> {
    if span.start.line != 0 {
        let at = char_index(&spec.text, span.start.line, span.start.column);
        if let Some(piece) = at.and_then(|at| spec.pieces.iter().find(|p| (p.start..p.end).contains(&at))) {
            return Some(piece.site.clone());
        }
    }
    let site = spec.site.clone()?;
    let precise = (|| {
        let index = sources.get(&site.file)?;
        let call = index.call_at(site.span)?;
        let arg = index.call_argument(call, spec.arg, None)?;
        let range = rustpython_parser::ast::Ranged::range(arg);
        if spec.kind == "expr" {
            return Some(index.span_of(range));
        }
        let (start, end) = (
            u32::from(range.start()) as usize,
            u32::from(range.end()) as usize,
        );
        let offsets = value_offsets(index.source(), start, end)?;
        if offsets.len() != spec.text.chars().count() + 1 || span.start.line == 0 {
            return None;
        }
        let from = offsets.get(char_index(&spec.text, span.start.line, span.start.column)?)?;
        let to = char_index(&spec.text, span.end.line, span.end.column)
            .and_then(|i| offsets.get(i))
            .filter(|to| *to > from)
            .unwrap_or(from);
        let (line, col) = index.position(*from);
        let (end_line, end_col) = index.position(*to);
        Some(PySpan {
            line,
            col,
            end_line,
            end_col,
        })
    })();
    Some(Site {
        file: site.file.clone(),
        span: precise.unwrap_or(site.span),
    })
}
