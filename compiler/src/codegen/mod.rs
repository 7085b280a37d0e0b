//! Code generation: the plan becomes a Rust crate that links `sluice-runtime`.
//!
//! `main.rs` is built as a `TokenStream` ([`main_rs`]) and printed by prettyplease; manifests are
//! edited with toml_edit from `templates/` ([`manifest`]); [`crate_dir`] writes the whole crate.

pub mod crate_dir;
pub mod main_rs;
pub mod manifest;
pub mod types;

use proc_macro2::TokenStream;

/// Pretty-prints generated code; the tokens always come from `quote!`, so they parse.
pub fn render(tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}
