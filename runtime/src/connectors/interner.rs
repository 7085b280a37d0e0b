//! Interned text fields: a source that decodes many rows keeps, per column, the strings it has seen,
//! so a repeated value (a URI, a country, a status) becomes a shared `Arc<str>` instead of a new
//! allocation per row. Values are the same either way; only allocations differ.
//!
//! Each column's table is small and fixed, and a column whose values rarely repeat (ids, timestamps
//! as text) stops being interned after a trial, so its memory is given back and its lookups stop.

use std::hash::Hasher;
use std::sync::Arc;

use crate::fxhash::FxHasher;

/// Strings kept per column, in a table indexed by their hash (a new string replaces the one in its
/// slot): a few kilobytes per column, and no probing.
const SLOTS: usize = 256;
/// Lookups after which a column's hit rate is judged.
const TRIAL: u32 = 4096;

#[derive(Debug, Default, Clone)]
struct Column {
    slots: Vec<Option<Arc<str>>>,
    lookups: u32,
    hits: u32,
    /// The column's values rarely repeat: no more interning.
    off: bool,
}

/// The interned strings of a source's columns.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    columns: Vec<Column>,
}

impl Interner {
    /// `text` of column `column` as a shared string.
    pub fn get(&mut self, column: usize, text: &str) -> Arc<str> {
        if self.columns.len() <= column {
            self.columns.resize_with(column + 1, Column::default);
        }
        let c = &mut self.columns[column];
        if c.off {
            return Arc::from(text);
        }
        if c.lookups < TRIAL {
            c.lookups += 1;
        } else if c.lookups == TRIAL {
            // Judged once: interning pays when most values repeat.
            c.lookups += 1;
            if c.hits < TRIAL / 2 {
                *c = Column { off: true, ..Column::default() };
                return Arc::from(text);
            }
        }
        if c.slots.is_empty() {
            c.slots = vec![None; SLOTS];
        }
        let mut hasher = FxHasher::default();
        hasher.write(text.as_bytes());
        let slot = &mut c.slots[(hasher.finish() >> 32) as usize % SLOTS];
        if let Some(shared) = slot {
            if **shared == *text {
                c.hits = c.hits.saturating_add(1);
                return shared.clone();
            }
        }
        let shared: Arc<str> = Arc::from(text);
        *slot = Some(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_values_share_and_unique_columns_stop() {
        let mut interner = Interner::default();
        let a = interner.get(0, "/index.html");
        let b = interner.get(0, "/index.html");
        assert!(Arc::ptr_eq(&a, &b));
        for i in 0..=TRIAL {
            assert_eq!(&*interner.get(1, &i.to_string()), i.to_string());
        }
        assert!(interner.columns[1].off && interner.columns[1].slots.is_empty());
        assert!(!interner.columns[0].off);
    }
}
