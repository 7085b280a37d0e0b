//! Connector options of external systems, parsed and validated from a table's `WITH` clause in both
//! Flink's modern (`'connector' = 'jdbc'`, `url`, `table-name`, `sink.buffer-flush.*`) and legacy
//! (`'connector.type' = 'jdbc'`, `connector.url`, `connector.write.flush.*`) forms; the sink's upsert
//! key as Flink derives it from an updating query; and the runtime cargo features a plan needs.
//!
//! Unknown options of a known connector are errors, as in Flink, so a typo is not silently ignored.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;

use super::expr::Expr;
use super::{RelOp, SinkConnector};
use crate::plan::{Plan, PlanNode, StreamOp};

/// A JDBC sink's options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JdbcSinkOptions {
    pub url: String,
    /// The table in the database.
    pub table: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Flush after this many buffered records (modern default 100, legacy 5000).
    pub max_rows: usize,
    /// Flush when this much time passed since the last flush; 0 disables it (modern default 1 s,
    /// legacy 0).
    pub flush_interval_ms: u64,
    pub max_retries: u32,
    /// The upsert key: the DDL's primary key, or the key derived from the query (set by lowering).
    pub key: Vec<String>,
}

impl JdbcSinkOptions {
    /// The runtime feature the URL's database needs.
    pub fn feature(&self) -> &'static str {
        if self.url.starts_with("jdbc:mysql:") || self.url.starts_with("jdbc:mariadb:") {
            "jdbc-mysql"
        } else if self.url.starts_with("jdbc:postgresql:") {
            "jdbc-postgres"
        } else {
            "jdbc-sqlite"
        }
    }
}

/// A Flink duration: `1s`, `500 ms`, `2min`, `1h`, `1d`; a bare number is milliseconds.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => 1,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
        "h" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// Options as written, with the ones read so far remembered, so leftovers can be reported.
struct Options<'a> {
    all: &'a BTreeMap<String, String>,
    used: Vec<&'a str>,
}

impl<'a> Options<'a> {
    fn get(&mut self, modern: &'a str, legacy: &'a str) -> Option<&'a str> {
        for key in [modern, legacy] {
            if let Some((k, v)) = self.all.get_key_value(key) {
                self.used.push(k.as_str());
                return Some(v.as_str());
            }
        }
        None
    }

    fn number<T: std::str::FromStr>(
        &mut self,
        modern: &'a str,
        legacy: &'a str,
        default: T,
    ) -> Result<T, String> {
        match self.get(modern, legacy) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| format!("the option '{modern}' must be a whole number, not '{v}'")),
        }
    }

    fn unknown(&self, ignored_prefixes: &[&str]) -> Result<(), String> {
        let unknown: Vec<&str> = self
            .all
            .keys()
            .map(String::as_str)
            .filter(|k| !self.used.contains(k))
            .filter(|k| !ignored_prefixes.iter().any(|p| k.starts_with(p)))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "unsupported option(s) for this connector: {}",
                unknown.join(", ")
            ))
        }
    }
}

/// `'connector' = 'jdbc'` or `'connector.type' = 'jdbc'` as a sink.
pub fn jdbc_sink(
    options: &BTreeMap<String, String>,
    primary_key: &[String],
) -> Result<SinkConnector, String> {
    let legacy = options.contains_key("connector.type");
    let mut o = Options {
        all: options,
        used: vec!["connector", "connector.type", "connector.version"],
    };
    let url = o
        .get("url", "connector.url")
        .ok_or("the jdbc connector needs a 'url' option ('connector.url' in the legacy form)")?
        .to_string();
    if ![
        "jdbc:sqlite:",
        "jdbc:mysql://",
        "jdbc:mariadb://",
        "jdbc:postgresql://",
    ]
    .iter()
    .any(|p| url.starts_with(p))
    {
        return Err(format!(
            "the JDBC URL '{url}' is not supported by sluice yet (jdbc:sqlite:, jdbc:mysql:// and \
             jdbc:postgresql:// are)"
        ));
    }
    let table = o
        .get("table-name", "connector.table")
        .ok_or(
            "the jdbc connector needs a 'table-name' option ('connector.table' in the legacy form)",
        )?
        .to_string();
    let username = o.get("username", "connector.username").map(str::to_string);
    let password = o.get("password", "connector.password").map(str::to_string);
    let _driver = o.get("driver", "connector.driver");
    let max_rows = o.number(
        "sink.buffer-flush.max-rows",
        "connector.write.flush.max-rows",
        if legacy { 5000 } else { 100 },
    )?;
    let flush_interval_ms = match o.get(
        "sink.buffer-flush.interval",
        "connector.write.flush.interval",
    ) {
        None => {
            if legacy {
                0
            } else {
                1000
            }
        }
        Some(v) => parse_duration_ms(v).ok_or_else(|| {
            format!("the flush interval '{v}' is not a duration (such as '1s' or '500ms')")
        })?,
    };
    let max_retries = o.number("sink.max-retries", "connector.write.max-retries", 3)?;
    // Options that only matter to Flink's JVM or to the lookup source.
    for (m, l) in [
        ("sink.parallelism", "connector.sink.parallelism"),
        (
            "connection.max-retry-timeout",
            "connector.connection.max-retry-timeout",
        ),
    ] {
        let _ = o.get(m, l);
    }
    o.unknown(&["lookup.", "scan.", "connector.lookup.", "connector.read."])?;
    Ok(SinkConnector::Jdbc(JdbcSinkOptions {
        url,
        table,
        username,
        password,
        max_rows,
        flush_interval_ms,
        max_retries,
        key: primary_key.to_vec(),
    }))
}

/// Where a Kafka source starts reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum KafkaStartup {
    Earliest,
    Latest,
    GroupOffsets,
    Timestamp(i64),
    SpecificOffsets(Vec<(i32, i64)>),
}

/// A Kafka table's options (source or append sink).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KafkaOptions {
    pub topics: Vec<String>,
    pub bootstrap_servers: String,
    pub group_id: Option<String>,
    pub startup: KafkaStartup,
    /// `csv`, `json` or `raw`.
    pub format: String,
    pub field_delimiter: char,
    pub ignore_parse_errors: bool,
    /// Further client properties (`properties.*` / `connector.properties.*`), passed to librdkafka.
    pub properties: Vec<(String, String)>,
}

/// Client properties Flink's Kafka connector accepts that librdkafka does not know.
const JVM_ONLY_PROPERTIES: &[&str] = &["zookeeper.connect", "key.deserializer", "value.deserializer"];

/// `'connector' = 'kafka'` or `'connector.type' = 'kafka'`.
pub fn kafka_options(options: &BTreeMap<String, String>) -> Result<KafkaOptions, String> {
    let legacy = options.contains_key("connector.type");
    let mut o = Options {
        all: options,
        used: vec!["connector", "connector.type", "connector.version", "connector.property-version"],
    };
    if o.get("topic-pattern", "connector.topic-pattern").is_some() {
        return Err("'topic-pattern' is not supported by sluice yet (list topics in 'topic')".into());
    }
    let topics: Vec<String> = o
        .get("topic", "connector.topic")
        .ok_or("the kafka connector needs a 'topic' option ('connector.topic' in the legacy form)")?
        .split(';')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let bootstrap_servers = o
        .get("properties.bootstrap.servers", "connector.properties.bootstrap.servers")
        .ok_or("the kafka connector needs 'properties.bootstrap.servers'")?
        .to_string();
    let group_id = o
        .get("properties.group.id", "connector.properties.group.id")
        .map(str::to_string);
    let mode = o.get("scan.startup.mode", "connector.startup-mode");
    let startup = match mode.unwrap_or(if legacy { "group-offsets" } else { "group-offsets" }) {
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
                "unknown startup mode '{other}' (earliest-offset, latest-offset, group-offsets,                  timestamp or specific-offsets)"
            ))
        }
    };
    let format = o
        .get("format", "format.type")
        .or_else(|| o.get("value.format", "value.format"))
        .ok_or("the kafka connector needs a 'format' option")?
        .to_string();
    if !["csv", "json", "raw"].contains(&format.as_str()) {
        return Err(format!("the format '{format}' is not supported by sluice yet (csv, json and raw are)"));
    }
    let delimiter = o
        .get("csv.field-delimiter", "format.field-delimiter")
        .unwrap_or(",");
    let mut chars = delimiter.chars();
    let field_delimiter = match (chars.next(), chars.next()) {
        (Some(c), None) => c,
        _ => return Err("the CSV field delimiter must be one character".into()),
    };
    let ignore = [
        o.get("csv.ignore-parse-errors", "format.ignore-parse-errors"),
        o.get("json.ignore-parse-errors", "json.ignore-parse-errors"),
    ]
    .iter()
    .any(|v| v.is_some_and(|v| v.eq_ignore_ascii_case("true")));
    let _ = o.get("json.fail-on-missing-field", "format.fail-on-missing-field");
    let _ = o.get("sink.partitioner", "connector.sink-partitioner");
    let _ = o.get("sink.delivery-guarantee", "sink.semantic");
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
    o.unknown(&[])?;
    Ok(KafkaOptions {
        topics,
        bootstrap_servers,
        group_id,
        startup,
        format,
        field_delimiter,
        ignore_parse_errors: ignore,
        properties,
    })
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

/// Whether plan node `id` emits updates, and the columns of its output that uniquely identify a row
/// if it does (Flink's upsert key: a group aggregate's grouping columns, carried through projections).
pub fn changelog_key(nodes: &[PlanNode], id: usize) -> (bool, Option<Vec<usize>>) {
    let Some(node) = nodes.iter().find(|n| n.id == id) else {
        return (false, None);
    };
    let StreamOp::Relational(rel) = &node.op else {
        return (false, None);
    };
    let column_of = |projection: &[Expr], upstream: usize| {
        projection
            .iter()
            .position(|e| matches!(e, Expr::Column { index, .. } if *index == upstream))
    };
    match rel {
        RelOp::Aggregate {
            keys, projection, ..
        } => {
            let key: Option<Vec<usize>> =
                (0..keys.len()).map(|k| column_of(projection, k)).collect();
            (true, key.filter(|k| !k.is_empty()))
        }
        RelOp::Calc { projection, .. } => {
            let Some(&input) = node.inputs.first() else {
                return (false, None);
            };
            let (updating, key) = changelog_key(nodes, input);
            let key = key.and_then(|k| {
                k.iter()
                    .map(|&u| column_of(projection, u))
                    .collect::<Option<Vec<usize>>>()
            });
            (updating, key)
        }
        _ => (false, None),
    }
}

/// Checks the DDL's primary key against the table's columns, or derives the key from the query
/// (`query`: the plan node the sink consumes) when the query emits updates, as Flink's planner does;
/// an updating query without any key is an error, as in Flink.
pub fn resolve_upsert_key(
    jdbc: &mut JdbcSinkOptions,
    table: &str,
    schema: &super::Schema,
    nodes: &[PlanNode],
    query: Option<usize>,
) -> Result<(), String> {
    for k in &jdbc.key {
        if !schema.fields.iter().any(|f| &f.name == k) {
            return Err(format!(
                "the primary key column `{k}` is not a column of table `{table}` {schema}"
            ));
        }
    }
    let (updating, derived) = query.map_or((false, None), |q| changelog_key(nodes, q));
    if jdbc.key.is_empty() && updating {
        let derived = derived.ok_or_else(|| {
            format!(
                "table `{table}` receives updates but has no primary key, and none can be derived                  from the query; declare PRIMARY KEY (...) NOT ENFORCED in its DDL"
            )
        })?;
        jdbc.key = derived
            .iter()
            .filter_map(|&i| schema.fields.get(i).map(|f| f.name.clone()))
            .collect();
    }
    Ok(())
}

/// The generated statement adding a JDBC sink for `table` fed by `input`.
pub fn jdbc_sink_stmt(
    jdbc: &JdbcSinkOptions,
    table: &str,
    schema: &super::Schema,
    types: TokenStream,
    casts: TokenStream,
    input: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let opt = |v: &Option<String>| match v {
        Some(s) => quote! { Some(#s.to_string()) },
        None => quote! { None },
    };
    let JdbcSinkOptions {
        url,
        table: db_table,
        max_rows,
        flush_interval_ms,
        max_retries,
        ..
    } = jdbc;
    let (username, password) = (opt(&jdbc.username), opt(&jdbc.password));
    let columns = schema.fields.iter().map(|f| f.name.as_str());
    let key = jdbc.key.iter().filter_map(|k| {
        schema
            .fields
            .iter()
            .position(|f| &f.name == k)
            .map(proc_macro2::Literal::usize_unsuffixed)
    });
    let max_rows = proc_macro2::Literal::usize_unsuffixed(*max_rows);
    quote! {
        p.operator(#input, connectors::jdbc::JdbcSink::new(connectors::jdbc::JdbcSinkConfig {
            name: #table.to_string(),
            url: #url.to_string(),
            table: #db_table.to_string(),
            username: #username,
            password: #password,
            columns: vec![#(#columns.to_string()),*],
            types: #types,
            key: vec![#(#key),*],
            max_rows: #max_rows,
            flush_interval_ms: #flush_interval_ms,
            max_retries: #max_retries,
        }, #casts)?);
    }
}

/// The runtime cargo features the plan's connectors need.
pub fn runtime_features(plan: &Plan) -> Vec<&'static str> {
    let mut features = Vec::new();
    for node in plan.jobs.iter().flat_map(|job| &job.nodes) {
        if let StreamOp::Relational(RelOp::Sink {
            sink: SinkConnector::Jdbc(jdbc),
            ..
        }) = &node.op
        {
            features.push(jdbc.feature());
        }
    }
    features.sort_unstable();
    features.dedup();
    features
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
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1s"), Some(1000));
        assert_eq!(parse_duration_ms("250 ms"), Some(250));
        assert_eq!(parse_duration_ms("2min"), Some(120_000));
        assert_eq!(parse_duration_ms("300"), Some(300));
        assert_eq!(parse_duration_ms("1 fortnight"), None);
    }

    #[test]
    fn legacy_jdbc_options_of_the_seed() {
        let o = options(&[
            ("connector.type", "jdbc"),
            ("connector.url", "jdbc:mysql://localhost:3306/Flink"),
            ("connector.table", "access_statistic"),
            ("connector.username", "root"),
            ("connector.password", "root"),
            ("connector.write.flush.interval", "1s"),
        ]);
        let SinkConnector::Jdbc(j) = jdbc_sink(&o, &[]).expect("valid") else {
            panic!("not jdbc")
        };
        assert_eq!(j.table, "access_statistic");
        assert_eq!(
            (j.max_rows, j.flush_interval_ms, j.max_retries),
            (5000, 1000, 3)
        );
        assert_eq!(j.feature(), "jdbc-mysql");
    }

    #[test]
    fn modern_jdbc_options() {
        let o = options(&[
            ("connector", "jdbc"),
            ("url", "jdbc:postgresql://127.0.0.1:5432/test"),
            ("table-name", "stats"),
            ("sink.buffer-flush.max-rows", "10"),
            ("sink.max-retries", "5"),
        ]);
        let SinkConnector::Jdbc(j) = jdbc_sink(&o, &["province".to_string()]).expect("valid")
        else {
            panic!("not jdbc")
        };
        assert_eq!(
            (j.max_rows, j.flush_interval_ms, j.max_retries),
            (10, 1000, 5)
        );
        assert_eq!(j.key, vec!["province".to_string()]);
        let typo = options(&[
            ("connector", "jdbc"),
            ("url", "jdbc:sqlite:x.db"),
            ("table-name", "t"),
            ("sink.buffer-flush.max-row", "1"),
        ]);
        assert!(jdbc_sink(&typo, &[])
            .expect_err("typo")
            .contains("sink.buffer-flush.max-row"));
        let odd = options(&[
            ("connector", "jdbc"),
            ("url", "jdbc:oracle:thin:@x"),
            ("table-name", "t"),
        ]);
        assert!(jdbc_sink(&odd, &[]).is_err());
    }
}
