//! Domain parameters as they appear in EF.CardAccess, EF.CardSecurity, DG14 and DS
//! certificates: standardized IDs, named-curve OIDs, and explicit DER parameters.

use der::asn1::{Any, BitString, ObjectIdentifier, OctetString, Uint};
use der::{Decode, Sequence};

use super::CryptoError;
use super::curves::NamedCurve;
use super::dh::DhGroup;
use super::dh_group::StandardDhGroup;
use super::ec_group::EcGroup;
use super::ec_params::{EcCurve, EcCurveParams};

/// `id-ecPublicKey` (X9.62).
pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// `prime-field` (X9.62 FieldID).
pub const OID_PRIME_FIELD: &str = "1.2.840.10045.1.1";
/// `dhpublicnumber` (X9.42).
pub const OID_DH_PUBLIC_NUMBER: &str = "1.2.840.10046.2.1";
/// `dhKeyAgreement` (PKCS #3).
pub const OID_DH_KEY_AGREEMENT: &str = "1.2.840.113549.1.3.1";
/// `standardizedDomainParameters` (BSI TR-03110): parameters = INTEGER ID.
pub const OID_STANDARDIZED_DOMAIN_PARAMETERS: &str = "0.4.0.127.0.7.1.2";
/// `id-PK-DH` (BSI TR-03110).
pub const OID_PK_DH: &str = "0.4.0.127.0.7.2.2.1.1";
/// `id-PK-ECDH` (BSI TR-03110).
pub const OID_PK_ECDH: &str = "0.4.0.127.0.7.2.2.1.2";

/// Domain parameters for key agreement and signatures: an elliptic curve or a MODP group.
#[derive(Clone, Debug)]
pub enum DomainParameters {
    /// An elliptic curve (named or explicit).
    Ec(EcCurve),
    /// A Diffie–Hellman group (standard or explicit).
    Dh(DhGroup),
}

/// `SpecifiedECDomain` (SEC 1 §C.2 / X9.62), tolerant of a trailing hash field.
#[derive(Sequence)]
struct SpecifiedEcDomain {
    version: u8,
    field_id: FieldId,
    curve: CurveDer,
    base: OctetString,
    order: Uint,
    cofactor: Option<Uint>,
    hash: Option<Any>,
}

#[derive(Sequence)]
struct FieldId {
    field_type: ObjectIdentifier,
    parameters: Any,
}

#[derive(Sequence)]
struct CurveDer {
    a: OctetString,
    b: OctetString,
    seed: Option<BitString>,
}

/// X9.42 `DomainParameters` (p, g, q, j?, validationParms?) or PKCS #3 `DHParameter`
/// (p, g, privateValueLength?).
#[derive(Sequence)]
struct DhParamsDer {
    p: Uint,
    g: Uint,
    third: Option<Uint>,
    j: Option<Uint>,
    validation: Option<Any>,
}

fn malformed(_: der::Error) -> CryptoError {
    CryptoError::MalformedParameters("DER")
}

impl DomainParameters {
    /// PACE standardized domain parameter IDs: 0–2 (RFC 5114 DH), 8–18 (curves).
    pub fn from_standardized_id(id: u64) -> Result<Self, CryptoError> {
        if let Ok(g) = StandardDhGroup::from_standardized_id(id) {
            return Ok(DomainParameters::Dh(DhGroup::standard(g)?));
        }
        NamedCurve::from_standardized_id(id).map(|c| DomainParameters::Ec(EcCurve::Named(c)))
    }

    /// A named-curve OID (dotted text).
    pub fn from_named_curve_oid(oid: &str) -> Result<Self, CryptoError> {
        NamedCurve::from_oid(oid).map(|c| DomainParameters::Ec(EcCurve::Named(c)))
    }

    /// DER `ECParameters`: `namedCurve` OID or `specifiedCurve` (explicit prime-field
    /// parameters; a match with a named curve yields that named curve).
    pub fn from_ec_parameters_der(der: &[u8]) -> Result<Self, CryptoError> {
        match der.first() {
            Some(0x06) => {
                let oid: ObjectIdentifier = ObjectIdentifier::from_der(der).map_err(malformed)?;
                Self::from_named_curve_oid(&oid.to_string())
            }
            Some(0x30) => {
                parse_specified(der).map(|p| DomainParameters::Ec(EcCurve::from_params(p)))
            }
            Some(0x05) => Err(CryptoError::Unsupported("implicitCA EC parameters")),
            _ => Err(CryptoError::MalformedParameters("ECParameters")),
        }
    }

    /// DER X9.42 `DomainParameters` (p, g, q) as used with `dhpublicnumber` and `id-PK-DH`.
    pub fn from_dh_domain_parameters_der(der: &[u8]) -> Result<Self, CryptoError> {
        let d = DhParamsDer::from_der(der).map_err(malformed)?;
        let q = d.third.ok_or(CryptoError::MalformedParameters(
            "X9.42 parameters without q",
        ))?;
        dh_from_parts(d.p.as_bytes(), d.g.as_bytes(), Some(q.as_bytes()))
    }

    /// DER PKCS #3 `DHParameter` (p, g, privateValueLength?), no subgroup order.
    pub fn from_pkcs3_dh_parameter_der(der: &[u8]) -> Result<Self, CryptoError> {
        let d = DhParamsDer::from_der(der).map_err(malformed)?;
        dh_from_parts(d.p.as_bytes(), d.g.as_bytes(), None)
    }

    /// From an AlgorithmIdentifier: its OID (dotted) and the DER of its parameters.
    ///
    /// Handles `id-ecPublicKey` and `id-PK-ECDH` (ECParameters), `dhpublicnumber` and
    /// `id-PK-DH` (X9.42 DomainParameters), `dhKeyAgreement` (PKCS #3) and
    /// `standardizedDomainParameters` (INTEGER ID).
    pub fn from_algorithm_identifier(
        oid: &str,
        params_der: Option<&[u8]>,
    ) -> Result<Self, CryptoError> {
        let params = || params_der.ok_or(CryptoError::MalformedParameters("missing parameters"));
        match oid {
            OID_EC_PUBLIC_KEY | OID_PK_ECDH => Self::from_ec_parameters_der(params()?),
            OID_DH_PUBLIC_NUMBER | OID_PK_DH => Self::from_dh_domain_parameters_der(params()?),
            OID_DH_KEY_AGREEMENT => Self::from_pkcs3_dh_parameter_der(params()?),
            OID_STANDARDIZED_DOMAIN_PARAMETERS => {
                let id = Uint::from_der(params()?).map_err(malformed)?;
                let bytes = id.as_bytes();
                if bytes.len() > 8 {
                    return Err(CryptoError::MalformedParameters("parameter ID too large"));
                }
                let id = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
                Self::from_standardized_id(id)
            }
            other => Err(CryptoError::UnknownParameters(other.to_owned())),
        }
    }

    /// The EC group (standard generator) for EC parameters.
    pub fn ec_group(&self) -> Result<EcGroup, CryptoError> {
        match self {
            DomainParameters::Ec(c) => EcGroup::new(c),
            DomainParameters::Dh(_) => Err(CryptoError::Unsupported("DH parameters, not EC")),
        }
    }

    /// The DH group for DH parameters.
    pub fn dh_group(&self) -> Result<DhGroup, CryptoError> {
        match self {
            DomainParameters::Dh(g) => Ok(g.clone()),
            DomainParameters::Ec(_) => Err(CryptoError::Unsupported("EC parameters, not DH")),
        }
    }

    /// The PACE standardized ID of these parameters, if they are standardized.
    pub fn standardized_id(&self) -> Option<u8> {
        match self {
            DomainParameters::Ec(EcCurve::Named(c)) => Some(c.standardized_id()),
            DomainParameters::Ec(EcCurve::Explicit(_)) => None,
            DomainParameters::Dh(g) => g.standard_group().map(StandardDhGroup::standardized_id),
        }
    }
}

fn dh_from_parts(p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<DomainParameters, CryptoError> {
    let explicit = DhGroup::from_params(p, g, q)?;
    let standard = StandardDhGroup::ALL
        .into_iter()
        .find(|s| s.p() == explicit.p() && s.g() == explicit.g() && Some(s.q()) == explicit.q());
    match standard {
        Some(s) => DhGroup::standard(s).map(DomainParameters::Dh),
        None => Ok(DomainParameters::Dh(explicit)),
    }
}

fn parse_specified(der: &[u8]) -> Result<EcCurveParams, CryptoError> {
    let d = SpecifiedEcDomain::from_der(der).map_err(malformed)?;
    if !(1..=3).contains(&d.version) {
        return Err(CryptoError::MalformedParameters(
            "SpecifiedECDomain version",
        ));
    }
    let field_type = d.field_id.field_type.to_string();
    if field_type != OID_PRIME_FIELD {
        return Err(CryptoError::UnsupportedCurve(field_type));
    }
    let p: Uint = d.field_id.parameters.decode_as().map_err(malformed)?;
    let base = d.base.as_bytes();
    let (tag, coords) = base
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
    let cofactor = match &d.cofactor {
        None => 1,
        Some(h) => {
            let bytes = h.as_bytes();
            if bytes.len() > 8 {
                return Err(CryptoError::MalformedParameters("cofactor too large"));
            }
            bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        }
    };
    EcCurveParams::new(
        p.as_bytes(),
        d.curve.a.as_bytes(),
        d.curve.b.as_bytes(),
        gx,
        gy,
        d.order.as_bytes(),
        cofactor,
    )
}
