//! A Kafka table's message key, as Flink's Kafka SQL connector configures it: `key.format` with
//! `key.fields` (physical columns, `;`-separated, in the key format's field order),
//! `key.fields-prefix` (stripped from the columns' names in the key format) and
//! `value.fields-include` (`ALL`: the value format has every physical column; `EXCEPT_KEY`: only the
//! others). upsert-kafka keys by the primary key instead of `key.fields`.
//!
//! Flink's rules (`KafkaConnectorOptionsUtil.createKeyFormatProjection`): a key format needs key
//! fields and key fields need a key format (for `kafka`); every key field is a physical column; with
//! a prefix every key field starts with it, and the value format must be `EXCEPT_KEY`.

use proc_macro2::TokenStream;

use super::formats::codec_tokens;
use super::kafka::KafkaOptions;
use super::types::{Field, Schema};

/// A key error, with the option it is about (for the error's location).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyError {
    pub option: &'static str,
    pub message: String,
}

fn key_error(option: &'static str, message: String) -> KeyError {
    KeyError { option, message }
}

/// `key.fields` as written: `a;b` (empty items ignored).
pub fn parse_key_fields(text: &str) -> Vec<String> {
    text.split(';')
        .map(|f| f.trim().trim_matches('`').to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Resolves the key columns of a `kafka` table (from `key.fields`) or an `upsert-kafka` one (from
/// its primary key) into `options.key_columns`; `physical` flags the columns that are not metadata.
pub fn resolve_key(
    options: &mut KafkaOptions,
    schema: &Schema,
    physical: &[bool],
    primary_key: Option<&[String]>,
) -> Result<(), KeyError> {
    let names: Vec<String> = match primary_key {
        Some(pk) => {
            if !options.key_fields.is_empty() {
                return Err(key_error(
                    "key.fields",
                    "upsert-kafka does not take 'key.fields': its key is the table's PRIMARY KEY".into(),
                ));
            }
            pk.to_vec()
        }
        None => {
            match (&options.key_format, options.key_fields.is_empty()) {
                (Some(_), true) => {
                    return Err(key_error(
                        "key.format",
                        "a key format 'key.format' requires the declaration of one or more key fields \
                         using 'key.fields'"
                            .into(),
                    ))
                }
                (None, false) => {
                    return Err(key_error(
                        "key.fields",
                        "the option 'key.fields' can only be declared if a key format is defined using \
                         'key.format'"
                            .into(),
                    ))
                }
                _ => {}
            }
            options.key_fields.clone()
        }
    };
    let prefix = options.key_fields_prefix.clone();
    if !prefix.is_empty() && !options.value_except_key && !names.is_empty() {
        return Err(key_error(
            "key.fields-prefix",
            "a key prefix is not allowed when 'value.fields-include' is 'ALL'; set it to 'EXCEPT_KEY' \
             instead to avoid field overlaps"
                .into(),
        ));
    }
    let selectable: Vec<&str> = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| physical.get(*i).copied().unwrap_or(true))
        .map(|(_, f)| f.name.as_str())
        .collect();
    let mut columns = Vec::with_capacity(names.len());
    for name in &names {
        let index = schema.index_of(name).filter(|i| physical.get(*i).copied().unwrap_or(true));
        let index = match (index, primary_key) {
            (Some(index), _) => index,
            // A primary key column that is not a column is reported with the query (lowering).
            (None, Some(_)) => continue,
            (None, None) => {
                return Err(key_error(
                    "key.fields",
                    format!(
                        "could not find the field '{name}' in the table schema for usage in the key \
                         format; a key field must be a regular, physical column (these can be used: {})",
                        selectable.join(", ")
                    ),
                ))
            }
        };
        if !name.starts_with(&prefix) {
            let option = if primary_key.is_some() { "key.fields-prefix" } else { "key.fields" };
            return Err(key_error(
                option,
                format!(
                    "all key fields must be prefixed with '{prefix}' when option 'key.fields-prefix' is \
                     set, but the field '{name}' is not"
                ),
            ));
        }
        if columns.contains(&index) {
            return Err(key_error("key.fields", format!("the key field '{name}' is listed twice")));
        }
        columns.push(index);
    }
    options.key_columns = columns;
    Ok(())
}

/// The physical columns (not metadata) the message value holds: all of them, or those not in the
/// key with `EXCEPT_KEY`.
pub fn value_columns(options: &KafkaOptions, schema: &Schema) -> Vec<usize> {
    (0..schema.fields.len())
        .filter(|i| !options.metadata.iter().any(|(m, _)| m == i))
        .filter(|i| !(options.value_except_key && options.key_columns.contains(i)))
        .collect()
}

/// The key format's codec: the key columns in key order, named without the key prefix.
pub fn key_codec_tokens(options: &KafkaOptions, schema: &Schema) -> TokenStream {
    let fields: Vec<Field> = options
        .key_columns
        .iter()
        .filter_map(|&i| schema.fields.get(i))
        .map(|f| Field {
            name: f
                .name
                .strip_prefix(options.key_fields_prefix.as_str())
                .unwrap_or(&f.name)
                .to_string(),
            ty: f.ty,
        })
        .collect();
    let all: Vec<usize> = (0..fields.len()).collect();
    let format = options.key_format.as_deref().unwrap_or("json");
    codec_tokens(format, options.key_field_delimiter, &Schema { fields }, &all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::types::SqlType;
    use std::collections::BTreeMap;

    fn schema(names: &[&str]) -> Schema {
        Schema {
            fields: names
                .iter()
                .map(|n| Field {
                    name: (*n).to_string(),
                    ty: SqlType::String,
                })
                .collect(),
        }
    }

    fn options(pairs: &[(&str, &str)]) -> KafkaOptions {
        let mut all: BTreeMap<String, String> = [
            ("connector", "kafka"),
            ("topic", "t"),
            ("properties.bootstrap.servers", "h:1"),
            ("format", "json"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        for (k, v) in pairs {
            all.insert((*k).to_string(), (*v).to_string());
        }
        super::super::kafka::kafka_options(&all).expect("valid options")
    }

    #[test]
    fn key_fields_in_key_order_and_the_value_columns() {
        let s = schema(&["k_id", "name", "k_region", "amount"]);
        let mut o = options(&[
            ("key.format", "json"),
            ("key.fields", "k_region; k_id"),
            ("key.fields-prefix", "k_"),
            ("value.fields-include", "EXCEPT_KEY"),
        ]);
        resolve_key(&mut o, &s, &[true; 4], None).expect("valid key");
        assert_eq!(o.key_columns, vec![2, 0]);
        assert_eq!(value_columns(&o, &s), vec![1, 3]);
        let codec = key_codec_tokens(&o, &s).to_string();
        assert!(codec.contains("\"region\"") && codec.contains("\"id\"") && !codec.contains("k_"), "{codec}");

        let mut all = options(&[("key.format", "raw"), ("key.fields", "name")]);
        resolve_key(&mut all, &s, &[true; 4], None).expect("valid key");
        assert_eq!(value_columns(&all, &s), vec![0, 1, 2, 3]);
    }

    #[test]
    fn flinks_key_rules_are_errors_naming_their_option() {
        let s = schema(&["id", "name", "ts"]);
        let physical = [true, true, false];
        let check = |pairs: &[(&str, &str)], option: &str, words: &str| {
            let mut o = options(pairs);
            let e = resolve_key(&mut o, &s, &physical, None).expect_err("invalid");
            assert_eq!(e.option, option, "{}", e.message);
            assert!(e.message.contains(words), "{}", e.message);
        };
        check(&[("key.format", "json"), ("key.fields", "nope")], "key.fields", "'nope'");
        check(&[("key.format", "json"), ("key.fields", "ts")], "key.fields", "physical column");
        check(&[("key.format", "json")], "key.format", "requires");
        check(&[("key.fields", "id")], "key.fields", "key format");
        check(
            &[("key.format", "json"), ("key.fields", "id"), ("key.fields-prefix", "k_")],
            "key.fields-prefix",
            "EXCEPT_KEY",
        );
        check(
            &[
                ("key.format", "json"),
                ("key.fields", "id"),
                ("key.fields-prefix", "k_"),
                ("value.fields-include", "EXCEPT_KEY"),
            ],
            "key.fields",
            "be prefixed with 'k_'",
        );
        let mut upsert = options(&[("key.format", "json"), ("key.fields", "id")]);
        let e = resolve_key(&mut upsert, &s, &physical, Some(&["id".to_string()])).expect_err("upsert");
        assert!(e.message.contains("PRIMARY KEY"), "{}", e.message);
    }
}
