//! The Table API / SQL runtime: typed rows read from connectors, native expression evaluation
//! (closures the compiler generates), Python scalar, aggregate and table functions called in batches
//! (pandas ones over `pandas.Series` columns: `pandas*.rs`), a retracting group
//! aggregate emitting Flink's changelog, event-time OVER aggregations, a streaming join, and the print connector.
//!
//! Rows flow as `Value::Row` with their `RowKind` (+I/-U/+U/-D); fields are typed `Value`s in the
//! table's column order.

pub mod aggregate;
pub mod anti_join;
pub mod calc;
pub mod collect_sink;
pub mod correlate;
pub mod datagen_source;
pub mod datetime;
pub mod decimal;
pub mod expand;
pub mod file_sink;
pub mod file_source;
pub mod fx;
pub mod fx_math;
pub mod fx_json_hash;
pub mod fx_strings;
pub mod fx_text_more;
pub mod fx_time;
pub mod interval_join;
pub mod temporal_join;
#[cfg(test)]
mod test_support;
pub mod join;
mod keyed_timers;
pub mod materialize;
pub mod over_aggregate;
pub mod pandas;
pub mod pandas_aggregate;
pub mod pandas_calc;
pub mod pandas_over;
pub mod pandas_window;
pub mod print_sink;
pub mod session_window;
pub mod py_aggregate;
pub mod py_scalar;
pub mod py_strings;
pub mod row_pool;
pub mod tableau;
pub mod time_sort;
pub mod time_zone;
pub mod top_n;
pub mod deduplicate;
pub mod window;
pub mod window_expand;

pub use aggregate::{AggKind, AggSpec, GroupAggregate};
pub use anti_join::AntiJoin;
pub use calc::TableCalc;
pub use collect_sink::CollectSink;
pub use expand::Expand;
pub use py_scalar::PyScalarCall;
pub use correlate::TableCorrelate;
pub use file_sink::FileSink;
pub use file_source::FileSource;
pub use datagen_source::{DatagenSource, GenField, GenKind};
pub use interval_join::IntervalJoin;
pub use temporal_join::TemporalJoin;
pub use time_sort::TimeSort;
pub use join::StreamingJoin;
pub use materialize::Materialize;
pub use over_aggregate::{OverAggregate, OverFrame};
pub use pandas::ColumnType;
pub use pandas_aggregate::{AggColumn, PandasAggCall, PandasAggregates};
pub use pandas_calc::{CalcFunction, PandasArg, PandasBatching, PandasCalc, PandasScalarCall};
pub use pandas_over::PandasOverAggregate;
pub use pandas_window::PandasWindowAggregate;
pub use print_sink::{BlackholeSink, TablePrintSink};
pub use py_aggregate::PyAggCall;
pub use session_window::SessionWindowAggregate;
pub use tableau::{TableauPrint, ValuesSource};
pub use top_n::{SortKey, TopN};
pub use deduplicate::Deduplicate;
pub use window::{RowtimeWatermarks, WindowAggregate};
pub use window_expand::WindowExpand;

pub use crate::value::Value;

/// A compiled expression: computes one value from a row's fields.
pub type ScalarFn = Box<dyn Fn(&[Value]) -> Value + Send>;

/// A compiled condition: `None` is SQL's UNKNOWN (the row is dropped, as for FALSE).
pub type PredicateFn = Box<dyn Fn(&[Value]) -> Option<bool> + Send>;
