//! `TypeInfo` values as Rust expressions in generated code.

use proc_macro2::TokenStream;
use quote::quote;
use sluice_types::TypeInfo;

pub fn type_info(ty: &TypeInfo) -> TokenStream {
    let list = |items: &[TypeInfo]| {
        let items = items.iter().map(type_info);
        quote! { vec![#(#items),*] }
    };
    match ty {
        TypeInfo::String => quote! { TypeInfo::String },
        TypeInfo::Byte => quote! { TypeInfo::Byte },
        TypeInfo::Boolean => quote! { TypeInfo::Boolean },
        TypeInfo::Short => quote! { TypeInfo::Short },
        TypeInfo::Int => quote! { TypeInfo::Int },
        TypeInfo::Long => quote! { TypeInfo::Long },
        TypeInfo::Float => quote! { TypeInfo::Float },
        TypeInfo::Double => quote! { TypeInfo::Double },
        TypeInfo::Char => quote! { TypeInfo::Char },
        TypeInfo::BigInt => quote! { TypeInfo::BigInt },
        TypeInfo::BigDec => quote! { TypeInfo::BigDec },
        TypeInfo::Instant => quote! { TypeInfo::Instant },
        TypeInfo::SqlDate => quote! { TypeInfo::SqlDate },
        TypeInfo::SqlTime => quote! { TypeInfo::SqlTime },
        TypeInfo::SqlTimestamp => quote! { TypeInfo::SqlTimestamp },
        TypeInfo::Pickled => quote! { TypeInfo::Pickled },
        TypeInfo::Row {
            fields,
            names: None,
        } => {
            let fields = list(fields);
            quote! { TypeInfo::row(#fields) }
        }
        TypeInfo::Row {
            fields,
            names: Some(names),
        } => {
            let fields = list(fields);
            quote! { TypeInfo::Row { fields: #fields, names: Some(vec![#(#names.to_string()),*]) } }
        }
        TypeInfo::Tuple { fields } => {
            let fields = list(fields);
            quote! { TypeInfo::Tuple { fields: #fields } }
        }
        TypeInfo::List { element } => {
            let element = type_info(element);
            quote! { TypeInfo::List { element: Box::new(#element) } }
        }
        TypeInfo::BasicArray { element } => {
            let element = type_info(element);
            quote! { TypeInfo::BasicArray { element: Box::new(#element) } }
        }
        TypeInfo::PrimitiveArray { element } => {
            let element = type_info(element);
            quote! { TypeInfo::PrimitiveArray { element: Box::new(#element) } }
        }
        TypeInfo::ObjectArray { element } => {
            let element = type_info(element);
            quote! { TypeInfo::ObjectArray { element: Box::new(#element) } }
        }
        TypeInfo::Map { key, value } => {
            let (key, value) = (type_info(key), type_info(value));
            quote! { TypeInfo::Map { key: Box::new(#key), value: Box::new(#value) } }
        }
    }
}
