//! Sources: where records enter a pipeline. One source per file.

pub mod collection;
pub mod number_sequence;

pub use collection::CollectionSource;
pub use number_sequence::NumberSequenceSource;
