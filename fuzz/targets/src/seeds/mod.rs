//! The seed corpus, generated in code: real inputs that reach each target's success path
//! (the emulator's files, the test PKI, recorded reads, evidence bundles, identity texts,
//! key-store files, secure-messaging answers, chip sessions), each with near-misses (a byte
//! flipped, a cut) so that the corpus spans acceptance and rejection. Real public data
//! (`../shared/conformance`) is read in place by [`conformance`], never copied.
//!
//! `tests/corpus.rs` replays all of it through [`crate::TARGETS`]; the `fuzz-seeds` binary
//! writes it to `fuzz/corpus/<target>/` for libFuzzer campaigns.

pub mod card;
pub mod chip;
pub mod conformance;
pub mod files;
pub mod identity;
pub mod keystore;
pub mod lds;
pub mod pki;
pub mod reads;

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

/// Why seeds could not be generated (the genuine inputs come from working product code: a
/// failure here is a broken emulator, PKI or key store, not a fuzz finding).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The emulator could not build a profile or chip.
    #[error("emulator: {0}")]
    Emulator(#[from] tapid_emulator::EmulatorError),
    /// The test PKI could not issue or sign.
    #[error("test PKI: {0}")]
    Pki(#[from] tapid_emulator::pki::PkiError),
    /// An emulated read that must succeed failed, or did not finish.
    #[error("emulated read of {profile}: {detail}")]
    Read {
        /// The profile read.
        profile: String,
        /// What went wrong.
        detail: String,
    },
    /// The key store refused to create or use a store.
    #[error("key store: {0}")]
    KeyStore(#[from] tapid_keystore::KeyStoreError),
    /// A value the generator builds was refused by its own constructor.
    #[error("{what}: {detail}")]
    Build {
        /// What was being built.
        what: &'static str,
        /// The constructor's error.
        detail: String,
    },
    /// A regression folder names no target.
    #[error("fuzz/regressions/{0}: no target of that name")]
    UnknownTarget(String),
    /// A conformance, fixture or corpus file could not be read or written.
    #[error("{path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        detail: String,
    },
}

impl SeedError {
    /// A [`SeedError::Build`] from any displayable error.
    pub(crate) fn build(what: &'static str) -> impl Fn(&dyn std::fmt::Display) -> Self {
        move |e| Self::Build {
            what,
            detail: e.to_string(),
        }
    }
}

/// Whether a seed is meant to reach the success path or to probe just outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A real input (genuine file, real read, valid text).
    Genuine,
    /// A real input one edit away from valid (a byte flipped, a cut, a wrong check digit).
    NearMiss,
    /// Real public data from the conformance directory.
    Conformance,
    /// A committed input that once made a target fail (`fuzz/regressions/`).
    Regression,
}

/// One input for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// The target's name (a name of [`crate::TARGETS`]).
    pub target: &'static str,
    /// Where the input comes from (for messages: `profile bac DG1`, `… flipped at 3`).
    pub label: String,
    /// Genuine or near-miss.
    pub kind: Kind,
    /// The input.
    pub bytes: Vec<u8>,
}

impl Seed {
    /// The corpus file name: the first 16 hex digits of the input's SHA-256.
    pub fn file_name(&self) -> String {
        let digest = hex::encode(Sha256::digest(&self.bytes));
        digest.get(..16).unwrap_or(&digest).to_owned()
    }
}

/// Seeds under construction, without duplicates (the same bytes for the same target are kept
/// once, under the first label: several profiles share files).
#[derive(Debug, Default)]
pub struct Corpus {
    seeds: Vec<Seed>,
    seen: BTreeSet<(&'static str, [u8; 32])>,
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one input (dropped when the target already has the same bytes).
    pub fn push(
        &mut self,
        target: &'static str,
        label: impl Into<String>,
        kind: Kind,
        bytes: Vec<u8>,
    ) {
        if self.seen.insert((target, Sha256::digest(&bytes).into())) {
            self.seeds.push(Seed {
                target,
                label: label.into(),
                kind,
                bytes,
            });
        }
    }

    /// Adds a genuine input.
    pub fn genuine(&mut self, target: &'static str, label: impl Into<String>, bytes: Vec<u8>) {
        self.push(target, label, Kind::Genuine, bytes);
    }

    /// Adds a near-miss.
    pub fn near_miss(&mut self, target: &'static str, label: impl Into<String>, bytes: Vec<u8>) {
        self.push(target, label, Kind::NearMiss, bytes);
    }

    /// Adds a genuine input and its generic near-misses ([`near_misses`]).
    pub fn with_near_misses(&mut self, target: &'static str, label: &str, bytes: Vec<u8>) {
        for (how, miss) in near_misses(&bytes) {
            self.near_miss(target, format!("{label}, {how}"), miss);
        }
        self.genuine(target, label, bytes);
    }

    /// Everything added, in the order added.
    pub fn into_seeds(self) -> Vec<Seed> {
        self.seeds
    }

    /// Everything added so far.
    pub fn seeds(&self) -> &[Seed] {
        &self.seeds
    }
}

/// The generic near-misses of `bytes`: the first byte flipped (a tag, a magic, a prefix), the
/// middle byte flipped (a length, a field, a signature), the last byte dropped and the input
/// cut in half. Inputs of one byte or none have none.
pub fn near_misses(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let len = bytes.len();
    if len < 2 {
        return Vec::new();
    }
    let flip = |at: usize| {
        let mut out = bytes.to_vec();
        if let Some(b) = out.get_mut(at) {
            *b ^= 0x01;
        }
        (format!("byte {at} flipped"), out)
    };
    vec![
        flip(0),
        flip(len / 2),
        (
            "last byte dropped".to_owned(),
            bytes.get(..len - 1).unwrap_or_default().to_vec(),
        ),
        (
            format!("cut to {}", len / 2),
            bytes.get(..len / 2).unwrap_or_default().to_vec(),
        ),
    ]
}

/// Every generated seed (no conformance data: see [`conformance::seeds`]), in a fixed order.
///
/// # Errors
/// When the emulator, the test PKI or the key store fails to make a genuine input.
pub fn generated() -> Result<Vec<Seed>, SeedError> {
    let mut corpus = Corpus::new();
    let profiles = lds::profiles()?;
    lds::seeds(&profiles, &mut corpus);
    pki::seeds(&profiles, &mut corpus)?;
    reads::seeds(&mut corpus)?;
    card::seeds(&mut corpus)?;
    identity::seeds(&profiles, &mut corpus)?;
    keystore::seeds(&mut corpus)?;
    chip::seeds(&mut corpus);
    Ok(corpus.into_seeds())
}
