//! Helpers that tapid's test suites share, so that a test reads as what it tests.
//!
//! A dev-dependency only (`publish = false`; no product crate depends on it). The randomness
//! that runs in the product — `ReplayRng` and `RecordingRng` for `tapid replay`/`--record`, and
//! the emulated chip's `SeededRng` — stays in tapid-card behind its `deterministic-rng` feature;
//! the RNGs here are for tests only.
//!
//! - [`rng`]: scripted and SHA-256 counter-mode RNGs.
//! - [`conformance`]: the real public data in `../shared/conformance`, the workspace's
//!   fixtures.
//! - [`pkcs8`]: the PKCS #8 / SEC 1 private-key structures of the conformance key files.
//! - [`cli`]: running the `tapid` binary, with its verification time pinned.
//! - `read` (feature `read`): a reader run as the tests run it, at the pinned time.
//! - `pcsc` (feature `pcsc`): waiting for pcscd's vpcd reader and its card.
//! - `postgres` (feature `postgres`): a fresh database on the test PostgreSQL.
//! - `backend` (feature `backends`): a test database on SQLite or PostgreSQL, and
//!   `on_both_backends!`, which runs a test on each.
//!
//! A helper that cannot do what a test asked (a missing file, exhausted scripted randomness, a
//! binary that does not start) fails the test with a message: these helpers panic where
//! product code would return an error.
#![forbid(unsafe_code)]
#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers: failing the calling test, with a message, is their error handling"
)]

#[cfg(feature = "backends")]
pub mod backend;
pub mod cli;
pub mod conformance;
#[cfg(feature = "pcsc")]
pub mod pcsc;
pub mod pkcs8;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "read")]
pub mod read;
pub mod rng;

/// The verification time tests pin instead of reading the machine's clock: Unix time
/// 1 800 000 000, 2027-01-15, inside the validity of every test certificate in
/// `fixtures/pki` (and after the expiry of the one expired signer there).
pub const PINNED_AT: i64 = 1_800_000_000;
