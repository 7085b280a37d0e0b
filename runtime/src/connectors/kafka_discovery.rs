//! Partition discovery of an unbounded Kafka source, as Flink's `KafkaSource` does it: every
//! `scan.topic-partition-discovery.interval` (`partition.discovery.interval.ms` for the DataStream
//! API; 5 minutes by default, 0 or less: never) the source looks at the cluster's metadata and
//! assigns itself the partitions that appeared since (new partitions of its topics, the partitions
//! of new topics matching its pattern), read from their beginning, as Flink reads partitions
//! discovered after the start. A broker that does not answer is logged and asked again next time.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::kafka::{KafkaClientConfig, LoggingContext};
use super::log;

/// How long a look may wait for the cluster's metadata.
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);

pub struct PartitionDiscovery {
    every: Duration,
    last: Instant,
    /// The partitions assigned so far.
    assigned: BTreeSet<(String, i32)>,
}

impl PartitionDiscovery {
    /// Discovery every `interval_ms`, or `None` for 0 or less.
    pub fn every(interval_ms: i64) -> Option<Self> {
        let ms = u64::try_from(interval_ms).ok().filter(|ms| *ms > 0)?;
        Some(PartitionDiscovery {
            every: Duration::from_millis(ms),
            last: Instant::now(),
            assigned: BTreeSet::new(),
        })
    }

    /// The source's assignment at its start; the next look is an interval later.
    pub fn assigned(&mut self, assignment: &TopicPartitionList) {
        self.assigned = assignment
            .elements()
            .iter()
            .map(|e| (e.topic().to_string(), e.partition()))
            .collect();
        self.last = Instant::now();
    }

    /// Whether it is time to look again.
    pub fn due(&self) -> bool {
        self.last.elapsed() >= self.every
    }

    /// Assigns `consumer` the partitions of `client`'s topics (its pattern's, matched again) that
    /// are new since the last look; `name` is the source's, for the log.
    pub fn discover(&mut self, name: &str, client: &KafkaClientConfig, consumer: &BaseConsumer<LoggingContext>) {
        self.last = Instant::now();
        let metadata = match consumer.fetch_metadata(None, METADATA_TIMEOUT) {
            Ok(metadata) => metadata,
            Err(e) => {
                log(name, &format!("partition discovery: cannot read the cluster's metadata: {e}"));
                return;
            }
        };
        let pattern = client
            .topic_pattern
            .as_ref()
            .and_then(|p| regex::Regex::new(&format!("^(?:{p})$")).ok());
        let wanted = |topic: &str| match &pattern {
            Some(regex) => !topic.starts_with("__") && regex.is_match(topic),
            None => client.topics.iter().any(|t| t == topic),
        };
        let mut new = TopicPartitionList::new();
        let mut found = Vec::new();
        for topic in metadata.topics().iter().filter(|t| t.error().is_none() && wanted(t.name())) {
            for partition in topic.partitions() {
                let key = (topic.name().to_string(), partition.id());
                if !self.assigned.contains(&key) && new.add_partition_offset(topic.name(), partition.id(), Offset::Beginning).is_ok() {
                    found.push(key);
                }
            }
        }
        if found.is_empty() {
            return;
        }
        match consumer.incremental_assign(&new) {
            Ok(()) => {
                let names: Vec<String> = found.iter().map(|(t, p)| format!("{t}-{p}")).collect();
                log(name, &format!("discovered {} new partition(s): {}", found.len(), names.join(", ")));
                self.assigned.extend(found);
            }
            Err(e) => log(name, &format!("partition discovery: cannot assign new partitions: {e}")),
        }
    }
}
