//! Sinks: where records leave a pipeline. One sink per file.

pub mod file_rows;
pub mod print;

pub use file_rows::{FileRowConfig, FileRowSink};
pub use print::PrintSink;
