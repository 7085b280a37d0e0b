//! PyFlink's `TypeInformation`, as the compiler's plan and the runtime share it.
//!
//! The shim describes each declared type as a small JSON object (`{"type": "ROW", "fields": [...]}`);
//! this crate owns its Rust form, its serde mapping and its readable `Display` for `sluice explain`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A declared stream, field or state type. `Pickled` means opaque Python objects (no type declared, or
/// `Types.PICKLED_BYTE_ARRAY()`), which the runtime carries as Python objects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TypeInfo {
    String,
    Byte,
    Boolean,
    Short,
    Int,
    Long,
    Float,
    Double,
    Char,
    BigInt,
    BigDec,
    Instant,
    SqlDate,
    SqlTime,
    SqlTimestamp,
    Pickled,
    Row {
        fields: Vec<TypeInfo>,
        #[serde(default)]
        names: Option<Vec<String>>,
    },
    Tuple {
        fields: Vec<TypeInfo>,
    },
    List {
        element: Box<TypeInfo>,
    },
    BasicArray {
        element: Box<TypeInfo>,
    },
    PrimitiveArray {
        element: Box<TypeInfo>,
    },
    ObjectArray {
        element: Box<TypeInfo>,
    },
    Map {
        key: Box<TypeInfo>,
        value: Box<TypeInfo>,
    },
}

impl TypeInfo {
    /// A row with positional fields `f0, f1, ...`.
    pub fn row(fields: Vec<TypeInfo>) -> Self {
        TypeInfo::Row {
            fields,
            names: None,
        }
    }

    /// True for the integer kinds PyFlink maps to Python `int`.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long | TypeInfo::BigInt
        )
    }

    /// Inclusive value range of a fixed-width integer type.
    pub fn integer_range(&self) -> Option<(i64, i64)> {
        match self {
            TypeInfo::Byte => Some((i8::MIN.into(), i8::MAX.into())),
            TypeInfo::Short => Some((i16::MIN.into(), i16::MAX.into())),
            TypeInfo::Int => Some((i32::MIN.into(), i32::MAX.into())),
            TypeInfo::Long => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }
}

impl fmt::Display for TypeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(
            f: &mut fmt::Formatter<'_>,
            items: &[TypeInfo],
            names: Option<&[String]>,
        ) -> fmt::Result {
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                if let Some(name) = names.and_then(|n| n.get(i)) {
                    write!(f, "{name}: ")?;
                }
                write!(f, "{t}")?;
            }
            Ok(())
        }
        match self {
            TypeInfo::String => f.write_str("STRING"),
            TypeInfo::Byte => f.write_str("BYTE"),
            TypeInfo::Boolean => f.write_str("BOOLEAN"),
            TypeInfo::Short => f.write_str("SHORT"),
            TypeInfo::Int => f.write_str("INT"),
            TypeInfo::Long => f.write_str("LONG"),
            TypeInfo::Float => f.write_str("FLOAT"),
            TypeInfo::Double => f.write_str("DOUBLE"),
            TypeInfo::Char => f.write_str("CHAR"),
            TypeInfo::BigInt => f.write_str("BIG_INT"),
            TypeInfo::BigDec => f.write_str("BIG_DEC"),
            TypeInfo::Instant => f.write_str("INSTANT"),
            TypeInfo::SqlDate => f.write_str("SQL_DATE"),
            TypeInfo::SqlTime => f.write_str("SQL_TIME"),
            TypeInfo::SqlTimestamp => f.write_str("SQL_TIMESTAMP"),
            TypeInfo::Pickled => f.write_str("PICKLED"),
            TypeInfo::Row { fields, names } => {
                f.write_str("ROW<")?;
                list(f, fields, names.as_deref())?;
                f.write_str(">")
            }
            TypeInfo::Tuple { fields } => {
                f.write_str("TUPLE<")?;
                list(f, fields, None)?;
                f.write_str(">")
            }
            TypeInfo::List { element } => write!(f, "LIST<{element}>"),
            TypeInfo::BasicArray { element } => write!(f, "BASIC_ARRAY<{element}>"),
            TypeInfo::PrimitiveArray { element } => write!(f, "PRIMITIVE_ARRAY<{element}>"),
            TypeInfo::ObjectArray { element } => write!(f, "OBJECT_ARRAY<{element}>"),
            TypeInfo::Map { key, value } => write!(f, "MAP<{key}, {value}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shims_specs() {
        let spec = r#"{"type":"ROW","fields":[{"type":"LONG"},{"type":"LIST","element":{"type":"STRING"}}],"names":null}"#;
        let ty: TypeInfo = serde_json::from_str(spec).expect("valid spec");
        assert_eq!(
            ty,
            TypeInfo::row(vec![
                TypeInfo::Long,
                TypeInfo::List {
                    element: Box::new(TypeInfo::String)
                }
            ])
        );
        assert_eq!(ty.to_string(), "ROW<LONG, LIST<STRING>>");
        let named: TypeInfo =
            serde_json::from_str(r#"{"type":"ROW","fields":[{"type":"INT"}],"names":["id"]}"#)
                .expect("valid");
        assert_eq!(named.to_string(), "ROW<id: INT>");
        let pickled: TypeInfo = serde_json::from_str(r#"{"type":"PICKLED"}"#).expect("valid");
        assert_eq!(pickled, TypeInfo::Pickled);
    }

    #[test]
    fn integer_ranges() {
        assert_eq!(
            TypeInfo::Int.integer_range(),
            Some((-2147483648, 2147483647))
        );
        assert!(TypeInfo::Long.is_integer());
        assert!(!TypeInfo::Double.is_integer());
    }
}
