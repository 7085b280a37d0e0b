//! The JDBC sink's SQLite client (`jdbc:sqlite:PATH`, `jdbc:sqlite::memory:`), embedded through
//! rusqlite with SQLite bundled: no server, no system library.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

use super::jdbc::{JdbcClient, Write};
use crate::value::Value;

struct Sqlite {
    conn: Connection,
}

/// Opens the database file of `url` (created if missing, as the SQLite JDBC driver does).
pub fn connect(url: &str) -> Result<Box<dyn JdbcClient>, String> {
    let path = url.strip_prefix("jdbc:sqlite:").unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    let conn = Connection::open(path).map_err(|e| format!("cannot open {path}: {e}"))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    Ok(Box::new(Sqlite { conn }))
}

fn value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Int(i) => SqlValue::Integer(*i),
        Value::Float(f) => SqlValue::Real(*f),
        Value::Str(s) => SqlValue::Text(s.to_string()),
        Value::Bytes(b) => SqlValue::Blob(b.to_vec()),
        other => SqlValue::Text(format!("{other:?}")),
    }
}

fn exec(conn: &Connection, sql: &str, params: &[&Value]) -> rusqlite::Result<usize> {
    let mut statement = conn.prepare_cached(sql)?;
    statement.execute(params_from_iter(params.iter().map(|v| value(v))))
}

impl JdbcClient for Sqlite {
    fn probe(&mut self, sql: &str) -> Result<(), String> {
        self.conn
            .prepare(sql)
            .and_then(|mut s| s.query([]).map(|_| ()))
            .map_err(|e| e.to_string())
    }

    fn write(&mut self, writes: &[Write<'_>]) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        for w in writes {
            match w {
                Write::Exec { sql, params } => {
                    exec(&tx, sql, params).map_err(|e| e.to_string())?;
                }
                Write::UpdateOrInsert {
                    update,
                    update_params,
                    insert,
                    insert_params,
                } => {
                    if exec(&tx, update, update_params).map_err(|e| e.to_string())? == 0 {
                        exec(&tx, insert, insert_params).map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }
}
