//! PACE (ICAO 9303-11 §4.4, App. G–I): Generic, Integrated and Chip Authentication Mapping
//! with DH and ECDH, 3DES and AES-128/192/256, MRZ and CAN passwords.
//!
//! Both halves are pure state machines over APDUs:
//!
//! * [`PaceTerminal`]: `new` returns the MSE:Set AT command; every [`PaceTerminal::step`]
//!   takes the chip's response and yields the next command, or finally the
//!   [`SecureChannel`] (SSC = 0) and a [`PaceOutcome`].
//! * [`PaceChip`]: [`PaceChip::handle`] takes each command and returns the response, and
//!   with the last one the chip's [`SecureChannel`].
//!
//! Randomness is injected. The terminal draws, in order: SK_Map,IFD (GM/CAM) or the nonce t
//! (IM) when it handles the encrypted nonce, then SK_IFD when it handles the mapping answer.
//! The chip draws s at step 1, SK_Map,IC (GM/CAM) at step 2 and SK_IC at step 3. A scripted
//! RNG therefore reproduces the worked examples byte for byte.

mod agreement;
mod chip;
mod commands;
mod keys;
mod mapping;
mod terminal;

pub use agreement::{AgreementGroup, AgreementKeyPair, AgreementPrivateKey};
pub use chip::PaceChip;
pub(crate) use commands::id_bytes;
pub use commands::{PasswordRef, general_authenticate, mse_set_at};
pub(crate) use keys::SessionKeys;
pub use keys::pace_key;
pub use terminal::{PaceTerminal, Step};

use tapid_card::StatusWord;

use crate::crypto::{CryptoError, DomainParameters, EcCurve, EcPoint};
use crate::secure_messaging::SmError;
use crate::security_infos::{ChipAuthenticationPublicKeyInfo, PaceProtocol};
use crate::symmetric::SymmetricError;

/// The five exchanges of PACE, for errors and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PaceStep {
    /// Step 0: MSE:Set AT.
    SetAt,
    /// Step 1: GENERAL AUTHENTICATE, encrypted nonce.
    EncryptedNonce,
    /// Step 2: GENERAL AUTHENTICATE, mapping.
    Mapping,
    /// Step 3: GENERAL AUTHENTICATE, key agreement.
    KeyAgreement,
    /// Step 4: GENERAL AUTHENTICATE, authentication tokens.
    MutualAuthentication,
}

impl std::fmt::Display for PaceStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PaceStep::SetAt => "MSE:Set AT",
            PaceStep::EncryptedNonce => "encrypted nonce",
            PaceStep::Mapping => "mapping",
            PaceStep::KeyAgreement => "key agreement",
            PaceStep::MutualAuthentication => "mutual authentication",
        })
    }
}

/// PACE failures, terminal and chip side. None carries keys, passwords or APDU payloads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaceError {
    /// The chip refused a step. At mutual authentication (`6300`, `6982`) this almost always
    /// means a wrong password: see [`PaceError::is_access_denied`].
    #[error("chip refused PACE {step} with status {sw}")]
    ChipStatus {
        /// Which step.
        step: PaceStep,
        /// The status word.
        sw: StatusWord,
    },
    /// The peer's authentication token is wrong: wrong password (or an attack).
    #[error("PACE authentication token mismatch (wrong password?)")]
    TokenMismatch,
    /// A response (terminal side) or command (chip side) does not have the expected shape.
    #[error("malformed PACE data at {step}: {reason}")]
    Malformed {
        /// Which step.
        step: PaceStep,
        /// What is wrong.
        reason: &'static str,
    },
    /// A received public key (or mapped generator) is invalid: off the curve, outside the
    /// subgroup, the identity, or equal to our own key.
    #[error("invalid peer public key at {step}: {source}")]
    InvalidPeerKey {
        /// Which step.
        step: PaceStep,
        /// Why.
        source: CryptoError,
    },
    /// The protocol or domain parameters cannot be used.
    #[error("unsupported PACE parameters: {0}")]
    Unsupported(CryptoError),
    /// The password type is not available (chip: not configured; terminal: not allowed).
    #[error("PACE password type not available")]
    PasswordNotAvailable,
    /// A command arrived that is not part of PACE or not expected in this state.
    #[error("PACE command out of sequence")]
    OutOfSequence,
    /// A cryptographic operation failed on our own values (e.g. the RNG).
    #[error("PACE cryptographic failure: {0}")]
    Crypto(CryptoError),
    /// A symmetric primitive failed.
    #[error(transparent)]
    Symmetric(#[from] SymmetricError),
    /// Setting up secure messaging failed.
    #[error(transparent)]
    Sm(#[from] SmError),
}

impl PaceError {
    /// Whether this failure means "wrong password / access denied" rather than a broken
    /// chip or link: a token mismatch, or the chip refusing mutual authentication with
    /// `6300`/`63Cx`/`6982`.
    pub fn is_access_denied(&self) -> bool {
        match self {
            PaceError::TokenMismatch => true,
            PaceError::ChipStatus {
                step: PaceStep::MutualAuthentication,
                sw,
            } => sw.sw1() == 0x63 || *sw == StatusWord::SECURITY_STATUS_NOT_SATISFIED,
            _ => false,
        }
    }

    /// The status word a chip answers with when its side fails with this error.
    pub fn status_word(&self) -> StatusWord {
        match self {
            PaceError::TokenMismatch => StatusWord::AUTHENTICATION_FAILED,
            PaceError::Malformed { .. } | PaceError::InvalidPeerKey { .. } => {
                StatusWord::WRONG_DATA
            }
            PaceError::Unsupported(_) | PaceError::PasswordNotAvailable => {
                StatusWord::REFERENCED_DATA_NOT_FOUND
            }
            PaceError::OutOfSequence => StatusWord::CONDITIONS_NOT_SATISFIED,
            PaceError::ChipStatus { sw, .. } => *sw,
            PaceError::Crypto(_) | PaceError::Symmetric(_) | PaceError::Sm(_) => {
                StatusWord::NO_PRECISE_DIAGNOSIS
            }
        }
    }
}

/// What a successful PACE established, for the report.
#[derive(Debug, Clone)]
pub struct PaceOutcome {
    /// The protocol that ran.
    pub protocol: PaceProtocol,
    /// The domain parameters by name, e.g. `brainpoolP256r1`, `P-521`, `DH-1024-160`.
    pub parameters: String,
    /// The parameter ID used, if any.
    pub parameter_id: Option<u64>,
    /// PACE-CAM: the chip's authentication data, to be checked against the static key of
    /// a passive-authentication-verified EF.CardSecurity.
    pub cam: Option<CamEvidence>,
}

/// The PACE-CAM evidence: CA_IC (decrypted) and PK_Map,IC. It proves the chip genuine only
/// once [`CamEvidence::verify`] succeeds with a key from a verified EF.CardSecurity.
#[derive(Clone)]
pub struct CamEvidence {
    domain: DomainParameters,
    ca_ic: Vec<u8>,
    pk_map_ic: EcPoint,
}

impl std::fmt::Debug for CamEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CamEvidence(..)")
    }
}

impl CamEvidence {
    /// CA_IC = SK_Map,IC · SK_IC⁻¹ mod n, as the chip sent it (decrypted and unpadded).
    pub fn ca_ic(&self) -> &[u8] {
        &self.ca_ic
    }

    /// The chip's mapping public key PK_Map,IC.
    pub fn pk_map_ic(&self) -> &EcPoint {
        &self.pk_map_ic
    }

    /// The chip's mapping public key, uncompressed SEC1 (for the evidence bundle).
    pub fn pk_map_ic_sec1(&self) -> Vec<u8> {
        self.pk_map_ic.to_sec1_uncompressed()
    }

    /// Checks PK_Map,IC = CA_IC · PK_IC with the static key PK_IC from EF.CardSecurity,
    /// which must be an ECDH key on the PACE curve.
    pub fn verify(&self, key: &ChipAuthenticationPublicKeyInfo) -> Result<(), CryptoError> {
        let (DomainParameters::Ec(pace_curve), DomainParameters::Ec(key_curve)) =
            (&self.domain, &key.domain)
        else {
            return Err(CryptoError::Unsupported("PACE-CAM needs EC keys"));
        };
        if EcCurve::params(pace_curve) != EcCurve::params(key_curve) {
            return Err(CryptoError::Unsupported(
                "chip authentication key is not on the PACE curve",
            ));
        }
        let group = self.domain.ec_group()?;
        let pk_ic = group.decode_point(&key.public_key)?;
        crate::crypto::pace_map::cam_verify(&group, &self.ca_ic, &pk_ic, &self.pk_map_ic)
    }
}

/// Checks recorded PACE-CAM data (CA_IC and PK_Map,IC as SEC1) against a static chip key,
/// without the session: PK_Map,IC = CA_IC · PK_IC on the key's curve. Anyone can produce such
/// a pair for a known public key, so outside the live session this shows consistency only.
pub fn verify_cam_record(
    ca_ic: &[u8],
    pk_map_ic_sec1: &[u8],
    key: &ChipAuthenticationPublicKeyInfo,
) -> Result<(), CryptoError> {
    let DomainParameters::Ec(_) = &key.domain else {
        return Err(CryptoError::Unsupported("PACE-CAM needs EC keys"));
    };
    let group = key.domain.ec_group()?;
    let pk_map_ic = group.decode_point(pk_map_ic_sec1)?;
    let pk_ic = group.decode_point(&key.public_key)?;
    crate::crypto::pace_map::cam_verify(&group, ca_ic, &pk_ic, &pk_map_ic)
}
