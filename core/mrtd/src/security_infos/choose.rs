//! Choosing the PACE variant to run from the PACEInfos a chip offers, and resolving its
//! domain parameters.
//!
//! Preference, most significant first: PACE-CAM (it also proves the chip genuine and saves
//! the separate CA round trip) over GM and IM; then the cipher (AES-256 > AES-192 >
//! AES-128 > 3DES); then ECDH over DH; then the larger group; GM over IM only as the last
//! tie-break (GM is the more widely deployed of two equally strong mappings).

use super::protocol::{Agreement, Mapping, PaceProtocol};
use super::{PaceInfo, SecurityInfos};
use crate::crypto::{CryptoError, DomainParameters, EcCurve, NamedCurve, StandardDhGroup};
use crate::symmetric::CipherAlg;

/// Everything the PACE terminal needs to start: the protocol, its domain parameters and how
/// to reference them in MSE:Set AT.
#[derive(Debug, Clone)]
pub struct PaceSetup {
    /// The protocol OID to send.
    pub protocol: PaceProtocol,
    /// The (resolved) domain parameters.
    pub domain: DomainParameters,
    /// The parameter ID from the PACEInfo.
    pub parameter_id: Option<u64>,
    /// Whether MSE:Set AT carries tag `84` with the parameter ID.
    pub send_parameter_id: bool,
    /// Whether the domain parameters are explicit ones from a PACEDomainParameterInfo (unsigned
    /// in EF.CardAccess: used only when the caller allows it, after
    /// [`crate::crypto::validate::validate_domain`]).
    pub explicit_parameters: bool,
}

impl PaceSetup {
    /// Standardized parameters by ID, referenced with tag `84`.
    pub fn standardized(protocol: PaceProtocol, parameter_id: u64) -> Result<Self, CryptoError> {
        let domain = DomainParameters::from_standardized_id(parameter_id)?;
        check_usable(protocol, &domain)?;
        Ok(Self {
            protocol,
            domain,
            parameter_id: Some(parameter_id),
            send_parameter_id: true,
            explicit_parameters: false,
        })
    }

    /// Resolves a PACEInfo against the chip's infos: a PACEDomainParameterInfo with the same
    /// mapping and parameter ID wins, else the standardized ID. Tag `84` is sent whenever the
    /// PACEInfo identifies the parameters, as the major readers do: 9303-11 §4.4.4.1 requires
    /// it only when they are ambiguous, but some chips refuse MSE:Set AT without it.
    pub fn from_info(info: &PaceInfo, infos: &SecurityInfos) -> Result<Self, CryptoError> {
        // 9303-11 §9.2.1: PACE version 2. Another version is not the protocol this runs.
        if info.version != 2 {
            return Err(CryptoError::Unsupported("PACE version other than 2"));
        }
        let explicit = infos.pace_domain_parameters().find(|d| {
            d.mapping == info.protocol.mapping
                && d.agreement == info.protocol.agreement
                && d.parameter_id == info.parameter_id
        });
        let domain = match (explicit, info.parameter_id) {
            (Some(d), _) => d.domain.clone(),
            (None, Some(id)) => DomainParameters::from_standardized_id(id)?,
            (None, None) => {
                return Err(CryptoError::MalformedParameters(
                    "PACEInfo without parameterId and no PACEDomainParameterInfo",
                ));
            }
        };
        check_usable(info.protocol, &domain)?;
        // Explicit parameters equal to a standard curve or group are that standard.
        let explicit_parameters = explicit.is_some() && domain.standardized_id().is_none();
        Ok(Self {
            protocol: info.protocol,
            domain,
            parameter_id: info.parameter_id,
            send_parameter_id: info.parameter_id.is_some(),
            explicit_parameters,
        })
    }

    /// A short name of the domain parameters for reports, e.g. `brainpoolP256r1`, `P-521`,
    /// `DH-1024-160`.
    pub fn parameters_name(&self) -> String {
        parameters_name(&self.domain)
    }
}

/// A short name of domain parameters for reports.
pub(crate) fn parameters_name(domain: &DomainParameters) -> String {
    match domain {
        DomainParameters::Ec(EcCurve::Named(c)) => match c {
            NamedCurve::P192 => "P-192".to_owned(),
            NamedCurve::P224 => "P-224".to_owned(),
            NamedCurve::P256 => "P-256".to_owned(),
            NamedCurve::P384 => "P-384".to_owned(),
            NamedCurve::P521 => "P-521".to_owned(),
            other => other.name().to_owned(),
        },
        DomainParameters::Ec(EcCurve::Explicit(p)) => {
            format!("explicit-EC-{}", p.p().len() * 8)
        }
        DomainParameters::Dh(g) => match g.standard_group() {
            Some(StandardDhGroup::Rfc5114Modp1024Q160) => "DH-1024-160".to_owned(),
            Some(StandardDhGroup::Rfc5114Modp2048Q224) => "DH-2048-224".to_owned(),
            Some(StandardDhGroup::Rfc5114Modp2048Q256) => "DH-2048-256".to_owned(),
            _ => match g.q() {
                Some(q) => format!("DH-{}-{}", g.p_len() * 8, q.len() * 8),
                None => format!("DH-{}", g.p_len() * 8),
            },
        },
    }
}

/// Rejects parameters that do not fit the protocol: DH parameters for ECDH and vice versa,
/// and Integrated Mapping on NIST P-224 (p ≢ 3 mod 4).
fn check_usable(protocol: PaceProtocol, domain: &DomainParameters) -> Result<(), CryptoError> {
    match (protocol.agreement, domain) {
        (Agreement::Ecdh, DomainParameters::Ec(c)) => {
            if protocol.mapping == Mapping::Im && *c == EcCurve::Named(NamedCurve::P224) {
                return Err(CryptoError::Unsupported(
                    "integrated mapping needs p ≡ 3 mod 4",
                ));
            }
            Ok(())
        }
        (Agreement::Dh, DomainParameters::Dh(_)) => Ok(()),
        _ => Err(CryptoError::Unsupported(
            "domain parameters do not match the key agreement",
        )),
    }
}

fn group_bits(domain: &DomainParameters) -> usize {
    match domain {
        DomainParameters::Ec(c) => c.params().p().len() * 8,
        DomainParameters::Dh(g) => g.p_len() * 8,
    }
}

fn rank(setup: &PaceSetup) -> (u8, u8, u8, usize, u8) {
    let p = setup.protocol;
    let cam = u8::from(p.mapping == Mapping::Cam);
    let cipher = match p.cipher {
        CipherAlg::Tdes => 0,
        CipherAlg::Aes128 => 1,
        CipherAlg::Aes192 => 2,
        CipherAlg::Aes256 => 3,
    };
    let ecdh = u8::from(p.agreement == Agreement::Ecdh);
    let gm = u8::from(p.mapping == Mapping::Gm);
    (cam, cipher, ecdh, group_bits(&setup.domain), gm)
}

/// The strongest PACE variant the chip offers that this crate can run, or `None` when no
/// PACEInfo is usable (then BAC, if the chip supports it). Variants on explicit domain
/// parameters take part only when `allow_explicit` is set.
pub fn choose_pace(infos: &SecurityInfos, allow_explicit: bool) -> Option<PaceSetup> {
    infos
        .pace_infos()
        .filter_map(|info| PaceSetup::from_info(info, infos).ok())
        .filter(|s| allow_explicit || !s.explicit_parameters)
        .max_by_key(rank)
}

/// Where a PACE variant stands in the preference order of [`choose_pace`] (higher is
/// stronger): to tell whether the variant that ran is weaker than one a signed list offers.
pub fn pace_rank(setup: &PaceSetup) -> impl Ord + use<> {
    rank(setup)
}
