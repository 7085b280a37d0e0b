//! Writes a generated job crate: manifest, build script, `src/main.rs`, the job's Python files, a
//! Dockerfile, and vendored copies of the runtime crates for container builds.
//!
//! Files are only rewritten when their content changes, so an unchanged job is a no-op for cargo.

use std::path::{Path, PathBuf};

use super::main_rs::{main_rs, EmbeddedFile, MainRsInput};
use super::manifest::{job_manifest, standalone_member_manifest};
use super::render;
use crate::diagnostics::{Category, CompileError};
use crate::plan::Plan;

const BUILD_RS: &str = include_str!("../../../templates/build.rs");
const DOCKERFILE: &str = include_str!("../../../templates/Dockerfile");
const DOCKERIGNORE: &str = include_str!("../../../templates/dockerignore");

/// The sluice source tree the generated crates build against.
#[derive(Debug, Clone)]
pub struct SluiceTree {
    pub root: PathBuf,
}

impl SluiceTree {
    pub fn runtime_dir(&self) -> PathBuf {
        self.root.join("runtime")
    }

    pub fn types_dir(&self) -> PathBuf {
        self.root.join("types")
    }

    /// Where the `pyflink` shim's Python files are (for recording at compile time).
    pub fn shim_dir(&self) -> PathBuf {
        self.runtime_dir().join("python")
    }
}

fn io_error(path: &Path, e: std::io::Error) -> CompileError {
    CompileError::new(
        Category::User,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// Writes `contents` unless the file already holds exactly that.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<(), CompileError> {
    if std::fs::read(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    std::fs::write(path, contents).map_err(|e| io_error(path, e))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), CompileError> {
    let entries = std::fs::read_dir(from).map_err(|e| {
        CompileError::new(
            Category::Internal,
            format!("cannot read {}: {e}", from.display()),
        )
    })?;
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "__pycache__" {
                copy_tree(&path, &to.join(&name))?;
            }
        } else {
            let bytes = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
            write_if_changed(&to.join(&name), &bytes)?;
        }
    }
    Ok(())
}

/// A valid crate and binary name from a directory name (`state-demo` -> `state_demo`).
pub fn crate_name(dir: &Path) -> String {
    let raw = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "job_");
    }
    name
}

pub struct CrateSources<'a> {
    pub plan: &'a Plan,
    /// Absolute path of the job file.
    pub job_path: &'a Path,
    pub tree: &'a SluiceTree,
    pub sluice_version: &'a str,
}

/// Writes the crate into `dir`; returns the crate (and binary) name.
pub fn write_crate(dir: &Path, sources: &CrateSources<'_>) -> Result<String, CompileError> {
    let name = crate_name(dir);
    let job_dir = sources.job_path.parent().unwrap_or(Path::new("."));
    let job_file_name = sources
        .job_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| {
            CompileError::new(
                Category::User,
                format!("cannot read {}: {e}", path.display()),
            )
        })
    };

    let job_file = EmbeddedFile {
        module: "__main__".into(),
        crate_path: format!("python/{job_file_name}"),
        build_path: sources.job_path.display().to_string(),
        is_package: false,
    };
    write_if_changed(&dir.join(&job_file.crate_path), &read(sources.job_path)?)?;
    let mut modules = Vec::new();
    for module in &sources.plan.modules {
        let source = job_dir.join(&module.file);
        let file = EmbeddedFile {
            module: module.name.clone(),
            crate_path: format!("python/{}", module.file),
            build_path: source.display().to_string(),
            is_package: module.package,
        };
        write_if_changed(&dir.join(&file.crate_path), &read(&source)?)?;
        modules.push(file);
    }

    let tokens = main_rs(&MainRsInput {
        plan: sources.plan,
        job_file: &job_file,
        modules: &modules,
        sluice_version: sources.sluice_version,
    });
    let main = render(tokens).map_err(|e| {
        CompileError::new(
            Category::Internal,
            format!("generated code does not parse: {e}"),
        )
    })?;
    write_if_changed(&dir.join("src/main.rs"), main.as_bytes())?;

    let runtime_dir = sources.tree.runtime_dir().display().to_string();
    let types_dir = sources.tree.types_dir().display().to_string();
    let features = crate::table::connectors::runtime_features(sources.plan);
    let manifest = job_manifest(&name, &runtime_dir, &features)
        .map_err(|e| CompileError::new(Category::Internal, e))?;
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(&dir.join("build.rs"), BUILD_RS.as_bytes())?;
    let dockerfile = DOCKERFILE
        .replace("{{BINARY}}", &name)
        .replace("{{RUNTIME_DIR}}", &runtime_dir)
        .replace("{{TYPES_DIR}}", &types_dir);
    write_if_changed(&dir.join("Dockerfile"), dockerfile.as_bytes())?;
    write_if_changed(&dir.join(".dockerignore"), DOCKERIGNORE.as_bytes())?;
    vendor_runtime(dir, sources.tree)?;
    Ok(name)
}

/// Standalone copies of `sluice-runtime` and `sluice-types` under `vendor/`, for the Dockerfile.
fn vendor_runtime(dir: &Path, tree: &SluiceTree) -> Result<(), CompileError> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| {
            CompileError::new(
                Category::Internal,
                format!("cannot read {}: {e}", path.display()),
            )
        })
    };
    let workspace = read(tree.root.join("Cargo.toml"))?;
    let types_dir = tree.types_dir().display().to_string();
    for (crate_dir, vendored, parts) in [
        (
            tree.runtime_dir(),
            "vendor/sluice-runtime",
            &["src", "python", "bootstrap"][..],
        ),
        (tree.types_dir(), "vendor/sluice-types", &["src"][..]),
    ] {
        let target = dir.join(vendored);
        for part in parts {
            copy_tree(&crate_dir.join(part), &target.join(part))?;
        }
        if crate_dir.join("build.rs").exists() {
            write_if_changed(
                &target.join("build.rs"),
                read(crate_dir.join("build.rs"))?.as_bytes(),
            )?;
        }
        let manifest = standalone_member_manifest(
            &read(crate_dir.join("Cargo.toml"))?,
            &workspace,
            &[("sluice-types", types_dir.as_str())],
        )
        .map_err(|e| CompileError::new(Category::Internal, e))?;
        write_if_changed(&target.join("Cargo.toml"), manifest.as_bytes())?;
    }
    Ok(())
}
