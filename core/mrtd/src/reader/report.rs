//! The verification report of a read: what was accessed how, the document's data, each file,
//! the checks and the traffic. Field names are a contract with the CLI's `--json` output and
//! with the mobile bindings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lds::ElementaryFile;
use crate::lds::com::EfCom;
use crate::lds::dg2::Dg2;
use crate::lds::dg11::Dg11;
use crate::lds::dg12::Dg12;
use crate::lds::dg15::Dg15;
use crate::mrz::Mrz;
use crate::pa::PaReport;

use super::chip_authenticity::ChipAuthenticityReport;
use crate::symmetric::CipherAlg;

/// How the chip was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// `BAC` or `PACE`.
    pub protocol: &'static str,
    /// `3DES`, `AES-128`, `AES-192` or `AES-256`.
    pub cipher: CipherAlg,
    /// `MRZ` or `CAN`.
    pub password: &'static str,
    /// PACE mapping (`GM`, `IM`, `CAM`), absent for BAC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<&'static str>,
    /// PACE key agreement (`ECDH`, `DH`), absent for BAC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<&'static str>,
    /// PACE domain parameters (e.g. `brainpoolP256r1`), absent for BAC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
}

/// The holder and document data from DG1.
#[derive(Clone, PartialEq, Eq, Serialize)]
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

impl DocumentReport {
    /// Builds the report fields from DG1's MRZ; `current_year` resolves two-digit years.
    pub fn from_mrz(mrz: &Mrz, current_year: u16) -> Self {
        Self {
            format: format!("{:?}", mrz.format),
            document_code: mrz.document_code.clone(),
            issuing_state: mrz.issuing_state.clone(),
            document_number: mrz.document_number.clone(),
            primary_identifier: mrz.primary_identifier.clone(),
            secondary_identifier: mrz.secondary_identifier.clone(),
            nationality: mrz.nationality.clone(),
            date_of_birth: mrz
                .date_of_birth
                .iso(mrz.date_of_birth.birth_year(current_year)),
            date_of_expiry: mrz
                .date_of_expiry
                .iso(mrz.date_of_expiry.expiry_year(current_year)),
            sex: mrz.sex.to_string(),
            optional_data: mrz.optional_data.clone(),
        }
    }
}

/// One file of the read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// Bytes read.
    pub size: usize,
    /// Hash check against EF.SOD: `match`, `mismatch`, `not_in_sod`; absent until checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// Traffic and link figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Everything a read established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How the chip was opened.
    pub access: AccessReport,
    /// DG1 data.
    pub document: DocumentReport,
    /// EF.COM, when it was read (only without a usable EF.SOD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lds: Option<EfCom>,
    /// Every file read, by name (`DG1`, `EF.COM`, …).
    pub files: BTreeMap<String, FileReport>,
    /// Data groups asked for that the chip does not have (or EF.SOD does not list).
    pub absent: Vec<String>,
    /// Data groups the chip refused to give (EAC-protected, e.g. DG3/DG4).
    pub eac_protected: Vec<String>,
    /// The parsed contents of the data groups read.
    pub data: DataReport,
    /// Clone detection: PACE-CAM, Chip Authentication, Active Authentication.
    pub chip_authenticity: ChipAuthenticityReport,
    /// Passive authentication (`not_performed` until [`super::verify_passive`] runs).
    pub passive_authentication: PaReport,
    /// Traffic.
    pub transport: TransportReport,
}

/// The parsed data groups (DG1 is in [`DocumentReport`]). A data group that does not parse is
/// named in `errors`; its hash is still checked by passive authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataReport {
    /// DG2: the encoded face(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dg2: Option<Dg2>,
    /// DG11: additional personal details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dg11: Option<Dg11>,
    /// DG12: additional document details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dg12: Option<Dg12>,
    /// DG15: the Active Authentication key, described (e.g. `RSA-1024`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dg15: Option<String>,
    /// Data groups that did not parse, with the reason.
    pub errors: BTreeMap<String, String>,
}

impl DataReport {
    /// Parses every data group in `files` that has a parser.
    pub fn from_files(files: &BTreeMap<ElementaryFile, Vec<u8>>) -> Self {
        let mut out = Self::default();
        for (ef, bytes) in files {
            let ElementaryFile::Dg(dg) = ef else { continue };
            let result: Result<(), String> = match dg.number() {
                2 => Dg2::parse(bytes)
                    .map(|d| out.dg2 = Some(d))
                    .map_err(|e| e.to_string()),
                11 => Dg11::parse(bytes)
                    .map(|d| out.dg11 = Some(d))
                    .map_err(|e| e.to_string()),
                12 => Dg12::parse(bytes)
                    .map(|d| out.dg12 = Some(d))
                    .map_err(|e| e.to_string()),
                15 => Dg15::parse(bytes)
                    .map(|d| out.dg15 = Some(d.public_key.describe()))
                    .map_err(|e| e.to_string()),
                _ => Ok(()),
            };
            if let Err(e) = result {
                out.errors.insert(ef.name(), e);
            }
        }
        out
    }
}
