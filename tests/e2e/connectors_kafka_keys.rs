//! Kafka tables with message keys against the real broker (`connectors_kafka` has the broker and its
//! helpers): `key.format` + `key.fields` (+ `key.fields-prefix`, `value.fields-include`) read the
//! key's fields into their columns and write the key columns as the message key, as Flink's Kafka
//! SQL connector does.

use std::process::Command;

use crate::connectors_kafka::{consume_all, ensure_kafka, new_topic, produce, sorted, Consumed, BROKER};
use sluice_e2e::{build, scratch_dir, text};

/// A job's script in `dir`, returning its path.
pub(crate) fn write_job(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).expect("scratch dir");
    let path = dir.join(format!("{name}.py"));
    let script = format!(
        "from pyflink.table import EnvironmentSettings, TableEnvironment\n\
         t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())\n\
         t_env.get_config().set(\"parallelism.default\", \"1\")\n{body}"
    );
    std::fs::write(&path, script).expect("write job");
    path
}

/// Runs `job` to its end, returning its stdout.
pub(crate) fn run(job: &std::path::Path, name: &str) -> String {
    let binary = build(job, name, &[]);
    let output = Command::new(&binary)
        .current_dir(job.parent().expect("dir"))
        .output()
        .expect("runs");
    assert!(output.status.success(), "{name} fails:\n{}", text(&output.stderr));
    text(&output.stdout)
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// A source whose key columns (`k_region`, `k_id`, prefix `k_`, EXCEPT_KEY) come from the JSON key
/// and the rest from the JSON value, written to a raw-keyed sink (ALL: the value holds every column)
/// and a CSV-keyed one (EXCEPT_KEY: the value holds the others); then the raw-keyed topic read back
/// with ALL, where a key column is the value's field.
#[test]
fn key_fields_are_read_from_and_written_to_the_message_key() {
    ensure_kafka();
    let input = new_topic("keys-in", 1);
    let by_customer = new_topic("keys-by-customer", 1);
    let by_region = new_topic("keys-by-region", 1);
    let messages: Vec<(Option<String>, String)> = vec![
        (some(r#"{"region":"eu","id":1}"#), r#"{"customer":"ann","amount":12.5}"#.into()),
        (some(r#"{"id":2,"region":"us"}"#), r#"{"customer":"bob","amount":200.0}"#.into()),
        // No key: the key columns are NULL.
        (None, r#"{"customer":"cy","amount":3.0}"#.into()),
        // With EXCEPT_KEY the value's fields named like key columns are not read.
        (some(r#"{"region":"ap","id":4}"#), r#"{"customer":"dee","amount":4.25,"k_id":99,"id":98}"#.into()),
    ];
    produce(&input, &messages);
    let dir = scratch_dir().join("kafka").join("keys");
    let job = write_job(
        &dir,
        "keys",
        &format!(
            r#"t_env.execute_sql("""
CREATE TABLE orders (
  k_id BIGINT,
  customer STRING,
  amount DOUBLE,
  k_region STRING
) WITH (
  'connector' = 'kafka', 'topic' = '{input}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'json', 'key.fields' = 'k_region;k_id', 'key.fields-prefix' = 'k_',
  'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY')
""")
t_env.execute_sql("CREATE TABLE shown (k_id BIGINT, customer STRING, amount DOUBLE, k_region STRING) "
                  "WITH ('connector' = 'print')")
t_env.execute_sql("""
CREATE TABLE by_customer (customer STRING, id BIGINT, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '{by_customer}', 'properties.bootstrap.servers' = '{BROKER}',
  'key.format' = 'raw', 'key.fields' = 'customer', 'format' = 'json')
""")
t_env.execute_sql("""
CREATE TABLE by_region (region STRING, id BIGINT, customer STRING, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '{by_region}', 'properties.bootstrap.servers' = '{BROKER}',
  'key.format' = 'csv', 'key.fields' = 'id;region', 'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY')
""")
s = t_env.create_statement_set()
s.add_insert_sql("INSERT INTO shown SELECT * FROM orders")
s.add_insert_sql("INSERT INTO by_customer SELECT customer, k_id, amount FROM orders")
s.add_insert_sql("INSERT INTO by_region SELECT k_region, k_id, customer, amount FROM orders "
                 "WHERE k_region IS NOT NULL")
s.execute().wait()
"#
        ),
    );
    let shown = run(&job, "kafka_keys");
    assert_eq!(
        shown,
        "+I[1, ann, 12.5, eu]\n+I[2, bob, 200.0, us]\n+I[null, cy, 3.0, null]\n+I[4, dee, 4.25, ap]\n"
    );
    let want: Vec<Consumed> = vec![
        (some("ann"), some(r#"{"customer":"ann","id":1,"amount":12.5}"#)),
        (some("bob"), some(r#"{"customer":"bob","id":2,"amount":200.0}"#)),
        (some("cy"), some(r#"{"customer":"cy","id":null,"amount":3.0}"#)),
        (some("dee"), some(r#"{"customer":"dee","id":4,"amount":4.25}"#)),
    ];
    assert_eq!(consume_all(BROKER, &by_customer, 1), want);
    let want: Vec<Consumed> = vec![
        (some("1,eu"), some(r#"{"customer":"ann","amount":12.5}"#)),
        (some("2,us"), some(r#"{"customer":"bob","amount":200.0}"#)),
        (some("4,ap"), some(r#"{"customer":"dee","amount":4.25}"#)),
    ];
    assert_eq!(sorted(consume_all(BROKER, &by_region, 1)), want);

    // Read back with ALL: the key column `customer` is also in the value, whose field it takes
    // (Flink sets the key's fields, then the value's), as a message whose key differs shows; the
    // CSV key of the other topic parses.
    produce(&by_customer, &[(some("zed"), r#"{"customer":"eve","id":5,"amount":1.0}"#.into())]);
    let job = write_job(
        &dir,
        "keys_back",
        &format!(
            r#"t_env.execute_sql("""
CREATE TABLE by_customer (customer STRING, id BIGINT, amount DOUBLE) WITH (
  'connector' = 'kafka', 'topic' = '{by_customer}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'raw', 'key.fields' = 'customer', 'format' = 'json')
""")
t_env.execute_sql("""
CREATE TABLE by_region (amount DOUBLE, region STRING, customer STRING, id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = '{by_region}', 'properties.bootstrap.servers' = '{BROKER}',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'csv', 'key.fields' = 'id;region', 'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY')
""")
t_env.execute_sql("CREATE TABLE shown (customer STRING, id BIGINT, amount DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("CREATE TABLE shown2 (amount DOUBLE, region STRING, customer STRING, id BIGINT) "
                  "WITH ('connector' = 'print', 'print-identifier' = 'region')")
s = t_env.create_statement_set()
s.add_insert_sql("INSERT INTO shown SELECT * FROM by_customer")
s.add_insert_sql("INSERT INTO shown2 SELECT * FROM by_region")
s.execute().wait()
"#
        ),
    );
    let shown = run(&job, "kafka_keys_back");
    let want = [
        "+I[ann, 1, 12.5]",
        "+I[bob, 2, 200.0]",
        "+I[cy, null, 3.0]",
        "+I[dee, 4, 4.25]",
        "+I[eve, 5, 1.0]",
        "region> +I[12.5, eu, ann, 1]",
        "region> +I[200.0, us, bob, 2]",
        "region> +I[4.25, ap, dee, 4]",
    ];
    assert_eq!(sorted(shown.lines().map(str::to_string).collect()), sorted(want.map(String::from).to_vec()));
}
