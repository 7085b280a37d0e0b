//! The generated crate of each example: `src/main.rs` snapshot-tested (regenerated deterministically),
//! and the Dockerfile only copies what the crate contains.

use sluice_e2e::{normalize_paths, scratch_dir, sluice, text, workspace_root};

fn generate(name: &str) -> std::path::PathBuf {
    generate_job(&workspace_root().join("examples").join(name).join("job.py"), name)
}

fn generate_job(job: &std::path::Path, name: &str) -> std::path::PathBuf {
    let out = scratch_dir().join("generated").join(name);
    let output = sluice(&[
        "build",
        &job.display().to_string(),
        "-o",
        &out.display().to_string(),
        "--no-build",
    ]);
    assert!(output.status.success(), "{name}: {}", text(&output.stderr));
    out
}

#[test]
fn main_rs_snapshots() {
    for name in ["state_access", "collection_argparse", "flat_map_filter"] {
        let out = generate(name);
        let main = std::fs::read_to_string(out.join("src/main.rs")).expect("main.rs written");
        // Generating again gives the same text.
        let again =
            std::fs::read_to_string(generate(name).join("src/main.rs")).expect("main.rs written");
        assert_eq!(main, again);
        insta::assert_snapshot!(format!("main_rs_{name}"), normalize_paths(&main));
    }
}

/// The Table/SQL benchmark jobs: what the generated code leaves out (CSV columns the job never
/// reads, projections of columns kept in place, `-U` rows a blackhole sink does not take).
#[test]
fn table_main_rs_snapshots() {
    for name in ["cdn_sql", "cdn_udf"] {
        let job = workspace_root().join("bench").join("jobs").join(format!("{name}.py"));
        let out = generate_job(&job, name);
        let main = std::fs::read_to_string(out.join("src/main.rs")).expect("main.rs written");
        insta::assert_snapshot!(format!("main_rs_{name}"), without_shape_hash(&normalize_paths(&main)));
    }
}

/// The bench jobs read their CSV by absolute path, which is part of a job's shape: the hash depends
/// on where the checkout is, so it is left out of the snapshot.
fn without_shape_hash(main: &str) -> String {
    main.lines()
        .map(|line| match line.trim_start().strip_prefix("shape_hash: \"") {
            Some(_) => format!("{}shape_hash: \"$HASH\",", &line[..line.len() - line.trim_start().len()]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if main.ends_with('\n') { "\n" } else { "" }
}

#[test]
fn dockerfile_copies_only_what_exists() {
    let out = generate("state_access");
    let dockerfile = std::fs::read_to_string(out.join("Dockerfile")).expect("Dockerfile written");
    let mut copies = 0;
    for line in dockerfile
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from="))
    {
        let parts: Vec<&str> = line.split_whitespace().collect();
        for source in &parts[1..parts.len() - 1] {
            // `Cargo.loc[k]` is Docker's idiom for "Cargo.lock if present".
            if source.contains('[') {
                continue;
            }
            assert!(
                out.join(source).exists(),
                "Dockerfile copies {source}, which the crate lacks"
            );
            copies += 1;
        }
    }
    assert!(
        copies >= 5,
        "expected the Dockerfile to copy the crate's parts:\n{dockerfile}"
    );
    assert!(
        dockerfile.contains("USER sluice"),
        "the image runs as a non-root user"
    );
    assert!(out.join("vendor/sluice-runtime/Cargo.toml").exists());
    let vendored =
        std::fs::read_to_string(out.join("vendor/sluice-runtime/Cargo.toml")).expect("vendored");
    assert!(
        !vendored.contains("workspace = true"),
        "vendored manifest is standalone:\n{vendored}"
    );
}
