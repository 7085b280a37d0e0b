//! Operators that pass records through: `union` (several inputs, one output) and the reader of a side
//! output (`get_side_output(tag)`), whose records arrive already converted to the tag's type.

use crate::error::Result;
use crate::operator::Operator;
use crate::record::Batch;

pub struct Identity {
    name: &'static str,
}

impl Identity {
    pub fn union() -> Self {
        Identity { name: "Union" }
    }

    pub fn side_output() -> Self {
        Identity { name: "SideOutput" }
    }
}

impl Operator for Identity {
    fn name(&self) -> &str {
        self.name
    }

    fn process(&mut self, mut input: Batch, out: &mut Batch) -> Result<()> {
        out.append(&mut input);
        Ok(())
    }
}
