//! The one signature encoding of tapid: ECDSA P-256 with SHA-256, ASN.1 DER (X9.62
//! `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`).
//!
//! DER is what Android (`SHA256withECDSA`) and iOS (`ecdsaSignatureMessageX962SHA256`) return, so
//! platform adapters pass signatures through unchanged; [`EcdsaSignature::from_raw`] converts
//! the fixed `r‖s` form for sources that produce it.

use crate::error::{KeyStoreError, Result};

/// A validated DER-encoded ECDSA P-256 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcdsaSignature {
    der: Vec<u8>,
    parsed: p256::ecdsa::Signature,
}

impl EcdsaSignature {
    /// Parses a DER signature and checks that `r` and `s` are in range.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidEncoding`] when not a strict DER P-256 ECDSA signature.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let parsed =
            p256::ecdsa::Signature::from_der(der).map_err(|_| KeyStoreError::InvalidEncoding {
                what: "DER signature",
            })?;
        Ok(Self {
            der: der.to_vec(),
            parsed,
        })
    }

    /// Converts a fixed-size `r‖s` signature (64 bytes, big-endian) to DER.
    ///
    /// # Errors
    /// [`KeyStoreError::InvalidEncoding`] when not 64 bytes or `r`/`s` out of range.
    pub fn from_raw(raw: &[u8]) -> Result<Self> {
        let parsed = p256::ecdsa::Signature::from_slice(raw).map_err(|_| {
            KeyStoreError::InvalidEncoding {
                what: "r||s signature",
            }
        })?;
        Ok(Self::from(parsed))
    }

    /// The DER bytes.
    #[must_use]
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// The fixed-size `r‖s` form (64 bytes).
    #[must_use]
    pub fn to_raw(&self) -> Vec<u8> {
        self.parsed.to_bytes().to_vec()
    }

    pub(crate) fn to_p256(&self) -> p256::ecdsa::Signature {
        self.parsed
    }
}

impl From<p256::ecdsa::Signature> for EcdsaSignature {
    fn from(parsed: p256::ecdsa::Signature) -> Self {
        Self {
            der: parsed.to_der().as_bytes().to_vec(),
            parsed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_and_raw_convert_both_ways() {
        let mut raw = [0u8; 64];
        raw[31] = 1;
        raw[63] = 2;
        let sig = EcdsaSignature::from_raw(&raw).unwrap();
        assert_eq!(
            sig.as_der(),
            [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]
        );
        assert_eq!(sig.to_raw(), raw);
        assert_eq!(EcdsaSignature::from_der(sig.as_der()).unwrap(), sig);
    }

    #[test]
    fn rejects_garbage_and_zero() {
        assert!(EcdsaSignature::from_der(&[0x30, 0x00]).is_err());
        assert!(EcdsaSignature::from_raw(&[0u8; 64]).is_err());
        assert!(EcdsaSignature::from_raw(&[1u8; 63]).is_err());
    }
}
