//! Row formats of messages and lines (`csv`, `json`, `raw`): a message's bytes decoded into a
//! row of typed fields, and a row encoded into bytes, as Flink's formats do it.
//!
//! - `csv`: fields in column order, the configured delimiter, double quotes around a field holding the
//!   delimiter, a quote or a line break; an empty field of a non-string column is NULL. Encoded rows
//!   have no trailing line break (one row per message).
//! - `json`: an object per message, fields by column name; a missing field is NULL; numbers and
//!   booleans may also arrive as strings (Flink's converters accept both). Encoded as
//!   `{"a":1,"b":"x"}` in column order, NULL as `null`, DOUBLE as Java prints it.
//! - `raw`: the whole message is the one STRING (UTF-8, invalid bytes as U+FFFD as Java decodes
//!   them) column; NULL is an empty message.
//!
//! Used by the Kafka connector and the filesystem connector alike.
//!
//! DECIMAL and temporal columns are read as their text (a cast after the source parses them) and
//! written from their text; DECIMAL is written as a JSON number.
//!
//! A CSV codec may be told which columns the job reads ([`RowCodec::reading`]): the others decode
//! as NULL without building their values, but a field that would not parse still fails (or, with
//! ignore-parse-errors, nulls) its row exactly as before. Lines without quotes are split in place.

use std::borrow::Cow;
use std::sync::Arc;

use sluice_types::TypeInfo;

use super::bytes::find_byte;
use super::interner::Interner;
use crate::format::java_double;
use crate::value::Value;

/// The format of a message's value (or key).
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Csv { delimiter: char },
    Json,
    Raw,
}

impl Format {
    /// `csv`, `json` or `raw`.
    pub fn parse(name: &str, delimiter: char) -> Option<Format> {
        match name {
            "csv" => Some(Format::Csv { delimiter }),
            "json" => Some(Format::Json),
            "raw" => Some(Format::Raw),
            _ => None,
        }
    }
}

/// Decodes and encodes rows of a fixed set of columns in one [`Format`].
#[derive(Debug, Clone)]
pub struct RowCodec {
    format: Format,
    names: Vec<String>,
    /// The types fields are decoded to / encoded from (DECIMAL and temporal columns: STRING).
    types: Vec<TypeInfo>,
    /// Columns written as a bare JSON number from their text (DECIMAL).
    numeric_text: Vec<bool>,
    /// CSV fields that do not parse are NULL instead of failing the row.
    lenient: bool,
    /// The columns the job reads (empty: all); the others are decoded as NULL (projection push-down).
    read: Vec<bool>,
    /// Each column's `"name":` in JSON, escaped once here rather than per row.
    json_keys: Vec<Vec<u8>>,
}

impl RowCodec {
    pub fn new(format: Format, names: Vec<String>, types: Vec<TypeInfo>) -> Self {
        let numeric_text = vec![false; types.len()];
        let json_keys = names
            .iter()
            .map(|name| {
                let mut key = Vec::new();
                push_json_string(&mut key, name);
                key.push(b':');
                key
            })
            .collect();
        RowCodec {
            json_keys,
            format,
            names,
            types,
            numeric_text,
            lenient: false,
            read: Vec::new(),
        }
    }

    /// With `ignore-parse-errors`: a CSV field that does not parse is NULL, as in Flink.
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.lenient = lenient;
        self
    }

    /// Only the columns marked are decoded (CSV): the job reads no other, so they are NULL, which
    /// saves allocating their text and converting their numbers.
    pub fn reading(mut self, read: Vec<bool>) -> Self {
        self.read = read;
        self
    }

    /// Marks the columns whose text is written as a JSON number (DECIMAL columns).
    pub fn with_numeric_text(mut self, numeric_text: Vec<bool>) -> Self {
        self.numeric_text = numeric_text;
        self
    }

    pub fn width(&self) -> usize {
        self.types.len()
    }

    /// [`RowCodec::decode`] of a message already known to be UTF-8 text, into `row` (empty); CSV
    /// text fields are shared through `strings`. On an error `row` holds what was decoded so far.
    pub fn decode_into(&self, text: &str, strings: Option<&mut Interner>, row: &mut Vec<Value>) -> Result<(), String> {
        match &self.format {
            Format::Csv { delimiter } => self.decode_csv(text, *delimiter, strings, row),
            _ => {
                row.extend(self.decode(text.as_bytes())?);
                Ok(())
            }
        }
    }

    /// The fields of one message.
    pub fn decode(&self, bytes: &[u8]) -> Result<Vec<Value>, String> {
        match &self.format {
            // As Java's `new String(bytes, UTF_8)` (the raw format, SimpleStringSchema): bytes
            // that are not UTF-8 become U+FFFD rather than failing the record.
            Format::Raw => Ok(vec![Value::Str(Arc::from(String::from_utf8_lossy(bytes)))]),
            Format::Csv { delimiter } => {
                let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
                let mut row = Vec::with_capacity(self.types.len());
                self.decode_csv(text, *delimiter, None, &mut row)?;
                Ok(row)
            }
            Format::Json => {
                let parsed: serde_json::Value =
                    serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
                let serde_json::Value::Object(object) = parsed else {
                    return Err("not a JSON object".to_string());
                };
                self.names
                    .iter()
                    .zip(&self.types)
                    .map(|(name, ty)| match object.get(name) {
                        None | Some(serde_json::Value::Null) => Ok(Value::Null),
                        Some(v) => json_field(v, ty).map_err(|e| format!("field `{name}`: {e}")),
                    })
                    .collect()
            }
        }
    }

    fn decode_csv(
        &self,
        text: &str,
        delimiter: char,
        strings: Option<&mut Interner>,
        row: &mut Vec<Value>,
    ) -> Result<(), String> {
        let text = text.trim_end_matches(['\n', '\r']);
        if find_byte(text.as_bytes(), b'"').is_some() {
            let fields = split_fields(text, delimiter);
            self.csv_fields(fields.iter().map(String::as_str), strings, row)
        } else if let Ok(byte) = u8::try_from(delimiter) {
            // Most lines hold no quotes: their fields are read in place, split at an ASCII
            // delimiter.
            self.csv_fields(AsciiSplit { text, at: Some(0), delimiter: byte }, strings, row)
        } else {
            self.csv_fields(text.split(delimiter), strings, row)
        }
    }

    /// A CSV line's fields as a row. Missing trailing fields are NULL; with `lenient`, so is a field
    /// that does not parse (Flink's CSV reader with ignore-parse-errors keeps the row). Columns the
    /// job never reads are NULL too, but still checked (a bad number fails the row as before).
    fn csv_fields<'t>(
        &self,
        mut fields: impl Iterator<Item = &'t str>,
        mut strings: Option<&mut Interner>,
        row: &mut Vec<Value>,
    ) -> Result<(), String> {
        row.reserve(self.types.len());
        for (i, ty) in self.types.iter().enumerate() {
            let Some(text) = fields.next() else {
                row.push(Value::Null);
                continue;
            };
            let read = self.read.get(i).copied().unwrap_or(true);
            let parsed = if read {
                match (ty, strings.as_deref_mut()) {
                    (TypeInfo::String, Some(strings)) => Ok(Value::Str(strings.get(i, text))),
                    _ => parse_field(text, ty),
                }
            } else if self.lenient {
                Ok(Value::Null)
            } else {
                check_field(text, ty).map(|()| Value::Null)
            };
            match parsed {
                Ok(value) => row.push(value),
                Err(_) if self.lenient => row.push(Value::Null),
                Err(e) => {
                    // Too many fields is the row's error, whichever field fails.
                    let found = i + 1 + fields.count();
                    if found > self.types.len() {
                        return Err(self.too_many(found));
                    }
                    return Err(format!("field `{}`: {e}", self.names.get(i).map_or("?", String::as_str)));
                }
            }
        }
        let extra = fields.count();
        if extra > 0 {
            return Err(self.too_many(self.types.len() + extra));
        }
        Ok(())
    }

    fn too_many(&self, found: usize) -> String {
        format!("expected {} fields, found {found}", self.types.len())
    }

    /// One message's bytes for `fields` (appended to `out`).
    pub fn encode(&self, fields: &[Value], out: &mut Vec<u8>) {
        match &self.format {
            Format::Raw => {
                if let Some(value) = fields.first() {
                    out.extend_from_slice(plain_text(value).as_bytes());
                }
            }
            Format::Csv { delimiter } => {
                let mut utf8 = [0u8; 4];
                let delimiter_bytes = delimiter.encode_utf8(&mut utf8).as_bytes();
                for (i, value) in fields.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(delimiter_bytes);
                    }
                    let field = plain_text(value);
                    if field.contains([*delimiter, '"', '\n', '\r']) {
                        out.push(b'"');
                        out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
                        out.push(b'"');
                    } else {
                        out.extend_from_slice(field.as_bytes());
                    }
                }
            }
            Format::Json => {
                out.push(b'{');
                for (i, (key, value)) in self.json_keys.iter().zip(fields).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(key);
                    let numeric = self.numeric_text.get(i).copied().unwrap_or(false);
                    push_json_value(out, value, numeric);
                }
                out.push(b'}');
            }
        }
    }
}

/// The fields of a line without quotes, split at an ASCII delimiter (a char boundary, so each
/// field is a `str` of its own).
struct AsciiSplit<'t> {
    text: &'t str,
    /// Where the next field starts; `None` after the last.
    at: Option<usize>,
    delimiter: u8,
}

impl<'t> Iterator for AsciiSplit<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let start = self.at?;
        let rest = self.text.as_bytes().get(start..)?;
        match find_byte(rest, self.delimiter) {
            Some(len) => {
                self.at = Some(start + len + 1);
                self.text.get(start..start + len)
            }
            None => {
                self.at = None;
                self.text.get(start..)
            }
        }
    }
}

/// Splits one CSV line, honouring double quotes.
fn split_fields(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// One CSV field as Flink's `CsvToRowDataConverters` read it: an empty field of a number column does
/// not parse; a BOOLEAN is `true` (any case) or else false.
fn parse_field(text: &str, ty: &TypeInfo) -> std::result::Result<Value, String> {
    let bad = || format!("'{text}' is not a valid {ty}");
    Ok(match ty {
        TypeInfo::String => Value::Str(Arc::from(text)),
        TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long => {
            Value::Int(parse_i64(text).ok_or_else(bad)?)
        }
        TypeInfo::Float | TypeInfo::Double => Value::Float(text.trim().parse().map_err(|_| bad())?),
        TypeInfo::Boolean => Value::Bool(text.trim().eq_ignore_ascii_case("true")),
        // TIMESTAMP_LTZ: `yyyy-MM-dd HH:mm:ss[.SSS]Z` (Flink fails an empty field too).
        TypeInfo::Instant => crate::table::datetime::from_instant(Some(
            crate::table::datetime::parse_instant_text(text).ok_or_else(bad)?,
        )),
        other => {
            return Err(format!(
                "columns of type {other} are not supported by the CSV format"
            ))
        }
    })
}

/// Whether a field of a column the job does not read would parse, without building its value.
fn check_field(text: &str, ty: &TypeInfo) -> std::result::Result<(), String> {
    match ty {
        TypeInfo::String | TypeInfo::Boolean => Ok(()),
        TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long if parse_i64(text).is_some() => Ok(()),
        _ => parse_field(text, ty).map(drop),
    }
}

/// An integer field as `str::parse::<i64>` of its trimmed text reads it; plain digits (the common
/// case) are converted straight from the bytes.
fn parse_i64(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    // Up to 18 digits cannot overflow an i64.
    if !digits.is_empty() && digits.len() <= 18 {
        let mut magnitude = 0i64;
        for &d in digits {
            let digit = d.wrapping_sub(b'0');
            if digit > 9 {
                return text.trim().parse().ok();
            }
            magnitude = magnitude * 10 + i64::from(digit);
        }
        return Some(if negative { -magnitude } else { magnitude });
    }
    text.trim().parse().ok()
}

/// A JSON value as a field of type `ty`, converted as Flink's `JsonToRowDataConverters` do.
fn json_field(v: &serde_json::Value, ty: &TypeInfo) -> Result<Value, String> {
    use serde_json::Value as J;
    let text = || match v {
        J::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    Ok(match ty {
        TypeInfo::String => match v {
            J::String(s) => Value::Str(Arc::from(s.as_str())),
            other => Value::Str(Arc::from(other.to_string())),
        },
        TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long => match v.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Int(
                text()
                    .parse()
                    .map_err(|_| format!("{v} is not a valid {ty}"))?,
            ),
        },
        TypeInfo::Float | TypeInfo::Double => match v.as_f64() {
            Some(f) => Value::Float(f),
            None => Value::Float(
                text()
                    .parse()
                    .map_err(|_| format!("{v} is not a valid {ty}"))?,
            ),
        },
        TypeInfo::Boolean => match v {
            J::Bool(b) => Value::Bool(*b),
            _ => Value::Bool(text().eq_ignore_ascii_case("true")),
        },
        TypeInfo::Instant => crate::table::datetime::from_instant(Some(
            crate::table::datetime::parse_instant_text(&text()).ok_or_else(|| format!("{v} is not a valid TIMESTAMP_LTZ"))?,
        )),
        // A nested object: its fields by name, a missing or null one NULL (as Flink's JSON format).
        TypeInfo::Row { fields, names: Some(names) } => match v {
            J::Object(object) => Value::row(
                names
                    .iter()
                    .zip(fields)
                    .map(|(name, ty)| match object.get(name) {
                        None | Some(J::Null) => Ok(Value::Null),
                        Some(v) => json_field(v, ty).map_err(|e| format!("field `{name}`: {e}")),
                    })
                    .collect::<Result<_, String>>()?,
            ),
            other => return Err(format!("{other} is not a JSON object")),
        },
        other => return Err(format!("columns of type {other} are not supported by the JSON format")),
    })
}

/// A value's text in CSV and raw messages (DOUBLE as Java prints it, NULL empty).
fn plain_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Float(f) => Cow::Owned(java_double(*f)),
        Value::Str(s) | Value::Decimal(s) => Cow::Borrowed(s),
        Value::Bytes(b) => String::from_utf8_lossy(b),
        other => Cow::Owned(format!("{other:?}")),
    }
}

fn push_json_value(out: &mut Vec<u8>, value: &Value, numeric_text: bool) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(f) if f.is_finite() => out.extend_from_slice(java_double(*f).as_bytes()),
        // Jackson writes NaN and infinities as strings.
        Value::Float(f) => push_json_string(out, &java_double(*f)),
        Value::Str(s) | Value::Decimal(s) if numeric_text => out.extend_from_slice(s.as_bytes()),
        Value::Str(s) | Value::Decimal(s) => push_json_string(out, s),
        other => push_json_string(out, &plain_text(other)),
    }
}

/// `text` as a JSON string (quoted and escaped as JSON requires).
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    // Serializing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(format: Format) -> RowCodec {
        RowCodec::new(
            format,
            vec!["name".into(), "n".into(), "x".into()],
            vec![TypeInfo::String, TypeInfo::Long, TypeInfo::Double],
        )
    }

    #[test]
    fn json_round_trip_and_flink_conversions() {
        let c = codec(Format::Json);
        let row = c
            .decode(br#"{"name":"a\"b","n":"42","x":1,"extra":true}"#)
            .expect("valid");
        assert_eq!(
            row,
            vec![Value::Str(Arc::from("a\"b")), Value::Int(42), Value::Float(1.0)]
        );
        let missing = c.decode(br#"{"n":7}"#).expect("valid");
        assert_eq!(missing, vec![Value::Null, Value::Int(7), Value::Null]);
        assert!(c.decode(br#"{"n":"seven"}"#).expect_err("bad").contains("field `n`"));
        assert!(c.decode(b"[1,2]").is_err());
        let mut out = Vec::new();
        c.encode(&row, &mut out);
        assert_eq!(String::from_utf8(out).expect("utf8"), r#"{"name":"a\"b","n":42,"x":1.0}"#);
    }

    #[test]
    fn json_objects_read_into_rows() {
        let inner = TypeInfo::Row { fields: vec![TypeInfo::String], names: Some(vec!["city".into()]) };
        let usr = TypeInfo::Row { fields: vec![TypeInfo::Int, inner], names: Some(vec!["age".into(), "addr".into()]) };
        let c = RowCodec::new(Format::Json, vec!["usr".into()], vec![usr]);
        let row = c.decode(br#"{"usr":{"age":"41","addr":{"city":"Rome"},"x":1}}"#).expect("valid");
        assert_eq!(row, vec![Value::row(vec![Value::Int(41), Value::row(vec![Value::str("Rome")])])]);
        assert_eq!(c.decode(br#"{"usr":{"addr":null}}"#).expect("valid"), vec![Value::row(vec![Value::Null, Value::Null])]);
        assert!(c.decode(br#"{"usr":[1]}"#).expect_err("not an object").contains("field `usr`"));
    }

    #[test]
    fn csv_round_trip() {
        let c = codec(Format::Csv { delimiter: ',' });
        assert!(c.decode(b"\"x,y\",3,\n").expect_err("empty DOUBLE").contains("field `x`"));
        let lenient = c.clone().lenient(true);
        let row = lenient.decode(b"\"x,y\",3,\n").expect("lenient");
        assert_eq!(row, vec![Value::Str(Arc::from("x,y")), Value::Int(3), Value::Null]);
        assert_eq!(c.decode(b"a,1").expect("short"), vec![Value::Str(Arc::from("a")), Value::Int(1), Value::Null]);
        assert!(lenient.decode(b"a,1,2.0,extra").is_err());
        let mut out = Vec::new();
        c.encode(&[Value::Str(Arc::from("x,y")), Value::Int(3), Value::Float(0.5)], &mut out);
        assert_eq!(out, b"\"x,y\",3,0.5");
    }

    #[test]
    fn integers_read_as_str_parse_reads_them() {
        for text in ["0", "-0", "+7", "42", " 42 ", "-9223372036854775808", "9223372036854775807",
                     "9223372036854775808", "", "-", "+", "1_000", "12a", "٣", "000000000000000000012"] {
            assert_eq!(parse_i64(text), text.trim().parse::<i64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn unread_columns_are_null_but_still_checked() {
        let c = codec(Format::Csv { delimiter: ',' }).reading(vec![false, true, false]);
        assert_eq!(c.decode(b"a,1,2.5").expect("valid"), vec![Value::Null, Value::Int(1), Value::Null]);
        assert!(c.decode(b"a,1,x").expect_err("bad DOUBLE").contains("field `x`"));
        assert!(c.decode(b"a,1,2,3").expect_err("too many").contains("expected 3 fields, found 4"));
        let lenient = c.lenient(true);
        assert_eq!(lenient.decode(b"a,x,y").expect("lenient"), vec![Value::Null, Value::Null, Value::Null]);
        let mut strings = Interner::default();
        let all = codec(Format::Csv { delimiter: ',' });
        let mut row = Vec::new();
        all.decode_into("b,2,1.0", Some(&mut strings), &mut row).expect("valid");
        assert_eq!(row, vec![Value::str("b"), Value::Int(2), Value::Float(1.0)]);
    }

    #[test]
    fn quoted_fields_and_types() {
        assert_eq!(
            split_fields("a,\"b,\"\"c\"\"\",", ','),
            vec!["a", "b,\"c\"", ""]
        );
        assert_eq!(parse_field("12", &TypeInfo::Long), Ok(Value::Int(12)));
        assert!(parse_field("", &TypeInfo::Long).is_err());
        assert_eq!(parse_field("yes", &TypeInfo::Boolean), Ok(Value::Bool(false)));
        assert!(parse_field("x", &TypeInfo::Long).is_err());
    }

    #[test]
    fn raw_and_decimal_json() {
        let raw = RowCodec::new(Format::Raw, vec!["line".into()], vec![TypeInfo::String]);
        assert_eq!(raw.decode(b"hello").expect("valid"), vec![Value::Str(Arc::from("hello"))]);
        assert_eq!(raw.decode(b"a\xffb").expect("lossy"), vec![Value::Str(Arc::from("a\u{fffd}b"))]);
        let dec = RowCodec::new(Format::Json, vec!["d".into()], vec![TypeInfo::String])
            .with_numeric_text(vec![true]);
        let mut out = Vec::new();
        dec.encode(&[Value::Str(Arc::from("1.50"))], &mut out);
        assert_eq!(out, br#"{"d":1.50}"#);
    }
}
