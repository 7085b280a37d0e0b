//! Every example under `examples/` with an `expected.out` prints exactly what PyFlink printed.

use sluice_e2e::{build, example_args, run_binary, text, workspace_root};

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

#[test]
fn examples_print_what_pyflink_prints() {
    let examples = examples_with_goldens();
    assert!(
        examples.iter().any(|d| d.ends_with("state_access")),
        "the seed's state job is an example"
    );
    for dir in examples {
        let name = dir
            .file_name()
            .expect("dir name")
            .to_string_lossy()
            .to_string();
        // Built without arguments: the binary reads its arguments when it runs, not at build time.
        let binary = build(&dir.join("job.py"), &name, &[]);
        let output = run_binary(&binary, &example_args(&dir), &dir);
        assert!(
            output.status.success(),
            "{name} failed:\n{}",
            text(&output.stderr)
        );
        let expected = std::fs::read_to_string(dir.join("expected.out")).expect("golden");
        let actual = text(&output.stdout);
        assert_eq!(
            actual, expected,
            "{name}: output differs from PyFlink's golden"
        );
    }
}
