//! The verification report of a read: what was accessed how, the document's data, each file,
//! every check with its verdict and the proof it rests on, and the traffic. Typed throughout
//! (enums for protocols and statuses, reason codes beside the human text), `Serialize` and
//! `Deserialize`, versioned by [`SCHEMA_VERSION`]. Field names are a contract with the CLI's
//! `--json` output, the identity service and the mobile bindings (README, "The report").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lds::com::EfCom;
use crate::lds::dg2::Dg2;
use crate::lds::dg11::Dg11;
use crate::lds::dg12::Dg12;
use crate::mrz::AccessKey;
use crate::pa::{HashStatus, PaReport};
use crate::security_infos::{Agreement, Mapping};
use crate::symmetric::CipherAlg;

/// The version of the report's and the evidence's JSON form. Raised on any change a reader of
/// the old form could misread.
pub const SCHEMA_VERSION: u32 = 1;

/// The access control protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessProtocol {
    /// Basic Access Control.
    #[serde(rename = "BAC")]
    Bac,
    /// Password Authenticated Connection Establishment.
    #[serde(rename = "PACE")]
    Pace,
}

/// The password access control used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Password {
    /// The MRZ key (document number, birth and expiry dates).
    #[serde(rename = "MRZ")]
    Mrz,
    /// The card access number.
    #[serde(rename = "CAN")]
    Can,
}

impl Password {
    /// The password kind of an access key.
    pub fn of(key: &AccessKey) -> Self {
        match key {
            AccessKey::Mrz(_) => Self::Mrz,
            AccessKey::Can(_) => Self::Can,
        }
    }
}

/// How the chip was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReport {
    /// `BAC` or `PACE`.
    pub protocol: AccessProtocol,
    /// `3DES`, `AES-128`, `AES-192` or `AES-256`.
    pub cipher: CipherAlg,
    /// `MRZ` or `CAN`.
    pub password: Password,
    /// PACE mapping (`GM`, `IM`, `CAM`), absent for BAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Mapping>,
    /// PACE key agreement (`ECDH`, `DH`), absent for BAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    /// PACE domain parameters (e.g. `brainpoolP256r1`), absent for BAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    /// PACE standardized parameter ID, when the PACEInfo named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_id: Option<u64>,
}

/// The holder and document data from DG1, as the report carries them.
///
/// A view of the MRZ model ([`crate::mrz::Mrz`]), built from it in one place (the verdict's
/// `document`). It stays a struct of its own, not a second model: it is the versioned JSON
/// contract (these field names are fixed by [`SCHEMA_VERSION`], and reports are read back),
/// with the dates resolved to ISO 8601 at the verification time and the expiry verdict, where
/// the model keeps the MRZ's two-digit dates, its raw fields and TD1's second optional data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReport {
    /// `TD1`, `TD2` or `TD3`.
    pub format: String,
    /// Document code (`P`, `I`, …).
    pub document_code: String,
    /// Issuing state.
    pub issuing_state: String,
    /// Document number.
    pub document_number: String,
    /// Surname.
    pub primary_identifier: String,
    /// Given names.
    pub secondary_identifier: String,
    /// Nationality.
    pub nationality: String,
    /// ISO 8601 date of birth (`XX` for unknown parts).
    pub date_of_birth: String,
    /// ISO 8601 date of expiry.
    pub date_of_expiry: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// Optional data (e.g. personal number).
    pub optional_data: String,
    /// Whether the date of expiry lies before the verification time's date.
    pub expired: bool,
}

impl std::fmt::Debug for DocumentReport {
    // Document number and dates are the BAC/PACE password: never in debug output or logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DocumentReport({} {}, <redacted>)",
            self.format, self.issuing_state
        )
    }
}

/// One file of the read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// Bytes read.
    pub size: usize,
    /// Hash check against EF.SOD (data groups only): `match`, `mismatch`, `not_in_sod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<HashStatus>,
}

/// Traffic and link figures of a live read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportReport {
    /// Command APDUs sent.
    pub apdus: usize,
    /// Bytes sent.
    pub bytes_sent: usize,
    /// Bytes received.
    pub bytes_received: usize,
    /// Largest READ BINARY block received.
    pub max_read: usize,
    /// Whether extended length was used for reading.
    pub extended_length: bool,
}

/// The parsed data groups (DG1 is in [`DocumentReport`]). A data group that does not parse is
/// named in `errors`; its hash is still checked by passive authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReport {
    /// DG2: the encoded face(s) (the image bytes are in the evidence, not here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg2: Option<Dg2>,
    /// DG11: additional personal details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg11: Option<Dg11>,
    /// DG12: additional document details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg12: Option<Dg12>,
    /// DG15: the Active Authentication key, described (e.g. `RSA-1024`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dg15: Option<String>,
    /// Data groups that did not parse, with the reason.
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
}

/// A chip authenticity verdict (overall or of one protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChipStatus {
    /// The chip proved it holds a private key that passive authentication showed belongs to
    /// this document.
    Valid,
    /// A check failed: the chip is not the document's (possible clone), or its key is not
    /// covered by a valid EF.SOD.
    Invalid,
    /// The check ran and passed in the live session on the device; offline it cannot be
    /// re-proved (CA and PACE-CAM records can be fabricated), so the verdict rests on the
    /// device.
    ProvedOnDevice,
    /// The chip offers no chip authentication (no PACE-CAM, DG14 key or DG15 key).
    NotSupported,
    /// A check passed, but its key is not proven to be this document's (passive
    /// authentication untrusted or not performed), or none was run.
    NotPerformed,
}

/// The protocol a chip authenticity verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChipMethod {
    /// Active Authentication with the DG15 key.
    #[serde(rename = "AA")]
    Aa,
    /// Chip Authentication with the DG14 key.
    #[serde(rename = "CA")]
    Ca,
    /// PACE with Chip Authentication Mapping and the EF.CardSecurity key.
    #[serde(rename = "PACE-CAM")]
    PaceCam,
}

/// What a chip authenticity verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proof {
    /// The live session: the chip answered under keys only the key's holder can derive
    /// (CA, PACE-CAM). Only the device that ran the session saw it.
    LiveSession,
    /// A signature anyone can re-verify offline (AA), over the challenge recorded with it.
    Signature,
}

/// Where the Active Authentication challenge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeSource {
    /// Given by the caller (a server binding the signature to a transaction).
    Server,
    /// Drawn on the device.
    Device,
}

/// Why a chip authenticity check failed or does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChipFailure {
    /// After Chip Authentication the chip could not answer under the new keys: it does not
    /// hold the DG14 private key (a clone).
    CaKeyMismatch,
    /// The chip ended secure messaging right after Chip Authentication, before it could be
    /// asked anything under the new keys: CA is unconfirmed.
    CaNotConfirmed,
    /// The chip refused a Chip Authentication command.
    CaRefused {
        /// The status word, as four hex digits.
        sw: String,
    },
    /// DG14's Chip Authentication key or protocol cannot be used.
    CaUnusable,
    /// The recorded CA run does not match DG14's key (evidence only).
    CaRecordInconsistent,
    /// The Active Authentication signature does not verify with the DG15 key.
    AaSignatureInvalid,
    /// The chip refused INTERNAL AUTHENTICATE (or answered without a MAC).
    AaRefused {
        /// The status word, as four hex digits.
        sw: String,
    },
    /// DG15's key cannot be used.
    AaKeyUnusable,
    /// The AA challenge is not the one the verifier issued.
    AaChallengeMismatch,
    /// PACE-CAM ran but the chip has no EF.CardSecurity to take the key from.
    CamNoCardSecurity,
    /// EF.CardSecurity's SecurityInfos cannot be used.
    CamCardSecurityUnusable,
    /// No key in EF.CardSecurity matches the chip's PACE-CAM data (a clone).
    CamKeyMismatch,
    /// The check passed, but the file holding its key is not covered by a valid EF.SOD or
    /// EF.CardSecurity signature.
    KeyFileNotVerified {
        /// `DG14`, `DG15` or `EF.CardSecurity`.
        file: String,
    },
    /// The check passed, but passive authentication did not establish trust in the file
    /// holding its key (untrusted or not performed).
    KeyFileNotTrusted {
        /// `DG14`, `DG15` or `EF.CardSecurity`.
        file: String,
    },
}

/// One protocol's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipCheck {
    /// The check's verdict.
    pub status: ChipStatus,
    /// What it rests on.
    pub proof: Proof,
    /// The file whose key the chip proved (`DG14`, `DG15`, `EF.CardSecurity`).
    pub key_file: String,
    /// Why it failed or does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<ChipFailure>,
    /// What was checked, or why it failed, in words.
    pub detail: String,
    /// Chip Authentication: the protocol (e.g. `id-CA-ECDH-AES-CBC-CMAC-128`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Active Authentication: the challenge sent (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// Active Authentication: where the challenge came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_source: Option<ChallengeSource>,
    /// Active Authentication: the chip's signature (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// Clone detection: every chip authentication check the chip offers, and the verdict. Any
/// failed check makes the verdict invalid; it is valid only when every check passed and the
/// key of each was proved by passive authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipAuthenticity {
    /// The verdict.
    pub status: ChipStatus,
    /// The method the verdict rests on (the failing one when invalid).
    #[serde(default)]
    pub method: Option<ChipMethod>,
    /// What the verdict rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
    /// Why, in words.
    pub reason: String,
    /// Every failure, in check order.
    #[serde(default)]
    pub failures: Vec<ChipFailure>,
    /// PACE-CAM's check of the chip's mapping key against EF.CardSecurity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pace_cam: Option<ChipCheck>,
    /// Chip Authentication with the DG14 key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<ChipCheck>,
    /// Active Authentication with the DG15 key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aa: Option<ChipCheck>,
}

/// Whether the access protocol was weaker than what the document's signed data offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowngradeStatus {
    /// The variant that ran is the strongest the signed list offers.
    NotDetected,
    /// A weaker variant ran than the signed list offers, or EF.CardAccess was edited.
    Detected,
    /// As `detected`, but the caller allowed that fallback (`allow_bac_fallback`).
    Allowed,
    /// No PA-valid DG14 or EF.CardSecurity lists PACE, so there is nothing to compare with.
    NotChecked,
}

/// Why a downgrade was detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DowngradeFailure {
    /// BAC ran although the signed data lists PACE.
    BacWithPaceListed,
    /// The signed data offers PACE-CAM but another mapping ran (EF.CardAccess stripped it).
    CamStripped,
    /// The signed data offers a stronger variant (cipher, group, mapping) than the one that ran.
    WeakerVariant {
        /// The strongest signed variant, by name.
        offered: String,
    },
    /// The variant that ran is not in the signed list at all.
    VariantNotSigned,
}

/// The downgrade check (EF.CardAccess is unsigned; DG14 and EF.CardSecurity repeat its
/// PACEInfos under signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DowngradeReport {
    /// The verdict.
    pub status: DowngradeStatus,
    /// The signed file the access was compared with (`DG14` or `EF.CardSecurity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_list: Option<String>,
    /// What was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<DowngradeFailure>,
    /// In words.
    pub reason: String,
}

/// What covers an unsigned file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// A signed copy (DG14, EF.CardSecurity) agrees with it.
    Consistent,
    /// A signed copy disagrees with it: it was edited.
    Inconsistent,
    /// Nothing signed covers it; nothing rests on it.
    NotCovered,
}

/// Where a report's verdicts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationSource {
    /// A live read on this device.
    Live,
    /// An evidence bundle, verified offline.
    Evidence,
}

/// When and from what the verdicts were reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationReport {
    /// Live read or evidence bundle.
    pub source: VerificationSource,
    /// The verification time (Unix seconds): the verifier's clock, or the time it chose.
    pub at: i64,
    /// The device's clock at the read (informative when verifying evidence).
    pub device_time: i64,
}

/// Everything a read established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// How the chip was opened.
    pub access: AccessReport,
    /// DG1 data.
    pub document: DocumentReport,
    /// EF.COM, when it was read (only without a usable EF.SOD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lds: Option<EfCom>,
    /// Every file read, by name (`DG1`, `EF.COM`, …).
    pub files: BTreeMap<String, FileReport>,
    /// Data groups asked for that the chip does not have (or EF.SOD does not list).
    pub absent: Vec<String>,
    /// Data groups the chip refused to give (EAC-protected, e.g. DG3/DG4).
    pub eac_protected: Vec<String>,
    /// The parsed contents of the data groups read.
    pub data: DataReport,
    /// Passive authentication of EF.SOD, every data group and EF.CardSecurity.
    pub passive_authentication: PaReport,
    /// Clone detection: PACE-CAM, Chip Authentication, Active Authentication.
    pub chip_authenticity: ChipAuthenticity,
    /// Whether access control was weaker than the document's signed data offers.
    pub downgrade: DowngradeReport,
    /// The unsigned files (EF.CardAccess, EF.COM, EF.ATR/INFO) and what covers them.
    pub unsigned_files: BTreeMap<String, Coverage>,
    /// Traffic (live reads only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<TransportReport>,
    /// When and from what the verdicts were reached.
    pub verification: VerificationReport,
}
