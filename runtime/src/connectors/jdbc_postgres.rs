//! The JDBC sink's PostgreSQL client (`jdbc:postgresql://HOST:PORT/DB`), through the `postgres`
//! crate without TLS. Parameters are converted to the types the server infers for them, so a BIGINT
//! query column can fill an INTEGER table column as JDBC's setObject allows.

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, Config, NoTls, Statement, Transaction};

use super::jdbc::{JdbcClient, NetUrl, Write};
use crate::value::Value;

struct Postgres {
    client: Client,
}

/// Connects to `url`; `user`/`password` come from the DDL, else from the URL's parameters.
pub fn connect(
    url: &str,
    user: Option<&str>,
    password: Option<&str>,
) -> Result<Box<dyn JdbcClient>, String> {
    let u = NetUrl::parse(url)?;
    let mut config = Config::new();
    config
        .host(&u.host)
        .port(u.port.unwrap_or(5432))
        .connect_timeout(std::time::Duration::from_secs(10));
    if let Some(db) = &u.database {
        config.dbname(db);
    }
    if let Some(user) = user.or(u.param("user")) {
        config.user(user);
    }
    if let Some(password) = password.or(u.param("password")) {
        config.password(password);
    }
    let client = config.connect(NoTls).map_err(|e| e.to_string())?;
    Ok(Box::new(Postgres { client }))
}

/// `v` as a parameter of type `ty`.
fn param(v: &Value, ty: &Type) -> Result<Box<dyn ToSql + Sync>, String> {
    let bad = || format!("cannot write {v:?} into a parameter of type {ty}");
    Ok(match (v, ty) {
        (Value::Null, _) => match *ty {
            Type::INT2 => Box::new(None::<i16>),
            Type::INT4 => Box::new(None::<i32>),
            Type::INT8 => Box::new(None::<i64>),
            Type::FLOAT4 => Box::new(None::<f32>),
            Type::FLOAT8 => Box::new(None::<f64>),
            Type::BOOL => Box::new(None::<bool>),
            _ => Box::new(None::<String>),
        },
        (Value::Int(i), &Type::INT2) => Box::new(i16::try_from(*i).map_err(|_| bad())?),
        (Value::Int(i), &Type::INT4) => Box::new(i32::try_from(*i).map_err(|_| bad())?),
        (Value::Int(i), &Type::INT8) => Box::new(*i),
        #[allow(clippy::cast_precision_loss)]
        (Value::Int(i), &Type::FLOAT8) => Box::new(*i as f64),
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        (Value::Int(i), &Type::FLOAT4) => Box::new(*i as f32),
        (Value::Float(f), &Type::FLOAT8) => Box::new(*f),
        #[allow(clippy::cast_possible_truncation)]
        (Value::Float(f), &Type::FLOAT4) => Box::new(*f as f32),
        (Value::Bool(b), &Type::BOOL) => Box::new(*b),
        (Value::Str(s), _) => Box::new(s.to_string()),
        (Value::Bytes(b), &Type::BYTEA) => Box::new(b.to_vec()),
        (Value::Int(i), _) => Box::new(i.to_string()),
        (Value::Float(f), _) => Box::new(f.to_string()),
        (Value::Bool(b), _) => Box::new(b.to_string()),
        _ => return Err(bad()),
    })
}

fn exec(
    tx: &mut Transaction<'_>,
    prepared: &mut HashMap<String, Statement>,
    sql: &str,
    values: &[&Value],
) -> Result<u64, String> {
    let statement = match prepared.get(sql) {
        Some(s) => s.clone(),
        None => {
            let s = tx.prepare(sql).map_err(|e| e.to_string())?;
            prepared.insert(sql.to_string(), s.clone());
            s
        }
    };
    let params = values
        .iter()
        .zip(statement.params())
        .map(|(v, ty)| param(v, ty))
        .collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
    tx.execute(&statement, &refs).map_err(|e| e.to_string())
}

impl JdbcClient for Postgres {
    fn probe(&mut self, sql: &str) -> Result<(), String> {
        self.client
            .simple_query(sql)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn write(&mut self, writes: &[Write<'_>]) -> Result<(), String> {
        let mut tx = self.client.transaction().map_err(|e| e.to_string())?;
        let mut prepared = HashMap::new();
        for w in writes {
            match w {
                Write::Exec { sql, params } => {
                    exec(&mut tx, &mut prepared, sql, params)?;
                }
                Write::UpdateOrInsert {
                    update,
                    update_params,
                    insert,
                    insert_params,
                } => {
                    if exec(&mut tx, &mut prepared, update, update_params)? == 0 {
                        exec(&mut tx, &mut prepared, insert, insert_params)?;
                    }
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }
}
