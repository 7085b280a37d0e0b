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
    /// Each option's span, for errors about one option.
    pub option_spans: BTreeMap<String, Span>,
    /// `WATERMARK FOR ts AS ts - INTERVAL ...`.
    pub rowtime: Option<super::window::Rowtime>,
    /// Metadata columns (`ts TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL`), by column index.
    pub metadata: Vec<MetadataColumn>,
    /// Computed columns (`ts AS TO_TIMESTAMP(...)`), over `schema`, which holds the other columns
    /// (what the connector reads and INSERT INTO writes); `rowtime` indexes [`TableDef::declared_schema`].
    pub computed: Vec<super::computed::ComputedColumn>,
    /// Each column's name's span (of `schema`'s columns), for errors about one column.
    pub column_spans: Vec<Span>,
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
                    ')' | '>' => depth += 1,
                    '(' if depth == 0 => {
                        start = j + 1;
                        break;
                    }
                    '(' | '<' => depth -= 1,
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

/// Blanks `NOT NULL` inside a column type's brackets (`ARRAY<INT NOT NULL>`, `ROW<a INT NOT NULL>`, as
/// PyFlink's `DataTypes.INT().not_null()` writes an element or field), which Flink accepts and
/// sqlparser does not; sluice's types do not carry nullability. Keeps the text's length and lines.
fn blank_nested_not_null(text: &str) -> String {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut out = text.as_bytes().to_vec();
    let (mut depth, mut quoted, mut i) = (0usize, false, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            _ if quoted => {}
            b'<' => {
                let before = upper[..i].trim_end();
                if depth > 0 || ["ARRAY", "MAP", "ROW", "MULTISET"].iter().any(|w| before.ends_with(w)) {
                    depth += 1;
                }
            }
            b'>' if depth > 0 => depth -= 1,
            b'N' if depth > 0 && super::window::word_at(&upper, i, "NOT") => {
                let rest = &upper[i + 3..];
                let null_at = i + 3 + (rest.len() - rest.trim_start().len());
                if super::window::word_at(&upper, null_at, "NULL") {
                    let end = null_at + 4;
                    out[i..end].iter_mut().filter(|b| !matches!(b, b'\n' | b'\r')).for_each(|b| *b = b' ');
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// What `MAP<STRING, BYTES>` is replaced with before parsing (sqlparser's generic dialect does not
/// know `MAP<...>`); padded to the same length so spans stay right.
pub const MAP_PLACEHOLDER: &str = "MAP_STR_BYTES";

/// Replaces each `MAP<STRING, BYTES>` (any case and spacing; VARCHAR/VARBINARY spellings too) with
/// [`MAP_PLACEHOLDER`] padded with spaces; other MAP types are left for the parser to reject.
fn replace_maps(text: &str) -> String {
    let upper = text.to_ascii_uppercase();
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(at) = upper[from..].find("MAP<").map(|i| i + from) {
        let Some(end) = upper[at..].find('>').map(|i| at + i + 1) else { break };
        let inner: String = upper[at + 4..end - 1].chars().filter(|c| !c.is_whitespace()).collect();
        let inner = inner.replace("NOTNULL", "");
        let parts: Vec<&str> = inner.split(',').map(|p| p.split('(').next().unwrap_or(p)).collect();
        let key_ok = matches!(parts.first(), Some(&"STRING" | &"VARCHAR"));
        let value_ok = matches!(parts.get(1), Some(&"BYTES" | &"VARBINARY"));
        let word_start = at == 0 || !upper.as_bytes()[at - 1].is_ascii_alphanumeric();
        if parts.len() == 2 && key_ok && value_ok && word_start && end - at >= MAP_PLACEHOLDER.len() {
            let padded = format!("{MAP_PLACEHOLDER:<width$}", width = end - at);
            out.replace_range(at..end, &padded);
        }
        from = end;
    }
    out
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

/// A parse error at the `<` of a `MAP<...>` or `MULTISET<...>` column type (sqlparser reads neither, and
/// sluice's types have no MAP but MAP<STRING, BYTES>, nor MULTISET): the type, named as unsupported.
fn unsupported_type_at(text: &str, at: Span) -> Option<ExprError> {
    let (line, column) = (at.start.line as usize, at.start.column as usize);
    let line_start: usize = text.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum();
    let offset = line_start + text[line_start..].chars().take(column.checked_sub(1)?).map(char::len_utf8).sum::<usize>();
    if !text[offset..].starts_with('<') {
        return None;
    }
    let before = text[..offset].trim_end();
    let word_start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let word = before[word_start..].to_ascii_uppercase();
    if !matches!(word.as_str(), "MAP" | "MULTISET") {
        return None;
    }
    let mut depth = 0usize;
    let end = text[offset..].char_indices().find_map(|(i, c)| {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(offset + i + 1);
                }
            }
            _ => {}
        }
        None
    })?;
    let written: String = text[word_start..end].split_whitespace().collect::<Vec<_>>().join(" ");
    let span = Span::new(super::window::location(text, word_start), super::window::location(text, end));
    Some(err(span, format!("the column type {written} is not supported by sluice yet")))
}

/// Parses one `CREATE TABLE` statement.
pub fn parse_create_table(text: &str) -> Result<TableDef, ExprError> {
    let (text, watermark) = super::window::split_watermark(text);
    let (text, metadata_clauses) = split_metadata(&text);
    let text = replace_maps(&blank_nested_not_null(&text));
    let (text, row_types) = split_row_types(&text);
    let (text, computed_clauses) = super::computed::split_computed(&text);
    let statements = Parser::parse_sql(&GenericDialect, &text).map_err(|e| {
        let e = parse_error(&e);
        unsupported_type_at(&text, e.span).unwrap_or(e)
    })?;
    let [statement] = statements.as_slice() else {
        return Err(err(Span::empty(), "expected exactly one SQL statement"));
    };
    let sql::Statement::CreateTable(create) = statement else {
        return Err(err(statement.span(), "expected a CREATE TABLE statement"));
    };
    let mut fields = Vec::new();
    let mut column_spans = Vec::new();
    for column in &create.columns {
        let written = column.data_type.to_string();
        let written = match written.strip_prefix("ROW_").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => row_types.get(n).cloned().unwrap_or(written),
            None => written,
        };
        let ty = SqlType::parse_column(&written).ok_or_else(|| {
            err(
                column.name.span,
                format!("the column type {written} is not supported by sluice yet"),
            )
        })?;
        fields.push(Field {
            name: column.name.value.clone(),
            ty,
        });
        column_spans.push(column.name.span);
    }
    let mut primary_key = Vec::new();
    for constraint in &create.constraints {
        if let sql::TableConstraint::PrimaryKey(pk) = constraint {
            primary_key.extend(pk.columns.iter().map(|c| c.column.expr.to_string().replace('`', "")));
        }
    }
    let mut options = BTreeMap::new();
    let mut option_spans = BTreeMap::new();
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
                option_spans.insert(key.value.clone(), option.span());
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
    let computed = super::computed::resolve(&computed_clauses, &schema)?;
    let declared = super::computed::declared_schema(&schema, &computed);
    let rowtime = watermark
        .map(|w| super::window::rowtime(&w, &declared))
        .transpose()?;
    Ok(TableDef {
        rowtime,
        metadata,
        computed,
        column_spans,
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
        option_spans,
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
    /// The columns as queries see them: with the computed columns in their declared places.
    pub fn declared_schema(&self) -> Schema {
        super::computed::declared_schema(&self.schema, &self.computed)
    }

    /// The scan of this table, read through `source` (of [`TableDef::source`]).
    pub fn into_scan(self, source: SourceConnector) -> super::RelOp {
        super::RelOp::Scan { schema: self.declared_schema(), table: self.name, source, rowtime: self.rowtime, computed: self.computed }
    }

    fn option(&self, modern: &str, legacy: &str) -> Option<&str> {
        self.options
            .get(modern)
            .or_else(|| self.options.get(legacy))
            .map(String::as_str)
    }

    /// The span of option `key` (the first option's when it is not given).
    fn option_span(&self, key: &str) -> Span {
        self.option_spans.get(key).copied().unwrap_or(self.options_span)
    }

    /// The span of column `index` (the first option's when it is not known).
    fn column_span(&self, index: usize) -> Span {
        self.column_spans.get(index).copied().unwrap_or(self.options_span)
    }

    /// An error about the options, at the first option its message quotes (`'fields.id.kind' is ...`),
    /// else at the first option.
    fn option_error(&self, message: String) -> ExprError {
        let quoted = message.split('\'').skip(1).step_by(2);
        let span = quoted
            .filter_map(|key| self.option_spans.get(key))
            .next()
            .copied()
            .unwrap_or(self.options_span);
        err(span, message)
    }

    /// Resolves a Kafka table's key columns (`key.fields`, or upsert-kafka's primary key), the
    /// error pointing at the option it is about.
    fn kafka_key(&self, options: &mut super::kafka::KafkaOptions, upsert: bool) -> Result<(), ExprError> {
        let physical: Vec<bool> = (0..self.schema.fields.len())
            .map(|i| !self.metadata.iter().any(|m| m.column == i))
            .collect();
        let primary_key = upsert.then_some(self.primary_key.as_slice());
        super::kafka_key::resolve_key(options, &self.schema, &physical, primary_key)
            .map_err(|e| err(self.option_span(e.option), e.message))
    }

    fn connector(&self) -> &str {
        self.option("connector", "connector.type").unwrap_or("")
    }

    /// BYTES, MAP<STRING, BYTES> and TIMESTAMP_LTZ columns are only a Kafka table's `headers` and
    /// `timestamp` metadata (sluice's formats do not read or write them, nor its expressions compute
    /// with them); a `headers` column is MAP<STRING, BYTES>.
    /// The format of the table's rows (a Kafka table's may be `value.format`).
    fn value_format(&self) -> &str {
        self.option("format", "format.type").or_else(|| self.option("value.format", "value.format")).unwrap_or("")
    }

    /// `reading`: the table is a source, whose csv and json formats read TIMESTAMP_LTZ columns.
    fn check_opaque_columns(&self, reading: bool) -> Result<(), ExprError> {
        let format = self.value_format();
        for (i, field) in self.schema.fields.iter().enumerate() {
            let key = self.metadata.iter().find(|m| m.column == i).map(|m| m.key.as_str());
            if key == Some("headers") && field.ty != SqlType::StringBytesMap {
                return Err(err(
                    self.column_span(i),
                    format!("the headers metadata column `{}` must be MAP<STRING, BYTES>, not {}", field.name, field.ty),
                ));
            }
            let allowed = match field.ty {
                SqlType::StringBytesMap => key == Some("headers"),
                SqlType::TimestampLtz(_) => {
                    key == Some("timestamp")
                        || (reading && key.is_none() && (matches!(format, "csv" | "json") || self.connector() == "datagen"))
                }
                ty => !ty.is_opaque(),
            };
            if !allowed {
                return Err(err(
                    self.column_span(i),
                    format!(
                        "the column `{}` of type {} is not supported by sluice yet (MAP<STRING, BYTES> columns are only \
                         a Kafka table's `headers` metadata, TIMESTAMP_LTZ columns its `timestamp` metadata or columns \
                         read from csv, json and datagen)",
                        field.name, field.ty
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The table as a source.
    pub fn source(&self) -> Result<SourceConnector, ExprError> {
        self.check_opaque_columns(true)?;
        let connector = self.connector();
        let format_name = self.value_format();
        for (i, f) in self.schema.fields.iter().enumerate().filter(|(_, f)| matches!(f.ty, SqlType::Row(_))) {
            // JSON objects are read into ROW values; other formats have no nesting.
            if format_name != "json" || !matches!(connector, "filesystem" | "kafka") {
                let key = ["format", "format.type", "value.format"]
                    .into_iter()
                    .find(|k| self.options.contains_key(*k))
                    .unwrap_or("format");
                return Err(err(
                    self.option_span(key),
                    format!("reading the ROW column `{}` from a '{format_name}' table is not supported by sluice yet (json tables read ROW columns)", f.name),
                ));
            }
            if let Some(bad) = unreadable_row_field(f.ty) {
                return Err(err(
                    self.column_span(i),
                    format!("reading the ROW column `{}` with a field of type {bad} is not supported by sluice yet (fields of strings, numbers, booleans and ROWs are)", f.name),
                ));
            }
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
                .map_err(|m| self.option_error(m)),
            ("kafka", _) => {
                let mut options = super::kafka::kafka_options(&self.options).map_err(|m| self.option_error(m))?;
                super::kafka_metadata::source_metadata(&mut options, &self.metadata)
                    .map_err(|m| self.option_error(m))?;
                self.kafka_key(&mut options, false)?;
                Ok(SourceConnector::Kafka(Box::new(options)))
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
        super::formats::check_format(format).map_err(|m| self.option_error(m))?;
        let delimiter = self
            .option("csv.field-delimiter", "format.field-delimiter")
            .unwrap_or(",");
        let field_delimiter =
            super::formats::field_delimiter(delimiter).map_err(|m| self.option_error(m))?;
        Ok((path.to_string(), format.to_string(), field_delimiter))
    }

    /// The table as INSERT INTO writes it: without its VIRTUAL metadata columns (Flink's persisted
    /// columns), the other metadata columns' indexes moved accordingly.
    pub fn for_writing(mut self) -> TableDef {
        let is_virtual = |i: usize| self.metadata.iter().any(|m| m.column == i && m.is_virtual);
        let kept: Vec<usize> = (0..self.schema.fields.len()).filter(|&i| !is_virtual(i)).collect();
        let fields = kept.iter().filter_map(|&i| self.schema.fields.get(i).cloned()).collect();
        self.column_spans = kept.iter().filter_map(|&i| self.column_spans.get(i).copied()).collect();
        self.metadata = self
            .metadata
            .iter()
            .filter(|m| !m.is_virtual)
            .filter_map(|m| {
                let column = kept.iter().position(|&i| i == m.column)?;
                Some(MetadataColumn { column, ..m.clone() })
            })
            .collect();
        self.schema = Schema { fields };
        self.rowtime = None;
        self.computed.clear();
        self
    }

    /// The table as a sink (of [`TableDef::for_writing`]).
    pub fn sink(&self) -> Result<SinkConnector, ExprError> {
        let connector = self.connector();
        // The print connector prints any value; the others write columns through formats.
        if !["print", "blackhole"].contains(&connector) {
            self.check_opaque_columns(false)?;
        }
        if !self.metadata.is_empty() && !["kafka", "upsert-kafka"].contains(&connector) {
            return Err(err(
                self.options_span,
                format!("writing metadata columns of the '{connector}' connector is not supported by sluice yet"),
            ));
        }
        let row_column = self.schema.fields.iter().position(|f| matches!(f.ty, SqlType::Row(_)));
        if let (Some(i), false) = (row_column, matches!(self.connector(), "print" | "blackhole")) {
            let f = &self.schema.fields[i];
            return Err(err(
                self.column_span(i),
                format!("writing the ROW column `{}` to the '{}' connector is not supported by sluice yet (print and blackhole take it)", f.name, self.connector()),
            ));
        }
        match connector {
            "print" => {
                if let Some(k) = self.options.keys().find(|k| {
                    !["connector", "print-identifier", "standard-error", "sink.parallelism"].contains(&k.as_str())
                }) {
                    return Err(err(self.option_span(k), format!("unsupported option for the print connector: {k}")));
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
                        err(self.option_span("sink.rolling-policy.file-size"), format!("'{v}' is not a size such as '128MB'"))
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
                .map_err(|m| self.option_error(m)),
            "kafka" => {
                let mut options = super::kafka::kafka_options(&self.options)
                    .and_then(super::kafka::sink_topic)
                    .map_err(|m| self.option_error(m))?;
                super::kafka_metadata::sink_metadata(&mut options, &self.schema, &self.metadata)
                    .map_err(|m| self.option_error(m))?;
                self.kafka_key(&mut options, false)?;
                Ok(SinkConnector::Kafka {
                    options,
                    upsert_key: None,
                })
            }
            "upsert-kafka" => {
                if self.primary_key.is_empty() {
                    return Err(err(
                        self.options_span,
                        "'upsert-kafka' tables require to define a PRIMARY KEY constraint",
                    ));
                }
                let mut options = super::kafka::kafka_options(&self.options)
                    .and_then(super::kafka::sink_topic)
                    .map_err(|m| self.option_error(m))?;
                if options.key_format.is_none() {
                    return Err(err(self.options_span, "the upsert-kafka connector needs a 'key.format' option"));
                }
                super::kafka_metadata::sink_metadata(&mut options, &self.schema, &self.metadata)
                    .map_err(|m| self.option_error(m))?;
                self.kafka_key(&mut options, true)?;
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
    fn not_null_inside_a_type_is_read() {
        let ddl = "CREATE TABLE t (a ARRAY<INT NOT NULL> NOT NULL, r ROW<`x` INT NOT NULL, y STRING>, \
                   b INT NOT NULL) WITH ('connector' = 'print')";
        assert_eq!(blank_nested_not_null(ddl).len(), ddl.len());
        let def = parse_create_table(ddl).expect("parses");
        assert_eq!(def.schema.fields.len(), 3);
        assert_eq!(def.schema.fields[1].ty.row_fields().map(|f| f[0].ty), Some(SqlType::Int));
    }

    #[test]
    fn map_and_multiset_types_are_named() {
        let e = parse_create_table("CREATE TABLE t (id BIGINT,\n m MAP<STRING, ARRAY<INT>>) WITH ('connector' = 'print')")
            .expect_err("no MAP<STRING, ARRAY<INT>>");
        assert_eq!(e.message, "the column type MAP<STRING, ARRAY<INT>> is not supported by sluice yet");
        assert_eq!((e.span.start.line, e.span.start.column), (2, 4));
        let e = parse_create_table("CREATE TABLE t (s MULTISET<INT>) WITH ('connector' = 'print')").expect_err("no MULTISET");
        assert_eq!(e.message, "the column type MULTISET<INT> is not supported by sluice yet");
    }

    #[test]
    fn option_errors_point_at_the_option_they_name() {
        let def = parse_create_table(
            "CREATE TABLE t (id BIGINT) WITH (\n'connector' = 'datagen',\n'fields.id.kind' = 'counter')",
        )
        .expect("parses");
        let e = def.source().expect_err("an unknown kind");
        assert!(e.message.contains("'fields.id.kind'"), "{}", e.message);
        assert_eq!(e.span.start.line, 3);
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
    fn map_string_bytes_columns_and_their_metadata() {
        let def = parse_create_table(
            "CREATE TABLE t (id BIGINT, hs map< varchar , BYTES > METADATA FROM 'headers', \
             `offset` BIGINT METADATA VIRTUAL, b VARBINARY) WITH ('connector' = 'kafka')",
        )
        .expect("parses");
        assert_eq!(def.schema.to_string(), "(id BIGINT, hs MAP<STRING, BYTES>, offset BIGINT, b BYTES)");
        assert_eq!(def.metadata.first().map(|m| (m.column, m.key.as_str())), Some((1, "headers")));
        let written = def.clone().for_writing();
        assert_eq!(written.schema.to_string(), "(id BIGINT, hs MAP<STRING, BYTES>, b BYTES)");
        assert_eq!(written.metadata.len(), 1);
        assert!(replace_maps("MAP<STRING, INT>").starts_with("MAP<"), "other maps stay for the parser");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_create_table("CREATE TABLE t (\n a VARCHAR,,\n)").expect_err("bad");
        assert_eq!(e.span.start.line, 2);
    }
}

/// The first field type (nested too) a JSON ROW column cannot be read with yet: DECIMAL and
/// temporal fields would need the cast after the source that top-level columns get.
fn unreadable_row_field(ty: SqlType) -> Option<SqlType> {
    for field in ty.row_fields().unwrap_or_default() {
        match field.ty {
            SqlType::Row(_) => {
                if let Some(bad) = unreadable_row_field(field.ty) {
                    return Some(bad);
                }
            }
            SqlType::Boolean
            | SqlType::TinyInt
            | SqlType::SmallInt
            | SqlType::Int
            | SqlType::BigInt
            | SqlType::Float
            | SqlType::Double
            | SqlType::String => {}
            other => return Some(other),
        }
    }
    None
}
