//! The typed `SecurityInfo` shapes of 9303-11 §9.2 and their DER decoding.

use der::asn1::{Any, ObjectIdentifier, Uint};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::protocol::{Agreement, CaProtocol, Mapping, PaceProtocol};
use super::{SecurityInfo, SecurityInfoError, protocol_oid};
use crate::crypto::{CryptoError, DomainParameters};
use crate::oid;

/// `PACEInfo ::= SEQUENCE { protocol, version INTEGER, parameterId INTEGER OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceInfo {
    /// Mapping, key agreement and cipher.
    pub protocol: PaceProtocol,
    /// The PACE version (2 for ICAO PACE).
    pub version: u64,
    /// Standardized domain parameter ID (0–2, 8–18) or the ID of a PACEDomainParameterInfo.
    pub parameter_id: Option<u64>,
}

/// `PACEDomainParameterInfo ::= SEQUENCE { protocol, domainParameter AlgorithmIdentifier,
/// parameterId INTEGER OPTIONAL }`, protocol = `id-PACE-{DH,ECDH}-{GM,IM,CAM}`.
#[derive(Debug, Clone)]
pub struct PaceDomainParameterInfo {
    /// The mapping these parameters are for.
    pub mapping: Mapping,
    /// DH or ECDH.
    pub agreement: Agreement,
    /// The explicit (or standardized) parameters.
    pub domain: DomainParameters,
    /// The ID a PACEInfo refers to these parameters by.
    pub parameter_id: Option<u64>,
}

/// `ChipAuthenticationInfo ::= SEQUENCE { protocol, version INTEGER, keyId INTEGER OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationInfo {
    /// Key agreement and cipher of CA.
    pub protocol: CaProtocol,
    /// 1 for CA v1 (ICAO), 2 for CA v2 (EAC).
    pub version: u64,
    /// Which ChipAuthenticationPublicKeyInfo this refers to, when the chip has several.
    pub key_id: Option<u64>,
}

/// `ChipAuthenticationPublicKeyInfo ::= SEQUENCE { protocol id-PK-DH|id-PK-ECDH,
/// chipAuthenticationPublicKey SubjectPublicKeyInfo, keyId INTEGER OPTIONAL }`.
#[derive(Debug, Clone)]
pub struct ChipAuthenticationPublicKeyInfo {
    /// DH or ECDH.
    pub agreement: Agreement,
    /// The key's domain parameters.
    pub domain: DomainParameters,
    /// The public key on the wire: EC `04 ‖ X ‖ Y` (validated), DH `y` with |p| bytes.
    pub public_key: Vec<u8>,
    /// The key's identifier (tag `84` in the CA commands).
    pub key_id: Option<u64>,
}

/// `ActiveAuthenticationInfo ::= SEQUENCE { protocol id-AA, version INTEGER,
/// signatureAlgorithm OID }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAuthenticationInfo {
    /// 1.
    pub version: u64,
    /// The ECDSA signature algorithm, e.g. `ecdsa-plain-SHA256` 0.4.0.127.0.7.1.1.4.1.3.
    pub signature_algorithm: ObjectIdentifier,
}

/// `TerminalAuthenticationInfo ::= SEQUENCE { protocol id-TA, version INTEGER, efCVCA
/// OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalAuthenticationInfo {
    /// 1 or 2.
    pub version: u64,
}

/// An info of a protocol this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownInfo {
    /// The protocol OID.
    pub oid: ObjectIdentifier,
    /// The whole DER `SecurityInfo`.
    pub raw: Vec<u8>,
}

/// An info of a known protocol whose parameters or key cannot be used here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedInfo {
    /// The protocol OID.
    pub oid: ObjectIdentifier,
    /// The whole DER `SecurityInfo`.
    pub raw: Vec<u8>,
    /// Why it cannot be used.
    pub reason: CryptoError,
}

/// `SEQUENCE { protocol, version INTEGER, extra OPTIONAL }`: PACEInfo (parameterId),
/// ChipAuthenticationInfo (keyId), TerminalAuthenticationInfo (efCVCA).
#[derive(Sequence)]
pub(super) struct VersionedDer {
    pub(super) protocol: ObjectIdentifier,
    pub(super) version: u64,
    pub(super) extra: Option<Any>,
}

#[derive(Sequence)]
struct PaceDomainDer {
    protocol: ObjectIdentifier,
    domain: AlgorithmIdentifierOwned,
    parameter_id: Option<u64>,
}

/// `ChipAuthenticationPublicKeyInfo`.
#[derive(Sequence)]
pub(super) struct PublicKeyDer {
    pub(super) protocol: ObjectIdentifier,
    pub(super) key: SubjectPublicKeyInfoOwned,
    pub(super) key_id: Option<u64>,
}

/// `ActiveAuthenticationInfo`.
#[derive(Sequence)]
pub(super) struct AaDer {
    pub(super) protocol: ObjectIdentifier,
    pub(super) version: u64,
    pub(super) signature_algorithm: ObjectIdentifier,
}

/// Reads an optional trailing INTEGER that must fit in u64.
fn optional_u64(any: Option<Any>, what: &'static str) -> Result<Option<u64>, SecurityInfoError> {
    any.map(|a| a.decode_as::<u64>())
        .transpose()
        .map_err(|_| SecurityInfoError::Malformed(what))
}

/// Parses one SecurityInfo (`raw` is its full DER encoding), dispatching on the protocol OID:
/// `id-AA`, and the families under `id-PACE`, `id-CA`, `id-PK` and `id-TA`.
pub(super) fn parse_one(raw: &[u8]) -> Result<SecurityInfo, SecurityInfoError> {
    let oid = protocol_oid(raw)?;
    let unknown = || {
        SecurityInfo::Unknown(UnknownInfo {
            oid,
            raw: raw.to_vec(),
        })
    };
    if oid == oid::ID_AA {
        let d = AaDer::from_der(raw)
            .map_err(|_| SecurityInfoError::Malformed("ActiveAuthenticationInfo"))?;
        return Ok(SecurityInfo::ActiveAuthentication(
            ActiveAuthenticationInfo {
                version: d.version,
                signature_algorithm: d.signature_algorithm,
            },
        ));
    }
    let unsupported = |reason: CryptoError| {
        SecurityInfo::Unsupported(UnsupportedInfo {
            oid,
            raw: raw.to_vec(),
            reason,
        })
    };
    // The arcs below a family's base OID (single-byte arcs: all the standard defines).
    let under = |base: ObjectIdentifier| oid.as_bytes().strip_prefix(base.as_bytes());
    if oid == oid::ID_TA {
        let d = VersionedDer::from_der(raw)
            .map_err(|_| SecurityInfoError::Malformed("TerminalAuthenticationInfo"))?;
        return Ok(SecurityInfo::TerminalAuthentication(
            TerminalAuthenticationInfo { version: d.version },
        ));
    }
    if let Some(arcs) = under(oid::ID_PACE) {
        return match arcs {
            [_, _] => match PaceProtocol::from_oid_bytes(oid.as_bytes()) {
                Some(protocol) => {
                    let d = VersionedDer::from_der(raw)
                        .map_err(|_| SecurityInfoError::Malformed("PACEInfo"))?;
                    Ok(SecurityInfo::Pace(PaceInfo {
                        protocol,
                        version: d.version,
                        parameter_id: optional_u64(d.extra, "PACEInfo parameterId")?,
                    }))
                }
                None => Ok(unknown()),
            },
            [m] => {
                let Some((mapping, agreement)) = PaceProtocol::mapping_from_arc(*m) else {
                    return Ok(unknown());
                };
                let d = PaceDomainDer::from_der(raw)
                    .map_err(|_| SecurityInfoError::Malformed("PACEDomainParameterInfo"))?;
                match domain_from_algorithm(&d.domain) {
                    Ok(domain) => Ok(SecurityInfo::PaceDomainParameter(PaceDomainParameterInfo {
                        mapping,
                        agreement,
                        domain,
                        parameter_id: d.parameter_id,
                    })),
                    Err(reason) => Ok(unsupported(reason)),
                }
            }
            _ => Ok(unknown()),
        };
    }
    if under(oid::ID_CA).is_some_and(|arcs| arcs.len() == 2) {
        return match CaProtocol::from_oid_bytes(oid.as_bytes()) {
            Some(protocol) => {
                let d = VersionedDer::from_der(raw)
                    .map_err(|_| SecurityInfoError::Malformed("ChipAuthenticationInfo"))?;
                Ok(SecurityInfo::ChipAuthentication(ChipAuthenticationInfo {
                    protocol,
                    version: d.version,
                    key_id: optional_u64(d.extra, "ChipAuthenticationInfo keyId")?,
                }))
            }
            None => Ok(unknown()),
        };
    }
    let agreement = match oid {
        oid::ID_PK_DH => Agreement::Dh,
        oid::ID_PK_ECDH => Agreement::Ecdh,
        _ => return Ok(unknown()),
    };
    let d = PublicKeyDer::from_der(raw)
        .map_err(|_| SecurityInfoError::Malformed("ChipAuthenticationPublicKeyInfo"))?;
    match public_key(agreement, &d.key) {
        Ok((domain, public_key)) => Ok(SecurityInfo::ChipAuthenticationPublicKey(
            ChipAuthenticationPublicKeyInfo {
                agreement,
                domain,
                public_key,
                key_id: d.key_id,
            },
        )),
        Err(reason) => Ok(unsupported(reason)),
    }
}

fn domain_from_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<DomainParameters, CryptoError> {
    let params = alg
        .parameters
        .as_ref()
        .map(Encode::to_der)
        .transpose()
        .map_err(|_| CryptoError::MalformedParameters("AlgorithmIdentifier parameters"))?;
    DomainParameters::from_algorithm_identifier(alg.oid, params.as_deref())
}

/// Domain parameters and the wire encoding of a SubjectPublicKeyInfo's key, validated.
fn public_key(
    agreement: Agreement,
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<(DomainParameters, Vec<u8>), CryptoError> {
    let domain = domain_from_algorithm(&spki.algorithm)?;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or(CryptoError::InvalidPoint)?;
    match (agreement, &domain) {
        (Agreement::Ecdh, DomainParameters::Ec(_)) => {
            let point = domain.ec_group()?.decode_point(bits)?;
            Ok((domain, point.to_sec1_uncompressed()))
        }
        (Agreement::Dh, DomainParameters::Dh(group)) => {
            // id-PK-DH: the BIT STRING holds a DER INTEGER y.
            let y = Uint::from_der(bits).map_err(|_| CryptoError::InvalidDhValue)?;
            let y = y.as_bytes();
            let width = group.p_len();
            let pad = width
                .checked_sub(y.len())
                .ok_or(CryptoError::InvalidDhValue)?;
            let mut out = vec![0u8; pad];
            out.extend_from_slice(y);
            group.validate_public(&out)?;
            Ok((domain, out))
        }
        _ => Err(CryptoError::Unsupported(
            "key type does not match the id-PK protocol",
        )),
    }
}
