//! The compiler's pipeline end to end: record the job, lower it to a plan, write the crate, build it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen::crate_dir::{write_crate, CrateSources, SluiceTree};
use crate::diagnostics::{Category, CompileError};
use crate::frontend::recording::{record, RecordEnv};
use crate::plan::{lower_recording, Plan};

pub const SLUICE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone)]
pub struct Options {
    pub tree: SluiceTree,
    pub python: String,
    /// The target directory all generated crates share.
    pub target_dir: PathBuf,
    pub release: bool,
}

impl Options {
    /// Defaults: the sluice tree this compiler was built from (or `SLUICE_HOME`), `python3` (or
    /// `SLUICE_PYTHON`), and a shared target dir in the user's cache (or `SLUICE_TARGET_DIR`).
    pub fn from_env(release: bool) -> Options {
        let root = std::env::var_os("SLUICE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
                manifest_dir
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or(manifest_dir)
            });
        let target_dir = std::env::var_os("SLUICE_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let cache = std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .unwrap_or_else(std::env::temp_dir);
                cache.join("sluice").join("target")
            });
        Options {
            tree: SluiceTree { root },
            python: std::env::var("SLUICE_PYTHON").unwrap_or_else(|_| "python3".into()),
            target_dir,
            release,
        }
    }
}

/// The job file's absolute path and directory.
pub fn job_location(job: &Path) -> Result<(PathBuf, PathBuf), CompileError> {
    let path = std::fs::canonicalize(job).map_err(|e| {
        CompileError::new(
            Category::User,
            format!("cannot open {}: {e}", job.display()),
        )
    })?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok((path, dir))
}

/// Runs the script in record mode and lowers what it built. Warnings go to `warn`.
pub fn compile(
    job: &Path,
    args: &[String],
    options: &Options,
    warn: &mut dyn FnMut(CompileError),
) -> Result<Plan, CompileError> {
    let (job_path, job_dir) = job_location(job)?;
    let env = RecordEnv {
        shim_dir: options.tree.shim_dir(),
        python: options.python.clone(),
    };
    let recording = record(&job_path, args, &env)?;
    if let Some(error) = &recording.error {
        let mut e = CompileError::new(
            Category::from_recorded(&error.category),
            error.message.clone(),
        )
        .at(error.site.clone());
        e.traceback = error.traceback.clone();
        return Err(e);
    }
    if recording.jobs.is_empty() {
        return Err(CompileError::new(
            Category::User,
            "the job never calls env.execute(), so there is nothing to compile",
        )
        .with_note(
            "sluice runs the script as PyFlink's client does and compiles the jobs it executes",
        ));
    }
    let plan = lower_recording(&recording, &job_dir)?;
    for job in &plan.jobs {
        if job.config.parallelism.is_none() {
            warn(CompileError::new(
                Category::User,
                "the job does not set its parallelism: like PyFlink, it runs with one subtask per core, so \
                 print() lines carry subtask prefixes and their order is not defined",
            )
            .at(job.execute_site.clone())
            .with_note("add env.set_parallelism(1) for ordered output without prefixes"));
        }
    }
    Ok(plan)
}

/// Writes the crate for `plan` into `out_dir`; returns the crate name.
pub fn generate(
    job: &Path,
    plan: &Plan,
    out_dir: &Path,
    options: &Options,
) -> Result<String, CompileError> {
    let (job_path, _) = job_location(job)?;
    write_crate(
        out_dir,
        &CrateSources {
            plan,
            job_path: &job_path,
            tree: &options.tree,
            sluice_version: SLUICE_VERSION,
        },
    )
}

/// `cargo build`s a generated crate into the shared target dir; returns the binary's path.
pub fn cargo_build(
    crate_dir: &Path,
    crate_name: &str,
    plan: &Plan,
    options: &Options,
) -> Result<PathBuf, CompileError> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"));
    if options.release {
        cmd.arg("--release");
    }
    cmd.env("CARGO_TARGET_DIR", &options.target_dir);
    if std::env::var_os("PYO3_PYTHON").is_none() {
        cmd.env("PYO3_PYTHON", plan.base_python.as_deref().unwrap_or(&options.python));
    }
    // cargo's own progress goes to stderr; stdout stays ours.
    cmd.stdout(std::process::Stdio::null());
    let status = cmd.status().map_err(|e| {
        CompileError::new(Category::User, format!("cannot run cargo: {e}"))
            .with_note("sluice needs a Rust toolchain to build the generated crate")
    })?;
    if !status.success() {
        return Err(CompileError::new(
            Category::Internal,
            format!(
                "cargo build of the generated crate {} failed ({status})",
                crate_dir.display()
            ),
        ));
    }
    let profile = if options.release { "release" } else { "debug" };
    Ok(options.target_dir.join(profile).join(crate_name))
}

/// Where `sluice run` keeps the crate of a job: one per job path, in the shared target's parent.
pub fn run_crate_dir(job: &Path, options: &Options) -> Result<PathBuf, CompileError> {
    use sha2::{Digest, Sha256};
    let (job_path, _) = job_location(job)?;
    let digest = Sha256::digest(job_path.to_string_lossy().as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let stem = job_path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "job".into());
    let base = options
        .target_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| options.target_dir.clone());
    Ok(base.join("jobs").join(format!("{stem}_{hash}")))
}
