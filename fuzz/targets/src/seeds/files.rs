//! The corpus on disk: the committed regression inputs (`fuzz/regressions/<target>/*`) read
//! back, and seeds written as `<dir>/<target>/<sha256 prefix>` for libFuzzer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Kind, Seed, SeedError};

/// Files in a regression folder that are no inputs.
const NOT_INPUTS: [&str; 2] = [".gitkeep", "README.md"];

/// `fuzz/` in the source tree (this crate is `fuzz/targets`).
fn fuzz_dir() -> PathBuf {
    let targets = Path::new(env!("CARGO_MANIFEST_DIR"));
    targets.parent().unwrap_or(targets).to_path_buf()
}

/// `fuzz/regressions` in the source tree.
pub fn regressions_dir() -> PathBuf {
    fuzz_dir().join("regressions")
}

/// `fuzz/corpus` in the source tree (generated, git-ignored).
pub fn corpus_dir() -> PathBuf {
    fuzz_dir().join("corpus")
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SeedError + '_ {
    move |e| SeedError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// Every regression input below `dir` (one folder per target, named as in
/// [`crate::TARGETS`]; `.gitkeep` and `README.md` skipped), sorted by target and file name.
///
/// # Errors
/// A folder that names no target, or a file that cannot be read.
pub fn regressions(dir: &Path) -> Result<Vec<Seed>, SeedError> {
    let mut out = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            folders.push(path);
        }
    }
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = crate::TARGETS
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == name)
            .ok_or_else(|| SeedError::UnknownTarget(name.clone()))?;
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))? {
            let path = entry.map_err(io(&folder))?.path();
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_file() && !NOT_INPUTS.contains(&file.as_str()) {
                files.push((file, path));
            }
        }
        files.sort();
        for (file, path) in files {
            out.push(Seed {
                target,
                label: format!("regression {name}/{file}"),
                kind: Kind::Regression,
                bytes: std::fs::read(&path).map_err(io(&path))?,
            });
        }
    }
    Ok(out)
}

/// Writes each seed to `<dir>/<target>/<`[`Seed::file_name`]`>` (folders created as needed;
/// an existing file of that name has the same bytes) and returns the count per target.
///
/// # Errors
/// When a folder or file cannot be written.
pub fn write(seeds: &[Seed], dir: &Path) -> Result<BTreeMap<&'static str, usize>, SeedError> {
    let mut counts = BTreeMap::new();
    for seed in seeds {
        let folder = dir.join(seed.target);
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        let path = folder.join(seed.file_name());
        std::fs::write(&path, &seed.bytes).map_err(io(&path))?;
        *counts.entry(seed.target).or_insert(0) += 1;
    }
    Ok(counts)
}
