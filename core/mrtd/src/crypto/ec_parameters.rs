//! `ECParameters` (X9.62, RFC 3279 §2.3.5, SEC 1 §C.2): the one decoder and encoder of elliptic
//! curve domain parameters, wherever they appear — DS and CSCA certificate keys, DG15 Active
//! Authentication keys, DG14 and EF.CardSecurity Chip Authentication keys, PACE domain
//! parameters in EF.CardAccess, and the chip side that writes them.
//!
//! Decoding is strict DER; [`EcParameters::curve`] then applies every check the standards
//! ask for before the parameters reach the arithmetic (which validates the curve itself, see
//! [`super::EcGroup`]): SpecifiedECDomain version 1–3, a prime field, positive p and n, an
//! uncompressed base point, a cofactor that fits 64 bits; a named curve must be one of
//! [`NamedCurve`]; implicitCA is refused.

use der::asn1::{Any, BitString, Null, ObjectIdentifier, OctetString, Uint};
use der::{Choice, Decode, Encode, Sequence};

use super::CryptoError;
use super::curves::NamedCurve;
use super::ec_params::{EcCurve, EcCurveParams};
use crate::oid;

/// `ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, specifiedCurve SpecifiedECDomain,
/// implicitCA NULL }`.
///
/// The value lives only while parameters are decoded or encoded, so the large explicit variant
/// is not boxed (the `der` derive maps each variant to its ASN.1 type directly).
#[derive(Clone, Debug, PartialEq, Eq, Choice)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum EcParameters {
    /// A named curve by OID.
    NamedCurve(ObjectIdentifier),
    /// Explicit parameters.
    SpecifiedCurve(SpecifiedEcDomain),
    /// "Inherit the CA's parameters": not usable for eMRTD keys.
    ImplicitCa(Null),
}

/// `SpecifiedECDomain ::= SEQUENCE { version, fieldID FieldID, curve Curve, base ECPoint,
/// order INTEGER, cofactor INTEGER OPTIONAL, hash HashAlgorithm OPTIONAL }` (SEC 1 §C.2).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct SpecifiedEcDomain {
    /// 1 (3 with a hash; 2 for a verifiably random curve).
    pub version: u8,
    /// The field: `prime-field` and p.
    pub field_id: FieldId,
    /// The coefficients a and b (and the seed).
    pub curve: Curve,
    /// The base point G as an X9.62 octet string.
    pub base: OctetString,
    /// The order n of G.
    pub order: Uint,
    /// The cofactor h (default 1 when absent).
    pub cofactor: Option<Uint>,
    /// The hash of a verifiably random curve; ignored.
    pub hash: Option<Any>,
}

/// `FieldID ::= SEQUENCE { fieldType OBJECT IDENTIFIER, parameters ANY DEFINED BY fieldType }`.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct FieldId {
    /// `prime-field` (characteristic-two fields are not supported).
    pub field_type: ObjectIdentifier,
    /// For a prime field: `Prime-p ::= INTEGER`.
    pub parameters: Any,
}

/// `Curve ::= SEQUENCE { a FieldElement, b FieldElement, seed BIT STRING OPTIONAL }`.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Curve {
    /// Coefficient a.
    pub a: OctetString,
    /// Coefficient b.
    pub b: OctetString,
    /// The seed of a verifiably random curve; ignored.
    pub seed: Option<BitString>,
}

fn malformed(_: der::Error) -> CryptoError {
    CryptoError::MalformedParameters("DER")
}

/// A small non-negative INTEGER (cofactor) as u64.
fn small(value: &Uint, what: &'static str) -> Result<u64, CryptoError> {
    let bytes = value.as_bytes();
    if bytes.len() > 8 {
        return Err(CryptoError::MalformedParameters(what));
    }
    Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

impl EcParameters {
    /// Decodes DER `ECParameters` (strict DER, no trailing bytes).
    pub fn parse(der: &[u8]) -> Result<Self, CryptoError> {
        match der.first() {
            Some(0x06 | 0x30 | 0x05) => Self::from_der(der).map_err(malformed),
            _ => Err(CryptoError::MalformedParameters("ECParameters")),
        }
    }

    /// The named curve, for a key on one.
    pub fn named(curve: NamedCurve) -> Self {
        Self::NamedCurve(curve.object_id())
    }

    /// Explicit parameters (version 1, prime field, uncompressed base, no seed or hash), as
    /// real passports write them for Chip Authentication keys.
    pub fn specified(params: &EcCurveParams) -> Result<Self, CryptoError> {
        let uint = |v: &[u8]| Uint::new(v).map_err(malformed);
        let octets = |v: Vec<u8>| OctetString::new(v).map_err(malformed);
        let mut base = vec![0x04];
        base.extend_from_slice(params.gx());
        base.extend_from_slice(params.gy());
        Ok(Self::SpecifiedCurve(SpecifiedEcDomain {
            version: 1,
            field_id: FieldId {
                field_type: oid::PRIME_FIELD,
                parameters: Any::encode_from(&uint(params.p())?).map_err(malformed)?,
            },
            curve: Curve {
                a: octets(params.a().to_vec())?,
                b: octets(params.b().to_vec())?,
                seed: None,
            },
            base: octets(base)?,
            order: uint(params.n())?,
            cofactor: Some(uint(&params.cofactor().to_be_bytes())?),
            hash: None,
        }))
    }

    /// The DER encoding.
    pub fn encode(&self) -> Result<Vec<u8>, CryptoError> {
        self.to_der().map_err(malformed)
    }

    /// The curve these parameters describe, after the checks of the module documentation.
    /// Explicit parameters equal to a named curve yield that named curve.
    pub fn curve(&self) -> Result<EcCurve, CryptoError> {
        match self {
            Self::NamedCurve(oid) => NamedCurve::from_oid(*oid).map(EcCurve::Named),
            Self::SpecifiedCurve(d) => d.params().map(EcCurve::from_params),
            Self::ImplicitCa(_) => Err(CryptoError::Unsupported("implicitCA EC parameters")),
        }
    }
}

impl SpecifiedEcDomain {
    /// The checked, normalised parameters.
    pub fn params(&self) -> Result<EcCurveParams, CryptoError> {
        if !(1..=3).contains(&self.version) {
            return Err(CryptoError::MalformedParameters(
                "SpecifiedECDomain version",
            ));
        }
        if self.field_id.field_type != oid::PRIME_FIELD {
            return Err(CryptoError::UnsupportedCurve(
                self.field_id.field_type.to_string(),
            ));
        }
        let p: Uint = self.field_id.parameters.decode_as().map_err(malformed)?;
        let (tag, coords) = self
            .base
            .as_bytes()
            .split_first()
            .ok_or(CryptoError::MalformedParameters("empty base point"))?;
        if *tag != 0x04 || coords.len() % 2 != 0 {
            return Err(CryptoError::Unsupported(
                "compressed or malformed base point",
            ));
        }
        let (gx, gy) = coords
            .split_at_checked(coords.len() / 2)
            .ok_or(CryptoError::MalformedParameters("base point"))?;
        let cofactor = match &self.cofactor {
            None => 1,
            Some(h) => small(h, "cofactor too large")?,
        };
        EcCurveParams::new(
            p.as_bytes(),
            self.curve.a.as_bytes(),
            self.curve.b.as_bytes(),
            gx,
            gy,
            self.order.as_bytes(),
            cofactor,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specified_parameters_round_trip_to_the_named_curve() {
        for curve in NamedCurve::ALL {
            let der = EcParameters::specified(&EcCurveParams::named(curve))
                .unwrap()
                .encode()
                .unwrap();
            let back = EcParameters::parse(&der).unwrap();
            assert_eq!(back.curve().unwrap(), EcCurve::Named(curve));
            let named = EcParameters::named(curve).encode().unwrap();
            assert_eq!(
                EcParameters::parse(&named).unwrap().curve().unwrap(),
                EcCurve::Named(curve)
            );
        }
        assert!(matches!(
            EcParameters::parse(&[0x05, 0x00]).unwrap().curve(),
            Err(CryptoError::Unsupported(_))
        ));
        assert!(matches!(
            EcParameters::parse(&[0x02, 0x01, 0x01]),
            Err(CryptoError::MalformedParameters(_))
        ));
    }
}
