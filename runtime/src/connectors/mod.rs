//! External connectors: each talks to a real system through a client crate and is compiled only when
//! the generated job crate enables its cargo feature (`jdbc-sqlite`, `jdbc-mysql`, `jdbc-postgres`, `kafka`),
//! so jobs without connectors build without those clients.
//!
//! - [`jdbc`]: the JDBC sink's buffering, changelog reduction, flushing and retries, over a
//!   [`jdbc::JdbcClient`] per database: [`jdbc_sqlite`], [`jdbc_mysql`], [`jdbc_postgres`].
//! - Kafka (feature `kafka`, librdkafka through `rdkafka`): [`kafka_source`] (with
//!   [`kafka_discovery`]), [`kafka_sink`] (append and upsert), sharing [`kafka`]'s client settings
//!   and [`formats`]' csv/json/raw codecs.

pub mod bytes;
pub mod formats;
pub mod interner;
pub mod jdbc;
#[cfg(feature = "kafka")]
pub mod kafka;
#[cfg(feature = "kafka")]
pub mod kafka_discovery;
#[cfg(feature = "kafka")]
pub mod kafka_sink;
#[cfg(feature = "kafka")]
pub mod kafka_source;
#[cfg(feature = "jdbc-mysql")]
pub mod jdbc_mysql;
#[cfg(feature = "jdbc-postgres")]
pub mod jdbc_postgres;
#[cfg(feature = "jdbc-sqlite")]
pub mod jdbc_sqlite;

/// A connector's log line on stderr (the job's log), prefixed with the operator's name.
pub(crate) fn log(operator: &str, message: &str) {
    eprintln!("sluice: {operator}: {message}");
}
