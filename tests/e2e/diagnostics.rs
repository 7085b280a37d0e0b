//! Compile-time errors point at `file:line:col` with a one-line reason: snapshots of the rendered
//! diagnostic for each `tests/fixtures/err/*.py`, and of the plan for each `tests/fixtures/ok/*.py`.

use sluice_e2e::{sluice, text, workspace_root};

fn fixtures(kind: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(workspace_root().join("tests/fixtures").join(kind))
        .expect("fixtures exist")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}

#[test]
fn err_fixtures_render_located_diagnostics() {
    for file in fixtures("err") {
        let name = file
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        let output = sluice(&["explain", &file.display().to_string()]);
        assert!(!output.status.success(), "{name} should not compile");
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        insta::assert_snapshot!(format!("err_{name}"), stderr);
    }
}

#[test]
fn ok_fixtures_and_examples_explain_their_plans() {
    let mut jobs = fixtures("ok");
    jobs.push(workspace_root().join("examples/state_access/job.py"));
    jobs.push(workspace_root().join("examples/cdn_csv/cdn_demo.py"));
    for file in jobs {
        let name = if file.ends_with("job.py") {
            file.parent()
                .and_then(|p| p.file_name())
                .expect("dir")
                .to_string_lossy()
                .to_string()
        } else {
            file.file_stem()
                .expect("stem")
                .to_string_lossy()
                .to_string()
        };
        let output = sluice(&["explain", &file.display().to_string()]);
        assert!(output.status.success(), "{name}: {}", text(&output.stderr));
        insta::assert_snapshot!(format!("plan_{name}"), text(&output.stdout));
    }
}
