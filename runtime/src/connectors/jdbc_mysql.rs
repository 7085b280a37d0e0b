//! The JDBC sink's MySQL/MariaDB client (`jdbc:mysql://HOST:PORT/DB`), through the pure-Rust `mysql`
//! crate. The connection reports rows *matched* by an UPDATE (CLIENT_FOUND_ROWS, as Connector/J does),
//! so an upsert whose values did not change is not mistaken for a missing row.

use mysql::consts::CapabilityFlags;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, TxOpts, Value as MyValue};

use super::jdbc::{JdbcClient, NetUrl, Write};
use crate::value::Value;

struct MySql {
    conn: Conn,
}

/// Connects to `url`; `user`/`password` come from the DDL, else from the URL's parameters.
pub fn connect(
    url: &str,
    user: Option<&str>,
    password: Option<&str>,
) -> Result<Box<dyn JdbcClient>, String> {
    let u = NetUrl::parse(url)?;
    let user = user.or(u.param("user")).map(str::to_string);
    let password = password.or(u.param("password")).map(str::to_string);
    let opts = OptsBuilder::new()
        .ip_or_hostname(Some(u.host.clone()))
        .tcp_port(u.port.unwrap_or(3306))
        .db_name(u.database.clone())
        .user(user)
        .pass(password)
        .prefer_socket(false)
        .tcp_connect_timeout(Some(std::time::Duration::from_secs(10)))
        .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS);
    let conn = Conn::new(opts).map_err(|e| e.to_string())?;
    Ok(Box::new(MySql { conn }))
}

fn value(v: &Value) -> MyValue {
    match v {
        Value::Null => MyValue::NULL,
        Value::Bool(b) => MyValue::Int(i64::from(*b)),
        Value::Int(i) => MyValue::Int(*i),
        Value::Float(f) => MyValue::Double(*f),
        Value::Str(s) => MyValue::Bytes(s.as_bytes().to_vec()),
        Value::Bytes(b) => MyValue::Bytes(b.to_vec()),
        other => MyValue::Bytes(format!("{other:?}").into_bytes()),
    }
}

fn params(values: &[&Value]) -> Vec<MyValue> {
    values.iter().map(|v| value(v)).collect()
}

impl JdbcClient for MySql {
    fn probe(&mut self, sql: &str) -> Result<(), String> {
        self.conn.query_drop(sql).map_err(|e| e.to_string())
    }

    fn write(&mut self, writes: &[Write<'_>]) -> Result<(), String> {
        let mut tx = self
            .conn
            .start_transaction(TxOpts::default())
            .map_err(|e| e.to_string())?;
        for w in writes {
            match w {
                Write::Exec { sql, params: p } => {
                    tx.exec_drop(*sql, params(p)).map_err(|e| e.to_string())?;
                }
                Write::UpdateOrInsert {
                    update,
                    update_params,
                    insert,
                    insert_params,
                } => {
                    tx.exec_drop(*update, params(update_params))
                        .map_err(|e| e.to_string())?;
                    if tx.affected_rows() == 0 {
                        tx.exec_drop(*insert, params(insert_params))
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }
}
