//! SQL types of the relational plan (Flink's logical types, as far as sluice supports them) and the
//! schemas of relational nodes.

use std::fmt;

use serde::Serialize;
use sluice_types::TypeInfo;

/// A Flink SQL type. CHAR/VARCHAR/STRING are one `String` type (Flink compares and prints them alike).
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
}

impl SqlType {
    /// The type named by Flink's SQL spelling (`VARCHAR(20)`, `BIGINT NOT NULL`), or `None` when
    /// sluice does not support it yet.
    pub fn parse(text: &str) -> Option<SqlType> {
        let upper = text.trim().to_ascii_uppercase();
        let upper = upper
            .trim_end_matches(" NOT NULL")
            .trim_end_matches(" NULL");
        let base = upper.split('(').next().unwrap_or("").trim();
        Some(match base {
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

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt
        )
    }

    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, SqlType::Float | SqlType::Double)
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
            _ if a.integer_rank() >= b.integer_rank() => a,
            _ => b,
        })
    }

    /// Whether a value of `self` may be written where `target` is expected (INSERT's implicit cast).
    pub fn assignable_to(self, target: SqlType) -> bool {
        self == target || (self.is_numeric() && target.is_numeric())
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
