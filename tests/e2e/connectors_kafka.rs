//! The Kafka connector against a real broker: a tansu broker on 127.0.0.1:19092 (`tests/services.sh
//! start` builds and starts it when nothing listens there). Each test makes its own topics, produces
//! with its own client, runs a compiled job and checks what it wrote: the seed's CDN job into
//! MariaDB while it keeps running, Kafka -> Python UDF -> Kafka in JSON, an upsert-kafka changelog,
//! malformed records skipped or failing with their offset, and an unreachable broker.

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

const BROKER: &str = "127.0.0.1:19092";

/// The broker, started by `tests/services.sh` when nothing listens on its port.
fn ensure_kafka() {
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
fn block_on<F: std::future::Future>(future: F) -> F::Output {
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

/// A fresh topic (name made unique per run, since the broker outlives test runs).
fn new_topic(prefix: &str, partitions: i32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let name = format!("{prefix}-{nanos}");
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .create()
        .expect("admin client");
    let results = block_on(admin.create_topics(
        &[NewTopic::new(&name, partitions, TopicReplication::Fixed(1))],
        &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
    ))
    .expect("create_topics");
    for r in results {
        r.unwrap_or_else(|(t, e)| panic!("creating topic {t}: {e}"));
    }
    name
}

/// Produces `(key, value)` messages and waits until the broker has them all.
fn produce(topic: &str, messages: &[(Option<String>, String)]) {
    produce_at(topic, messages, None);
}

/// [`produce`] with message `i` stamped `first_timestamp + i` seconds (milliseconds since the epoch).
fn produce_at(topic: &str, messages: &[(Option<String>, String)], first_timestamp: Option<i64>) {
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
type Consumed = (Option<String>, Option<String>);

/// Reads partition 0 of `topic` from the beginning until `count` messages arrived (or 30 s passed).
fn consume(topic: &str, count: usize) -> Vec<Consumed> {
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
