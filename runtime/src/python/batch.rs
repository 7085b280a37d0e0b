//! Calling a Python function over a whole batch of records.
//!
//! The arguments of a batch are converted column by column into Python lists, and the builtin `map`
//! drives the calls from C: no Python-level loop, no argument tuple built in Rust per call, no
//! per-call attribute lookups. Results are pulled one by one (the `map` object is iterated lazily), so
//! each result is converted and emitted before the next call runs, exactly as with one call per record
//! (side effects such as `print()` interleave the same way, and a failing call leaves the earlier
//! results emitted).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyIterator, PyList, PyTuple};

/// `builtins.map`, looked up once per process.
fn builtin_map(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static MAP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    MAP.get_or_try_init(py, || Ok::<_, PyErr>(py.import("builtins")?.getattr("map")?.unbind()))
        .map(|m| m.bind(py))
}

/// A lazy iterator over `function(columns[0][i], columns[1][i], ...)` for each row `i`: each `next`
/// makes one call. Several of these advanced in turn evaluate several functions row by row.
pub fn map_calls<'py>(
    function: &Bound<'py, PyAny>,
    columns: Vec<Bound<'py, PyList>>,
) -> PyResult<Bound<'py, PyIterator>> {
    let py = function.py();
    let mut args = Vec::with_capacity(columns.len() + 1);
    args.push(function.clone());
    args.extend(columns.into_iter().map(Bound::into_any));
    builtin_map(py)?.call1(PyTuple::new(py, args)?)?.try_iter()
}

/// Calls `function` on each row of `columns` (equally long lists), in order, handing each result to
/// `each` with its row index; stops at the first error.
pub fn call_columns<'py, E>(
    function: &Bound<'py, PyAny>,
    columns: Vec<Bound<'py, PyList>>,
    mut each: impl FnMut(usize, Bound<'py, PyAny>) -> Result<(), E>,
    python_error: impl Fn(PyErr) -> E,
) -> Result<(), E> {
    let results = map_calls(function, columns).map_err(&python_error)?;
    for (index, result) in results.enumerate() {
        each(index, result.map_err(&python_error)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;

    use pyo3::types::PyDict;

    use super::*;

    #[test]
    fn calls_in_order_and_stops_at_the_first_error() {
        Python::initialize();
        Python::attach(|py| {
            let globals = PyDict::new(py);
            let code = CString::new(
                "seen = []\ndef f(a, b):\n    seen.append(a)\n    if a == 3:\n        raise ValueError('three')\n    return a * b\n",
            )
            .unwrap();
            py.run(&code, Some(&globals), None).unwrap();
            let f = globals.get_item("f").unwrap().unwrap();
            let xs = PyList::new(py, [1, 2, 3, 4]).unwrap();
            let ys = PyList::new(py, [10, 20, 30, 40]).unwrap();
            let mut results = Vec::new();
            let outcome = call_columns(
                &f,
                vec![xs, ys],
                |i, r| {
                    results.push((i, r.extract::<i64>().unwrap()));
                    Ok(())
                },
                |e| e.to_string(),
            );
            assert_eq!(results, vec![(0, 10), (1, 40)]);
            assert_eq!(outcome, Err("ValueError: three".to_string()));
            let seen: Vec<i64> = globals.get_item("seen").unwrap().unwrap().extract().unwrap();
            assert_eq!(seen, vec![1, 2, 3], "the call after the failing one never ran");
        });
    }
}
