//! Operational failures of a passport read: the link, access control, a chip that breaks the
//! protocol. Check outcomes (passive authentication, chip authenticity, a downgrade) are not
//! errors but verdicts in the [`super::Report`]. Each variant names what failed; none carries
//! key material, MRZ data or APDU payloads.

use tapid_card::{StatusWord, TransportError, tlv::TlvError};

use std::collections::BTreeMap;

use crate::bac::BacError;
use crate::lds::ElementaryFile;
use crate::lds::dg1::Dg1Error;
use crate::secure_messaging::SmError;

/// What a read had achieved when the link broke: every complete file and the bytes of the file
/// being read. [`super::resume`] continues from here after the card is back in the field.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Files read completely.
    pub files: BTreeMap<ElementaryFile, Vec<u8>>,
    /// The file being read and the bytes of it that had arrived.
    pub partial: Option<(ElementaryFile, Vec<u8>)>,
}

impl Progress {
    /// File names and byte counts, for messages (the bytes themselves are personal data).
    pub fn summary(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = self
            .files
            .iter()
            .map(|(f, b)| (f.name(), b.len()))
            .collect();
        if let Some((f, b)) = &self.partial {
            out.push((format!("{} (partial)", f.name()), b.len()));
        }
        out
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Progress({:?})", self.summary())
    }
}

/// Why extended length could not be used for a command that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtendedLengthMissing {
    /// The caller turned extended length off.
    Disabled,
    /// The transport (reader, phone NFC stack) cannot carry it.
    Transport,
    /// The chip does not say it takes it (no EF.ATR/INFO, no card capabilities).
    Chip,
}

impl std::fmt::Display for ExtendedLengthMissing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Disabled => "it is turned off",
            Self::Transport => "the transport cannot carry it",
            Self::Chip => "the chip does not announce it",
        })
    }
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The chip refused the access key (wrong MRZ or CAN).
    #[error("access denied: the chip rejected the access key")]
    AccessDenied,
    /// The link to the card failed.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// Secure messaging failed (bad MAC, malformed objects, plaintext answer).
    #[error("secure messaging: {0}")]
    SecureMessaging(#[from] SmError),
    /// PACE failed for a reason other than a wrong password.
    #[error("PACE: {0}")]
    Pace(crate::pace::PaceError),
    /// EF.CardAccess offers PACE, but no variant this reader can run (and BAC fallback is off).
    #[error("the chip offers PACE only with parameters this reader does not support")]
    PaceUnsupported,
    /// EF.CardAccess offers PACE only with explicit domain parameters, which are unsigned
    /// there; the caller did not allow them ([`super::ReadOptions::allow_explicit_pace_parameters`]).
    #[error("the chip offers PACE only with explicit domain parameters, which are not allowed")]
    ExplicitPaceParametersRefused,
    /// The explicit PACE domain parameters in EF.CardAccess fail a check.
    #[error("explicit PACE domain parameters rejected: {0}")]
    PaceParametersRejected(crate::crypto::CryptoError),
    /// EF.CardAccess is malformed.
    #[error("EF.CardAccess: {0}")]
    CardAccess(crate::security_infos::SecurityInfoError),
    /// A CAN was given but the chip offers only BAC, which needs the MRZ.
    #[error("the chip offers no PACE; a CAN cannot open it (use the MRZ)")]
    CanNeedsPace,
    /// BAC failed for a reason other than a wrong key.
    #[error("BAC: {0}")]
    Bac(BacError),
    /// The chip answered a command with an error status.
    #[error("{command} failed: status {sw}")]
    Chip {
        /// The command that failed.
        command: &'static str,
        /// The status word.
        sw: StatusWord,
    },
    /// A response is shorter than a status word.
    #[error("{command}: the response has no status word")]
    ResponseTooShort {
        /// The command whose answer was cut.
        command: &'static str,
    },
    /// A response's data does not have the shape the command's answer must have.
    #[error("{command}: malformed response")]
    MalformedResponse {
        /// The command whose answer was malformed.
        command: &'static str,
    },
    /// A command cannot be encoded at all (longer than an extended APDU can carry).
    #[error("{command}: the command is too long to encode")]
    CommandTooLong {
        /// The command.
        command: &'static str,
    },
    /// A command needs extended length (e.g. DH-2048 PACE or Chip Authentication, whose
    /// public keys do not fit a short APDU), and it cannot be used.
    #[error("{command} needs extended-length APDUs, but {missing}")]
    ExtendedLengthRequired {
        /// The command.
        command: &'static str,
        /// Why extended length is unavailable.
        missing: ExtendedLengthMissing,
    },
    /// A file is not well-formed BER-TLV.
    #[error("{file}: malformed: {source}")]
    MalformedFile {
        /// File name.
        file: String,
        /// The TLV problem.
        source: TlvError,
    },
    /// A file ended before the length its header announced.
    #[error("{file}: the chip returned {got} bytes but the header announces {declared}")]
    FileTruncated {
        /// File name.
        file: String,
        /// Bytes the header declares.
        declared: usize,
        /// Bytes actually returned.
        got: usize,
    },
    /// A file header announces a size beyond what any eMRTD file may have.
    #[error("{file}: declared size {declared} exceeds the limit of {limit} bytes")]
    FileTooLarge {
        /// File name.
        file: String,
        /// Declared size.
        declared: usize,
        /// The reader's limit.
        limit: usize,
    },
    /// The chip needed more commands for a file than any honest chip does (it keeps answering
    /// with a few bytes, or never makes progress).
    #[error("{file}: the chip needed more than {limit} commands for the file")]
    TooManyCommands {
        /// File name.
        file: String,
        /// The reader's limit for this file.
        limit: usize,
    },
    /// EF.SOD lists a data group that the chip says it does not have.
    #[error("{file} is listed in EF.SOD but the chip says it does not exist")]
    ListedFileMissing {
        /// File name.
        file: String,
    },
    /// DG1 does not parse.
    #[error("DG1: {0}")]
    Dg1(#[from] Dg1Error),
    /// The link was lost; `progress` says how far the read got.
    #[error("link lost after reading {} files; resume to continue", progress.files.len())]
    LinkLost {
        /// What had been read.
        progress: Progress,
    },
}

impl ReadError {
    /// A short machine-readable code for reports and exit messages.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::Transport(_) => "transport",
            Self::SecureMessaging(SmError::BadMac) => "sm_bad_mac",
            Self::SecureMessaging(_) => "secure_messaging",
            Self::Bac(_) => "bac",
            Self::Pace(_) => "pace",
            Self::PaceUnsupported => "pace_unsupported",
            Self::ExplicitPaceParametersRefused => "explicit_pace_parameters_refused",
            Self::PaceParametersRejected(_) => "pace_parameters_rejected",
            Self::CardAccess(_) => "card_access",
            Self::CanNeedsPace => "can_needs_pace",
            Self::Chip { .. } => "chip_status",
            Self::ResponseTooShort { .. } => "response_too_short",
            Self::MalformedResponse { .. } => "malformed_response",
            Self::CommandTooLong { .. } => "command_too_long",
            Self::ExtendedLengthRequired { .. } => "extended_length_required",
            Self::MalformedFile { .. } => "malformed_file",
            Self::FileTruncated { .. } => "file_truncated",
            Self::FileTooLarge { .. } => "file_too_large",
            Self::TooManyCommands { .. } => "too_many_commands",
            Self::Dg1(_) => "dg1",
            Self::ListedFileMissing { .. } => "listed_file_missing",
            Self::LinkLost { .. } => "link_lost",
        }
    }

    /// Whether the link failed (the card left, timed out): the read may be resumed.
    pub fn is_link_failure(&self) -> bool {
        matches!(self, Self::LinkLost { .. } | Self::Transport(_))
    }
}
