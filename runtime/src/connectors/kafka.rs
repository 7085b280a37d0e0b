//! What the Kafka source and sink share: the client settings a table's options (or a DataStream
//! `KafkaSource` / `KafkaSink` builder) give, with a table's deploy-time overrides applied, the
//! librdkafka configuration made from them, and the client context that turns librdkafka's errors
//! into the job's log lines.

use rdkafka::client::ClientContext;
use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use super::log;
use crate::overrides::table_option;

/// A Kafka table's (or DataStream connector's) client settings.
#[derive(Debug, Clone, Default)]
pub struct KafkaClientConfig {
    /// The table's name in the job (for messages and overrides); empty for a DataStream connector,
    /// which takes its settings from the script when the binary runs and has no overrides.
    pub table: String,
    pub topics: Vec<String>,
    /// A source's `topic-pattern` (`set_topic_pattern`): a Java regex the whole topic name matches,
    /// instead of `topics`.
    pub topic_pattern: Option<String>,
    pub bootstrap_servers: String,
    pub group_id: Option<String>,
    /// Further `properties.*` options, passed to librdkafka as they are.
    pub properties: Vec<(String, String)>,
}

impl KafkaClientConfig {
    /// Applies `--set TABLE.OPTION=...`, `SLUICE_<TABLE>_<OPTION>` and `${ENV}` (see `overrides`).
    pub fn with_overrides(mut self) -> Self {
        if self.table.is_empty() {
            return self;
        }
        let table = self.table.clone();
        let option = |key: &str, legacy: &str, value: Option<&str>| {
            table_option(&table, key, &[legacy], value)
        };
        if let Some(servers) = option(
            "properties.bootstrap.servers",
            "connector.properties.bootstrap.servers",
            Some(&self.bootstrap_servers),
        ) {
            self.bootstrap_servers = servers;
        }
        self.group_id = option(
            "properties.group.id",
            "connector.properties.group.id",
            self.group_id.as_deref(),
        );
        if let Some(topic) = option("topic", "connector.topic", Some(&self.topics.join(";"))) {
            self.topics = topic
                .split(';')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
        }
        self.topic_pattern = option(
            "topic-pattern",
            "connector.topic-pattern",
            self.topic_pattern.as_deref(),
        );
        for (key, value) in &mut self.properties {
            let modern = format!("properties.{key}");
            let legacy = format!("connector.properties.{key}");
            if let Some(v) = table_option(&table, &modern, &[&legacy], Some(value)) {
                *value = v;
            }
        }
        self
    }

    /// The librdkafka configuration: the bootstrap servers, the group, then the user's properties
    /// (which win over sluice's defaults).
    pub fn client_config(&self, defaults: &[(&str, &str)]) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap_servers);
        if let Some(group) = &self.group_id {
            config.set("group.id", group);
        }
        for (key, value) in defaults {
            config.set(*key, *value);
        }
        for (key, value) in &self.properties {
            // Java's client says `none` where librdkafka says `error` (the source resolves offsets
            // itself and reports a partition without one; see `kafka_source`).
            let value = if key == "auto.offset.reset" && value == "none" { "error" } else { value };
            config.set(key, value);
        }
        config.set_log_level(RDKafkaLogLevel::Warning);
        config
    }

    /// The topics for messages: the list, or the pattern.
    pub fn describe_topics(&self) -> String {
        match &self.topic_pattern {
            Some(pattern) => format!("the topics matching '{pattern}'"),
            None => self.topics.join(", "),
        }
    }
}

/// Logs librdkafka's errors and warnings as the job's log lines, prefixed with the operator.
pub struct LoggingContext {
    pub operator: String,
}

/// librdkafka's warnings and worse as a log line of `operator`.
pub(crate) fn log_client(operator: &str, level: RDKafkaLogLevel, fac: &str, message: &str) {
    if (level as i32) <= (RDKafkaLogLevel::Warning as i32) {
        log(operator, &format!("kafka {fac}: {message}"));
    }
}

/// A client error (the broker unreachable, a request failed) as a log line of `operator`.
pub(crate) fn log_error(operator: &str, error: &KafkaError, reason: &str) {
    // A bounded source asks for end-of-partition events; they are not errors.
    if matches!(error, KafkaError::Global(RDKafkaErrorCode::PartitionEOF)) {
        return;
    }
    log(operator, &format!("kafka error: {error}: {reason}"));
}

impl ClientContext for LoggingContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        log_client(&self.operator, level, fac, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        log_error(&self.operator, &error, reason);
    }
}

impl ConsumerContext for LoggingContext {}
