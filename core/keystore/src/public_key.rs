//! P-256 public keys in the two encodings the platforms hand out: SEC1 (iOS) and SPKI (Android).

use p256::ecdsa::VerifyingKey;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::{DecodePublicKey, EncodePublicKey};
use signature::Verifier;

use crate::error::{KeyStoreError, Result};
use crate::signature::EcdsaSignature;

/// A device key's public half. Safe to copy, send to the identity service and show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(p256::PublicKey);

impl PublicKey {
    /// Length of the uncompressed SEC1 encoding `04‖X‖Y`.
    pub const SEC1_LEN: usize = 65;

    /// Parses a SEC1 point (uncompressed `04‖X‖Y` as iOS `SecKeyCopyExternalRepresentation`
    /// gives it, or compressed).
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidEncoding`] when the bytes are not a point on P-256.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
        p256::PublicKey::from_sec1_bytes(bytes)
            .map(Self)
            .map_err(|_| KeyStoreError::InvalidEncoding {
                what: "SEC1 public key",
            })
    }

    /// Parses a DER SubjectPublicKeyInfo (as Android `PublicKey.getEncoded()` gives it).
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidEncoding`] when it is not a P-256 SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        p256::PublicKey::from_public_key_der(der)
            .map(Self)
            .map_err(|_| KeyStoreError::InvalidEncoding {
                what: "SPKI public key",
            })
    }

    /// Uncompressed SEC1 encoding `04‖X‖Y` (65 bytes).
    #[must_use]
    pub fn to_sec1(&self) -> Vec<u8> {
        self.0.to_sec1_point(false).as_bytes().to_vec()
    }

    /// DER SubjectPublicKeyInfo (id-ecPublicKey, prime256v1), what certificates and the identity
    /// service expect.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidEncoding`] if encoding fails (it does not for a valid key).
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        self.0
            .to_public_key_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|_| KeyStoreError::InvalidEncoding {
                what: "SPKI public key",
            })
    }

    /// Verifies an ECDSA P-256 / SHA-256 signature over `message` (the one signature scheme
    /// every key store in tapid produces).
    ///
    /// # Errors
    /// [`KeyStoreError::BadSignature`] when the signature does not match.
    pub fn verify(&self, message: &[u8], signature: &EcdsaSignature) -> Result<()> {
        VerifyingKey::from(&self.0)
            .verify(message, &signature.to_p256())
            .map_err(|_| KeyStoreError::BadSignature)
    }

    /// The `p256` key, for callers that build certificates or protocols on top.
    #[must_use]
    pub fn as_p256(&self) -> &p256::PublicKey {
        &self.0
    }
}

impl From<p256::PublicKey> for PublicKey {
    fn from(key: p256::PublicKey) -> Self {
        Self(key)
    }
}
