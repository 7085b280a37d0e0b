//! The row formats connectors share (`csv`, `json`, `raw`): checking a table's format options, and
//! the generated runtime codec (`connectors::formats::RowCodec`) of a table's columns.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Schema, SqlType};
use crate::codegen::types::type_info;

/// A format sluice reads and writes, or an error naming the ones it does.
pub fn check_format(format: &str) -> Result<(), String> {
    if ["csv", "json", "raw"].contains(&format) {
        Ok(())
    } else {
        Err(format!(
            "the format '{format}' is not supported by sluice yet (csv, json and raw are)"
        ))
    }
}

/// A CSV field delimiter option's one character.
pub fn field_delimiter(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err("the CSV field delimiter must be one character".into()),
    }
}

/// A format's runtime value.
fn format_tokens(name: &str, delimiter: char) -> TokenStream {
    match name {
        "csv" => quote! { connectors::formats::Format::Csv { delimiter: #delimiter } },
        "raw" => quote! { connectors::formats::Format::Raw },
        _ => quote! { connectors::formats::Format::Json },
    }
}

/// The codec of `columns` (indexes into `schema`), each read and written as its
/// [`SqlType::connector_type`]; DECIMAL columns are written as JSON numbers from their text.
pub fn codec_tokens(format: &str, delimiter: char, schema: &Schema, columns: &[usize]) -> TokenStream {
    let format = format_tokens(format, delimiter);
    let fields: Vec<&super::Field> = columns.iter().filter_map(|&i| schema.fields.get(i)).collect();
    let names = fields.iter().map(|f| f.name.as_str());
    let types = fields.iter().map(|f| type_info(&codec_type(f.ty)));
    let numeric = fields.iter().map(|f| matches!(f.ty, SqlType::Decimal(..)));
    quote! {
        connectors::formats::RowCodec::new(#format, vec![#(#names.to_string()),*], vec![#(#types),*])
            .with_numeric_text(vec![#(#numeric),*])
    }
}

/// The type a codec reads and writes a column as: its [`SqlType::connector_type`]; a ROW with its
/// field names, which JSON objects are read by.
fn codec_type(ty: SqlType) -> sluice_types::TypeInfo {
    match ty.row_fields() {
        Some(fields) => sluice_types::TypeInfo::Row {
            names: Some(fields.iter().map(|f| f.name.clone()).collect()),
            fields: fields.iter().map(|f| codec_type(f.ty)).collect(),
        },
        None => ty.connector_type().type_info(),
    }
}
