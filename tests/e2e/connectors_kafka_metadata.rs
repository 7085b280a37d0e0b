//! Kafka metadata against the real broker: a source's `headers` column (MAP<STRING, BYTES>); a
//! sink's `METADATA FROM 'timestamp'` column is each message's timestamp, its `headers` column the
//! message's headers; VIRTUAL metadata columns are left out of INSERT INTO.

use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

use crate::connectors_kafka::{ensure_kafka, new_topic, produce_at, read_to_end, BROKER};
use crate::connectors_kafka_keys::{run, write_job};

/// A message's headers as the test writes and reads them.
type HeaderList = Vec<(String, Option<Vec<u8>>)>;
use sluice_e2e::scratch_dir;

/// Every message of partition 0 of `topic` as (timestamp, value).
fn timestamps(topic: &str) -> Vec<(Option<i64>, String)> {
    read_to_end(BROKER, topic, 1)
        .iter()
        .map(|m| (m.timestamp().to_millis(), String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned()))
        .collect()
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

/// Produces `{"id":i}` with the `i`-th headers to `topic`.
fn produce_with_headers(topic: &str, headers: &[HeaderList]) {
    let producer: BaseProducer = ClientConfig::new().set("bootstrap.servers", BROKER).create().expect("producer");
    for (i, list) in headers.iter().enumerate() {
        let value = format!(r#"{{"id":{i}}}"#);
        let mut record = BaseRecord::<(), str>::to(topic).payload(&value);
        if !list.is_empty() {
            let mut owned = OwnedHeaders::new();
            for (key, value) in list {
                owned = owned.insert(Header { key: key.as_str(), value: value.as_deref() });
            }
            record = record.headers(owned);
        }
        producer.send(record).map_err(|(e, _)| e).expect("send");
    }
    producer.flush(Duration::from_secs(30)).expect("flush");
}

/// Every message of partition 0 of `topic` as (value, headers).
fn with_headers(topic: &str) -> Vec<(String, HeaderList)> {
    read_to_end(BROKER, topic, 1)
        .iter()
        .map(|m| {
            let headers = m
                .headers()
                .map(|h| h.iter().map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec))).collect())
                .unwrap_or_default();
            (String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned(), headers)
        })
        .collect()
}

fn header(key: &str, value: Option<&[u8]>) -> (String, Option<Vec<u8>>) {
    (key.to_string(), value.map(<[u8]>::to_vec))
}

/// Headers read into a MAP<STRING, BYTES> column (printed as Flink prints it: bytes as Java's signed
/// byte arrays; a key given twice keeps its last value; a header without a value is null), and
/// written back by a sink's `headers` column.
#[test]
fn headers_are_read_into_a_map_and_written_from_one() {
    ensure_kafka();
    let input = new_topic("headers-in", 1);
    let output = new_topic("headers-out", 1);
    // Message 3's keys are in the order Java's HashMap iterates them (bin, then empty), which is the
    // order Flink prints a map in; sluice keeps the headers' order.
    let headers: Vec<HeaderList> = vec![
        vec![header("trace", Some(b"t-0"))],
        vec![],
        vec![header("k", Some(b"a")), header("k", Some(b"b"))],
        vec![header("bin", Some(&[0xff, 0x01])), header("empty", None)],
    ];
    produce_with_headers(&input, &headers);
    let dir = scratch_dir().join("kafka").join("headers");
    let job = write_job(
        &dir,
        "headers",
        &format!(
            r#"from pyflink.table import DataTypes
from pyflink.table.udf import udf


@udf(result_type=DataTypes.STRING())
def describe(hs):
    return ",".join(f"{{k}}:{{v!r}}" for k, v in sorted(hs.items()))


t_env.create_temporary_function("describe", describe)
t_env.execute_sql("""
CREATE TABLE orders (
  id BIGINT,
  hs MAP<STRING, BYTES> METADATA FROM 'headers'
) WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
""")
t_env.execute_sql("CREATE TABLE shown (id BIGINT, hs MAP<STRING, BYTES>) WITH ('connector' = 'print')")
t_env.execute_sql("CREATE TABLE described (id BIGINT, d STRING) "
                  "WITH ('connector' = 'print', 'print-identifier' = 'udf')")
t_env.execute_sql("""
CREATE TABLE copied (
  id BIGINT,
  headers MAP<STRING, BYTES> METADATA
) WITH (
  'connector' = 'kafka', 'topic' = '{output}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
s = t_env.create_statement_set()
s.add_insert_sql("INSERT INTO shown SELECT id, hs FROM orders")
s.add_insert_sql("INSERT INTO copied SELECT id, hs FROM orders")
s.add_insert_sql("INSERT INTO described SELECT id, describe(hs) FROM orders")
s.execute().wait()
"#
        ),
    );
    let shown = run(&job, "kafka_headers");
    let (printed, described): (Vec<&str>, Vec<&str>) = shown.lines().partition(|l| !l.starts_with("udf> "));
    assert_eq!(
        printed,
        ["+I[0, {trace=[116, 45, 48]}]", "+I[1, {}]", "+I[2, {k=[98]}]", "+I[3, {bin=[-1, 1], empty=null}]"]
    );
    // A Python function gets the map as a dict of bytes (None for a header without a value).
    assert_eq!(
        described,
        ["udf> +I[0, trace:b't-0']", "udf> +I[1, ]", "udf> +I[2, k:b'b']", r"udf> +I[3, bin:b'\xff\x01',empty:None]"]
    );
    let want: Vec<(String, HeaderList)> = vec![
        (r#"{"id":0}"#.into(), vec![header("trace", Some(b"t-0"))]),
        (r#"{"id":1}"#.into(), vec![]),
        (r#"{"id":2}"#.into(), vec![header("k", Some(b"b"))]),
        (r#"{"id":3}"#.into(), vec![header("bin", Some(&[0xff, 0x01])), header("empty", None)]),
    ];
    assert_eq!(with_headers(&output), want);
}

/// A TIMESTAMP_LTZ(3) `timestamp` column (Flink's type for it): printed as Java's `Instant`, and
/// written as the message timestamp of a copy.
#[test]
fn a_timestamp_ltz_column_is_read_printed_and_written() {
    ensure_kafka();
    let input = new_topic("ltz-in", 1);
    let output = new_topic("ltz-out", 1);
    let first = 1_700_000_000_500_i64;
    let messages: Vec<(Option<String>, String)> = (0..2).map(|i| (None, format!(r#"{{"id":{i}}}"#))).collect();
    produce_at(&input, &messages, Some(first));
    let dir = scratch_dir().join("kafka").join("ltz");
    let job = write_job(
        &dir,
        "ltz",
        &format!(
            r#"t_env.execute_sql("""
CREATE TABLE orders (id BIGINT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp') WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
""")
t_env.execute_sql("CREATE TABLE shown (id BIGINT, ts TIMESTAMP_LTZ(3)) WITH ('connector' = 'print')")
t_env.execute_sql("""
CREATE TABLE copied (id BIGINT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp') WITH (
  'connector' = 'kafka', 'topic' = '{output}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
s = t_env.create_statement_set()
s.add_insert_sql("INSERT INTO shown SELECT id, ts FROM orders")
s.add_insert_sql("INSERT INTO copied SELECT id, ts FROM orders")
s.execute().wait()
"#
        ),
    );
    let shown = run(&job, "kafka_ltz");
    assert_eq!(shown, "+I[0, 2023-11-14T22:13:20.500Z]\n+I[1, 2023-11-14T22:13:21.500Z]\n");
    let want: Vec<(Option<i64>, String)> =
        (0..2).map(|i| (Some(first + 1000 * i), format!(r#"{{"id":{i}}}"#))).collect();
    assert_eq!(timestamps(&output), want);
}
