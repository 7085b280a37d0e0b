//! Embeds the `pyflink` shim and `_sluice` package (python/) into the runtime, so every binary carries
//! them and user imports resolve with no PyFlink installed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("python/ is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "__pycache__") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("python");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut table = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&root).expect("under python/");
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let is_package = rel.file_name().is_some_and(|n| n == "__init__.py");
        let module = rel_str
            .trim_end_matches(".py")
            .trim_end_matches("/__init__")
            .replace('/', ".");
        writeln!(
            table,
            "    crate::python::EmbeddedModule {{ name: {module:?}, path: {rel_str:?}, is_package: {is_package}, source: include_str!({:?}) }},",
            file.display().to_string()
        )
        .expect("write to string");
    }
    table.push(']');
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("embedded_python.rs");
    std::fs::write(out, table).expect("OUT_DIR is writable");
}
