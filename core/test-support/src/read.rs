//! A read as the tests run it: the reader session and passive authentication against a given
//! trust store at [`PINNED_AT`](crate::PINNED_AT), the terminal's randomness the seeded stream
//! of tapid-card's `SeededRng` (the test names the seed), no progress reporting. The transport is the caller's (an emulated chip, a chip behind a
//! test's fault-injecting wrapper, a PC/SC reader), and so is the trust store (the emulator's
//! `pki::test_trust_store()`, or [`no_trust`]).

use std::sync::LazyLock;

use tapid_card::CardTransport;
use tapid_card::deterministic::SeededRng;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{ReadError, ReadOptions, Verification, VerifiedRead, read};

static NO_TRUST: LazyLock<TrustStore> = LazyLock::new(TrustStore::new);

/// An empty trust store: passive authentication runs and ends "untrusted", so nothing the chip
/// proves counts. For tests about reading and access control, not about trust.
pub fn no_trust() -> &'static TrustStore {
    &NO_TRUST
}

/// Verification against `trust` at [`PINNED_AT`](crate::PINNED_AT), with the default policy.
pub fn pinned(trust: &TrustStore) -> Verification<'_> {
    Verification::new(trust, crate::PINNED_AT)
}

/// Reads the chip behind `transport` with `key` and `options`, verified against `trust` at
/// the pinned time, the terminal's randomness seeded with `terminal_seed`.
pub async fn read_pinned<T>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    trust: &TrustStore,
    terminal_seed: &[u8],
) -> Result<VerifiedRead, ReadError>
where
    T: CardTransport + ?Sized,
{
    read_verified(transport, key, options, &pinned(trust), terminal_seed).await
}

/// Reads the chip behind `transport` under `verification` (a policy or AA challenge of the
/// test's own), the terminal's randomness seeded with `terminal_seed`.
pub async fn read_verified<T>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    verification: &Verification<'_>,
    terminal_seed: &[u8],
) -> Result<VerifiedRead, ReadError>
where
    T: CardTransport + ?Sized,
{
    read(
        transport,
        key,
        options,
        verification,
        &mut SeededRng::new(terminal_seed),
        &mut |_| {},
    )
    .await
}
