//! Build script: records, for the header line, which tokio version was resolved, which
//! rustc compiled the probe and for which target.
//!
//! The tokio version is read from the `Cargo.lock` that cargo writes before any build
//! script runs (looked up in this crate's directory, then in its parents in case the
//! probe is built as part of a workspace). Cargo gives build scripts no direct way to
//! learn a dependency's resolved version (tokio declares no `links` key, so there is no
//! `DEP_TOKIO_*` variable), and running `cargo metadata`/`cargo pkgid` from inside a
//! build script needs the network or the same `--config` flags as the outer build. If no
//! lock file is found the header says "unknown" rather than guessing.
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(tokio_unstable)");
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let (version, source) = match find_lock(&manifest_dir) {
        Some(lock) => {
            println!("cargo:rerun-if-changed={}", lock.display());
            let text = std::fs::read_to_string(&lock).unwrap_or_default();
            match tokio_version(&text) {
                Some(v) => (v, "Cargo.lock"),
                None => ("unknown".to_string(), "none"),
            }
        }
        None => ("unknown".to_string(), "none"),
    };
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=PROBE_TOKIO_VERSION={version}");
    println!("cargo:rustc-env=PROBE_TOKIO_VERSION_SOURCE={source}");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=PROBE_RUSTC_VERSION={rustc_version}");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=PROBE_TARGET={target}");
}

fn find_lock(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join("Cargo.lock"))
        .find(|p| p.is_file())
}

/// The version of the `[[package]]` entry named exactly "tokio".
fn tokio_version(lock: &str) -> Option<String> {
    let mut in_tokio = false;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            in_tokio = false;
        } else if line == "name = \"tokio\"" {
            in_tokio = true;
        } else if in_tokio {
            if let Some(rest) = line.strip_prefix("version = \"") {
                return Some(rest.trim_end_matches('"').to_string());
            }
        }
    }
    None
}
