//! Row allocations handed from the operators that drop table rows back to the sources that make
//! them: a source allocates a row (its box and its fields) per record and a sink frees it a batch
//! later, at the same rate. Freeing and allocating a batch's worth of rows again costs more than the
//! operators' own work (the allocator's per-thread cache holds only a few chunks per size), so
//! sinks give finished rows to a per-thread pool and sources take them from it. The pool is bounded
//! in rows and in the width of rows it keeps; values are dropped when a row is given back.

use std::cell::RefCell;

use crate::record::Batch;
use crate::value::{Row, RowKind, Value};

/// Rows kept at most (a few batches' worth).
const CAPACITY: usize = 4096;
/// Rows with room for more fields than this are freed rather than kept.
const MAX_WIDTH: usize = 64;

thread_local! {
    // Boxed because table rows travel as `Value::Row(Box<Row>)`: the box is what is reused.
    #[allow(clippy::vec_box)]
    static POOL: RefCell<Vec<Box<Row>>> = const { RefCell::new(Vec::new()) };
}

/// An empty inserted row, from the pool when it has one.
pub fn take() -> Box<Row> {
    POOL.with(|pool| pool.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .unwrap_or_else(|| Box::new(Row { kind: RowKind::Insert, fields: Vec::new() }))
}

/// Gives a row no longer needed back to the pool (its fields are dropped).
pub fn give(mut row: Box<Row>) {
    if row.fields.capacity() > MAX_WIDTH {
        return;
    }
    row.fields.clear();
    row.kind = RowKind::Insert;
    POOL.with(|pool| {
        if let Ok(mut pool) = pool.try_borrow_mut() {
            if pool.len() < CAPACITY {
                pool.push(row);
            }
        }
    });
}

/// Gives back the rows of a batch no longer needed.
pub fn recycle(batch: Batch) {
    for record in batch {
        if let Value::Row(row) = record.value {
            give(row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    #[test]
    fn rows_come_back_empty_and_inserted() {
        let mut row = take();
        row.kind = RowKind::Delete;
        row.fields.extend([Value::Int(1), Value::str("a")]);
        recycle(vec![Record::new(Value::Row(row))]);
        let again = take();
        assert_eq!((again.kind, again.fields.len()), (RowKind::Insert, 0));
        assert!(again.fields.capacity() >= 2);
    }
}
