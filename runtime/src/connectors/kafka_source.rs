//! The Kafka source of both APIs: a table's `'connector' = 'kafka'` (legacy `'connector.type' =
//! 'kafka'`) and the DataStream API's `KafkaSource` builder (`env.from_source(source, ...)`), read
//! as Flink's `KafkaSource` reads: the source assigns itself every partition of its topics (no
//! consumer-group rebalancing; the group id only names where offsets are committed), starting where
//! the startup mode says, and decodes each message's value with its format.
//!
//! - Topics: a list, or a pattern (`'topic-pattern'`, `set_topic_pattern`) that the whole topic name
//!   matches (as Java's `Pattern.matcher(topic).matches()`), resolved at start (internal `__` topics
//!   excluded, as Kafka's admin client lists topics). An unbounded source looks for new partitions
//!   and matching topics every `scan.topic-partition-discovery.interval` (5 minutes by default, as
//!   in Flink; 0 disables it) and reads them from their beginning.
//! - Startup: `earliest-offset`, `latest-offset`, `group-offsets` (the group's committed offsets; a
//!   partition without one starts as `auto.offset.reset` says, `latest` by default as in Kafka's
//!   client, or fails with `none`), `timestamp`, `specific-offsets` (by partition; by topic and
//!   partition for `KafkaOffsetsInitializer.offsets`).
//! - Bounded (`scan.bounded.mode = 'latest-offset'`, `set_bounded(KafkaOffsetsInitializer.latest())`):
//!   the source ends when it has read every partition to its end (the client's end-of-partition
//!   event; the broker's list-offsets answer is not trusted, as tansu's counts batches, not records),
//!   so messages produced before the start are all read. Each partition is then read from its own
//!   queue, because the end-of-partition event names only the partition's number, which several
//!   topics share. Otherwise the source never ends; an idle poll returns an empty batch so
//!   processing time (sink flushes) advances.
//! - Records: a table's row (decoded fields of the value and, with `key.fields`, of the key, and
//!   metadata columns `topic`, `partition`, `offset`, `timestamp`, `timestamp-type`, `headers` from
//!   the message), or a DataStream element (the one decoded field
//!   of `SimpleStringSchema`, the row of `JsonRowDeserializationSchema`). Each record's timestamp is
//!   the message's Kafka timestamp (event time for DataStream jobs), so `WATERMARK FOR ts` over a
//!   `timestamp` column makes Kafka's time the event time.
//! - A message that does not decode fails the job naming its topic, partition and offset; with
//!   `ignore-parse-errors` it is skipped, logged (the first few) and counted (a summary line every
//!   10 s while skipping and at the end).
//! - The broker unreachable at start is a clear error; a broker gone mid-run is logged by the client,
//!   which reconnects and goes on from the same offsets (logged when messages come again).
//! - Offsets are committed (to the group, if any) at checkpoints, as Flink does; the consumer's
//!   position is the state a checkpoint will snapshot.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use super::formats::RowCodec;
use super::kafka::{KafkaClientConfig, LoggingContext};
use super::kafka_discovery::PartitionDiscovery;
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
    /// Offsets by partition, for every topic (a table's `scan.startup.specific-offsets`).
    SpecificOffsets(Vec<(i32, i64)>),
    /// Offsets by topic and partition (`KafkaOffsetsInitializer.offsets({KafkaTopicPartition: n})`);
    /// other partitions start as `auto.offset.reset` says.
    TopicOffsets(Vec<(String, i32, i64)>),
}

/// Where one column of the table comes from: the decoded message value, or the message's metadata
/// (`METADATA FROM 'key'` columns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KafkaColumn {
    /// The `i`-th field the format decodes.
    Value(usize),
    /// The `i`-th field the key format decodes (`key.fields`; NULL for a message without a key).
    Key(usize),
    Topic,
    Partition,
    Offset,
    /// The message's timestamp (as `yyyy-MM-dd HH:mm:ss.SSS` text, UTC; cast to the column's type).
    Timestamp,
    /// The message's timestamp as an instant (a TIMESTAMP_LTZ column).
    Instant,
    /// `CreateTime`, `LogAppendTime` or `NoTimestampType`.
    TimestampType,
    /// The message's headers: a MAP<STRING, BYTES> (a key given twice: its last value, as Flink's
    /// map; a header without a value: NULL).
    Headers,
}

/// How long the start may wait for the broker's metadata before failing.
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one idle poll waits for a message.
const POLL_TIMEOUT: Duration = Duration::from_millis(100);
/// How long a bounded source waits on the client between rounds over its idle partition queues.
const QUEUE_WAIT: Duration = Duration::from_millis(5);
/// Skipped records logged one by one before only the counts are.
const LOGGED_SKIPS: u64 = 5;

/// A partition a bounded source has not read to its end yet, with the queue its messages arrive on.
struct PendingPartition {
    topic: String,
    partition: i32,
    queue: rdkafka::consumer::base_consumer::PartitionQueue<LoggingContext>,
}

pub struct KafkaSource {
    name: String,
    client: KafkaClientConfig,
    startup: StartupMode,
    bounded: bool,
    codec: RowCodec,
    /// The key format's codec, when some columns come from the message key (`key.fields`).
    key_codec: Option<RowCodec>,
    /// The table's columns; empty: exactly the decoded fields.
    layout: Vec<KafkaColumn>,
    /// A DataStream element that is the one decoded field (STRING), not a row of the fields.
    single_field: bool,
    ignore_parse_errors: bool,
    consumer: Option<Arc<BaseConsumer<LoggingContext>>>,
    /// For a bounded source: the partitions not yet read to their end.
    pending: Vec<PendingPartition>,
    /// An unbounded source's look for new partitions (and topics matching its pattern).
    discovery: Option<PartitionDiscovery>,
    skipped: u64,
    last_skip_report: Instant,
    /// The client lost every broker connection and no message came since.
    disconnected: bool,
}

impl KafkaSource {
    /// The source of the Kafka table `client.table` (rows of the decoded fields).
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
        KafkaSource {
            name,
            client,
            startup,
            bounded,
            codec: codec.lenient(ignore_parse_errors),
            key_codec: None,
            layout: Vec::new(),
            single_field: false,
            ignore_parse_errors,
            consumer: None,
            pending: Vec::new(),
            discovery: None,
            skipped: 0,
            last_skip_report: Instant::now(),
            disconnected: false,
        }
    }

    /// A DataStream `KafkaSource` named `name` (`from_source`'s source name); `single_field`: each
    /// element is the one field `codec` decodes (`SimpleStringSchema`), else the row of its fields.
    pub fn for_stream(
        name: &str,
        client: KafkaClientConfig,
        startup: StartupMode,
        bounded: bool,
        codec: RowCodec,
        single_field: bool,
        ignore_parse_errors: bool,
    ) -> Self {
        let mut source = KafkaSource::new(client, startup, bounded, codec, ignore_parse_errors);
        source.name = name.to_string();
        source.single_field = single_field;
        source
    }

    /// The table's columns, when some come from the messages' metadata or key.
    pub fn with_layout(mut self, layout: Vec<KafkaColumn>) -> Self {
        self.layout = layout;
        self
    }

    /// Looks for new partitions every `interval_ms` (`scan.topic-partition-discovery.interval`;
    /// 0 or less: never), when unbounded, as Flink's source does.
    pub fn with_partition_discovery(mut self, interval_ms: i64) -> Self {
        self.discovery = PartitionDiscovery::every(interval_ms);
        self
    }

    /// Decodes each message's key with `codec` (the layout's [`KafkaColumn::Key`] columns).
    pub fn with_key(mut self, codec: RowCodec) -> Self {
        self.key_codec = Some(codec.lenient(self.ignore_parse_errors));
        self
    }

    /// The decoded key fields (none without a key codec; NULLs for a message without a key).
    fn decode_key(&self, message: &BorrowedMessage<'_>) -> std::result::Result<Vec<Value>, String> {
        match (&self.key_codec, message.key()) {
            (None, _) => Ok(Vec::new()),
            (Some(codec), None) => Ok(vec![Value::Null; codec.width()]),
            (Some(codec), Some(key)) => codec.decode(key).map_err(|e| format!("the key: {e}")),
        }
    }

    fn unreachable(&self, what: &str, e: impl std::fmt::Display) -> JobError {
        JobError::User(format!(
            "{}: {what} (bootstrap servers {}): {e}",
            self.name, self.client.bootstrap_servers
        ))
    }

    /// The topics to read: the listed ones, or those the pattern matches now.
    fn topics(&self, consumer: &BaseConsumer<LoggingContext>) -> Result<Vec<String>> {
        let Some(pattern) = &self.client.topic_pattern else {
            return Ok(self.client.topics.clone());
        };
        let regex = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
            JobError::User(format!("{}: the topic pattern '{pattern}' is not a valid regex: {e}", self.name))
        })?;
        let metadata = consumer
            .fetch_metadata(None, METADATA_TIMEOUT)
            .map_err(|e| self.unreachable("cannot reach the Kafka cluster", e))?;
        let mut topics: Vec<String> = metadata
            .topics()
            .iter()
            .map(|t| t.name().to_string())
            .filter(|t| !t.starts_with("__") && regex.is_match(t))
            .collect();
        topics.sort();
        if topics.is_empty() {
            log(&self.name, &format!("no topic matches the pattern '{pattern}'"));
        }
        Ok(topics)
    }

    /// Every partition of the topics, with the offset the startup mode gives.
    fn assignment(
        &self,
        consumer: &BaseConsumer<LoggingContext>,
        topics: &[String],
    ) -> Result<TopicPartitionList> {
        let mut assignment = TopicPartitionList::new();
        for topic in topics {
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
                let id = partition.id();
                let offset = match &self.startup {
                    StartupMode::Earliest => Offset::Beginning,
                    StartupMode::Latest => Offset::End,
                    StartupMode::GroupOffsets | StartupMode::Timestamp(_) => Offset::Invalid,
                    StartupMode::SpecificOffsets(offsets) => offsets
                        .iter()
                        .find(|(p, _)| *p == id)
                        .map_or(Offset::Invalid, |(_, o)| Offset::Offset(*o)),
                    StartupMode::TopicOffsets(offsets) => offsets
                        .iter()
                        .find(|(t, p, _)| t == topic && *p == id)
                        .map_or(Offset::Invalid, |(_, _, o)| Offset::Offset(*o)),
                };
                assignment
                    .add_partition_offset(topic, id, offset)
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
        let reset = self
            .client
            .properties
            .iter()
            .find(|(k, _)| k == "auto.offset.reset")
            .map_or("latest", |(_, v)| v.as_str());
        let mut resolved = TopicPartitionList::new();
        for element in assignment.elements() {
            let to_end = match element.offset() {
                Offset::End => Some(true),
                Offset::Invalid => match reset {
                    "latest" | "largest" | "end" => Some(true),
                    "none" | "error" => {
                        return Err(JobError::User(format!(
                            "{}: partition {} of topic '{}' has no committed offset for group {:?} \
                             (and the offset reset strategy is NONE)",
                            self.name,
                            element.partition(),
                            element.topic(),
                            self.client.group_id.as_deref().unwrap_or_default()
                        )))
                    }
                    _ => Some(false),
                },
                _ => None,
            };
            let offset = match to_end {
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

    /// Decodes one message into `out` (or skips it, or fails, as the parse-error policy says).
    fn emit(&mut self, message: &BorrowedMessage<'_>, out: &mut Batch) -> Result<()> {
        let (topic, partition, offset) = (message.topic(), message.partition(), message.offset());
        let decoded = self
            .codec
            .decode(message.payload().unwrap_or_default())
            .and_then(|fields| Ok((fields, self.decode_key(message)?)));
        let (fields, key) = match decoded {
            Ok(decoded) => decoded,
            Err(e) if self.ignore_parse_errors => {
                let topic = topic.to_string();
                self.skip(&topic, partition, offset, &e);
                return Ok(());
            }
            Err(e) => {
                return Err(JobError::User(format!(
                    "{}: cannot decode the record at topic {topic}, partition {partition}, offset \
                     {offset}: {e} (set 'format.ignore-parse-errors' / '<format>.ignore-parse-errors' \
                     = 'true' to skip such records)",
                    self.name
                )))
            }
        };
        let value = if self.single_field {
            fields.into_iter().next().unwrap_or_default()
        } else if self.layout.is_empty() {
            Value::row(fields)
        } else {
            Value::row(
                self.layout
                    .iter()
                    .map(|column| match *column {
                        KafkaColumn::Value(i) => fields.get(i).cloned().unwrap_or_default(),
                        KafkaColumn::Key(i) => key.get(i).cloned().unwrap_or_default(),
                        KafkaColumn::Topic => Value::Str(Arc::from(topic)),
                        KafkaColumn::Partition => Value::Int(i64::from(partition)),
                        KafkaColumn::Offset => Value::Int(offset),
                        KafkaColumn::Timestamp => message
                            .timestamp()
                            .to_millis()
                            .map_or(Value::Null, |ms| Value::Str(ts_to_str(ms, 3))),
                        KafkaColumn::Headers => headers(message),
                        KafkaColumn::Instant => message.timestamp().to_millis().map_or(Value::Null, |ms| {
                            let nanos = u32::try_from(ms.rem_euclid(1000) * 1_000_000).unwrap_or(0);
                            Value::Instant(ms.div_euclid(1000), nanos)
                        }),
                        KafkaColumn::TimestampType => Value::Str(Arc::from(match message.timestamp() {
                            rdkafka::Timestamp::CreateTime(_) => "CreateTime",
                            rdkafka::Timestamp::LogAppendTime(_) => "LogAppendTime",
                            rdkafka::Timestamp::NotAvailable => "NoTimestampType",
                        })),
                    })
                    .collect(),
            )
        };
        let mut record = Record::new(value);
        record.timestamp = message.timestamp().to_millis();
        out.push(record);
        Ok(())
    }

    /// An unbounded source: whatever the client has, waiting up to [`POLL_TIMEOUT`] for the first.
    fn read_consumer(&mut self, consumer: &BaseConsumer<LoggingContext>, max: usize, out: &mut Batch) -> Result<()> {
        let mut timeout = POLL_TIMEOUT;
        while out.len() < max {
            match consumer.poll(timeout) {
                None => break,
                // The client context logged the lost connection already.
                Some(Err(KafkaError::MessageConsumption(
                    RDKafkaErrorCode::AllBrokersDown | RDKafkaErrorCode::BrokerTransportFailure,
                ))) => {
                    self.disconnected = true;
                    break;
                }
                Some(Err(e)) => {
                    log(&self.name, &format!("kafka: {e}"));
                    break;
                }
                Some(Ok(message)) => {
                    if std::mem::take(&mut self.disconnected) {
                        log(&self.name, "reading again: the broker is reachable");
                    }
                    self.emit(&message, out)?;
                }
            }
            timeout = Duration::ZERO;
        }
        Ok(())
    }

    /// A bounded source: each pending partition's queue in turn, until every one reported its end.
    fn read_partitions(&mut self, consumer: &BaseConsumer<LoggingContext>, max: usize, out: &mut Batch) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        let result = (|| {
            let started = Instant::now();
            while out.len() < max && !pending.is_empty() {
                let mut progressed = false;
                let mut i = 0;
                while i < pending.len() && out.len() < max {
                    match pending[i].queue.poll(Duration::ZERO) {
                        None => i += 1,
                        Some(Err(KafkaError::PartitionEOF(_))) => {
                            pending.remove(i);
                            progressed = true;
                        }
                        Some(Err(e)) => {
                            let p = &pending[i];
                            log(&self.name, &format!("kafka: topic {}, partition {}: {e}", p.topic, p.partition));
                            i += 1;
                        }
                        Some(Ok(message)) => {
                            self.emit(&message, out)?;
                            progressed = true;
                        }
                    }
                }
                // The client's own queue serves its events (errors, logs); it holds messages only
                // when some were fetched before the partitions were split off.
                match consumer.poll(if progressed { Duration::ZERO } else { QUEUE_WAIT }) {
                    Some(Ok(message)) => self.emit(&message, out)?,
                    // Likewise an end reached before the split: it names a partition unambiguously
                    // only when no other topic has a partition of that number.
                    Some(Err(KafkaError::PartitionEOF(p)))
                        if pending.iter().filter(|q| q.partition == p).count() == 1 =>
                    {
                        pending.retain(|q| q.partition != p);
                    }
                    Some(Err(KafkaError::PartitionEOF(_))) | None => {}
                    Some(Err(e)) => log(&self.name, &format!("kafka: {e}")),
                }
                if !progressed && (!out.is_empty() || started.elapsed() >= POLL_TIMEOUT) {
                    break;
                }
            }
            Ok(())
        })();
        self.pending = pending;
        result
    }
}

/// A message's headers as a MAP<STRING, BYTES> value.
fn headers(message: &BorrowedMessage<'_>) -> Value {
    let mut entries: Vec<(Value, Value)> = Vec::new();
    if let Some(headers) = message.headers() {
        for header in headers.iter() {
            let value = header.value.map_or(Value::Null, |v| Value::Bytes(Arc::from(v)));
            let key = Value::str(header.key);
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
        }
    }
    Value::Map(entries)
}

impl Source for KafkaSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        self.client = self.client.clone().with_overrides();
        // librdkafka only assigns partitions to a consumer with a group id; without the user's, the
        // source uses its own and never commits to it.
        let mut settings = self.client.clone();
        if settings.group_id.is_none() {
            let own = if settings.table.is_empty() { &self.name } else { &settings.table };
            settings.group_id = Some(format!("sluice-{own}"));
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
        let consumer = Arc::new(consumer);
        let topics = self.topics(&consumer)?;
        let assignment = self.assignment(&consumer, &topics)?;
        consumer
            .assign(&assignment)
            .map_err(|e| self.unreachable("cannot assign the topics' partitions", e))?;
        if let Some(discovery) = &mut self.discovery {
            discovery.assigned(&assignment);
        }
        if self.bounded {
            for element in assignment.elements() {
                let (topic, partition) = (element.topic().to_string(), element.partition());
                let queue = consumer.split_partition_queue(&topic, partition).ok_or_else(|| {
                    JobError::Internal(format!("{}: no queue for partition {partition} of {topic}", self.name))
                })?;
                self.pending.push(PendingPartition { topic, partition, queue });
            }
        }
        log(
            &self.name,
            &format!(
                "reading {} partition(s) of {} from {}",
                assignment.count(),
                self.client.describe_topics(),
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
        let Some(consumer) = self.consumer.clone() else {
            return Ok(false);
        };
        if self.bounded {
            self.read_partitions(&consumer, max, out)?;
        } else {
            if let Some(discovery) = self.discovery.as_mut().filter(|d| d.due()) {
                discovery.discover(&self.name, &self.client, &consumer);
            }
            self.read_consumer(&consumer, max, out)?;
        }
        if self.ignore_parse_errors && self.last_skip_report.elapsed() >= Duration::from_secs(10) {
            self.report_skips();
        }
        Ok(!self.finished())
    }

    fn on_close(&mut self) -> Result<()> {
        if self.skipped > 0 {
            log(&self.name, &format!("{} malformed records skipped in all", self.skipped));
        }
        self.pending.clear();
        Ok(())
    }
}
