//! Test PKI for the emulator: CSCA and Document Signer keys, EF.SOD and EF.CardSecurity signing.
//!
//! The fixtures under `fixtures/pki` (CSCAs in `csca/`, Document Signers with PKCS#8 keys in
//! `ds/`, a CRL in `crl/`) are generated deterministically by [`generate::generate`] from
//! [`generate::SEED`] and committed; the emulator signs its profiles' SODs with them so that
//! every profile verifies against `fixtures/pki/csca`.

pub mod cert;
#[cfg(test)]
mod der;
pub mod drbg;
mod embedded;
pub mod generate;
pub mod keys;
pub mod signed;
pub mod signer;
pub mod special;

use thiserror::Error;

pub use keys::SigningKey;
pub use signed::{sign_card_security, sign_sod, sign_sod_with, signed_data};
pub use signer::{DocumentSigner, fixtures_dir, test_crl, test_trust_store};

/// Errors of the test PKI.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PkiError {
    /// A key could not be generated, encoded or decoded.
    #[error("key: {0}")]
    Key(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(String),
    /// A certificate, CRL or SignedData could not be encoded.
    #[error("cannot encode {what}: {detail}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's message.
        detail: String,
    },
    /// A fixture file could not be read.
    #[error("cannot read {path}: {detail}")]
    Io {
        /// The path.
        path: String,
        /// The OS message.
        detail: String,
    },
    /// No fixture of that name.
    #[error("unknown fixture {0}")]
    UnknownFixture(String),
    /// A fixture certificate or CRL does not parse.
    #[error(transparent)]
    Pa(#[from] tapid_mrtd::pa::PaError),
}
