//! Support for sluice's end-to-end tests: the `sluice` CLI built once, run on jobs, with generated
//! crates sharing one target directory under the workspace's `target/`; a running job whose log the
//! test watches ([`RunningJob`]); a TCP forwarder the connector tests cut to make a server go away
//! mid-run ([`proxy::TcpProxy`]).

pub mod proxy;

use std::path::{Path, PathBuf};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use std::sync::OnceLock;

pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Where tests write generated crates and where those crates build.
pub fn scratch_dir() -> PathBuf {
    workspace_root().join("target").join("e2e")
}

/// The `sluice` binary, built (dev profile) on first use.
pub fn sluice_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-q", "-p", "sluice", "--bin", "sluice"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the sluice CLI failed");
        workspace_root().join("target").join("debug").join("sluice")
    })
}

/// Runs `sluice ARGS` with the tests' shared target dir.
pub fn sluice(args: &[&str]) -> Output {
    Command::new(sluice_bin())
        .args(args)
        .env("SLUICE_TARGET_DIR", scratch_dir().join("target"))
        .current_dir(workspace_root())
        .output()
        .expect("sluice runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `sluice build JOB -o OUT --debug -- ARGS`; returns the binary's path (the last stdout line).
pub fn build(job: &Path, name: &str, record_args: &[String]) -> PathBuf {
    let out = scratch_dir().join("crates").join(name);
    let mut args = vec![
        "build".to_string(),
        job.display().to_string(),
        "-o".into(),
        out.display().to_string(),
        "--debug".into(),
    ];
    if !record_args.is_empty() {
        args.push("--".into());
        args.extend(record_args.iter().cloned());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = sluice(&refs);
    assert!(
        output.status.success(),
        "sluice build {} failed:\n{}",
        job.display(),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    PathBuf::from(
        stdout
            .lines()
            .last()
            .expect("build prints the binary's path"),
    )
}

/// Runs a built job binary with ARGS in `cwd`.
pub fn run_binary(binary: &Path, args: &[String], cwd: &Path) -> Output {
    Command::new(binary)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the job binary runs")
}

/// An example's arguments: its `args` file, one per line.
pub fn example_args(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("args"))
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Replaces machine-specific absolute paths in generated text: the workspace with `$SLUICE`, the
/// recording Python's site-packages directories with `$SITE`.
pub fn normalize_paths(text: &str) -> String {
    let mut text = text.replace(&workspace_root().display().to_string(), "$SLUICE");
    let query = "import site, json; print(json.dumps(site.getsitepackages() + [site.getusersitepackages()]))";
    if let Ok(out) = Command::new("python3").args(["-c", query]).output() {
        let dirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        for dir in dirs {
            text = text.replace(&format!("\"{dir}\""), "\"$SITE\"");
        }
    }
    text
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
pub fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// A running job whose stderr lines are collected by a thread.
pub struct RunningJob {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub log: Vec<String>,
}

impl RunningJob {
    pub fn start(binary: &Path, args: &[&str], cwd: &Path) -> Self {
        let mut child = Command::new(binary)
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the job starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        RunningJob {
            child,
            lines,
            log: Vec::new(),
        }
    }

    /// Waits (up to 60 s) for a log line containing `needle`.
    pub fn wait_for_log(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.log.iter().any(|l| l.contains(needle)) {
                return;
            }
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => self.log.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        self.drain();
                        panic!("the job exited ({status}) before logging {needle:?}:\n{}", self.log.join("\n"));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("no log line {needle:?} within 60 s:\n{}", self.log.join("\n"));
    }

    pub fn drain(&mut self) {
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
            self.log.push(line);
        }
    }

    /// Waits (up to `limit`) for the job to end, collecting its log; its exit status.
    pub fn finish(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            while let Ok(line) = self.lines.try_recv() {
                self.log.push(line);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.drain();
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the job did not end within {limit:?}:\n{}",
                self.log.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for RunningJob {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
