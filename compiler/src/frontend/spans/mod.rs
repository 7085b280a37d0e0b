//! Source indexing for Python job files.
//!
//! This module owns everything that ties *positions* to *Python syntax*:
//!
//! * [`SourceIndex`] parses a Python file once (with `rustpython-parser`) and keeps the
//!   source text, the parsed module ([`ast::Suite`]) and a table of line start offsets.
//! * [`PySpan`] is a position range in CPython's own convention — 1-based line numbers and
//!   0-based column offsets counted in **UTF-8 bytes** within the line, exactly what
//!   CPython 3.11 `code.co_positions()` / `dis.Instruction.positions` report.  Because
//!   `rustpython-parser` reports byte offsets ([`TextRange`]) into the same text, the two
//!   convert losslessly, also for lines that contain non-ASCII text (e.g. Chinese comments
//!   or string literals).
//! * Lookups used by the compiler front end: the call expression a runtime-recorded `CALL`
//!   position refers to ([`SourceIndex::call_at`]), its arguments
//!   ([`SourceIndex::call_argument`]), lambdas / function / class definitions that a code
//!   object came from ([`SourceIndex::lambda_at`], [`SourceIndex::lambdas_on_line`],
//!   [`SourceIndex::function_def`], [`SourceIndex::class_def`]), the source text of UDFs
//!   ([`SourceIndex::text_of`], [`SourceIndex::function_source`],
//!   [`SourceIndex::dedented_source`]) and the statement a diagnostic should point at
//!   ([`SourceIndex::statement_at`]).
//! * A small pre-order AST walker ([`walk_suite`], [`walk_expr`], [`SourceIndex::walk`])
//!   covering every statement and expression kind (rustpython-ast's `Visitor` is behind a
//!   feature that is not enabled in this workspace).
//!
//! A leading UTF-8 byte order mark is stripped before parsing: CPython does the same when it
//! decodes a source file, and its column offsets on line 1 are counted after the BOM.

use std::fmt;

use rustpython_parser::ast::{
    self, Arguments, Expr, ExprCall, ExprLambda, Ranged, Stmt, StmtAsyncFunctionDef, StmtClassDef,
    StmtFunctionDef,
};
use rustpython_parser::text_size::{TextRange, TextSize};
use rustpython_parser::Parse;
use serde::{Deserialize, Serialize};

/// A source range in CPython's `co_positions()` convention: 1-based `line`/`end_line`,
/// 0-based `col`/`end_col` counted in UTF-8 bytes from the start of the line. The end is
/// exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PySpan {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl PySpan {
    pub const fn new(line: u32, col: u32, end_line: u32, end_col: u32) -> Self {
        PySpan {
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// An empty span at one position.
    pub const fn point(line: u32, col: u32) -> Self {
        PySpan {
            line,
            col,
            end_line: line,
            end_col: col,
        }
    }

    /// `(line, col)` of the start.
    pub const fn start(&self) -> (u32, u32) {
        (self.line, self.col)
    }

    /// `(end_line, end_col)` of the (exclusive) end.
    pub const fn end(&self) -> (u32, u32) {
        (self.end_line, self.end_col)
    }

    pub fn is_empty(&self) -> bool {
        self.start() >= self.end()
    }

    /// Whether `other` lies entirely within `self`.
    pub fn contains(&self, other: PySpan) -> bool {
        self.start() <= other.start() && other.end() <= self.end()
    }

    /// Whether the line `line` is touched by this span.
    pub fn covers_line(&self, line: u32) -> bool {
        self.line <= line && line <= self.end_line
    }
}

impl fmt::Display for PySpan {
    /// `line:col-end_line:end_col` (CPython convention: byte columns, 0-based).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}-{}:{}",
            self.line, self.col, self.end_line, self.end_col
        )
    }
}

/// The file did not parse. `span` is an empty span at the position the parser gave up
/// (rustpython reports a single offset, not a range).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file_name}:{}:{}: syntax error: {message}", .span.line, .span.col + 1)]
pub struct SyntaxError {
    pub message: String,
    pub file_name: String,
    pub span: PySpan,
    /// Byte offset of the error in the (BOM-stripped) source.
    pub offset: usize,
}

/// A node handed to the walker callbacks.
#[derive(Debug, Clone, Copy)]
pub enum NodeRef<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

impl<'a> NodeRef<'a> {
    pub fn range(&self) -> TextRange {
        match self {
            NodeRef::Stmt(s) => s.range(),
            NodeRef::Expr(e) => e.range(),
        }
    }
}

/// A function definition, sync or async (rustpython uses two distinct node types).
#[derive(Debug, Clone, Copy)]
pub enum FunctionRef<'a> {
    Sync(&'a StmtFunctionDef),
    Async(&'a StmtAsyncFunctionDef),
}

impl<'a> FunctionRef<'a> {
    pub fn from_stmt(stmt: &'a Stmt) -> Option<Self> {
        match stmt {
            Stmt::FunctionDef(f) => Some(FunctionRef::Sync(f)),
            Stmt::AsyncFunctionDef(f) => Some(FunctionRef::Async(f)),
            _ => None,
        }
    }
    pub fn name(&self) -> &'a str {
        match self {
            FunctionRef::Sync(f) => f.name.as_str(),
            FunctionRef::Async(f) => f.name.as_str(),
        }
    }
    pub fn args(&self) -> &'a Arguments {
        match self {
            FunctionRef::Sync(f) => &f.args,
            FunctionRef::Async(f) => &f.args,
        }
    }
    pub fn body(&self) -> &'a [Stmt] {
        match self {
            FunctionRef::Sync(f) => &f.body,
            FunctionRef::Async(f) => &f.body,
        }
    }
    pub fn decorator_list(&self) -> &'a [Expr] {
        match self {
            FunctionRef::Sync(f) => &f.decorator_list,
            FunctionRef::Async(f) => &f.decorator_list,
        }
    }
    pub fn returns(&self) -> Option<&'a Expr> {
        match self {
            FunctionRef::Sync(f) => f.returns.as_deref(),
            FunctionRef::Async(f) => f.returns.as_deref(),
        }
    }
    /// Range of the definition from `def`/`async` to the end of the body, *without*
    /// decorators (rustpython's convention). See [`SourceIndex::decorated_range`].
    pub fn range(&self) -> TextRange {
        match self {
            FunctionRef::Sync(f) => f.range,
            FunctionRef::Async(f) => f.range,
        }
    }
    pub fn is_async(&self) -> bool {
        matches!(self, FunctionRef::Async(_))
    }
    /// The sync definition, if this is one.
    pub fn as_sync(&self) -> Option<&'a StmtFunctionDef> {
        match self {
            FunctionRef::Sync(f) => Some(f),
            FunctionRef::Async(_) => None,
        }
    }
}

/// A parsed Python source file with position lookup tables.
#[derive(Debug, Clone)]
pub struct SourceIndex {
    file_name: String,
    source: String,
    suite: ast::Suite,
    /// Byte offset of the first byte of every line; `line_starts[0] == 0`. A line terminator
    /// (`\n`, `\r\n` or a lone `\r`) belongs to the line it ends.
    line_starts: Vec<usize>,
}

fn compute_line_starts(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                starts.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    starts
}

/// A crude distance between two (line, col) positions, for tie-breaking only.
fn pos_distance(a: (u32, u32), b: (u32, u32)) -> u64 {
    let key = |p: (u32, u32)| (u64::from(p.0) << 32) | u64::from(p.1);
    key(a).abs_diff(key(b))
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl SourceIndex {
    /// Parses `source` as a Python module. `file_name` is only used for error messages.
    pub fn parse(source: &str, file_name: &str) -> Result<SourceIndex, SyntaxError> {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let line_starts = compute_line_starts(source);
        match ast::Suite::parse(source, file_name) {
            Ok(suite) => Ok(SourceIndex {
                file_name: file_name.to_owned(),
                source: source.to_owned(),
                suite,
                line_starts,
            }),
            Err(err) => {
                // Build a throwaway index to reuse the position logic.
                let tmp = SourceIndex {
                    file_name: String::new(),
                    source: source.to_owned(),
                    suite: Vec::new(),
                    line_starts,
                };
                let offset = (u32::from(err.offset) as usize).min(source.len());
                let (line, col) = tmp.position(offset);
                Err(SyntaxError {
                    message: err.error.to_string(),
                    file_name: file_name.to_owned(),
                    span: PySpan::point(line, col),
                    offset,
                })
            }
        }
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The (BOM-stripped) source text all offsets refer to.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn suite(&self) -> &ast::Suite {
        &self.suite
    }

    /// Number of lines (a trailing newline starts a final, empty line).
    pub fn line_count(&self) -> u32 {
        to_u32(self.line_starts.len())
    }

    /// Byte range of line `line` (1-based) without its terminator.
    fn line_bounds(&self, line: u32) -> Option<(usize, usize)> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let mut end = match self.line_starts.get(idx + 1) {
            Some(&next) => next,
            None => self.source.len(),
        };
        let bytes = self.source.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some((start, end))
    }

    /// Text of line `line` (1-based) without its terminator.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let (s, e) = self.line_bounds(line)?;
        Some(&self.source[s..e])
    }

    /// Byte offset of (`line`, `col`) — 1-based line, 0-based byte column. `col` may equal
    /// the line's length (the position just before the terminator). `None` if out of
    /// range or not on a UTF-8 character boundary.
    pub fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let (start, end) = self.line_bounds(line)?;
        let off = start.checked_add(col as usize)?;
        if off > end || !self.source.is_char_boundary(off) {
            return None;
        }
        Some(off)
    }

    /// `(line, col)` of a byte offset (clamped to the end of the source). An offset that
    /// points into a line terminator maps to the end of that line.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.source.len());
        let idx = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let line = to_u32(idx + 1);
        let (start, end) = self.line_bounds(line).unwrap_or((offset, offset));
        (line, to_u32(offset.min(end) - start))
    }

    /// The CPython-convention span of a rustpython range.
    pub fn span_of(&self, range: TextRange) -> PySpan {
        let (line, col) = self.position(u32::from(range.start()) as usize);
        let (end_line, end_col) = self.position(u32::from(range.end()) as usize);
        PySpan {
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// The rustpython range of a span; `None` if either end is not a valid position.
    pub fn range_of(&self, span: PySpan) -> Option<TextRange> {
        let start = self.offset(span.line, span.col)?;
        let end = self.offset(span.end_line, span.end_col)?;
        if end < start {
            return None;
        }
        Some(TextRange::new(
            TextSize::from(to_u32(start)),
            TextSize::from(to_u32(end)),
        ))
    }

    /// Source text covered by `span`; empty if the span is invalid for this file.
    pub fn text(&self, span: PySpan) -> &str {
        self.range_of(span).map_or("", |r| self.text_of(r))
    }

    /// Source text covered by a rustpython range (e.g. `lambda.range`); empty if out of
    /// bounds.
    pub fn text_of(&self, range: TextRange) -> &str {
        let s = u32::from(range.start()) as usize;
        let e = u32::from(range.end()) as usize;
        self.source.get(s..e).unwrap_or("")
    }

    /// Converts a byte column on `line` into a 0-based *character* column (for
    /// human-facing messages). `None` if the position is invalid.
    pub fn char_col(&self, line: u32, col: u32) -> Option<u32> {
        let off = self.offset(line, col)?;
        let (start, _) = self.line_bounds(line)?;
        Some(to_u32(self.source[start..off].chars().count()))
    }

    /// Pre-order walk over every statement and expression of the module. The callback
    /// returns `true` to descend into the node's children.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
        walk_suite(&self.suite, f);
    }

    /// The values `pick` returns for the module's expressions, in source order (by start,
    /// outer before inner).
    fn collect_exprs<'a, T>(&'a self, mut pick: impl FnMut(&'a Expr) -> Option<T>) -> Vec<T> {
        let mut out: Vec<(TextSize, usize, T)> = Vec::new();
        let mut seq = 0usize;
        self.walk(&mut |node| {
            if let NodeRef::Expr(e) = node {
                if let Some(v) = pick(e) {
                    out.push((e.start(), seq, v));
                    seq += 1;
                }
            }
            true
        });
        out.sort_by_key(|(start, seq, _)| (*start, *seq));
        out.into_iter().map(|(_, _, v)| v).collect()
    }

    /// Every call expression, in source order.
    pub fn calls(&self) -> Vec<&ExprCall> {
        self.collect_exprs(|e| match e {
            Expr::Call(c) => Some(c),
            _ => None,
        })
    }

    /// The call expression a CPython 3.11 `CALL` instruction position refers to.
    ///
    /// CPython 3.11 reports a call with the span of the whole call expression, except for a
    /// method call whose method name ends on a later line than the call starts (chains
    /// continued with `\` or inside parentheses): then the span starts at the method name.
    /// The end is always the call's closing parenthesis. So a call matches when its end
    /// equals the span's end (this alone separates `a.f(x).g(y)` from `a.f(x)`) and the
    /// span starts either at the call's start or at its method name; if several calls
    /// qualify, the one whose start is closest to the span's start wins.
    ///
    /// The start check is what rejects CALL instructions that do not correspond to a call
    /// expression although their span ends at a `)`: the implicit call of a generator
    /// expression's code object in `sum(x for x in xs)` (span = the generator expression,
    /// which shares its end with the `sum(...)` call), and the `__build_class__` call of a
    /// `class` statement whose body ends with a call. Note that the CALL that *applies* a
    /// decorator `@udf(...)` has the same span as the `udf(...)` call itself, so it resolves
    /// to that call.
    pub fn call_at(&self, span: PySpan) -> Option<&ExprCall> {
        let end = TextSize::from(to_u32(self.offset(span.end_line, span.end_col)?));
        let mut best: Option<(&ExprCall, u64)> = None;
        self.walk(&mut |node| {
            if let NodeRef::Expr(Expr::Call(call)) = node {
                if call.range.end() != end {
                    return true;
                }
                let cs = self.span_of(call.range);
                let method_start = self.cpython_method_start(call);
                if cs.start() == span.start() || method_start == Some(span.start()) {
                    let dist = pos_distance(cs.start(), span.start())
                        .min(method_start.map_or(u64::MAX, |m| pos_distance(m, span.start())));
                    if best.as_ref().is_none_or(|(_, d)| dist < *d) {
                        best = Some((call, dist));
                    }
                }
            }
            true
        });
        best.map(|(c, _)| c)
    }

    /// Where CPython 3.11 starts the position of a method call `obj.name(...)`: at the
    /// method name, computed like `update_start_location_to_match_attr` does — the
    /// attribute's end column minus the name's length in *characters* (so for a non-ASCII
    /// method name the column is not a character boundary, faithfully).
    fn cpython_method_start(&self, call: &ExprCall) -> Option<(u32, u32)> {
        let Expr::Attribute(attr) = &*call.func else {
            return None;
        };
        let (line, end_col) = self.position(u32::from(attr.range.end()) as usize);
        let len = to_u32(attr.attr.as_str().chars().count());
        (len <= end_col).then(|| (line, end_col - len))
    }

    /// The `index`-th positional argument of `call`, or — if there is no such positional
    /// argument and `kw` is given — the value of the keyword argument named `kw`.
    /// Returns `None` if the positional argument cannot be located statically because a
    /// `*args` splat precedes (or is) that position.
    pub fn call_argument<'a>(
        &self,
        call: &'a ExprCall,
        index: usize,
        kw: Option<&str>,
    ) -> Option<&'a Expr> {
        let mut splat = false;
        for (i, arg) in call.args.iter().enumerate() {
            if matches!(arg, Expr::Starred(_)) {
                splat = true;
            }
            if i == index {
                return if splat { None } else { Some(arg) };
            }
        }
        let kw = kw?;
        call.keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == kw))
            .map(|k| &k.value)
    }

    /// The outermost expression whose range is exactly `span`.
    pub fn expr_at(&self, span: PySpan) -> Option<&Expr> {
        let range = self.range_of(span)?;
        let mut found = None;
        self.walk(&mut |node| {
            if found.is_some() {
                return false;
            }
            if let NodeRef::Expr(e) = node {
                if e.range() == range {
                    found = Some(e);
                    return false;
                }
            }
            true
        });
        found
    }

    /// The lambda whose range is exactly `span` — CPython 3.11 reports the `MAKE_FUNCTION`
    /// of a lambda with the lambda expression's full span.
    pub fn lambda_at(&self, span: PySpan) -> Option<&ExprLambda> {
        let range = self.range_of(span)?;
        self.collect_exprs(|e| match e {
            Expr::Lambda(l) if l.range == range => Some(l),
            _ => None,
        })
        .into_iter()
        .next()
    }

    /// Lambdas starting (at the `lambda` keyword) on `line`, in source order — a lambda code
    /// object's `co_firstlineno` is that line.
    pub fn lambdas_on_line(&self, line: u32) -> Vec<&ExprLambda> {
        self.collect_exprs(|e| match e {
            Expr::Lambda(l) if self.position(u32::from(l.range.start()) as usize).0 == line => {
                Some(l)
            }
            _ => None,
        })
    }

    /// The first statement (pre-order, i.e. source order) for which `pick` returns a value.
    fn find_stmt<'a, T>(&'a self, mut pick: impl FnMut(&'a Stmt) -> Option<T>) -> Option<T> {
        let mut found = None;
        self.walk(&mut |node| {
            if found.is_some() {
                return false;
            }
            if let NodeRef::Stmt(s) = node {
                if let Some(v) = pick(s) {
                    found = Some(v);
                    return false;
                }
            }
            true
        });
        found
    }

    /// Whether a definition starting at `range` with `decorators` "starts" on `line`:
    /// either the `def`/`class` line or the first decorator's line (CPython's
    /// `co_firstlineno` for decorated definitions).
    fn def_on_line(&self, range: TextRange, decorators: &[Expr], line: u32) -> bool {
        let def_line = self.position(u32::from(range.start()) as usize).0;
        let deco_line = decorators
            .first()
            .map(|d| self.position(u32::from(self.decorator_at(d)) as usize).0);
        def_line == line || deco_line == Some(line)
    }

    /// A sync or async function definition (at any nesting depth: module level, in a
    /// function or in a class) named `name` whose `def` line — or first decorator line —
    /// is `line`.
    pub fn function(&self, name: &str, line: u32) -> Option<FunctionRef<'_>> {
        self.find_stmt(|s| {
            let f = FunctionRef::from_stmt(s)?;
            (f.name() == name && self.def_on_line(f.range(), f.decorator_list(), line)).then_some(f)
        })
    }

    /// Like [`SourceIndex::function`] but only for (non-async) `def`s — PyFlink UDFs are
    /// never coroutines. Use [`SourceIndex::function`] to find `async def`s too.
    pub fn function_def(&self, name: &str, line: u32) -> Option<&StmtFunctionDef> {
        self.find_stmt(|s| match s {
            Stmt::FunctionDef(f)
                if f.name.as_str() == name
                    && self.def_on_line(f.range, &f.decorator_list, line) =>
            {
                Some(f)
            }
            _ => None,
        })
    }

    /// A class named `name` at any nesting depth; if `line` is given, its `class` line or
    /// first decorator line must be `line`. Without `line` the first in source order wins.
    pub fn class_def(&self, name: &str, line: Option<u32>) -> Option<&StmtClassDef> {
        self.find_stmt(|s| match s {
            Stmt::ClassDef(c)
                if c.name.as_str() == name
                    && line.is_none_or(|l| self.def_on_line(c.range, &c.decorator_list, l)) =>
            {
                Some(c)
            }
            _ => None,
        })
    }

    /// Offset of the `@` introducing decorator expression `deco` (rustpython's decorator
    /// expression ranges exclude the `@`, and parentheses around it).
    fn decorator_at(&self, deco: &Expr) -> TextSize {
        let start = u32::from(deco.start()) as usize;
        let (line, _) = self.position(start);
        let line_start = self.line_bounds(line).map_or(0, |(s, _)| s);
        match self.source[line_start..start].rfind('@') {
            Some(i) => TextSize::from(to_u32(line_start + i)),
            None => deco.start(),
        }
    }

    /// `range` extended backwards to the `@` of the first decorator, if any.
    pub fn decorated_range(&self, range: TextRange, decorators: &[Expr]) -> TextRange {
        match decorators.first() {
            Some(d) => TextRange::new(self.decorator_at(d).min(range.start()), range.end()),
            None => range,
        }
    }

    /// Source text of a function definition including its decorators (the first line
    /// starts at the `@`/`def` column; later lines keep their indentation — see
    /// [`SourceIndex::dedented_source`]).
    pub fn function_source(&self, f: FunctionRef<'_>) -> &str {
        self.text_of(self.decorated_range(f.range(), f.decorator_list()))
    }

    /// Source text of a class definition including its decorators.
    pub fn class_source(&self, c: &StmtClassDef) -> &str {
        self.text_of(self.decorated_range(c.range, &c.decorator_list))
    }

    /// The full lines covering `range`, with the indentation of the first line removed from
    /// every line that starts with it (like `inspect.getsource` + `textwrap.dedent` for a
    /// nested `def`). Text before `range` on its first line is replaced by nothing, text
    /// after it on its last line is dropped.
    pub fn dedented_source(&self, range: TextRange) -> String {
        let start = u32::from(range.start()) as usize;
        let (line, _) = self.position(start);
        let Some((line_start, _)) = self.line_bounds(line) else {
            return String::new();
        };
        let before = &self.source[line_start..start];
        let indent_len = before.len() - before.trim_start_matches([' ', '\t']).len();
        let indent = &before[..indent_len];
        let body = self.text_of(range);
        let mut out = String::with_capacity(body.len());
        for (i, l) in body.split_inclusive('\n').enumerate() {
            if i == 0 {
                out.push_str(l);
            } else if let Some(rest) = l.strip_prefix(indent) {
                out.push_str(rest);
            } else {
                out.push_str(l);
            }
        }
        out
    }

    /// The innermost statement covering `line`. Compound statements are entered when one
    /// of their body statements covers the line; their header lines (`if ...:`, `else:`,
    /// `except ...:`, decorators of a `def`) map to the compound statement itself. Of
    /// several statements on one line (`a; b`), the first is returned.
    pub fn statement_at(&self, line: u32) -> Option<&Stmt> {
        let mut stmts: &[Stmt] = &self.suite;
        let mut found: Option<&Stmt> = None;
        'outer: loop {
            for s in stmts {
                let span = self.span_of(self.stmt_full_range(s));
                if span.covers_line(line) {
                    found = Some(s);
                    for body in child_bodies(s) {
                        if body
                            .iter()
                            .any(|b| self.span_of(self.stmt_full_range(b)).covers_line(line))
                        {
                            stmts = body;
                            continue 'outer;
                        }
                    }
                    return found;
                }
            }
            return found;
        }
    }

    /// The innermost statement whose range (decorators included) contains `span`.
    pub fn statement_containing(&self, span: PySpan) -> Option<&Stmt> {
        let range = self.range_of(span)?;
        let mut stmts: &[Stmt] = &self.suite;
        let mut found: Option<&Stmt> = None;
        'outer: loop {
            for s in stmts {
                if self.stmt_full_range(s).contains_range(range) {
                    found = Some(s);
                    for body in child_bodies(s) {
                        if body
                            .iter()
                            .any(|b| self.stmt_full_range(b).contains_range(range))
                        {
                            stmts = body;
                            continue 'outer;
                        }
                    }
                    return found;
                }
            }
            return found;
        }
    }

    /// A statement's range, extended to its first decorator for `def`/`class`.
    pub fn stmt_full_range(&self, s: &Stmt) -> TextRange {
        match s {
            Stmt::FunctionDef(f) => self.decorated_range(f.range, &f.decorator_list),
            Stmt::AsyncFunctionDef(f) => self.decorated_range(f.range, &f.decorator_list),
            Stmt::ClassDef(c) => self.decorated_range(c.range, &c.decorator_list),
            _ => s.range(),
        }
    }
}

mod walk;

pub use walk::{child_bodies, walk_expr, walk_stmt, walk_suite};

#[cfg(test)]
mod tests;
