//! Micro-benchmarks of the embedded-Python harness, next to the pure-CPython floor.
//!
//! `cargo bench -p sluice-runtime --bench harness`. The floor is CPython calling `add(i, j)` in a loop
//! over Python ints it already holds (and, second, a loop making its ints with `range`, as a plain
//! `for` loop measures it). The harness cases run the runtime's own operators on a batch of Rust rows:
//! a Table API `select(add(a, b))` (`TableCalc` with one Python scalar function, rows in, rows out)
//! and a DataStream `map(lambda t: t[0] + t[1])` over tuples (`PyMap`), each with the GIL taken once
//! per batch. Issue 6 asks the harness to stay within 1.3x of the floor. The same cases counted in
//! instructions, independent of the machine's load: `bench/harness_instructions.sh`.

#[path = "support/harness_cases.rs"]
#[allow(dead_code)]
mod cases;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use pyo3::prelude::*;
use sluice_runtime::python::convert::{from_py, to_py};
use sluice_runtime::value::Value;
use sluice_types::TypeInfo;

fn bench(c: &mut Criterion) {
    let mut harness = cases::Harness::new();
    let mut group = c.benchmark_group("add(i, j) x 1024");
    let names: std::collections::HashMap<_, _> = cases::CASES.iter().copied().collect();
    group.bench_function(names["floor"], |b| b.iter(|| harness.floor()));
    group.bench_function(names["floor_range"], |b| b.iter(|| harness.floor_range()));
    group.bench_function(names["floor_tuples"], |b| b.iter(|| harness.floor_tuples()));
    group.bench_function(names["values"], |b| b.iter(|| harness.run("values")));
    group.bench_function(names["values_distinct"], |b| b.iter(|| harness.run("values_distinct")));
    group.bench_function(names["table_select"], |b| {
        b.iter_batched(|| cases::rows(0), |batch| harness.table_select(batch), BatchSize::SmallInput)
    });
    group.bench_function(names["datastream_map"], |b| {
        b.iter_batched(cases::tuples, |batch| harness.datastream_map(batch), BatchSize::SmallInput)
    });
    let tuple = TypeInfo::Tuple { fields: vec![TypeInfo::Long, TypeInfo::Long] };
    Python::attach(|py| {
        let values: Vec<Value> = cases::tuples().into_iter().map(|r| r.value).collect();
        let objects: Vec<Py<PyAny>> =
            values.iter().map(|v| to_py(py, v, &tuple).expect("converts").unbind()).collect();
        group.bench_function("conversion Rust -> Python (tuple of 2 LONG)", |b| {
            b.iter(|| values.iter().map(|v| to_py(py, v, &tuple).expect("converts")).collect::<Vec<_>>())
        });
        group.bench_function("conversion Python -> Rust (tuple of 2 LONG)", |b| {
            b.iter(|| objects.iter().map(|r| from_py(r.bind(py), &tuple).expect("ok").expect("fits")).collect::<Vec<_>>())
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
