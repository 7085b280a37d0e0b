//! The `sluice` command line: build, run and explain PyFlink jobs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sluice::diagnostics::{Category, CompileError};
use sluice::driver::{self, Options};

#[derive(Parser)]
#[command(
    name = "sluice",
    version,
    about = "Compile PyFlink jobs to native binaries"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile JOB to a crate in OUT and build it; prints the binary's path last.
    Build {
        job: PathBuf,
        /// Directory of the generated crate (default: ./out/<job directory name>).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Build with the dev profile instead of release (faster to build, slower to run).
        #[arg(long)]
        debug: bool,
        /// Write the crate but do not build it.
        #[arg(long)]
        no_build: bool,
        /// Arguments the script sees in sys.argv[1:] while sluice records it.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Build JOB (cached) and run it with ARGS; the job's output goes to stdout.
    Run {
        job: PathBuf,
        #[arg(long)]
        debug: bool,
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Print JOB's typed plan.
    Explain {
        job: PathBuf,
        #[arg(last = true)]
        args: Vec<String>,
    },
}

/// Renders a diagnostic with snippets from the job's files.
fn render(job: &Path, error: &CompileError) -> String {
    let dir = std::fs::canonicalize(job)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let read = |file: &str| {
        dir.as_ref()
            .and_then(|d| std::fs::read_to_string(d.join(file)).ok())
    };
    error.render(&read)
}

fn report(job: &Path, error: &CompileError) {
    eprint!("{}", render(job, error));
}

fn warn_to_stderr(job: &Path) -> impl FnMut(CompileError) + '_ {
    move |warning: CompileError| {
        let text = render(job, &warning);
        eprint!(
            "{}",
            text.replacen(": error: ", ": warning: ", 1)
                .replacen("error: ", "warning: ", 1)
        );
    }
}

fn exit_code(error: &CompileError) -> ExitCode {
    match error.category {
        Category::User | Category::Unsupported => ExitCode::from(1),
        Category::Internal => ExitCode::from(70),
    }
}

fn build(
    job: &Path,
    out: &Path,
    args: &[String],
    options: &Options,
    no_build: bool,
) -> Result<Option<PathBuf>, CompileError> {
    let plan = driver::compile(job, args, options, &mut warn_to_stderr(job))?;
    let name = driver::generate(job, &plan, out, options)?;
    if no_build {
        return Ok(None);
    }
    driver::cargo_build(out, &name, &plan, options).map(Some)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            job,
            out,
            debug,
            no_build,
            args,
        } => {
            let options = Options::from_env(!debug);
            let out = out.unwrap_or_else(|| {
                let name = std::fs::canonicalize(&job)
                    .ok()
                    .and_then(|p| {
                        p.parent()
                            .and_then(|d| d.file_name())
                            .map(|n| n.to_os_string())
                    })
                    .unwrap_or_else(|| "job".into());
                PathBuf::from("out").join(name)
            });
            match build(&job, &out, &args, &options, no_build) {
                Ok(Some(binary)) => {
                    println!("{}", binary.display());
                    ExitCode::SUCCESS
                }
                Ok(None) => {
                    println!("{}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    report(&job, &e);
                    exit_code(&e)
                }
            }
        }
        Command::Run { job, debug, args } => {
            let options = Options::from_env(!debug);
            let result = driver::run_crate_dir(&job, &options)
                .and_then(|dir| build(&job, &dir, &args, &options, false));
            match result {
                Ok(Some(binary)) => {
                    match std::process::Command::new(&binary).args(&args).status() {
                        Ok(status) => {
                            ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1))
                        }
                        Err(e) => {
                            eprintln!("error: cannot run {}: {e}", binary.display());
                            ExitCode::from(1)
                        }
                    }
                }
                Ok(None) => ExitCode::SUCCESS,
                Err(e) => {
                    report(&job, &e);
                    exit_code(&e)
                }
            }
        }
        Command::Explain { job, args } => {
            let options = Options::from_env(false);
            match driver::compile(&job, &args, &options, &mut warn_to_stderr(&job)) {
                Ok(plan) => {
                    print!("{plan}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    report(&job, &e);
                    exit_code(&e)
                }
            }
        }
    }
}
