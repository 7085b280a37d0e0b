//! The typed logical plan of a PyFlink job: what `sluice explain` prints and code generation reads.
//!
//! One [`JobPlan`] per `env.execute()` the script makes. Each node has a documented operator variant,
//! its inputs, its output schema (`TypeInfo`) and the call site in the job file. Python functions are
//! kept by reference, with their source text and AST location, so later passes (native lowering of
//! simple UDFs) can work from them.

mod display;
pub mod kafka;
pub(crate) mod lower;

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
    /// Site-packages directories of the Python the job was recorded with; the binary adds those that
    /// exist when it runs, so third-party imports resolve as they did at build time.
    pub site_dirs: Vec<String>,
    /// The base interpreter of the Python that recorded the job: the binary links its libpython.
    pub base_python: Option<String>,
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
    /// `python.fn-execution.arrow.batch.size`: rows per pandas UDF call.
    #[serde(default)]
    pub arrow_batch_size: Option<u64>,
    /// `python.fn-execution.bundle.size`.
    #[serde(default)]
    pub bundle_size: Option<u64>,
    /// `python.fn-execution.bundle.time`, in milliseconds.
    #[serde(default)]
    pub bundle_time_ms: Option<u64>,
    /// `table.local-time-zone` (`set_local_timezone`): the session zone of TIMESTAMP_LTZ values;
    /// `None` is UTC.
    #[serde(default)]
    pub local_time_zone: Option<String>,
}

impl JobConfig {
    /// `RuntimeExecutionMode.BATCH` / `EnvironmentSettings.in_batch_mode()`.
    pub fn is_batch(&self) -> bool {
        self.runtime_mode.eq_ignore_ascii_case("BATCH")
    }
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
    /// The span of that source in `file`.
    pub span: Option<PySpan>,
    /// Its syntax tree, for passes that lower simple functions to Rust.
    #[serde(skip)]
    pub ast: Option<UdfAst>,
}

/// The syntax tree of a UDF's definition.
#[derive(Debug, Clone, PartialEq)]
pub enum UdfAst {
    Lambda(rustpython_parser::ast::ExprLambda),
    Function(rustpython_parser::ast::StmtFunctionDef),
    Class(rustpython_parser::ast::StmtClassDef),
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
    /// `env.from_source(FileSource...text_line_format(), paths)`: lines of files; the paths are values
    /// read when the binary runs.
    FileLinesSource { name: String, charset: String },
    /// `env.from_collection(elements, type_info)`: the elements are values read when the binary runs.
    CollectionSource { element_count: Option<usize> },
    /// `env.from_source(KafkaSource...build(), ...)`: messages of Kafka topics as STRING or Row
    /// elements; servers, topics and offsets are values read when the binary runs.
    KafkaSource(kafka::KafkaSourceSpec),
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
    /// `process(f)`: ProcessFunction / KeyedProcessFunction (timers when keyed); `side_outputs` are
    /// the OutputTags read downstream with `get_side_output`.
    Process { udf: Udf, keyed: bool, side_outputs: Vec<SideOutput> },
    /// `assign_timestamps_and_watermarks(strategy)`: event time from the assigner, watermarks per strategy.
    AssignTimestamps { assigner: Option<Udf>, watermark: WatermarkSpec },
    /// `union(...)`: all inputs, one output; output type = first input's.
    Union,
    /// `connect(...)` + `map`/`flat_map`/`process` with a Co-function; inputs are the two streams.
    Connected { udf: Udf, kind: CoKind, keyed: bool, side_outputs: Vec<SideOutput> },
    /// `get_side_output(tag)`: the records the input emitted to `tag`.
    SideOutputOf { tag: String },
    /// `window(...)`/`window_all(...)`/`count_window(...)` + reduce/aggregate/process/apply.
    Window(Box<WindowSpec>),
    /// `print(identifier)`: text to stdout; at `parallelism` > 1 each line names its subtask, which
    /// follows from the record's key (declared `key_type`, or the pickled key). `parallelism` 0: the
    /// job did not set one, so it is the machine's core count at run time, as in PyFlink.
    Print { identifier: Option<String>, parallelism: u32, key_type: Option<TypeInfo> },
    /// `sink_to(KafkaSink...build())`: each element one message; output type = input type.
    KafkaSink(kafka::KafkaSinkSpec),
    /// `execute_and_collect()`: the elements handed to the script's iterator; output type = input type.
    Collect,
    /// `sink_to(FileSink.for_row_format(...))`: each element a line of text in part files; output
    /// type = input type. The base path is the node's value `base_path`, read when the binary runs.
    FileSink(FileSinkSpec),
    /// A Table API / SQL operator (scan, calc, group aggregate, sink) with its typed schema.
    Relational(crate::table::RelOp),
}

/// A row-format FileSink: part file names, bucket directory pattern, rolling policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSinkSpec {
    pub prefix: String,
    pub suffix: String,
    /// A `SimpleDateFormat` pattern (wall clock, UTC); `None`: the base path itself.
    pub bucket_format: Option<String>,
    pub part_size: Option<u64>,
    pub rollover_ms: Option<u64>,
}

/// An OutputTag read downstream: its id and the type its records convert to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideOutput {
    pub tag: String,
    pub ty: TypeInfo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoKind {
    Map,
    FlatMap,
    Process,
}

/// A window assigner as the shim describes it (sizes in milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssignerSpec {
    /// Tumbling windows are sliding windows whose slide is their size.
    Sliding { time: String, size: i64, slide: i64, offset: i64 },
    Session { time: String, gap: i64, dynamic: bool },
    Global,
    /// Count windows of `size` elements every `slide` elements.
    Count { size: i64, slide: i64 },
}

/// A trigger as the shim describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerSpec {
    EventTime,
    ProcessingTime,
    Count { count: i64 },
    Purging { nested: Box<TriggerSpec> },
    Never,
    ContinuousEventTime { interval: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowFunctionKind {
    Reduce,
    Aggregate,
    Process,
    Apply,
}

/// A windowed computation: how records are grouped into windows, when windows fire, and what
/// computes each window's output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowSpec {
    pub assigner: AssignerSpec,
    pub trigger: Option<TriggerSpec>,
    pub allowed_lateness_ms: i64,
    /// `side_output_late_data(tag)`.
    pub late_tag: Option<SideOutput>,
    pub function: WindowFunctionKind,
    pub udf: Udf,
    /// The WindowFunction/ProcessWindowFunction applied after an incremental reduce/aggregate, by
    /// the method PyFlink calls on it (`apply` or `process`).
    pub window_function: Option<String>,
    pub keyed: bool,
}

impl StreamOp {
    pub fn is_source(&self) -> bool {
        matches!(
            self,
            StreamOp::NumberSequenceSource { .. }
                | StreamOp::CollectionSource { .. }
                | StreamOp::FileLinesSource { .. }
                | StreamOp::KafkaSource(_)
                | StreamOp::Relational(crate::table::RelOp::Scan { .. })
        )
    }

    pub fn udf(&self) -> Option<&Udf> {
        match self {
            StreamOp::Map { udf, .. }
            | StreamOp::FlatMap { udf, .. }
            | StreamOp::Filter { udf, .. }
            | StreamOp::Reduce { udf }
            | StreamOp::Process { udf, .. }
            | StreamOp::Connected { udf, .. } => Some(udf),
            StreamOp::KeyBy { selector, .. } => Some(selector),
            StreamOp::AssignTimestamps { assigner, .. } => assigner.as_ref(),
            StreamOp::Window(w) => Some(&w.udf),
            _ => None,
        }
    }

    /// The Python-facing name of the operator, as the job wrote it.
    pub fn api_name(&self) -> &'static str {
        match self {
            StreamOp::NumberSequenceSource { .. } => "from_source",
            StreamOp::CollectionSource { .. } => "from_collection",
            StreamOp::FileLinesSource { .. } => "from_source",
            StreamOp::KafkaSource(_) => "from_source",
            StreamOp::KafkaSink(_) => "sink_to",
            StreamOp::Collect => "execute_and_collect",
            StreamOp::FileSink(_) => "sink_to(FileSink)",
            StreamOp::Map { .. } => "map",
            StreamOp::FlatMap { .. } => "flat_map",
            StreamOp::Filter { .. } => "filter",
            StreamOp::KeyBy { .. } => "key_by",
            StreamOp::Reduce { .. } => "reduce",
            StreamOp::Process { .. } => "process",
            StreamOp::Print { .. } => "print",
            StreamOp::AssignTimestamps { .. } => "assign_timestamps_and_watermarks",
            StreamOp::Union => "union",
            StreamOp::Connected { kind: CoKind::Map, .. } => "connect().map",
            StreamOp::Connected { kind: CoKind::FlatMap, .. } => "connect().flat_map",
            StreamOp::Connected { kind: CoKind::Process, .. } => "connect().process",
            StreamOp::SideOutputOf { .. } => "get_side_output",
            StreamOp::Window(_) => "window",
            StreamOp::Relational(rel) => rel.api_name(),
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
