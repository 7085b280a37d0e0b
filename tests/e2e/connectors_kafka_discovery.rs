//! Partition discovery against the real broker, while an unbounded job reads: a source with
//! `'scan.topic-partition-discovery.interval' = '1 s'` finds what appeared since its start and reads
//! it from the beginning, the same table with discovery off (`'0'`) does not. New topics matching a
//! `topic-pattern` are found that way; so are new partitions of a topic, where the broker can add
//! them (tansu does not support CreatePartitions, so that test skips itself there).

use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use crate::connectors_kafka::{block_on, consume_all, ensure_kafka, new_topic, produce_to, unique, BROKER};
use sluice_e2e::{build, scratch_dir, RunningJob};

/// The (source, id) pairs in the sink topic now (`{"src":"fast","id":3}`), sorted.
fn copied(topic: &str) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = consume_all(BROKER, topic, 1)
        .into_iter()
        .filter_map(|(_, v)| {
            let v: serde_json::Value = serde_json::from_str(&v.unwrap_or_default()).ok()?;
            Some((v["src"].as_str()?.to_string(), v["id"].as_i64()?))
        })
        .collect();
    rows.sort();
    rows
}

fn json_ids(ids: std::ops::RangeInclusive<i64>) -> Vec<String> {
    ids.map(|id| format!(r#"{{"id":{id}}}"#)).collect()
}

/// Rows of both sources: `fast` read `fast_ids`, `off` read `off_ids`, sorted.
fn expected(fast_ids: std::ops::RangeInclusive<i64>, off_ids: std::ops::RangeInclusive<i64>) -> Vec<(String, i64)> {
    let mut rows = fast_only(fast_ids);
    rows.extend(off_ids.map(|id| ("off".to_string(), id)));
    rows.sort();
    rows
}

/// Rows of the `fast` source alone.
fn fast_only(ids: std::ops::RangeInclusive<i64>) -> Vec<(String, i64)> {
    ids.map(|id| ("fast".to_string(), id)).collect()
}

/// Starts a job copying `topic_option` (`'topic' = '...'` or `'topic-pattern' = '...'`) twice into
/// `output`: as table `fast` (discovery every second) and `off` (discovery off).
fn start_job(name: &str, topic_option: &str, output: &str) -> RunningJob {
    let dir = scratch_dir().join("kafka").join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let table = |table: &str, interval: &str| {
        format!(
            r#"t_env.execute_sql("""
CREATE TABLE {table} (id BIGINT) WITH (
  'connector' = 'kafka', {topic_option}, 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.topic-partition-discovery.interval' = '{interval}',
  'properties.fetch.wait.max.ms' = '20', 'format' = 'json')
""")
"#
        )
    };
    let job = dir.join("job.py");
    std::fs::write(
        &job,
        format!(
            r#"from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
{}{}t_env.execute_sql("""
CREATE TABLE copy (src STRING, id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = '{output}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
s = t_env.create_statement_set()
s.add_insert_sql("INSERT INTO copy SELECT 'fast', id FROM fast")
s.add_insert_sql("INSERT INTO copy SELECT 'off', id FROM off")
s.execute().wait()
"#,
            table("fast", "1 s"),
            table("off", "0")
        ),
    )
    .expect("write job");
    let binary = build(&job, &format!("kafka_{name}"), &[]);
    RunningJob::start(&binary, &[], &dir)
}

/// Waits (up to 60 s) until `output` holds exactly `want`.
fn wait_for(output: &str, want: &[(String, i64)], run: &mut RunningJob) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut got = copied(output);
    while got != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(300));
        got = copied(output);
    }
    run.drain();
    assert_eq!(got, want, "job log:\n{}", run.log.join("\n"));
}

/// Stops the unbounded job; its log.
fn stop(mut run: RunningJob) -> String {
    let _ = run.child.kill();
    let _ = run.finish(Duration::from_secs(10));
    run.log.join("\n")
}

#[test]
fn an_unbounded_source_discovers_new_topics_of_its_pattern() {
    ensure_kafka();
    let base = unique("discover-topics");
    let first = format!("{base}-a");
    crate::connectors_kafka::create_topic(BROKER, &first, 1);
    let output = new_topic("discover-topics-copy", 1);
    produce_to(&first, 0, &json_ids(1..=5));
    let mut run = start_job("discover_topics", &format!("'topic-pattern' = '{base}-.*'"), &output);
    wait_for(&output, &expected(1..=5, 1..=5), &mut run);

    // A second topic matching the pattern, with messages produced before the source can find it.
    let second = format!("{base}-b");
    crate::connectors_kafka::create_topic(BROKER, &second, 1);
    produce_to(&second, 0, &json_ids(6..=10));
    wait_for(&output, &expected(1..=10, 1..=5), &mut run);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(copied(&output), expected(1..=10, 1..=5), "the source with discovery off reads only {first}");
    let log = stop(run);
    assert!(
        log.contains(&format!("default_database, fast]]): discovered 1 new partition(s): {second}-0")),
        "{log}"
    );
    assert!(!log.contains("default_database, off]]): discovered"), "{log}");
}

/// Adds a partition to `topic`: `false` when the broker does not support it.
fn add_partition(topic: &str) -> bool {
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", BROKER).create().expect("admin client");
    let added = block_on(admin.create_partitions(
        &[NewPartitions::new(topic, 2)],
        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
    ));
    match added {
        Err(KafkaError::AdminOp(RDKafkaErrorCode::UnsupportedFeature)) => false,
        Err(e) => panic!("create_partitions: {e}"),
        Ok(results) => {
            for r in results {
                r.unwrap_or_else(|(t, e)| panic!("adding a partition to {t}: {e}"));
            }
            true
        }
    }
}

#[test]
fn an_unbounded_source_discovers_new_partitions() {
    ensure_kafka();
    let probe = new_topic("discover-probe", 1);
    if !add_partition(&probe) {
        eprintln!("skipped: the broker on {BROKER} does not support CreatePartitions (tansu does not)");
        return;
    }
    let input = new_topic("discover-partitions", 1);
    let output = new_topic("discover-partitions-copy", 1);
    produce_to(&input, 0, &json_ids(1..=5));
    let mut run = start_job("discover_partitions", &format!("'topic' = '{input}'"), &output);
    wait_for(&output, &expected(1..=5, 1..=5), &mut run);
    assert!(add_partition(&input), "the broker added a partition before");
    produce_to(&input, 1, &json_ids(6..=10));
    wait_for(&output, &expected(1..=10, 1..=5), &mut run);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(copied(&output), expected(1..=10, 1..=5), "the source with discovery off reads only partition 0");
    let log = stop(run);
    assert!(
        log.contains(&format!("default_database, fast]]): discovered 1 new partition(s): {input}-1")),
        "{log}"
    );
}

/// The DataStream API's unbounded `KafkaSource` with `partition.discovery.interval.ms` set: a topic
/// matching its pattern created while it runs is read from its beginning.
#[test]
fn a_datastream_source_discovers_new_topics_of_its_pattern() {
    ensure_kafka();
    let base = unique("ds-discover");
    let first = format!("{base}-a");
    crate::connectors_kafka::create_topic(BROKER, &first, 1);
    let output = new_topic("ds-discover-copy", 1);
    produce_to(&first, 0, &json_ids(1..=3));
    let dir = scratch_dir().join("kafka").join("ds_discovery");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let job = dir.join("job.py");
    std::fs::write(
        &job,
        r#"import sys
from pyflink.common import Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema,
                                                 KafkaSink, KafkaSource)

servers, pattern, output = sys.argv[1:4]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
source = KafkaSource.builder() \
    .set_bootstrap_servers(servers) \
    .set_topic_pattern(pattern) \
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
    .set_property("partition.discovery.interval.ms", "1000") \
    .set_property("fetch.wait.max.ms", "20") \
    .set_value_only_deserializer(SimpleStringSchema()) \
    .build()
sink = KafkaSink.builder().set_bootstrap_servers(servers).set_record_serializer(
    KafkaRecordSerializationSchema.builder().set_topic(output)
    .set_value_serialization_schema(SimpleStringSchema()).build()).build()
env.from_source(source, WatermarkStrategy.no_watermarks(), "events") \
    .map(lambda s: s.replace('"id"', '"src":"fast","id"'), output_type=Types.STRING()) \
    .sink_to(sink)
env.execute("discovery")
"#,
    )
    .expect("write job");
    let args = [BROKER.to_string(), format!("{base}-.*"), output.clone()];
    let binary = build(&job, "kafka_ds_discovery", &args);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut run = RunningJob::start(&binary, &args, &dir);
    wait_for(&output, &fast_only(1..=3), &mut run);
    let second = format!("{base}-b");
    crate::connectors_kafka::create_topic(BROKER, &second, 1);
    produce_to(&second, 0, &json_ids(4..=6));
    wait_for(&output, &fast_only(1..=6), &mut run);
    let log = stop(run);
    assert!(log.contains(&format!("events: discovered 1 new partition(s): {second}-0")), "{log}");
}
