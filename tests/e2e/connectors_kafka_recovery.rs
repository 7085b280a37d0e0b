//! A Kafka source whose broker goes away mid-run and comes back: the job reads a topic of the
//! test's own broker through a proxy the test cuts for three seconds, while the test keeps producing
//! to that broker (its own client is spared by the proxy); the job's client logs the lost connection
//! and goes on where it was, so every message reaches the sink (a topic of the shared broker).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

use crate::connectors_kafka::{create_topic, ensure_kafka, new_topic, own_broker, unique, BROKER};
use sluice_e2e::proxy::TcpProxy;
use sluice_e2e::{build, scratch_dir, RunningJob};

/// The client id the proxy spares.
const PRODUCER_ID: &str = "sluice-test-producer";
/// Messages the test produces, each waited for and 20 ms apart (about 20 s in all with tansu).
const MESSAGES: usize = 200;

/// Reads the sink topic as the job writes it, collecting the ids (`{"id":N}`).
struct Collector {
    consumer: BaseConsumer,
    ids: BTreeSet<i64>,
}

impl Collector {
    fn new(topic: &str) -> Self {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", BROKER)
            .set("group.id", "sluice-test-reader")
            .set("enable.auto.commit", "false")
            .set("fetch.wait.max.ms", "10")
            .create()
            .expect("consumer");
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, 0, Offset::Beginning).expect("tpl");
        consumer.assign(&tpl).expect("assign");
        Collector { consumer, ids: BTreeSet::new() }
    }

    /// Collects for up to `wait`, until `done` holds.
    fn collect_until(&mut self, wait: Duration, done: impl Fn(&BTreeSet<i64>) -> bool) {
        let deadline = Instant::now() + wait;
        while !done(&self.ids) && Instant::now() < deadline {
            if let Some(Ok(m)) = self.consumer.poll(Duration::from_millis(100)) {
                let v: serde_json::Value =
                    serde_json::from_slice(m.payload().unwrap_or_default()).expect("a JSON message");
                self.ids.insert(v["id"].as_i64().expect("an id"));
            }
        }
    }
}

#[test]
fn a_source_whose_broker_goes_away_mid_run_loses_no_message() {
    ensure_kafka();
    let dir = scratch_dir().join("kafka").join("source_outage");
    let (_broker, broker_port, proxy_listener) = own_broker(&dir);
    let bootstrap = format!("127.0.0.1:{}", proxy_listener.local_addr().expect("addr").port());
    let proxy = TcpProxy::serve_kafka(proxy_listener, ([127, 0, 0, 1], broker_port).into(), PRODUCER_ID);
    let input = unique("source-outage");
    create_topic(&bootstrap, &input, 1);
    let output = new_topic("source-outage-copy", 1);

    let job = dir.join("job.py");
    std::fs::write(
        &job,
        format!(
            r#"from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
CREATE TABLE events (id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = 'set-when-run', 'properties.bootstrap.servers' = 'set-when-run',
  'scan.startup.mode' = 'earliest-offset', 'properties.fetch.wait.max.ms' = '20', 'format' = 'json')
""")
t_env.execute_sql("""
CREATE TABLE copy (id BIGINT) WITH (
  'connector' = 'kafka', 'topic' = '{output}', 'properties.bootstrap.servers' = '{BROKER}',
  'format' = 'json')
""")
t_env.execute_sql("INSERT INTO copy SELECT id FROM events").wait()
"#
        ),
    )
    .expect("write job");
    let binary = build(&job, "kafka_source_outage", &[]);
    let mut run = RunningJob::start(
        &binary,
        &[
            "--set",
            &format!("events.topic={input}"),
            "--set",
            &format!("events.properties.bootstrap.servers={bootstrap}"),
        ],
        &dir,
    );
    run.wait_for_log("reading 1 partition(s)");

    // The test's producer, spared by the proxy, produces all along; `acked` counts what the broker
    // took.
    let acked = Arc::new(AtomicUsize::new(0));
    let producer = {
        let (acked, bootstrap, input) = (Arc::clone(&acked), bootstrap.clone(), input.clone());
        std::thread::spawn(move || {
            let producer: BaseProducer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap)
                .set("client.id", PRODUCER_ID)
                .set("linger.ms", "0")
                .create()
                .expect("producer");
            for id in 1..=MESSAGES {
                let value = format!(r#"{{"id":{id}}}"#);
                producer
                    .send(BaseRecord::<(), str>::to(&input).payload(&value))
                    .map_err(|(e, _)| e)
                    .expect("send");
                producer.flush(Duration::from_secs(10)).expect("the broker takes the message");
                acked.store(id, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };

    // Cut once the job copied some messages.
    let mut copied = Collector::new(&output);
    copied.collect_until(Duration::from_secs(60), |ids| ids.len() >= 20);
    assert!(copied.ids.len() >= 20, "the job copied nothing:\n{}", run.log.join("\n"));
    proxy.cut();
    let acked_at_cut = acked.load(Ordering::SeqCst);
    copied.collect_until(Duration::from_secs(3), |_| false);
    let acked_in_cut = acked.load(Ordering::SeqCst) - acked_at_cut;
    assert!(matches!(run.child.try_wait(), Ok(None)), "the job ended while the broker was away");
    let copied_in_cut = copied.ids.len();
    proxy.restore();
    producer.join().expect("the producer thread");
    assert!(acked_in_cut >= 5, "the broker took {acked_in_cut} messages while the job was cut off");
    assert!(copied_in_cut < MESSAGES, "the job copied everything before the cut");

    let want: BTreeSet<i64> = (1..=i64::try_from(MESSAGES).unwrap_or(0)).collect();
    copied.collect_until(Duration::from_secs(60), |ids| *ids == want);
    let got = copied.ids;
    let _ = run.child.kill();
    let _ = run.finish(Duration::from_secs(10));
    let log = run.log.join("\n");
    eprintln!("job log:\n{log}");
    assert_eq!(got, want, "every message reaches the sink");
    assert!(
        log.lines()
            .any(|l| l.contains("TableSourceScan(table=[[default_catalog, default_database, events]]): kafka")),
        "the lost connection is logged:\n{log}"
    );
    assert!(log.contains("events]]): reading again: the broker is reachable"), "{log}");
}
