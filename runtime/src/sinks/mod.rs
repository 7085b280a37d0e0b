//! Sinks: where records leave a pipeline. One sink per file.

pub mod print;

pub use print::PrintSink;
