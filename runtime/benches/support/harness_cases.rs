//! The harness benchmark cases, shared by the criterion benchmark (`benches/harness.rs`, times) and
//! the instruction-count driver (`examples/harness_instructions.rs`, run under callgrind by
//! `bench/harness_instructions.sh`): 1,024 calls of `add(i, j)` per batch, as pure CPython loops and
//! through the runtime's own operators from Rust rows to Rust rows.

use std::ffi::CString;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sluice_runtime::operator::Operator;
use sluice_runtime::operators::PyMap;
use sluice_runtime::python::batch::map_calls;
use sluice_runtime::python::convert::{from_py, to_py_list};
use sluice_runtime::python::install_modules;
use sluice_runtime::python::repeats::PyInts;
use sluice_runtime::python::udf::PyFunction;
use sluice_runtime::record::{Batch, Record};
use sluice_runtime::table::{row_pool, PyScalarCall, ScalarFn, TableCalc};
use sluice_runtime::value::Value;
use sluice_types::TypeInfo;

pub const BATCH: usize = 1024;

/// The cases by name, in the order they are reported.
pub const CASES: &[(&str, &str)] = &[
    ("floor", "pure CPython loop over ints Python already holds (floor)"),
    ("floor_range", "pure CPython loop making its ints: for i in range(n): add(i, i)"),
    ("values", "harness: Rust values -> add(i, j) -> Rust values"),
    ("table_select", "harness: Table select(add(a, b)), rows in and out"),
    ("datastream_map", "harness: DataStream map(add_tuple) over tuples"),
    ("floor_tuples", "pure CPython loop calling add_tuple(t) over tuples it already holds (the map's floor)"),
    ("values_distinct", "harness: as values, no value ever repeating"),
    ("table_select_distinct", "harness: as table_select, no value ever repeating"),
];

/// Batch `n`'s (i, 2i) pairs: from 0 each batch (values repeat from batch to batch, as a column of
/// counts or sizes does), or from where the last batch ended (distinct: ids, timestamps).
fn pairs(first: i64) -> impl Iterator<Item = (i64, i64)> {
    (first..first + BATCH as i64).map(|i| (i, i * 2))
}

pub fn tuples() -> Batch {
    (0..BATCH as i64)
        .map(|i| Record { value: Value::Tuple(vec![Value::Int(i), Value::Int(i * 2)]), key: None, timestamp: None })
        .collect()
}

/// Table rows as a source makes them: from the row pool, to which the sink gives them back (so,
/// as in a pipeline, a row's allocation already has room for the Python function's result column).
pub fn rows(first: i64) -> Batch {
    pairs(first)
        .map(|(i, j)| {
            let mut row = row_pool::take();
            row.fields.extend([Value::Int(i), Value::Int(j)]);
            Record { value: Value::Row(row), key: None, timestamp: None }
        })
        .collect()
}

fn column(index: usize) -> ScalarFn {
    Box::new(move |fields: &[Value]| fields[index].clone())
}

/// The Python functions and operators of the cases, set up once.
pub struct Harness {
    add: Py<PyAny>,
    floor: Py<PyAny>,
    floor_range: Py<PyAny>,
    floor_tuples: Py<PyAny>,
    xs: Py<PyList>,
    /// The (i, 2i) pairs as Python tuples, for the tuple floor.
    ts: Py<PyList>,
    ys: Py<PyList>,
    values: Vec<[Value; 2]>,
    /// Where the next distinct batch starts.
    next_distinct: i64,
    /// Repeated integers as the same objects, per argument column, as the operators keep them.
    ints: [PyInts; 2],
    calc: TableCalc,
    map: PyMap,
}

impl Harness {
    pub fn new() -> Harness {
        Python::initialize();
        Python::attach(|py| install_modules(py, &[])).expect("shim importable");
        let code = CString::new(
            "def add(i, j):\n    return i + j\n\n\
             def add_tuple(t):\n    return t[0] + t[1]\n\n\
             def floor(xs, ys):\n    for i, j in zip(xs, ys):\n        add(i, j)\n\n\
             def floor_range(n):\n    for i in range(n):\n        add(i, i)\n\n\
             def floor_tuples(ts):\n    for t in ts:\n        add_tuple(t)\n",
        )
        .expect("no NUL");
        Python::attach(|py| {
            let globals = PyDict::new(py);
            py.run(&code, Some(&globals), None).expect("defines add");
            let get = |name: &str| globals.get_item(name).expect("dict").expect("defined").unbind();
            let (add, add_tuple) = (get("add"), get("add_tuple"));
            let udf = PyFunction::new(add.bind(py), None, "add".into()).expect("function");
            // As generated for `select(add(a, b))`: both arguments are input columns.
            let call = PyScalarCall::new(udf, vec![column(0), column(1)], vec![TypeInfo::Long; 2], TypeInfo::Long)
                .column_args(vec![Some(0), Some(1)]);
            let calc = TableCalc::new(vec![call], None, vec![column(2)]);
            let udf = PyFunction::new(add_tuple.bind(py), None, "add_tuple".into()).expect("function");
            let tuple = TypeInfo::Tuple { fields: vec![TypeInfo::Long, TypeInfo::Long] };
            let map = PyMap::new(udf, tuple, TypeInfo::Long, false);
            Harness {
                floor: get("floor"),
                floor_range: get("floor_range"),
                floor_tuples: get("floor_tuples"),
                ts: PyList::new(py, (0..BATCH as i64).map(|i| (i, i * 2)).collect::<Vec<_>>()).expect("list").unbind(),
                xs: PyList::new(py, (0..BATCH as i64).collect::<Vec<_>>()).expect("list").unbind(),
                ys: PyList::new(py, (0..BATCH as i64).map(|i| i * 2).collect::<Vec<_>>()).expect("list").unbind(),
                values: Self::values_from(0),
                next_distinct: 0,
                ints: Default::default(),
                add,
                calc,
                map,
            }
        })
    }

    pub fn floor(&self) {
        Python::attach(|py| {
            self.floor.bind(py).call1((self.xs.bind(py), self.ys.bind(py))).expect("runs");
        })
    }

    pub fn floor_tuples(&self) {
        Python::attach(|py| {
            self.floor_tuples.bind(py).call1((self.ts.bind(py),)).expect("runs");
        })
    }

    pub fn floor_range(&self) {
        Python::attach(|py| {
            self.floor_range.bind(py).call1((BATCH,)).expect("runs");
        })
    }

    fn values_from(first: i64) -> Vec<[Value; 2]> {
        pairs(first).map(|(i, j)| [Value::Int(i), Value::Int(j)]).collect()
    }

    /// The first value of the next batch whose values never occurred before.
    fn distinct_start(&mut self) -> i64 {
        self.next_distinct += BATCH as i64;
        self.next_distinct
    }

    /// What DataStream operators do for their Python function, without the records: columns of Rust
    /// values to Python lists, `builtins.map` drives the calls, results back to Rust values.
    pub fn values(&mut self, values: &[[Value; 2]]) -> Vec<Value> {
        Python::attach(|py| {
            let columns = (0..2)
                .map(|c| to_py_list(py, values.iter().map(|v| &v[c]), &TypeInfo::Long, &mut self.ints[c]))
                .collect::<PyResult<Vec<_>>>()
                .expect("lists");
            let mut out = Vec::with_capacity(BATCH);
            for result in map_calls(self.add.bind(py), columns).expect("map") {
                out.push(from_py(&result.expect("call"), &TypeInfo::Long).expect("ok").expect("fits"));
            }
            out
        })
    }

    /// The selected rows go back to the row pool, as a sink gives them back.
    pub fn table_select(&mut self, batch: Batch) -> usize {
        let mut out = Vec::with_capacity(BATCH);
        self.calc.process(batch, &mut out).expect("runs");
        let selected = out.len();
        row_pool::recycle(out);
        selected
    }

    pub fn datastream_map(&mut self, batch: Batch) -> Batch {
        let mut out = Vec::with_capacity(BATCH);
        self.map.process(batch, &mut out).expect("runs");
        out
    }

    /// Runs one batch of the named case (inputs made and outputs dropped inside, for counting).
    pub fn run(&mut self, case: &str) -> bool {
        match case {
            "floor" => self.floor(),
            "floor_range" => self.floor_range(),
            "floor_tuples" => self.floor_tuples(),
            "values" => {
                let values = std::mem::take(&mut self.values);
                drop(self.values(&values));
                self.values = values;
            }
            "table_select" => drop(self.table_select(rows(0))),
            "values_distinct" => {
                let values = Self::values_from(self.distinct_start());
                drop(self.values(&values));
            }
            "table_select_distinct" => {
                let first = self.distinct_start();
                self.table_select(rows(first));
            }
            "distinct_values_made" => drop(Self::values_from(self.distinct_start())),
            "datastream_map" => drop(self.datastream_map(tuples())),
            "rows" => row_pool::recycle(rows(0)),
            "tuples" => drop(tuples()),
            _ => return false,
        }
        true
    }
}
