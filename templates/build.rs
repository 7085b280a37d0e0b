//! Build script of a sluice-generated job crate.
//!
//! Puts an rpath to the libpython this binary was linked against into the binary: without it the
//! loader may pick another Python on the machine (Debian's instead of pyenv's, say), and the job would
//! silently run with that Python's standard library and site-packages.

fn main() {
    let config = pyo3_build_config::get();
    if let Some(lib_dir) = &config.lib_dir {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    }
    println!("cargo:rerun-if-changed=python");
}
