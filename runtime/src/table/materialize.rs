//! Batch execution mode (`EnvironmentSettings.in_batch_mode()`): a table's final rows, as Flink's
//! batch operators produce them, from the streaming operators' changelog. The changelog is applied
//! as it arrives (an insert takes a new place at the end; an update-before or delete frees the place
//! of an equal row, and the update-after that follows takes it), and at the end of the input the
//! remaining rows are emitted as inserts in their places — a group's row where the group first
//! appeared, which is the order Flink's hash aggregation emits. With sort keys (after an
//! `ORDER BY ... LIMIT` / rank, whose batch operators sort) the rows are emitted sorted, places
//! breaking ties.

use std::collections::HashMap;

use super::top_n::{key_values, sort_order, SortKey};
use crate::error::Result;
use crate::operator::Operator;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct Materialize {
    /// The places taken so far (the next new row's place).
    places: usize,
    /// Each row held and its places (ascending; several for equal rows): the rows are held once.
    by_row: HashMap<Vec<Value>, Vec<usize>>,
    /// The place the last retraction freed, for the update-after that follows it.
    freed: Option<usize>,
    sort: Vec<SortKey>,
}

impl Materialize {
    pub fn new() -> Self {
        Materialize { places: 0, by_row: HashMap::new(), freed: None, sort: Vec::new() }
    }

    /// Rows emitted in the order of `keys` (the first ones the most significant).
    pub fn sorted(keys: Vec<SortKey>) -> Self {
        Materialize { sort: keys, ..Self::new() }
    }

    fn insert(&mut self, fields: Vec<Value>, at: Option<usize>) {
        let place = at.unwrap_or_else(|| {
            self.places += 1;
            self.places - 1
        });
        let places = self.by_row.entry(fields).or_default();
        let i = places.partition_point(|&p| p < place);
        places.insert(i, place);
    }

    fn retract(&mut self, fields: &[Value]) -> Option<usize> {
        let places = self.by_row.get_mut(fields)?;
        // The latest equal row: the one an update of the same group or key replaced last.
        let place = places.pop()?;
        if places.is_empty() {
            self.by_row.remove(fields);
        }
        Some(place)
    }
}

impl Default for Materialize {
    fn default() -> Self {
        Self::new()
    }
}

impl Operator for Materialize {
    fn name(&self) -> &str {
        "Materialize (batch mode)"
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = record.into_row_parts();
            match kind {
                RowKind::Insert => {
                    self.freed = None;
                    self.insert(fields, None);
                }
                RowKind::UpdateAfter => {
                    let at = self.freed.take();
                    self.insert(fields, at);
                }
                RowKind::UpdateBefore | RowKind::Delete => {
                    self.freed = self.retract(&fields);
                }
            }
        }
        Ok(())
    }

    fn on_close(&mut self, out: &mut Batch) -> Result<()> {
        let mut placed: Vec<(usize, Vec<Value>)> = Vec::new();
        for (fields, places) in std::mem::take(&mut self.by_row) {
            let (last, others) = places.split_last().map_or((None, &[][..]), |(l, o)| (Some(*l), o));
            placed.extend(others.iter().map(|&p| (p, fields.clone())));
            placed.extend(last.map(|p| (p, fields)));
        }
        placed.sort_unstable_by_key(|(place, _)| *place);
        let mut rows: Vec<Vec<Value>> = placed.into_iter().map(|(_, fields)| fields).collect();
        if !self.sort.is_empty() {
            let mut keyed: Vec<(Vec<Value>, Vec<Value>)> =
                rows.into_iter().map(|fields| (key_values(&self.sort, &fields), fields)).collect();
            keyed.sort_by(|a, b| sort_order(&self.sort, &a.0, &b.0));
            rows = keyed.into_iter().map(|(_, fields)| fields).collect();
        }
        out.extend(rows.into_iter().map(|fields| Record::new(Value::Row(Box::new(Row { kind: RowKind::Insert, fields })))));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: RowKind, key: &str, n: i64) -> Record {
        Record::new(Value::Row(Box::new(Row { kind, fields: vec![Value::Str(key.into()), Value::Int(n)] })))
    }

    fn rows(out: &Batch) -> Vec<(String, i64)> {
        out.iter()
            .map(|r| match &r.value {
                Value::Row(row) if row.kind == RowKind::Insert => match row.fields.as_slice() {
                    [Value::Str(k), Value::Int(n)] => (k.to_string(), *n),
                    other => panic!("unexpected fields {other:?}"),
                },
                other => panic!("not an inserted row: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_group_keeps_the_place_where_it_first_appeared() {
        let mut m = Materialize::new();
        let changelog = vec![
            change(RowKind::Insert, "cherry", 1),
            change(RowKind::Insert, "apple", 1),
            change(RowKind::UpdateBefore, "cherry", 1),
            change(RowKind::UpdateAfter, "cherry", 2),
            change(RowKind::Insert, "fig", 1),
            change(RowKind::Delete, "apple", 1),
        ];
        let mut out = Vec::new();
        m.process(changelog, &mut out).expect("applies");
        assert!(out.is_empty(), "nothing before the end of the input");
        m.on_close(&mut out).expect("emits");
        assert_eq!(rows(&out), vec![("cherry".into(), 2), ("fig".into(), 1)]);
    }
}
