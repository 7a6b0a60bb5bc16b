//! Test support: an in-memory file system that models what survives a crash, with failure
//! injection at any step, and a deterministic RNG.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

use tapid_keystore::{CodePolicy, FileSystem, KdfParams, SecurityCode, StoreOptions};

/// Cheap Argon2id costs so tests run fast (the default costs are measured in the bench), and
/// any code of one character or more, so tests can use short codes for wrong guesses.
pub const CHEAP: StoreOptions = StoreOptions {
    kdf: KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    },
    max_attempts: 5,
    code_policy: CodePolicy {
        min_length: 1,
        refuse_trivial: false,
    },
};

pub fn code(text: &str) -> SecurityCode {
    SecurityCode::new(text.to_owned()).unwrap()
}

/// What happens to unsynced file contents in a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataLoss {
    /// Unsynced data is gone: the file is empty.
    Empty,
    /// A torn write: only the first half reached the disk.
    Torn,
    /// The data happened to reach the disk.
    Kept,
}

/// What happens to unsynced directory changes (creations, renames, removals) in a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirLoss {
    /// Directory changes since the last directory sync are undone.
    Lost,
    /// They happened to reach the disk.
    Kept,
}

#[derive(Debug, Clone, Default)]
struct Inode {
    current: Vec<u8>,
    durable: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
struct State {
    inodes: Vec<Inode>,
    dir: BTreeMap<String, usize>,
    durable_dir: BTreeMap<String, usize>,
    /// Mutating operations so far (write, sync_file, rename, sync_dir, remove).
    ops: usize,
    /// Fail the mutating operation with this index.
    fail_at: Option<usize>,
    /// Crash when the injected failure fires (else it is a plain I/O error).
    crash: Option<(DataLoss, DirLoss)>,
    crashed: bool,
    injected: bool,
}

/// A shared handle: the store owns one clone, the test keeps another.
#[derive(Debug, Clone, Default)]
pub struct CrashFs(Arc<Mutex<State>>);

impl CrashFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// An independent copy of the current (not only durable) state, without injection.
    pub fn fork(&self) -> Self {
        let mut state = self.0.lock().unwrap().clone();
        state.fail_at = None;
        state.crash = None;
        state.injected = false;
        state.ops = 0;
        Self(Arc::new(Mutex::new(state)))
    }

    /// Fails the `index`-th mutating operation from now on; with `crash`, it also simulates
    /// a power loss at that moment.
    pub fn inject(&self, index: usize, crash: Option<(DataLoss, DirLoss)>) {
        let mut state = self.0.lock().unwrap();
        state.fail_at = Some(state.ops + index);
        state.crash = crash;
        state.injected = false;
    }

    /// Whether the injected failure fired.
    pub fn injected(&self) -> bool {
        self.0.lock().unwrap().injected
    }

    /// Brings the "machine" back up after a crash (or just clears the injection).
    pub fn restart(&self) {
        let mut state = self.0.lock().unwrap();
        state.crashed = false;
        state.fail_at = None;
    }

    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        let state = self.0.lock().unwrap();
        state
            .dir
            .get(name)
            .map(|&i| state.inodes[i].current.clone())
    }

    /// Puts a file in place durably (tests use it to corrupt or restore files).
    pub fn put(&self, name: &str, bytes: &[u8]) {
        let mut state = self.0.lock().unwrap();
        let inode = state.inodes.len();
        state.inodes.push(Inode {
            current: bytes.to_vec(),
            durable: Some(bytes.to_vec()),
        });
        state.dir.insert(name.to_owned(), inode);
        state.durable_dir.insert(name.to_owned(), inode);
    }

    pub fn delete(&self, name: &str) {
        let mut state = self.0.lock().unwrap();
        state.dir.remove(name);
        state.durable_dir.remove(name);
    }

    pub fn names(&self) -> Vec<String> {
        self.0.lock().unwrap().dir.keys().cloned().collect()
    }

    fn step(&self) -> io::Result<std::sync::MutexGuard<'_, State>> {
        let mut state = self.0.lock().unwrap();
        if state.crashed {
            return Err(io::Error::other("machine is down"));
        }
        let index = state.ops;
        state.ops += 1;
        if state.fail_at == Some(index) {
            state.injected = true;
            if let Some((data, dir)) = state.crash {
                crash(&mut state, data, dir);
            }
            return Err(io::Error::other("injected failure"));
        }
        Ok(state)
    }
}

fn crash(state: &mut State, data: DataLoss, dir: DirLoss) {
    if dir == DirLoss::Lost {
        state.dir = state.durable_dir.clone();
    } else {
        state.durable_dir = state.dir.clone();
    }
    for inode in &mut state.inodes {
        let synced = inode.durable.clone();
        inode.current = match (synced, data) {
            (Some(bytes), _) => bytes,
            (None, DataLoss::Empty) => Vec::new(),
            (None, DataLoss::Torn) => inode.current[..inode.current.len() / 2].to_vec(),
            (None, DataLoss::Kept) => inode.current.clone(),
        };
        inode.durable = Some(inode.current.clone());
    }
    state.crashed = true;
}

impl FileSystem for CrashFs {
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let state = self.0.lock().unwrap();
        if state.crashed {
            return Err(io::Error::other("machine is down"));
        }
        Ok(state
            .dir
            .get(name)
            .map(|&i| state.inodes[i].current.clone()))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let mut state = self.step()?;
        if let Some(&inode) = state.dir.get(name) {
            // O_TRUNC keeps the inode: what was synced before is no longer what is durable.
            state.inodes[inode].current = bytes.to_vec();
            state.inodes[inode].durable = None;
        } else {
            let inode = state.inodes.len();
            state.inodes.push(Inode {
                current: bytes.to_vec(),
                durable: None,
            });
            state.dir.insert(name.to_owned(), inode);
        }
        Ok(())
    }

    fn sync_file(&self, name: &str) -> io::Result<()> {
        let mut state = self.step()?;
        let inode = *state.dir.get(name).ok_or(io::ErrorKind::NotFound)?;
        let current = state.inodes[inode].current.clone();
        state.inodes[inode].durable = Some(current);
        Ok(())
    }

    fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let mut state = self.step()?;
        let inode = state.dir.remove(from).ok_or(io::ErrorKind::NotFound)?;
        state.dir.insert(to.to_owned(), inode);
        Ok(())
    }

    fn sync_dir(&self) -> io::Result<()> {
        let mut state = self.step()?;
        state.durable_dir = state.dir.clone();
        Ok(())
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        let mut state = self.step()?;
        state.dir.remove(name);
        Ok(())
    }
}
