//! The Kafka connector against a real broker: a tansu broker on 127.0.0.1:19092 (`tests/services.sh
//! start` builds and starts it when nothing listens there). Each test makes its own topics, produces
//! with its own client, runs a compiled job and checks what it wrote: the seed's CDN job into
//! MariaDB while it keeps running, Kafka -> Python UDF -> Kafka in JSON, an upsert-kafka changelog
//! and its tombstones, malformed records skipped or failing with their offset, an unreachable broker,
//! topic patterns read to the end of every partition, the DataStream API's KafkaSource / KafkaSink
//! (`examples/datastream_kafka`, JSON rows, keys), and a broker gone mid-run (a test-owned tansu
//! behind a proxy the test cuts).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

use crate::connectors_jdbc::{assert_same, ensure_databases, mariadb, parse_rows, Expected};
use sluice_e2e::{build, listening, scratch_dir, text, workspace_root, RunningJob};

pub(crate) const BROKER: &str = "127.0.0.1:19092";

/// The broker, started by `tests/services.sh` when nothing listens on its port.
pub(crate) fn ensure_kafka() {
    static ONCE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        if listening(19092) {
            return;
        }
        let status = Command::new("bash")
            .arg(workspace_root().join("tests/services.sh"))
            .arg("start")
            .env("SLUICE_SKIP_KAFKA", "0")
            .status()
            .expect("bash runs");
        assert!(
            status.success() && listening(19092),
            "the Kafka tests need a broker on {BROKER}; tests/services.sh start could not provide one"
        );
    });
}

/// Runs a future of the admin client to completion on this thread.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

/// A name made unique per run (the broker outlives test runs).
pub(crate) fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}-{nanos}")
}

/// Creates `name` on `broker` (tansu does not create topics on first use).
pub(crate) fn create_topic(broker: &str, name: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .create()
        .expect("admin client");
    let results = block_on(admin.create_topics(
        &[NewTopic::new(name, partitions, TopicReplication::Fixed(1))],
        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
    ))
    .expect("create_topics");
    for r in results {
        r.unwrap_or_else(|(t, e)| panic!("creating topic {t}: {e}"));
    }
}

/// A fresh topic on the shared broker.
pub(crate) fn new_topic(prefix: &str, partitions: i32) -> String {
    let name = unique(prefix);
    create_topic(BROKER, &name, partitions);
    name
}

/// Produces `values` to partition `partition` of `topic`, in batches of 100 messages.
pub(crate) fn produce_to(topic: &str, partition: i32, values: &[String]) {
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .create()
        .expect("producer");
    for chunk in values.chunks(100) {
        for value in chunk {
            let record = BaseRecord::<(), str>::to(topic).partition(partition).payload(value.as_str());
            producer.send(record).map_err(|(e, _)| e).expect("send");
            producer.poll(Duration::ZERO);
        }
        producer.flush(Duration::from_secs(30)).expect("flush");
    }
}

/// Every message of `topic` (partitions `0..partitions`) on `broker`, read from the beginning to the
/// partitions' ends as they are now.
pub(crate) fn consume_all(broker: &str, topic: &str, partitions: i32) -> Vec<Consumed> {
    let as_text = |b: Option<&[u8]>| b.map(|b| String::from_utf8_lossy(b).into_owned());
    read_to_end(broker, topic, partitions).iter().map(|m| (as_text(m.key()), as_text(m.payload()))).collect()
}

/// Every message of partitions `0..partitions` of `topic`, each partition read from its beginning to
/// its end (failing after 30 s).
pub(crate) fn read_to_end(broker: &str, topic: &str, partitions: i32) -> Vec<rdkafka::message::OwnedMessage> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .set("group.id", "sluice-test-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    for partition in 0..partitions {
        tpl.add_partition_offset(topic, partition, Offset::Beginning).expect("tpl");
    }
    consumer.assign(&tpl).expect("assign");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut ended = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    while ended.len() < usize::try_from(partitions).unwrap_or(0) {
        assert!(Instant::now() < deadline, "{topic} not read to its end within 30 s");
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => out.push(m.detach()),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                ended.insert(p);
            }
            _ => {}
        }
    }
    out
}

/// `values` sorted, to compare messages whose order across partitions is not defined.
pub(crate) fn sorted<T: Ord>(mut values: Vec<T>) -> Vec<T> {
    values.sort();
    values
}

/// Produces `(key, value)` messages and waits until the broker has them all.
pub(crate) fn produce(topic: &str, messages: &[(Option<String>, String)]) {
    produce_at(topic, messages, None);
}

/// [`produce`] with message `i` stamped `first_timestamp + i` seconds (milliseconds since the epoch).
pub(crate) fn produce_at(topic: &str, messages: &[(Option<String>, String)], first_timestamp: Option<i64>) {
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .create()
        .expect("producer");
    for (i, (key, value)) in messages.iter().enumerate() {
        let mut record = BaseRecord::to(topic).payload(value.as_str());
        if let Some(first) = first_timestamp {
            record = record.timestamp(first + 1000 * i64::try_from(i).unwrap_or(0));
        }
        if let Some(k) = key {
            record = record.key(k.as_str());
        }
        producer.send(record).map_err(|(e, _)| e).expect("send");
        producer.poll(Duration::ZERO);
    }
    producer.flush(Duration::from_secs(30)).expect("flush");
}

/// A message as the test reads it: key and value as text (`None`: absent, a tombstone's value).
pub(crate) type Consumed = (Option<String>, Option<String>);

/// Reads partition 0 of `topic` from the beginning until `count` messages arrived (or 30 s passed).
pub(crate) fn consume(topic: &str, count: usize) -> Vec<Consumed> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .set("group.id", "sluice-test-reader")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning).expect("tpl");
    consumer.assign(&tpl).expect("assign");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    while out.len() < count && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            let as_text = |b: Option<&[u8]>| b.map(|b| String::from_utf8_lossy(b).into_owned());
            out.push((as_text(m.key()), as_text(m.payload())));
        }
    }
    out
}

/// The test's own reading of the seed's `ip_to_province` table (`examples/cdn_kafka`).
fn province(ip: &str) -> &'static str {
    let prefix: String = ip.split('.').take(2).collect::<Vec<_>>().join(".");
    match prefix.as_str() {
        "27.184" | "27.186" => "河北省",
        "36.110" | "36.112" | "61.135" => "北京市",
        "58.60" | "58.61" | "61.140" | "183.60" | "202.96" => "广东省",
        "101.226" | "101.227" => "上海市",
        "112.80" | "112.85" => "江苏省",
        _ => "UnKnow",
    }
}

/// CDN log lines `uuid,ip,request_time,response_size,uri`, from a seeded generator.
fn cdn_logs(seed: u64, rows: usize) -> Vec<(String, String, i64, i64)> {
    let ips = [
        "27.184.139.25", "36.110.1.2", "58.61.99.7", "61.140.3.3", "101.226.0.9", "112.85.4.4",
        "202.96.128.86", "10.0.0.1", "183.60.7.7", "61.135.169.121",
    ];
    let mut state = seed;
    (0..rows)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let ip = ips[usize::try_from(state >> 33).unwrap_or(0) % ips.len()];
            let time = i64::try_from((state >> 20) % 90 + 1).unwrap_or(1);
            let size = i64::try_from((state >> 40) % 100_000).unwrap_or(0);
            (format!("{seed}-{i:05}"), ip.to_string(), time, size)
        })
        .collect()
}

fn add_expected(expected: &mut BTreeMap<String, (i64, i64, i64)>, logs: &[(String, String, i64, i64)]) {
    for (_, ip, time, size) in logs {
        let e = expected.entry(province(ip).to_string()).or_default();
        *e = (e.0 + 1, e.1 + size, e.2 + time);
    }
}

#[allow(clippy::cast_precision_loss)]
fn speeds(sums: &BTreeMap<String, (i64, i64, i64)>) -> Expected {
    sums.iter()
        .map(|(k, (n, size, time))| (k.clone(), (*n, *size, *size as f64 * 1.0 / *time as f64)))
        .collect()
}

/// Polls the MySQL table until it holds `expected` (up to 60 s); the last reading otherwise.
fn wait_for_table(expected: &Expected) -> Expected {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let actual = parse_rows(&mariadb(
            "SELECT province, access_count, total_download, download_speed FROM Flink.access_statistic",
        ));
        let same = actual.len() == expected.len()
            && expected.iter().all(|(k, (n, t, _))| actual.get(k).is_some_and(|a| (a.0, a.1) == (*n, *t)));
        if same || Instant::now() > deadline {
            return actual;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn the_seeds_cdn_job_from_kafka_into_mysql_while_it_runs() {
    ensure_kafka();
    ensure_databases();
    // The seed's topic name is fixed, and the job starts at its latest offset (group offsets without
    // a committed offset start there, as in Kafka's client). It is made afresh: tansu answers
    // list-offsets with the last batch's base offset, which is not the end of a topic holding
    // earlier runs' batches.
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .create()
        .expect("admin client");
    let _ = block_on(admin.delete_topics(&["access_log"], &AdminOptions::new()));
    let _ = block_on(admin.create_topics(
        &[NewTopic::new("access_log", 1, TopicReplication::Fixed(1))],
        &AdminOptions::new(),
    ));
    mariadb("CREATE DATABASE IF NOT EXISTS Flink");
    mariadb("DROP TABLE IF EXISTS Flink.access_statistic");
    mariadb(
        "CREATE TABLE Flink.access_statistic (province VARCHAR(64) PRIMARY KEY, access_count BIGINT, \
         total_download BIGINT, download_speed DOUBLE)",
    );
    let example = workspace_root().join("examples/cdn_kafka");
    let binary = build(&example.join("cdn_demo.py"), "cdn_kafka", &[]);
    let help = Command::new(&binary).arg("--help").output().expect("runs");
    let help = text(&help.stdout);
    assert!(
        help.contains("cdn_access_log (kafka)\n    topic = access_log\n    properties.bootstrap.servers = 127.0.0.1:19092")
            && help.contains("password = ***")
            && !help.contains("password = root"),
        "--help lists the tables, secrets hidden:\n{help}"
    );
    let mut job = RunningJob::start(&binary, &["--set", "cdn_access_statistic.connector.password="], &example);
    job.wait_for_log("reading 1 partition(s) of access_log");

    let mut sums = BTreeMap::new();
    let first = cdn_logs(7, 300);
    add_expected(&mut sums, &first);
    let mut messages: Vec<(Option<String>, String)> = first
        .iter()
        .map(|(uuid, ip, t, s)| (None, format!("{uuid},{ip},{t},{s},/video/a.mp4")))
        .collect();
    // The seed's source ignores parse errors: a row with too many fields is skipped and counted
    // in the log (a field that does not parse would be NULL, as in Flink).
    messages.insert(150, (None, "broken,1.2.3.4,7,5,/x,one-field-too-many".to_string()));
    produce("access_log", &messages);
    let expected = speeds(&sums);
    let actual = wait_for_table(&expected);
    job.drain();
    eprintln!("job log:\n{}", job.log.join("\n"));
    assert_same(&actual, &expected);

    // More logs while the job keeps running: the same rows are updated.
    let second = cdn_logs(8, 200);
    add_expected(&mut sums, &second);
    let messages: Vec<(Option<String>, String)> = second
        .iter()
        .map(|(uuid, ip, t, s)| (None, format!("{uuid},{ip},{t},{s},/js/app.js")))
        .collect();
    produce("access_log", &messages);
    let expected = speeds(&sums);
    assert_same(&wait_for_table(&expected), &expected);
    job.drain();
    assert!(
        job.log.iter().any(|l| l.contains("skipped a malformed record") && l.contains("offset 150")),
        "the skipped record is logged with its offset:\n{}",
        job.log.join("\n")
    );
}

/// A job reading `input` (JSON, bounded at the latest offsets) into the given sink DDL and query.
fn write_json_job(dir: &Path, name: &str, input: &str, ignore_errors: bool, body: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).expect("scratch dir");
    let job = format!(
        r#"from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call, col
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

@udf(result_type=DataTypes.STRING())
def size_class(amount):
    return "big" if amount >= 100 else "small"

t_env.create_temporary_function("size_class", size_class)
t_env.execute_sql("""
CREATE TABLE orders (
  id BIGINT,
  customer STRING,
  amount DOUBLE
) WITH (
  'connector' = 'kafka',
  'topic' = '{input}',
  'properties.bootstrap.servers' = '{BROKER}',
  'properties.group.id' = 'sluice-test',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = '{ignore_errors}'
)
""")
{body}
"#
    );
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, job).expect("write job");
    path
}

fn orders() -> Vec<(Option<String>, String)> {
    (0..40)
        .map(|i| {
            let customer = ["ann", "bob", "cy"][i % 3];
            let amount = (i * 37 % 150) as f64 + 0.5;
            (None, format!(r#"{{"id":{i},"customer":"{customer}","amount":{amount}}}"#))
        })
        .collect()
}

#[test]
fn kafka_to_kafka_json_with_a_python_udf_and_an_upsert_kafka_changelog() {
    ensure_kafka();
    let input = new_topic("orders", 1);
    let classified = new_topic("classified", 1);
    let totals = new_topic("totals", 1);
    let orders = orders();
    produce(&input, &orders);
    let body = format!(
        r#"t_env.execute_sql("""
CREATE TABLE classified (id BIGINT, customer STRING, class STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '{classified}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
t_env.execute_sql("""
CREATE TABLE totals (customer STRING, orders BIGINT, total DOUBLE, PRIMARY KEY (customer) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = '{totals}', 'properties.bootstrap.servers' = '{BROKER}',
  'key.format' = 'json', 'value.format' = 'json')
""")
t_env.from_path("orders") \
    .select(col("id"), col("customer"), call("size_class", col("amount")), col("amount")) \
    .execute_insert("classified").wait()
t_env.from_path("orders").group_by(col("customer")) \
    .select(col("customer"), col("id").count, col("amount").sum) \
    .execute_insert("totals").wait()
"#
    );
    let dir = scratch_dir().join("kafka").join("json_udf");
    let job = write_json_job(&dir, "json_udf", &input, false, &body);
    let binary = build(&job, "kafka_json_udf", &[]);
    let output = Command::new(&binary).current_dir(&dir).output().expect("runs");
    assert!(output.status.success(), "the job fails:\n{}", text(&output.stderr));

    // Append sink: one JSON message per order, in order, with the UDF's class.
    let got = consume(&classified, orders.len());
    let want: Vec<Consumed> = (0..orders.len())
        .map(|i| {
            let customer = ["ann", "bob", "cy"][i % 3];
            let amount = (i * 37 % 150) as f64 + 0.5;
            let class = if amount >= 100.0 { "big" } else { "small" };
            (
                None,
                Some(format!(r#"{{"id":{i},"customer":"{customer}","class":"{class}","amount":{amount:?}}}"#)),
            )
        })
        .collect();
    assert_eq!(got, want);

    // Upsert sink: each order makes one +I or +U (the -U is not written), keyed by the customer;
    // the last message per key is the final total.
    let got = consume(&totals, orders.len());
    assert_eq!(got.len(), orders.len(), "one message per change: {got:?}");
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in &got {
        let key = key.clone().expect("keyed");
        last.insert(key, value.clone().expect("not a tombstone"));
    }
    for customer in ["ann", "bob", "cy"] {
        let mine: Vec<f64> = (0..orders.len())
            .filter(|i| ["ann", "bob", "cy"][i % 3] == customer)
            .map(|i| (i * 37 % 150) as f64 + 0.5)
            .collect();
        let total: f64 = mine.iter().sum();
        let key = format!(r#"{{"customer":"{customer}"}}"#);
        assert_eq!(
            last.get(&key),
            Some(&format!(r#"{{"customer":"{customer}","orders":{},"total":{total:?}}}"#, mine.len())),
            "final total of {customer}"
        );
    }
}

#[test]
fn malformed_records_are_skipped_and_counted_or_fail_with_their_offset() {
    ensure_kafka();
    let input = new_topic("malformed", 1);
    let mut messages = orders();
    messages.truncate(10);
    messages.insert(4, (None, "{not json".to_string()));
    messages.insert(7, (None, r#"{"id":"seven","customer":"x","amount":1}"#.to_string()));
    produce(&input, &messages);
    let body = r#"t_env.execute_sql("CREATE TABLE out (id BIGINT, customer STRING) WITH ('connector' = 'print')")
t_env.from_path("orders").select(col("id"), col("customer")).execute_insert("out").wait()
"#;
    let dir = scratch_dir().join("kafka").join("malformed");

    let job = write_json_job(&dir, "skip", &input, true, body);
    let binary = build(&job, "kafka_malformed_skip", &[]);
    let output = Command::new(&binary).current_dir(&dir).output().expect("runs");
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(text(&output.stdout).lines().count(), 10, "the ten good records are printed");
    assert!(stderr.contains("2 malformed records skipped in all"), "{stderr}");
    assert!(stderr.contains(&format!("topic {input}, partition 0, offset 4")), "{stderr}");

    let job = write_json_job(&dir, "fail", &input, false, body);
    let binary = build(&job, "kafka_malformed_fail", &[]);
    let output = Command::new(&binary).current_dir(&dir).output().expect("runs");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "a malformed record fails the job");
    assert!(
        stderr.contains(&format!("topic {input}, partition 0, offset 4")) && stderr.contains("not JSON"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_broker_is_a_clear_startup_error() {
    let dir = scratch_dir().join("kafka").join("unreachable");
    let body = r#"t_env.execute_sql("CREATE TABLE out (id BIGINT) WITH ('connector' = 'print')")
t_env.from_path("orders").select(col("id")).execute_insert("out").wait()
"#;
    let job = write_json_job(&dir, "unreachable", "nowhere", false, body);
    let binary = build(&job, "kafka_unreachable", &[]);
    let output = Command::new(&binary)
        .current_dir(&dir)
        .args(["--set", "orders.properties.bootstrap.servers=127.0.0.1:1"])
        .output()
        .expect("runs");
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("cannot reach the Kafka cluster") && stderr.contains("127.0.0.1:1"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn metadata_columns_give_the_partition_offset_and_kafka_timestamp() {
    ensure_kafka();
    let input = new_topic("metadata", 1);
    let mut messages = orders();
    messages.truncate(3);
    produce_at(&input, &messages, Some(1_700_000_000_000));
    let dir = scratch_dir().join("kafka").join("metadata");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let job = dir.join("metadata.py");
    std::fs::write(
        &job,
        format!(
            r#"from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
CREATE TABLE orders (
  id BIGINT,
  part INT METADATA FROM 'partition' VIRTUAL,
  `offset` BIGINT METADATA VIRTUAL,
  customer STRING,
  ts TIMESTAMP(3) METADATA FROM 'timestamp',
  src STRING METADATA FROM 'topic' VIRTUAL
) WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
""")
t_env.execute_sql("CREATE TABLE shown (id BIGINT, part INT, o BIGINT, customer STRING, ts TIMESTAMP(3), "
                  "same_topic BOOLEAN) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO shown SELECT id, part, `offset`, customer, ts, src = '{input}' FROM orders").wait()
"#
        ),
    )
    .expect("write job");
    let binary = build(&job, "kafka_metadata", &[]);
    let output = Command::new(&binary).current_dir(&dir).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "+I[0, 0, 0, ann, 2023-11-14T22:13:20, true]\n\
         +I[1, 0, 1, bob, 2023-11-14T22:13:21, true]\n\
         +I[2, 0, 2, cy, 2023-11-14T22:13:22, true]\n"
    );
}

/// `examples/datastream_kafka`: PyFlink's DataStream `KafkaSource` and `KafkaSink` builders, topics
/// given on the binary's command line; every non-blank line comes out shouted, in order.
#[test]
fn datastream_kafka_source_and_sink_example() {
    ensure_kafka();
    let (input, output) = (new_topic("lines", 1), new_topic("shouted", 1));
    let lines: Vec<String> = (0..60)
        .map(|i| if i % 7 == 3 { "   ".to_string() } else { format!("line {i} ü") })
        .collect();
    let messages: Vec<(Option<String>, String)> = lines.iter().map(|l| (None, l.clone())).collect();
    produce(&input, &messages);
    let example = workspace_root().join("examples/datastream_kafka");
    let binary = build(&example.join("job.py"), "datastream_kafka", &[]);
    let run = Command::new(&binary)
        .args(["--input", &input, "--output", &output])
        .current_dir(&example)
        .output()
        .expect("runs");
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "the job fails:\n{stderr}");
    assert!(stderr.contains(&format!("Kafka Source: reading 1 partition(s) of {input}")), "{stderr}");
    let want: Vec<Consumed> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| (None, Some(format!("{}!", l.to_uppercase()))))
        .collect();
    assert_eq!(consume_all(BROKER, &output, 1), want);
}

/// `{"id":..,"customer":..,"amount":..}` orders numbered from `first`.
fn json_orders(first: usize, count: usize) -> Vec<String> {
    (first..first + count)
        .map(|i| {
            let customer = ["ann", "bob", "cy"][i % 3];
            let amount = (i * 37 % 150) as f64 + 0.5;
            format!(r#"{{"id":{i},"customer":"{customer}","amount":{amount}}}"#)
        })
        .collect()
}

/// Two topics of two partitions each, matched by a pattern: a small one (one message, and an empty
/// partition) and a large one. A bounded read must take every partition of both to its end, though
/// the partitions share their numbers across topics and the small topic's end long before the
/// large one's.
fn two_topics(prefix: &str) -> (String, Vec<String>) {
    let base = unique(prefix);
    let (small, large) = (format!("{base}-a"), format!("{base}-b"));
    create_topic(BROKER, &small, 2);
    create_topic(BROKER, &large, 2);
    let mut all = Vec::new();
    // The large topic's partitions take several fetches (1 KiB messages, 1 MiB per partition and
    // fetch): their ends come long after the small topic's.
    let padding = format!(r#","note":"{}"}}"#, "x".repeat(1000));
    for (topic, partition, first, count) in [(&small, 0, 0, 1), (&small, 1, 1, 0), (&large, 0, 1, 2500), (&large, 1, 2501, 2500)] {
        let orders = json_orders(first, count);
        let padded: Vec<String> = orders.iter().map(|o| o.replace('}', &padding)).collect();
        produce_to(topic, partition, if topic == &large { &padded } else { &orders });
        all.extend(orders);
    }
    (format!("{base}-(a|b)"), all)
}

/// DataStream JSON rows from a topic pattern over two topics: a JsonRowDeserializationSchema source
/// (bounded), one sink writing Rows with JsonRowSerializationSchema, another writing STRINGs keyed by
/// themselves.
#[test]
fn datastream_kafka_json_rows_from_a_topic_pattern_with_keys() {
    ensure_kafka();
    let (pattern, orders) = two_topics("dsjson");
    let (rows_topic, keyed_topic) = (new_topic("dsjson-rows", 1), new_topic("dsjson-keyed", 1));
    let dir = scratch_dir().join("kafka").join("datastream_json");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let job = dir.join("job.py");
    std::fs::write(
        &job,
        r#"import sys
from pyflink.common import Row, Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema,
                                                 KafkaSink, KafkaSource)
from pyflink.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema

servers, pattern, rows_topic, keyed_topic = sys.argv[1:5]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
order = Types.ROW_NAMED(["id", "customer", "amount"], [Types.LONG(), Types.STRING(), Types.DOUBLE()])
source = KafkaSource.builder() \
    .set_bootstrap_servers(servers) \
    .set_topic_pattern(pattern) \
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
    .set_bounded(KafkaOffsetsInitializer.latest()) \
    .set_value_only_deserializer(JsonRowDeserializationSchema.builder().type_info(order).build()) \
    .build()
orders = env.from_source(source, WatermarkStrategy.for_monotonous_timestamps(), "orders")


def sink(topic, key, value):
    serializer = KafkaRecordSerializationSchema.builder().set_topic(topic).set_value_serialization_schema(value)
    if key is not None:
        serializer = serializer.set_key_serialization_schema(key)
    return KafkaSink.builder().set_bootstrap_servers(servers).set_record_serializer(serializer.build()).build()


orders.filter(lambda o: o.amount >= 100) \
    .map(lambda o: Row(o.id, o.customer.upper(), o.amount * 2), output_type=order) \
    .sink_to(sink(rows_topic, None, JsonRowSerializationSchema.builder().with_type_info(order).build()))
orders.map(lambda o: o.customer, output_type=Types.STRING()) \
    .sink_to(sink(keyed_topic, SimpleStringSchema(), SimpleStringSchema()))
env.execute("json rows")
"#,
    )
    .expect("write job");
    let args = [BROKER.to_string(), pattern, rows_topic.clone(), keyed_topic.clone()];
    let binary = build(&job, "kafka_datastream_json", &args);
    let run = Command::new(&binary)
        .args(&args)
        .current_dir(&dir)
        .output()
        .expect("runs");
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "the job fails:\n{stderr}");
    assert!(stderr.contains("orders: reading 4 partition(s) of the topics matching"), "{stderr}");

    let parsed: Vec<serde_json::Value> = orders.iter().map(|o| serde_json::from_str(o).expect("json")).collect();
    let want_rows: Vec<Consumed> = parsed
        .iter()
        .filter(|o| o["amount"].as_f64().unwrap_or(0.0) >= 100.0)
        .map(|o| {
            let customer = o["customer"].as_str().unwrap_or_default().to_uppercase();
            let amount = o["amount"].as_f64().unwrap_or(0.0) * 2.0;
            (None, Some(format!(r#"{{"id":{},"customer":"{customer}","amount":{amount:?}}}"#, o["id"])))
        })
        .collect();
    assert_eq!(sorted(consume_all(BROKER, &rows_topic, 1)), sorted(want_rows));
    let want_keyed: Vec<Consumed> = parsed
        .iter()
        .map(|o| {
            let customer = o["customer"].as_str().unwrap_or_default().to_string();
            (Some(customer.clone()), Some(customer))
        })
        .collect();
    assert_eq!(sorted(consume_all(BROKER, &keyed_topic, 1)), sorted(want_keyed));
}

/// A table over `'topic-pattern'`, bounded: every message of both matched topics is read, though a
/// partition of the small topic ends long before the same-numbered one of the large topic.
#[test]
fn a_table_reads_a_topic_pattern_to_the_end_of_every_partition() {
    ensure_kafka();
    let (pattern, orders) = two_topics("pattern");
    let dir = scratch_dir().join("kafka").join("pattern");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let job = dir.join("job.py");
    std::fs::write(
        &job,
        format!(
            r#"import sys
from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
CREATE TABLE orders (id BIGINT, customer STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'never-set', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
""")
t_env.execute_sql("CREATE TABLE shown (id BIGINT, customer STRING) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO shown SELECT id, customer FROM orders").wait()
"#
        ),
    )
    .expect("write job");
    let binary = build(&job, "kafka_topic_pattern", &[]);
    let help = text(&Command::new(&binary).arg("--help").output().expect("runs").stdout);
    assert!(help.contains("orders (kafka)\n    topic-pattern = never-set"), "{help}");
    let run = Command::new(&binary)
        .args(["--set", &format!("orders.topic-pattern={pattern}")])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "the job fails:\n{stderr}");
    assert!(stderr.contains("reading 4 partition(s)"), "{stderr}");
    let want: Vec<String> = orders
        .iter()
        .map(|o| {
            let o: serde_json::Value = serde_json::from_str(o).expect("json");
            format!("+I[{}, {}]", o["id"], o["customer"].as_str().unwrap_or_default())
        })
        .collect();
    let got: Vec<String> = text(&run.stdout).lines().map(str::to_string).collect();
    assert_eq!(got.len(), want.len(), "every message of both topics is read");
    assert_eq!(sorted(got), sorted(want));
}

/// An upsert-kafka sink of a changelog with deletions: a count of customers per order count loses a
/// group when its last customer moves on (`-D`), which is a tombstone (a null value) under the
/// group's key; the compacted topic holds exactly the final groups.
#[test]
fn upsert_kafka_writes_a_tombstone_for_a_delete() {
    ensure_kafka();
    let input = new_topic("tomb-orders", 1);
    let counts = new_topic("tomb-counts", 1);
    let mut orders = orders();
    orders.truncate(7);
    produce(&input, &orders);
    let body = format!(
        r#"t_env.execute_sql("""
CREATE TABLE counts (cnt BIGINT, customers BIGINT, PRIMARY KEY (cnt) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = '{counts}', 'properties.bootstrap.servers' = '{BROKER}',
  'key.format' = 'json', 'value.format' = 'json')
""")
t_env.execute_sql("INSERT INTO counts SELECT cnt, COUNT(*) FROM "
                  "(SELECT customer, COUNT(*) AS cnt FROM orders GROUP BY customer) GROUP BY cnt").wait()
"#
    );
    let dir = scratch_dir().join("kafka").join("tombstones");
    let job = write_json_job(&dir, "tombstones", &input, false, &body);
    let binary = build(&job, "kafka_tombstones", &[]);
    let run = Command::new(&binary).current_dir(&dir).output().expect("runs");
    assert!(run.status.success(), "the job fails:\n{}", text(&run.stderr));
    // Orders of ann, bob, cy, ann, bob, cy, ann: the group of customers with one order grows to 3,
    // then shrinks and is deleted when the last of them places a second order.
    let got = consume_all(BROKER, &counts, 1);
    let key = |cnt: i64| Some(format!(r#"{{"cnt":{cnt}}}"#));
    assert!(
        got.contains(&(key(1), None)),
        "a tombstone under the deleted group's key: {got:?}"
    );
    let mut compacted: BTreeMap<Option<String>, Option<String>> = BTreeMap::new();
    for (k, v) in got {
        compacted.insert(k, v);
    }
    compacted.retain(|_, v| v.is_some());
    let want: BTreeMap<Option<String>, Option<String>> = [
        (key(2), Some(r#"{"cnt":2,"customers":2}"#.to_string())),
        (key(3), Some(r#"{"cnt":3,"customers":1}"#.to_string())),
    ]
    .into_iter()
    .collect();
    assert_eq!(compacted, want);
}

/// The tansu binary `tests/services.sh` installs, else one on the PATH.
pub(crate) fn tansu_binary() -> std::path::PathBuf {
    let root = std::env::var_os("SLUICE_TANSU_ROOT").map_or_else(
        || std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/sluice/tansu"),
        std::path::PathBuf::from,
    );
    let installed = root.join("bin/tansu");
    if installed.exists() {
        return installed;
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("tansu"))
        .find(|p| p.exists())
        .unwrap_or(installed)
}

/// A process killed when the test ends, however it ends.
pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A broker of the test's own (tansu, in memory, logging into `dir`) that advertises the address of
/// a proxy the test is to serve on the returned listener: the process (killed when dropped), the
/// broker's own port and the proxy's listener.
pub(crate) fn own_broker(dir: &Path) -> (KillOnDrop, u16, std::net::TcpListener) {
    let tansu = tansu_binary();
    assert!(tansu.exists(), "no tansu at {} (tests/services.sh installs it there)", tansu.display());
    let proxy_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port for the proxy");
    let advertised = proxy_listener.local_addr().expect("addr").port();
    let broker_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    std::fs::create_dir_all(dir).expect("scratch dir");
    let broker_log = std::fs::File::create(dir.join("tansu.log")).expect("log file");
    let broker = KillOnDrop(
        Command::new(&tansu)
            .args([
                "broker",
                "--storage-engine",
                "memory://tansu/",
                "--listener-url",
                &format!("tcp://127.0.0.1:{broker_port}"),
                "--advertised-listener-url",
                &format!("tcp://127.0.0.1:{advertised}"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(broker_log)
            .spawn()
            .expect("tansu starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !listening(broker_port) {
        assert!(Instant::now() < deadline, "the test's tansu did not listen on {broker_port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    (broker, broker_port, proxy_listener)
}

/// A Kafka sink whose broker goes away mid-run: the test runs a broker of its own (tansu, in memory)
/// that advertises a proxy's address, and cuts the proxy (connections dropped, new ones refused) for
/// three seconds while the job writes. The sink's client logs the lost connection, keeps the messages
/// and sends them once the broker is reachable again: every row arrives.
#[test]
fn a_broker_gone_mid_run_loses_no_message() {
    ensure_kafka();
    let dir = scratch_dir().join("kafka").join("outage");
    let (_broker, broker_port, proxy_listener) = own_broker(&dir);
    let advertised = proxy_listener.local_addr().expect("addr").port();
    let proxy = sluice_e2e::proxy::TcpProxy::serve(proxy_listener, ([127, 0, 0, 1], broker_port).into());
    let bootstrap = format!("127.0.0.1:{advertised}");
    let topic = unique("outage");
    create_topic(&bootstrap, &topic, 1);

    let job = dir.join("job.py");
    std::fs::write(
        &job,
        r#"from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
CREATE TABLE gen (id BIGINT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '100', 'number-of-rows' = '400',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '400')
""")
t_env.execute_sql("""
CREATE TABLE out (id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = 'set-when-run', 'properties.bootstrap.servers' = 'set-when-run',
  'format' = 'json')
""")
t_env.execute_sql("INSERT INTO out SELECT id FROM gen").wait()
"#,
    )
    .expect("write job");
    let binary = build(&job, "kafka_outage", &[]);
    let mut run = RunningJob::start(
        &binary,
        &[
            "--set",
            &format!("out.topic={topic}"),
            "--set",
            &format!("out.properties.bootstrap.servers={bootstrap}"),
        ],
        &dir,
    );
    // Cut once the first rows arrived, while the job still has most of them to write.
    let watcher: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "sluice-test-reader")
        .set("fetch.wait.max.ms", "10")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&topic, 0, Offset::Beginning).expect("tpl");
    watcher.assign(&tpl).expect("assign");
    let (deadline, mut seen) = (Instant::now() + Duration::from_secs(60), 0);
    while seen < 20 {
        assert!(Instant::now() < deadline, "the job wrote nothing:\n{}", run.log.join("\n"));
        if let Some(Ok(_)) = watcher.poll(Duration::from_millis(100)) {
            seen += 1;
        }
    }
    drop(watcher);
    proxy.cut();
    std::thread::sleep(Duration::from_secs(3));
    assert!(matches!(run.child.try_wait(), Ok(None)), "the job ended before the broker came back");
    proxy.restore();
    let status = run.finish(Duration::from_secs(90));
    let log = run.log.join("\n");
    eprintln!("job log:\n{log}");
    assert!(status.success(), "the job fails:\n{log}");
    assert!(
        log.lines().any(|l| l.contains("Sink(table=[default_catalog.default_database.out]): kafka error")),
        "the lost connection is logged:\n{log}"
    );
    let got: Vec<i64> = consume_all(&bootstrap, &topic, 1)
        .into_iter()
        .map(|(_, v)| {
            let v: serde_json::Value = serde_json::from_str(&v.unwrap_or_default()).expect("json");
            v["id"].as_i64().expect("id")
        })
        .collect();
    let distinct: std::collections::BTreeSet<i64> = got.iter().copied().collect();
    assert_eq!(distinct, (1..=400).collect(), "every row arrives (at least once)");
    eprintln!("{} messages for 400 rows", got.len());
}
