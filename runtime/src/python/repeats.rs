//! Python objects for values that repeat, so a call site does not make (and free) a new object each
//! time a value comes back: what `PyStrings` (`table::py_strings`) does for text, [`PyInts`] does for
//! integers. A pure-Python loop over values it already holds pays for neither; a Rust row handing the
//! same count, status code or size to a function row after row need not either.
//!
//! Every table is small and direct-mapped, and is judged by a [`Trial`]: a column whose values rarely
//! repeat (ids, timestamps) switches its table off and pays only a counter per value after that.

use pyo3::prelude::*;
use pyo3::types::PyInt;

/// Lookups after which a table's hit rate is judged.
const TRIAL: u32 = 4096;

/// Whether a table still pays: counts its lookups and hits during the trial; a table that hit less
/// than half the time is switched off for good.
#[derive(Default)]
pub struct Trial {
    lookups: u32,
    hits: u32,
    off: bool,
}

impl Trial {
    /// Counts a lookup; false once the table is off.
    pub fn on(&mut self) -> bool {
        if self.lookups < TRIAL {
            self.lookups += 1;
        } else if self.lookups == TRIAL {
            self.lookups += 1;
            self.off = self.hits < TRIAL / 2;
        }
        !self.off
    }

    pub fn hit(&mut self) {
        self.hits = self.hits.saturating_add(1);
    }
}

/// log2 of the integer table's slots: 4,096 slots of 16 bytes, allocated on first use.
const INT_SLOT_BITS: u32 = 12;

/// Python `int` objects for repeated integer values. Integers are immutable in Python, so handing
/// the same object for the same value is unobservable (CPython itself does it for -5..=256).
#[derive(Default)]
pub struct PyInts {
    slots: Vec<Option<(i64, Py<PyInt>)>>,
    trial: Trial,
}

/// Fibonacci hashing: consecutive values land in distinct slots, and so do values with equal low bits.
fn int_slot(value: i64) -> usize {
    ((value as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - INT_SLOT_BITS)) as usize
}

impl PyInts {
    /// A table that never caches (conversions with nowhere to keep one).
    pub fn off() -> PyInts {
        PyInts { slots: Vec::new(), trial: Trial { lookups: TRIAL + 1, hits: 0, off: true } }
    }

    /// `value` as a Python `int`. Inlined: a hit is a few instructions, where making an `int`
    /// and later freeing it is over a hundred.
    #[inline]
    pub fn to_py<'py>(&mut self, py: Python<'py>, value: i64) -> Bound<'py, PyInt> {
        if let Some(Some((key, object))) = self.slots.get(int_slot(value)) {
            if *key == value {
                let object = object.bind(py).clone();
                if self.trial.lookups <= TRIAL {
                    self.trial.hit();
                    if !self.trial.on() {
                        self.slots = Vec::new();
                    }
                }
                return object;
            }
        }
        self.miss(py, value)
    }

    #[inline(never)]
    fn miss<'py>(&mut self, py: Python<'py>, value: i64) -> Bound<'py, PyInt> {
        if !self.trial.on() {
            if !self.slots.is_empty() {
                self.slots = Vec::new();
            }
            return PyInt::new(py, value);
        }
        if self.slots.is_empty() {
            self.slots.resize_with(1 << INT_SLOT_BITS, || None);
        }
        let object = PyInt::new(py, value);
        self.slots[int_slot(value)] = Some((value, object.clone().unbind()));
        object
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ints_are_the_same_objects_with_their_values() {
        Python::initialize();
        Python::attach(|py| {
            let mut ints = PyInts::default();
            let big = 1 << 40;
            let a = ints.to_py(py, big);
            let b = ints.to_py(py, big);
            assert!(a.is(&b));
            assert_eq!(a.extract::<i64>().expect("int"), big);
            let c = ints.to_py(py, -7);
            assert_eq!(c.extract::<i64>().expect("int"), -7);
            assert!(!c.is(&a));
        });
    }

    #[test]
    fn a_table_whose_values_never_repeat_switches_off_and_still_converts() {
        Python::initialize();
        Python::attach(|py| {
            let mut ints = PyInts::default();
            for value in 0..2 * TRIAL as i64 {
                assert_eq!(ints.to_py(py, value * 1_000_003).extract::<i64>().expect("int"), value * 1_000_003);
            }
            assert!(ints.trial.off);
            assert!(ints.slots.is_empty());
        });
    }

    #[test]
    fn a_table_whose_values_repeat_stays_on() {
        Python::initialize();
        Python::attach(|py| {
            let mut ints = PyInts::default();
            for value in 0..2 * TRIAL as i64 {
                ints.to_py(py, 1_000 + value % 100);
            }
            assert!(!ints.trial.off);
        });
    }
}
