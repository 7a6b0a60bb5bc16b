//! Shared helpers for tests on the real conformance data.
#![allow(dead_code)]

use std::path::PathBuf;

/// The conformance data directory (`TAPID_CONFORMANCE_DIR`, default `../shared/conformance`
/// next to the workspace), or `None` with a printed note when it is absent. With
/// `TAPID_REQUIRE_CONFORMANCE=1` a missing directory fails the test instead.
pub fn conformance_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TAPID_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
                .join("../shared/conformance")
        });
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    if std::env::var("TAPID_REQUIRE_CONFORMANCE").as_deref() == Ok("1") {
        panic!("conformance data required but missing at {}", dir.display());
    }
    eprintln!(
        "note: conformance data not found at {}; skipping",
        dir.display()
    );
    None
}

/// Reads a conformance file relative to the conformance directory.
pub fn read(dir: &std::path::Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
