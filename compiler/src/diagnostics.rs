//! Compile errors: their category, where in the job they point, and how they are rendered.
//!
//! Every error the user can cause is located when possible: `job.py:LINE:COL: error[category]: reason`
//! on one line, then the source snippet (miette, without color so output is stable and greppable).

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use crate::plan::Site;

/// DataFusion-style error categories: the user's mistake, a construct sluice lacks, or a sluice bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    User,
    Unsupported,
    Internal,
}

impl Category {
    pub fn from_recorded(name: &str) -> Category {
        match name {
            "unsupported" => Category::Unsupported,
            "user" => Category::User,
            _ => Category::Internal,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Category::User => "error",
            Category::Unsupported => "error[unsupported]",
            Category::Internal => "error[internal]",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompileError {
    pub category: Category,
    pub message: String,
    pub site: Option<Site>,
    pub notes: Vec<String>,
    /// The Python traceback when the job script itself raised.
    pub traceback: Option<String>,
}

impl CompileError {
    pub fn new(category: Category, message: impl Into<String>) -> Self {
        CompileError {
            category,
            message: message.into(),
            site: None,
            notes: Vec::new(),
            traceback: None,
        }
    }

    pub fn at(mut self, site: Option<Site>) -> Self {
        self.site = site;
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Renders the error; `read` returns the text of a job file (relative to the job's directory).
    pub fn render(&self, read: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        match &self.site {
            Some(site) => out.push_str(&format!(
                "{site}: {}: {}\n",
                self.category.label(),
                self.message
            )),
            None => out.push_str(&format!("{}: {}\n", self.category.label(), self.message)),
        }
        if let Some(site) = &self.site {
            if let Some(text) = read(&site.file) {
                out.push_str(&snippet(site, &text, &self.message, self.category));
            }
        }
        if let Some(traceback) = &self.traceback {
            out.push_str(traceback);
            if !traceback.ends_with('\n') {
                out.push('\n');
            }
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        if self.category == Category::Internal {
            out.push_str("  = note: this is a bug in sluice; please report it with the job that triggered it\n");
        }
        out
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.site {
            Some(site) => write!(f, "{site}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CompileError {}

/// Byte offset of a 1-based line and 0-based byte column.
fn offset(text: &str, line: u32, col: u32) -> Option<usize> {
    let mut start = 0usize;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_len = text[start..].find('\n').unwrap_or(text.len() - start);
    Some(start + (col as usize).min(line_len))
}

fn snippet(site: &Site, text: &str, message: &str, category: Category) -> String {
    let Some(start) = offset(text, site.span.line, site.span.col) else {
        return String::new();
    };
    let end = offset(text, site.span.end_line, site.span.end_col)
        .unwrap_or(start)
        .max(start);
    // Multi-line spans are shown by their first line: the snippet stays short.
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = end.min(first_line_end).max(start);
    let label = match category {
        Category::Unsupported => "not supported by sluice",
        Category::User => "here",
        Category::Internal => "while compiling this",
    };
    let diagnostic = MietteDiagnostic::new(message.to_string()).with_labels(vec![LabeledSpan::at(
        start..end.max(start + 1).min(text.len().max(start + 1)),
        label,
    )]);
    let report =
        Report::new(diagnostic).with_source_code(NamedSource::new(&site.file, text.to_string()));
    let mut out = String::new();
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return String::new();
    }
    // miette repeats the message (possibly wrapped) above the snippet; the header already says it.
    let lines: Vec<&str> = out.lines().collect();
    let frame = lines.iter().position(|l| l.contains('╭')).unwrap_or(0);
    lines[frame..]
        .iter()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::spans::PySpan;

    #[test]
    fn offsets_count_utf8_bytes() {
        let text = "# 注释\nx = 1\n";
        assert_eq!(offset(text, 2, 0), Some("# 注释\n".len()));
        assert_eq!(offset(text, 2, 4), Some("# 注释\n".len() + 4));
    }

    #[test]
    fn renders_a_located_error() {
        let site = Site {
            file: "job.py".into(),
            span: PySpan {
                line: 2,
                col: 0,
                end_line: 2,
                end_col: 7,
            },
        };
        let error = CompileError::new(
            Category::Unsupported,
            "foo() is not supported by sluice yet",
        )
        .at(Some(site));
        let text = error.render(&|_| Some("import x\nfoo(1)\nbar()\n".into()));
        assert!(
            text.starts_with(
                "job.py:2:1: error[unsupported]: foo() is not supported by sluice yet\n"
            ),
            "{text}"
        );
        assert!(text.contains("foo(1)"), "{text}");
        assert!(text.contains("not supported by sluice"), "{text}");
        let long = CompileError::new(Category::User, "word ".repeat(40)).at(Some(Site {
            file: "job.py".into(),
            span: PySpan {
                line: 2,
                col: 0,
                end_line: 2,
                end_col: 3,
            },
        }));
        let text = long.render(&|_| Some("import x\nfoo(1)\n".into()));
        assert_eq!(
            text.matches("word").count(),
            40,
            "the message appears once, unwrapped:\n{text}"
        );
    }
}
