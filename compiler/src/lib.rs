//! sluice's compiler: a PyFlink job script in, a Rust crate linking `sluice-runtime` out.
//!
//! Layers, as in DataFusion: [`frontend`] records the script's API calls (running it against the
//! `pyflink` shim) -> [`plan`] lowers them to a typed logical plan -> [`codegen`] emits the crate ->
//! [`driver`] builds it with cargo. [`diagnostics`] renders located errors.

pub mod codegen;
pub mod diagnostics;
pub mod driver;
pub mod frontend;
pub mod plan;
pub mod table;
