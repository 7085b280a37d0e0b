//! `env.from_collection(...)`: the elements the script gave, converted to the declared type.

use crate::error::Result;
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::value::Value;

pub struct CollectionSource {
    name: String,
    elements: std::vec::IntoIter<Value>,
}

impl CollectionSource {
    pub fn new(name: &str, elements: Vec<Value>) -> Self {
        CollectionSource {
            name: name.to_string(),
            elements: elements.into_iter(),
        }
    }
}

impl Source for CollectionSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        out.extend(self.elements.by_ref().take(max).map(Record::new));
        Ok(self.elements.len() > 0)
    }
}
