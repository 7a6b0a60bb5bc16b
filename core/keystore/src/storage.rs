//! The file-system seam and crash-safe replacement of a file.
//!
//! The software store never writes a file in place. [`atomic_write`] writes a temporary file,
//! flushes it, renames it over the target and flushes the directory, so after a crash at any
//! point the target holds either its old or its new contents. Each of those steps is one method
//! of [`FileSystem`], so tests can inject a failure (or a simulated power loss) at every step;
//! [`StdFs`] is the real implementation over `std::fs`; on Unix it writes files owner-only
//! (0600), and [`create_private_dir`] makes the directory owner-only (0700).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{IoStep, KeyStoreError, Result};

/// The primitive file operations the software store needs, within one directory. Names are
/// plain file names (no separators).
pub trait FileSystem: Send + Sync {
    /// The whole file, or `None` when it does not exist.
    ///
    /// # Errors
    /// Any other I/O error.
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>>;

    /// Creates or truncates `name` and writes `bytes` into it (not yet durable).
    ///
    /// # Errors
    /// Any I/O error.
    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()>;

    /// Flushes the contents of `name` to stable storage (`fsync`).
    ///
    /// # Errors
    /// Any I/O error.
    fn sync_file(&self, name: &str) -> io::Result<()>;

    /// Atomically replaces `to` with `from`.
    ///
    /// # Errors
    /// Any I/O error.
    fn rename(&self, from: &str, to: &str) -> io::Result<()>;

    /// Flushes the directory (its entries: renames, creations, removals) to stable storage.
    ///
    /// # Errors
    /// Any I/O error.
    fn sync_dir(&self) -> io::Result<()>;

    /// Removes `name`; a file that does not exist is not an error.
    ///
    /// # Errors
    /// Any other I/O error.
    fn remove(&self, name: &str) -> io::Result<()>;
}

/// Suffix of the temporary file a write goes through; leftovers from a crash are ignored and
/// overwritten by the next write.
pub const TEMP_SUFFIX: &str = ".tmp";

fn io_err(step: IoStep) -> impl FnOnce(io::Error) -> KeyStoreError {
    move |e| KeyStoreError::Io {
        step,
        kind: e.kind(),
    }
}

/// Replaces `name` with `bytes` crash-safely: write temp, fsync temp, rename, fsync directory.
///
/// # Errors
/// [`KeyStoreError::Io`] naming the step that failed; the target then still holds its old
/// contents (or, if only the final directory sync failed, possibly already the new ones).
pub fn atomic_write(fs: &dyn FileSystem, name: &str, bytes: &[u8]) -> Result<()> {
    let temp = format!("{name}{TEMP_SUFFIX}");
    fs.write(&temp, bytes).map_err(io_err(IoStep::WriteTemp))?;
    fs.sync_file(&temp).map_err(io_err(IoStep::SyncTemp))?;
    fs.rename(&temp, name).map_err(io_err(IoStep::Rename))?;
    fs.sync_dir().map_err(io_err(IoStep::SyncDir))
}

/// Reads `name`, mapping I/O errors to [`KeyStoreError::Io`].
///
/// # Errors
/// [`KeyStoreError::Io`] with [`IoStep::Read`].
pub fn read(fs: &dyn FileSystem, name: &str) -> Result<Option<Vec<u8>>> {
    fs.read(name).map_err(io_err(IoStep::Read))
}

/// Removes `name` durably (remove, then fsync the directory).
///
/// # Errors
/// [`KeyStoreError::Io`] naming the step that failed.
pub fn remove(fs: &dyn FileSystem, name: &str) -> Result<()> {
    fs.remove(name).map_err(io_err(IoStep::Remove))?;
    fs.sync_dir().map_err(io_err(IoStep::SyncDir))
}

/// Creates `dir` (and its parents) if missing and, on Unix, restricts it to its owner (0700),
/// also when it existed: the store's files must not be listable or replaceable by others.
///
/// # Errors
/// [`KeyStoreError::Io`] with [`IoStep::CreateDir`].
pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(io_err(IoStep::CreateDir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(io_err(IoStep::CreateDir))?;
    }
    Ok(())
}

/// Options that open a file for writing, owner-only on Unix (0600) when it is created.
fn owner_only() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// [`FileSystem`] over a real directory with `std::fs`.
#[derive(Debug, Clone)]
pub struct StdFs {
    dir: PathBuf,
}

impl StdFs {
    /// Uses `dir` (which must exist) for the store's files.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory holding the files.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> io::Result<PathBuf> {
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a plain file name",
            ));
        }
        Ok(self.dir.join(name))
    }
}

impl FileSystem for StdFs {
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(name)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let mut file = owner_only()
            .write(true)
            .create(true)
            .truncate(true)
            .open(self.path(name)?)?;
        file.write_all(bytes)
    }

    fn sync_file(&self, name: &str) -> io::Result<()> {
        OpenOptions::new()
            .write(true)
            .open(self.path(name)?)?
            .sync_all()
    }

    fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        fs::rename(self.path(from)?, self.path(to)?)
    }

    fn sync_dir(&self) -> io::Result<()> {
        // On Unix a directory opened read-only can be fsynced; that makes renames durable.
        // Other platforms (Windows) cannot open directories this way and order renames
        // themselves, so there is nothing to do there.
        if cfg!(unix) {
            File::open(&self.dir)?.sync_all()
        } else {
            Ok(())
        }
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.path(name)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_fs_atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdFs::new(dir.path());
        assert_eq!(read(&fs, "a").unwrap(), None);
        atomic_write(&fs, "a", b"one").unwrap();
        atomic_write(&fs, "a", b"two").unwrap();
        assert_eq!(read(&fs, "a").unwrap().as_deref(), Some(&b"two"[..]));
        assert!(!dir.path().join("a.tmp").exists());
        remove(&fs, "a").unwrap();
        remove(&fs, "a").unwrap();
        assert_eq!(read(&fs, "a").unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn files_and_directory_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("store");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        atomic_write(&StdFs::new(&dir), "a", b"one").unwrap();
        assert_eq!(mode(&dir.join("a")), 0o600);
    }

    #[test]
    fn std_fs_refuses_paths() {
        let dir = tempfile::tempdir().unwrap();
        let fs = StdFs::new(dir.path());
        assert!(fs.write("../x", b"").is_err());
        assert!(fs.read("a/b").is_err());
    }
}
