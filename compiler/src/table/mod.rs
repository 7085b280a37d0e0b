//! The Table API and SQL: DDL, string and DSL expressions, lowered to a typed relational plan.
//!
//! The shim records `table.*` nodes (a scan of a DDL-declared table, selects, filters, grouped
//! selects, a sink) with their expressions as text. This module parses the DDL and the expressions
//! with `sqlparser`, resolves columns and Python functions, types every expression, and produces one
//! [`RelOp`] per recorded node, which the plan carries as [`crate::plan::StreamOp::Relational`] and
//! [`codegen`] turns into runtime operators with expressions compiled to Rust closures.
//!
//! Errors in user text (an unknown column, a type mismatch, a UDF called with the wrong number of
//! arguments, a SQL syntax error) point at the line and column inside the Python string.

pub mod builtins;
pub mod codegen;
pub mod connectors;
pub mod correlate;
pub mod datagen;
mod codegen_expr;
mod column_functions;
pub mod computed;
pub mod ddl;
mod display;
pub mod expr;
pub mod formats;
mod grouping_sets;
pub mod join;
pub mod kafka;
pub mod kafka_key;
pub mod kafka_metadata;
mod map;
mod columns;
mod locate;
pub mod library;
pub mod lower;
pub mod over;
mod rank;
pub mod pandas;
mod row_aggregate;
pub mod physical;
pub mod sql;
pub mod strings;
mod subquery;
pub mod temporal;
pub mod temporal_join;
pub mod time_attr;
pub mod window;
pub mod types;
mod udaf_places;

use serde::Serialize;

pub use expr::{AggCall, AggKind, BinOp, Expr, Literal, PyAggCall};
pub(crate) use lower::lower_table_node;
pub use types::{Field, Schema, SqlType};

use crate::plan::Udf;

/// Where a scan reads its rows from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SourceConnector {
    /// `'connector' = 'filesystem'` (or legacy `'connector.type' = 'filesystem'`): one row per line
    /// of a file, or of each file of a directory, in `format` (`csv`, `json` or `raw`).
    File {
        /// As written in the DDL; a relative path is relative to the working directory.
        path: String,
        format: String,
        field_delimiter: char,
        /// Rows that do not parse are skipped instead of failing the job.
        ignore_parse_errors: bool,
    },
    /// `'connector' = 'kafka'` (or legacy `'connector.type' = 'kafka'`): messages of the topics in
    /// the table's format ([`kafka::KafkaOptions`]).
    Kafka(Box<kafka::KafkaOptions>),
    /// `'connector' = 'datagen'`: generated rows ([`datagen::DatagenOptions`]).
    Datagen(datagen::DatagenOptions),
}

/// Where a sink writes its changelog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SinkConnector {
    /// `'connector' = 'print'`: `+I[a, 1]`, `-U[...]`, `+U[...]`, `-D[...]` lines on stdout.
    Print {
        identifier: Option<String>,
        /// `'standard-error' = 'true'`.
        standard_error: bool,
    },
    /// `'connector' = 'filesystem'`: insert-only rows as lines of part files in the directory `path`.
    File {
        path: String,
        format: String,
        field_delimiter: char,
        /// `sink.rolling-policy.file-size` in bytes.
        roll_bytes: u64,
    },
    /// `'connector' = 'blackhole'`: rows are dropped.
    Blackhole,
    /// `'connector' = 'jdbc'` (or legacy `'connector.type' = 'jdbc'`): upserts/deletes or appends to a
    /// database table ([`connectors::JdbcSinkOptions`]).
    Jdbc(connectors::JdbcSinkOptions),
    /// `'connector' = 'kafka'`: one message per inserted row; `'connector' = 'upsert-kafka'`
    /// (`upsert_key`: the primary key): a changelog as keyed messages and tombstones.
    Kafka {
        options: kafka::KafkaOptions,
        upsert_key: Option<Vec<String>>,
    },
}

/// A Python scalar function called by a [`RelOp::Calc`]; its result is appended to the input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PyCall {
    /// The name the function is registered under.
    pub function: String,
    pub udf: Udf,
    /// Arguments, over the Calc's input columns.
    pub args: Vec<Expr>,
    pub arg_types: Vec<SqlType>,
    pub result: SqlType,
    /// `func_type="pandas"`: called once per batch of rows with a `pandas.Series` per argument.
    pub pandas: bool,
    /// The names PyFlink gives the argument columns (a pandas function sees them as Series names).
    pub arg_names: Vec<String>,
    /// The Calc's input width: an argument `Column` at or past it is an earlier call's result.
    pub input_width: usize,
    /// A pandas function of `map()` over the whole row: its arguments cross as one
    /// `pandas.DataFrame` (PyFlink's `wrap_input_series_as_dataframe`), not one Series each.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub frame: bool,
}

/// One ORDER BY key of a [`RelOp::TopN`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SortSpec {
    pub expr: Expr,
    pub descending: bool,
    /// Flink's default: NULLs first ascending, last descending.
    pub nulls_first: bool,
}

/// One operator of a [`RelOp::Query`], with the indexes of the query nodes it reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryNode {
    pub op: RelOp,
    pub inputs: Vec<usize>,
}

/// How a [`RelOp::Correlate`] calls its function and what it emits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum CorrelateMode {
    /// A lateral join: each yielded row is appended to the input row.
    Lateral,
    /// `map(f)`: `f` returns one row (or one value), which is the output row. `row_arg` are the
    /// input's column names when `f` is called with the whole input row as one `Row`.
    Map { row_arg: Option<Vec<String>> },
    /// `flat_map(f)`: each row the table function yields is an output row.
    FlatMap { row_arg: Option<Vec<String>> },
}

/// One relational operator; each has its output schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum RelOp {
    /// Reads a DDL-declared table from its connector (insert-only rows).
    Scan {
        table: String,
        source: SourceConnector,
        /// The declared columns, computed ones included.
        schema: Schema,
        /// The DDL's `WATERMARK FOR` column and delay.
        rowtime: Option<window::Rowtime>,
        /// The DDL's computed columns, over the columns the connector reads (`schema` without
        /// them); computed after the connector, before the watermark.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        computed: Vec<computed::ComputedColumn>,
    },
    /// `select` / `where`: Python scalar functions first (their results appended to the input row as
    /// extra columns, as Flink's PythonCalc does), then a native filter and projection over the
    /// extended row. Row kinds pass through.
    Calc {
        python: Vec<PyCall>,
        filter: Option<Expr>,
        projection: Vec<Expr>,
        schema: Schema,
    },
    /// `group_by(keys).select(...)`: a retracting group aggregate emitting Flink's changelog (+I for a
    /// new group, then -U/+U per change, -D when a group empties); the projection runs over
    /// `[keys..., aggregates...]`.
    Aggregate {
        keys: Vec<Expr>,
        aggs: Vec<AggCall>,
        projection: Vec<Expr>,
        schema: Schema,
    },
    /// `GROUP BY window_start, window_end, ...` over a windowing TVF: one insert-only row per key and
    /// window when the watermark passes the window's end; `keys[end_key]` is `window_end`.
    /// `group_window` is set for what PyFlink runs as a group window aggregate (Table API
    /// `window(...)`, SQL legacy `GROUP BY TUMBLE/HOP(...)`), `None` for a windowing TVF's.
    WindowAggregate {
        keys: Vec<Expr>,
        end_key: usize,
        aggs: Vec<AggCall>,
        projection: Vec<Expr>,
        schema: Schema,
        group_window: Option<window::GroupWindow>,
        /// The windows are of a TIMESTAMP_LTZ rowtime: `window_end` is a wall-clock time of the
        /// session zone, due when the watermark passes its instant.
        zoned: bool,
        /// Over a HOP table function: (time column, slice ms). Flink computes each window from
        /// slices of the gcd of size and slide, merging them newest first, which aggregates with a
        /// merge of their own (LISTAGG's order, the variances' rounding) show.
        #[serde(skip_serializing_if = "Option::is_none")]
        slices: Option<(usize, i64)>,
    },
    /// The HOP (`cumulate == false`: windows of `size_ms` starting every `step_ms`) or CUMULATE
    /// (windows from each `size_ms` boundary growing by `step_ms`) table function: each row once per
    /// window containing its time column `time`, with `window_start`, `window_end`, `window_time`
    /// appended.
    WindowExpand {
        time: usize,
        size_ms: i64,
        step_ms: i64,
        cumulate: bool,
        schema: Schema,
    },
    /// The SESSION windowing TVF (SQL `SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), INTERVAL gap)`,
    /// Table API `Session.with_gap(gap)`): its schema appends `window_start`, `window_end`,
    /// `window_time`, which only a [`RelOp::SessionWindowAggregate`] over it computes (windows depend
    /// on other rows), so the node itself passes rows through unchanged. `partition` is `None` without
    /// PARTITION BY.
    SessionWindow {
        time: usize,
        gap_ms: i64,
        partition: Option<Vec<usize>>,
        schema: Schema,
    },
    /// `GROUP BY window_start, window_end, keys...` over a [`RelOp::SessionWindow`] whose partition is
    /// `keys`: one insert-only row per session when the watermark passes its end. `keys` are input
    /// columns; `window_positions` say where window_start and window_end sit among the GROUP BY keys;
    /// the projection runs over `[group keys..., aggregates...]` and the aggregates over the rows with
    /// the window columns appended.
    SessionWindowAggregate {
        keys: Vec<Expr>,
        window_positions: [usize; 2],
        time: usize,
        gap_ms: i64,
        aggs: Vec<AggCall>,
        projection: Vec<Expr>,
        schema: Schema,
        /// The Table API's `Session` group window (PyFlink's PythonGroupWindowAggregate when Python
        /// aggregate functions run here), rather than the SQL SESSION table function's aggregate.
        group_window: bool,
    },
    /// `from_elements(...)`: the rows the script gave (read when the binary runs).
    Values { schema: Schema },
    /// SQL `VALUES (...), (...)`: rows of constant expressions, inserted in order.
    Literals { rows: Vec<Vec<Expr>>, schema: Schema },
    /// `Table.execute().print()`: Flink's boxed result table on stdout.
    Tableau { schema: Schema },
    /// `TableResult.collect()` (and `Table.to_pandas()`): the rows handed to the script's iterator.
    Collect { schema: Schema },
    /// A regular join of its two inputs (left, right): rows whose `left_keys` equal their `right_keys`
    /// (SQL equality: a NULL key matches nothing) and satisfy `condition` (over `[left..., right...]`),
    /// with Flink's streaming changelog for the outer kinds. The schema is the left's columns then
    /// the right's.
    Join {
        kind: join::JoinKind,
        left_keys: Vec<Expr>,
        right_keys: Vec<Expr>,
        condition: Option<Expr>,
        left_width: usize,
        /// An interval join (both sides' rowtime attributes bounded against each other): insert-only,
        /// rows kept only while they can still match, outer rows padded when they expire.
        interval: Option<join::IntervalBounds>,
        /// An event-time temporal table join (`right FOR SYSTEM_TIME AS OF left.time`, right a
        /// versioned table): each left row joins the right version valid at its time once the
        /// watermark passes it; insert-only.
        temporal: Option<temporal_join::TemporalTimes>,
        schema: Schema,
    },
    /// `NOT EXISTS (subquery)` / `x NOT IN (subquery)`: the rows of the left input (`left_width`
    /// columns, the schema) that no row of the right matches — rows whose `left_keys` equal the
    /// right's `right_keys` (SQL equality) and that satisfy `condition` (over `[left..., right...]`).
    /// Flink's streaming anti-join: a left row is emitted while unmatched and retracted (`-D`) when
    /// its first match arrives; a left row arriving matched is never emitted.
    AntiJoin {
        left_keys: Vec<Expr>,
        right_keys: Vec<Expr>,
        condition: Option<Expr>,
        left_width: usize,
        /// NOT IN: the keys compare null-aware (`l = r OR (l = r) IS NULL`: a NULL on either side
        /// matches every row of the other).
        null_aware: bool,
        schema: Schema,
    },
    /// Flink's Expand (GROUPING SETS, ROLLUP, CUBE; [`grouping_sets`]): each input row once per
    /// projection list, in order, with the input's row kind.
    Expand {
        projections: Vec<Vec<Expr>>,
        schema: Schema,
    },
    /// `ORDER BY keys LIMIT limit` (or `LIMIT limit` alone, `keys` empty) over an insert-only input:
    /// Flink's append-only Top-N, `+I` for a row entering the top rows and `-D` for the row it evicts.
    TopN {
        keys: Vec<SortSpec>,
        limit: usize,
        /// Ranks before the emitted ones (Table API `offset()`); with one, Flink's row-number
        /// algorithm emits `-U`/`+U` per rank that changed.
        offset: usize,
        /// SQL `ROW_NUMBER() OVER (PARTITION BY ...)`: each partition ranked on its own.
        partition: Vec<Expr>,
        /// The row number is selected: appended (BIGINT) to each row, with the row-number algorithm.
        rank_number: bool,
        /// Lowered from SQL's `ROW_NUMBER()` (Flink's Rank node rather than its SortLimit).
        row_number: bool,
        /// Over an updating input (Flink's RetractableTopNFunction): all rows kept, retractions applied.
        retracting: bool,
        schema: Schema,
    },
    /// `ROW_NUMBER() OVER (PARTITION BY partition ORDER BY time [DESC]) = 1`, the row number not
    /// selected, on an event-time attribute: Flink's deduplication. `keep_last` (DESC) emits `+I` then
    /// `-U`/`+U` at once; keeping the first row emits it `+I` when the watermark passes its time.
    Deduplicate {
        partition: Vec<Expr>,
        time: usize,
        keep_last: bool,
        /// `time` is a processing-time attribute: rows order by arrival.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        proctime: bool,
        schema: Schema,
    },
    /// `ORDER BY rowtime [, keys]` without LIMIT (Flink's temporal sort): rows held until the
    /// watermark passes their time `time`, then emitted in time order, equal times ordered by `keys`;
    /// late rows dropped. Insert-only.
    TimeSort {
        time: usize,
        keys: Vec<SortSpec>,
        schema: Schema,
    },
    /// `join_lateral` / `left_outer_join_lateral` / `LATERAL TABLE(f(...))`: the Python table function
    /// `call` runs per input row and each row it yields (of `result_types`) is appended to the input
    /// row; with `left_outer`, an input row without results is emitted once with NULLs. Row kinds pass
    /// through. The schema is the input's columns then the function's.
    ///
    /// `mode` [`CorrelateMode::Map`] / [`CorrelateMode::FlatMap`] are the Table API's `map(f)` /
    /// `flat_map(f)`: the output is the function's columns only.
    Correlate {
        call: PyCall,
        result_types: Vec<SqlType>,
        left_outer: bool,
        mode: CorrelateMode,
        schema: Schema,
    },
    /// `AGG(x) OVER (PARTITION BY partition ORDER BY time ROWS|RANGE ... PRECEDING AND CURRENT ROW)`
    /// on an event-time attribute: each input row once, when the watermark passes its time, with the
    /// aggregates over its frame appended (insert-only).
    OverAggregate {
        partition: Vec<Expr>,
        time: usize,
        frame: over::Frame,
        aggs: Vec<AggCall>,
        schema: Schema,
    },
    /// UNION ALL of the inputs (all with this schema).
    Union { schema: Schema },
    /// A SQL query (or view) lowered to relational operators over its own inputs: `nodes[i]` reads
    /// the nodes `inputs[i]` (earlier in `nodes`); the last node is the query's result.
    Query { nodes: Vec<QueryNode>, schema: Schema },
    /// Inside a [`RelOp::Query`]: the output of plan node `node` (a Table registered as a view).
    Input { node: usize, schema: Schema },
    /// Writes to a DDL-declared sink table; `casts` convert the query's columns to the table's types.
    Sink {
        table: String,
        sink: SinkConnector,
        casts: Vec<Expr>,
        schema: Schema,
    },
}

impl RelOp {
    /// The node's output columns (for a sink: the table's columns).
    pub fn schema(&self) -> &Schema {
        match self {
            RelOp::Scan { schema, .. }
            | RelOp::Calc { schema, .. }
            | RelOp::Aggregate { schema, .. }
            | RelOp::WindowAggregate { schema, .. }
            | RelOp::Union { schema }
            | RelOp::Join { schema, .. }
            | RelOp::AntiJoin { schema, .. }
            | RelOp::Expand { schema, .. }
            | RelOp::WindowExpand { schema, .. }
            | RelOp::SessionWindow { schema, .. }
            | RelOp::SessionWindowAggregate { schema, .. }
            | RelOp::TopN { schema, .. }
            | RelOp::TimeSort { schema, .. }
            | RelOp::Deduplicate { schema, .. }
            | RelOp::Correlate { schema, .. }
            | RelOp::OverAggregate { schema, .. }
            | RelOp::Values { schema }
            | RelOp::Literals { schema, .. }
            | RelOp::Tableau { schema }
            | RelOp::Collect { schema }
            | RelOp::Query { schema, .. }
            | RelOp::Input { schema, .. }
            | RelOp::Sink { schema, .. } => schema,
        }
    }

    /// Whether this operator's own output may retract what it emitted (updates or deletions) even
    /// over insert-only inputs: the changelog analyses of both lowerings and batch mode's
    /// materialization (codegen) ask this one place.
    pub fn emits_updates(&self) -> bool {
        match self {
            RelOp::Aggregate { .. } | RelOp::TopN { .. } | RelOp::AntiJoin { .. } => true,
            RelOp::Deduplicate { keep_last, .. } => *keep_last,
            RelOp::Join { kind, interval: None, temporal: None, .. } => *kind != join::JoinKind::Inner,
            _ => false,
        }
    }

    pub fn api_name(&self) -> &'static str {
        match self {
            RelOp::Scan { .. } => "from_path",
            RelOp::Calc { .. } => "select",
            RelOp::Aggregate { .. } => "group_by().select",
            RelOp::WindowAggregate { .. } => "window aggregate",
            RelOp::Union { .. } => "union_all",
            RelOp::Join { .. } => "join",
            RelOp::AntiJoin { .. } => "NOT EXISTS / NOT IN",
            RelOp::Expand { .. } => "GROUPING SETS",
            RelOp::TopN { .. } => "ORDER BY ... LIMIT",
            RelOp::TimeSort { .. } => "ORDER BY time",
            RelOp::Deduplicate { .. } => "ROW_NUMBER() deduplication",
            RelOp::Correlate { mode: CorrelateMode::Map { .. }, .. } => "map",
            RelOp::Correlate { mode: CorrelateMode::FlatMap { .. }, .. } => "flat_map",
            RelOp::Correlate { .. } => "join_lateral",
            RelOp::OverAggregate { .. } => "OVER",
            RelOp::WindowExpand { cumulate: false, .. } => "HOP",
            RelOp::WindowExpand { cumulate: true, .. } => "CUMULATE",
            RelOp::SessionWindow { .. } => "SESSION",
            RelOp::SessionWindowAggregate { .. } => "session window aggregate",
            RelOp::Values { .. } => "from_elements",
            RelOp::Literals { .. } => "VALUES",
            RelOp::Tableau { .. } => "execute().print",
            RelOp::Collect { .. } => "execute().collect",
            RelOp::Query { .. } => "sql_query",
            RelOp::Input { .. } => "view",
            RelOp::Sink { .. } => "insert",
        }
    }
}
