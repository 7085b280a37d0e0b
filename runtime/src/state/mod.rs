//! Keyed state: per-key values of the state a keyed operator's functions declare.
//!
//! The store lives in Rust, holds typed `Value`s (opaque Python objects for PICKLED or untyped
//! descriptors) and can be snapshotted as a whole, which is what checkpoints will build on. The
//! operator sets the current key before each call into a user function; state handles read and write
//! the entry of that key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use sluice_types::TypeInfo;

use crate::value::Value;

/// One `ValueState` declared by name: its type and its value per key.
#[derive(Debug, Clone)]
pub struct ValueTable {
    pub name: String,
    pub ty: TypeInfo,
    pub values: HashMap<Value, Value>,
}

#[derive(Debug, Default)]
struct KeyedState {
    current_key: Value,
    tables: Vec<ValueTable>,
}

/// The keyed state of one operator instance; cheap to clone (shared by the operator and the Python
/// state handles its function holds).
#[derive(Debug, Clone, Default)]
pub struct KeyedStateStore {
    inner: Arc<Mutex<KeyedState>>,
}

/// A point-in-time copy of an operator's keyed state.
#[derive(Debug, Clone)]
pub struct StateSnapshot {
    pub value_tables: Vec<ValueTable>,
}

impl KeyedStateStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, KeyedState> {
        // A poisoned lock only means another holder panicked; the map itself is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn set_current_key(&self, key: Value) {
        self.lock().current_key = key;
    }

    pub fn current_key(&self) -> Value {
        self.lock().current_key.clone()
    }

    /// Registers a value state, or returns the existing one of that name (`open()` may run again).
    pub fn value_state(&self, name: &str, ty: TypeInfo) -> Result<usize, String> {
        let mut state = self.lock();
        if let Some(index) = state.tables.iter().position(|t| t.name == name) {
            if state.tables[index].ty != ty {
                return Err(format!(
                    "state '{name}' was declared twice with different types ({} and {ty})",
                    state.tables[index].ty
                ));
            }
            return Ok(index);
        }
        state.tables.push(ValueTable {
            name: name.to_string(),
            ty,
            values: HashMap::new(),
        });
        Ok(state.tables.len() - 1)
    }

    pub fn value_type(&self, index: usize) -> TypeInfo {
        self.lock()
            .tables
            .get(index)
            .map(|t| t.ty.clone())
            .unwrap_or(TypeInfo::Pickled)
    }

    pub fn get(&self, index: usize) -> Option<Value> {
        let state = self.lock();
        state
            .tables
            .get(index)?
            .values
            .get(&state.current_key)
            .cloned()
    }

    pub fn put(&self, index: usize, value: Value) {
        let mut state = self.lock();
        let key = state.current_key.clone();
        if let Some(table) = state.tables.get_mut(index) {
            table.values.insert(key, value);
        }
    }

    pub fn clear(&self, index: usize) {
        let mut state = self.lock();
        let key = state.current_key.clone();
        if let Some(table) = state.tables.get_mut(index) {
            table.values.remove(&key);
        }
    }

    pub fn snapshot(&self) -> StateSnapshot {
        StateSnapshot {
            value_tables: self.lock().tables.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_per_key_and_snapshot_is_a_copy() {
        let store = KeyedStateStore::new();
        let cnt = store.value_state("cnt", TypeInfo::Long).expect("fresh");
        assert_eq!(store.value_state("cnt", TypeInfo::Long), Ok(cnt));
        assert!(store.value_state("cnt", TypeInfo::String).is_err());
        store.set_current_key(Value::Int(1));
        assert_eq!(store.get(cnt), None);
        store.put(cnt, Value::Int(5));
        store.set_current_key(Value::Int(2));
        assert_eq!(store.get(cnt), None);
        store.put(cnt, Value::Int(7));
        let snapshot = store.snapshot();
        store.clear(cnt);
        assert_eq!(store.get(cnt), None);
        store.set_current_key(Value::Int(1));
        assert_eq!(store.get(cnt), Some(Value::Int(5)));
        assert_eq!(snapshot.value_tables[0].values.len(), 2);
    }
}
