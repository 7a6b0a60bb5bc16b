//! Key-store files: the software store's store file and attempt-counter file, decoded through
//! the public API ([`SoftwareKeyStore::open`] over an in-memory [`FileSystem`]).

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use tapid_keystore::software::{COUNTER_FILE, STORE_FILE};
use tapid_keystore::{FileSystem, SoftwareKeyStore};

use crate::Outcome;

/// Files in memory, shared by its clones (the seed generator reads back what a store wrote).
#[derive(Default, Clone)]
pub(crate) struct MemFs(Arc<Mutex<BTreeMap<String, Vec<u8>>>>);

impl MemFs {
    pub(crate) fn files(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl FileSystem for MemFs {
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.files().get(name).cloned())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.files().insert(name.to_owned(), bytes.to_vec());
        Ok(())
    }

    fn sync_file(&self, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let mut files = self.files();
        let bytes = files.remove(from).ok_or(io::ErrorKind::NotFound)?;
        files.insert(to.to_owned(), bytes);
        Ok(())
    }

    fn sync_dir(&self) -> io::Result<()> {
        Ok(())
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        self.files().remove(name);
        Ok(())
    }
}

/// The store's framing (`core/keystore/src/software/container.rs`): a magic line with the
/// version, the body's SHA-256 in hex, the body. The target frames bodies itself so that
/// mutations of the JSON get past the checksum to the decoder.
pub fn frame(magic: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{magic} v1\n{}\n", hex::encode(Sha256::digest(body))).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Magic of the store file.
pub const STORE_MAGIC: &str = "tapid-keystore";
/// Magic of the attempt-counter file.
pub const COUNTER_MAGIC: &str = "tapid-keystore-attempts";

/// The first byte's bit 0 says the store part is a body to frame (else a whole file), bit 1
/// the same of the counter part, bit 2 that there is no counter file; the rest is the store
/// part and the counter part as [`crate::split2`] splits them. Opens the store and reads its
/// lock status and Argon2id costs (no security code is tried: that would run Argon2id at
/// whatever costs the file names). Accepted when the store opens.
pub fn keystore(data: &[u8]) -> Outcome {
    let Some((flags, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let (store, counter) = crate::split2(rest);
    let fs = MemFs::default();
    {
        let mut files = fs.files();
        let store = if flags & 1 == 1 {
            frame(STORE_MAGIC, store)
        } else {
            store.to_vec()
        };
        files.insert(STORE_FILE.to_owned(), store);
        if flags & 4 == 0 {
            let counter = if flags & 2 == 2 {
                frame(COUNTER_MAGIC, counter)
            } else {
                counter.to_vec()
            };
            files.insert(COUNTER_FILE.to_owned(), counter);
        }
    }
    let rng = tapid_card::deterministic::SeededRng::new(b"tapid-fuzz keystore");
    match SoftwareKeyStore::open(fs, rng) {
        Ok(store) => {
            let status = store.lock_status();
            let kdf = store.kdf_params();
            match (status, kdf) {
                (Ok(_), Ok(_)) => Outcome::Accepted,
                _ => Outcome::Violation("an opened store fails to re-read its files".into()),
            }
        }
        Err(_) => Outcome::Rejected,
    }
}
