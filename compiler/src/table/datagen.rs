//! The `datagen` connector's options (`rows-per-second`, `number-of-rows`, and per column
//! `fields.<name>.kind` = `sequence` (`start`, `end`) or `random` (`min`, `max`, `length`),
//! `fields.<name>.null-rate`), and the generated expression creating its runtime source.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;

use super::types::{Schema, SqlType};

/// How one column's values are made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DatagenKind {
    /// `start`, `start + 1`, ..., `end` (the source ends after the shortest sequence).
    Sequence { start: i64, end: i64 },
    /// TIMESTAMP / TIMESTAMP_LTZ: the current time less a random part of `max-past` (milliseconds).
    RandomPast { max_past_ms: u64 },
    /// Uniform in `[min, max]` for numbers; `length` random letters and digits for strings.
    Random {
        min: Option<f64>,
        max: Option<f64>,
        length: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatagenField {
    pub kind: DatagenKind,
    pub null_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatagenOptions {
    pub rows_per_second: u64,
    pub number_of_rows: Option<u64>,
    pub fields: Vec<DatagenField>,
}

fn number<T: std::str::FromStr>(options: &BTreeMap<String, String>, key: &str) -> Result<Option<T>, String> {
    options
        .get(key)
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| format!("the option '{key}' must be a number, not '{v}'"))
        })
        .transpose()
}

/// `'connector' = 'datagen'` over `schema`.
pub fn datagen_options(options: &BTreeMap<String, String>, schema: &Schema) -> Result<DatagenOptions, String> {
    let known = |k: &str| {
        ["connector", "rows-per-second", "number-of-rows", "scan.parallelism"].contains(&k)
            || schema.fields.iter().any(|f| {
                k.strip_prefix("fields.")
                    .and_then(|rest| rest.strip_prefix(f.name.as_str()))
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|o| ["kind", "start", "end", "min", "max", "length", "null-rate", "max-past"].contains(&o))
            })
    };
    if let Some(unknown) = options.keys().find(|k| !known(k)) {
        return Err(format!("unsupported option for the datagen connector: {unknown}"));
    }
    let mut fields = Vec::new();
    for f in &schema.fields {
        let key = |o: &str| format!("fields.{}.{o}", f.name);
        let kind = options.get(&key("kind")).map_or("random", String::as_str);
        let integral = matches!(
            f.ty,
            SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt
        );
        let time = matches!(f.ty, SqlType::Timestamp(_) | SqlType::TimestampLtz(_));
        if time && kind == "random" {
            let max_past_ms = match options.get(&key("max-past")) {
                Some(text) => super::connectors::parse_duration_ms(text)
                    .ok_or_else(|| format!("'{}' must be a duration such as '5000' or '5 s', not '{text}'", key("max-past")))?,
                None => 0,
            };
            fields.push(DatagenField {
                kind: DatagenKind::RandomPast { max_past_ms },
                null_rate: number(options, &key("null-rate"))?.unwrap_or(0.0),
            });
            continue;
        }
        if !(integral || matches!(f.ty, SqlType::Float | SqlType::Double | SqlType::String | SqlType::Boolean)) {
            return Err(format!(
                "datagen columns of type {} (`{}`) are not supported by sluice yet",
                f.ty, f.name
            ));
        }
        let kind = match kind {
            "sequence" => {
                if !(integral || f.ty == SqlType::String) {
                    return Err(format!("a sequence of {} (`{}`) is not supported", f.ty, f.name));
                }
                let start = number(options, &key("start"))?
                    .ok_or_else(|| format!("the sequence `{}` needs '{}'", f.name, key("start")))?;
                let end = number(options, &key("end"))?
                    .ok_or_else(|| format!("the sequence `{}` needs '{}'", f.name, key("end")))?;
                DatagenKind::Sequence { start, end }
            }
            "random" => DatagenKind::Random {
                min: number(options, &key("min"))?,
                max: number(options, &key("max"))?,
                length: number(options, &key("length"))?.unwrap_or(100),
            },
            other => return Err(format!("'{}' is sequence or random, not '{other}'", key("kind"))),
        };
        fields.push(DatagenField {
            kind,
            null_rate: number(options, &key("null-rate"))?.unwrap_or(0.0),
        });
    }
    Ok(DatagenOptions {
        rows_per_second: number(options, "rows-per-second")?.unwrap_or(10_000),
        number_of_rows: number(options, "number-of-rows")?,
        fields,
    })
}

/// The expression creating the datagen source of `table`.
pub fn source_expr(options: &DatagenOptions, table: &str, schema: &Schema) -> TokenStream {
    let fields = options.fields.iter().zip(&schema.fields).map(|(g, f)| {
        let null_rate = g.null_rate;
        let (lo, hi) = match f.ty {
            SqlType::TinyInt => (f64::from(i8::MIN), f64::from(i8::MAX)),
            SqlType::SmallInt => (f64::from(i16::MIN), f64::from(i16::MAX)),
            SqlType::Int => (f64::from(i32::MIN), f64::from(i32::MAX)),
            // Flink's defaults are the type's range; f64 holds BIGINT's only approximately.
            SqlType::BigInt => (-9.2e18, 9.2e18),
            _ => (f64::MIN, f64::MAX),
        };
        let gen = match (&g.kind, f.ty) {
            (DatagenKind::RandomPast { max_past_ms }, ty) => {
                let instant = matches!(ty, SqlType::TimestampLtz(_));
                quote! { table::GenKind::RandomPast { max_past_ms: #max_past_ms, instant: #instant } }
            }
            (DatagenKind::Sequence { start, end }, SqlType::String) => {
                quote! { table::GenKind::Sequence { start: #start, end: #end, text: true } }
            }
            (DatagenKind::Sequence { start, end }, _) => {
                quote! { table::GenKind::Sequence { start: #start, end: #end, text: false } }
            }
            (DatagenKind::Random { length, .. }, SqlType::String) => {
                quote! { table::GenKind::RandomString { length: #length } }
            }
            (DatagenKind::Random { .. }, SqlType::Boolean) => quote! { table::GenKind::RandomBool },
            (DatagenKind::Random { min, max, .. }, SqlType::Float | SqlType::Double) => {
                let (min, max) = (min.unwrap_or(lo), max.unwrap_or(hi));
                quote! { table::GenKind::RandomFloat { min: #min, max: #max } }
            }
            (DatagenKind::Random { min, max, .. }, _) => {
                #[allow(clippy::cast_possible_truncation)]
                let (min, max) = (min.unwrap_or(lo) as i64, max.unwrap_or(hi) as i64);
                quote! { table::GenKind::RandomInt { min: #min, max: #max } }
            }
        };
        quote! { table::GenField { kind: #gen, null_rate: #null_rate } }
    });
    let rate = options.rows_per_second;
    let rows = match options.number_of_rows {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    quote! { p.source(table::DatagenSource::new(#table, #rate, #rows, vec![#(#fields),*])) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Field;

    #[test]
    fn sequence_and_random_fields() {
        let schema = Schema {
            fields: vec![
                Field { name: "id".into(), ty: SqlType::BigInt },
                Field { name: "name".into(), ty: SqlType::String },
            ],
        };
        let options: BTreeMap<String, String> = [
            ("connector", "datagen"),
            ("fields.id.kind", "sequence"),
            ("fields.id.start", "1"),
            ("fields.id.end", "5"),
            ("fields.name.length", "3"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        let o = datagen_options(&options, &schema).expect("valid");
        assert_eq!(o.fields[0].kind, DatagenKind::Sequence { start: 1, end: 5 });
        assert_eq!(o.rows_per_second, 10_000);
        let mut typo = options.clone();
        typo.insert("fields.nme.length".into(), "3".into());
        assert!(datagen_options(&typo, &schema).expect_err("typo").contains("fields.nme.length"));
    }
}
