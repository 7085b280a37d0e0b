//! `group_by(...).select(aggregates)`: a retracting group aggregate with Flink's changelog.
//!
//! Per input row (as Flink's GroupAggFunction without mini-batch): the group's accumulators take the
//! row (accumulate for +I/+U, retract for -U/-D); a new group emits `+I`, a changed group `-U` of its
//! previous result then `+U` of the new one, an unchanged result nothing, and a group whose last row
//! was retracted `-D`. The projection runs over `[keys..., aggregate values...]`.
//!
//! With a Python aggregate function among the aggregates the operator works as PyFlink's Python group
//! aggregate does: rows are buffered per key for a bundle (until 100000 rows, a second of wall clock,
//! a watermark, a checkpoint or the end of input), then each key (in order of first arrival in the
//! bundle) takes all its rows and emits at most one change: `+I` for a new group, `-U`/`+U` when its
//! result changed, `-D` when it emptied. Python is entered once per bundle.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::fxhash::FxHashMap;

use super::py_aggregate::{PyAccumulator, PyAggCall};
use super::{decimal, ScalarFn};
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
        }
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
}

pub(super) fn compare(a: &Value, b: &Value) -> Ordering {
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
        let value = match &self.arg {
            Some(arg) => arg(row),
            None => Value::Int(1),
        };
        if value == Value::Null {
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
            AggKind::Min | AggKind::Max => acc.extreme.clone().unwrap_or(Value::Null),
        }
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
const BUNDLE_SIZE: usize = 100_000;
const BUNDLE_MILLIS: i64 = 1_000;

/// Rows buffered for a bundle, by key in order of first arrival.
#[derive(Default)]
struct Bundle {
    order: Vec<Vec<Value>>,
    rows: HashMap<Vec<Value>, Vec<(RowKind, Vec<Value>)>>,
    count: usize,
    started: i64,
}

pub struct GroupAggregate {
    keys: Vec<ScalarFn>,
    aggs: Vec<AggSpec>,
    projection: Vec<ScalarFn>,
    /// The keyed state: each group's accumulators.
    groups: FxHashMap<Vec<Value>, Group>,
    /// `Some` when a Python aggregate function runs here (bundled processing).
    bundle: Option<Bundle>,
    /// `python.fn-execution.bundle.size` and `.time` (milliseconds).
    bundle_size: usize,
    bundle_millis: i64,
}

impl GroupAggregate {
    pub fn new(keys: Vec<ScalarFn>, aggs: Vec<AggSpec>, projection: Vec<ScalarFn>) -> Self {
        let bundle = aggs.iter().any(AggSpec::is_python).then(Bundle::default);
        GroupAggregate {
            keys,
            aggs,
            projection,
            groups: FxHashMap::default(),
            bundle,
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

    fn emit(&self, kind: RowKind, key: &[Value], values: &[Value], out: &mut Batch) {
        let mut input = Vec::with_capacity(key.len() + values.len());
        input.extend_from_slice(key);
        for (value, spec) in values.iter().zip(&self.aggs) {
            match (spec.expand, value) {
                (Some(_), Value::Row(row)) => input.extend_from_slice(&row.fields),
                (Some(width), _) => input.extend(std::iter::repeat_n(Value::Null, width)),
                (None, value) => input.push(value.clone()),
            }
        }
        let fields = self.projection.iter().map(|f| f(&input)).collect();
        out.push(Record::new(Value::Row(Box::new(Row { kind, fields }))));
    }

    /// One key's rows (one row per call without Python aggregates; a bundle's rows with them): at most
    /// one change of the key's result is emitted.
    fn process_rows(&mut self, key: Vec<Value>, rows: &[(RowKind, Vec<Value>)], out: &mut Batch) -> Result<()> {
        let is_retract = |kind: &RowKind| matches!(kind, RowKind::UpdateBefore | RowKind::Delete);
        let (mut group, first, rows) = match self.groups.remove(&key) {
            Some(group) => (group, false, rows),
            None => {
                // A retraction of a group not (or no longer) in state is dropped, as in Flink.
                let start = rows.iter().take_while(|(kind, _)| is_retract(kind)).count();
                if start == rows.len() {
                    return Ok(());
                }
                let group = Group {
                    accs: vec![Acc::default(); self.aggs.len()],
                    rows: 0,
                    previous: Vec::new(),
                };
                (group, true, &rows[start..])
            }
        };
        // A table aggregate (PyFlink's GroupTableAggFunction): the group's previous rows are
        // retracted (`-D`, from `emit_value` of the accumulator before this bundle's rows), then its
        // new rows inserted, whether or not they changed.
        let table = self.aggs.len() == 1 && self.aggs[0].table;
        if table && !first {
            for row in self.aggs[0].emitted(&group.accs[0])? {
                self.emit(RowKind::Delete, &key, &[row], out);
            }
        }
        for (kind, fields) in rows {
            let retract = is_retract(kind);
            for (spec, acc) in self.aggs.iter().zip(group.accs.iter_mut()) {
                spec.update(acc, fields, retract)?;
            }
            group.rows += if retract { -1 } else { 1 };
        }
        if table {
            if group.rows > 0 {
                for row in self.aggs[0].emitted(&group.accs[0])? {
                    self.emit(RowKind::Insert, &key, &[row], out);
                }
                self.groups.insert(key, group);
            }
            return Ok(());
        }
        let values = self
            .aggs
            .iter()
            .zip(&group.accs)
            .map(|(spec, acc)| spec.current(acc))
            .collect::<Result<Vec<Value>>>()?;
        if group.rows <= 0 {
            if !first {
                self.emit(RowKind::Delete, &key, &group.previous, out);
            }
            return Ok(());
        }
        if first {
            self.emit(RowKind::Insert, &key, &values, out);
        } else if values != group.previous {
            self.emit(RowKind::UpdateBefore, &key, &group.previous, out);
            self.emit(RowKind::UpdateAfter, &key, &values, out);
        }
        group.previous = values;
        self.groups.insert(key, group);
        Ok(())
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
            for record in input {
                let (kind, fields) = parts(record);
                let key: Vec<Value> = self.keys.iter().map(|f| f(&fields)).collect();
                self.process_rows(key, &[(kind, fields)], out)?;
            }
            return Ok(());
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

    fn on_watermark(&mut self, _watermark: i64, out: &mut Batch) -> Result<()> {
        self.finish_bundle(out)
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

    fn column(i: usize) -> ScalarFn {
        Box::new(move |r: &[Value]| r[i].clone())
    }

    fn row(kind: RowKind, fields: Vec<Value>) -> Record {
        Record::new(Value::Row(Box::new(Row { kind, fields })))
    }

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
}
