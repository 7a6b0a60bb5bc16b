//! Where the tests find their data: the real public passport data in `../shared/conformance`
//! (read in place, never copied into the repository), and the workspace's `fixtures/`.

use std::path::{Path, PathBuf};

/// The workspace root (this crate sits two levels below it, like every tapid crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The workspace's `fixtures/` directory (transcripts, profiles, the generated test PKI).
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("fixtures")
}

/// `fixtures/pki/csca`: the test CSCAs, what `tapid … --trust` takes in the tests.
pub fn test_csca_dir() -> PathBuf {
    fixtures_dir().join("pki/csca")
}

/// The conformance data directory (`TAPID_CONFORMANCE_DIR`, default `../shared/conformance`
/// next to the workspace), or `None` with a printed note when it is absent, so that the test
/// skips itself. With `TAPID_REQUIRE_CONFORMANCE=1` (CI) a missing directory fails the test
/// instead.
pub fn conformance_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TAPID_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/conformance"));
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

/// Reads the file `rel` below `dir` (a conformance or fixtures directory), failing the test
/// with the file's name when it cannot be read.
pub fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
