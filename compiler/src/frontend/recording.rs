//! Running the job script in record mode (`python -m _sluice.record`) and its JSON result.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sluice_types::TypeInfo;

use crate::diagnostics::{Category, CompileError};
use crate::plan::{JobConfig, SiblingModule, Site};

#[derive(Debug, Deserialize)]
pub struct Recording {
    pub jobs: Vec<RecordedJob>,
    pub modules: Vec<SiblingModule>,
    pub error: Option<RecordedError>,
    /// The recording interpreter's site-packages directories (a venv's when it ran in one).
    #[serde(default)]
    pub site_dirs: Vec<String>,
    /// The base interpreter of the recording Python (resolved path).
    #[serde(default)]
    pub base_python: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RecordedJob {
    pub name: String,
    pub config: JobConfig,
    pub nodes: Vec<RecordedNode>,
    pub execute_site: Option<Site>,
    pub shape_hash: String,
}

#[derive(Debug, Deserialize)]
pub struct RecordedNode {
    pub id: usize,
    pub op: String,
    pub inputs: Vec<usize>,
    pub output_type: Option<TypeInfo>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub udf: Option<RecordedUdf>,
    pub site: Option<Site>,
    #[serde(default)]
    pub preview: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct RecordedUdf {
    pub kind: crate::plan::UdfKind,
    pub name: String,
    pub class: Option<String>,
    pub method: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct RecordedError {
    pub category: String,
    pub message: String,
    pub site: Option<Site>,
    pub traceback: Option<String>,
}

/// Where the shim lives and which Python runs the script.
#[derive(Debug, Clone)]
pub struct RecordEnv {
    pub shim_dir: PathBuf,
    pub python: String,
}

/// Runs `job` with `args` in record mode. A failure of the script itself comes back in
/// `Recording::error`; failing to run Python at all is an error here.
pub fn record(job: &Path, args: &[String], env: &RecordEnv) -> Result<Recording, CompileError> {
    let out = tempfile::NamedTempFile::new().map_err(|e| {
        CompileError::new(
            Category::Internal,
            format!("cannot create a temporary file: {e}"),
        )
    })?;
    let python_path = match std::env::var_os("PYTHONPATH") {
        Some(existing) if !existing.is_empty() => {
            let mut paths = vec![env.shim_dir.clone()];
            paths.extend(std::env::split_paths(&existing));
            std::env::join_paths(paths).unwrap_or_else(|_| env.shim_dir.clone().into_os_string())
        }
        _ => env.shim_dir.clone().into_os_string(),
    };
    let output = Command::new(&env.python)
        .arg("-m")
        .arg("_sluice.record")
        .arg(out.path())
        .arg(job)
        .args(args)
        .env("PYTHONPATH", python_path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| {
            CompileError::new(Category::User, format!("cannot run {} to record the job: {e}", env.python))
                .with_note("sluice runs the job script with Python 3 at compile time; set SLUICE_PYTHON to choose one")
        })?;
    let text = std::fs::read_to_string(out.path()).unwrap_or_default();
    if text.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(CompileError::new(
            Category::Internal,
            format!(
                "recording the job produced no result (exit status {}):\n{stderr}",
                output.status
            ),
        ));
    }
    serde_json::from_str(&text).map_err(|e| {
        CompileError::new(
            Category::Internal,
            format!("cannot read the recorded job graph: {e}"),
        )
    })
}
