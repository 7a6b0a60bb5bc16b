//! `SecurityInfos` (ICAO 9303-11 §9.2, BSI TR-03110-3 A.1): the DER `SET OF SecurityInfo` in
//! EF.CardAccess, DG14 (inside tag `6E`) and the signed content of EF.CardSecurity, parsed
//! into typed infos. The files themselves are [`crate::lds::card_access`],
//! [`crate::lds::dg14`] and [`crate::lds::card_security`].
//!
//! Malformed DER is an error. A well-formed info whose protocol is unknown is kept as
//! [`SecurityInfo::Unknown`] (OID and raw bytes), and a known info whose domain parameters
//! this crate cannot use as [`SecurityInfo::Unsupported`]: one odd entry must not make a
//! whole EF.CardAccess or DG14 unreadable.

mod choose;
mod encode;
mod infos;
mod protocol;

pub(crate) use choose::parameters_name;
pub use choose::{PaceSetup, choose_pace, pace_rank};
pub use encode::{DomainParameterForm, encode_security_infos};
pub use infos::{
    ActiveAuthenticationInfo, ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo,
    PaceDomainParameterInfo, PaceInfo, TerminalAuthenticationInfo, UnknownInfo, UnsupportedInfo,
};
pub use protocol::{Agreement, CaProtocol, Mapping, PaceProtocol};

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Reader, SliceReader, Tag, Tagged};

use crate::crypto::CryptoError;

/// Why SecurityInfos could not be parsed. Carries no file content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecurityInfoError {
    /// The outer structure is not a DER `SET` (or DG14's `6E` around one).
    #[error("SecurityInfos: {0}")]
    Structure(&'static str),
    /// A `SecurityInfo` of a known protocol does not have the standard's shape.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// Explicit domain parameters could not be read.
    #[error("domain parameters: {0}")]
    DomainParameters(#[from] CryptoError),
}

/// One `SecurityInfo`, typed by its protocol OID.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SecurityInfo {
    /// `PACEInfo`: a PACE protocol the chip supports.
    Pace(PaceInfo),
    /// `PACEDomainParameterInfo`: explicit (or proprietary) PACE domain parameters.
    PaceDomainParameter(PaceDomainParameterInfo),
    /// `ChipAuthenticationInfo`: a CA protocol and the key it uses.
    ChipAuthentication(ChipAuthenticationInfo),
    /// `ChipAuthenticationPublicKeyInfo`: a static CA key (also the PACE-CAM key).
    ChipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo),
    /// `ActiveAuthenticationInfo`: the ECDSA signature algorithm of AA.
    ActiveAuthentication(ActiveAuthenticationInfo),
    /// `TerminalAuthenticationInfo`: recognised; EAC is not needed for identity matching.
    TerminalAuthentication(TerminalAuthenticationInfo),
    /// A known protocol whose domain parameters this crate cannot use.
    Unsupported(UnsupportedInfo),
    /// Any other protocol, kept as OID and raw bytes.
    Unknown(UnknownInfo),
}

/// The parsed `SET OF SecurityInfo`, in file order.
#[derive(Debug, Clone, Default)]
pub struct SecurityInfos {
    infos: Vec<SecurityInfo>,
}

impl SecurityInfos {
    /// Parses DER `SecurityInfos` (EF.CardAccess, DG14's content, or the content of
    /// EF.CardSecurity).
    pub fn parse(der: &[u8]) -> Result<Self, SecurityInfoError> {
        let set = AnyRef::from_der(der)
            .ok()
            .filter(|set| set.tag() == Tag::Set)
            .ok_or(SecurityInfoError::Structure("expected one DER SET"))?;
        let mut reader = SliceReader::new(set.value())
            .map_err(|_| SecurityInfoError::Structure("expected one DER SET"))?;
        let mut infos = Vec::new();
        while !reader.is_finished() {
            let raw = reader
                .tlv_bytes()
                .map_err(|_| SecurityInfoError::Structure("malformed SecurityInfo length"))?;
            infos.push(infos::parse_one(raw)?);
        }
        Ok(Self { infos })
    }

    /// All infos in file order.
    pub fn infos(&self) -> &[SecurityInfo] {
        &self.infos
    }

    /// The PACEInfos (the PACE variants the chip offers).
    pub fn pace_infos(&self) -> impl Iterator<Item = &PaceInfo> {
        self.infos.iter().filter_map(|i| match i {
            SecurityInfo::Pace(p) => Some(p),
            _ => None,
        })
    }

    /// The PACEDomainParameterInfos.
    pub fn pace_domain_parameters(&self) -> impl Iterator<Item = &PaceDomainParameterInfo> {
        self.infos.iter().filter_map(|i| match i {
            SecurityInfo::PaceDomainParameter(p) => Some(p),
            _ => None,
        })
    }

    /// The ChipAuthenticationInfos.
    pub fn chip_authentication_infos(&self) -> impl Iterator<Item = &ChipAuthenticationInfo> {
        self.infos.iter().filter_map(|i| match i {
            SecurityInfo::ChipAuthentication(p) => Some(p),
            _ => None,
        })
    }

    /// The static Chip Authentication public keys.
    pub fn chip_authentication_public_keys(
        &self,
    ) -> impl Iterator<Item = &ChipAuthenticationPublicKeyInfo> {
        self.infos.iter().filter_map(|i| match i {
            SecurityInfo::ChipAuthenticationPublicKey(p) => Some(p),
            _ => None,
        })
    }

    /// The ActiveAuthenticationInfo, if present.
    pub fn active_authentication(&self) -> Option<&ActiveAuthenticationInfo> {
        self.infos.iter().find_map(|i| match i {
            SecurityInfo::ActiveAuthentication(p) => Some(p),
            _ => None,
        })
    }

    /// Whether a TerminalAuthenticationInfo is present (EAC-protected data groups exist).
    pub fn has_terminal_authentication(&self) -> bool {
        self.infos
            .iter()
            .any(|i| matches!(i, SecurityInfo::TerminalAuthentication(_)))
    }
}

/// Reads the OID at the start of a SecurityInfo (`raw` is its whole DER encoding).
fn protocol_oid(raw: &[u8]) -> Result<ObjectIdentifier, SecurityInfoError> {
    let item = AnyRef::from_der(raw)
        .map_err(|_| SecurityInfoError::Structure("malformed SecurityInfo length"))?;
    if item.tag() != Tag::Sequence {
        return Err(SecurityInfoError::Structure(
            "SecurityInfo is not a SEQUENCE",
        ));
    }
    let mut fields = SliceReader::new(item.value())
        .map_err(|_| SecurityInfoError::Structure("malformed SecurityInfo"))?;
    if fields.is_finished() {
        return Err(SecurityInfoError::Structure("empty SecurityInfo"));
    }
    match Tag::peek(&fields) {
        Ok(Tag::ObjectIdentifier) => fields
            .decode()
            .map_err(|_| SecurityInfoError::Structure("malformed protocol OID")),
        Ok(_) => Err(SecurityInfoError::Structure(
            "SecurityInfo does not start with an OID",
        )),
        Err(_) => Err(SecurityInfoError::Structure("malformed SecurityInfo")),
    }
}
