//! Embeds the `pyflink` shim and `_sluice` package (python/) into the runtime, so every binary carries
//! them and user imports resolve with no PyFlink installed. Each module is also compiled to bytecode
//! here, with the Python the binary links (PYO3_PYTHON), so that start-up does not compile the shim
//! again; the binary uses the bytecode only if its interpreter's magic number matches.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("python/ is readable").flatten().collect();
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

/// Compiles every module to `<out>/bytecode/<rel>.bin` (marshal) and writes `<out>/bytecode/MAGIC`;
/// false if Python could not be run (the binary then compiles the sources at start).
fn compile_bytecode(root: &Path, files: &[PathBuf], out: &Path) -> bool {
    let python = std::env::var("PYO3_PYTHON").unwrap_or_else(|_| "python3".into());
    let listing: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(root).expect("under python/").to_string_lossy().replace('\\', "/"))
        .collect();
    let script = "import importlib.util, marshal, os, sys\n\
        root, out = sys.argv[1], sys.argv[2]\n\
        os.makedirs(out, exist_ok=True)\n\
        open(os.path.join(out, 'MAGIC'), 'wb').write(importlib.util.MAGIC_NUMBER)\n\
        for rel in sys.argv[3:]:\n\
        \x20   src = open(os.path.join(root, rel), encoding='utf-8').read()\n\
        \x20   code = compile(src, '<sluice>/' + rel, 'exec', dont_inherit=True)\n\
        \x20   target = os.path.join(out, rel + '.bin')\n\
        \x20   os.makedirs(os.path.dirname(target), exist_ok=True)\n\
        \x20   open(target, 'wb').write(marshal.dumps(code))\n";
    Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(root)
        .arg(out)
        .args(&listing)
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("python");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let bytecode_dir = out_dir.join("bytecode");
    let compiled = compile_bytecode(&root, &files, &bytecode_dir);
    let mut table = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&root).expect("under python/");
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let is_package = rel.file_name().is_some_and(|n| n == "__init__.py");
        let module = rel_str.trim_end_matches(".py").trim_end_matches("/__init__").replace('/', ".");
        writeln!(
            table,
            "    crate::python::EmbeddedModule {{ name: {module:?}, path: {rel_str:?}, is_package: {is_package}, source: include_str!({:?}) }},",
            file.display().to_string()
        )
        .expect("write to string");
    }
    table.push(']');
    std::fs::write(out_dir.join("embedded_python.rs"), table).expect("OUT_DIR is writable");

    // Bytecode by module path, and the magic number it was compiled for (empty: none).
    let mut bytecode = String::from("&[\n");
    if compiled {
        for file in &files {
            let rel = file.strip_prefix(&root).expect("under python/").to_string_lossy().replace('\\', "/");
            let bin = bytecode_dir.join(format!("{rel}.bin"));
            writeln!(bytecode, "    ({rel:?}, include_bytes!({:?}) as &[u8]),", bin.display().to_string())
                .expect("write to string");
        }
    }
    bytecode.push(']');
    std::fs::write(out_dir.join("embedded_bytecode.rs"), bytecode).expect("OUT_DIR is writable");
    let magic = if compiled { std::fs::read(bytecode_dir.join("MAGIC")).unwrap_or_default() } else { Vec::new() };
    std::fs::write(out_dir.join("embedded_magic.rs"), format!("&{magic:?}")).expect("OUT_DIR is writable");
}
