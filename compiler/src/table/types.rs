//! SQL types of the relational plan (Flink's logical types, as far as sluice supports them) and the
//! schemas of relational nodes.

use std::fmt;

use serde::Serialize;
use sluice_types::TypeInfo;

/// A Flink SQL type. CHAR/VARCHAR/STRING are one `String` type (Flink compares and prints them alike).
///
/// `Decimal(precision, scale)` values travel as their unscaled 64-bit integer (`Value::Int`), the
/// scale known from the type: decimals of up to 18 significant digits, wider results are NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SqlType {
    Boolean,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    String,
    Decimal(u8, u8),
    /// Days since 1970-01-01.
    Date,
    /// TIME(0): milliseconds of the day.
    Time,
    /// TIMESTAMP(p) WITHOUT TIME ZONE: milliseconds since 1970-01-01T00:00 (fractions past
    /// milliseconds are cut); `p` is kept for printing.
    Timestamp(u8),
    /// BYTES (VARBINARY): only as a DDL column type, see [`SqlType::parse_column`].
    Bytes,
    /// MAP<STRING, BYTES>, Kafka's `headers` metadata: the one MAP type sluice has, only as a DDL
    /// column type; its values are `Value::Map` of `Value::Str` keys and `Value::Bytes` values.
    StringBytesMap,
    /// TIMESTAMP_LTZ(p), Kafka's `timestamp` metadata: only as a DDL column type; its values are
    /// `Value::Instant`.
    TimestampLtz(u8),
    /// `ROW<...>` (a Python function's `DataTypes.ROW` result): values are `Value::Row`s; the fields
    /// are interned ([`SqlType::row`]) so that the type stays `Copy`.
    Row(u32),
    /// `ARRAY<T>` (a Python function's `DataTypes.ARRAY` result or argument): values are
    /// `Value::List`s; the element type is interned ([`SqlType::array`]) so that the type stays
    /// `Copy`. Like BYTES, queries pass arrays along but do not compute with them.
    Array(u32),
    /// `MAP<K, V>` (a pandas function's `DataTypes.MAP` result): values are `Value::Map`s; the key and
    /// value types are interned ([`SqlType::map`]). Passed along, never computed with.
    Map(u32),
}

/// The key and value types of each `SqlType::Map(i)`: `MAPS[i]`.
static MAPS: std::sync::Mutex<Vec<(SqlType, SqlType)>> = std::sync::Mutex::new(Vec::new());

/// The element type of each `SqlType::Array(i)`: `ARRAYS[i]`.
static ARRAYS: std::sync::Mutex<Vec<SqlType>> = std::sync::Mutex::new(Vec::new());

/// The fields of each `SqlType::Row(i)`: `ROWS[i]`.
static ROWS: std::sync::Mutex<Vec<Vec<Field>>> = std::sync::Mutex::new(Vec::new());

fn rows() -> std::sync::MutexGuard<'static, Vec<Vec<Field>>> {
    ROWS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Flink's largest DECIMAL precision.
pub const MAX_PRECISION: u32 = 38;
/// The smallest scale Flink keeps when a decimal result type is too wide.
const MINIMUM_ADJUSTED_SCALE: u32 = 6;

/// `DECIMAL(p, s)` narrowed to 38 digits as Flink's `LogicalTypeMerging.adjustPrecisionScale` does.
pub fn adjusted_decimal(precision: u32, scale: u32) -> SqlType {
    if precision <= MAX_PRECISION {
        return SqlType::Decimal(precision.max(1) as u8, scale as u8);
    }
    let digits = precision - scale;
    let min_scale = scale.min(MINIMUM_ADJUSTED_SCALE);
    let scale = MAX_PRECISION.saturating_sub(digits).max(min_scale);
    SqlType::Decimal(MAX_PRECISION as u8, scale as u8)
}

impl SqlType {
    /// The ROW type of these fields.
    pub fn row(fields: Vec<Field>) -> SqlType {
        let mut rows = rows();
        let index = match rows.iter().position(|r| *r == fields) {
            Some(i) => i,
            None => {
                rows.push(fields);
                rows.len() - 1
            }
        };
        SqlType::Row(index as u32)
    }

    /// The ARRAY type of this element type.
    pub fn array(element: SqlType) -> SqlType {
        let mut arrays = ARRAYS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let index = match arrays.iter().position(|e| *e == element) {
            Some(i) => i,
            None => {
                arrays.push(element);
                arrays.len() - 1
            }
        };
        SqlType::Array(index as u32)
    }

    /// An ARRAY type's element type.
    pub fn element(self) -> Option<SqlType> {
        match self {
            SqlType::Array(i) => {
                ARRAYS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(i as usize).copied()
            }
            _ => None,
        }
    }

    /// The MAP type of these key and value types.
    pub fn map(key: SqlType, value: SqlType) -> SqlType {
        let mut maps = MAPS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let index = match maps.iter().position(|e| *e == (key, value)) {
            Some(i) => i,
            None => {
                maps.push((key, value));
                maps.len() - 1
            }
        };
        SqlType::Map(index as u32)
    }

    /// A MAP type's key and value types.
    pub fn map_types(self) -> Option<(SqlType, SqlType)> {
        match self {
            SqlType::Map(i) => MAPS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(i as usize).copied(),
            _ => None,
        }
    }

    /// A ROW type's fields.
    pub fn row_fields(self) -> Option<Vec<Field>> {
        match self {
            SqlType::Row(i) => rows().get(i as usize).cloned(),
            _ => None,
        }
    }

    /// The type named by Flink's SQL spelling (`VARCHAR(20)`, `BIGINT NOT NULL`), or `None` when
    /// sluice does not support it yet.
    pub fn parse(text: &str) -> Option<SqlType> {
        if let Some(fields) = SqlType::parse_row(text) {
            return Some(SqlType::row(fields));
        }
        let trimmed = text.trim();
        let trimmed = trimmed.strip_suffix(" NOT NULL").unwrap_or(trimmed);
        if trimmed.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("ARRAY<")) {
            // PyFlink's `to_arrow_type` takes no ROW (nor TIMESTAMP_LTZ) elements; nor does sluice.
            let element = SqlType::parse(trimmed[6..].strip_suffix('>')?)?;
            return (!matches!(element, SqlType::Row(_))).then(|| SqlType::array(element));
        }
        if trimmed.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("MAP<")) {
            let inner = trimmed[4..].strip_suffix('>')?;
            // The key type runs to the first comma outside brackets.
            let mut depth = 0i32;
            let cut = inner.char_indices().find_map(|(i, c)| {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' => depth -= 1,
                    ',' if depth == 0 => return Some(i),
                    _ => {}
                }
                None
            })?;
            let key = SqlType::parse(&inner[..cut])?;
            let value = SqlType::parse(&inner[cut + 1..])?;
            let nested = |t: SqlType| matches!(t, SqlType::Row(_) | SqlType::Map(_));
            return (!nested(key) && !nested(value)).then(|| SqlType::map(key, value));
        }
        let upper = text.trim().to_ascii_uppercase();
        let upper = upper
            .trim_end_matches(" NOT NULL")
            .trim_end_matches(" NULL");
        let base = upper.split('(').next().unwrap_or("").trim();
        if base == "TIMESTAMP_LTZ" || upper.ends_with("WITH LOCAL TIME ZONE") {
            let p = match upper.split_once('(') {
                Some((_, rest)) => rest.split(')').next()?.trim().parse::<u8>().ok()?,
                None => 6,
            };
            return (p <= 9).then_some(SqlType::TimestampLtz(p));
        }
        if matches!(base, "DECIMAL" | "DEC" | "NUMERIC") {
            let args: Vec<u32> = upper
                .split_once('(')
                .map(|(_, rest)| rest.trim_end_matches(')'))
                .unwrap_or("")
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect();
            let (p, s) = match args.as_slice() {
                [] => (10, 0),
                [p] => (*p, 0),
                [p, s] => (*p, *s),
                _ => return None,
            };
            return (1..=MAX_PRECISION).contains(&p)
                .then_some(())
                .filter(|_| s <= p)
                .map(|_| SqlType::Decimal(p as u8, s as u8));
        }
        if base == "TIMESTAMP" || base == "TIMESTAMP WITHOUT TIME ZONE" {
            if upper.contains("LOCAL TIME ZONE") || upper.contains(" WITH TIME ZONE") {
                return None;
            }
            let p = match upper.split_once('(') {
                Some((_, rest)) => rest.split(')').next()?.trim().parse::<u8>().ok()?,
                None => 6,
            };
            return (p <= 9).then_some(SqlType::Timestamp(p));
        }
        Some(match base {
            "DATE" => SqlType::Date,
            "TIME" | "TIME WITHOUT TIME ZONE" => SqlType::Time,
            "BOOLEAN" | "BOOL" => SqlType::Boolean,
            "TINYINT" => SqlType::TinyInt,
            "SMALLINT" => SqlType::SmallInt,
            "INT" | "INTEGER" => SqlType::Int,
            "BIGINT" => SqlType::BigInt,
            "FLOAT" | "REAL" => SqlType::Float,
            "DOUBLE" | "DOUBLE PRECISION" => SqlType::Double,
            "STRING" | "VARCHAR" | "CHAR" | "CHARACTER VARYING" | "CHARACTER" | "TEXT" => {
                SqlType::String
            }
            _ => return None,
        })
    }

    /// A DDL column's type: [`SqlType::parse`], and the opaque types BYTES and MAP<STRING, BYTES>
    /// (a Kafka table's `headers`; `MAP<...>` comes as the placeholder `ddl::MAP_PLACEHOLDER`),
    /// which queries can only pass along as they are.
    pub fn parse_column(text: &str) -> Option<SqlType> {
        let upper = text.trim().to_ascii_uppercase();
        let upper = upper.trim_end_matches(" NOT NULL").trim_end_matches(" NULL");
        let base = upper.split('(').next().unwrap_or("").trim();
        match base {
            "BYTES" | "VARBINARY" | "BINARY VARYING" => Some(SqlType::Bytes),
            super::ddl::MAP_PLACEHOLDER => Some(SqlType::StringBytesMap),
            _ => SqlType::parse(text),
        }
    }

    /// BYTES and MAP<STRING, BYTES>: values a query can select but not compute with.
    pub fn is_opaque(self) -> bool {
        matches!(self, SqlType::Bytes | SqlType::StringBytesMap | SqlType::Array(_) | SqlType::Map(_))
    }

    /// The fields of Flink's `ROW<\`name\` TYPE, ...>` spelling (as the shim renders `DataTypes.ROW`),
    /// or `None` when `text` is no ROW type or one of its fields' types is not supported yet.
    pub fn parse_row(text: &str) -> Option<Vec<Field>> {
        let text = text.trim();
        let text = text.strip_suffix(" NOT NULL").unwrap_or(text);
        let upper = text.get(..4)?.to_ascii_uppercase();
        let inner = (upper == "ROW<").then(|| text[4..].strip_suffix('>')).flatten()?;
        let mut fields = Vec::new();
        let mut rest = inner.trim();
        while !rest.is_empty() {
            // A field name in backquotes (as PyFlink spells a DataTypes.ROW) or bare (as DDL may).
            let (name, after) = match rest.strip_prefix('`') {
                Some(quoted) => {
                    let end = quoted.find('`')?;
                    (quoted[..end].to_string(), &quoted[end + 1..])
                }
                None => {
                    let end = rest.find(char::is_whitespace)?;
                    (rest[..end].to_string(), &rest[end..])
                }
            };
            // The type runs to the next comma outside parentheses.
            let mut depth = 0i32;
            let mut cut = after.len();
            for (i, c) in after.char_indices() {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' => depth -= 1,
                    ',' if depth == 0 => {
                        cut = i;
                        break;
                    }
                    _ => {}
                }
            }
            let ty = SqlType::parse(&after[..cut])?;
            fields.push(Field { name, ty });
            rest = after[cut..].trim_start_matches(',').trim();
        }
        (!fields.is_empty()).then_some(fields)
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt
        )
    }

    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, SqlType::Float | SqlType::Double | SqlType::Decimal(..))
    }

    /// The type a connector reads and writes the column as: DECIMAL and temporal columns as their
    /// text (a cast after a source parses them; a sink gets them cast to text).
    pub fn connector_type(self) -> SqlType {
        if self.is_temporal() || matches!(self, SqlType::Decimal(..)) {
            SqlType::String
        } else {
            self
        }
    }

    /// DATE, TIME or TIMESTAMP.
    pub fn is_temporal(self) -> bool {
        matches!(self, SqlType::Date | SqlType::Time | SqlType::Timestamp(_))
    }

    pub fn is_float(self) -> bool {
        matches!(self, SqlType::Float | SqlType::Double)
    }

    /// `(precision, scale)` of a decimal, or of the decimal an integer type widens to.
    pub fn decimal_parts(self) -> Option<(u32, u32)> {
        Some(match self {
            SqlType::Decimal(p, s) => (u32::from(p), u32::from(s)),
            SqlType::TinyInt => (3, 0),
            SqlType::SmallInt => (5, 0),
            SqlType::Int => (10, 0),
            SqlType::BigInt => (19, 0),
            _ => return None,
        })
    }

    /// The scale of a decimal (0 for other types).
    pub fn scale(self) -> u32 {
        match self {
            SqlType::Decimal(_, s) => u32::from(s),
            _ => 0,
        }
    }

    /// The least restrictive type of two (CASE branches, COALESCE, UNION ALL, comparisons), as
    /// Calcite's `leastRestrictive`: equal types, else numeric widening with decimals kept exact.
    pub fn common(a: SqlType, b: SqlType) -> Option<SqlType> {
        if a == b {
            return Some(a);
        }
        if let (SqlType::Timestamp(p), SqlType::Timestamp(q)) = (a, b) {
            return Some(SqlType::Timestamp(p.max(q)));
        }
        // A TIMESTAMP meets a TIMESTAMP_LTZ as the instant of its wall-clock time in the session zone.
        match (a, b) {
            (SqlType::TimestampLtz(p), SqlType::TimestampLtz(q) | SqlType::Timestamp(q))
            | (SqlType::Timestamp(q), SqlType::TimestampLtz(p)) => return Some(SqlType::TimestampLtz(p.max(q))),
            _ => {}
        }
        if !a.is_numeric() || !b.is_numeric() {
            return None;
        }
        if a.is_float() || b.is_float() {
            return SqlType::widen(a, b);
        }
        if a.is_integer() && b.is_integer() {
            return SqlType::widen(a, b);
        }
        let ((p1, s1), (p2, s2)) = (a.decimal_parts()?, b.decimal_parts()?);
        let scale = s1.max(s2);
        let digits = (p1 - s1).max(p2 - s2);
        Some(SqlType::Decimal((digits + scale).min(MAX_PRECISION) as u8, scale as u8))
    }

    fn integer_rank(self) -> u8 {
        match self {
            SqlType::TinyInt => 1,
            SqlType::SmallInt => 2,
            SqlType::Int => 3,
            _ => 4,
        }
    }

    /// The result type of arithmetic on two numeric types (Flink's numeric widening).
    pub fn widen(a: SqlType, b: SqlType) -> Option<SqlType> {
        if !a.is_numeric() || !b.is_numeric() {
            return None;
        }
        Some(match (a, b) {
            (SqlType::Double, _) | (_, SqlType::Double) => SqlType::Double,
            (SqlType::Float, _) | (_, SqlType::Float) => SqlType::Float,
            (SqlType::Decimal(..), _) | (_, SqlType::Decimal(..)) => SqlType::common(a, b)?,
            _ if a.integer_rank() >= b.integer_rank() => a,
            _ => b,
        })
    }

    /// Whether a value of `self` may be written where `target` is expected (INSERT's implicit cast).
    pub fn assignable_to(self, target: SqlType) -> bool {
        if let (Some(from), Some(to)) = (self.row_fields(), target.row_fields()) {
            // ROWs by their fields' types, whatever the names.
            return from.len() == to.len() && from.iter().zip(&to).all(|(f, t)| f.ty == t.ty);
        }
        self == target
            || (self.is_numeric() && target.is_numeric())
            || matches!((self, target), (SqlType::Timestamp(_), SqlType::Timestamp(_)))
    }

    /// The runtime's `TypeInfo` for this type (what Python conversions and printing follow).
    pub fn type_info(self) -> TypeInfo {
        match self {
            SqlType::Boolean => TypeInfo::Boolean,
            SqlType::TinyInt => TypeInfo::Byte,
            SqlType::SmallInt => TypeInfo::Short,
            SqlType::Int => TypeInfo::Int,
            SqlType::BigInt => TypeInfo::Long,
            SqlType::Float => TypeInfo::Float,
            SqlType::Double => TypeInfo::Double,
            SqlType::String => TypeInfo::String,
            SqlType::Decimal(..) => TypeInfo::BigDec,
            SqlType::Date => TypeInfo::SqlDate,
            SqlType::Time => TypeInfo::SqlTime,
            SqlType::Timestamp(_) => TypeInfo::SqlTimestamp,
            SqlType::Bytes => TypeInfo::PrimitiveArray {
                element: Box::new(TypeInfo::Byte),
            },
            SqlType::StringBytesMap => TypeInfo::Map {
                key: Box::new(TypeInfo::String),
                value: Box::new(SqlType::Bytes.type_info()),
            },
            SqlType::TimestampLtz(_) => TypeInfo::Instant,
            SqlType::Row(_) => {
                let fields = self.row_fields().unwrap_or_default();
                // Without names: PyFlink passes a ROW argument to a Python function as a Row without
                // field names.
                TypeInfo::Row { fields: fields.iter().map(|f| f.ty.type_info()).collect(), names: None }
            }
            // A Python list, as PyFlink passes and takes an ARRAY.
            SqlType::Array(_) => TypeInfo::List {
                element: Box::new(self.element().unwrap_or(SqlType::String).type_info()),
            },
            SqlType::Map(_) => {
                let (key, value) = self.map_types().unwrap_or((SqlType::String, SqlType::String));
                TypeInfo::Map { key: Box::new(key.type_info()), value: Box::new(value.type_info()) }
            }
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SqlType::Boolean => "BOOLEAN",
            SqlType::TinyInt => "TINYINT",
            SqlType::SmallInt => "SMALLINT",
            SqlType::Int => "INT",
            SqlType::BigInt => "BIGINT",
            SqlType::Float => "FLOAT",
            SqlType::Double => "DOUBLE",
            SqlType::String => "STRING",
            SqlType::Decimal(p, s) => return write!(f, "DECIMAL({p}, {s})"),
            SqlType::Date => "DATE",
            SqlType::Time => "TIME(0)",
            SqlType::Timestamp(p) => return write!(f, "TIMESTAMP({p})"),
            SqlType::Bytes => "BYTES",
            SqlType::StringBytesMap => "MAP<STRING, BYTES>",
            SqlType::TimestampLtz(p) => return write!(f, "TIMESTAMP_LTZ({p})"),
            SqlType::Row(_) => {
                let fields = self.row_fields().unwrap_or_default();
                let fields: Vec<String> = fields.iter().map(|x| format!("`{}` {}", x.name, x.ty)).collect();
                return write!(f, "ROW<{}>", fields.join(", "));
            }
            SqlType::Array(_) => return write!(f, "ARRAY<{}>", self.element().unwrap_or(SqlType::String)),
            SqlType::Map(_) => {
                let (key, value) = self.map_types().unwrap_or((SqlType::String, SqlType::String));
                return write!(f, "MAP<{key}, {value}>");
            }
        })
    }
}

/// One column of a relational node's output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: SqlType,
}

/// The columns a relational node produces, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    /// The index of a column by name (Flink resolves Table API names case-sensitively).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }

    /// The schema as a named ROW `TypeInfo` (what the plan node's `output` shows).
    pub fn type_info(&self) -> TypeInfo {
        TypeInfo::Row {
            fields: self.fields.iter().map(|f| f.ty.type_info()).collect(),
            names: Some(self.fields.iter().map(|f| f.name.clone()).collect()),
        }
    }
}

impl fmt::Display for Schema {
    /// `(uuid STRING, request_time BIGINT)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", field.name, field.ty)?;
        }
        f.write_str(")")
    }
}

/// The table schema of a DataStream's type (`from_data_stream`): a ROW's fields with their names
/// (`f0`, `f1`, ... when unnamed), a TUPLE's as `f0`, `f1`, ...; `None` when a field has no SQL type.
pub fn schema_of_type_info(ty: &TypeInfo) -> Option<Schema> {
    let (types, names) = match ty {
        TypeInfo::Row { fields, names } => (fields, names.clone()),
        TypeInfo::Tuple { fields } => (fields, None),
        _ => return None,
    };
    let names = names.unwrap_or_else(|| (0..types.len()).map(|i| format!("f{i}")).collect());
    let fields = types
        .iter()
        .zip(names)
        .map(|(t, name)| {
            let ty = match t {
                TypeInfo::Boolean => SqlType::Boolean,
                TypeInfo::Byte => SqlType::TinyInt,
                TypeInfo::Short => SqlType::SmallInt,
                TypeInfo::Int => SqlType::Int,
                TypeInfo::Long => SqlType::BigInt,
                TypeInfo::Float => SqlType::Float,
                TypeInfo::Double => SqlType::Double,
                TypeInfo::String => SqlType::String,
                TypeInfo::SqlDate => SqlType::Date,
                TypeInfo::SqlTime => SqlType::Time,
                TypeInfo::SqlTimestamp => SqlType::Timestamp(3),
                _ => return None,
            };
            Some(Field { name, ty })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Schema { fields })
}
