//! The encrypted software key store: tapid's own store for desktops, tests and the demo.
//!
//! # Layout
//! One directory holds two files (the `format` module documents their exact contents):
//! * `tapid-keystore.json`: the store. An Argon2id header (costs and per-store salt), a
//!   *verifier* (AES-256-GCM of a constant) that checks the security code without touching any
//!   private key, the attempt counter, and per key its alias, policy, public key, the private
//!   scalar sealed with AES-256-GCM under the key derived from the security code (associated
//!   data: purpose, format version, store id, alias and public key), and the identity
//!   credential issued by the service. Several identities live side by side under their aliases.
//! * `tapid-keystore.attempts`: a second copy of the attempt counter, tied to the store by its
//!   random id.
//!
//! Both files carry a SHA-256 checksum and are only ever replaced with
//! [`storage::atomic_write`] (write temp, fsync, rename, fsync
//! directory), so a crash leaves the old or the new file. A damaged, truncated or foreign file
//! is reported as [`KeyStoreError::Corrupted`] and never recreated silently.
//!
//! # Security code and lockout
//! Every use of a private key (sign, generate, change of code) costs an attempt *before* the
//! code is checked: the counter file is written with the attempt counted, then the code is
//! tried, and only a right code resets it. Killing the app during the (slow) check therefore
//! gives no free guess. A wrong code is also recorded in the store file. The effective count is
//! the larger of the two files; at `max_attempts` (5 by default) wrong codes the store is
//! blocked for good ([`KeyStoreError::Blocked`]), the right code included, across restarts.
//!
//! # Threat model
//! * Deleting the counter file is detected ([`Corruption::CounterFileMissing`]) and the store
//!   refuses to work; deleting the store file deletes the keys, so there is nothing left to
//!   guess at. Replacing the counter file with another store's is detected by the store id.
//! * Out of scope for a software store: an attacker with write access to the files who restores
//!   an older copy of both files or rewrites them with a recomputed checksum (the checksum
//!   detects accidents, it is not a MAC; a key derived from the salt in the same file would be
//!   no better). Such an attacker can also copy the file and guess short codes offline, slowed
//!   only by Argon2id. The hardware key stores reached through the bindings are the defence
//!   against that; this store is for desktops, tests and demos.
//! * One process uses a store at a time; within a process, operations are serialised.
//!
//! # Threads
//! Argon2id and `fsync` take hundreds of milliseconds on a phone. The [`crate::KeyStore`]
//! methods run them on tokio's blocking pool (`spawn_blocking`) when called on a tokio runtime,
//! so they never stall the async executor; the inherent methods ([`SoftwareKeyStore::create`],
//! [`SoftwareKeyStore::open`], [`SoftwareKeyStore::change_security_code`], …) are blocking and
//! belong on such a thread too.
//!
//! # Files
//! On Unix the store's directory is created owner-only (0700) and both files are written
//! owner-only (0600).

pub(crate) mod container;
mod entropy;
pub(crate) mod format;
pub mod kdf;
mod lockout;
mod operations;
mod options;
pub(crate) mod seal;
pub(crate) mod signing_key;

pub use options::{LockStatus, StoreOptions};

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rand_core::TryCryptoRng;

use self::entropy::Entropy;
use self::format::{CounterState, MAX_ALLOWED_ATTEMPTS, STORE_ID_LEN, StoreState, VERSION};
use self::kdf::{KdfParams, SALT_LEN};
use self::lockout::Loaded;
use self::seal::{Binding, NONCE_LEN, Sealed, VERIFIER_PLAINTEXT};
use crate::error::{Corruption, KeyStoreError, Result};
use crate::security_code::SecurityCode;
use crate::storage::{self, FileSystem, StdFs};

/// Name of the store file in the store's directory.
pub const STORE_FILE: &str = "tapid-keystore.json";
/// Name of the attempt-counter file in the store's directory.
pub const COUNTER_FILE: &str = "tapid-keystore.attempts";

/// The state an operation holds exclusively: the injected randomness.
struct Inner {
    rng: Entropy,
}

/// tapid's encrypted software key store (see the module documentation for format and threat
/// model). Every operation re-reads the files, so several instances over the same directory
/// agree on keys and attempt counts.
pub struct SoftwareKeyStore {
    // Shared with the blocking task an async operation runs on (see `handle`).
    fs: Arc<dyn FileSystem>,
    inner: Arc<Mutex<Inner>>,
}

impl fmt::Debug for SoftwareKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareKeyStore").finish_non_exhaustive()
    }
}

fn new_verifier(
    kek: &[u8; 32],
    nonce: [u8; NONCE_LEN],
    store_id: &[u8; STORE_ID_LEN],
) -> Result<Sealed> {
    seal::seal(
        kek,
        nonce,
        VERSION,
        store_id,
        Binding::Verifier,
        VERIFIER_PLAINTEXT,
    )
}

/// Runs blocking store work (Argon2id, `fsync`) on tokio's blocking pool when there is a
/// runtime, inline otherwise.
async fn off_executor<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(work)
            .await
            .map_err(|_| KeyStoreError::Internal("the blocking task did not finish"))?,
        Err(_) => work(),
    }
}

impl SoftwareKeyStore {
    /// Creates a new store protected by `code`. Refuses if a store file exists (even a
    /// corrupted one); a counter file left without a store is replaced.
    ///
    /// # Errors
    /// `StoreExists`, `InvalidOptions`, storage errors.
    pub fn create(
        fs: impl FileSystem + 'static,
        rng: impl TryCryptoRng + Send + 'static,
        code: &SecurityCode,
        options: StoreOptions,
    ) -> Result<Self> {
        options.kdf.validate()?;
        options.code_policy.validate()?;
        options.code_policy.check(code)?;
        if options.max_attempts == 0 || options.max_attempts > MAX_ALLOWED_ATTEMPTS {
            return Err(KeyStoreError::InvalidOptions {
                reason: "max_attempts must be 1..=100",
            });
        }
        let store = Self::new(fs, rng);
        let mut inner = store.lock();
        if storage::read(&*store.fs, STORE_FILE)?.is_some() {
            return Err(KeyStoreError::StoreExists);
        }
        let store_id: [u8; STORE_ID_LEN] = inner.rng.array()?;
        let salt: [u8; SALT_LEN] = inner.rng.array()?;
        let nonce = inner.rng.array()?;
        let kek = options.kdf.derive(code, &salt)?;
        let state = StoreState {
            store_id,
            kdf: options.kdf,
            code_policy: options.code_policy,
            salt,
            max_attempts: options.max_attempts,
            failed_attempts: 0,
            verifier: new_verifier(&kek, nonce, &store_id)?,
            keys: Default::default(),
        };
        // Counter first: a crash before the store file is written leaves no store, and the
        // orphan counter is replaced by the next create.
        store.write_counter(&CounterState {
            store_id,
            failed_attempts: 0,
        })?;
        store.write_store(&state)?;
        drop(inner);
        Ok(store)
    }

    /// Opens an existing store and checks both files.
    ///
    /// # Errors
    /// `StoreNotFound`, `Corrupted`, storage errors.
    pub fn open(
        fs: impl FileSystem + 'static,
        rng: impl TryCryptoRng + Send + 'static,
    ) -> Result<Self> {
        let store = Self::new(fs, rng);
        store.load()?;
        Ok(store)
    }

    fn new(fs: impl FileSystem + 'static, rng: impl TryCryptoRng + Send + 'static) -> Self {
        Self {
            fs: Arc::new(fs),
            inner: Arc::new(Mutex::new(Inner {
                rng: Entropy::new(rng),
            })),
        }
    }

    /// A second handle on the same store, moved into the blocking task of an async operation.
    pub(super) fn handle(&self) -> Self {
        Self {
            fs: Arc::clone(&self.fs),
            inner: Arc::clone(&self.inner),
        }
    }

    /// Runs `work` on a handle of this store off the async executor.
    pub(super) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Self) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.handle();
        off_executor(move || work(&store)).await
    }

    /// Creates a store in directory `dir` (created if missing, owner-only on Unix) with the
    /// operating system's RNG.
    ///
    /// # Errors
    /// As [`Self::create`], plus failure to create the directory or restrict its permissions.
    pub fn create_in_dir(dir: &Path, code: &SecurityCode, options: StoreOptions) -> Result<Self> {
        storage::create_private_dir(dir)?;
        Self::create(StdFs::new(dir), getrandom::SysRng, code, options)
    }

    /// Opens the store in directory `dir` with the operating system's RNG.
    ///
    /// # Errors
    /// As [`Self::open`].
    pub fn open_dir(dir: &Path) -> Result<Self> {
        Self::open(StdFs::new(dir), getrandom::SysRng)
    }

    /// Removes the store and its counter (e.g. after it was blocked, to start over with a new
    /// identity). The store file goes first, so a crash in between leaves no usable keys.
    ///
    /// # Errors
    /// Storage errors.
    pub fn destroy(self) -> Result<()> {
        storage::remove(&*self.fs, STORE_FILE)?;
        storage::remove(&*self.fs, COUNTER_FILE)
    }

    /// The attempt counter: attempts left and whether the store is blocked.
    ///
    /// # Errors
    /// `StoreNotFound`, `Corrupted`, storage errors.
    pub fn lock_status(&self) -> Result<LockStatus> {
        let _guard = self.lock();
        Ok(self.load()?.status())
    }

    /// The Argon2id costs recorded in the store.
    ///
    /// # Errors
    /// `StoreNotFound`, `Corrupted`, storage errors.
    pub fn kdf_params(&self) -> Result<KdfParams> {
        let _guard = self.lock();
        Ok(self.load()?.state.kdf)
    }

    /// Changes the security code: checks `new` against the store's [`crate::CodePolicy`]
    /// (refused before any attempt counts), checks `old` (costing an attempt if wrong), then
    /// re-wraps the verifier and every key under a key derived from `new` with a fresh salt, in
    /// one write.
    ///
    /// # Errors
    /// `WeakSecurityCode`, `WrongSecurityCode`, `Blocked`, `Corrupted`, storage errors.
    pub fn change_security_code(&self, old: &SecurityCode, new: &SecurityCode) -> Result<()> {
        let mut inner = self.lock();
        let mut loaded = self.load()?;
        loaded.state.code_policy.check(new)?;
        // All randomness first: a failing generator must not leave an attempt counted.
        let salt: [u8; SALT_LEN] = inner.rng.array()?;
        let verifier_nonce = inner.rng.array()?;
        let mut nonces = Vec::with_capacity(loaded.state.keys.len());
        for _ in 0..loaded.state.keys.len() {
            nonces.push(inner.rng.array()?);
        }
        let old_kek = self.unlock(&mut loaded, Some(old))?;
        let state = &mut loaded.state;
        let new_kek = state.kdf.derive(new, &salt)?;
        let store_id = state.store_id;
        for ((alias, entry), nonce) in state.keys.iter_mut().zip(nonces) {
            let sec1 = entry.public_key.to_sec1();
            let binding = Binding::Key {
                alias: alias.as_str(),
                public_key: &sec1,
            };
            let secret = seal::open(&old_kek, VERSION, &store_id, binding, &entry.wrapped)
                .ok_or(Corruption::KeyUnwrapFailed)?;
            entry.wrapped = seal::seal(&new_kek, nonce, VERSION, &store_id, binding, &secret)?;
        }
        state.salt = salt;
        state.verifier = new_verifier(&new_kek, verifier_nonce, &store_id)?;
        self.commit(&mut loaded, true)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave stale state here: every operation re-reads the files.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn load(&self) -> Result<Loaded> {
        let store = storage::read(&*self.fs, STORE_FILE)?.ok_or(KeyStoreError::StoreNotFound)?;
        let state = StoreState::decode(&store)?;
        let counter =
            storage::read(&*self.fs, COUNTER_FILE)?.ok_or(Corruption::CounterFileMissing)?;
        let counter = CounterState::decode(&counter)?;
        if counter.store_id != state.store_id {
            return Err(Corruption::CounterFileMismatch.into());
        }
        Ok(Loaded { state, counter })
    }

    fn write_store(&self, state: &StoreState) -> Result<()> {
        storage::atomic_write(&*self.fs, STORE_FILE, &state.encode()?)
    }

    fn write_counter(&self, counter: &CounterState) -> Result<()> {
        storage::atomic_write(&*self.fs, COUNTER_FILE, &counter.encode()?)
    }
}
