//! Partition discovery against the real broker: a topic gains a partition while an unbounded job
//! reads it; the source with `'scan.topic-partition-discovery.interval' = '1 s'` finds the new
//! partition and reads it from its beginning, the same table with discovery off (`'0'`) does not.

use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;

use crate::connectors_kafka::{block_on, consume_all, ensure_kafka, new_topic, produce_to, BROKER};
use sluice_e2e::{build, scratch_dir, RunningJob};

/// The (source, id) pairs in the sink topic now (`{"src":"fast","id":3}`).
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

fn expected(src: &str, ids: std::ops::RangeInclusive<i64>) -> Vec<(String, i64)> {
    ids.map(|id| (src.to_string(), id)).collect()
}

#[test]
fn an_unbounded_source_discovers_new_partitions() {
    ensure_kafka();
    let input = new_topic("discovery", 1);
    let output = new_topic("discovery-copy", 1);
    produce_to(&input, 0, &json_ids(1..=5));
    let dir = scratch_dir().join("kafka").join("discovery");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let job = dir.join("job.py");
    let table = |name: &str, interval: &str| {
        format!(
            r#"t_env.execute_sql("""
CREATE TABLE {name} (id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.topic-partition-discovery.interval' = '{interval}',
  'properties.fetch.wait.max.ms' = '20', 'format' = 'json')
""")
"#
        )
    };
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
    let binary = build(&job, "kafka_discovery", &[]);
    let mut run = RunningJob::start(&binary, &[], &dir);
    let wait_for = |want: &[(String, i64)], run: &RunningJob| {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut got = copied(&output);
        while got != want && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(300));
            got = copied(&output);
        }
        assert_eq!(got, want, "job log:\n{}", run.log.join("\n"));
    };
    let mut want = [expected("fast", 1..=5), expected("off", 1..=5)].concat();
    want.sort();
    wait_for(&want, &run);

    // The topic gets a second partition, and messages there.
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", BROKER).create().expect("admin client");
    let results = block_on(admin.create_partitions(
        &[NewPartitions::new(&input, 2)],
        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
    ))
    .expect("create_partitions");
    for r in results {
        r.unwrap_or_else(|(t, e)| panic!("adding a partition to {t}: {e}"));
    }
    produce_to(&input, 1, &json_ids(6..=10));
    let mut want = [expected("fast", 1..=10), expected("off", 1..=5)].concat();
    want.sort();
    wait_for(&want, &run);
    // The source without discovery still has not read the new partition a while later.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(copied(&output), want, "the source with discovery off reads only partition 0");

    let _ = run.child.kill();
    let _ = run.finish(Duration::from_secs(10));
    let log = run.log.join("\n");
    assert!(
        log.contains(&format!("default_database, fast]]): discovered 1 new partition(s): {input}-1")),
        "{log}"
    );
    assert!(!log.contains("default_database, off]]): discovered"), "{log}");
}
