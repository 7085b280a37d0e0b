//! Writable Kafka metadata against the real broker: a sink's `METADATA FROM 'timestamp'` column is
//! each message's timestamp; VIRTUAL metadata columns are left out of INSERT INTO.

use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use crate::connectors_kafka::{ensure_kafka, new_topic, produce_at, BROKER};
use crate::connectors_kafka_keys::{run, write_job};
use sluice_e2e::scratch_dir;

/// Every message of partition 0 of `topic` as (timestamp, value).
fn timestamps(topic: &str) -> Vec<(Option<i64>, String)> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .set("group.id", "sluice-test-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning).expect("tpl");
    consumer.assign(&tpl).expect("assign");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    loop {
        assert!(Instant::now() < deadline, "{topic} not read to its end within 30 s");
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => out.push((
                m.timestamp().to_millis(),
                String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned(),
            )),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(_))) => return out,
            _ => {}
        }
    }
}

/// Messages stamped 2023-11-14T22:13:20 + i s are copied with their timestamp moved on by an hour
/// (the sink's `ts` column is the message timestamp, not a value field); the read-only metadata
/// columns of the sink table are VIRTUAL, so the query gives only `id`, `customer` and `ts`.
#[test]
fn a_sink_writes_its_timestamp_column_as_the_message_timestamp() {
    ensure_kafka();
    let input = new_topic("meta-in", 1);
    let output = new_topic("meta-out", 1);
    let first = 1_700_000_000_000_i64;
    let messages: Vec<(Option<String>, String)> = (0..3)
        .map(|i| (None, format!(r#"{{"id":{i},"customer":"c{i}"}}"#)))
        .collect();
    produce_at(&input, &messages, Some(first));
    let dir = scratch_dir().join("kafka").join("sink_metadata");
    let job = write_job(
        &dir,
        "sink_metadata",
        &format!(
            r#"t_env.execute_sql("""
CREATE TABLE orders (
  id BIGINT,
  customer STRING,
  ts TIMESTAMP(3) METADATA FROM 'timestamp'
) WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
""")
t_env.execute_sql("""
CREATE TABLE copied (
  `offset` BIGINT METADATA VIRTUAL,
  id BIGINT,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  part INT METADATA FROM 'partition' VIRTUAL,
  customer STRING
) WITH (
  'connector' = 'kafka', 'topic' = '{output}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
t_env.execute_sql("INSERT INTO copied SELECT id, ts + INTERVAL '1' HOUR, customer FROM orders").wait()
"#
        ),
    );
    run(&job, "kafka_sink_metadata");
    let want: Vec<(Option<i64>, String)> = (0..3)
        .map(|i| {
            (
                Some(first + 3_600_000 + 1000 * i),
                format!(r#"{{"id":{i},"customer":"c{i}"}}"#),
            )
        })
        .collect();
    assert_eq!(timestamps(&output), want);
}
