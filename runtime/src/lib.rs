//! sluice's streaming runtime: what every generated job crate links.
//!
//! - [`value`], [`record`]: the data that flows; [`format`]: how `print()` shows it.
//! - [`operator`], [`pipeline`]: the operator lifecycle and the fused loop that runs a job.
//! - [`sources`], [`operators`], [`sinks`]: one per file.
//! - [`state`]: keyed state, snapshot-able for checkpoints.
//! - [`connectors`]: external systems (JDBC databases, Kafka), each behind a cargo feature.
//! - [`python`]: the embedded-Python harness (shim, conversions, user functions, the job script).
//!
//! Generated code uses the [`prelude`] and stays thin: it wires these pieces as the job's plan says.

pub mod fxhash;
pub mod random;
pub mod connectors;
pub mod error;
pub mod format;
pub mod java;
pub mod operator;
pub mod operators;
pub mod overrides;
pub mod partition;
pub mod pipeline;
pub mod python;
pub mod record;
pub mod sinks;
pub mod sources;
pub mod state;
pub mod table;
pub mod temporal;
pub mod value;

pub use python::native::launch;

/// Every binary linking the runtime allocates with mimalloc (the default `mimalloc` feature): rows are
/// many small, short-lived allocations, which it serves markedly faster than glibc's malloc (the
/// harness bench's Table select over 1,024 rows: 135 -> 112 us). Python keeps its own allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The parallelism of a job that sets none: one subtask per core, as PyFlink's local execution.
pub fn default_parallelism() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(1))
}

/// What generated `main.rs` files import.
pub mod prelude {
    pub use crate::error::{JobError, Result};
    pub use crate::operators::{
        CoFunctionKind, Identity, KeyBy, KeyOrder, PyCoProcess, PyFilter, PyFlatMap, PyMap, PyProcess, PyReduce,
        TimestampsAndWatermarks, TriggerKind, WatermarkKind, WindowAssigner, WindowConfig, WindowFunctionKind,
        WindowOperator,
    };
    pub use crate::pipeline::{Pipeline, PipelineBuilder};
    pub use crate::python::native::{JobBindings, JobSpec, Program, TableSettings};
    pub use crate::python::EmbeddedModule;
    pub use crate::sinks::{FileRowConfig, FileRowSink, PrintSink};
    pub use crate::sources::{CollectionSource, FileLinesSource, NumberSequenceSource};
    pub use crate::connectors;
    pub use crate::table;
    pub use sluice_types::TypeInfo;
}
