//! Sources: where records enter a pipeline. One source per file.

pub mod collection;
pub mod file_lines;
pub mod number_sequence;

pub use collection::CollectionSource;
pub use file_lines::FileLinesSource;
pub use number_sequence::NumberSequenceSource;
