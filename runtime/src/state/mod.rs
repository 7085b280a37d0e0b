//! Keyed state: per-key values of the state a keyed operator's functions declare, and its timers.
//!
//! The store lives in Rust and holds typed `Value`s (opaque Python objects for PICKLED or untyped
//! descriptors). Every state kind PyFlink offers maps to one `StateData` shape: Value, Reducing and
//! Aggregating hold one value per key, List a vector, Map an insertion-ordered map. A processing-time
//! TTL (StateTtlConfig) expires a key's entry when it was last written longer ago than the TTL.
//! The operator sets the current key before each call into a user function; state handles and the
//! timer service act on that key. `snapshot()` copies everything, which checkpoints will build on.

pub mod timers;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use indexmap::IndexMap;
use sluice_types::TypeInfo;

pub use timers::{TimeDomain, TimerQueues};

use crate::operator::now_millis;
use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    Value,
    List,
    Map,
    Reducing,
    Aggregating,
}

/// What one key holds in one state.
#[derive(Debug, Clone, PartialEq)]
pub enum StateData {
    Value(Value),
    List(Vec<Value>),
    Map(IndexMap<Value, Value>),
}

#[derive(Debug, Clone)]
struct Entry {
    data: StateData,
    written_at: i64,
}

/// One declared state: its kind, types, TTL and per-key data.
#[derive(Debug, Clone)]
pub struct StateTable {
    pub name: String,
    pub kind: StateKind,
    /// Value, element (List), accumulator (Aggregating) or map-value type.
    pub ty: TypeInfo,
    /// Map key type (Map state only).
    pub key_ty: Option<TypeInfo>,
    pub ttl_ms: Option<i64>,
    entries: HashMap<Value, Entry>,
}

impl StateTable {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[derive(Debug, Default)]
struct KeyedState {
    current_key: Value,
    watermark: Option<i64>,
    tables: Vec<StateTable>,
    timers: TimerQueues,
}

/// The keyed state of one operator instance; cheap to clone (shared by the operator and the Python
/// state handles its function holds).
#[derive(Debug, Clone, Default)]
pub struct KeyedStateStore {
    inner: Arc<Mutex<KeyedState>>,
}

/// A point-in-time copy of an operator's keyed state and timers.
#[derive(Debug, Clone)]
pub struct StateSnapshot {
    pub tables: Vec<StateTable>,
    pub timers: TimerQueues,
}

/// A state declaration as a function's `open()` makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateSpec {
    pub kind: StateKind,
    pub ty: TypeInfo,
    pub key_ty: Option<TypeInfo>,
    pub ttl_ms: Option<i64>,
}

impl KeyedStateStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, KeyedState> {
        // A poisoned lock only means another holder panicked; the maps themselves are consistent.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn set_current_key(&self, key: Value) {
        self.lock().current_key = key;
    }

    pub fn current_key(&self) -> Value {
        self.lock().current_key.clone()
    }

    /// The operator's current event time (`None` before the first watermark).
    pub fn set_watermark(&self, watermark: i64) {
        self.lock().watermark = Some(watermark);
    }

    pub fn watermark(&self) -> Option<i64> {
        self.lock().watermark
    }

    /// Registers a state, or returns the existing one of that name (`open()` may run again).
    pub fn register(&self, name: &str, spec: StateSpec) -> Result<usize, String> {
        let mut state = self.lock();
        if let Some(index) = state.tables.iter().position(|t| t.name == name) {
            let t = &state.tables[index];
            if t.kind != spec.kind || t.ty != spec.ty || t.key_ty != spec.key_ty {
                return Err(format!("state '{name}' was declared twice with different kinds or types"));
            }
            return Ok(index);
        }
        state.tables.push(StateTable {
            name: name.to_string(),
            kind: spec.kind,
            ty: spec.ty,
            key_ty: spec.key_ty,
            ttl_ms: spec.ttl_ms,
            entries: HashMap::new(),
        });
        Ok(state.tables.len() - 1)
    }

    /// Reads the current key's data of state `index` (expired entries read as absent).
    pub fn read<R>(&self, index: usize, f: impl FnOnce(Option<&StateData>) -> R) -> R {
        let mut state = self.lock();
        let key = state.current_key.clone();
        let Some(table) = state.tables.get_mut(index) else { return f(None) };
        expire(table, &key);
        f(table.entries.get(&key).map(|e| &e.data))
    }

    /// Updates the current key's data of state `index`; `f` gets the data (absent if none) and
    /// returns the new data (`None` clears the key).
    pub fn write<R>(&self, index: usize, f: impl FnOnce(Option<StateData>) -> (Option<StateData>, R)) -> Option<R> {
        let mut state = self.lock();
        let key = state.current_key.clone();
        let table = state.tables.get_mut(index)?;
        expire(table, &key);
        let old = table.entries.remove(&key).map(|e| e.data);
        let (new, result) = f(old);
        if let Some(data) = new {
            // Only a TTL needs the write time; reading the clock per write would cost every job.
            let written_at = if table.ttl_ms.is_some() { now_millis() } else { 0 };
            table.entries.insert(key, Entry { data, written_at });
        }
        Some(result)
    }

    pub fn clear(&self, index: usize) {
        self.write(index, |_| (None, ()));
    }

    pub fn timers<R>(&self, f: impl FnOnce(&mut TimerQueues, &Value) -> R) -> R {
        let mut state = self.lock();
        let KeyedState { timers, current_key, .. } = &mut *state;
        f(timers, current_key)
    }

    pub fn snapshot(&self) -> StateSnapshot {
        let state = self.lock();
        StateSnapshot { tables: state.tables.clone(), timers: state.timers.clone() }
    }
}

fn expire(table: &mut StateTable, key: &Value) {
    if let Some(ttl) = table.ttl_ms {
        if table.entries.get(key).is_some_and(|e| now_millis() - e.written_at >= ttl) {
            table.entries.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: StateKind, ty: TypeInfo) -> StateSpec {
        StateSpec { kind, ty, key_ty: None, ttl_ms: None }
    }

    #[test]
    fn values_are_per_key_and_snapshot_is_a_copy() {
        let store = KeyedStateStore::new();
        let cnt = store.register("cnt", spec(StateKind::Value, TypeInfo::Long)).expect("fresh");
        assert_eq!(store.register("cnt", spec(StateKind::Value, TypeInfo::Long)), Ok(cnt));
        assert!(store.register("cnt", spec(StateKind::List, TypeInfo::Long)).is_err());
        store.set_current_key(Value::Int(1));
        assert_eq!(store.read(cnt, |d| d.cloned()), None);
        store.write(cnt, |_| (Some(StateData::Value(Value::Int(5))), ()));
        store.set_current_key(Value::Int(2));
        store.write(cnt, |_| (Some(StateData::Value(Value::Int(7))), ()));
        let snapshot = store.snapshot();
        store.clear(cnt);
        assert_eq!(store.read(cnt, |d| d.cloned()), None);
        store.set_current_key(Value::Int(1));
        assert_eq!(store.read(cnt, |d| d.cloned()), Some(StateData::Value(Value::Int(5))));
        assert_eq!(snapshot.tables[0].len(), 2);
    }

    #[test]
    fn ttl_expires_entries() {
        let store = KeyedStateStore::new();
        let s = store
            .register("s", StateSpec { kind: StateKind::Value, ty: TypeInfo::Long, key_ty: None, ttl_ms: Some(0) })
            .expect("fresh");
        store.write(s, |_| (Some(StateData::Value(Value::Int(1))), ()));
        assert_eq!(store.read(s, |d| d.cloned()), None, "a zero TTL expires at once");
    }
}
