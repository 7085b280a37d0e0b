//! The JDBC sink (`'connector' = 'jdbc'`, legacy `'connector.type' = 'jdbc'`), as Flink's
//! `JdbcOutputFormat` with its reduced buffer behaves:
//!
//! - With a key (the DDL's primary key, or the group-by key Flink derives for an updating query), rows
//!   are buffered per key: `+I`/`+U` make the key an upsert, `-U`/`-D` a delete, and the last change of
//!   a key wins, so `-U` followed by `+U` is one upsert. A flush runs the upserts (UPDATE, then INSERT
//!   when no row matched) and deletes in one transaction.
//! - Without a key the sink is append-only: rows are INSERTed in order.
//! - A flush happens when `max_rows` records were buffered, when `flush_interval_ms` passed since the
//!   last flush (checked as processing time advances), at each checkpoint and at the end of input.
//! - A failed flush is retried `max_retries` times, reconnecting and backing off 1 s more each time
//!   (Flink's schedule); every failure is a log line, the buffer is kept until a flush succeeds.
//! - Statements are parameterized; values are never spliced into SQL. At start the sink checks that
//!   the table and its columns exist, so a missing table is a clear error before any row is read.
//!
//! Each database is a [`JdbcClient`] in its own file, compiled behind its cargo feature.

use crate::overrides::table_option;
use std::collections::HashMap;
use std::time::Duration;

use sluice_types::TypeInfo;

use super::log;
use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator};
use crate::record::Batch;
use crate::table::ScalarFn;
use crate::value::{RowKind, Value};

/// One statement of a flush.
pub enum Write<'a> {
    /// Run `sql` with `params`.
    Exec {
        sql: &'a str,
        params: Vec<&'a Value>,
    },
    /// Run `update`; when it matched no row, run `insert`.
    UpdateOrInsert {
        update: &'a str,
        update_params: Vec<&'a Value>,
        insert: &'a str,
        insert_params: Vec<&'a Value>,
    },
}

/// A connection to one database.
pub trait JdbcClient: Send {
    /// Runs `sql` (a query returning no rows), to check that a table and its columns exist.
    fn probe(&mut self, sql: &str) -> std::result::Result<(), String>;
    /// Runs `writes` in one transaction.
    fn write(&mut self, writes: &[Write<'_>]) -> std::result::Result<(), String>;
}

/// The SQL dialect of a database: how identifiers are quoted and parameters written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MySql,
    Postgres,
}

impl Dialect {
    /// The dialect of a JDBC URL.
    pub fn of_url(url: &str) -> Option<Dialect> {
        if url.starts_with("jdbc:sqlite:") {
            Some(Dialect::Sqlite)
        } else if url.starts_with("jdbc:mysql:") || url.starts_with("jdbc:mariadb:") {
            Some(Dialect::MySql)
        } else if url.starts_with("jdbc:postgresql:") {
            Some(Dialect::Postgres)
        } else {
            None
        }
    }

    fn quote(self, ident: &str) -> String {
        ident
            .split('.')
            .map(|part| match self {
                Dialect::MySql => format!("`{}`", part.replace('`', "``")),
                _ => format!("\"{}\"", part.replace('"', "\"\"")),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The placeholder of parameter `i` (0-based).
    fn param(self, i: usize) -> String {
        match self {
            Dialect::Postgres => format!("${}", i + 1),
            _ => "?".to_string(),
        }
    }
}

/// What the DDL and the query say about the sink.
pub struct JdbcSinkConfig {
    /// The sink table's name in the job (for messages).
    pub name: String,
    pub url: String,
    /// The table in the database (`connector.table` / `table-name`).
    pub table: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub columns: Vec<String>,
    pub types: Vec<TypeInfo>,
    /// Indices of the key columns; empty for an append-only sink.
    pub key: Vec<usize>,
    pub max_rows: usize,
    /// 0 disables flushing by time.
    pub flush_interval_ms: u64,
    pub max_retries: u32,
}

struct Statements {
    insert: String,
    update: String,
    delete: String,
    probe: String,
}

impl Statements {
    fn new(dialect: Dialect, config: &JdbcSinkConfig) -> Self {
        let table = dialect.quote(&config.table);
        let cols: Vec<String> = config.columns.iter().map(|c| dialect.quote(c)).collect();
        let n = cols.len();
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            cols.join(", "),
            (0..n)
                .map(|i| dialect.param(i))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let set = cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = {}", dialect.param(i)))
            .collect::<Vec<_>>()
            .join(", ");
        let where_at = |offset: usize| {
            config
                .key
                .iter()
                .enumerate()
                .map(|(i, &k)| format!("{} = {}", cols[k], dialect.param(offset + i)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let update = format!("UPDATE {table} SET {set} WHERE {}", where_at(n));
        let delete = format!("DELETE FROM {table} WHERE {}", where_at(0));
        let probe = format!("SELECT {} FROM {table} WHERE 1 = 0", cols.join(", "));
        Statements {
            insert,
            update,
            delete,
            probe,
        }
    }
}

/// A buffered change of one key.
enum Change {
    Upsert(Vec<Value>),
    Delete(Vec<Value>),
}

pub struct JdbcSink {
    name: String,
    config: JdbcSinkConfig,
    dialect: Dialect,
    statements: Statements,
    casts: Vec<ScalarFn>,
    client: Option<Box<dyn JdbcClient>>,
    /// Keyed mode: the last change per key, in first-seen order.
    changes: Vec<Change>,
    by_key: HashMap<Vec<u8>, usize>,
    /// Append mode: rows in arrival order.
    appends: Vec<Vec<Value>>,
    buffered: usize,
    last_flush: i64,
}

impl JdbcSink {
    /// `casts` convert the query's columns to the table's column types.
    pub fn new(mut config: JdbcSinkConfig, casts: Vec<ScalarFn>) -> Result<Self> {
        // Deploy-time overrides and ${ENV} references (see `overrides`): credentials need not be in
        // the DDL, nor in the binary.
        let name = config.name.clone();
        let option = |key: &str, legacy: &str, value: Option<&str>| table_option(&name, key, &[legacy], value);
        config.url = option("url", "connector.url", Some(&config.url)).unwrap_or_default();
        config.table = option("table-name", "connector.table", Some(&config.table)).unwrap_or_default();
        config.username = option("username", "connector.username", config.username.as_deref());
        config.password = option("password", "connector.password", config.password.as_deref());
        let dialect = Dialect::of_url(&config.url).ok_or_else(|| {
            JobError::User(format!(
                "table `{}`: the JDBC URL {} is not supported (jdbc:sqlite:, jdbc:mysql:// and \
                 jdbc:postgresql:// are)",
                config.name, config.url
            ))
        })?;
        Ok(JdbcSink {
            name: format!(
                "Sink: JdbcUpsertTableSink(table=[{}], url=[{}])",
                config.table,
                redact(&config.url)
            ),
            statements: Statements::new(dialect, &config),
            dialect,
            config,
            casts,
            client: None,
            changes: Vec::new(),
            by_key: HashMap::new(),
            appends: Vec::new(),
            buffered: 0,
            last_flush: now_millis(),
        })
    }

    fn connect(&self) -> std::result::Result<Box<dyn JdbcClient>, String> {
        let c = &self.config;
        let (user, password) = (c.username.as_deref(), c.password.as_deref());
        match self.dialect {
            #[cfg(feature = "jdbc-sqlite")]
            Dialect::Sqlite => super::jdbc_sqlite::connect(&c.url),
            #[cfg(feature = "jdbc-mysql")]
            Dialect::MySql => super::jdbc_mysql::connect(&c.url, user, password),
            #[cfg(feature = "jdbc-postgres")]
            Dialect::Postgres => super::jdbc_postgres::connect(&c.url, user, password),
            #[allow(unreachable_patterns)]
            other => {
                let _ = (user, password);
                Err(format!(
                    "this binary was built without the {other:?} JDBC client (a sluice bug: the \
                     compiler enables it for jobs that use it)"
                ))
            }
        }
    }

    fn buffer(&mut self, kind: RowKind, row: Vec<Value>) -> Result<()> {
        self.buffered += 1;
        if self.config.key.is_empty() {
            if !matches!(kind, RowKind::Insert | RowKind::UpdateAfter) {
                return Err(JobError::User(format!(
                    "{}: received a {} row, but the sink has no primary key to apply it by; declare \
                     PRIMARY KEY (...) NOT ENFORCED in the table's DDL",
                    self.name,
                    kind.short_string()
                )));
            }
            self.appends.push(row);
            return Ok(());
        }
        let key = key_bytes(&self.config.key, &row);
        let change = match kind {
            RowKind::Insert | RowKind::UpdateAfter => Change::Upsert(row),
            RowKind::UpdateBefore | RowKind::Delete => Change::Delete(row),
        };
        match self.by_key.get(&key) {
            Some(&i) => self.changes[i] = change,
            None => {
                self.by_key.insert(key, self.changes.len());
                self.changes.push(change);
            }
        }
        Ok(())
    }

    fn writes(&self) -> Vec<Write<'_>> {
        let s = &self.statements;
        let mut writes = Vec::with_capacity(self.changes.len() + self.appends.len());
        for row in &self.appends {
            writes.push(Write::Exec {
                sql: &s.insert,
                params: row.iter().collect(),
            });
        }
        for change in &self.changes {
            match change {
                Change::Upsert(row) => {
                    let mut update_params: Vec<&Value> = row.iter().collect();
                    update_params.extend(self.config.key.iter().map(|&k| &row[k]));
                    writes.push(Write::UpdateOrInsert {
                        update: &s.update,
                        update_params,
                        insert: &s.insert,
                        insert_params: row.iter().collect(),
                    });
                }
                Change::Delete(row) => writes.push(Write::Exec {
                    sql: &s.delete,
                    params: self.config.key.iter().map(|&k| &row[k]).collect(),
                }),
            }
        }
        writes
    }

    /// Writes the buffer, retrying with backoff; the buffer is cleared only once written.
    fn flush(&mut self) -> Result<()> {
        self.last_flush = now_millis();
        if self.changes.is_empty() && self.appends.is_empty() {
            self.buffered = 0;
            return Ok(());
        }
        let mut attempt: u32 = 0;
        loop {
            let result = match self.client.take() {
                Some(client) => Ok(client),
                None => self.connect(),
            }
            .and_then(|mut client| {
                let writes = self.writes();
                let r = client.write(&writes);
                drop(writes);
                if r.is_ok() {
                    self.client = Some(client);
                }
                r
            });
            match result {
                Ok(()) => break,
                Err(e) if attempt < self.config.max_retries => {
                    attempt += 1;
                    let backoff = Duration::from_millis(1000 * u64::from(attempt));
                    log(
                        &self.name,
                        &format!(
                            "writing {} rows failed (attempt {attempt} of {}), retrying in {:?}: {e}",
                            self.changes.len() + self.appends.len(),
                            self.config.max_retries + 1,
                            backoff
                        ),
                    );
                    std::thread::sleep(backoff);
                }
                Err(e) => {
                    return Err(JobError::User(format!(
                        "{}: writing to {} failed after {} retries: {e}",
                        self.name,
                        redact(&self.config.url),
                        self.config.max_retries
                    )))
                }
            }
        }
        self.changes.clear();
        self.by_key.clear();
        self.appends.clear();
        self.buffered = 0;
        Ok(())
    }
}

/// The URL without a `password=` query parameter's value, for messages.
fn redact(url: &str) -> String {
    match url.split_once('?') {
        None => url.to_string(),
        Some((base, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{base}?{}", params.join("&"))
        }
    }
}

/// A network JDBC URL, `jdbc:SCHEME://HOST[:PORT][/DATABASE][?K=V&...]`.
#[derive(Debug, PartialEq)]
pub struct NetUrl {
    pub host: String,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub params: Vec<(String, String)>,
}

impl NetUrl {
    pub fn parse(url: &str) -> std::result::Result<NetUrl, String> {
        let rest = url
            .split_once("://")
            .map(|(_, rest)| rest)
            .ok_or_else(|| format!("{url} is not a jdbc:SCHEME://HOST:PORT/DATABASE URL"))?;
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && !port.contains(']') => (
                host,
                Some(
                    port.parse::<u16>()
                        .map_err(|_| format!("{url}: '{port}' is not a port number"))?,
                ),
            ),
            _ => (authority, None),
        };
        let params = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        Ok(NetUrl {
            host: if host.is_empty() {
                "localhost".into()
            } else {
                host.to_string()
            },
            port,
            database: Some(database.to_string()).filter(|d| !d.is_empty()),
            params,
        })
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A hashable encoding of the key columns of `row`.
fn key_bytes(key: &[usize], row: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for &k in key {
        match &row[k] {
            Value::Null => out.push(0),
            Value::Bool(b) => out.extend([1, u8::from(*b)]),
            Value::Int(i) => {
                out.push(2);
                out.extend(i.to_le_bytes());
            }
            Value::Float(f) => {
                out.push(3);
                out.extend(f.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                out.push(4);
                out.extend((s.len() as u64).to_le_bytes());
                out.extend(s.as_bytes());
            }
            other => {
                out.push(5);
                let text = format!("{other:?}");
                out.extend((text.len() as u64).to_le_bytes());
                out.extend(text.as_bytes());
            }
        }
    }
    out
}

impl Operator for JdbcSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_start(&mut self) -> Result<()> {
        let mut client = self.connect().map_err(|e| {
            JobError::User(format!(
                "{}: cannot connect to {}: {e}",
                self.name,
                redact(&self.config.url)
            ))
        })?;
        client.probe(&self.statements.probe).map_err(|e| {
            JobError::User(format!(
                "{}: the table `{}` with columns ({}) is not usable in {} (sluice does not create \
                 sink tables; create it first): {e}",
                self.name,
                self.config.table,
                self.config.columns.join(", "),
                redact(&self.config.url)
            ))
        })?;
        self.client = Some(client);
        self.last_flush = now_millis();
        Ok(())
    }

    fn process(&mut self, input: Batch, _out: &mut Batch) -> Result<()> {
        for record in input {
            let (kind, fields) = record.into_row_parts();
            let row: Vec<Value> = self.casts.iter().map(|cast| cast(&fields)).collect();
            self.buffer(kind, row)?;
            if self.config.max_rows > 0 && self.buffered >= self.config.max_rows {
                self.flush()?;
            }
        }
        if self.config.max_rows <= 1 {
            self.flush()?;
        }
        Ok(())
    }

    fn on_processing_time(&mut self, now: i64, _out: &mut Batch) -> Result<()> {
        let interval = i64::try_from(self.config.flush_interval_ms).unwrap_or(i64::MAX);
        if interval > 0 && now - self.last_flush >= interval {
            self.flush()?;
        }
        Ok(())
    }

    fn on_checkpoint(&mut self, _checkpoint_id: u64) -> Result<()> {
        self.flush()
    }

    fn on_close(&mut self, _out: &mut Batch) -> Result<()> {
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: Vec<usize>) -> JdbcSinkConfig {
        JdbcSinkConfig {
            name: "t".into(),
            url: "jdbc:postgresql://localhost/test".into(),
            table: "public.stats".into(),
            username: None,
            password: None,
            columns: vec!["province".into(), "n".into()],
            types: vec![TypeInfo::String, TypeInfo::Long],
            key,
            max_rows: 100,
            flush_interval_ms: 1000,
            max_retries: 3,
        }
    }

    #[test]
    fn statements_are_parameterized_and_quoted() {
        let s = Statements::new(Dialect::Postgres, &config(vec![0]));
        assert_eq!(
            s.insert,
            "INSERT INTO \"public\".\"stats\" (\"province\", \"n\") VALUES ($1, $2)"
        );
        assert_eq!(
            s.update,
            "UPDATE \"public\".\"stats\" SET \"province\" = $1, \"n\" = $2 WHERE \"province\" = $3"
        );
        assert_eq!(
            s.delete,
            "DELETE FROM \"public\".\"stats\" WHERE \"province\" = $1"
        );
        let m = Statements::new(Dialect::MySql, &config(vec![0]));
        assert_eq!(
            m.delete,
            "DELETE FROM `public`.`stats` WHERE `province` = ?"
        );
    }

    #[test]
    fn changes_reduce_per_key() {
        let mut sink = JdbcSink::new(config(vec![0]), Vec::new()).expect("valid url");
        let row = |p: &str, n: i64| vec![Value::str(p), Value::Int(n)];
        sink.buffer(RowKind::Insert, row("a", 1)).expect("ok");
        sink.buffer(RowKind::UpdateBefore, row("a", 1)).expect("ok");
        sink.buffer(RowKind::UpdateAfter, row("a", 2)).expect("ok");
        sink.buffer(RowKind::Insert, row("b", 1)).expect("ok");
        sink.buffer(RowKind::Delete, row("b", 1)).expect("ok");
        assert_eq!(sink.changes.len(), 2);
        assert!(matches!(&sink.changes[0], Change::Upsert(r) if r[1] == Value::Int(2)));
        assert!(matches!(&sink.changes[1], Change::Delete(_)));
        assert_eq!(sink.buffered, 5);
    }

    #[test]
    fn append_only_sinks_reject_retractions() {
        let mut sink = JdbcSink::new(config(Vec::new()), Vec::new()).expect("valid url");
        assert!(sink
            .buffer(RowKind::Insert, vec![Value::Null, Value::Null])
            .is_ok());
        assert!(sink
            .buffer(RowKind::Delete, vec![Value::Null, Value::Null])
            .is_err());
    }

    #[test]
    fn network_urls_parse() {
        let u = NetUrl::parse("jdbc:mysql://127.0.0.1:3306/test?user=root").expect("valid");
        assert_eq!(u.host, "127.0.0.1");
        assert_eq!(u.port, Some(3306));
        assert_eq!(u.database.as_deref(), Some("test"));
        assert_eq!(u.param("USER"), Some("root"));
        let d = NetUrl::parse("jdbc:postgresql://db/x").expect("valid");
        assert_eq!((d.host.as_str(), d.port), ("db", None));
        assert!(NetUrl::parse("jdbc:mysql:nohost").is_err());
    }

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact("jdbc:mysql://h/db?user=a&password=secret"),
            "jdbc:mysql://h/db?user=a&password=***"
        );
    }
}
