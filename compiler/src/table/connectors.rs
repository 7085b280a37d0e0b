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
use super::{QueryNode, RelOp, SinkConnector};
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
pub(super) struct Options<'a> {
    pub(super) all: &'a BTreeMap<String, String>,
    pub(super) used: Vec<&'a str>,
}

impl<'a> Options<'a> {
    pub(super) fn get(&mut self, modern: &'a str, legacy: &'a str) -> Option<&'a str> {
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

    pub(super) fn unknown(&self, ignored_prefixes: &[&str]) -> Result<(), String> {
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

/// Whether plan node `id` emits updates, and the columns of its output that uniquely identify a row
/// if it does (Flink's upsert key: a group aggregate's grouping columns, carried through projections
/// and into SQL queries and views).
pub fn changelog_key(nodes: &[PlanNode], id: usize) -> (bool, Option<Vec<usize>>) {
    let Some(node) = nodes.iter().find(|n| n.id == id) else {
        return (false, None);
    };
    let StreamOp::Relational(rel) = &node.op else {
        return (false, None);
    };
    let input = |i: usize| {
        node.inputs
            .get(i)
            .map_or((false, None), |&input| changelog_key(nodes, input))
    };
    rel_changelog(rel, node.inputs.len(), &input, nodes)
}

/// [`changelog_key`] of one operator, given its inputs' (`input(i)`).
fn rel_changelog(
    rel: &RelOp,
    inputs: usize,
    input: &dyn Fn(usize) -> (bool, Option<Vec<usize>>),
    nodes: &[PlanNode],
) -> (bool, Option<Vec<usize>>) {
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
            let (updating, key) = input(0);
            let key = key.and_then(|k| {
                k.iter()
                    .map(|&u| column_of(projection, u))
                    .collect::<Option<Vec<usize>>>()
            });
            (updating, key)
        }
        RelOp::Union { .. } => ((0..inputs).any(|i| input(i).0), None),
        // An outer join retracts its NULL-padded rows (an interval join pads them only when they
        // expire); any join passes its inputs' updates on.
        RelOp::Join { kind, interval, temporal, .. } => (
            interval.is_none() && temporal.is_none() && *kind != super::join::JoinKind::Inner || (0..inputs).any(|i| input(i).0),
            None,
        ),
        // Append-only Top-N deletes the rows it evicts.
        RelOp::TopN { .. } => (true, None),
        // Keeping the last row updates it; keeping the first emits each key once.
        RelOp::Deduplicate { keep_last, .. } => (*keep_last || input(0).0, None),
        RelOp::WindowExpand { .. } | RelOp::SessionWindow { .. } | RelOp::Expand { .. } => (input(0).0, None),
        // An anti-join retracts a row when its first match arrives.
        RelOp::AntiJoin { .. } => (true, None),
        RelOp::Correlate { .. } => (input(0).0, None),
        RelOp::Input { node, .. } => changelog_key(nodes, *node),
        RelOp::Query { nodes: query, .. } => query_changelog(query, query.len().saturating_sub(1), nodes),
        _ => (false, None),
    }
}

fn query_changelog(query: &[QueryNode], i: usize, nodes: &[PlanNode]) -> (bool, Option<Vec<usize>>) {
    let Some(node) = query.get(i) else {
        return (false, None);
    };
    let input = |j: usize| {
        node.inputs
            .get(j)
            .map_or((false, None), |&k| query_changelog(query, k, nodes))
    };
    rel_changelog(&node.op, node.inputs.len(), &input, nodes)
}

/// An append-only sink (`kafka`, filesystem) cannot take an updating query, as in Flink.
pub fn check_append_only(table: &str, nodes: &[PlanNode], query: Option<usize>) -> Result<(), String> {
    if query.is_some_and(|q| changelog_key(nodes, q).0) {
        return Err(format!(
            "Table sink 'default_catalog.default_database.{table}' doesn't support consuming update \
             changes produced by the query (a group aggregation); write to an upsert sink \
             ('upsert-kafka', or 'jdbc' with a primary key) instead"
        ));
    }
    Ok(())
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

/// A connector table for the binary's `--help`.
pub struct TableSetting {
    pub table: String,
    pub connector: &'static str,
    /// Overridable options with their built values (passwords as `***`).
    pub options: Vec<(String, String)>,
}

/// The plan's external connector tables (JDBC, Kafka) and their overridable options, by table name.
pub fn table_settings(plan: &Plan) -> Vec<TableSetting> {
    let mut settings: Vec<TableSetting> = Vec::new();
    let kafka = |k: &super::kafka::KafkaOptions| {
        let mut options = vec![
            match &k.topic_pattern {
                Some(pattern) => ("topic-pattern".to_string(), pattern.clone()),
                None => ("topic".to_string(), k.topics.join(";")),
            },
            ("properties.bootstrap.servers".to_string(), k.bootstrap_servers.clone()),
        ];
        if let Some(g) = &k.group_id {
            options.push(("properties.group.id".to_string(), g.clone()));
        }
        for (key, value) in &k.properties {
            let shown = if key.contains("password") { "***".to_string() } else { value.clone() };
            options.push((format!("properties.{key}"), shown));
        }
        options
    };
    for rel in relational_ops(plan) {
        let (table, connector, options) = match rel {
            RelOp::Scan {
                table,
                source: super::SourceConnector::Kafka(k),
                ..
            } => (table, "kafka", kafka(k)),
            RelOp::Sink {
                table,
                sink: SinkConnector::Kafka { options, upsert_key },
                ..
            } => (
                table,
                if upsert_key.is_some() { "upsert-kafka" } else { "kafka" },
                kafka(options),
            ),
            RelOp::Sink {
                table,
                sink: SinkConnector::Jdbc(j),
                ..
            } => {
                let mut options = vec![
                    ("url".to_string(), j.url.clone()),
                    ("table-name".to_string(), j.table.clone()),
                ];
                if let Some(u) = &j.username {
                    options.push(("username".to_string(), u.clone()));
                }
                if j.password.is_some() {
                    options.push(("password".to_string(), "***".to_string()));
                }
                (table, "jdbc", options)
            }
            _ => continue,
        };
        if !settings.iter().any(|s| &s.table == table) {
            settings.push(TableSetting {
                table: table.clone(),
                connector,
                options,
            });
        }
    }
    settings
}

/// Every relational operator of the plan, those inside SQL queries and views included.
fn relational_ops(plan: &Plan) -> Vec<&RelOp> {
    fn collect<'a>(rel: &'a RelOp, rels: &mut Vec<&'a RelOp>) {
        rels.push(rel);
        if let RelOp::Query { nodes, .. } = rel {
            for node in nodes {
                collect(&node.op, rels);
            }
        }
    }
    let mut rels = Vec::new();
    for node in plan.jobs.iter().flat_map(|job| &job.nodes) {
        if let StreamOp::Relational(rel) = &node.op {
            collect(rel, &mut rels);
        }
    }
    rels
}

/// The runtime cargo features the plan's connectors need.
pub fn runtime_features(plan: &Plan) -> Vec<&'static str> {
    let mut features: Vec<&'static str> = relational_ops(plan)
        .into_iter()
        .filter_map(|rel| match rel {
            RelOp::Sink {
                sink: SinkConnector::Jdbc(jdbc),
                ..
            } => Some(jdbc.feature()),
            RelOp::Sink {
                sink: SinkConnector::Kafka { .. },
                ..
            }
            | RelOp::Scan {
                source: super::SourceConnector::Kafka(_),
                ..
            } => Some("kafka"),
            _ => None,
        })
        .collect();
    let datastream_kafka = plan
        .jobs
        .iter()
        .flat_map(|job| &job.nodes)
        .any(|node| matches!(node.op, StreamOp::KafkaSource(_) | StreamOp::KafkaSink(_)));
    if datastream_kafka {
        features.push("kafka");
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
