//! A Kafka table's metadata columns (`METADATA [FROM 'key'] [VIRTUAL]`), as Flink's Kafka connector
//! has them: read by the source (`topic`, `partition`, `offset`, `timestamp`, `timestamp-type`,
//! `headers`), written by the sinks (`headers`, `timestamp`; a read-only one must be VIRTUAL, which
//! leaves it out of INSERT INTO); `headers` is a MAP<STRING, BYTES>.

use super::ddl::MetadataColumn;
use super::kafka::KafkaOptions;
use super::types::{Schema, SqlType};

/// The metadata keys the Kafka source reads.
pub const METADATA_KEYS: &[&str] = &["topic", "partition", "offset", "timestamp", "timestamp-type", "headers"];
/// The metadata keys the Kafka sinks write (`timestamp`: the message's timestamp; `headers`).
pub const WRITABLE_METADATA_KEYS: &[&str] = &["headers", "timestamp"];

/// A source's metadata columns into `options.metadata`; an unknown key is an error.
pub fn source_metadata(options: &mut KafkaOptions, metadata: &[MetadataColumn]) -> Result<(), String> {
    for m in metadata {
        if !METADATA_KEYS.contains(&m.key.as_str()) {
            return Err(format!(
                "the Kafka metadata key '{}' is not supported by sluice yet ({} are)",
                m.key,
                METADATA_KEYS.join(", ")
            ));
        }
        options.metadata.push((m.column, m.key.clone()));
    }
    Ok(())
}

/// A sink's metadata columns (of `TableDef::for_writing`, so not VIRTUAL) into `options.metadata`;
/// a read-only key is an error, as in Flink, and so is a `timestamp` column that is no TIMESTAMP.
pub fn sink_metadata(options: &mut KafkaOptions, schema: &Schema, metadata: &[MetadataColumn]) -> Result<(), String> {
    for m in metadata {
        let field = schema.fields.get(m.column);
        let name = field.map_or("", |f| f.name.as_str());
        if !WRITABLE_METADATA_KEYS.contains(&m.key.as_str()) {
            let what = if METADATA_KEYS.contains(&m.key.as_str()) {
                "is read-only: declare the column VIRTUAL to leave it out of INSERT INTO"
            } else {
                "is not one sluice writes"
            };
            return Err(format!(
                "the metadata key '{}' of column `{name}` {what} (the Kafka sink writes {})",
                m.key,
                WRITABLE_METADATA_KEYS.join(", ")
            ));
        }
        if m.key == "timestamp" && !matches!(field.map(|f| f.ty), Some(SqlType::Timestamp(_) | SqlType::TimestampLtz(_))) {
            return Err(format!(
                "the metadata column `{name}` FROM 'timestamp' must be a TIMESTAMP_LTZ(3) or TIMESTAMP(3) column"
            ));
        }
        options.metadata.push((m.column, m.key.clone()));
    }
    Ok(())
}
