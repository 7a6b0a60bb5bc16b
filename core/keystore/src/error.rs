//! The one error type of the crate: precise reasons a key operation failed, never a secret.

use std::fmt;

/// Why a key-store operation failed.
///
/// Variants carry only public facts (aliases, counts, reasons); never a security code, key or
/// plaintext, so the error can be shown, logged and sent across the FFI boundary as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    /// The security code was wrong; the store is still usable for `attempts_left` more tries.
    #[error("wrong security code ({attempts_left} attempts left)")]
    WrongSecurityCode {
        /// Wrong codes the store accepts before it blocks.
        attempts_left: u32,
    },
    /// Too many wrong security codes: the store is blocked for good, even for the right code
    /// (the BankID "blocked" state; the user has to get a new identity).
    #[error("the key store is blocked after too many wrong security codes")]
    Blocked,
    /// The operation needs the security code and none was given.
    #[error("this operation needs the security code")]
    SecurityCodeRequired,
    /// The security code is unusable (empty or too long); it was not tried, so no attempt counts.
    #[error("the security code is empty or longer than {max_len} bytes")]
    InvalidSecurityCode {
        /// Longest accepted security code in bytes.
        max_len: usize,
    },
    /// No key under this alias.
    #[error("no key under alias {alias:?}")]
    NotFound {
        /// The alias that was asked for.
        alias: String,
    },
    /// A key under this alias exists already; keys are never silently replaced.
    #[error("a key under alias {alias:?} exists already")]
    AlreadyExists {
        /// The alias that is taken.
        alias: String,
    },
    /// The alias is not 1–64 characters of `A–Z a–z 0–9 . _ -`.
    #[error("invalid key alias (1-64 characters of A-Z a-z 0-9 . _ -)")]
    InvalidAlias,
    /// The store file does not exist (open without create).
    #[error("no key store at this location")]
    StoreNotFound,
    /// A store exists already where a new one was to be created.
    #[error("a key store exists already at this location")]
    StoreExists,
    /// A store file is damaged, truncated, tampered with or from an unknown version. It is never
    /// silently recreated: the caller decides what to do.
    #[error("the key store is corrupted: {0}")]
    Corrupted(Corruption),
    /// This key store cannot enforce the requested protection policy.
    #[error("unsupported protection policy: {reason}")]
    UnsupportedPolicy {
        /// What the store cannot do.
        reason: &'static str,
    },
    /// Store options (key-derivation costs, attempt limit) are outside what the store accepts.
    #[error("invalid store options: {reason}")]
    InvalidOptions {
        /// Which limit was broken.
        reason: &'static str,
    },
    /// The store holds as many keys as it may.
    #[error("the key store is full ({max} keys)")]
    StoreFull {
        /// Most keys per store.
        max: usize,
    },
    /// The credential is larger than a store keeps next to a key.
    #[error("the credential is larger than {max} bytes")]
    CredentialTooLarge {
        /// Largest credential in bytes.
        max: usize,
    },
    /// The random generator failed (the operating system could not provide randomness); no
    /// file was changed.
    #[error("no randomness available from the system")]
    RandomnessUnavailable,
    /// The new security code is too short or too easy to guess for the store's policy.
    #[error("the security code is too weak: {reason}")]
    WeakSecurityCode {
        /// What the policy refused.
        reason: &'static str,
    },
    /// An operation that cannot fail did (a bug, reported instead of a panic).
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// A public key or signature given from outside is not a valid P-256 encoding.
    #[error("invalid {what} encoding")]
    InvalidEncoding {
        /// What failed to decode (e.g. "SEC1 public key", "DER signature").
        what: &'static str,
    },
    /// A signature did not verify.
    #[error("signature verification failed")]
    BadSignature,
    /// The file system failed; `step` names the step of the write or read that failed.
    #[error("storage I/O failed during {step}: {kind}")]
    Io {
        /// The step that failed.
        step: IoStep,
        /// The operating system's error kind (no paths, no contents).
        kind: std::io::ErrorKind,
    },
    /// A platform key store (Android Keystore, Secure Enclave) reported an error through the
    /// bindings; the message comes from the platform and contains no key material.
    #[error("platform key store: {message}")]
    Platform {
        /// The platform's description.
        message: String,
    },
}

/// The step of a storage operation that failed, so that I/O errors and injected faults are
/// reported precisely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IoStep {
    /// Reading a file.
    Read,
    /// Writing the temporary file.
    WriteTemp,
    /// Flushing the temporary file to stable storage.
    SyncTemp,
    /// Renaming the temporary file over the target.
    Rename,
    /// Flushing the directory entry to stable storage.
    SyncDir,
    /// Removing a file.
    Remove,
    /// Creating the store's directory.
    CreateDir,
}

impl fmt::Display for IoStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::WriteTemp => "write of the temporary file",
            Self::SyncTemp => "fsync of the temporary file",
            Self::Rename => "rename",
            Self::SyncDir => "fsync of the directory",
            Self::Remove => "remove",
            Self::CreateDir => "creation of the directory",
        })
    }
}

/// What exactly is wrong with a corrupted store, for diagnostics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Corruption {
    /// The file does not start with the expected magic line.
    BadMagic,
    /// The file is from a format version this code does not read.
    UnsupportedVersion,
    /// The file is cut short or its layout is broken.
    Truncated,
    /// The checksum does not match the contents.
    ChecksumMismatch,
    /// The contents do not parse.
    Malformed,
    /// A field has an impossible value (wrong length, bad key, counter out of range).
    InvalidField(&'static str),
    /// The attempt-counter file is missing next to an existing store (deleted to reset the
    /// counter, or lost).
    CounterFileMissing,
    /// The attempt-counter file belongs to another store.
    CounterFileMismatch,
    /// A wrapped private key failed authentication under a key that opened the verifier.
    KeyUnwrapFailed,
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => f.write_str("not a tapid key store file"),
            Self::UnsupportedVersion => f.write_str("unsupported format version"),
            Self::Truncated => f.write_str("file truncated"),
            Self::ChecksumMismatch => f.write_str("checksum mismatch"),
            Self::Malformed => f.write_str("malformed contents"),
            Self::InvalidField(field) => write!(f, "invalid field {field}"),
            Self::CounterFileMissing => f.write_str("attempt counter file missing"),
            Self::CounterFileMismatch => {
                f.write_str("attempt counter file belongs to another store")
            }
            Self::KeyUnwrapFailed => f.write_str("a wrapped key failed authentication"),
        }
    }
}

impl From<Corruption> for KeyStoreError {
    fn from(c: Corruption) -> Self {
        Self::Corrupted(c)
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = KeyStoreError> = std::result::Result<T, E>;
