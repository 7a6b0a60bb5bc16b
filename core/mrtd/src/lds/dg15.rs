//! DG15: the Active Authentication public key (`6F { SubjectPublicKeyInfo }`, 9303-10 §4.7.15),
//! RSA or EC. The key is what [`crate::active_authentication`] verifies the chip's
//! signature with; it only means something once DG15 is bound to a trusted EF.SOD.

use der::asn1::UintRef;
use serde::{Serialize, Serializer};
use tapid_card::tlv::{Tag, Tlv, TlvError};

use crate::crypto::{DomainParameters, EcGroup};
use crate::oid;
use crate::pa::PublicKeyInfo;

/// Largest RSA modulus accepted when parsing (16384 bits); larger keys are hostile input.
pub const MAX_RSA_MODULUS_BYTES: usize = 2048;
/// Largest RSA public exponent accepted (8 bytes).
pub const MAX_RSA_EXPONENT_BYTES: usize = 8;

/// Errors parsing DG15.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Dg15Error {
    /// The outer `6F` structure is broken.
    #[error("DG15 structure: {0}")]
    Tlv(#[from] TlvError),
    /// The SubjectPublicKeyInfo does not parse.
    #[error("DG15 SubjectPublicKeyInfo is malformed: {0}")]
    Spki(String),
    /// The RSA key is not a valid PKCS#1 RSAPublicKey.
    #[error("DG15 RSA public key is malformed")]
    MalformedRsaKey,
    /// The RSA modulus or exponent exceeds the parsing limits.
    #[error("DG15 RSA key of {0} modulus bytes is beyond the supported size")]
    RsaKeyTooLarge(usize),
    /// The EC parameters name no curve this crate supports, or are malformed.
    #[error("DG15 EC parameters: {0}")]
    EcParameters(String),
    /// The EC public point is not a valid point on the curve.
    #[error("DG15 EC public point is invalid")]
    InvalidEcPoint,
    /// A key algorithm other than RSA or EC.
    #[error("DG15 key algorithm {0} is not supported")]
    UnsupportedAlgorithm(String),
}

/// Parsed DG15.
#[derive(Debug, Clone, Serialize)]
pub struct Dg15 {
    /// The Active Authentication public key.
    pub public_key: Dg15PublicKey,
}

/// The Active Authentication public key, typed by algorithm.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dg15PublicKey {
    /// RSA: AA signatures use ISO/IEC 9796-2 digital signature scheme 1.
    Rsa(RsaPublicKey),
    /// EC: AA signatures are ECDSA with the hash named in DG14's ActiveAuthenticationInfo.
    Ec(EcPublicKey),
}

/// An RSA public key as stored in DG15.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RsaPublicKey {
    /// The modulus n, big-endian without leading zero bytes.
    #[serde(serialize_with = "hex_upper")]
    pub modulus: Vec<u8>,
    /// The public exponent e, big-endian without leading zero bytes.
    #[serde(serialize_with = "hex_upper")]
    pub exponent: Vec<u8>,
    /// The modulus length in bits.
    pub bits: usize,
}

/// An EC public key as stored in DG15.
#[derive(Debug, Clone, Serialize)]
pub struct EcPublicKey {
    /// The curve name (`brainpoolP320r1`, …) or `explicit` for unnamed explicit parameters.
    pub curve: String,
    /// The public point, SEC1 encoding as stored.
    #[serde(serialize_with = "hex_upper")]
    pub point: Vec<u8>,
    /// The curve, ready for ECDSA verification.
    #[serde(skip)]
    pub group: EcGroup,
}

fn hex_upper<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode_upper(bytes))
}

impl Dg15 {
    /// Parses the file: `6F` wrapping a DER SubjectPublicKeyInfo.
    pub fn parse(bytes: &[u8]) -> Result<Self, Dg15Error> {
        let dg15 = Tlv::parse_tagged(bytes, Tag(0x6F))?;
        Ok(Self {
            public_key: Dg15PublicKey::from_spki_der(dg15.value)?,
        })
    }
}

impl Dg15PublicKey {
    /// Parses a DER SubjectPublicKeyInfo (RSA or EC, named or explicit curve).
    pub fn from_spki_der(spki: &[u8]) -> Result<Self, Dg15Error> {
        let info = PublicKeyInfo::from_der(spki).map_err(|e| Dg15Error::Spki(e.to_string()))?;
        match info.algorithm.oid {
            oid::RSA_ENCRYPTION => rsa_key(&info.key).map(Self::Rsa),
            oid::EC_PUBLIC_KEY => {
                let params = DomainParameters::from_algorithm_identifier(
                    oid::EC_PUBLIC_KEY,
                    info.algorithm.params.as_deref(),
                )
                .map_err(|e| Dg15Error::EcParameters(e.to_string()))?;
                let group = params
                    .ec_group()
                    .map_err(|e| Dg15Error::EcParameters(e.to_string()))?;
                group
                    .decode_point(&info.key)
                    .map_err(|_| Dg15Error::InvalidEcPoint)?;
                let curve = group
                    .named_curve()
                    .map_or("explicit", |c| c.name())
                    .to_owned();
                Ok(Self::Ec(EcPublicKey {
                    curve,
                    point: info.key,
                    group,
                }))
            }
            other => Err(Dg15Error::UnsupportedAlgorithm(other.to_string())),
        }
    }

    /// A short description for reports ("RSA-1024", "EC brainpoolP256r1").
    pub fn describe(&self) -> String {
        match self {
            Self::Rsa(k) => format!("RSA-{}", k.bits),
            Self::Ec(k) => format!("EC {}", k.curve),
        }
    }
}

/// PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
fn rsa_key(der: &[u8]) -> Result<RsaPublicKey, Dg15Error> {
    let key: rsa::pkcs1::RsaPublicKey<UintRef<'_>> =
        der::Decode::from_der(der).map_err(|_| Dg15Error::MalformedRsaKey)?;
    let modulus = key.modulus.as_bytes();
    let exponent = key.public_exponent.as_bytes();
    if modulus.len() > MAX_RSA_MODULUS_BYTES || exponent.len() > MAX_RSA_EXPONENT_BYTES {
        return Err(Dg15Error::RsaKeyTooLarge(modulus.len()));
    }
    let Some(&top) = modulus.first() else {
        return Err(Dg15Error::MalformedRsaKey);
    };
    if exponent.is_empty() {
        return Err(Dg15Error::MalformedRsaKey);
    }
    let bits = modulus.len() * 8 - top.leading_zeros() as usize;
    Ok(RsaPublicKey {
        modulus: modulus.to_vec(),
        exponent: exponent.to_vec(),
        bits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_wrong_tag_and_garbage() {
        assert!(matches!(
            Dg15::parse(&[0x6E, 0x00]),
            Err(Dg15Error::Tlv(TlvError::UnexpectedTag { .. }))
        ));
        assert!(matches!(
            Dg15::parse(&[0x6F, 0x02, 0x30, 0x00]),
            Err(Dg15Error::Spki(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Dg15::parse(&bytes);
            let mut wrapped = vec![0x6F, 0x82];
            wrapped.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            wrapped.extend_from_slice(&bytes);
            let _ = Dg15::parse(&wrapped);
        }
    }
}
