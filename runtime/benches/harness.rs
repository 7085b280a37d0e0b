//! Micro-benchmarks of the embedded-Python harness, next to the pure-CPython floor.
//!
//! `cargo bench -p sluice-runtime --bench harness`. The floor is CPython calling `add(i, j)` in a loop
//! over Python ints; the harness does the same calls with values coming from Rust rows and results
//! going back to Rust values, one GIL acquisition per batch (issue 6 asks for within 1.3x).

use std::ffi::CString;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use sluice_runtime::python::convert::{from_py, to_py};
use sluice_runtime::value::Value;
use sluice_types::TypeInfo;

const BATCH: usize = 1024;

fn pairs() -> Vec<Value> {
    (0..BATCH as i64).map(|i| Value::Tuple(vec![Value::Int(i), Value::Int(i * 2)])).collect()
}

fn bench(c: &mut Criterion) {
    Python::initialize();
    let tuple = TypeInfo::Tuple { fields: vec![TypeInfo::Long, TypeInfo::Long] };
    let code = CString::new(
        "def add(t):\n    return t[0] + t[1]\n\ndef floor(rows):\n    for t in rows:\n        add(t)\n",
    )
    .expect("no NUL");
    Python::attach(|py| {
        let globals = PyDict::new(py);
        py.run(&code, Some(&globals), None).expect("defines add");
        let add = globals.get_item("add").expect("dict").expect("add");
        let floor = globals.get_item("floor").expect("dict").expect("floor");
        let rows: Vec<Py<PyAny>> = pairs().iter().map(|v| to_py(py, v, &tuple).expect("converts").unbind()).collect();
        let py_rows = pyo3::types::PyList::new(py, &rows).expect("list");

        let mut group = c.benchmark_group("add(i, j) x 1024");
        group.bench_function("pure CPython loop (floor)", |b| b.iter(|| floor.call1((&py_rows,)).expect("runs")));
        group.bench_function("harness: Rust rows -> call -> Rust values", |b| {
            b.iter_batched(
                pairs,
                |batch| {
                    let mut out = Vec::with_capacity(batch.len());
                    for v in &batch {
                        let arg = to_py(py, v, &tuple).expect("to python");
                        let r = add.call1((arg,)).expect("call");
                        out.push(from_py(&r, &TypeInfo::Long).expect("python ok").expect("fits"));
                    }
                    out
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function("conversion Rust -> Python (tuple of 2 LONG)", |b| {
            let batch = pairs();
            b.iter(|| batch.iter().map(|v| to_py(py, v, &tuple).expect("converts")).count())
        });
        group.bench_function("conversion Python -> Rust (tuple of 2 LONG)", |b| {
            b.iter(|| rows.iter().map(|r| from_py(r.bind(py), &tuple).expect("ok").expect("fits")).count())
        });
        group.finish();
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
