//! The hash algorithms found in EF.SOD, signatures and certificates.

use const_oid::ObjectIdentifier;
use digest::Digest;
use serde::{Deserialize, Serialize};

use super::error::PaError;
use crate::oid;

/// A SHA-1/SHA-2 hash algorithm, as named by an AlgorithmIdentifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    /// SHA-1 (still used by some issuers).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Maps a digest algorithm OID; unknown OIDs are an error naming the OID.
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, PaError> {
        match *oid {
            oid::SHA1 => Ok(Self::Sha1),
            oid::SHA224 => Ok(Self::Sha224),
            oid::SHA256 => Ok(Self::Sha256),
            oid::SHA384 => Ok(Self::Sha384),
            oid::SHA512 => Ok(Self::Sha512),
            other => Err(PaError::UnknownHashAlgorithm(other.to_string())),
        }
    }

    /// The algorithm's OID (for encoding SignedData and comparing attributes).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oid::SHA1,
            Self::Sha224 => oid::SHA224,
            Self::Sha256 => oid::SHA256,
            Self::Sha384 => oid::SHA384,
            Self::Sha512 => oid::SHA512,
        }
    }

    /// Hashes `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abc_vectors_and_oids() {
        assert_eq!(
            hex::encode(HashAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(HashAlgorithm::Sha1.digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        for h in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            assert_eq!(HashAlgorithm::from_oid(&h.oid()).unwrap(), h);
            assert_eq!(h.digest(b"").len(), h.output_len());
        }
        assert!(matches!(
            HashAlgorithm::from_oid(&oid::RSA_ENCRYPTION),
            Err(PaError::UnknownHashAlgorithm(_))
        ));
    }
}
