//! The frontend: runs the job script against the `pyflink` shim in record mode and reads back what it
//! built, with spans into the job's files.
//!
//! Like PyFlink's own client, sluice executes the script to learn the job graph, so loops, argparse,
//! f-strings, helpers, closures and sibling imports behave as they do under PyFlink.
//! [`spans`] indexes the job's source (rustpython-parser) to locate call sites and UDF sources.

pub mod recording;
pub mod spans;

pub use recording::{record, Recording};
