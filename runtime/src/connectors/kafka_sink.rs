//! The Kafka sinks: `'connector' = 'kafka'` (append-only: each row one message, keyed by its
//! `key.fields` columns when the table has them),
//! `'connector' = 'upsert-kafka'` (a changelog keyed by the primary key: `+I`/`+U` write the row
//! under its key, `-D` writes a tombstone, `-U` is dropped, as Flink's upsert-kafka sink does), and
//! the DataStream API's `KafkaSink` (`ds.sink_to(sink)`: each element one message, its value and
//! optional key made by the record serializer's schemas).
//!
//! A table's `METADATA FROM 'timestamp'` column (not VIRTUAL) is each message's timestamp, its
//! `headers` column (MAP<STRING, BYTES>) the message's headers.
//!
//! Delivery is at-least-once: messages are handed to the client (which batches and retries them
//! through broker outages for `message.timeout.ms`, 5 minutes by default), every checkpoint and the
//! end of input wait until all were acknowledged, and a message the broker never took fails the job.
//! Keys are partitioned with murmur2, as Kafka's Java client does, so keyed messages land on the
//! partitions a Flink job would pick.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};

use super::formats::RowCodec;
use super::kafka::{log_client, log_error, KafkaClientConfig};
use super::log;
use crate::error::{JobError, Result};
use crate::operator::Operator;
use crate::record::Batch;
use crate::table::datetime::parse_timestamp;
use crate::table::ScalarFn;
use crate::value::{RowKind, Value};

/// How the sink turns changes into messages.
pub enum SinkMode {
    /// Insert-only rows, one message each, without a key.
    Append,
    /// Insert-only rows, one message each, keyed by the `key` columns (`key.fields`) encoded with
    /// `key_codec`.
    Keyed { key: Vec<usize>, key_codec: RowCodec },
    /// Rows keyed by `key` (column indexes), encoded with `key_codec`.
    Upsert { key: Vec<usize>, key_codec: RowCodec },
    /// DataStream elements, one message each; `key_codec` (a key serialization schema) makes each
    /// message's key from the same element.
    Stream { key_codec: Option<RowCodec> },
}

/// Collects the first delivery failure, for the operator to raise.
struct DeliveryContext {
    operator: String,
    failure: Arc<Mutex<Option<String>>>,
}

impl ClientContext for DeliveryContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_client(&self.operator, level, fac, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        log_error(&self.operator, &error, reason);
    }
}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _opaque: ()) {
        if let Err((error, message)) = result {
            if let Ok(mut failure) = self.failure.lock() {
                failure.get_or_insert_with(|| {
                    format!(
                        "a message to topic {} was not delivered: {error}",
                        message.topic()
                    )
                });
            }
        }
    }
}

pub struct KafkaSink {
    name: String,
    client: KafkaClientConfig,
    mode: SinkMode,
    codec: RowCodec,
    /// The columns the message value holds when not all of them (EXCEPT_KEY: all but the key's).
    value_columns: Option<Vec<usize>>,
    /// A table's columns from the query's (casts to the column types); empty for a DataStream sink,
    /// which writes its elements as they are.
    casts: Vec<ScalarFn>,
    /// The column whose value is each message's timestamp (`METADATA FROM 'timestamp'`).
    timestamp_column: Option<usize>,
    /// The column whose MAP<STRING, BYTES> value is each message's headers (`headers` metadata).
    headers_column: Option<usize>,
    producer: Option<BaseProducer<DeliveryContext>>,
    failure: Arc<Mutex<Option<String>>>,
    key_buf: Vec<u8>,
    value_buf: Vec<u8>,
}

impl KafkaSink {
    pub fn new(
        client: KafkaClientConfig,
        mode: SinkMode,
        codec: RowCodec,
        value_columns: Vec<usize>,
        casts: Vec<ScalarFn>,
    ) -> Self {
        let name = format!(
            "Sink(table=[default_catalog.default_database.{}])",
            client.table
        );
        KafkaSink {
            name,
            client,
            mode,
            codec,
            value_columns: (!value_columns.iter().copied().eq(0..casts.len())).then_some(value_columns),
            casts,
            timestamp_column: None,
            headers_column: None,
            producer: None,
            failure: Arc::new(Mutex::new(None)),
            key_buf: Vec::new(),
            value_buf: Vec::new(),
        }
    }

    /// A DataStream `KafkaSink` named `name`, writing elements (a STRING, or a row's fields) with
    /// `codec`, keyed with `key_codec` when the record serializer has a key schema.
    pub fn for_stream(
        name: &str,
        client: KafkaClientConfig,
        codec: RowCodec,
        key_codec: Option<RowCodec>,
    ) -> Self {
        let mut sink = KafkaSink::new(client, SinkMode::Stream { key_codec }, codec, Vec::new(), Vec::new());
        sink.name = name.to_string();
        sink
    }

    /// Writes column `column` (a TIMESTAMP_LTZ(3), or a TIMESTAMP(3) read as UTC as the source reads
    /// it) as each message's timestamp; a NULL leaves the timestamp to the client (the time of
    /// sending).
    pub fn with_timestamp(mut self, column: usize) -> Self {
        self.timestamp_column = Some(column);
        self
    }

    /// Writes column `column` (a MAP<STRING, BYTES>) as each message's headers, in the map's order;
    /// a NULL header value is a header without a value.
    pub fn with_headers(mut self, column: usize) -> Self {
        self.headers_column = Some(column);
        self
    }

    /// The message headers of `row`, if the sink writes some and the row has any.
    fn headers_of(&self, row: &[Value]) -> Option<OwnedHeaders> {
        let Value::Map(entries) = row.get(self.headers_column?)? else {
            return None;
        };
        let mut headers = OwnedHeaders::new_with_capacity(entries.len());
        for (key, value) in entries {
            let Value::Str(key) = key else { continue };
            let value: Option<&[u8]> = match value {
                Value::Bytes(b) => Some(b),
                Value::Str(s) => Some(s.as_bytes()),
                _ => None,
            };
            headers = headers.insert(Header { key: key.as_ref(), value });
        }
        Some(headers)
    }

    /// The message timestamp of `row` (milliseconds since the epoch), if it has one.
    fn timestamp_of(&self, row: &[Value]) -> Option<i64> {
        match row.get(self.timestamp_column?)? {
            Value::Timestamp(ms) => Some(*ms),
            Value::Instant(seconds, nanos) => Some(seconds.saturating_mul(1000).saturating_add(i64::from(*nanos / 1_000_000))),
            Value::Str(text) => parse_timestamp(text),
            _ => None,
        }
    }

    fn check_deliveries(&self) -> Result<()> {
        let failure = self.failure.lock().ok().and_then(|mut f| f.take());
        match failure {
            Some(message) => Err(JobError::User(format!("{}: {message}", self.name))),
            None => Ok(()),
        }
    }

    /// Sends one message, waiting while the client's queue is full.
    fn send(&mut self, key: Option<usize>, tombstone: bool, meta: (Option<i64>, Option<OwnedHeaders>)) -> Result<()> {
        let (timestamp, headers) = meta;
        let Some(producer) = &self.producer else {
            return Err(JobError::Internal(format!("{} used before start", self.name)));
        };
        let topic = self.client.topics.first().map(String::as_str).unwrap_or_default();
        loop {
            let mut record = BaseRecord::<[u8], [u8]>::to(topic);
            if key.is_some() {
                record = record.key(self.key_buf.as_slice());
            }
            if !tombstone {
                record = record.payload(self.value_buf.as_slice());
            }
            if let Some(ms) = timestamp {
                record = record.timestamp(ms);
            }
            if let Some(headers) = &headers {
                record = record.headers(headers.clone());
            }
            match producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    producer.poll(Duration::from_millis(100));
                }
                Err((e, _)) => {
                    return Err(JobError::User(format!(
                        "{}: cannot send to topic {topic}: {e}",
                        self.name
                    )))
                }
            }
        }
    }

    /// Waits until every message sent so far was acknowledged (or failed).
    fn flush(&mut self) -> Result<()> {
        if let Some(producer) = &self.producer {
            loop {
                match producer.flush(Duration::from_secs(10)) {
                    Ok(()) => break,
                    Err(KafkaError::Flush(RDKafkaErrorCode::OperationTimedOut)) => {
                        log(
                            &self.name,
                            &format!(
                                "still waiting for the broker to take {} message(s)",
                                producer.in_flight_count()
                            ),
                        );
                        self.check_deliveries()?;
                    }
                    Err(e) => return Err(JobError::User(format!("{}: flushing: {e}", self.name))),
                }
            }
        }
        self.check_deliveries()
    }
}

impl Operator for KafkaSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        self.client = self.client.clone().with_overrides();
        if self.client.topics.len() != 1 {
            return Err(JobError::User(format!(
                "{}: a Kafka sink writes to exactly one topic, not {:?}",
                self.name, self.client.topics
            )));
        }
        let producer: BaseProducer<DeliveryContext> = self
            .client
            .client_config(&[("partitioner", "murmur2_random")])
            .create_with_context(DeliveryContext {
                operator: self.name.clone(),
                failure: Arc::clone(&self.failure),
            })
            .map_err(|e| JobError::User(format!("{}: bad Kafka client settings: {e}", self.name)))?;
        // Fail at start, not at the first row, when the cluster cannot be reached or the topic is
        // missing (and the broker does not create topics on first use).
        let topic = self.client.topics.first().cloned().unwrap_or_default();
        let metadata = producer
            .client()
            .fetch_metadata(Some(&topic), Duration::from_secs(10))
            .map_err(|e| {
                JobError::User(format!(
                    "{}: cannot reach the Kafka cluster (bootstrap servers {}): {e}",
                    self.name, self.client.bootstrap_servers
                ))
            })?;
        let usable = metadata
            .topics()
            .iter()
            .any(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty());
        if !usable {
            return Err(JobError::User(format!(
                "{}: the topic '{topic}' does not exist on {} (and the broker did not create it)",
                self.name, self.client.bootstrap_servers
            )));
        }
        self.producer = Some(producer);
        Ok(())
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = record.into_row_parts();
            let row: Vec<Value> = if self.casts.is_empty() {
                fields
            } else {
                self.casts.iter().map(|cast| cast(&fields)).collect()
            };
            let subset: Vec<Value>;
            let value: &[Value] = match &self.value_columns {
                None => &row,
                Some(columns) => {
                    subset = columns.iter().map(|&i| row.get(i).cloned().unwrap_or_default()).collect();
                    &subset
                }
            };
            self.value_buf.clear();
            match &self.mode {
                SinkMode::Append | SinkMode::Keyed { .. } => {
                    if kind != RowKind::Insert {
                        return Err(JobError::Internal(format!(
                            "{} is append-only but received a {} change",
                            self.name,
                            kind.short_string()
                        )));
                    }
                    self.codec.encode(value, &mut self.value_buf);
                    let keyed = match &self.mode {
                        SinkMode::Keyed { key, key_codec } => {
                            let key_fields: Vec<Value> =
                                key.iter().map(|&i| row.get(i).cloned().unwrap_or_default()).collect();
                            self.key_buf.clear();
                            key_codec.encode(&key_fields, &mut self.key_buf);
                            Some(0)
                        }
                        _ => None,
                    };
                    let meta = (self.timestamp_of(&row), self.headers_of(&row));
                    self.send(keyed, false, meta)?;
                }
                SinkMode::Upsert { key, key_codec } => {
                    if kind == RowKind::UpdateBefore {
                        continue;
                    }
                    let key_fields: Vec<Value> = key
                        .iter()
                        .map(|&i| row.get(i).cloned().unwrap_or_default())
                        .collect();
                    self.key_buf.clear();
                    key_codec.encode(&key_fields, &mut self.key_buf);
                    let tombstone = kind == RowKind::Delete;
                    if !tombstone {
                        self.codec.encode(value, &mut self.value_buf);
                    }
                    let meta = (self.timestamp_of(&row), self.headers_of(&row));
                    self.send(Some(0), tombstone, meta)?;
                }
                SinkMode::Stream { key_codec } => {
                    self.codec.encode(value, &mut self.value_buf);
                    let key = match key_codec {
                        Some(key_codec) => {
                            self.key_buf.clear();
                            key_codec.encode(value, &mut self.key_buf);
                            Some(0)
                        }
                        None => None,
                    };
                    self.send(key, false, (None, None))?;
                }
            }
        }
        if let Some(producer) = &self.producer {
            producer.poll(Duration::ZERO);
        }
        self.check_deliveries()
    }

    fn on_processing_time(&mut self, _now: i64, _out: &mut Batch) -> Result<()> {
        if let Some(producer) = &self.producer {
            producer.poll(Duration::ZERO);
        }
        self.check_deliveries()
    }

    fn on_checkpoint(&mut self, _checkpoint_id: u64) -> Result<()> {
        self.flush()
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.flush()
    }
}
