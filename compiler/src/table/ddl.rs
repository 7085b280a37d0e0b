//! `CREATE TABLE` statements: columns, primary key and `WITH` options, in Flink's modern and legacy
//! (`connector.type`, `format.type`) option forms, mapped to the connectors sluice supports.

use std::collections::BTreeMap;

use sqlparser::ast::{self as sql, Spanned};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Span;

use super::expr::ExprError;
use super::types::{Field, Schema, SqlType};
use super::{SinkConnector, SourceConnector};

/// A table as its DDL declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    pub name: String,
    pub schema: Schema,
    pub primary_key: Vec<String>,
    pub options: BTreeMap<String, String>,
    /// The span of the `WITH` clause's first option (for connector errors).
    pub options_span: Span,
    /// `WATERMARK FOR ts AS ts - INTERVAL ...`.
    pub rowtime: Option<super::window::Rowtime>,
    /// Metadata columns (`ts TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL`), by column index.
    pub metadata: Vec<MetadataColumn>,
}

/// A column read from the connector's metadata rather than the message's value.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataColumn {
    pub column: usize,
    /// The metadata key (`FROM 'key'`, or the column's name).
    pub key: String,
    pub is_virtual: bool,
}

/// Blanks out `METADATA [FROM 'key'] [VIRTUAL]` clauses (sqlparser does not know them), keeping every
/// other character where it was so spans stay right; returns the clauses as (column name, key,
/// virtual).
fn split_metadata(text: &str) -> (String, Vec<(String, String, bool)>) {
    let upper = text.to_ascii_uppercase();
    let mut out = text.to_string();
    let mut found = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < upper.len() {
        let c = upper.as_bytes()[i];
        if c == b'\'' {
            quoted = !quoted;
        } else if !quoted && upper.is_char_boundary(i) && super::window::word_at(&upper, i, "METADATA") {
            let mut end = i + "METADATA".len();
            let mut key = None;
            let rest = &upper[end..];
            let after = rest.trim_start();
            if after.starts_with("FROM") {
                let from_at = end + (rest.len() - after.len()) + 4;
                let quote_rel = text[from_at..].find('\'');
                if let Some(q) = quote_rel {
                    let start = from_at + q + 1;
                    if let Some(len) = text[start..].find('\'') {
                        key = Some(text[start..start + len].to_string());
                        end = start + len + 1;
                    }
                }
            }
            let rest = &upper[end..];
            let after = rest.trim_start();
            let is_virtual = super::window::word_at(&upper, end + (rest.len() - after.len()), "VIRTUAL");
            if is_virtual {
                end += rest.len() - after.len() + "VIRTUAL".len();
            }
            // The column: the first word after the ',' or '(' that starts this column definition.
            let (mut depth, mut start) = (0i32, 0usize);
            for (j, ch) in text[..i].char_indices().rev() {
                match ch {
                    ')' => depth += 1,
                    '(' if depth == 0 => {
                        start = j + 1;
                        break;
                    }
                    '(' => depth -= 1,
                    ',' if depth == 0 => {
                        start = j + 1;
                        break;
                    }
                    _ => {}
                }
            }
            let column: String = text[start..i]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_matches('`')
                .to_string();
            let key = key.unwrap_or_else(|| column.clone());
            found.push((column, key, is_virtual));
            out.replace_range(i..end, &" ".repeat(end - i));
            i = end;
            continue;
        }
        i += 1;
    }
    (out, found)
}

fn err(span: Span, message: impl Into<String>) -> ExprError {
    ExprError {
        message: message.into(),
        span,
    }
}

/// `text` with each `ROW<...>` column type replaced by `ROW_<n>` and spaces (same length, line breaks
/// kept: spans still point into the job's string), which sqlparser reads as a custom type; and the
/// replaced types, `n` indexing them.
fn split_row_types(text: &str) -> (String, Vec<String>) {
    let mut out = text.to_string();
    let mut found = Vec::new();
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("ROW<").map(|i| i + from) {
        let word_start = !upper[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in text[at + 3..].char_indices() {
            match c {
                '<' => depth += 1,
                '>' if depth == 1 => {
                    end = Some(at + 3 + i + 1);
                    break;
                }
                '>' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let (true, Some(end)) = (word_start, end) else {
            from = at + 4;
            continue;
        };
        let placeholder = format!("ROW_{}", found.len());
        if placeholder.len() > end - at {
            from = end;
            continue;
        }
        found.push(text[at..end].to_string());
        let blank: String = text.as_bytes()[at..end].iter().map(|&b| if b == b'\n' || b == b'\r' { b as char } else { ' ' }).collect();
        out.replace_range(at..end, &format!("{placeholder}{}", &blank[placeholder.len()..]));
        from = end;
    }
    (out, found)
}

/// Parses one `CREATE TABLE` statement.
pub fn parse_create_table(text: &str) -> Result<TableDef, ExprError> {
    let (text, watermark) = super::window::split_watermark(text);
    let (text, metadata_clauses) = split_metadata(&text);
    let (text, row_types) = split_row_types(&text);
    let statements = Parser::parse_sql(&GenericDialect, &text).map_err(|e| parse_error(&e))?;
    let [statement] = statements.as_slice() else {
        return Err(err(Span::empty(), "expected exactly one SQL statement"));
    };
    let sql::Statement::CreateTable(create) = statement else {
        return Err(err(statement.span(), "expected a CREATE TABLE statement"));
    };
    let mut fields = Vec::new();
    for column in &create.columns {
        let written = column.data_type.to_string();
        let written = match written.strip_prefix("ROW_").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => row_types.get(n).cloned().unwrap_or(written),
            None => written,
        };
        let ty = SqlType::parse(&written).ok_or_else(|| {
            err(
                column.name.span,
                format!("the column type {written} is not supported by sluice yet"),
            )
        })?;
        fields.push(Field {
            name: column.name.value.clone(),
            ty,
        });
    }
    let mut primary_key = Vec::new();
    for constraint in &create.constraints {
        if let sql::TableConstraint::PrimaryKey(pk) = constraint {
            primary_key.extend(pk.columns.iter().map(|c| c.column.expr.to_string()));
        }
    }
    let mut options = BTreeMap::new();
    let mut options_span = create.name.span();
    if let sql::CreateTableOptions::With(list) = &create.table_options {
        for option in list {
            if let sql::SqlOption::KeyValue { key, value } = option {
                let value = match value {
                    sql::Expr::Value(v) => match &v.value {
                        sql::Value::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    },
                    other => other.to_string(),
                };
                if options.is_empty() && !value.is_empty() {
                    options_span = option.span();
                }
                options.insert(key.value.clone(), value);
            }
        }
    }
    let metadata = metadata_clauses
        .into_iter()
        .filter_map(|(column, key, is_virtual)| {
            let index = fields.iter().position(|f| f.name == column)?;
            Some(MetadataColumn {
                column: index,
                key,
                is_virtual,
            })
        })
        .collect();
    let schema = Schema { fields };
    let rowtime = watermark
        .map(|w| super::window::rowtime(&w, &schema))
        .transpose()?;
    Ok(TableDef {
        rowtime,
        metadata,
        name: create
            .name
            .0
            .last()
            .map(|p| p.to_string().replace('`', ""))
            .unwrap_or_default(),
        schema,
        primary_key,
        options,
        options_span,
    })
}

/// A size such as `128MB`, `64 kb` or `1024` (bytes).
fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(factor)
}

/// A sqlparser error with its `Line: L, Column: C` turned into a span.
pub fn parse_error(e: &sqlparser::parser::ParserError) -> ExprError {
    let text = e.to_string();
    let message = text
        .trim_start_matches("sql parser error: ")
        .split(" at Line: ")
        .next()
        .unwrap_or(&text)
        .to_string();
    let position = text.rsplit_once(" at Line: ").and_then(|(_, rest)| {
        let (line, col) = rest.split_once(", Column: ")?;
        Some((
            line.trim().parse::<u64>().ok()?,
            col.trim().parse::<u64>().ok()?,
        ))
    });
    let span = match position {
        Some((line, col)) => {
            let at = sqlparser::tokenizer::Location::new(line, col);
            Span::new(at, at)
        }
        None => Span::empty(),
    };
    err(span, format!("SQL syntax error: {message}"))
}

impl TableDef {
    fn option(&self, modern: &str, legacy: &str) -> Option<&str> {
        self.options
            .get(modern)
            .or_else(|| self.options.get(legacy))
            .map(String::as_str)
    }

    fn connector(&self) -> &str {
        self.option("connector", "connector.type").unwrap_or("")
    }

    /// The table as a source.
    pub fn source(&self) -> Result<SourceConnector, ExprError> {
        let connector = self.connector();
        if let Some(f) = self.schema.fields.iter().find(|f| matches!(f.ty, SqlType::Row(_))) {
            return Err(err(self.options_span, format!("reading the ROW column `{}` from a table is not supported by sluice yet", f.name)));
        }
        if !self.metadata.is_empty() && connector != "kafka" {
            return Err(err(
                self.options_span,
                format!("metadata columns of the '{connector}' connector are not supported by sluice yet (kafka's are)"),
            ));
        }
        let format = self.option("format", "format.type").unwrap_or("");
        match (connector, format) {
            ("filesystem", format) => {
                let (path, format, field_delimiter) = self.file_options(format)?;
                let ignore = self.options.iter().any(|(k, v)| {
                    k.ends_with("ignore-parse-errors") && v.eq_ignore_ascii_case("true")
                });
                Ok(SourceConnector::File {
                    path,
                    format,
                    field_delimiter,
                    ignore_parse_errors: ignore,
                })
            }
            ("datagen", _) => super::datagen::datagen_options(&self.options, &self.schema)
                .map(SourceConnector::Datagen)
                .map_err(|m| err(self.options_span, m)),
            ("kafka", _) => {
                let mut options = super::kafka::kafka_options(&self.options).map_err(|m| err(self.options_span, m))?;
                for m in &self.metadata {
                    if !super::kafka::METADATA_KEYS.contains(&m.key.as_str()) {
                        return Err(err(
                            self.options_span,
                            format!(
                                "the Kafka metadata key '{}' is not supported by sluice yet ({} are)",
                                m.key,
                                super::kafka::METADATA_KEYS.join(", ")
                            ),
                        ));
                    }
                    options.metadata.push((m.column, m.key.clone()));
                }
                Ok(SourceConnector::Kafka(options))
            }
            ("upsert-kafka", _) => Err(err(
                self.options_span,
                "reading an upsert-kafka table is not supported by sluice yet (writing one is)",
            )),
            (other, _) => Err(err(
                self.options_span,
                format!(
                    "the connector '{other}' is not supported by sluice yet as a source (filesystem with csv, \
                     datagen and kafka are)"
                ),
            )),
        }
    }

    /// A filesystem table's path, format and CSV delimiter.
    fn file_options(&self, format: &str) -> Result<(String, String, char), ExprError> {
        let path = self
            .option("path", "connector.path")
            .ok_or_else(|| err(self.options_span, "the filesystem connector needs a 'path' option"))?;
        super::formats::check_format(format).map_err(|m| err(self.options_span, m))?;
        let delimiter = self
            .option("csv.field-delimiter", "format.field-delimiter")
            .unwrap_or(",");
        let field_delimiter =
            super::formats::field_delimiter(delimiter).map_err(|m| err(self.options_span, m))?;
        Ok((path.to_string(), format.to_string(), field_delimiter))
    }

    /// The table as a sink.
    pub fn sink(&self) -> Result<SinkConnector, ExprError> {
        if !self.metadata.is_empty() {
            return Err(err(
                self.options_span,
                "writing to a table with metadata columns is not supported by sluice yet",
            ));
        }
        let row_column = self.schema.fields.iter().find(|f| matches!(f.ty, SqlType::Row(_)));
        if let (Some(f), false) = (row_column, matches!(self.connector(), "print" | "blackhole")) {
            return Err(err(
                self.options_span,
                format!("writing the ROW column `{}` to the '{}' connector is not supported by sluice yet (print and blackhole take it)", f.name, self.connector()),
            ));
        }
        match self.connector() {
            "print" => {
                if let Some(k) = self.options.keys().find(|k| {
                    !["connector", "print-identifier", "standard-error", "sink.parallelism"].contains(&k.as_str())
                }) {
                    return Err(err(self.options_span, format!("unsupported option for the print connector: {k}")));
                }
                Ok(SinkConnector::Print {
                    identifier: self
                        .options
                        .get("print-identifier")
                        .filter(|s| !s.is_empty())
                        .cloned(),
                    standard_error: self
                        .options
                        .get("standard-error")
                        .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                })
            }
            "blackhole" => Ok(SinkConnector::Blackhole),
            "filesystem" => {
                let format = self.option("format", "format.type").unwrap_or("");
                let (path, format, field_delimiter) = self.file_options(format)?;
                let roll_bytes = match self.options.get("sink.rolling-policy.file-size") {
                    None => 128 << 20,
                    Some(v) => parse_bytes(v).ok_or_else(|| {
                        err(self.options_span, format!("'{v}' is not a size such as '128MB'"))
                    })?,
                };
                Ok(SinkConnector::File {
                    path,
                    format,
                    field_delimiter,
                    roll_bytes,
                })
            }
            "jdbc" => super::connectors::jdbc_sink(&self.options, &self.primary_key)
                .map_err(|m| err(self.options_span, m)),
            "kafka" => super::kafka::kafka_options(&self.options)
                .and_then(super::kafka::sink_topic)
                .map(|options| SinkConnector::Kafka {
                    options,
                    upsert_key: None,
                })
                .map_err(|m| err(self.options_span, m)),
            "upsert-kafka" => {
                if self.primary_key.is_empty() {
                    return Err(err(
                        self.options_span,
                        "'upsert-kafka' tables require to define a PRIMARY KEY constraint",
                    ));
                }
                let options = super::kafka::kafka_options(&self.options)
                    .and_then(super::kafka::sink_topic)
                    .map_err(|m| err(self.options_span, m))?;
                if options.key_format.is_none() {
                    return Err(err(self.options_span, "the upsert-kafka connector needs a 'key.format' option"));
                }
                Ok(SinkConnector::Kafka {
                    options,
                    upsert_key: Some(self.primary_key.clone()),
                })
            }
            other => Err(err(
                self.options_span,
                format!(
                    "the connector '{other}' is not supported by sluice yet as a sink (print, blackhole, \
                     filesystem, jdbc, kafka and upsert-kafka are)"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_columns_keep_their_fields_and_the_text_its_length() {
        let ddl = "CREATE TABLE t (a STRING, r ROW<n BIGINT, s ROW<x INT>>, b INT) WITH ('connector' = 'print')";
        let (text, rows) = split_row_types(ddl);
        assert_eq!(text.len(), ddl.len());
        assert_eq!(rows, vec!["ROW<n BIGINT, s ROW<x INT>>".to_string()]);
        let def = parse_create_table(ddl).expect("parses");
        let r = def.schema.fields[1].ty.row_fields().expect("a ROW");
        assert_eq!((r[0].name.as_str(), r[0].ty), ("n", SqlType::BigInt));
        assert_eq!(r[1].ty.row_fields().map(|f| f[0].ty), Some(SqlType::Int));
        assert_eq!(def.schema.fields[2].ty, SqlType::Int);
    }

    #[test]
    fn legacy_and_modern_options() {
        let def = parse_create_table(
            "CREATE TABLE t (a VARCHAR, b BIGINT, PRIMARY KEY (a) NOT ENFORCED) WITH (\n\
             'connector.type' = 'filesystem', 'connector.path' = 'x.csv', 'format.type' = 'csv')",
        )
        .expect("parses");
        assert_eq!(def.schema.to_string(), "(a STRING, b BIGINT)");
        assert_eq!(def.primary_key, vec!["a".to_string()]);
        assert!(
            matches!(def.source(), Ok(SourceConnector::File { path, .. }) if path == "x.csv")
        );
        let print = parse_create_table("CREATE TABLE s (a STRING) WITH ('connector' = 'print')")
            .expect("parses");
        assert!(matches!(
            print.sink(),
            Ok(SinkConnector::Print { identifier: None, standard_error: false })
        ));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_create_table("CREATE TABLE t (\n a VARCHAR,,\n)").expect_err("bad");
        assert_eq!(e.span.start.line, 2);
    }
}
