//! AlgorithmIdentifiers and the signature schemes they name (PKCS#1 v1.5, RSASSA-PSS, ECDSA).

use const_oid::ObjectIdentifier;
use der::{Encode, Sequence};
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;

use super::{
    error::PaError,
    hash::HashAlgorithm,
    tlv::{self, decode_error},
};
use crate::oid;

/// An AlgorithmIdentifier with its parameters kept as their encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmId {
    /// The algorithm OID.
    pub oid: ObjectIdentifier,
    /// The parameters' full TLV encoding, if present (an ASN.1 NULL is kept as `05 00`).
    pub params: Option<Vec<u8>>,
}

impl AlgorithmId {
    /// From a decoded AlgorithmIdentifier.
    pub(crate) fn from_typed(alg: &AlgorithmIdentifierOwned) -> Result<Self, PaError> {
        let params = alg
            .parameters
            .as_ref()
            .map(Encode::to_der)
            .transpose()
            .map_err(|e| decode_error("AlgorithmIdentifier parameters", e))?;
        Ok(Self {
            oid: alg.oid,
            params,
        })
    }

    /// Parses an AlgorithmIdentifier from its DER (or BER) encoding.
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        Self::from_typed(&tlv::decode(bytes, "AlgorithmIdentifier")?)
    }

    /// Whether parameters are absent or an ASN.1 NULL.
    pub fn params_absent_or_null(&self) -> bool {
        matches!(self.params.as_deref(), None | Some([0x05, 0x00]))
    }
}

/// How a signature value is to be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", rename_all = "kebab-case")]
pub enum SignatureScheme {
    /// RSA PKCS#1 v1.5 with the given hash.
    RsaPkcs1 {
        /// Hash of the message.
        hash: HashAlgorithm,
    },
    /// RSASSA-PSS with the parameters from the AlgorithmIdentifier.
    RsaPss {
        /// Message hash.
        hash: HashAlgorithm,
        /// MGF1 hash.
        mgf_hash: HashAlgorithm,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA, X9.62 DER signature (`plain == false`) or BSI TR-03111 r‖s (`plain == true`).
    Ecdsa {
        /// Message hash.
        hash: HashAlgorithm,
        /// Whether the signature is plain r‖s.
        plain: bool,
    },
}

impl SignatureScheme {
    /// Interprets a signature AlgorithmIdentifier. `digest_hint` supplies the hash for the
    /// plain `rsaEncryption` OID that some issuers put in the SignerInfo (the hash then comes
    /// from the SignerInfo's digestAlgorithm).
    pub fn from_algorithm(
        alg: &AlgorithmId,
        digest_hint: Option<HashAlgorithm>,
    ) -> Result<Self, PaError> {
        use HashAlgorithm::*;
        let rsa = |hash| Ok(Self::RsaPkcs1 { hash });
        let ec = |hash, plain| Ok(Self::Ecdsa { hash, plain });
        match alg.oid {
            oid::SHA1_WITH_RSA => rsa(Sha1),
            oid::SHA224_WITH_RSA => rsa(Sha224),
            oid::SHA256_WITH_RSA => rsa(Sha256),
            oid::SHA384_WITH_RSA => rsa(Sha384),
            oid::SHA512_WITH_RSA => rsa(Sha512),
            oid::RSA_ENCRYPTION => match digest_hint {
                Some(hash) => rsa(hash),
                None => Err(PaError::UnknownSignatureAlgorithm(
                    "rsaEncryption without a digest algorithm".into(),
                )),
            },
            oid::RSASSA_PSS => parse_pss_params(alg.params.as_deref()),
            oid::ECDSA_SHA1 => ec(Sha1, false),
            oid::ECDSA_SHA224 => ec(Sha224, false),
            oid::ECDSA_SHA256 => ec(Sha256, false),
            oid::ECDSA_SHA384 => ec(Sha384, false),
            oid::ECDSA_SHA512 => ec(Sha512, false),
            oid::ECDSA_PLAIN_SHA1 => ec(Sha1, true),
            oid::ECDSA_PLAIN_SHA224 => ec(Sha224, true),
            oid::ECDSA_PLAIN_SHA256 => ec(Sha256, true),
            oid::ECDSA_PLAIN_SHA384 => ec(Sha384, true),
            oid::ECDSA_PLAIN_SHA512 => ec(Sha512, true),
            other => Err(PaError::UnknownSignatureAlgorithm(other.to_string())),
        }
    }

    /// The hash the scheme applies to the message.
    pub fn hash(&self) -> HashAlgorithm {
        match *self {
            Self::RsaPkcs1 { hash } | Self::RsaPss { hash, .. } | Self::Ecdsa { hash, .. } => hash,
        }
    }
}

/// `RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] DEFAULT sha1, maskGenAlgorithm [1]
/// DEFAULT mgf1SHA1, saltLength [2] DEFAULT 20, trailerField [3] DEFAULT trailerFieldBC(1) }`
/// (RFC 4055; explicit tags).
#[derive(Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", optional = "true")]
    salt_len: Option<u64>,
    #[asn1(context_specific = "3", optional = "true")]
    trailer: Option<u64>,
}

/// RSASSA-PSS-params with their defaults (SHA-1, MGF1-SHA-1, salt 20, trailer 1).
fn parse_pss_params(params: Option<&[u8]>) -> Result<SignatureScheme, PaError> {
    let mut hash = HashAlgorithm::Sha1;
    let mut mgf_hash = HashAlgorithm::Sha1;
    let mut salt_len = 20usize;
    if let Some(bytes) = params.filter(|p| *p != [0x05, 0x00]) {
        let p: PssParams = tlv::decode(bytes, "RSASSA-PSS-params")?;
        if let Some(h) = &p.hash {
            hash = HashAlgorithm::from_oid(&h.oid)?;
        }
        if let Some(mgf) = &p.mask_gen {
            if mgf.oid != oid::MGF1 {
                return Err(PaError::UnknownSignatureAlgorithm(format!(
                    "PSS mask generation {}",
                    mgf.oid
                )));
            }
            let mgf_params: AlgorithmIdentifierOwned = mgf
                .parameters
                .as_ref()
                .ok_or(PaError::Malformed("MGF1 parameters"))?
                .decode_as()
                .map_err(|e| decode_error("MGF1 parameters", e))?;
            mgf_hash = HashAlgorithm::from_oid(&mgf_params.oid)?;
        }
        if let Some(len) = p.salt_len {
            salt_len = usize::try_from(len).map_err(|_| PaError::Malformed("salt length"))?;
        }
        if p.trailer.is_some_and(|t| t != 1) {
            return Err(PaError::UnknownSignatureAlgorithm(
                "PSS trailer field other than 1".into(),
            ));
        }
    }
    Ok(SignatureScheme::RsaPss {
        hash,
        mgf_hash,
        salt_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_params_sha256_mgf1_sha256_salt32() {
        // RSASSA-PSS-params { sha256, mgf1(sha256), 32 }
        let der = hex::decode(
            "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
        )
        .unwrap();
        let alg = AlgorithmId::from_der(&der).unwrap();
        let s = SignatureScheme::from_algorithm(&alg, None).unwrap();
        assert_eq!(
            s,
            SignatureScheme::RsaPss {
                hash: HashAlgorithm::Sha256,
                mgf_hash: HashAlgorithm::Sha256,
                salt_len: 32
            }
        );
    }

    #[test]
    fn plain_rsa_encryption_takes_the_digest_hint() {
        let alg = AlgorithmId {
            oid: oid::RSA_ENCRYPTION,
            params: Some(vec![5, 0]),
        };
        assert_eq!(
            SignatureScheme::from_algorithm(&alg, Some(HashAlgorithm::Sha256)).unwrap(),
            SignatureScheme::RsaPkcs1 {
                hash: HashAlgorithm::Sha256
            }
        );
        assert!(SignatureScheme::from_algorithm(&alg, None).is_err());
        let unknown = AlgorithmId {
            oid: oid::SHA256,
            params: None,
        };
        assert!(matches!(
            SignatureScheme::from_algorithm(&unknown, None),
            Err(PaError::UnknownSignatureAlgorithm(_))
        ));
    }
}
