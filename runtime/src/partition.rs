//! Which parallel subtask a record belongs to, as Flink decides it, so output at parallelism > 1
//! carries PyFlink's `N> ` prefixes.
//!
//! Keyed records go to the subtask of their key group: PyFlink keys by `Row.of(key)` where the key is
//! the pickled key (protocol 5) unless `key_type` declares it, hashed as Java does (see [`crate::java`]).
//! Unkeyed records are spread round-robin (Flink starts at a random channel; sluice at the first).

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sluice_types::TypeInfo;

use crate::error::{JobError, Result};
use crate::java;
use crate::python::convert::to_py;
use crate::value::Value;

/// Flink's default max parallelism for jobs up to 128 subtasks.
pub const DEFAULT_MAX_PARALLELISM: u32 = 128;

pub struct SubtaskAssigner {
    parallelism: u32,
    key_type: Option<TypeInfo>,
    by_key: HashMap<Value, u32>,
    next_unkeyed: u32,
}

impl SubtaskAssigner {
    pub fn new(parallelism: u32, key_type: Option<TypeInfo>) -> Self {
        SubtaskAssigner { parallelism: parallelism.max(1), key_type, by_key: HashMap::new(), next_unkeyed: 0 }
    }

    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    /// The 0-based subtask of a record with this key (or none).
    pub fn subtask(&mut self, key: Option<&Value>) -> Result<u32> {
        let Some(key) = key else {
            let subtask = self.next_unkeyed;
            self.next_unkeyed = (self.next_unkeyed + 1) % self.parallelism;
            return Ok(subtask);
        };
        if let Some(&subtask) = self.by_key.get(key) {
            return Ok(subtask);
        }
        let hash = match (&self.key_type, java::hash_code(key)) {
            (Some(_), Some(hash)) => hash,
            _ => pickled_hash(key)?,
        };
        let subtask = java::subtask_for_hash(hash, self.parallelism, DEFAULT_MAX_PARALLELISM);
        self.by_key.insert(key.clone(), subtask);
        Ok(subtask)
    }
}

/// `Arrays.hashCode` of the key as PyFlink pickles it.
fn pickled_hash(key: &Value) -> Result<i32> {
    Python::attach(|py| {
        let object = to_py(py, key, &TypeInfo::Pickled)?;
        let bytes = py.import("pickle")?.getattr("dumps")?.call1((object, 5))?;
        Ok::<_, PyErr>(java::bytes_hash_code(bytes.downcast::<PyBytes>()?.as_bytes()))
    })
    .map_err(|e| JobError::Internal(format!("cannot hash a key for partitioning: {e}")))
}
