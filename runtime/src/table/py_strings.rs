//! Python strings for repeated text values, both ways, for the Python functions a table job calls
//! per row. A source shares repeated text values (`connectors::interner`), so the same `Arc<str>`
//! arrives row after row: it is passed to Python as the `str` object made for it last time. A
//! function that returns one of a few objects (a lookup table's values) gets back the `Arc<str>`
//! made for that object last time. Strings are immutable on both sides, so only allocations differ.
//!
//! Each table is small and direct-mapped; one whose values rarely repeat is switched off after a
//! trial (`python::repeats`), as the interner's columns are.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::python::repeats::Trial;

const SLOTS: usize = 64;

/// The two tables of one Python function call site.
#[derive(Default)]
pub struct PyStrings {
    to_python: Vec<Option<(Arc<str>, Py<PyString>)>>,
    to_trial: Trial,
    from_python: Vec<Option<(Py<PyString>, Arc<str>)>>,
    from_trial: Trial,
}

/// A table slot for an address.
fn slot_of(address: usize) -> usize {
    (address >> 4) % SLOTS
}

impl PyStrings {
    /// `text` as a Python `str`.
    pub fn to_py<'py>(&mut self, py: Python<'py>, text: &Arc<str>) -> Bound<'py, PyString> {
        if !self.to_trial.on() {
            self.to_python = Vec::new();
            return PyString::new(py, text);
        }
        if self.to_python.is_empty() {
            self.to_python.resize_with(SLOTS, || None);
        }
        let slot = &mut self.to_python[slot_of(Arc::as_ptr(text).cast::<u8>() as usize)];
        if let Some((key, object)) = slot {
            if Arc::ptr_eq(key, text) {
                self.to_trial.hit();
                return object.bind(py).clone();
            }
        }
        let object = PyString::new(py, text);
        *slot = Some((text.clone(), object.clone().unbind()));
        object
    }

    /// A Python `str` result as a shared string.
    pub fn from_py(&mut self, object: &Bound<'_, PyString>) -> PyResult<Arc<str>> {
        if !self.from_trial.on() {
            self.from_python = Vec::new();
            return Ok(Arc::from(object.to_str()?));
        }
        if self.from_python.is_empty() {
            self.from_python.resize_with(SLOTS, || None);
        }
        let slot = &mut self.from_python[slot_of(object.as_ptr() as usize)];
        if let Some((key, text)) = slot {
            // The table holds a reference to `key`, so no other object can have its address.
            if key.as_ptr() == object.as_ptr() {
                self.from_trial.hit();
                return Ok(text.clone());
            }
        }
        let text: Arc<str> = Arc::from(object.to_str()?);
        *slot = Some((object.clone().unbind(), text.clone()));
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_strings_are_the_same_objects_both_ways() {
        Python::initialize();
        Python::attach(|py| {
            let mut strings = PyStrings::default();
            let text: Arc<str> = Arc::from("河北省");
            let a = strings.to_py(py, &text);
            let b = strings.to_py(py, &text);
            assert!(a.is(&b));
            assert_eq!(a.to_str().expect("str"), "河北省");
            let x = strings.from_py(&a).expect("str");
            let y = strings.from_py(&a).expect("str");
            assert!(Arc::ptr_eq(&x, &y));
            assert_eq!(&*x, "河北省");
        });
    }
}
