//! The verification report of a read: what was accessed how, the document's data, each file,
//! the checks and the traffic. Field names are a contract with the CLI's `--json` output and
//! with the mobile bindings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lds::com::EfCom;
use crate::mrz::Mrz;
use crate::pa::PaReport;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub protected: Vec<String>,
    /// Passive authentication (`not_performed` until [`super::verify_passive`] runs).
    pub passive_authentication: PaReport,
    /// Traffic.
    pub transport: TransportReport,
}
