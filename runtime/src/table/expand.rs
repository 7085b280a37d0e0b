//! Flink's Expand operator (how GROUPING SETS, ROLLUP and CUBE run): each input row is emitted once
//! per projection list, in the lists' order, with the input's row kind. The planner gives one list
//! per grouping set: the input's columns, the group keys with those the set leaves out NULL, the set's
//! id and its GROUPING() values; the group aggregate after it keys by the keys and the id.

use super::ScalarFn;
use crate::error::Result;
use crate::operator::Operator;
use crate::record::{Batch, Record};
use crate::value::{Row, RowKind, Value};

pub struct Expand {
    projections: Vec<Vec<ScalarFn>>,
}

impl Expand {
    /// One output row per list of `projections` (each a function of the input row's fields).
    pub fn new(projections: Vec<Vec<ScalarFn>>) -> Self {
        Expand { projections }
    }
}

impl Operator for Expand {
    fn name(&self) -> &str {
        "Expand"
    }

    fn process(&mut self, input: Batch, out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = match record.value {
                Value::Row(row) => (row.kind, row.fields),
                other => (RowKind::Insert, vec![other]),
            };
            for projection in &self.projections {
                let row: Vec<Value> = projection.iter().map(|f| f(&fields)).collect();
                let mut copy = Record::new(Value::Row(Box::new(Row { kind, fields: row })));
                copy.timestamp = record.timestamp;
                out.push(copy);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_once_per_projection_in_order_with_its_kind() {
        let column = |i: usize| -> ScalarFn { Box::new(move |r: &[Value]| r[i].clone()) };
        let null = || -> ScalarFn { Box::new(|_: &[Value]| Value::Null) };
        let mut e = Expand::new(vec![vec![column(0), column(1)], vec![column(0), null()]]);
        let mut out = Vec::new();
        let row = Record::new(Value::Row(Box::new(Row { kind: RowKind::Delete, fields: vec![Value::Int(1), Value::Int(2)] })));
        e.process(vec![row], &mut out).expect("runs");
        let rows: Vec<(RowKind, Vec<Value>)> = out
            .into_iter()
            .map(|r| match r.value {
                Value::Row(row) => (row.kind, row.fields),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            rows,
            vec![(RowKind::Delete, vec![Value::Int(1), Value::Int(2)]), (RowKind::Delete, vec![Value::Int(1), Value::Null])]
        );
    }
}
