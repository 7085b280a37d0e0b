//! The Kafka connector's table options (`'connector' = 'kafka'`, `'upsert-kafka'`, legacy
//! `'connector.type' = 'kafka'`), and the generated statements creating its runtime source and sinks.

use std::collections::BTreeMap;

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;
use serde::Serialize;

use super::connectors::Options;
use super::formats::{check_format, codec_tokens, field_delimiter};
use super::kafka_key::{key_codec_tokens, value_columns};
use super::types::{Schema, SqlType};

/// Where a Kafka source starts reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum KafkaStartup {
    Earliest,
    Latest,
    GroupOffsets,
    Timestamp(i64),
    SpecificOffsets(Vec<(i32, i64)>),
}

/// A Kafka table's options (source, append sink or upsert-kafka sink).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KafkaOptions {
    pub topics: Vec<String>,
    /// A source's `topic-pattern`: a regex the whole topic name matches (instead of `topic`).
    pub topic_pattern: Option<String>,
    pub bootstrap_servers: String,
    pub group_id: Option<String>,
    pub startup: KafkaStartup,
    /// `scan.bounded.mode = 'latest-offset'`: the source ends at the offsets latest at its start.
    pub bounded: bool,
    /// The value format: `csv`, `json` or `raw`.
    pub format: String,
    /// `key.format`: the message key's format (upsert-kafka, or `kafka` with `key.fields`).
    pub key_format: Option<String>,
    /// `key.fields` as written (a `kafka` table's key columns, in the key format's order).
    pub key_fields: Vec<String>,
    /// `key.fields-prefix`: stripped from the key columns' names in the key format.
    pub key_fields_prefix: String,
    /// The key columns (indexes into the schema), resolved by `kafka_key::resolve_key`: `key.fields`
    /// or upsert-kafka's primary key.
    pub key_columns: Vec<usize>,
    /// `value.fields-include = 'EXCEPT_KEY'`: the value holds only the non-key columns.
    pub value_except_key: bool,
    pub field_delimiter: char,
    /// `key.csv.field-delimiter`.
    pub key_field_delimiter: char,
    pub ignore_parse_errors: bool,
    /// Further client properties (`properties.*` / `connector.properties.*`), passed to librdkafka.
    pub properties: Vec<(String, String)>,
    /// Metadata columns: (column index, key); of a sink, only the written ones (not VIRTUAL).
    pub metadata: Vec<(usize, String)>,
    /// `scan.topic-partition-discovery.interval` in milliseconds (0: no discovery).
    pub partition_discovery_ms: i64,
}

/// Flink's default partition discovery interval: 5 minutes.
const DEFAULT_PARTITION_DISCOVERY_MS: i64 = 300_000;

impl KafkaOptions {
    /// ` key=[a, b] key.format=json metadata=[ts:timestamp]` for a table with `key.fields` and
    /// metadata columns (nothing for neither), for plans.
    pub fn plan_details(&self, schema: &Schema) -> String {
        let name = |i: usize| schema.fields.get(i).map_or("?", |f| f.name.as_str());
        let mut out = String::new();
        if !self.key_fields.is_empty() {
            let names: Vec<&str> = self.key_columns.iter().map(|&i| name(i)).collect();
            out.push_str(&format!(
                " key=[{}] key.format={}{}",
                names.join(", "),
                self.key_format.as_deref().unwrap_or_default(),
                if self.value_except_key { " value=EXCEPT_KEY" } else { "" }
            ));
        }
        if !self.metadata.is_empty() {
            let columns: Vec<String> = self.metadata.iter().map(|(i, key)| format!("{}:{key}", name(*i))).collect();
            out.push_str(&format!(" metadata=[{}]", columns.join(", ")));
        }
        out
    }

    /// The table's name to the runtime's client settings.
    pub fn client_tokens(&self, table: &str) -> TokenStream {
        let topics = &self.topics;
        let pattern = match &self.topic_pattern {
            Some(p) => quote! { Some(#p.to_string()) },
            None => quote! { None },
        };
        let servers = &self.bootstrap_servers;
        let group = match &self.group_id {
            Some(g) => quote! { Some(#g.to_string()) },
            None => quote! { None },
        };
        let (keys, values): (Vec<&String>, Vec<&String>) =
            self.properties.iter().map(|(k, v)| (k, v)).unzip();
        quote! {
            connectors::kafka::KafkaClientConfig {
                table: #table.to_string(),
                topics: vec![#(#topics.to_string()),*],
                topic_pattern: #pattern,
                bootstrap_servers: #servers.to_string(),
                group_id: #group,
                properties: vec![#((#keys.to_string(), #values.to_string())),*],
            }
        }
    }
}

/// Client properties Flink's Kafka connector accepts that librdkafka does not know.
const JVM_ONLY_PROPERTIES: &[&str] = &[
    "zookeeper.connect",
    "key.deserializer",
    "value.deserializer",
    "key.serializer",
    "value.serializer",
];

/// Format option prefixes the connector passes to its formats (`json.*`, `value.csv.*`, ...).
const FORMAT_PREFIXES: &[&str] = &[
    "csv.", "json.", "raw.", "key.csv.", "key.json.", "key.raw.", "value.csv.", "value.json.",
    "value.raw.", "format.",
];

/// `'connector' = 'kafka'` / `'upsert-kafka'` or `'connector.type' = 'kafka'`.
pub fn kafka_options(options: &BTreeMap<String, String>) -> Result<KafkaOptions, String> {
    let mut o = Options {
        all: options,
        used: vec!["connector", "connector.type", "connector.version", "connector.property-version"],
    };
    let topic_pattern = o.get("topic-pattern", "connector.topic-pattern").map(str::to_string);
    let topics: Vec<String> = match (o.get("topic", "connector.topic"), &topic_pattern) {
        (Some(_), Some(_)) => {
            return Err("'topic' and 'topic-pattern' cannot both be set (give one of them)".into())
        }
        (None, None) => {
            return Err("the kafka connector needs a 'topic' option ('connector.topic' in the legacy \
                        form) or a 'topic-pattern'"
                .into())
        }
        (None, Some(_)) => Vec::new(),
        (Some(topic), None) => topic
            .split(';')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
    };
    let bootstrap_servers = o
        .get("properties.bootstrap.servers", "connector.properties.bootstrap.servers")
        .ok_or("the kafka connector needs 'properties.bootstrap.servers'")?
        .to_string();
    let group_id = o
        .get("properties.group.id", "connector.properties.group.id")
        .map(str::to_string);
    let mode = o.get("scan.startup.mode", "connector.startup-mode");
    let startup = match mode.unwrap_or("group-offsets") {
        "earliest-offset" => KafkaStartup::Earliest,
        "latest-offset" => KafkaStartup::Latest,
        "group-offsets" => KafkaStartup::GroupOffsets,
        "timestamp" => {
            let ms = o
                .get("scan.startup.timestamp-millis", "connector.startup-timestamp-millis")
                .ok_or("the startup mode 'timestamp' needs 'scan.startup.timestamp-millis'")?;
            KafkaStartup::Timestamp(
                ms.trim()
                    .parse()
                    .map_err(|_| format!("'{ms}' is not a timestamp in milliseconds"))?,
            )
        }
        "specific-offsets" => {
            let spec = o
                .get("scan.startup.specific-offsets", "connector.specific-offsets")
                .ok_or("the startup mode 'specific-offsets' needs 'scan.startup.specific-offsets'")?;
            KafkaStartup::SpecificOffsets(parse_specific_offsets(spec)?)
        }
        other => {
            return Err(format!(
                "unknown startup mode '{other}' (earliest-offset, latest-offset, group-offsets, \
                 timestamp or specific-offsets)"
            ))
        }
    };
    let bounded = match o.get("scan.bounded.mode", "scan.bounded.mode") {
        None | Some("unbounded") => false,
        Some("latest-offset") => true,
        Some(other) => {
            return Err(format!(
                "the bounded mode '{other}' is not supported by sluice yet (unbounded and \
                 latest-offset are)"
            ))
        }
    };
    let format = o
        .get("format", "format.type")
        .or_else(|| o.get("value.format", "value.format"))
        .ok_or("the kafka connector needs a 'format' option ('value.format' for upsert-kafka)")?
        .to_string();
    check_format(&format)?;
    let key_format = o.get("key.format", "key.format").map(str::to_string);
    if let Some(k) = &key_format {
        check_format(k)?;
    }
    let key_fields = o
        .get("key.fields", "key.fields")
        .map(super::kafka_key::parse_key_fields)
        .unwrap_or_default();
    let key_fields_prefix = o.get("key.fields-prefix", "key.fields-prefix").unwrap_or_default().to_string();
    let value_except_key = match o.get("value.fields-include", "value.fields-include") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("ALL") => false,
        Some(v) if v.eq_ignore_ascii_case("EXCEPT_KEY") => true,
        Some(other) => return Err(format!("'value.fields-include' is ALL or EXCEPT_KEY, not '{other}'")),
    };
    let delimiter = [
        "csv.field-delimiter",
        "format.field-delimiter",
        "value.csv.field-delimiter",
    ]
    .iter()
    .find_map(|k| options.get(*k))
    .map_or(",", String::as_str);
    let field_delimiter = field_delimiter(delimiter)?;
    let key_field_delimiter = field_delimiter_of(options.get("key.csv.field-delimiter"))?;
    let ignore = options
        .iter()
        .filter(|(k, _)| k.ends_with("ignore-parse-errors"))
        .any(|(_, v)| v.eq_ignore_ascii_case("true"));
    let _ = o.get("sink.partitioner", "connector.sink-partitioner");
    let _ = o.get("sink.delivery-guarantee", "sink.semantic");
    let _ = o.get("sink.transactional-id-prefix", "sink.parallelism");
    let partition_discovery_ms = match o.get(
        "scan.topic-partition-discovery.interval",
        "connector.properties.flink.partition-discovery.interval-millis",
    ) {
        None => DEFAULT_PARTITION_DISCOVERY_MS,
        // A negative interval disables discovery, as 0 does (Flink's legacy option).
        Some(text) if text.trim().starts_with('-') => 0,
        Some(text) => super::connectors::parse_duration_ms(text)
            .and_then(|ms| i64::try_from(ms).ok())
            .ok_or_else(|| {
                format!("'scan.topic-partition-discovery.interval' = '{text}' is not a duration such as '5 min'")
            })?,
    };
    let mut properties = Vec::new();
    for (k, v) in options {
        let name = k
            .strip_prefix("properties.")
            .or_else(|| k.strip_prefix("connector.properties."));
        if let Some(name) = name {
            o.used.push(k.as_str());
            if !["bootstrap.servers", "group.id"].contains(&name) && !JVM_ONLY_PROPERTIES.contains(&name) {
                properties.push((name.to_string(), v.clone()));
            }
        }
    }
    o.unknown(FORMAT_PREFIXES)?;
    Ok(KafkaOptions {
        topics,
        topic_pattern,
        bootstrap_servers,
        group_id,
        startup,
        bounded,
        format,
        key_format,
        key_fields,
        key_fields_prefix,
        key_columns: Vec::new(),
        value_except_key,
        field_delimiter,
        key_field_delimiter,
        ignore_parse_errors: ignore,
        properties,
        metadata: Vec::new(),
        partition_discovery_ms,
    })
}

/// A CSV delimiter option, `,` when not given.
fn field_delimiter_of(option: Option<&String>) -> Result<char, String> {
    field_delimiter(option.map_or(",", String::as_str))
}

/// A sink's options: one topic, no pattern (as Flink's Kafka sinks require).
pub fn sink_topic(options: KafkaOptions) -> Result<KafkaOptions, String> {
    if options.topic_pattern.is_some() {
        return Err("'topic-pattern' is not supported for a Kafka sink (give its 'topic')".into());
    }
    Ok(options)
}

/// `partition:0,offset:42;partition:1,offset:300`.
fn parse_specific_offsets(spec: &str) -> Result<Vec<(i32, i64)>, String> {
    spec.split(';')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let mut partition = None;
            let mut offset = None;
            for part in item.split(',') {
                match part.trim().split_once(':') {
                    Some(("partition", v)) => partition = v.trim().parse().ok(),
                    Some(("offset", v)) => offset = v.trim().parse().ok(),
                    _ => {}
                }
            }
            partition
                .zip(offset)
                .ok_or_else(|| format!("'{item}' is not 'partition:N,offset:M'"))
        })
        .collect()
}


/// The expression creating the Kafka source of `table`.
pub fn source_expr(options: &KafkaOptions, table: &str, schema: &Schema) -> TokenStream {
    let client = options.client_tokens(table);
    let startup = match &options.startup {
        KafkaStartup::Earliest => quote! { connectors::kafka_source::StartupMode::Earliest },
        KafkaStartup::Latest => quote! { connectors::kafka_source::StartupMode::Latest },
        KafkaStartup::GroupOffsets => quote! { connectors::kafka_source::StartupMode::GroupOffsets },
        KafkaStartup::Timestamp(ts) => quote! { connectors::kafka_source::StartupMode::Timestamp(#ts) },
        KafkaStartup::SpecificOffsets(offsets) => {
            let (partitions, offsets): (Vec<i32>, Vec<i64>) = offsets.iter().copied().unzip();
            quote! {
                connectors::kafka_source::StartupMode::SpecificOffsets(vec![#((#partitions, #offsets)),*])
            }
        }
    };
    let value_columns = value_columns(options, schema);
    let codec = codec_tokens(&options.format, options.field_delimiter, schema, &value_columns);
    let (bounded, ignore) = (options.bounded, options.ignore_parse_errors);
    let discovery = if bounded {
        quote! {}
    } else {
        let ms = options.partition_discovery_ms;
        quote! { .with_partition_discovery(#ms) }
    };
    let column = |i: usize| {
        let key = options.metadata.iter().find(|(m, _)| *m == i).map(|(_, k)| k.as_str());
        let position = |of: &[usize]| of.iter().position(|c| *c == i).map(Lit::usize_unsuffixed);
        match key {
            Some("topic") => quote! { connectors::kafka_source::KafkaColumn::Topic },
            Some("partition") => quote! { connectors::kafka_source::KafkaColumn::Partition },
            Some("offset") => quote! { connectors::kafka_source::KafkaColumn::Offset },
            Some("timestamp") if matches!(schema.fields.get(i).map(|f| f.ty), Some(SqlType::TimestampLtz(_))) => {
                quote! { connectors::kafka_source::KafkaColumn::Instant }
            }
            Some("timestamp") => quote! { connectors::kafka_source::KafkaColumn::Timestamp },
            Some("headers") => quote! { connectors::kafka_source::KafkaColumn::Headers },
            Some(_) => quote! { connectors::kafka_source::KafkaColumn::TimestampType },
            // A key column the value also holds (`'value.fields-include' = 'ALL'`) is the value's,
            // as in Flink, which sets the key's fields first and the value's over them.
            // Every physical column is in the value or the key.
            None => match position(&value_columns) {
                Some(v) => quote! { connectors::kafka_source::KafkaColumn::Value(#v) },
                None => {
                    let k = position(&options.key_columns).unwrap_or_else(|| Lit::usize_unsuffixed(0));
                    quote! { connectors::kafka_source::KafkaColumn::Key(#k) }
                }
            },
        }
    };
    let reads_key = options.key_columns.iter().any(|k| !value_columns.contains(k));
    let layout = if value_columns.iter().copied().eq(0..schema.fields.len()) {
        quote! {}
    } else {
        let columns = (0..schema.fields.len()).map(column);
        quote! { .with_layout(vec![#(#columns),*]) }
    };
    let key = if reads_key {
        let key_codec = key_codec_tokens(options, schema);
        quote! { .with_key(#key_codec) }
    } else {
        quote! {}
    };
    quote! {
        p.source(connectors::kafka_source::KafkaSource::new(#client, #startup, #bounded, #codec, #ignore)#layout #key #discovery)
    }
}

/// The statement adding the Kafka sink of `table` fed by `input` (`upsert`: an upsert-kafka sink,
/// keyed by its primary key); `casts` give the table's columns (DECIMAL and temporal ones as text).
pub fn sink_stmt(
    options: &KafkaOptions,
    upsert: bool,
    table: &str,
    schema: &Schema,
    casts: TokenStream,
    input: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let client = options.client_tokens(table);
    let value_columns = value_columns(options, schema);
    let codec = codec_tokens(&options.format, options.field_delimiter, schema, &value_columns);
    let key = options.key_columns.iter().map(|&i| Lit::usize_unsuffixed(i));
    let key_codec = key_codec_tokens(options, schema);
    let mode = match (upsert, options.key_columns.is_empty()) {
        (false, true) => quote! { connectors::kafka_sink::SinkMode::Append },
        (false, false) => {
            quote! { connectors::kafka_sink::SinkMode::Keyed { key: vec![#(#key),*], key_codec: #key_codec } }
        }
        (true, _) => {
            quote! { connectors::kafka_sink::SinkMode::Upsert { key: vec![#(#key),*], key_codec: #key_codec } }
        }
    };
    let value_columns = value_columns.iter().map(|&i| Lit::usize_unsuffixed(i));
    let timestamp = match options.metadata.iter().find(|(_, k)| k == "timestamp") {
        Some((column, _)) => {
            let column = Lit::usize_unsuffixed(*column);
            quote! { .with_timestamp(#column) }
        }
        None => quote! {},
    };
    let headers = match options.metadata.iter().find(|(_, k)| k == "headers") {
        Some((column, _)) => {
            let column = Lit::usize_unsuffixed(*column);
            quote! { .with_headers(#column) }
        }
        None => quote! {},
    };
    quote! {
        p.operator(#input, connectors::kafka_sink::KafkaSink::new(
            #client, #mode, #codec, vec![#(#value_columns),*], #casts)#timestamp #headers);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn legacy_kafka_options_of_the_seed() {
        let o = options(&[
            ("connector.type", "kafka"),
            ("connector.version", "universal"),
            ("connector.topic", "access_log"),
            ("connector.properties.zookeeper.connect", "localhost:2181"),
            ("connector.properties.bootstrap.servers", "localhost:9092"),
            ("format.type", "csv"),
            ("format.ignore-parse-errors", "true"),
        ]);
        let k = kafka_options(&o).expect("valid");
        assert_eq!(k.topics, vec!["access_log".to_string()]);
        assert_eq!(k.bootstrap_servers, "localhost:9092");
        assert!(k.ignore_parse_errors);
        assert!(k.properties.is_empty());
        assert_eq!(k.startup, KafkaStartup::GroupOffsets);
        let m = options(&[
            ("connector", "kafka"),
            ("topic", "a;b"),
            ("properties.bootstrap.servers", "h:1"),
            ("scan.startup.mode", "specific-offsets"),
            ("scan.startup.specific-offsets", "partition:0,offset:42;partition:1,offset:7"),
            ("format", "json"),
        ]);
        let k = kafka_options(&m).expect("valid");
        assert_eq!(k.topics.len(), 2);
        assert_eq!(k.startup, KafkaStartup::SpecificOffsets(vec![(0, 42), (1, 7)]));
        assert_eq!(k.partition_discovery_ms, 300_000, "Flink's default");
        let mut every = m.clone();
        every.insert("scan.topic-partition-discovery.interval".into(), "2 s".into());
        assert_eq!(kafka_options(&every).expect("valid").partition_discovery_ms, 2_000);
        every.insert("scan.topic-partition-discovery.interval".into(), "0".into());
        assert_eq!(kafka_options(&every).expect("valid").partition_discovery_ms, 0);
        every.insert("scan.topic-partition-discovery.interval".into(), "often".into());
        assert!(kafka_options(&every).expect_err("bad").contains("not a duration"));
    }

    #[test]
    fn a_topic_pattern_instead_of_topics_for_sources_only() {
        let pattern = options(&[
            ("connector", "kafka"),
            ("topic-pattern", "orders-.*"),
            ("properties.bootstrap.servers", "h:1"),
            ("format", "json"),
        ]);
        let k = kafka_options(&pattern).expect("valid");
        assert_eq!(k.topic_pattern.as_deref(), Some("orders-.*"));
        assert!(k.topics.is_empty());
        assert!(sink_topic(k).expect_err("no pattern sinks").contains("topic-pattern"));
        let mut both = pattern.clone();
        both.insert("topic".into(), "orders-1".into());
        assert!(kafka_options(&both).expect_err("both").contains("cannot both be set"));
        let mut neither = pattern;
        neither.remove("topic-pattern");
        assert!(kafka_options(&neither).expect_err("neither").contains("'topic-pattern'"));
    }

}
