//! Signing keys of the test PKI: RSA (PKCS#1 v1.5, SHA-256) and ECDSA P-256 (SHA-256),
//! stored as PKCS#8.

use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::{RsaPrivateKey, pkcs1::EncodeRsaPublicKey as _};
use sha2::{Digest, Sha256};
use tapid_mrtd::oid;

use super::{PkiError, der};

/// A private key that signs certificates, CRLs and SignedData.
#[derive(Clone)]
pub enum SigningKey {
    /// RSA, signing with sha256WithRSAEncryption.
    Rsa(Box<RsaPrivateKey>),
    /// ECDSA on P-256, signing with ecdsa-with-SHA256 (RFC 6979, deterministic).
    P256(p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rsa(_) => "SigningKey::Rsa(..)",
            Self::P256(_) => "SigningKey::P256(..)",
        })
    }
}

impl SigningKey {
    /// Loads a PKCS#8 private key (RSA or EC P-256).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, PkiError> {
        if let Ok(k) = RsaPrivateKey::from_pkcs8_der(der) {
            return Ok(Self::Rsa(Box::new(k)));
        }
        p256::ecdsa::SigningKey::from_pkcs8_der(der)
            .map(Self::P256)
            .map_err(|_| PkiError::Key("not an RSA or P-256 PKCS#8 key".into()))
    }

    /// The PKCS#8 encoding.
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, PkiError> {
        let doc = match self {
            Self::Rsa(k) => k.to_pkcs8_der(),
            Self::P256(k) => k.to_pkcs8_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| PkiError::Key(e.to_string()))
    }

    /// The SubjectPublicKeyInfo DER.
    pub fn spki(&self) -> Result<Vec<u8>, PkiError> {
        match self {
            Self::Rsa(k) => {
                let pk = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| PkiError::Key(e.to_string()))?;
                Ok(der::seq(&[
                    &der::seq(&[&der::oid(&oid::RSA_ENCRYPTION), &der::null()]),
                    &der::bits(pk.as_bytes()),
                ]))
            }
            Self::P256(k) => {
                let point = k.verifying_key().to_sec1_point(false);
                Ok(der::seq(&[
                    &der::seq(&[&der::oid(&oid::EC_PUBLIC_KEY), &der::oid(&oid::SECP256R1)]),
                    &der::bits(point.as_bytes()),
                ]))
            }
        }
    }

    /// The subject key identifier: the first 20 bytes of SHA-256 over the SubjectPublicKeyInfo.
    pub fn key_id(&self) -> Result<Vec<u8>, PkiError> {
        let spki = self.spki()?;
        Ok(Sha256::digest(&spki).get(..20).unwrap_or_default().to_vec())
    }

    /// The signature AlgorithmIdentifier DER this key signs with.
    pub fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            Self::Rsa(_) => der::seq(&[&der::oid(&oid::SHA256_WITH_RSA), &der::null()]),
            Self::P256(_) => der::seq(&[&der::oid(&oid::ECDSA_SHA256)]),
        }
    }

    /// Signs `message` (hashing it with SHA-256).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, PkiError> {
        let digest = Sha256::digest(message);
        match self {
            Self::Rsa(k) => k
                .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
                .map_err(|e| PkiError::Sign(e.to_string())),
            Self::P256(k) => {
                use p256::ecdsa::signature::hazmat::PrehashSigner;
                let sig: p256::ecdsa::Signature = k
                    .sign_prehash(&digest)
                    .map_err(|e| PkiError::Sign(e.to_string()))?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}
