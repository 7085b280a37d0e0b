//! Behaviour of built binaries beyond golden output: arguments read at run time, shape changes
//! detected, user-function failures reported with the Python traceback and a non-zero exit.

use sluice_e2e::{build, run_binary, text, workspace_root};

fn fixture(name: &str) -> std::path::PathBuf {
    workspace_root().join("tests/fixtures/run").join(name)
}

#[test]
fn arguments_are_read_when_the_binary_runs() {
    let job = fixture("shape_by_args.py");
    let binary = build(&job, "shape_by_args", &[]);
    let dir = workspace_root();
    let three = run_binary(&binary, &[], &dir);
    assert!(three.status.success(), "{}", text(&three.stderr));
    assert_eq!(text(&three.stdout), "0\n1\n2\n");
    let five = run_binary(&binary, &["--count".into(), "5".into()], &dir);
    assert_eq!(text(&five.stdout), "0\n1\n2\n3\n4\n");
}

#[test]
fn arguments_that_change_the_shape_ask_for_a_rebuild() {
    let binary = build(&fixture("shape_by_args.py"), "shape_by_args_changed", &[]);
    let output = run_binary(&binary, &["--double".into()], &workspace_root());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("shape_by_args.py:18:"),
        "points at env.execute(): {stderr}"
    );
    assert!(
        stderr.contains("rebuild with them: sluice build shape_by_args.py -- --double"),
        "{stderr}"
    );
    assert!(text(&output.stdout).is_empty());
}

#[test]
fn a_python_exception_stops_the_job_with_its_traceback() {
    let binary = build(&fixture("udf_raises.py"), "udf_raises", &[]);
    let output = run_binary(&binary, &[], &workspace_root());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("map function invert at udf_raises.py:5 raised an exception"),
        "{stderr}"
    );
    assert!(
        stderr.contains("udf_raises.py\", line 6, in invert"),
        "traceback points at the job: {stderr}"
    );
    assert!(stderr.contains("ZeroDivisionError"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_result_of_the_wrong_type_is_a_clear_error() {
    let binary = build(&fixture("wrong_result_type.py"), "wrong_result_type", &[]);
    let output = run_binary(&binary, &[], &workspace_root());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("map function <lambda> at wrong_result_type.py:6"),
        "{stderr}"
    );
    assert!(
        stderr.contains("expected a value of type LONG, got str '1'"),
        "{stderr}"
    );
}

#[test]
fn a_row_result_that_is_not_a_row_fails_as_on_pyflink() {
    let binary = build(&fixture("row_result_tuple.py"), "row_result_tuple", &[]);
    let output = run_binary(&binary, &[], &workspace_root());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("row_result_tuple.py:11"), "{stderr}");
    assert!(stderr.contains("'tuple' object has no attribute 'get_fields_by_names'"), "{stderr}");
}

#[test]
fn a_udaf_without_merge_fails_in_a_sliding_window_as_on_pyflink() {
    let binary = build(&fixture("udaf_slide_without_merge.py"), "udaf_slide_without_merge", &[]);
    let output = run_binary(&binary, &[], &workspace_root());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("Method merge is not implemented"), "{stderr}");
}

/// A job built with a virtualenv's Python imports that venv's packages when the binary runs, though
/// the binary links the base interpreter's libpython; `PYFLINK_PYTHON` chooses another environment.
#[test]
fn third_party_packages_come_from_the_build_venv() {
    let venv = sluice_e2e::scratch_dir().join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let status = std::process::Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("venv");
        assert!(status.success(), "python3 -m venv failed");
    }
    let site = std::process::Command::new(&python)
        .args(["-c", "import site; print(site.getsitepackages()[0])"])
        .output()
        .expect("venv python runs");
    let site = std::path::PathBuf::from(text(&site.stdout).trim());
    std::fs::write(site.join("sluice_venv_probe.py"), "def shout(s):\n    return s.upper() + '!'\n").expect("write");

    let out = sluice_e2e::scratch_dir().join("crates").join("venv_import");
    let job = fixture("venv_import.py");
    let output = std::process::Command::new(sluice_e2e::sluice_bin())
        .args(["build", &job.display().to_string(), "-o", &out.display().to_string(), "--debug"])
        .env("SLUICE_TARGET_DIR", sluice_e2e::scratch_dir().join("target"))
        .env("SLUICE_PYTHON", &python)
        .output()
        .expect("sluice runs");
    assert!(output.status.success(), "build with the venv's python: {}", text(&output.stderr));
    let binary = std::path::PathBuf::from(text(&output.stdout).lines().last().expect("path").to_string());

    let run = run_binary(&binary, &[], &workspace_root());
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(text(&run.stdout), "A!\nB!\n");

    let elsewhere = std::process::Command::new(&binary).env("PYFLINK_PYTHON", "python3").output().expect("runs");
    assert_eq!(elsewhere.status.code(), Some(1), "the base Python lacks the package");
    assert!(text(&elsewhere.stderr).contains("No module named 'sluice_venv_probe'"), "{}", text(&elsewhere.stderr));
}

/// Metrics from `get_metrics_group()`: summary lines at the end, Prometheus text while running.
#[test]
fn udf_metrics_are_reported() {
    use std::io::{Read, Write};
    let binary = build(&fixture("metrics.py"), "metrics", &[]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let child = std::process::Command::new(&binary)
        .args(["--metrics-port", &port.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // The job sleeps 1.5 s on its fourth record: scrape while it does.
    // Metrics exist from open() on (at 0); three records are counted before the sleep.
    let mut child = child;
    let mut scraped = String::new();
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            scraped.clear();
            let _ = stream.write_all(b"GET /metrics HTTP/1.0\r\n\r\n");
            let _ = stream.read_to_string(&mut scraped);
            if scraped.contains("sluice_Map_words_seen 3") {
                break;
            }
        }
    }
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(scraped.contains("sluice_Map_words_seen 3"), "scraped while the 4th record slept:\n{scraped}");
    assert_eq!(text(&output.stdout), "TO\nBE\nOR\nSLOW\nQUESTION\n");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("metric Map.words.seen = 5"), "{stderr}");
    assert!(stderr.contains("metric Map.words.longest = 8"), "{stderr}");
    assert!(stderr.contains("metric Map.words.lengths = {'count': 5, 'sum': 18, 'min': 2, 'max': 8}"), "{stderr}");
}

/// Module semantics and type mapping: a sibling module is embedded and imported, globals and
/// closures behave as in a module, and functions receive PyFlink's Python types (the job asserts
/// them; a failed assertion would fail the job).
#[test]
fn modules_globals_closures_and_python_types() {
    let binary = build(&fixture("sibling/job.py"), "sibling", &[]);
    // Run from elsewhere: the sibling module must come from the binary, not the disk.
    let output = run_binary(&binary, &[], &std::env::temp_dir());
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "(1,5.00,2024-02-01 12:00:00.123,1,1)\n(2,2.62,2024-02-01 12:00:00.123,2,2)\n#tea\n#ice\n"
    );
}

/// A pandas UDF's result is checked as PyFlink checks it (a Series, as long as its input, convertible
/// to the result type): each failure names the function and its line, without a panic.
#[test]
fn pandas_udf_results_are_checked() {
    let binary = build(&fixture("pandas_results.py"), "pandas_results", &[]);
    let dir = workspace_root();
    let ok = run_binary(&binary, &[], &dir);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("|                    6 |"), "{}", text(&ok.stdout));
    for (mode, message) in [
        ("length", "returned a pandas.Series of length 1 for 3 input rows"),
        ("type", "returned <class 'list'>, but a pandas UDF of result_type BIGINT must return a pandas.Series"),
        ("convert", "returned a pandas.Series of float64 that does not convert to its result_type BIGINT"),
    ] {
        let output = run_binary(&binary, &["--mode".into(), mode.into()], &dir);
        assert_eq!(output.status.code(), Some(1), "{mode}: {}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(stderr.contains("pandas UDF double at pandas_results.py:12"), "{mode}: {stderr}");
        assert!(stderr.contains(message), "{mode}: {stderr}");
        assert!(!stderr.contains("panicked"), "{mode}: {stderr}");
    }
    // An exception in the function stops the job with its traceback, pointing at the job's line.
    let output = run_binary(&binary, &["--mode".into(), "raise".into()], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("Traceback (most recent call last):"), "{stderr}");
    assert!(stderr.contains("pandas_results.py\", line 21, in double"), "{stderr}");
    assert!(stderr.contains("ValueError: no doubles for 3 rows"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A pandas UDF's ROW result (a DataFrame) is converted field by field: a frame short of columns, a
/// column that does not convert to its field's type, or the wrong length stop the job naming the
/// function and its line.
#[test]
fn pandas_row_results_are_checked() {
    let binary = build(&fixture("pandas_row_results.py"), "pandas_row_results", &[]);
    let dir = workspace_root();
    let ok = run_binary(&binary, &[], &dir);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("|                         (6, 3) |"), "{}", text(&ok.stdout));
    for (mode, message) in [
        ("columns", "returned a pandas.DataFrame of 1 columns, but its result_type ROW<n BIGINT, s STRING> has 2 fields"),
        ("field", "returned a pandas.DataFrame column 'n' of object (field n) that does not convert to its result_type ROW<n BIGINT, s STRING>"),
        ("length", "returned a pandas.DataFrame of length 1 for 3 input rows"),
    ] {
        let output = run_binary(&binary, &["--mode".into(), mode.into()], &dir);
        assert_eq!(output.status.code(), Some(1), "{mode}: {}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(stderr.contains("pandas UDF pair at pandas_row_results.py:14"), "{mode}: {stderr}");
        assert!(stderr.contains(message), "{mode}: {stderr}");
        assert!(!stderr.contains("panicked"), "{mode}: {stderr}");
    }
}

/// Without pandas in the Python a job runs with, a pandas UDF stops it at start with a clear error;
/// a job without pandas UDFs never imports pandas or pyarrow.
#[test]
fn pandas_is_needed_only_by_pandas_udfs() {
    // A `pandas` on PYTHONPATH that fails to import stands in for a Python without pandas.
    let shadow = sluice_e2e::scratch_dir().join("no-pandas");
    std::fs::create_dir_all(shadow.join("pandas")).expect("mkdir");
    std::fs::write(
        shadow.join("pandas/__init__.py"),
        "raise ModuleNotFoundError(\"No module named 'pandas'\", name='pandas')\n",
    )
    .expect("write");
    let binary = build(&fixture("pandas_results.py"), "pandas_results", &[]);
    let output = std::process::Command::new(&binary).env("PYTHONPATH", &shadow).output().expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("pandas UDF double at pandas_results.py:12 is a pandas function"), "{stderr}");
    assert!(stderr.contains("pip install pandas pyarrow"), "{stderr}");
    assert!(text(&output.stdout).is_empty(), "no output before the error");

    let binary = build(&fixture("no_pandas.py"), "no_pandas", &[]);
    let output = run_binary(&binary, &[], &workspace_root());
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains(" none |") && !stdout.contains("pandas"), "{stdout}");
}
