//! Domain parameters as they appear in EF.CardAccess, EF.CardSecurity, DG14 and DS
//! certificates: standardized IDs, named-curve OIDs, and explicit DER parameters.

use der::Decode;
use der::Sequence;
use der::asn1::{Any, Uint};
use spki::AlgorithmIdentifierOwned;

use super::CryptoError;
use super::curves::NamedCurve;
use super::dh::DhGroup;
use super::dh_group::StandardDhGroup;
use super::ec_group::EcGroup;
use super::ec_parameters::EcParameters;
use super::ec_params::EcCurve;
use crate::oid::{self, AsOid, Oid};

/// Domain parameters for key agreement and signatures: an elliptic curve or a MODP group.
#[derive(Clone, Debug)]
pub enum DomainParameters {
    /// An elliptic curve (named or explicit).
    Ec(EcCurve),
    /// A Diffie–Hellman group (standard or explicit).
    Dh(DhGroup),
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

    /// A named-curve OID.
    pub fn from_named_curve_oid(oid: Oid) -> Result<Self, CryptoError> {
        NamedCurve::from_oid(oid).map(|c| DomainParameters::Ec(EcCurve::Named(c)))
    }

    /// DER `ECParameters` ([`EcParameters`]): `namedCurve` OID or `specifiedCurve` (explicit
    /// prime-field parameters; a match with a named curve yields that named curve).
    pub fn from_ec_parameters_der(der: &[u8]) -> Result<Self, CryptoError> {
        EcParameters::parse(der)?.curve().map(DomainParameters::Ec)
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

    /// From an AlgorithmIdentifier: its OID (typed, or dotted text) and the DER of its
    /// parameters.
    ///
    /// Handles `id-ecPublicKey` and `id-PK-ECDH` (ECParameters), `dhpublicnumber` and
    /// `id-PK-DH` (X9.42 DomainParameters), `dhKeyAgreement` (PKCS #3) and
    /// `standardizedDomainParameters` (INTEGER ID).
    pub fn from_algorithm_identifier(
        algorithm: impl AsOid,
        params_der: Option<&[u8]>,
    ) -> Result<Self, CryptoError> {
        let params = || params_der.ok_or(CryptoError::MalformedParameters("missing parameters"));
        match algorithm.as_oid() {
            Some(oid::EC_PUBLIC_KEY | oid::ID_PK_ECDH) => Self::from_ec_parameters_der(params()?),
            Some(oid::DH_PUBLIC_NUMBER | oid::ID_PK_DH) => {
                Self::from_dh_domain_parameters_der(params()?)
            }
            Some(oid::DH_KEY_AGREEMENT) => Self::from_pkcs3_dh_parameter_der(params()?),
            Some(oid::STANDARDIZED_DOMAIN_PARAMETERS) => {
                let id = Uint::from_der(params()?).map_err(malformed)?;
                let bytes = id.as_bytes();
                if bytes.len() > 8 {
                    return Err(CryptoError::MalformedParameters("parameter ID too large"));
                }
                let id = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
                Self::from_standardized_id(id)
            }
            _ => Err(CryptoError::UnknownParameters(algorithm.dotted())),
        }
    }

    /// The AlgorithmIdentifier that spells these parameters out: `id-ecPublicKey` with
    /// explicit [`EcParameters`], `dhpublicnumber` with X9.42 `DomainParameters` (p, g, q), or
    /// `dhKeyAgreement` with PKCS #3 `DHParameter` (p, g) for a group without q. The inverse
    /// of [`DomainParameters::from_algorithm_identifier`].
    pub fn explicit_algorithm_identifier(&self) -> Result<AlgorithmIdentifierOwned, CryptoError> {
        let (algorithm, parameters) = match self {
            DomainParameters::Ec(curve) => (
                oid::EC_PUBLIC_KEY,
                Any::encode_from(&EcParameters::specified(&curve.params())?),
            ),
            DomainParameters::Dh(group) => {
                let uint = |v: &[u8]| Uint::new(v).map_err(malformed);
                let q = group.q().map(|q| uint(&q)).transpose()?;
                let algorithm = match q {
                    Some(_) => oid::DH_PUBLIC_NUMBER,
                    None => oid::DH_KEY_AGREEMENT,
                };
                let params = DhParamsDer {
                    p: uint(&group.p())?,
                    g: uint(&group.g())?,
                    third: q,
                    j: None,
                    validation: None,
                };
                (algorithm, Any::encode_from(&params))
            }
        };
        Ok(AlgorithmIdentifierOwned {
            oid: algorithm,
            parameters: Some(parameters.map_err(malformed)?),
        })
    }

    /// `standardizedDomainParameters` with the PACE parameter ID, for standardized parameters.
    pub fn standardized_algorithm_identifier(
        &self,
    ) -> Result<AlgorithmIdentifierOwned, CryptoError> {
        let id = self.standardized_id().ok_or(CryptoError::Unsupported(
            "explicit parameters have no standardized ID",
        ))?;
        Ok(AlgorithmIdentifierOwned {
            oid: oid::STANDARDIZED_DOMAIN_PARAMETERS,
            parameters: Some(Any::encode_from(&u64::from(id)).map_err(malformed)?),
        })
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
