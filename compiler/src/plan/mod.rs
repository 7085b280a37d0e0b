//! The typed logical plan of a PyFlink job: what `sluice explain` prints and code generation reads.
//!
//! One [`JobPlan`] per `env.execute()` the script makes. Each node has a documented operator variant,
//! its inputs, its output schema (`TypeInfo`) and the call site in the job file. Python functions are
//! kept by reference, with their source text and AST location, so later passes (native lowering of
//! simple UDFs) can work from them.

mod display;
mod lower;

pub use lower::lower_recording;

use serde::{Deserialize, Serialize};
use sluice_types::TypeInfo;

use crate::frontend::spans::PySpan;

/// A span in a job file (relative to the job's directory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub file: String,
    #[serde(flatten)]
    pub span: PySpan,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub jobs: Vec<JobPlan>,
    /// The job's sibling modules it imports (module name, path relative to the job's directory).
    pub modules: Vec<SiblingModule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiblingModule {
    pub name: String,
    pub file: String,
    pub package: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobPlan {
    pub name: String,
    /// Hash of the job's shape; the binary checks the script builds the same job at run time.
    pub shape_hash: String,
    pub config: JobConfig,
    pub execute_site: Option<Site>,
    pub nodes: Vec<PlanNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobConfig {
    /// `None` when the job never set it (PyFlink then uses the machine's core count).
    pub parallelism: Option<u32>,
    pub runtime_mode: String,
    #[serde(default)]
    pub checkpoint_interval_ms: Option<u64>,
    #[serde(default)]
    pub auto_watermark_interval_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanNode {
    pub id: usize,
    pub inputs: Vec<usize>,
    /// Schema of the node's output (for sinks: of what they consume).
    pub output: TypeInfo,
    pub site: Option<Site>,
    pub op: StreamOp,
}

/// A Python function the job passes to an operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Udf {
    pub kind: UdfKind,
    /// `<lambda>`, a function's qualified name, or the class name of a Function object.
    pub name: String,
    /// The method PyFlink calls on a Function object (`map`, `flat_map`, ...).
    pub method: Option<String>,
    /// Where it is defined (the lambda, the `def`, or the method of the class).
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Its source text (the lambda expression, the function or the class), when found.
    pub source: Option<String>,
    /// The span of that source in `file`: where its AST is, for passes that lower it.
    pub span: Option<PySpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UdfKind {
    Lambda,
    Function,
    /// An instance of a Function subclass (MapFunction, KeyedProcessFunction, ...).
    Object,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatermarkSpec {
    pub kind: String,
    pub max_out_of_orderness_ms: i64,
    pub idleness_ms: Option<i64>,
    pub has_timestamp_assigner: bool,
}

/// The operators of a DataStream job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StreamOp {
    /// `env.from_source(NumberSequenceSource(start, end), ...)`: LONGs start..=end; the bounds are
    /// values read when the binary runs.
    NumberSequenceSource {
        name: String,
        watermark: WatermarkSpec,
    },
    /// `env.from_collection(elements, type_info)`: the elements are values read when the binary runs.
    CollectionSource { element_count: Option<usize> },
    /// `map(f)`: one output per input.
    Map { udf: Udf, keyed: bool },
    /// `flat_map(f)`: any number of outputs per input.
    FlatMap { udf: Udf, keyed: bool },
    /// `filter(f)`: keeps inputs for which `f` is truthy; output type = input type.
    Filter { udf: Udf, keyed: bool },
    /// `key_by(f, key_type)`: attaches a key; output type = input type.
    KeyBy {
        selector: Udf,
        key_type: Option<TypeInfo>,
    },
    /// Keyed `reduce(f)`: running fold per key.
    Reduce { udf: Udf },
    /// `process(f)`: ProcessFunction / KeyedProcessFunction.
    Process { udf: Udf, keyed: bool },
    /// `print(identifier)`: text to stdout.
    Print { identifier: Option<String> },
}

impl StreamOp {
    pub fn is_source(&self) -> bool {
        matches!(
            self,
            StreamOp::NumberSequenceSource { .. } | StreamOp::CollectionSource { .. }
        )
    }

    pub fn udf(&self) -> Option<&Udf> {
        match self {
            StreamOp::Map { udf, .. }
            | StreamOp::FlatMap { udf, .. }
            | StreamOp::Filter { udf, .. }
            | StreamOp::Reduce { udf }
            | StreamOp::Process { udf, .. } => Some(udf),
            StreamOp::KeyBy { selector, .. } => Some(selector),
            _ => None,
        }
    }

    /// The Python-facing name of the operator, as the job wrote it.
    pub fn api_name(&self) -> &'static str {
        match self {
            StreamOp::NumberSequenceSource { .. } => "from_source",
            StreamOp::CollectionSource { .. } => "from_collection",
            StreamOp::Map { .. } => "map",
            StreamOp::FlatMap { .. } => "flat_map",
            StreamOp::Filter { .. } => "filter",
            StreamOp::KeyBy { .. } => "key_by",
            StreamOp::Reduce { .. } => "reduce",
            StreamOp::Process { .. } => "process",
            StreamOp::Print { .. } => "print",
        }
    }
}

impl Udf {
    /// `MyMapFunction.map`, `<lambda>`, `to_pair`.
    pub fn display_name(&self) -> String {
        match (&self.kind, &self.method) {
            (UdfKind::Object, Some(method)) => format!("{}.{method}", self.name),
            _ => self.name.clone(),
        }
    }

    /// `job.py:16`, when known.
    pub fn location(&self) -> Option<String> {
        Some(format!("{}:{}", self.file.as_ref()?, self.line?))
    }
}
