//! The evidence bundle: everything a server needs to re-verify a read without trusting the
//! phone — the raw EF.SOD and every file read, the access protocol, the Active Authentication
//! challenge and signature, the Chip Authentication and PACE-CAM records, the options, the
//! trust anchors the device used and its clock.
//!
//! What a server can prove from it offline: passive authentication (the files are signed), and
//! Active Authentication over the recorded challenge (best one the server chose). Chip
//! Authentication and PACE-CAM prove the chip only inside the live session: their records can
//! be fabricated, so an offline verdict names them "proved on the device".
//!
//! One canonical byte form ([`Evidence::to_canonical_bytes`]): compact JSON, fields in
//! declaration order, maps sorted by key, bytes in standard base64.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::report::{AccessReport, ChallengeSource, SCHEMA_VERSION};
use crate::lds::ElementaryFile;

/// The `format` value of an evidence bundle.
pub const FORMAT: &str = "tapid-evidence";

/// Bytes serialised as standard base64.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    // Evidence bytes are personal data (DG1 is the MRZ): only their length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({})", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Bytes)
            .map_err(|_| serde::de::Error::custom("invalid base64"))
    }
}

/// The read options that shape what a verifier may expect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceOptions {
    /// Data groups asked for besides DG1.
    pub data_groups: Vec<u8>,
    /// Whether data groups EF.SOD does not list were read too.
    pub read_unlisted: bool,
    /// Whether a BAC fallback (and so a downgrade) was allowed.
    pub allow_bac_fallback: bool,
    /// Whether explicit PACE domain parameters from EF.CardAccess were allowed.
    pub allow_explicit_pace_parameters: bool,
}

/// How the Chip Authentication run ended, as the device saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaOutcome {
    /// An answer under the new keys verified: the chip holds the DG14 key.
    Confirmed,
    /// Answers under the new keys failed.
    KeyMismatch,
    /// Secure messaging ended before the chip could be asked under the new keys.
    NotConfirmed,
    /// The chip refused a CA command.
    Refused {
        /// The status word, four hex digits.
        sw: String,
    },
    /// DG14's key or protocol could not be used.
    Unusable {
        /// Why.
        detail: String,
    },
}

/// The Chip Authentication run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaRecord {
    /// The protocol, e.g. `id-CA-ECDH-AES-CBC-CMAC-128`.
    pub protocol: String,
    /// The key ID sent, when DG14 names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<u64>,
    /// The terminal's ephemeral public key (empty when CA could not start).
    pub terminal_public_key: Bytes,
    /// How it ended.
    pub outcome: CaOutcome,
}

/// The Active Authentication run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AaRecord {
    /// The 8-byte challenge sent.
    pub challenge: Bytes,
    /// Where it came from.
    pub challenge_source: ChallengeSource,
    /// The chip's signature, when it answered with data under a verified MAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Bytes>,
    /// The status word (four hex digits) when the chip refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The PACE-CAM data the chip sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamRecord {
    /// CA_IC, decrypted.
    pub ca_ic: Bytes,
    /// The chip's mapping public key PK_Map,IC (uncompressed SEC1).
    pub pk_map_ic: Bytes,
}

/// A trust anchor the device's verdict rested on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustAnchor {
    /// What it anchored (`EF.SOD`, `EF.CardSecurity`).
    pub anchored: String,
    /// The CSCA's subject.
    pub subject: String,
}

/// Everything a server needs to re-verify a read. See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The device's clock at the read (Unix seconds; informative).
    pub device_time: i64,
    /// The read options.
    pub options: EvidenceOptions,
    /// How the chip was opened.
    pub access: AccessReport,
    /// Every file read, raw, by report name (`EF.SOD`, `DG1`, `EF.CardAccess`, …).
    pub files: BTreeMap<String, Bytes>,
    /// Data groups the chip said it does not have (unauthenticated claims).
    pub absent: Vec<String>,
    /// Data groups the chip refused (EAC-protected).
    pub eac_protected: Vec<String>,
    /// The Chip Authentication run, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chip_authentication: Option<CaRecord>,
    /// The Active Authentication run, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_authentication: Option<AaRecord>,
    /// The PACE-CAM data, when PACE-CAM ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pace_cam: Option<CamRecord>,
    /// The trust anchors the device's verdict rested on.
    pub trust_anchors: Vec<TrustAnchor>,
}

/// Why evidence bytes are not a usable bundle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceError {
    /// Not JSON of the bundle's shape.
    #[error("not an evidence bundle: {0}")]
    Syntax(String),
    /// Another format or a schema version this build does not read.
    #[error(
        "evidence format {format:?} version {version} is not supported (expected {FORMAT} version {SCHEMA_VERSION})"
    )]
    Version {
        /// The `format` found.
        format: String,
        /// The version found.
        version: u32,
    },
    /// A file name that is no LDS file.
    #[error("evidence names an unknown file {0:?}")]
    UnknownFile(String),
}

impl Evidence {
    /// The canonical byte form (what is stored, signed or hashed by a server).
    pub fn to_canonical_bytes(&self) -> Vec<u8> {
        // Serialising plain structs, strings and maps cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a bundle (canonical or pretty-printed JSON).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, EvidenceError> {
        let e: Self =
            serde_json::from_slice(bytes).map_err(|e| EvidenceError::Syntax(e.to_string()))?;
        if e.format != FORMAT || e.schema_version != SCHEMA_VERSION {
            return Err(EvidenceError::Version {
                format: e.format,
                version: e.schema_version,
            });
        }
        e.files_by_ef()?;
        Ok(e)
    }

    /// The files by [`ElementaryFile`].
    pub fn files_by_ef(&self) -> Result<BTreeMap<ElementaryFile, Vec<u8>>, EvidenceError> {
        self.files
            .iter()
            .map(|(name, bytes)| {
                ElementaryFile::from_name(name)
                    .filter(|ef| ef.name() == *name)
                    .map(|ef| (ef, bytes.0.clone()))
                    .ok_or_else(|| EvidenceError::UnknownFile(name.clone()))
            })
            .collect()
    }

    /// One file's bytes.
    pub fn file(&self, ef: ElementaryFile) -> Option<&[u8]> {
        self.files.get(&ef.name()).map(|b| b.0.as_slice())
    }
}
