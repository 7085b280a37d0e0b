//! `group_by(...).select(aggregates)`: a retracting group aggregate with Flink's changelog.
//!
//! Per input row (as Flink's GroupAggFunction without mini-batch): the group's accumulators take the
//! row (accumulate for +I/+U, retract for -U/-D); a new group emits `+I`, a changed group `-U` of its
//! previous result then `+U` of the new one, an unchanged result nothing, and a group whose last row
//! was retracted `-D`. The projection runs over `[keys..., aggregate values...]`. When no consumer
//! needs UPDATE_BEFORE (the compiler asks, as Flink's planner asks the sinks), an update is `+U`
//! alone, as Flink's `generateUpdateBefore = false`.
//!
//! Groups are updated in place, found by one lookup of the row's key columns where they lie; a row
//! emitted reuses the allocation of the input row that caused it (see `row_pool`).
//!
//! With a Python aggregate function among the aggregates the operator works as PyFlink's Python group
//! aggregate does: rows are buffered per key for a bundle (until 100000 rows, a second of wall clock,
//! a checkpoint or the end of input; a watermark does not cut it, PyFlink holds watermarks back until
//! the bundle in progress finishes), then each key (in order of first arrival in the
//! bundle) takes all its rows and emits at most one change: `+I` for a new group, `-U`/`+U` when its
//! result changed, `-D` when it emptied. Python is entered once per bundle.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;

use crate::fxhash::FxHashMap;

use super::py_aggregate::{PyAccumulator, PyAggCall};
use super::{decimal, row_pool, ScalarFn};
use crate::error::{JobError, Result};
use crate::operator::{Operator, StateDeclaration};
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// `FIRST_VALUE(x)` / `LAST_VALUE(x)`: the first / last non-NULL value in arrival order.
    FirstValue,
    LastValue,
    /// `LISTAGG(x [, sep])`: the non-NULL values in arrival order joined by the separator.
    ListAgg,
    /// Flink rewrites these over its internal WELFORD_M2 aggregate (Welford's online algorithm,
    /// with its reverse for retraction) and COUNT(x); the accumulator keeps the same mean and M2, so
    /// the results agree to the last bit.
    VarPop,
    VarSamp,
    StddevPop,
    StddevSamp,
}

/// One aggregate: its function, its compiled argument (`None` for `count(*)`), and whether it
/// computes in floating point (else in 64-bit integers).
pub struct AggSpec {
    kind: AggKind,
    arg: Option<ScalarFn>,
    float: bool,
    /// AVG over DECIMAL: the result has this many more decimal places than the argument.
    avg_shift: Option<u32>,
    distinct: bool,
    /// SUM/AVG over DECIMAL values (unscaled `i128`s).
    decimal: bool,
    /// A Python aggregate function (the other fields unused).
    python: Option<PyAggCall>,
    /// A Python aggregate function of a ROW result (`group_by(...).aggregate(f)`): its value is this
    /// many columns of the projection's input (NULLs when `get_value` returned None).
    expand: Option<usize>,
    /// A Python table aggregate function (`flat_aggregate(f)`): its rows come from `emit_value`.
    table: bool,
    /// LISTAGG's separator.
    separator: String,
    /// `FILTER (WHERE cond)`: rows where `cond` is not TRUE are not taken (nor retracted).
    filter: Option<ScalarFn>,
    /// VAR_*/STDDEV_* as Calcite reduces them in OVER aggregates (Flink's WELFORD_M2 rewrite is
    /// for group aggregates only): from SUM(x*x), SUM(x) and COUNT(x).
    squares: bool,
}

impl AggSpec {
    pub fn new(kind: AggKind, arg: Option<ScalarFn>, float: bool) -> Self {
        AggSpec {
            kind,
            arg,
            float,
            avg_shift: None,
            distinct: false,
            decimal: false,
            python: None,
            expand: None,
            table: false,
            separator: ",".into(),
            squares: false,
            filter: None,
        }
    }

    /// `FILTER (WHERE cond)`.
    pub fn filter(mut self, cond: ScalarFn) -> Self {
        self.filter = Some(cond);
        self
    }

    /// In an OVER aggregate: variances from sums of squares (see `squares`).
    pub fn over_window(mut self) -> Self {
        self.squares = true;
        self
    }

    /// LISTAGG's separator (`,` unless given).
    pub fn separator(mut self, separator: &str) -> Self {
        self.separator = separator.into();
        self
    }

    /// A Python table aggregate function (`flat_aggregate`): the group's rows are what
    /// `emit_value(acc)` yields, each a ROW of `expand` columns.
    pub fn table_aggregate(mut self) -> Self {
        self.table = true;
        self
    }

    /// A table aggregate function's rows for `acc`.
    fn emitted(&self, acc: &Acc) -> Result<Vec<Value>> {
        match (&self.python, &acc.py) {
            (Some(call), Some(py_acc)) => call.emit_rows(py_acc),
            (Some(call), None) => call.emit_rows(&call.create()?),
            (None, _) => Ok(Vec::new()),
        }
    }

    /// The aggregate's ROW value is `width` columns of the projection's input.
    pub fn expand(mut self, width: usize) -> Self {
        self.expand = Some(width);
        self
    }

    /// `value` as the columns it is in the projection's input (a ROW value spread when `expand`).
    fn push_columns(&self, value: Value, into: &mut Vec<Value>) {
        match (self.expand, value) {
            (Some(_), Value::Row(row)) => into.extend(row.fields),
            (Some(width), _) => into.extend(std::iter::repeat_n(Value::Null, width)),
            (None, value) => into.push(value),
        }
    }

    /// A Python aggregate function call.
    pub fn python(call: PyAggCall) -> Self {
        let mut spec = AggSpec::new(AggKind::Count, None, false);
        spec.python = Some(call);
        spec
    }

    pub fn is_python(&self) -> bool {
        self.python.is_some()
    }

    /// AVG of a DECIMAL column, its result `shift` decimal places finer (rounded HALF_UP).
    pub fn decimal_avg(mut self, shift: u32) -> Self {
        self.avg_shift = Some(shift);
        self.decimal = true;
        self
    }

    /// SUM (or MIN/MAX) of a DECIMAL column.
    pub fn decimal(mut self) -> Self {
        self.decimal = true;
        self
    }

    /// Whether the accumulator takes retractions exactly as Flink's does (COUNT, SUM, AVG and the
    /// variances; not MIN/MAX, FIRST_VALUE/LAST_VALUE/LISTAGG, DISTINCT or Python functions, whose
    /// retractable versions keep every value).
    pub(super) fn retractable(&self) -> bool {
        self.python.is_none()
            && !self.distinct
            && matches!(
                self.kind,
                AggKind::Count | AggKind::Sum | AggKind::Avg | AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp
            )
    }

    /// `AGG(DISTINCT x)`: each distinct value counts once.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }
}

/// One aggregate's accumulator: count of non-NULL inputs, their integer or float sum, and for
/// MIN/MAX the current extreme (insert-only).
#[derive(Debug, Clone, Default)]
pub(super) struct Acc {
    count: i64,
    int_sum: i64,
    float_sum: f64,
    extreme: Option<Value>,
    dec_sum: i128,
    /// For DISTINCT aggregates: how many times each value is currently present.
    seen: Option<HashMap<Value, i64>>,
    /// A Python aggregate function's accumulator object.
    py: Option<PyAccumulator>,
    /// Welford's running mean and sum of squared deviations (VAR_*/STDDEV_*); `count` is its `n`.
    mean: f64,
    /// The sum of squares (VAR_*/STDDEV_* in OVER aggregates; `float_sum` is the sum).
    sq_sum: f64,
    m2: f64,
    /// LISTAGG's text so far.
    text: Option<String>,
}

/// How two values of one SQL type order (values of other kinds tie).
pub(crate) fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Timestamp(x), Value::Timestamp(y)) | (Value::Date(x), Value::Date(y)) | (Value::Time(x), Value::Time(y)) => {
            x.cmp(y)
        }
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Bytes(_), Value::Bytes(_)) => decimal::from_value(a).cmp(&decimal::from_value(b)),
        _ => Ordering::Equal,
    }
}

impl AggSpec {
    pub(super) fn update(&self, acc: &mut Acc, row: &[Value], retract: bool) -> Result<()> {
        if let Some(call) = &self.python {
            let py_acc = match acc.py.take() {
                Some(a) => a,
                None => call.create()?,
            };
            let result = call.update(&py_acc, row, retract);
            acc.py = Some(py_acc);
            return result;
        }
        if let Some(cond) = &self.filter {
            if !matches!(cond(row), Value::Bool(true)) {
                return Ok(());
            }
        }
        let value = match &self.arg {
            Some(arg) => arg(row),
            None => Value::Int(1),
        };
        if matches!(value, Value::Null) {
            return Ok(());
        }
        if self.distinct {
            let seen = acc.seen.get_or_insert_with(HashMap::new);
            let n = seen.entry(value.clone()).or_insert(0);
            *n += if retract { -1 } else { 1 };
            let present = *n;
            if present <= 0 {
                seen.remove(&value);
            }
            // Only the first arrival and the last departure of a value change the aggregate.
            if (!retract && present != 1) || (retract && present != 0) {
                return Ok(());
            }
        }
        let sign = if retract { -1 } else { 1 };
        acc.count += sign;
        match (self.kind, &value) {
            (AggKind::Count, _) => {}
            (AggKind::FirstValue | AggKind::LastValue | AggKind::ListAgg, v) => {
                if retract {
                    return Err(JobError::User(
                        "FIRST_VALUE/LAST_VALUE/LISTAGG over an updating input is not supported by sluice yet".into(),
                    ));
                }
                match self.kind {
                    AggKind::FirstValue if acc.extreme.is_some() => {}
                    AggKind::FirstValue | AggKind::LastValue => acc.extreme = Some(v.clone()),
                    _ => {
                        let piece = match v {
                            Value::Str(s) => s,
                            _ => return Ok(()),
                        };
                        match &mut acc.text {
                            Some(text) => {
                                text.push_str(&self.separator);
                                text.push_str(piece);
                            }
                            None => acc.text = Some(piece.to_string()),
                        }
                    }
                }
            }
            (AggKind::Min | AggKind::Max, v) => {
                if retract {
                    return Err(JobError::User(
                        "MIN/MAX over an updating input is not supported by sluice yet".into(),
                    ));
                }
                let better = match &acc.extreme {
                    None => true,
                    Some(current) => {
                        let ord = compare(v, current);
                        (self.kind == AggKind::Min && ord == Ordering::Less)
                            || (self.kind == AggKind::Max && ord == Ordering::Greater)
                    }
                };
                if better {
                    acc.extreme = Some(v.clone());
                }
            }
            (_, Value::Bytes(_)) if self.decimal => {
                let v = decimal::from_value(&value).unwrap_or(0);
                acc.dec_sum = acc.dec_sum.wrapping_add(v.wrapping_mul(i128::from(sign)));
            }
            (_, Value::Int(i)) => {
                acc.int_sum = acc.int_sum.wrapping_add(i.wrapping_mul(sign));
                acc.float_sum += (*i as f64) * sign as f64;
            }
            (AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp, v) => {
                let x = match v {
                    Value::Float(x) => *x,
                    Value::Int(i) => *i as f64,
                    _ => return Ok(()),
                };
                if self.squares {
                    acc.float_sum += x * sign as f64;
                    acc.sq_sum += x * x * sign as f64;
                } else {
                    welford(acc, x, retract);
                }
            }
            (_, Value::Float(x)) => acc.float_sum += x * sign as f64,
            _ => {}
        }
        Ok(())
    }

    /// The aggregate's current value (a Python function's `get_value`).
    pub(super) fn current(&self, acc: &Acc) -> Result<Value> {
        match (&self.python, &acc.py) {
            (Some(call), Some(py_acc)) => call.value(py_acc),
            (Some(call), None) => call.value(&call.create()?),
            (None, _) => Ok(self.value(acc)),
        }
    }

    /// A Python function's value of a fresh accumulator into which `accs` were merged in order
    /// (`create_accumulator`, `merge` each, `get_value`), as PyFlink's sliding group window computes
    /// a window's result from its panes'.
    pub(super) fn merged<'a>(&self, accs: impl Iterator<Item = &'a Acc>) -> Result<Value> {
        let Some(call) = &self.python else {
            return Ok(Value::Null);
        };
        let fresh = call.create()?;
        for py_acc in accs.filter_map(|a| a.py.as_ref()) {
            call.merge(&fresh, py_acc)?;
        }
        call.value(&fresh)
    }

    /// Whether this built-in aggregate's merge shows in its result (LISTAGG's order, the variances'
    /// rounding), so that sliding windows compute it from slices or panes as Flink does.
    pub(super) fn merges(&self) -> bool {
        self.python.is_none()
            && matches!(self.kind, AggKind::ListAgg | AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp)
    }

    /// The value of a fresh accumulator into which `accs` were merged in order, with Flink's merges:
    /// ListAggFunction's `acc || separator || other` and WelfordM2AggFunction's combination of
    /// counts, means and M2s.
    pub(super) fn merged_builtin<'a>(&self, accs: impl Iterator<Item = &'a Acc>) -> Value {
        let mut target = Acc::default();
        for other in accs {
            if self.kind == AggKind::ListAgg {
                target.count += other.count;
                match (&mut target.text, &other.text) {
                    (_, None) => {}
                    (None, Some(text)) => target.text = Some(text.clone()),
                    (Some(text), Some(more)) => {
                        text.push_str(&self.separator);
                        text.push_str(more);
                    }
                }
                continue;
            }
            if other.count <= 0 {
                continue;
            }
            if target.count == 0 {
                target.count = other.count;
                target.mean = other.mean;
                target.m2 = other.m2;
                continue;
            }
            let count = target.count + other.count;
            let delta = other.mean - target.mean;
            let mean = target.mean + other.count as f64 / count as f64 * delta;
            let m2 = target.m2 + other.m2 + target.count as f64 * other.count as f64 / count as f64 * delta * delta;
            target.count = count;
            target.mean = mean;
            target.m2 = m2;
        }
        self.value(&target)
    }

    /// A Python aggregate function's `merge(acc, [other])` (nothing for built-in aggregates).
    pub(super) fn merge(&self, acc: &mut Acc, other: &Acc) -> Result<()> {
        let (Some(call), Some(other)) = (&self.python, &other.py) else {
            return Ok(());
        };
        let target = match acc.py.take() {
            Some(a) => a,
            None => call.create()?,
        };
        let result = call.merge(&target, other);
        acc.py = Some(target);
        result
    }

    /// A Python aggregate function's `open(function_context)`.
    pub(super) fn open(&self) -> Result<()> {
        self.python.as_ref().map_or(Ok(()), PyAggCall::open)
    }

    /// A Python aggregate function's `close()`.
    pub(super) fn close(&self) -> Result<()> {
        self.python.as_ref().map_or(Ok(()), PyAggCall::close)
    }

    pub(super) fn value(&self, acc: &Acc) -> Value {
        match self.kind {
            AggKind::Count => Value::Int(acc.count),
            _ if acc.count == 0 => Value::Null,
            AggKind::Sum if self.float => Value::Float(acc.float_sum),
            AggKind::Sum if self.decimal => decimal::to_value(Some(acc.dec_sum)),
            AggKind::Sum => Value::Int(acc.int_sum),
            AggKind::Avg if self.float => Value::Float(acc.float_sum / acc.count as f64),
            AggKind::Avg if self.decimal => {
                let shift = self.avg_shift.unwrap_or(0);
                decimal::to_value(decimal::dec_div(Some(acc.dec_sum), Some(i128::from(acc.count)), 0, 0, 38, shift))
            }
            AggKind::Avg => Value::Int(acc.int_sum / acc.count),
            AggKind::Min | AggKind::Max | AggKind::FirstValue | AggKind::LastValue => {
                acc.extreme.clone().unwrap_or(Value::Null)
            }
            AggKind::ListAgg => acc.text.as_deref().map_or(Value::Null, Value::str),
            AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp => {
                // Flink's rewrite: WELFORD_M2(x) / COUNT(x) (or COUNT(x) - 1, NULL for a single
                // value), square-rooted by POWER(_, 0.5); WELFORD_M2 is NULL when negative.
                // In OVER aggregates, Calcite's reduction: SUM(x*x) - SUM(x)*SUM(x)/COUNT(x) in
                // place of M2.
                let n = acc.count as f64;
                let m2 = if self.squares { acc.sq_sum - acc.float_sum * acc.float_sum / n } else { acc.m2 };
                if m2 < 0.0 && !self.squares {
                    return Value::Null;
                }
                let variance = match self.kind {
                    AggKind::VarPop | AggKind::StddevPop => m2 / n,
                    _ if acc.count == 1 => return Value::Null,
                    _ => m2 / (n - 1.0),
                };
                match self.kind {
                    AggKind::StddevPop | AggKind::StddevSamp => Value::Float(variance.powf(0.5)),
                    _ => Value::Float(variance),
                }
            }
        }
    }
}

/// One step of Welford's online algorithm (or of its reverse) with `acc.count` already moved to
/// the new `n`, as Flink's WelfordM2AggFunction.
fn welford(acc: &mut Acc, x: f64, retract: bool) {
    let n = acc.count as f64;
    if acc.count <= 0 {
        // Flink keeps counting but skips the update; only a retraction reaching zero resets.
        if retract && acc.count == 0 {
            acc.mean = 0.0;
            acc.m2 = 0.0;
        }
        return;
    }
    if retract {
        let delta2 = x - acc.mean;
        acc.mean -= delta2 / n;
        let delta = x - acc.mean;
        acc.m2 -= delta * delta2;
    } else {
        let delta = x - acc.mean;
        acc.mean += delta / n;
        let delta2 = x - acc.mean;
        acc.m2 += delta * delta2;
    }
}

struct Group {
    accs: Vec<Acc>,
    /// Rows accumulated minus rows retracted (Flink's hidden count(*)).
    rows: i64,
    /// The aggregate values last emitted.
    previous: Vec<Value>,
}

/// PyFlink's bundle size (`python.fn-execution.bundle.size`) and time (`python.fn-execution.bundle.time`).
pub(super) const BUNDLE_SIZE: usize = 100_000;
pub(super) const BUNDLE_MILLIS: i64 = 1_000;

/// Rows buffered for a bundle, by key in order of first arrival.
#[derive(Default)]
struct Bundle {
    order: Vec<Vec<Value>>,
    rows: HashMap<Vec<Value>, Vec<(RowKind, Vec<Value>)>>,
    count: usize,
    started: i64,
}

/// The keyed state: groups live in a slab and the map holds their slots, so a row finds its group
/// with one hash lookup by a borrowed key and updates it in place (no remove and re-insert); the
/// slots of emptied groups are reused.
#[derive(Default)]
struct Groups {
    slots: FxHashMap<Vec<Value>, usize>,
    slab: Vec<Group>,
    free: Vec<usize>,
}

impl Groups {
    fn insert(&mut self, key: &[Value], width: usize) -> usize {
        let group = Group {
            accs: vec![Acc::default(); width],
            rows: 0,
            previous: Vec::with_capacity(width),
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot] = group;
                slot
            }
            None => {
                self.slab.push(group);
                self.slab.len() - 1
            }
        };
        self.slots.insert(key.to_vec(), slot);
        slot
    }

    fn remove(&mut self, key: &[Value], slot: usize) {
        self.slots.remove(key);
        self.slab[slot].accs.clear();
        self.slab[slot].previous.clear();
        self.free.push(slot);
    }
}

/// Buffers reused from row to row (the operator allocates only the rows it emits).
#[derive(Default)]
struct Scratch {
    key: Vec<Value>,
    values: Vec<Value>,
}

/// Builds the changelog rows: the projection over `[keys..., aggregates...]`.
struct ChangeRows {
    projection: Vec<ScalarFn>,
    /// The projection is the identity (see [`GroupAggregate::identity_projection`]).
    identity: bool,
    /// `[keys..., values...]`, what the projection reads.
    input: Vec<Value>,
}

impl ChangeRows {
    /// One changelog row, in `spare`'s allocation if given; with `last`, `key`'s values are moved
    /// into it (leaving `key` empty) instead of copied.
    fn change(&mut self, kind: RowKind, key: &mut Vec<Value>, values: &[Value], spare: Option<Box<Row>>, last: bool) -> Record {
        let mut row = match spare {
            Some(mut row) => {
                row.kind = kind;
                row.fields.clear();
                row
            }
            None => Box::new(Row { kind, fields: Vec::with_capacity(key.len() + values.len()) }),
        };
        let target = if self.identity { &mut row.fields } else { &mut self.input };
        target.clear();
        if last {
            target.append(key);
        } else {
            target.extend_from_slice(key);
        }
        target.extend_from_slice(values);
        if !self.identity {
            let input = &self.input;
            row.fields.extend(self.projection.iter().map(|f| f(input)));
        }
        Record::new(Value::Row(row))
    }
}

pub struct GroupAggregate {
    keys: Vec<ScalarFn>,
    /// The keys are these columns of the input row, as they are (see [`GroupAggregate::key_columns`]).
    key_columns: Option<Range<usize>>,
    aggs: Vec<AggSpec>,
    rows: ChangeRows,
    groups: Groups,
    /// `Some` when a Python aggregate function runs here (bundled processing).
    bundle: Option<Bundle>,
    /// Whether an update emits `-U` before `+U`: Flink's planner drops `-U` when no consumer needs
    /// it (a sink taking updates as upserts, such as blackhole), and so does the compiler.
    update_before: bool,
    scratch: Scratch,
    /// `python.fn-execution.bundle.size` and `.time` (milliseconds).
    bundle_size: usize,
    bundle_millis: i64,
}

impl GroupAggregate {
    pub fn new(keys: Vec<ScalarFn>, aggs: Vec<AggSpec>, projection: Vec<ScalarFn>) -> Self {
        let bundle = aggs.iter().any(AggSpec::is_python).then(Bundle::default);
        GroupAggregate {
            keys,
            key_columns: None,
            aggs,
            rows: ChangeRows { projection, identity: false, input: Vec::new() },
            groups: Groups::default(),
            bundle,
            update_before: true,
            scratch: Scratch::default(),
            bundle_size: BUNDLE_SIZE,
            bundle_millis: BUNDLE_MILLIS,
        }
    }

    /// The job's `python.fn-execution.bundle.size` and `python.fn-execution.bundle.time`.
    pub fn bundle(mut self, size: u64, millis: u64) -> Self {
        self.bundle_size = (size as usize).max(1);
        self.bundle_millis = millis as i64;
        self
    }

    /// The projection is the identity over `[keys..., aggregates...]`: rows are built without it.
    pub fn identity_projection(mut self) -> Self {
        self.rows.identity = true;
        self
    }

    /// The keys are the input's columns `columns` as they are (adjacent, in order): a row's group
    /// is found by them in place, without computing the keys.
    pub fn key_columns(mut self, columns: Vec<usize>) -> Self {
        let adjacent = columns.windows(2).all(|w| w[1] == w[0] + 1);
        if let (Some(&first), true, true) = (columns.first(), adjacent, columns.len() == self.keys.len()) {
            self.key_columns = Some(first..first + columns.len());
        }
        self
    }

    /// Updates emit only `+U` (Flink's `generateUpdateBefore = false`).
    pub fn without_update_before(mut self) -> Self {
        self.update_before = false;
        self
    }

    /// One key's rows (one row per call without Python aggregates; a bundle's rows with them): at most
    /// one change of the key's result is emitted.
    fn process_rows<R: AsRef<[Value]>>(&mut self, mut key: Vec<Value>, rows: &[(RowKind, R)], out: &mut Batch) -> Result<()> {
        if self.aggs.len() == 1 && self.aggs[0].table {
            return self.process_table_rows(key, rows, out);
        }
        match self.accumulate(&key, rows)? {
            Some((slot, first)) => self.emit_change(&mut key, slot, first, None, out),
            None => Ok(()),
        }
    }

    /// A table aggregate (PyFlink's GroupTableAggFunction): the group's previous rows are retracted
    /// (`-D`, from `emit_value` of the accumulator before these rows), then its new rows inserted,
    /// whether or not they changed; an emptied group is dropped.
    fn process_table_rows<R: AsRef<[Value]>>(&mut self, mut key: Vec<Value>, rows: &[(RowKind, R)], out: &mut Batch) -> Result<()> {
        let spec = &self.aggs[0];
        if let Some(&slot) = self.groups.slots.get(&key[..]) {
            for row in spec.emitted(&self.groups.slab[slot].accs[0])? {
                let mut values = Vec::new();
                spec.push_columns(row, &mut values);
                out.push(self.rows.change(RowKind::Delete, &mut key, &values, None, false));
            }
        }
        let Some((slot, _)) = self.accumulate(&key, rows)? else {
            return Ok(());
        };
        if self.groups.slab[slot].rows <= 0 {
            self.groups.remove(&key, slot);
            return Ok(());
        }
        let spec = &self.aggs[0];
        for row in spec.emitted(&self.groups.slab[slot].accs[0])? {
            let mut values = Vec::new();
            spec.push_columns(row, &mut values);
            out.push(self.rows.change(RowKind::Insert, &mut key, &values, None, false));
        }
        Ok(())
    }

    /// Applies `rows` to the key's group (created if new); `None` when they only retract a group
    /// that is not (or no longer) in state, which Flink drops. Else the group's slot, and whether it
    /// is new.
    fn accumulate<R: AsRef<[Value]>>(&mut self, key: &[Value], rows: &[(RowKind, R)]) -> Result<Option<(usize, bool)>> {
        let is_retract = |kind: &RowKind| matches!(kind, RowKind::UpdateBefore | RowKind::Delete);
        let (slot, first, rows) = match self.groups.slots.get(key) {
            Some(&slot) => (slot, false, rows),
            None => {
                let start = rows.iter().take_while(|(kind, _)| is_retract(kind)).count();
                if start == rows.len() {
                    return Ok(None);
                }
                (self.groups.insert(key, self.aggs.len()), true, &rows[start..])
            }
        };
        let group = &mut self.groups.slab[slot];
        for (kind, fields) in rows {
            let retract = is_retract(kind);
            for (spec, acc) in self.aggs.iter().zip(group.accs.iter_mut()) {
                spec.update(acc, fields.as_ref(), retract)?;
            }
            group.rows += if retract { -1 } else { 1 };
        }
        Ok(Some((slot, first)))
    }

    /// Emits the change of the group in `slot` (`+I` if `first`, `-U`/`+U` if its result changed,
    /// `-D` if it emptied); the first row emitted reuses `spare`'s allocation, and the last takes
    /// the values of `key` (left empty) rather than copies of them.
    fn emit_change(&mut self, key: &mut Vec<Value>, slot: usize, first: bool, mut spare: Option<Box<Row>>, out: &mut Batch) -> Result<()> {
        let group = &mut self.groups.slab[slot];
        let mut values = std::mem::take(&mut self.scratch.values);
        values.clear();
        for (spec, acc) in self.aggs.iter().zip(&group.accs) {
            spec.push_columns(spec.current(acc)?, &mut values);
        }
        let rows = &mut self.rows;
        if group.rows <= 0 {
            let previous = std::mem::take(&mut group.previous);
            self.groups.remove(key, slot);
            if first {
                if let Some(row) = spare {
                    row_pool::give(row);
                }
            } else {
                out.push(rows.change(RowKind::Delete, key, &previous, spare, true));
            }
            self.scratch.values = values;
            return Ok(());
        }
        if first {
            out.push(rows.change(RowKind::Insert, key, &values, spare, true));
        } else if values != group.previous {
            if self.update_before {
                out.push(rows.change(RowKind::UpdateBefore, key, &group.previous, spare.take(), false));
            }
            out.push(rows.change(RowKind::UpdateAfter, key, &values, spare, true));
        } else {
            if let Some(row) = spare {
                row_pool::give(row);
            }
            self.scratch.values = values;
            return Ok(());
        }
        // The values emitted are the group's previous ones now; its old vector is the next scratch.
        self.scratch.values = std::mem::replace(&mut group.previous, values);
        Ok(())
    }

    /// One input row (without Python aggregates); its allocation is reused for the row emitted.
    fn process_record(&mut self, record: Record, key: &mut Vec<Value>, out: &mut Batch) -> Result<()> {
        let mut row = match record.value {
            Value::Row(row) => row,
            other => Box::new(Row { kind: RowKind::Insert, fields: vec![other] }),
        };
        let changed = match self.key_columns.clone() {
            // Keys that are columns of the row are looked up where they are, then moved out of it.
            Some(columns) if columns.end <= row.fields.len() => {
                let changed = self.accumulate(&row.fields[columns.clone()], &[(row.kind, row.fields.as_slice())])?;
                if changed.is_some() {
                    key.clear();
                    key.extend(row.fields[columns].iter_mut().map(std::mem::take));
                }
                changed
            }
            _ => {
                key.clear();
                key.extend(self.keys.iter().map(|f| f(&row.fields)));
                self.accumulate(key, &[(row.kind, row.fields.as_slice())])?
            }
        };
        match changed {
            Some((slot, first)) => self.emit_change(key, slot, first, Some(row), out),
            None => {
                row_pool::give(row);
                Ok(())
            }
        }
    }

    /// Processes the buffered bundle, key by key, inside one Python entry.
    fn finish_bundle(&mut self, out: &mut Batch) -> Result<()> {
        let Some(bundle) = self.bundle.as_mut() else {
            return Ok(());
        };
        if bundle.count == 0 {
            return Ok(());
        }
        let taken = std::mem::take(bundle);
        let Bundle { order, mut rows, .. } = taken;
        pyo3::Python::attach(|_py| {
            for key in order {
                let key_rows = rows.remove(&key).unwrap_or_default();
                self.process_rows(key, &key_rows, out)?;
            }
            Ok(())
        })
    }
}

/// A record's row kind and fields.
fn parts(record: Record) -> (RowKind, Vec<Value>) {
    record.into_row_parts()
}

impl Operator for GroupAggregate {
    fn name(&self) -> &str {
        if self.bundle.is_some() {
            "PythonGroupAggregate"
        } else {
            "GroupAggregate"
        }
    }

    fn declared_state(&self) -> Vec<StateDeclaration> {
        vec![StateDeclaration::Internal("group accumulators")]
    }

    /// A Python aggregate function's `open(function_context)`, once before the first row.
    fn on_start(&mut self) -> Result<()> {
        for spec in &self.aggs {
            if let Some(call) = &spec.python {
                call.open()?;
            }
        }
        Ok(())
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        if self.bundle.is_none() {
            let mut key = std::mem::take(&mut self.scratch.key);
            let result = input.into_iter().try_for_each(|record| self.process_record(record, &mut key, out));
            self.scratch.key = key;
            return result;
        }
        let size = self.bundle_size;
        for record in input {
            let (kind, fields) = parts(record);
            let key: Vec<Value> = self.keys.iter().map(|f| f(&fields)).collect();
            let Some(bundle) = self.bundle.as_mut() else { break };
            if bundle.count == 0 {
                bundle.started = crate::operator::now_millis();
            }
            bundle.count += 1;
            match bundle.rows.get_mut(&key) {
                Some(rows) => rows.push((kind, fields)),
                None => {
                    bundle.order.push(key.clone());
                    bundle.rows.insert(key, vec![(kind, fields)]);
                }
            }
            // A full bundle is processed at once, as PyFlink finishes it at its size.
            if bundle.count >= size {
                self.finish_bundle(out)?;
            }
        }
        Ok(())
    }

    /// Only the final watermark finishes the bundle: PyFlink's Python operators hold the others back
    /// until the bundle in progress finishes by its size or time.
    fn on_watermark(&mut self, watermark: i64, out: &mut Batch) -> Result<()> {
        if watermark == i64::MAX {
            self.finish_bundle(out)?;
        }
        Ok(())
    }

    fn on_processing_time(&mut self, now: i64, out: &mut Batch) -> Result<()> {
        let due = self.bundle.as_ref().is_some_and(|b| b.count > 0 && now - b.started >= self.bundle_millis);
        if due {
            self.finish_bundle(out)?;
        }
        Ok(())
    }

    fn on_close(&mut self, out: &mut Batch) -> Result<()> {
        self.finish_bundle(out)?;
        for spec in &self.aggs {
            if let Some(call) = &spec.python {
                call.close()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_support::{column, row};

    fn kinds_and_fields(batch: &Batch) -> Vec<(RowKind, Vec<Value>)> {
        batch
            .iter()
            .filter_map(|r| match &r.value {
                Value::Row(row) => Some((row.kind, row.fields.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn changelog_of_count_and_sum_with_retraction() {
        let mut agg = GroupAggregate::new(
            vec![column(0)],
            vec![
                AggSpec::new(AggKind::Count, None, false),
                AggSpec::new(AggKind::Sum, Some(column(1)), false),
            ],
            vec![column(0), column(1), column(2)],
        );
        let a = Value::str("a");
        let mut out = Vec::new();
        agg.process(
            vec![
                row(RowKind::Insert, vec![a.clone(), Value::Int(2)]),
                row(RowKind::Insert, vec![a.clone(), Value::Int(3)]),
                row(RowKind::Delete, vec![a.clone(), Value::Int(2)]),
                row(RowKind::Delete, vec![a.clone(), Value::Int(3)]),
            ],
            &mut out,
        )
        .expect("runs");
        let got = kinds_and_fields(&out);
        let expect = vec![
            (
                RowKind::Insert,
                vec![a.clone(), Value::Int(1), Value::Int(2)],
            ),
            (
                RowKind::UpdateBefore,
                vec![a.clone(), Value::Int(1), Value::Int(2)],
            ),
            (
                RowKind::UpdateAfter,
                vec![a.clone(), Value::Int(2), Value::Int(5)],
            ),
            (
                RowKind::UpdateBefore,
                vec![a.clone(), Value::Int(2), Value::Int(5)],
            ),
            (
                RowKind::UpdateAfter,
                vec![a.clone(), Value::Int(1), Value::Int(3)],
            ),
            (
                RowKind::Delete,
                vec![a.clone(), Value::Int(1), Value::Int(3)],
            ),
        ];
        assert_eq!(got, expect);
    }

    #[test]
    fn variance_retracts_to_empty_and_a_single_value_has_no_sample_variance() {
        let pop = AggSpec::new(AggKind::VarPop, Some(column(0)), true);
        let samp = AggSpec::new(AggKind::VarSamp, Some(column(0)), true);
        let mut acc = Acc::default();
        for x in [2.5, 4.0] {
            pop.update(&mut acc, &[Value::Float(x)], false).expect("accumulates");
        }
        assert_eq!(pop.value(&acc), Value::Float(0.5625));
        pop.update(&mut acc, &[Value::Float(4.0)], true).expect("retracts");
        assert_eq!(pop.value(&acc), Value::Float(0.0));
        assert_eq!(samp.value(&acc), Value::Null);
        pop.update(&mut acc, &[Value::Float(2.5)], true).expect("retracts");
        assert_eq!(pop.value(&acc), Value::Null);
        assert_eq!((acc.mean, acc.m2), (0.0, 0.0));
    }

    #[test]
    fn listagg_slices_merge_in_the_order_given_with_the_separator() {
        let spec = AggSpec::new(AggKind::ListAgg, Some(column(0)), false).separator("|");
        let mut first = Acc::default();
        let mut second = Acc::default();
        for s in ["a", "b"] {
            spec.update(&mut first, &[Value::str(s)], false).expect("accumulates");
        }
        spec.update(&mut second, &[Value::str("c")], false).expect("accumulates");
        spec.update(&mut second, &[Value::Null], false).expect("skips NULL");
        assert_eq!(spec.value(&first), Value::str("a|b"));
        assert_eq!(spec.merged_builtin([&second, &first].into_iter()), Value::str("c|a|b"));
        assert_eq!(spec.merged_builtin(std::iter::empty()), Value::Null);
    }

    #[test]
    fn filter_keeps_only_rows_whose_condition_is_true() {
        let spec = AggSpec::new(AggKind::Count, None, false).filter(column(1));
        let mut acc = Acc::default();
        for cond in [Value::Bool(true), Value::Bool(false), Value::Null, Value::Bool(true)] {
            spec.update(&mut acc, &[Value::Int(1), cond], false).expect("accumulates");
        }
        assert_eq!(spec.value(&acc), Value::Int(2));
        spec.update(&mut acc, &[Value::Int(1), Value::Bool(false)], true).expect("retracts");
        assert_eq!(spec.value(&acc), Value::Int(2));
    }
}
