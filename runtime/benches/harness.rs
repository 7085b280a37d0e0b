//! Micro-benchmarks of the embedded-Python harness, next to the pure-CPython floor.
//!
//! `cargo bench -p sluice-runtime --bench harness`. The floor is CPython calling `add(i, j)` in a loop
//! over Python ints it already holds. The harness cases run the runtime's own operators on a batch of
//! Rust rows: a Table API `select(add(a, b))` (`TableCalc` with one Python scalar function, rows in,
//! rows out) and a DataStream `map(lambda t: t[0] + t[1])` over tuples (`PyMap`), each with the GIL
//! taken once per batch. Issue 6 asks the harness to stay within 1.3x of the floor.

use std::ffi::CString;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sluice_runtime::operator::Operator;
use sluice_runtime::operators::PyMap;
use sluice_runtime::python::batch::map_calls;
use sluice_runtime::python::convert::{from_py, to_py, to_py_list};
use sluice_runtime::python::install_modules;
use sluice_runtime::python::udf::PyFunction;
use sluice_runtime::record::{Batch, Record};
use sluice_runtime::table::{PyScalarCall, ScalarFn, TableCalc};
use sluice_runtime::value::{Row, RowKind, Value};
use sluice_types::TypeInfo;

const BATCH: usize = 1024;

fn tuples() -> Batch {
    (0..BATCH as i64)
        .map(|i| Record { value: Value::Tuple(vec![Value::Int(i), Value::Int(i * 2)]), key: None, timestamp: None })
        .collect()
}

fn rows() -> Batch {
    (0..BATCH as i64)
        .map(|i| Record {
            value: Value::Row(Box::new(Row { kind: RowKind::Insert, fields: vec![Value::Int(i), Value::Int(i * 2)] })),
            key: None,
            timestamp: None,
        })
        .collect()
}

fn column(index: usize) -> ScalarFn {
    Box::new(move |fields: &[Value]| fields[index].clone())
}

fn bench(c: &mut Criterion) {
    Python::initialize();
    Python::attach(|py| install_modules(py, &[])).expect("shim importable");
    let tuple = TypeInfo::Tuple { fields: vec![TypeInfo::Long, TypeInfo::Long] };
    let code = CString::new(
        "def add(i, j):\n    return i + j\n\n\
         def add_tuple(t):\n    return t[0] + t[1]\n\n\
         def floor(xs, ys):\n    for i, j in zip(xs, ys):\n        add(i, j)\n",
    )
    .expect("no NUL");
    let (add, add_tuple, floor, xs, ys) = Python::attach(|py| {
        let globals = PyDict::new(py);
        py.run(&code, Some(&globals), None).expect("defines add");
        let get = |name: &str| globals.get_item(name).expect("dict").expect("defined").unbind();
        let xs = PyList::new(py, (0..BATCH as i64).collect::<Vec<_>>()).expect("list").unbind();
        let ys = PyList::new(py, (0..BATCH as i64).map(|i| i * 2).collect::<Vec<_>>()).expect("list").unbind();
        (get("add"), get("add_tuple"), get("floor"), xs, ys)
    });
    let mut calc = Python::attach(|py| {
        let udf = PyFunction::new(add.bind(py), None, "add".into()).expect("function");
        let call = PyScalarCall::new(udf, vec![column(0), column(1)], vec![TypeInfo::Long; 2], TypeInfo::Long);
        TableCalc::new(vec![call], None, vec![column(2)])
    });
    let mut map = Python::attach(|py| {
        let udf = PyFunction::new(add_tuple.bind(py), None, "add_tuple".into()).expect("function");
        PyMap::new(udf, tuple.clone(), TypeInfo::Long, false)
    });

    let values: Vec<[Value; 2]> = (0..BATCH as i64).map(|i| [Value::Int(i), Value::Int(i * 2)]).collect();

    let mut group = c.benchmark_group("add(i, j) x 1024");
    group.bench_function("pure CPython loop (floor)", |b| {
        Python::attach(|py| b.iter(|| floor.bind(py).call1((xs.bind(py), ys.bind(py))).expect("runs")))
    });
    group.bench_function("harness: Rust values -> add(i, j) -> Rust values", |b| {
        // What TableCalc does for its Python function, without assembling the output rows.
        Python::attach(|py| {
            b.iter(|| {
                let columns = (0..2)
                    .map(|c| to_py_list(py, values.iter().map(|v| &v[c]), &TypeInfo::Long))
                    .collect::<PyResult<Vec<_>>>()
                    .expect("lists");
                let mut out = Vec::with_capacity(BATCH);
                for result in map_calls(add.bind(py), columns).expect("map") {
                    out.push(from_py(&result.expect("call"), &TypeInfo::Long).expect("ok").expect("fits"));
                }
                out
            })
        })
    });
    group.bench_function("harness: Table select(add(a, b)), rows in and out", |b| {
        b.iter_batched(
            rows,
            |batch| {
                let mut out = Vec::with_capacity(BATCH);
                calc.process(batch, &mut out).expect("runs");
                out
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("harness: DataStream map(add_tuple) over tuples", |b| {
        b.iter_batched(
            tuples,
            |batch| {
                let mut out = Vec::with_capacity(BATCH);
                map.process(batch, &mut out).expect("runs");
                out
            },
            BatchSize::SmallInput,
        )
    });
    Python::attach(|py| {
        let values: Vec<Value> = tuples().into_iter().map(|r| r.value).collect();
        let objects: Vec<Py<PyAny>> =
            values.iter().map(|v| to_py(py, v, &tuple).expect("converts").unbind()).collect();
        group.bench_function("conversion Rust -> Python (tuple of 2 LONG)", |b| {
            b.iter(|| values.iter().map(|v| to_py(py, v, &tuple).expect("converts")).count())
        });
        group.bench_function("conversion Python -> Rust (tuple of 2 LONG)", |b| {
            b.iter(|| objects.iter().map(|r| from_py(r.bind(py), &tuple).expect("ok").expect("fits")).count())
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
