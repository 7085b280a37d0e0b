//! Every example under `examples/` with an `expected.out` prints exactly what PyFlink printed.

use sluice_e2e::{build, example_args, run_binary, sluice, text, workspace_root};

fn examples_with_goldens() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(workspace_root().join("examples"))
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("job.py").exists() && p.join("expected.out").exists())
        .collect();
    dirs.sort();
    dirs
}

/// Flink defines the order of a job's output unless it has several sinks or parallel subtasks; such
/// examples say `multiset` in their `compare` file and are compared ignoring line order.
fn compares_as_multiset(dir: &std::path::Path) -> bool {
    std::fs::read_to_string(dir.join("compare")).is_ok_and(|c| c.trim() == "multiset")
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// An example sluice cannot compile yet names the error it must give in its `unsupported` file: the
/// build must fail with that message (and the file goes once support lands).
fn check_unsupported(dir: &std::path::Path, expected: &str) -> Result<(), String> {
    let job = dir.join("job.py");
    let output = sluice(&["explain", &job.display().to_string()]);
    let stderr = text(&output.stderr);
    if !output.status.success() && stderr.contains(expected.trim()) && stderr.contains("job.py:") {
        Ok(())
    } else {
        Err(format!("{}: expected a located '{}' error, got:\n{stderr}", dir.display(), expected.trim()))
    }
}

/// Builds, runs and compares one example; `Err` describes the difference.
fn check_example(dir: &std::path::Path) -> Result<(), String> {
    let name = dir.file_name().expect("dir name").to_string_lossy().to_string();
    if let Ok(expected) = std::fs::read_to_string(dir.join("unsupported")) {
        return check_unsupported(dir, &expected);
    }
    // Built without arguments: the binary reads its arguments when it runs, not at build time.
    let binary = build(&dir.join("job.py"), &name, &[]);
    let output = run_binary(&binary, &example_args(dir), dir);
    if !output.status.success() {
        return Err(format!("{name} failed:\n{}", text(&output.stderr)));
    }
    let expected = std::fs::read_to_string(dir.join("expected.out")).expect("golden");
    let actual = text(&output.stdout);
    let same = if compares_as_multiset(dir) {
        sorted_lines(&actual) == sorted_lines(&expected)
    } else {
        actual == expected
    };
    if same {
        Ok(())
    } else {
        Err(format!("{name}: output differs from PyFlink's golden\n--- expected\n{expected}--- actual\n{actual}"))
    }
}

#[test]
fn examples_print_what_pyflink_prints() {
    let examples = examples_with_goldens();
    assert!(examples.iter().any(|d| d.ends_with("state_access")), "the seed's state job is an example");
    let failures: Vec<String> = examples.iter().filter_map(|dir| check_example(dir).err()).collect();
    assert!(failures.is_empty(), "{} of {} examples differ:\n{}", failures.len(), examples.len(), failures.join("\n"));
}

/// Further jobs of an example, `examples/<name>/<job>.py` with `<job>.expected.out` (e.g. the seed-style
/// twin of a 2.x job), print what PyFlink printed too.
#[test]
fn example_twins_print_their_goldens() {
    let mut pairs = Vec::new();
    for dir in std::fs::read_dir(workspace_root().join("examples")).expect("examples/").flatten() {
        for file in std::fs::read_dir(dir.path()).expect("example dir").flatten() {
            let name = file.file_name().to_string_lossy().to_string();
            if let Some(stem) = name.strip_suffix(".expected.out") {
                let job = dir.path().join(format!("{stem}.py"));
                assert!(job.exists(), "{} has no {stem}.py", dir.path().display());
                pairs.push((dir.path(), job, file.path()));
            }
        }
    }
    pairs.sort();
    assert!(pairs.iter().any(|(_, job, _)| job.ends_with("cdn_csv/cdn_demo.py")), "the seed's CDN job");
    for (dir, job, golden) in pairs {
        let stem = job.file_stem().expect("stem").to_string_lossy().to_string();
        let name = format!("{}_{stem}", dir.file_name().expect("dir").to_string_lossy());
        let binary = build(&job, &name, &[]);
        let output = run_binary(&binary, &example_args(&dir), &dir);
        assert!(output.status.success(), "{name} failed:\n{}", text(&output.stderr));
        let expected = std::fs::read_to_string(&golden).expect("golden");
        assert_eq!(text(&output.stdout), expected, "{name}: output differs from its golden");
    }
}
