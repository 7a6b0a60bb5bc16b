//! Signing keys of the test PKI: RSA (PKCS#1 v1.5, SHA-256) and ECDSA P-256 (SHA-256),
//! stored as PKCS#8.

use der::{Encode, asn1::Any, asn1::BitString};
use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::{PrivateKey as RsaPrivateKey, pkcs1::EncodeRsaPublicKey as _};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use tapid_mrtd::crypto::{EcParameters, NamedCurve};
use tapid_mrtd::oid;

use super::{PkiError, cert::encoding};

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

    /// The SubjectPublicKeyInfo: rsaEncryption (NULL parameters) or id-ecPublicKey on the
    /// named curve P-256.
    pub fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
        let (algorithm, key) = match self {
            Self::Rsa(k) => {
                let pk = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| PkiError::Key(e.to_string()))?;
                let algorithm = AlgorithmIdentifierOwned {
                    oid: oid::RSA_ENCRYPTION,
                    parameters: Some(Any::null()),
                };
                (algorithm, pk.as_bytes().to_vec())
            }
            Self::P256(k) => {
                let curve = EcParameters::named(NamedCurve::P256);
                let algorithm = AlgorithmIdentifierOwned {
                    oid: oid::EC_PUBLIC_KEY,
                    parameters: Some(Any::encode_from(&curve).map_err(encoding("SPKI"))?),
                };
                let point = k.verifying_key().to_sec1_point(false);
                (algorithm, point.as_bytes().to_vec())
            }
        };
        Ok(SubjectPublicKeyInfoOwned {
            algorithm,
            subject_public_key: BitString::from_bytes(&key).map_err(encoding("SPKI"))?,
        })
    }

    /// The subject key identifier: the first 20 bytes of SHA-256 over the SubjectPublicKeyInfo.
    pub fn key_id(&self) -> Result<Vec<u8>, PkiError> {
        let spki = self.spki()?.to_der().map_err(encoding("SPKI"))?;
        Ok(Sha256::digest(&spki).get(..20).unwrap_or_default().to_vec())
    }

    /// The signature AlgorithmIdentifier this key signs with.
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            Self::Rsa(_) => AlgorithmIdentifierOwned {
                oid: oid::SHA256_WITH_RSA,
                parameters: Some(Any::null()),
            },
            Self::P256(_) => AlgorithmIdentifierOwned {
                oid: oid::ECDSA_SHA256,
                parameters: None,
            },
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
