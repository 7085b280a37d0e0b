//! The Kafka source (`'connector' = 'kafka'`, legacy `'connector.type' = 'kafka'`), as Flink's
//! `KafkaSource` reads: the source assigns itself every partition of its topics (no consumer-group
//! rebalancing; the group id only names where offsets are committed), starting where the startup
//! mode says, and decodes each message with the table's format.
//!
//! - Startup: `earliest-offset`, `latest-offset`, `group-offsets` (the group's committed offsets; a
//!   partition without one starts as `auto.offset.reset` says, `latest` by default as in Kafka's
//!   client), `timestamp`, `specific-offsets`.
//! - `scan.bounded.mode = 'latest-offset'` makes the source bounded: it ends when it has read every
//!   partition to its end (the client's end-of-partition event; the broker's list-offsets answer is
//!   not trusted, as tansu's counts batches, not records), so messages produced before the start are
//!   all read. Otherwise it never ends; an idle poll returns an empty batch so
//!   processing time (sink flushes) advances.
//! - A message that does not decode fails the job naming its topic, partition and offset; with
//!   `ignore-parse-errors` it is skipped, logged (the first few) and counted (a summary line every
//!   10 s while skipping and at the end).
//! - Each record's timestamp is the message's Kafka timestamp (event time for DataStream jobs);
//!   metadata columns (`topic`, `partition`, `offset`, `timestamp`, `timestamp-type`) come from the
//!   message, so `WATERMARK FOR ts` over a `timestamp` column makes Kafka's time the event time.
//! - The broker unreachable at start is a clear error; a broker gone mid-run is logged by the client,
//!   which reconnects and goes on from the same offsets.
//! - Offsets are committed (to the group, if any) at checkpoints, as Flink does; the consumer's
//!   position is the state a checkpoint will snapshot.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::formats::RowCodec;
use super::kafka::{KafkaClientConfig, LoggingContext};
use super::log;
use crate::error::{JobError, Result};
use crate::operator::Source;
use crate::record::{Batch, Record};
use crate::table::datetime::ts_to_str;
use crate::value::Value;

/// Where the source starts reading.
#[derive(Debug, Clone, PartialEq)]
pub enum StartupMode {
    Earliest,
    Latest,
    GroupOffsets,
    Timestamp(i64),
    SpecificOffsets(Vec<(i32, i64)>),
}

/// Where one column of the table comes from: the decoded message value, or the message's metadata
/// (`METADATA FROM 'key'` columns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KafkaColumn {
    /// The `i`-th field the format decodes.
    Value(usize),
    Topic,
    Partition,
    Offset,
    /// The message's timestamp (as `yyyy-MM-dd HH:mm:ss.SSS` text, UTC; cast to the column's type).
    Timestamp,
    /// `CreateTime`, `LogAppendTime` or `NoTimestampType`.
    TimestampType,
}

/// How long the start may wait for the broker's metadata before failing.
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one idle poll waits for a message.
const POLL_TIMEOUT: Duration = Duration::from_millis(100);
/// Skipped records logged one by one before only the counts are.
const LOGGED_SKIPS: u64 = 5;

pub struct KafkaTableSource {
    name: String,
    client: KafkaClientConfig,
    startup: StartupMode,
    bounded: bool,
    codec: RowCodec,
    /// The table's columns; empty: exactly the decoded fields.
    layout: Vec<KafkaColumn>,
    ignore_parse_errors: bool,
    consumer: Option<BaseConsumer<LoggingContext>>,
    /// For a bounded source: the partitions not yet read to their end.
    pending: HashSet<(String, i32)>,
    skipped: u64,
    last_skip_report: Instant,
}

impl KafkaTableSource {
    pub fn new(
        client: KafkaClientConfig,
        startup: StartupMode,
        bounded: bool,
        codec: RowCodec,
        ignore_parse_errors: bool,
    ) -> Self {
        let name = format!(
            "TableSourceScan(table=[[default_catalog, default_database, {}]])",
            client.table
        );
        KafkaTableSource {
            name,
            client,
            startup,
            bounded,
            codec: codec.lenient(ignore_parse_errors),
            layout: Vec::new(),
            ignore_parse_errors,
            consumer: None,
            pending: HashSet::new(),
            skipped: 0,
            last_skip_report: Instant::now(),
        }
    }

    /// The table's columns, when some come from the messages' metadata.
    pub fn with_layout(mut self, layout: Vec<KafkaColumn>) -> Self {
        self.layout = layout;
        self
    }

    fn unreachable(&self, what: &str, e: impl std::fmt::Display) -> JobError {
        JobError::User(format!(
            "{}: {what} (bootstrap servers {}): {e}",
            self.name, self.client.bootstrap_servers
        ))
    }

    /// Every partition of the topics, with the offset the startup mode gives.
    fn assignment(&self, consumer: &BaseConsumer<LoggingContext>) -> Result<TopicPartitionList> {
        let mut assignment = TopicPartitionList::new();
        for topic in &self.client.topics {
            let metadata = consumer
                .fetch_metadata(Some(topic), METADATA_TIMEOUT)
                .map_err(|e| self.unreachable("cannot reach the Kafka cluster", e))?;
            let Some(meta) = metadata.topics().iter().find(|t| t.name() == topic) else {
                return Err(JobError::User(format!("{}: no topic '{topic}'", self.name)));
            };
            if let Some(err) = meta.error() {
                return Err(JobError::User(format!(
                    "{}: topic '{topic}' is not readable: {err:?}",
                    self.name
                )));
            }
            if meta.partitions().is_empty() {
                return Err(JobError::User(format!(
                    "{}: the topic '{topic}' does not exist (or has no partitions)",
                    self.name
                )));
            }
            for partition in meta.partitions() {
                let offset = match &self.startup {
                    StartupMode::Earliest => Offset::Beginning,
                    StartupMode::Latest => Offset::End,
                    StartupMode::GroupOffsets | StartupMode::Timestamp(_) => Offset::Invalid,
                    StartupMode::SpecificOffsets(offsets) => offsets
                        .iter()
                        .find(|(p, _)| *p == partition.id())
                        .map_or(Offset::Invalid, |(_, o)| Offset::Offset(*o)),
                };
                assignment
                    .add_partition_offset(topic, partition.id(), offset)
                    .map_err(|e| JobError::Internal(format!("assigning {topic}: {e}")))?;
            }
        }
        match &self.startup {
            StartupMode::GroupOffsets if self.client.group_id.is_some() => {
                assignment = consumer
                    .committed_offsets(assignment, METADATA_TIMEOUT)
                    .map_err(|e| self.unreachable("cannot read the group's committed offsets", e))?;
            }
            StartupMode::Timestamp(ts) => {
                let mut times = TopicPartitionList::new();
                for element in assignment.elements() {
                    times
                        .add_partition_offset(element.topic(), element.partition(), Offset::Offset(*ts))
                        .map_err(|e| JobError::Internal(format!("timestamp offsets: {e}")))?;
                }
                assignment = consumer
                    .offsets_for_times(times, METADATA_TIMEOUT)
                    .map_err(|e| self.unreachable("cannot look up offsets for the timestamp", e))?;
            }
            _ => {}
        }
        // Resolve "the end" now rather than letting the client look it up after the assignment, so
        // that everything produced after the start (and the start's log line) is read.
        let reset_to_end = self
            .client
            .properties
            .iter()
            .find(|(k, _)| k == "auto.offset.reset")
            .is_none_or(|(_, v)| matches!(v.as_str(), "latest" | "largest" | "end"));
        let mut resolved = TopicPartitionList::new();
        for element in assignment.elements() {
            let offset = match element.offset() {
                Offset::End => Some(true),
                Offset::Invalid => Some(reset_to_end),
                _ => None,
            };
            let offset = match offset {
                Some(true) => {
                    let (_, high) = consumer
                        .fetch_watermarks(element.topic(), element.partition(), METADATA_TIMEOUT)
                        .map_err(|e| self.unreachable("cannot read the partitions' offsets", e))?;
                    Offset::Offset(high)
                }
                Some(false) => Offset::Beginning,
                None => element.offset(),
            };
            resolved
                .add_partition_offset(element.topic(), element.partition(), offset)
                .map_err(|e| JobError::Internal(format!("assigning {}: {e}", element.topic())))?;
        }
        Ok(resolved)
    }

    fn skip(&mut self, topic: &str, partition: i32, offset: i64, error: &str) {
        self.skipped += 1;
        if self.skipped <= LOGGED_SKIPS {
            log(
                &self.name,
                &format!("skipped a malformed record (topic {topic}, partition {partition}, offset {offset}): {error}"),
            );
        }
        if self.last_skip_report.elapsed() >= Duration::from_secs(10) {
            self.report_skips();
        }
    }

    fn report_skips(&mut self) {
        self.last_skip_report = Instant::now();
        if self.skipped > 0 {
            log(&self.name, &format!("{} malformed records skipped so far", self.skipped));
        }
    }

    /// Whether every partition of a bounded source reached its stop offset.
    fn finished(&self) -> bool {
        self.bounded && self.pending.is_empty()
    }
}

impl Source for KafkaTableSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        self.client = self.client.clone().with_overrides();
        // librdkafka only assigns partitions to a consumer with a group id; without the user's, the
        // source uses its own and never commits to it.
        let mut settings = self.client.clone();
        if settings.group_id.is_none() {
            settings.group_id = Some(format!("sluice-{}", settings.table));
        }
        let consumer: BaseConsumer<LoggingContext> = settings
            .client_config(&[
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "latest"),
                ("enable.partition.eof", if self.bounded { "true" } else { "false" }),
            ])
            .create_with_context(LoggingContext {
                operator: self.name.clone(),
            })
            .map_err(|e| JobError::User(format!("{}: bad Kafka client settings: {e}", self.name)))?;
        let assignment = self.assignment(&consumer)?;
        if self.bounded {
            for element in assignment.elements() {
                self.pending.insert((element.topic().to_string(), element.partition()));
            }
        }
        consumer
            .assign(&assignment)
            .map_err(|e| self.unreachable("cannot assign the topics' partitions", e))?;
        log(
            &self.name,
            &format!(
                "reading {} partition(s) of {} from {}",
                assignment.count(),
                self.client.topics.join(", "),
                self.client.bootstrap_servers
            ),
        );
        self.consumer = Some(consumer);
        Ok(())
    }

    fn next_batch(&mut self, max: usize, out: &mut Batch) -> Result<bool> {
        if self.finished() {
            return Ok(false);
        }
        let Some(consumer) = self.consumer.take() else {
            return Ok(false);
        };
        let mut timeout = POLL_TIMEOUT;
        let mut result = Ok(());
        while out.len() < max {
            let message = match consumer.poll(timeout) {
                None => break,
                Some(Err(KafkaError::PartitionEOF(partition))) => {
                    // Only a bounded source asks for end-of-partition events.
                    self.pending.retain(|(_, p)| *p != partition);
                    if self.finished() {
                        break;
                    }
                    continue;
                }
                Some(Err(e)) => {
                    log(&self.name, &format!("kafka: {e}"));
                    break;
                }
                Some(Ok(message)) => message,
            };
            timeout = Duration::ZERO;
            let (topic, partition, offset) = (message.topic(), message.partition(), message.offset());
            match self.codec.decode(message.payload().unwrap_or_default()) {
                Ok(fields) => {
                    let fields = if self.layout.is_empty() {
                        fields
                    } else {
                        self.layout
                            .iter()
                            .map(|column| match *column {
                                KafkaColumn::Value(i) => fields.get(i).cloned().unwrap_or_default(),
                                KafkaColumn::Topic => Value::Str(std::sync::Arc::from(topic)),
                                KafkaColumn::Partition => Value::Int(i64::from(partition)),
                                KafkaColumn::Offset => Value::Int(offset),
                                KafkaColumn::Timestamp => message
                                    .timestamp()
                                    .to_millis()
                                    .map_or(Value::Null, |ms| Value::Str(ts_to_str(ms, 3))),
                                KafkaColumn::TimestampType => Value::Str(std::sync::Arc::from(
                                    match message.timestamp() {
                                        rdkafka::Timestamp::CreateTime(_) => "CreateTime",
                                        rdkafka::Timestamp::LogAppendTime(_) => "LogAppendTime",
                                        rdkafka::Timestamp::NotAvailable => "NoTimestampType",
                                    },
                                )),
                            })
                            .collect()
                    };
                    let mut record = Record::new(Value::row(fields));
                    record.timestamp = message.timestamp().to_millis();
                    out.push(record);
                }
                Err(e) if self.ignore_parse_errors => {
                    let topic = topic.to_string();
                    self.skip(&topic, partition, offset, &e);
                }
                Err(e) => {
                    result = Err(JobError::User(format!(
                        "{}: cannot decode the record at topic {topic}, partition {partition}, offset \
                         {offset}: {e} (set 'format.ignore-parse-errors' / '<format>.ignore-parse-errors' \
                         = 'true' to skip such records)",
                        self.name
                    )));
                    break;
                }
            }
            if self.finished() {
                break;
            }
        }
        self.consumer = Some(consumer);
        result?;
        if self.ignore_parse_errors && self.last_skip_report.elapsed() >= Duration::from_secs(10) {
            self.report_skips();
        }
        Ok(!self.finished())
    }

    fn on_close(&mut self) -> Result<()> {
        if self.skipped > 0 {
            log(&self.name, &format!("{} malformed records skipped in all", self.skipped));
        }
        Ok(())
    }
}
