//! AlgorithmIdentifiers and the signature schemes they name (PKCS#1 v1.5, RSASSA-PSS, ECDSA).

use const_oid::ObjectIdentifier;
use serde::Serialize;

use super::{
    error::PaError,
    hash::HashAlgorithm,
    oid,
    tlv::{self, Tlv},
};

/// An AlgorithmIdentifier with its parameters kept as the original encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmId {
    /// The algorithm OID.
    pub oid: ObjectIdentifier,
    /// The parameters' full TLV encoding, if present (an ASN.1 NULL is kept as `05 00`).
    pub params: Option<Vec<u8>>,
}

impl AlgorithmId {
    /// Parses an AlgorithmIdentifier SEQUENCE element.
    pub(crate) fn from_tlv(t: Tlv<'_>) -> Result<Self, PaError> {
        let t = t.expect(0x30, "AlgorithmIdentifier")?;
        let mut r = t.children();
        let oid = parse_oid(r.next_required("AlgorithmIdentifier OID")?)?;
        let params = r.next().transpose()?.map(|p| p.raw.to_vec());
        Ok(Self { oid, params })
    }

    /// Parses an AlgorithmIdentifier from its DER encoding.
    pub fn from_der(bytes: &[u8]) -> Result<Self, PaError> {
        Self::from_tlv(tlv::parse_single(bytes)?)
    }

    /// Whether parameters are absent or an ASN.1 NULL.
    pub fn params_absent_or_null(&self) -> bool {
        matches!(self.params.as_deref(), None | Some([0x05, 0x00]))
    }
}

/// Decodes an OBJECT IDENTIFIER element.
pub(crate) fn parse_oid(t: Tlv<'_>) -> Result<ObjectIdentifier, PaError> {
    let t = t.expect(0x06, "OBJECT IDENTIFIER")?;
    ObjectIdentifier::from_bytes(t.content).map_err(|e| PaError::Decode {
        what: "OID",
        detail: e.to_string(),
    })
}

/// Decodes a small non-negative INTEGER element (versions, salt lengths, DG numbers).
pub(crate) fn parse_small_uint(t: Tlv<'_>) -> Result<u64, PaError> {
    let t = t.expect(0x02, "INTEGER")?;
    if t.content.is_empty()
        || t.content.len() > 8
        || t.content.first().is_some_and(|b| b & 0x80 != 0)
    {
        return Err(PaError::Malformed("small INTEGER"));
    }
    Ok(t.content
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
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

/// RSASSA-PSS-params: `[0]` hash (default SHA-1), `[1]` MGF (default MGF1-SHA-1),
/// `[2]` salt length (default 20), `[3]` trailer field (must be 1).
fn parse_pss_params(params: Option<&[u8]>) -> Result<SignatureScheme, PaError> {
    let mut hash = HashAlgorithm::Sha1;
    let mut mgf_hash = HashAlgorithm::Sha1;
    let mut salt_len = 20usize;
    if let Some(bytes) = params.filter(|p| *p != [0x05, 0x00]) {
        let seq = tlv::parse_single(bytes)?.expect(0x30, "RSASSA-PSS-params")?;
        for field in seq.children() {
            let field = field?;
            let inner = field.children().next_required("RSASSA-PSS-params field")?;
            match field.tag {
                0xA0 => hash = HashAlgorithm::from_oid(&AlgorithmId::from_tlv(inner)?.oid)?,
                0xA1 => {
                    let mgf = AlgorithmId::from_tlv(inner)?;
                    if mgf.oid != oid::MGF1 {
                        return Err(PaError::UnknownSignatureAlgorithm(format!(
                            "PSS mask generation {}",
                            mgf.oid
                        )));
                    }
                    let mgf_params = mgf.params.ok_or(PaError::Malformed("MGF1 parameters"))?;
                    mgf_hash = HashAlgorithm::from_oid(&AlgorithmId::from_der(&mgf_params)?.oid)?;
                }
                0xA2 => {
                    salt_len = usize::try_from(parse_small_uint(inner)?)
                        .map_err(|_| PaError::Malformed("salt length"))?
                }
                0xA3 => {
                    if parse_small_uint(inner)? != 1 {
                        return Err(PaError::UnknownSignatureAlgorithm(
                            "PSS trailer field other than 1".into(),
                        ));
                    }
                }
                _ => return Err(PaError::Malformed("RSASSA-PSS-params field tag")),
            }
        }
    }
    Ok(SignatureScheme::RsaPss {
        hash,
        mgf_hash,
        salt_len,
    })
}

/// The `signatureAlgorithm` and `signatureValue` that close every signed X.509 structure
/// (certificate, CRL): the algorithm and the signature bytes without the BIT STRING's
/// unused-bits octet.
pub(crate) fn signature_parts(
    parts: &mut super::tlv::Reader<'_>,
) -> Result<(AlgorithmId, Vec<u8>), PaError> {
    let algorithm = AlgorithmId::from_tlv(parts.next_required("signatureAlgorithm")?)?;
    let bits = parts
        .next_required("signatureValue")?
        .expect(0x03, "signatureValue")?;
    let signature = bits
        .content
        .get(1..)
        .ok_or(PaError::Malformed("signatureValue"))?
        .to_vec();
    Ok((algorithm, signature))
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
