//! Signature verification with a certificate's public key: RSA PKCS#1 v1.5, RSASSA-PSS and
//! ECDSA, chosen by the signature algorithm, never by the key's certificate.

use rsa::{PublicKey as RsaPublicKey, pkcs1::DecodeRsaPublicKey, traits::SignatureScheme as _};

use spki::SubjectPublicKeyInfoOwned;

use super::{
    algorithm::{AlgorithmId, SignatureScheme},
    ec::EcKeyCurve,
    error::PaError,
    hash::HashAlgorithm,
    tlv,
};
use crate::oid;

/// A SubjectPublicKeyInfo: key algorithm (with curve parameters) and the key bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// Key algorithm and its parameters.
    pub algorithm: AlgorithmId,
    /// The subjectPublicKey BIT STRING content (without the unused-bits octet).
    pub key: Vec<u8>,
}

impl PublicKeyInfo {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        Self::from_typed(&tlv::decode(bytes, "SubjectPublicKeyInfo")?)
    }

    /// From a decoded SubjectPublicKeyInfo (a key must use whole octets).
    pub(crate) fn from_typed(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, PaError> {
        let key = spki
            .subject_public_key
            .as_bytes()
            .ok_or(PaError::Malformed("SPKI BIT STRING with unused bits"))?;
        Ok(Self {
            algorithm: AlgorithmId::from_typed(&spki.algorithm)?,
            key: key.to_vec(),
        })
    }

    /// A short key description for reports ("RSA-2048", "EC brainpoolP384r1").
    pub fn describe(&self) -> String {
        match self.algorithm.oid {
            oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
                match RsaPublicKey::from_pkcs1_der(&self.key) {
                    Ok(k) => format!("RSA-{}", rsa::traits::PublicKeyParts::n_bits_precision(&k)),
                    Err(_) => "RSA (invalid)".into(),
                }
            }
            oid::EC_PUBLIC_KEY => match EcKeyCurve::from_params(self.algorithm.params.as_deref()) {
                Ok(c) => format!("EC {}", c.name()),
                Err(_) => "EC (unsupported curve)".into(),
            },
            other => other.to_string(),
        }
    }

    /// Verifies `sig` over `message` under `scheme`.
    pub fn verify(
        &self,
        scheme: &SignatureScheme,
        message: &[u8],
        sig: &[u8],
    ) -> Result<(), PaError> {
        let prehash = scheme.hash().digest(message);
        self.verify_prehash(scheme, &prehash, sig)
    }

    /// Verifies `sig` over an already hashed message.
    pub fn verify_prehash(
        &self,
        scheme: &SignatureScheme,
        prehash: &[u8],
        sig: &[u8],
    ) -> Result<(), PaError> {
        match (self.algorithm.oid, scheme) {
            (oid::RSA_ENCRYPTION | oid::RSASSA_PSS, SignatureScheme::RsaPkcs1 { hash }) => {
                let key = self.rsa_key()?;
                pkcs1_scheme(*hash)
                    .verify(&key, prehash, sig)
                    .map_err(|_| PaError::BadSignature)
            }
            (
                oid::RSA_ENCRYPTION | oid::RSASSA_PSS,
                SignatureScheme::RsaPss {
                    hash,
                    mgf_hash,
                    salt_len,
                },
            ) => {
                if hash != mgf_hash {
                    return Err(PaError::UnknownSignatureAlgorithm(
                        "RSASSA-PSS with MGF1 hash ≠ message hash".into(),
                    ));
                }
                let key = self.rsa_key()?;
                pss_verify(*hash, *salt_len, &key, prehash, sig)
            }
            (oid::EC_PUBLIC_KEY, SignatureScheme::Ecdsa { plain, .. }) => {
                let curve = EcKeyCurve::from_params(self.algorithm.params.as_deref())?;
                curve.verify_prehash(&self.key, prehash, sig, *plain)
            }
            (oid::RSA_ENCRYPTION | oid::RSASSA_PSS, _) => Err(PaError::AlgorithmKeyMismatch {
                algorithm: format!("{scheme:?}"),
                key: "RSA",
            }),
            (oid::EC_PUBLIC_KEY, _) => Err(PaError::AlgorithmKeyMismatch {
                algorithm: format!("{scheme:?}"),
                key: "EC",
            }),
            (other, _) => Err(PaError::UnsupportedKey(format!("key algorithm {other}"))),
        }
    }

    fn rsa_key(&self) -> Result<RsaPublicKey, PaError> {
        RsaPublicKey::from_pkcs1_der(&self.key).map_err(|e| PaError::InvalidKey(e.to_string()))
    }
}

fn pkcs1_scheme(hash: HashAlgorithm) -> rsa::Pkcs1v15Sign {
    match hash {
        HashAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
        HashAlgorithm::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
        HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

fn pss_verify(
    hash: HashAlgorithm,
    salt: usize,
    key: &RsaPublicKey,
    prehash: &[u8],
    sig: &[u8],
) -> Result<(), PaError> {
    let r = match hash {
        HashAlgorithm::Sha1 => {
            rsa::Pss::<sha1::Sha1>::new_with_salt(salt).verify(key, prehash, sig)
        }
        HashAlgorithm::Sha224 => {
            rsa::Pss::<sha2::Sha224>::new_with_salt(salt).verify(key, prehash, sig)
        }
        HashAlgorithm::Sha256 => {
            rsa::Pss::<sha2::Sha256>::new_with_salt(salt).verify(key, prehash, sig)
        }
        HashAlgorithm::Sha384 => {
            rsa::Pss::<sha2::Sha384>::new_with_salt(salt).verify(key, prehash, sig)
        }
        HashAlgorithm::Sha512 => {
            rsa::Pss::<sha2::Sha512>::new_with_salt(salt).verify(key, prehash, sig)
        }
    };
    r.map_err(|_| PaError::BadSignature)
}
