//! The embedded-Python harness: interpreter start-up, embedded modules, conversions, user functions.
//!
//! Python runs in-process through pyo3. Every binary embeds the `pyflink` shim and the job's own
//! modules; user functions are called from Rust inside one GIL acquisition per batch: DataStream
//! operators without keyed state have `builtins.map` drive the calls from C over the batch's converted
//! values ([`batch`]); Table scalar functions are called per row by vectorcall (`table::calc`). Python runs on the pipeline's own thread: the runtime has no async executor whose
//! workers a long Python call could stall, and the clients that do I/O in the background (librdkafka)
//! run their own threads.

pub mod batch;
pub mod convert;
pub mod native;
pub mod repeats;
pub mod state;
pub mod udf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// A Python module compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedModule {
    /// Dotted module name (`pyflink.common.types`).
    pub name: &'static str,
    /// Path relative to its root (`pyflink/common/types.py`), or absolute for the job's modules.
    pub path: &'static str,
    pub is_package: bool,
    pub source: &'static str,
}

/// The shim (`pyflink`, `_sluice`), embedded by build.rs.
pub static SHIM_MODULES: &[EmbeddedModule] =
    include!(concat!(env!("OUT_DIR"), "/embedded_python.rs"));

/// The shim's modules compiled to bytecode at build time (marshal), by path; empty if Python could not
/// be run then.
static SHIM_BYTECODE: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/embedded_bytecode.rs"));

/// `importlib.util.MAGIC_NUMBER` of the Python that compiled `SHIM_BYTECODE`.
static SHIM_MAGIC: &[u8] = include!(concat!(env!("OUT_DIR"), "/embedded_magic.rs"));

const IMPORTER: &str = include_str!("../../bootstrap/importer.py");

/// Installs the embedded-module importer for the shim and the job's modules. Shim files get a
/// `<sluice>/` prefix so tracebacks and call-site capture can tell them from user code.
pub fn install_modules(py: Python<'_>, job_modules: &[EmbeddedModule]) -> PyResult<()> {
    // Bytecode only when this interpreter is the one that compiled it.
    let magic: Vec<u8> = py.import("importlib.util")?.getattr("MAGIC_NUMBER")?.extract()?;
    let use_bytecode = !SHIM_MAGIC.is_empty() && magic == SHIM_MAGIC;
    let table = PyDict::new(py);
    for module in SHIM_MODULES {
        let filename = format!("<sluice>/{}", module.path);
        let bytecode = SHIM_BYTECODE
            .iter()
            .find(|(path, _)| use_bytecode && *path == module.path)
            .map(|(_, code)| PyBytes::new(py, code).into_any())
            .unwrap_or_else(|| py.None().into_bound(py));
        table.set_item(module.name, (filename, module.source, module.is_package, bytecode))?;
    }
    for module in job_modules {
        table.set_item(module.name, (module.path, module.source, module.is_package, py.None()))?;
    }
    let code = std::ffi::CString::new(IMPORTER).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let importer = PyModule::from_code(py, &code, c"<sluice>/importer.py", c"_sluice_importer")?;
    importer.getattr("install")?.call1((table,))?;
    Ok(())
}

/// The formatted traceback of a Python error, as Python prints it.
pub fn format_traceback(py: Python<'_>, err: &PyErr) -> String {
    let formatted = py
        .import("traceback")
        .and_then(|tb| {
            tb.getattr("format_exception")?.call1((
                err.get_type(py),
                err.value(py),
                err.traceback(py),
            ))
        })
        .and_then(|lines| lines.extract::<Vec<String>>());
    match formatted {
        Ok(lines) => lines.concat(),
        Err(_) => format!("{err}\n"),
    }
}
