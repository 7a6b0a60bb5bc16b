//! The verified result as Kotlin/Swift records and enums: mirrors of the core's report
//! ([`tapid_mrtd::reader::Report`]) and evidence bundle ([`tapid_mrtd::reader::Evidence`]),
//! mapped field by field from them in this one module. Nothing here decides anything: every
//! verdict, reason and code is the core's. Maps become lists of named entries (sorted as the
//! core's maps are); sizes and counts become `i32`, times Unix seconds as `i64`.
//!
//! The records hold personal data (the MRZ is the BAC/PACE key, names, the face): generated
//! Kotlin data classes and Swift structs print their fields, so an app must not log them.
//!
//! The core's enums marked `non_exhaustive` get an `Other` variant with the core's machine code,
//! so a newer core never breaks an older app.

use tapid_mrtd::lds::biometric::{FaceFormat as CoreFaceFormat, ImageType as CoreImageType};
use tapid_mrtd::pa;
use tapid_mrtd::reader::{evidence as ev, report as rp};
use tapid_mrtd::security_infos::{Agreement as CoreAgreement, Mapping as CoreMapping};
use tapid_mrtd::symmetric::CipherAlg;

/// `usize` as `i32`, saturating.
fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The machine code a core value serialises to (its serde name or `code` tag).
fn code_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => o
            .get("code")
            .or_else(|| o.get("status"))
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------- access

/// The access control protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AccessProtocol {
    /// Basic Access Control.
    Bac,
    /// Password Authenticated Connection Establishment.
    Pace,
}

/// The password the chip was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Password {
    /// The MRZ key.
    Mrz,
    /// The card access number.
    Can,
}

/// The secure-messaging cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Cipher {
    /// Two-key triple DES with retail MAC.
    Tdes,
    /// AES-128 with CMAC.
    Aes128,
    /// AES-192 with CMAC.
    Aes192,
    /// AES-256 with CMAC.
    Aes256,
}

/// The PACE mapping.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PaceMapping {
    /// Generic Mapping.
    Gm,
    /// Integrated Mapping.
    Im,
    /// Chip Authentication Mapping.
    Cam,
    /// A mapping this build does not name.
    Other {
        /// The core's name.
        code: String,
    },
}

/// The PACE key agreement.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum KeyAgreement {
    /// Diffie–Hellman modulo p.
    Dh,
    /// Elliptic-curve Diffie–Hellman.
    Ecdh,
    /// An agreement this build does not name.
    Other {
        /// The core's name.
        code: String,
    },
}

/// How the chip was opened.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessReport {
    /// BAC or PACE.
    pub protocol: AccessProtocol,
    /// The secure-messaging cipher.
    pub cipher: Cipher,
    /// MRZ or CAN.
    pub password: Password,
    /// PACE mapping (absent for BAC).
    pub mapping: Option<PaceMapping>,
    /// PACE key agreement (absent for BAC).
    pub agreement: Option<KeyAgreement>,
    /// PACE domain parameters, e.g. `brainpoolP256r1` (absent for BAC).
    pub parameters: Option<String>,
    /// PACE standardized parameter ID, when named.
    pub parameter_id: Option<i64>,
}

impl From<&rp::AccessReport> for AccessReport {
    fn from(a: &rp::AccessReport) -> Self {
        Self {
            protocol: match a.protocol {
                rp::AccessProtocol::Bac => AccessProtocol::Bac,
                rp::AccessProtocol::Pace => AccessProtocol::Pace,
            },
            cipher: match a.cipher {
                CipherAlg::Tdes => Cipher::Tdes,
                CipherAlg::Aes128 => Cipher::Aes128,
                CipherAlg::Aes192 => Cipher::Aes192,
                CipherAlg::Aes256 => Cipher::Aes256,
            },
            password: match a.password {
                rp::Password::Mrz => Password::Mrz,
                rp::Password::Can => Password::Can,
            },
            mapping: a.mapping.map(|m| match m {
                CoreMapping::Gm => PaceMapping::Gm,
                CoreMapping::Im => PaceMapping::Im,
                CoreMapping::Cam => PaceMapping::Cam,
                other => PaceMapping::Other {
                    code: code_of(&other),
                },
            }),
            agreement: a.agreement.map(|g| match g {
                CoreAgreement::Dh => KeyAgreement::Dh,
                CoreAgreement::Ecdh => KeyAgreement::Ecdh,
                other => KeyAgreement::Other {
                    code: code_of(&other),
                },
            }),
            parameters: a.parameters.clone(),
            parameter_id: a.parameter_id.and_then(|p| i64::try_from(p).ok()),
        }
    }
}

// ---------------------------------------------------------------- document and files

/// The holder and document data of DG1, as verified (personal data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
    /// ISO 8601 date of birth.
    pub date_of_birth: String,
    /// ISO 8601 date of expiry.
    pub date_of_expiry: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// Optional data (e.g. the personal number).
    pub optional_data: String,
    /// Whether the document had expired at the verification time.
    pub expired: bool,
}

impl From<&rp::DocumentReport> for DocumentReport {
    fn from(d: &rp::DocumentReport) -> Self {
        Self {
            format: d.format.clone(),
            document_code: d.document_code.clone(),
            issuing_state: d.issuing_state.clone(),
            document_number: d.document_number.clone(),
            primary_identifier: d.primary_identifier.clone(),
            secondary_identifier: d.secondary_identifier.clone(),
            nationality: d.nationality.clone(),
            date_of_birth: d.date_of_birth.clone(),
            date_of_expiry: d.date_of_expiry.clone(),
            sex: d.sex.clone(),
            optional_data: d.optional_data.clone(),
            expired: d.expired,
        }
    }
}

/// A data group's hash against EF.SOD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HashStatus {
    /// Equal to EF.SOD's entry.
    Match,
    /// Different: the file was changed after signing.
    Mismatch,
    /// EF.SOD lists no hash for it.
    NotInSod,
}

impl From<pa::HashStatus> for HashStatus {
    fn from(h: pa::HashStatus) -> Self {
        match h {
            pa::HashStatus::Match => Self::Match,
            pa::HashStatus::Mismatch => Self::Mismatch,
            pa::HashStatus::NotInSod => Self::NotInSod,
        }
    }
}

/// One file of the read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FileReport {
    /// The file's name (`DG1`, `EF.SOD`, …).
    pub name: String,
    /// Bytes read.
    pub size: i32,
    /// Hash check against EF.SOD (data groups only).
    pub hash: Option<HashStatus>,
}

/// EF.COM, when it was read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EfComReport {
    /// LDS version.
    pub lds_version: String,
    /// Unicode version.
    pub unicode_version: String,
    /// Data groups it lists.
    pub data_groups: Vec<i32>,
}

/// Traffic figures of a live read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransportReport {
    /// Command APDUs sent.
    pub apdus: i32,
    /// Bytes sent.
    pub bytes_sent: i32,
    /// Bytes received.
    pub bytes_received: i32,
    /// Largest READ BINARY block.
    pub max_read: i32,
    /// Whether extended length was used.
    pub extended_length: bool,
}

// ---------------------------------------------------------------- data groups

/// The standard a face record follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FaceFormat {
    /// ISO/IEC 19794-5.
    Iso19794_5,
    /// ISO/IEC 39794-5.
    Iso39794_5,
}

/// A face image's compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImageType {
    /// JPEG.
    Jpeg,
    /// JPEG 2000 (Android's BitmapFactory cannot decode it: use the PNG).
    Jpeg2000,
    /// PNG.
    Png,
}

impl From<CoreImageType> for ImageType {
    fn from(t: CoreImageType) -> Self {
        match t {
            CoreImageType::Jpeg => Self::Jpeg,
            CoreImageType::Jpeg2000 => Self::Jpeg2000,
            CoreImageType::Png => Self::Png,
        }
    }
}

/// One face in DG2 (the image bytes are on the read object, not here).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FaceInfo {
    /// The record's standard.
    pub format: FaceFormat,
    /// The compression.
    pub image_type: ImageType,
    /// Declared width.
    pub width: i32,
    /// Declared height.
    pub height: i32,
    /// Encoded image size in bytes.
    pub image_len: i32,
}

/// A name in ICAO form.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NameReport {
    /// Surname(s).
    pub primary: String,
    /// Given name(s).
    pub secondary: String,
}

/// DG11: additional personal details (personal data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Dg11Report {
    /// Full name.
    pub full_name: Option<NameReport>,
    /// Other names.
    pub other_names: Vec<NameReport>,
    /// Personal number.
    pub personal_number: Option<String>,
    /// Full date of birth.
    pub full_date_of_birth: Option<String>,
    /// Place of birth.
    pub place_of_birth: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Telephone.
    pub telephone: Option<String>,
    /// Profession.
    pub profession: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Personal summary.
    pub personal_summary: Option<String>,
    /// Other valid travel documents.
    pub other_travel_documents: Option<String>,
    /// Custody information.
    pub custody_information: Option<String>,
}

/// DG12: additional document details.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Dg12Report {
    /// Issuing authority.
    pub issuing_authority: Option<String>,
    /// Date of issue.
    pub date_of_issue: Option<String>,
    /// Other persons.
    pub other_persons: Vec<NameReport>,
    /// Endorsements and observations.
    pub endorsements_and_observations: Option<String>,
    /// Tax or exit requirements.
    pub tax_or_exit_requirements: Option<String>,
    /// Personalization time.
    pub personalization_time: Option<String>,
    /// Personalization device serial number.
    pub personalization_device_serial: Option<String>,
}

/// A data group that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DataGroupError {
    /// The file (`DG11`, …).
    pub name: String,
    /// Why.
    pub reason: String,
}

/// The parsed data groups (DG1 is the document report).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DataReport {
    /// DG2's faces.
    pub faces: Vec<FaceInfo>,
    /// DG11.
    pub dg11: Option<Dg11Report>,
    /// DG12.
    pub dg12: Option<Dg12Report>,
    /// DG15's Active Authentication key, described (e.g. `RSA-1024`).
    pub dg15: Option<String>,
    /// Data groups that did not parse.
    pub errors: Vec<DataGroupError>,
}

fn name(n: &tapid_mrtd::lds::dg11::Name) -> NameReport {
    NameReport {
        primary: n.primary.clone(),
        secondary: n.secondary.clone(),
    }
}

impl From<&rp::DataReport> for DataReport {
    fn from(d: &rp::DataReport) -> Self {
        Self {
            faces: d
                .dg2
                .iter()
                .flat_map(|g| g.faces.iter())
                .map(|f| FaceInfo {
                    format: match f.format {
                        CoreFaceFormat::Iso19794_5 => FaceFormat::Iso19794_5,
                        CoreFaceFormat::Iso39794_5 => FaceFormat::Iso39794_5,
                    },
                    image_type: f.image_type.into(),
                    width: i32::try_from(f.width).unwrap_or(i32::MAX),
                    height: i32::try_from(f.height).unwrap_or(i32::MAX),
                    image_len: int(f.image_len),
                })
                .collect(),
            dg11: d.dg11.as_ref().map(|g| Dg11Report {
                full_name: g.full_name.as_ref().map(name),
                other_names: g.other_names.iter().map(name).collect(),
                personal_number: g.personal_number.clone(),
                full_date_of_birth: g.full_date_of_birth.clone(),
                place_of_birth: g.place_of_birth.clone(),
                address: g.address.clone(),
                telephone: g.telephone.clone(),
                profession: g.profession.clone(),
                title: g.title.clone(),
                personal_summary: g.personal_summary.clone(),
                other_travel_documents: g.other_travel_documents.clone(),
                custody_information: g.custody_information.clone(),
            }),
            dg12: d.dg12.as_ref().map(|g| Dg12Report {
                issuing_authority: g.issuing_authority.clone(),
                date_of_issue: g.date_of_issue.clone(),
                other_persons: g.other_persons.iter().map(name).collect(),
                endorsements_and_observations: g.endorsements_and_observations.clone(),
                tax_or_exit_requirements: g.tax_or_exit_requirements.clone(),
                personalization_time: g.personalization_time.clone(),
                personalization_device_serial: g.personalization_device_serial.clone(),
            }),
            dg15: d.dg15.clone(),
            errors: d
                .errors
                .iter()
                .map(|(name, reason)| DataGroupError {
                    name: name.clone(),
                    reason: reason.clone(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------- passive authentication

/// Passive authentication's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PaStatus {
    /// Signature, chain to a trusted CSCA and every hash hold.
    Valid,
    /// Signature and hashes hold, but no trusted CSCA certifies the signer.
    Untrusted,
    /// A check failed (bad signature, hash mismatch, revoked or expired signer, …).
    Invalid,
    /// Not attempted.
    NotPerformed,
}

impl From<pa::PaStatus> for PaStatus {
    fn from(s: pa::PaStatus) -> Self {
        match s {
            pa::PaStatus::Valid => Self::Valid,
            pa::PaStatus::Untrusted => Self::Untrusted,
            pa::PaStatus::Invalid => Self::Invalid,
            pa::PaStatus::NotPerformed => Self::NotPerformed,
        }
    }
}

/// The CMS signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureStatus {
    /// Verifies.
    Valid,
    /// Does not verify.
    Invalid,
    /// Not checked.
    NotChecked,
}

/// The signer chain check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChainStatus {
    /// An anchored CSCA signed the certificate; validity and usage hold.
    Trusted,
    /// As trusted, the CSCA from an unanchored master list (allowed by the policy).
    TrustedUnanchored,
    /// No trusted CSCA verifies it.
    Untrusted,
    /// A CSCA verifies it but a rule fails.
    Invalid,
    /// Revoked by a CRL.
    Revoked,
    /// Not checked.
    NotChecked,
}

/// Whether revocation was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RevocationStatus {
    /// A current, verified CRL was consulted.
    Checked,
    /// Only a stale CRL was available.
    Stale,
    /// No CRL of the CSCA was given.
    NotChecked,
}

/// The validity model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ValidityModel {
    /// Certificates valid at the verification time.
    Shell,
    /// Certificates valid when they signed.
    Chain,
}

impl From<pa::ValidityModel> for ValidityModel {
    fn from(m: pa::ValidityModel) -> Self {
        match m {
            pa::ValidityModel::Shell => Self::Shell,
            pa::ValidityModel::Chain => Self::Chain,
        }
    }
}

impl From<ValidityModel> for pa::ValidityModel {
    fn from(m: ValidityModel) -> Self {
        match m {
            ValidityModel::Shell => Self::Shell,
            ValidityModel::Chain => Self::Chain,
        }
    }
}

/// Where the chain model took the signing time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SigningTimeSource {
    /// The signingTime attribute.
    SigningTime,
    /// The private key usage period.
    PrivateKeyUsagePeriod,
    /// The certificate's notBefore.
    NotBefore,
}

/// The validity model applied and the times checked at.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ValidityReport {
    /// The model.
    pub model: ValidityModel,
    /// The verification time.
    pub at: i64,
    /// When the signer certificate had to be valid.
    pub signer_checked_at: i64,
    /// When the CSCA had to be valid.
    pub csca_checked_at: Option<i64>,
    /// Chain model: the signing time's source.
    pub signing_time_source: Option<SigningTimeSource>,
}

/// A signed object's signature and signer chain.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignerReport {
    /// The CMS signature.
    pub signature: SignatureStatus,
    /// The signer chain.
    pub chain: ChainStatus,
    /// Revocation.
    pub revocation: RevocationStatus,
    /// The validity model and times.
    pub validity: Option<ValidityReport>,
    /// The signer's subject.
    pub signer: Option<String>,
    /// The CSCA's subject.
    pub csca: Option<String>,
    /// The signingTime attribute.
    pub signing_time: Option<i64>,
    /// When the signer's validity was evaluated.
    pub validity_checked_at: Option<i64>,
    /// Whether the signer certificate has expired by the verification time.
    pub signer_expired_now: Option<bool>,
    /// The signer's failures in words.
    pub detail: Option<String>,
}

impl From<&pa::SignerReport> for SignerReport {
    fn from(s: &pa::SignerReport) -> Self {
        Self {
            signature: match s.signature {
                pa::SignatureStatus::Valid => SignatureStatus::Valid,
                pa::SignatureStatus::Invalid => SignatureStatus::Invalid,
                pa::SignatureStatus::NotChecked => SignatureStatus::NotChecked,
            },
            chain: match s.chain {
                pa::ChainStatus::Trusted => ChainStatus::Trusted,
                pa::ChainStatus::TrustedUnanchored => ChainStatus::TrustedUnanchored,
                pa::ChainStatus::Untrusted => ChainStatus::Untrusted,
                pa::ChainStatus::Invalid => ChainStatus::Invalid,
                pa::ChainStatus::Revoked => ChainStatus::Revoked,
                pa::ChainStatus::NotChecked => ChainStatus::NotChecked,
            },
            revocation: match s.revocation {
                pa::RevocationStatus::Checked => RevocationStatus::Checked,
                pa::RevocationStatus::Stale => RevocationStatus::Stale,
                pa::RevocationStatus::NotChecked => RevocationStatus::NotChecked,
            },
            validity: s.validity.as_ref().map(|v| ValidityReport {
                model: v.model.into(),
                at: v.at,
                signer_checked_at: v.signer_checked_at,
                csca_checked_at: v.csca_checked_at,
                signing_time_source: v.signing_time_source.map(|t| match t {
                    pa::SigningTimeSource::SigningTime => SigningTimeSource::SigningTime,
                    pa::SigningTimeSource::PrivateKeyUsagePeriod => {
                        SigningTimeSource::PrivateKeyUsagePeriod
                    }
                    pa::SigningTimeSource::NotBefore => SigningTimeSource::NotBefore,
                }),
            }),
            signer: s.signer.clone(),
            csca: s.csca.clone(),
            signing_time: s.signing_time,
            validity_checked_at: s.validity_checked_at,
            signer_expired_now: s.signer_expired_now,
            detail: s.reason.clone(),
        }
    }
}

/// The certificate a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertificateRole {
    /// The Document Signer (or EF.CardSecurity signer).
    Signer,
    /// The CSCA.
    Csca,
}

/// A key usage a certificate must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyUsageBit {
    /// digitalSignature.
    DigitalSignature,
    /// keyCertSign as a CA.
    KeyCertSign,
}

/// One failed check of passive authentication (the core's `PaFailure`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[allow(missing_docs)] // each variant is the core's, documented there
pub enum PaFailure {
    NotPerformed {
        detail: String,
    },
    SodMissing,
    SodMalformed {
        detail: String,
    },
    LegacyContentType,
    HashMismatch {
        dg: i32,
    },
    NotInSod {
        dg: i32,
    },
    NoSignerInfo,
    SignerNotFound,
    SignatureInvalid,
    MessageDigestMismatch,
    SignedAttributeMissing {
        attribute: String,
    },
    ContentTypeAttributeMismatch,
    AlgorithmProtectionMismatch,
    SignatureUnsupported {
        detail: String,
    },
    SignatureMalformed {
        detail: String,
    },
    CscaNotTrusted {
        issuer: String,
    },
    CscaSignatureMismatch {
        issuer: String,
        candidates: i32,
    },
    SignerCertificateAltered {
        issuer: String,
    },
    CscaFromUnanchoredList {
        csca: String,
    },
    SignerNotYetValid {
        not_before: i64,
        at: i64,
    },
    SignerExpired {
        not_after: i64,
        at: i64,
    },
    CscaNotYetValid {
        not_before: i64,
        at: i64,
    },
    CscaExpired {
        not_after: i64,
        at: i64,
    },
    SigningTimeInFuture {
        signing_time: i64,
        at: i64,
    },
    SigningTimeOutsideValidity {
        signing_time: i64,
    },
    KeyUsage {
        certificate: CertificateRole,
        missing: KeyUsageBit,
    },
    DocumentTypeNotAllowed {
        document: String,
        allowed: Vec<String>,
    },
    ExtensionMalformed {
        extension: String,
    },
    CountryMismatch {
        signer: Option<String>,
        signer_issuer: Option<String>,
        csca: Option<String>,
        document: Option<String>,
    },
    UnknownIssuingState {
        state: String,
    },
    SignerRevoked {
        serial: String,
    },
    CrlInvalid {
        issuer: String,
    },
    RevocationNotChecked {
        csca: String,
    },
    CrlStale {
        issuer: String,
        next_update: Option<i64>,
    },
    CardSecurityMalformed {
        detail: String,
    },
    CardSecurityInvalid,
    CardSecurityUntrusted,
    /// A failure this build does not name: the core's code and text.
    Other {
        code: String,
        text: String,
    },
}

impl From<&pa::PaFailure> for PaFailure {
    fn from(f: &pa::PaFailure) -> Self {
        use pa::PaFailure as F;
        let dg = |d: &u8| i32::from(*d);
        match f {
            F::NotPerformed { detail } => Self::NotPerformed {
                detail: detail.clone(),
            },
            F::SodMissing => Self::SodMissing,
            F::SodMalformed { detail } => Self::SodMalformed {
                detail: detail.clone(),
            },
            F::LegacyContentType => Self::LegacyContentType,
            F::HashMismatch { dg: d } => Self::HashMismatch { dg: dg(d) },
            F::NotInSod { dg: d } => Self::NotInSod { dg: dg(d) },
            F::NoSignerInfo => Self::NoSignerInfo,
            F::SignerNotFound => Self::SignerNotFound,
            F::SignatureInvalid => Self::SignatureInvalid,
            F::MessageDigestMismatch => Self::MessageDigestMismatch,
            F::SignedAttributeMissing { attribute } => Self::SignedAttributeMissing {
                attribute: attribute.clone(),
            },
            F::ContentTypeAttributeMismatch => Self::ContentTypeAttributeMismatch,
            F::AlgorithmProtectionMismatch => Self::AlgorithmProtectionMismatch,
            F::SignatureUnsupported { detail } => Self::SignatureUnsupported {
                detail: detail.clone(),
            },
            F::SignatureMalformed { detail } => Self::SignatureMalformed {
                detail: detail.clone(),
            },
            F::CscaNotTrusted { issuer } => Self::CscaNotTrusted {
                issuer: issuer.clone(),
            },
            F::CscaSignatureMismatch { issuer, candidates } => Self::CscaSignatureMismatch {
                issuer: issuer.clone(),
                candidates: int(*candidates),
            },
            F::SignerCertificateAltered { issuer } => Self::SignerCertificateAltered {
                issuer: issuer.clone(),
            },
            F::CscaFromUnanchoredList { csca } => {
                Self::CscaFromUnanchoredList { csca: csca.clone() }
            }
            F::SignerNotYetValid { not_before, at } => Self::SignerNotYetValid {
                not_before: *not_before,
                at: *at,
            },
            F::SignerExpired { not_after, at } => Self::SignerExpired {
                not_after: *not_after,
                at: *at,
            },
            F::CscaNotYetValid { not_before, at } => Self::CscaNotYetValid {
                not_before: *not_before,
                at: *at,
            },
            F::CscaExpired { not_after, at } => Self::CscaExpired {
                not_after: *not_after,
                at: *at,
            },
            F::SigningTimeInFuture { signing_time, at } => Self::SigningTimeInFuture {
                signing_time: *signing_time,
                at: *at,
            },
            F::SigningTimeOutsideValidity { signing_time } => Self::SigningTimeOutsideValidity {
                signing_time: *signing_time,
            },
            F::KeyUsage {
                certificate,
                missing,
            } => Self::KeyUsage {
                certificate: match certificate {
                    pa::CertificateRole::Signer => CertificateRole::Signer,
                    pa::CertificateRole::Csca => CertificateRole::Csca,
                },
                missing: match missing {
                    pa::KeyUsageBit::DigitalSignature => KeyUsageBit::DigitalSignature,
                    pa::KeyUsageBit::KeyCertSign => KeyUsageBit::KeyCertSign,
                },
            },
            F::DocumentTypeNotAllowed { document, allowed } => Self::DocumentTypeNotAllowed {
                document: document.clone(),
                allowed: allowed.clone(),
            },
            F::ExtensionMalformed { extension } => Self::ExtensionMalformed {
                extension: extension.clone(),
            },
            F::CountryMismatch {
                signer,
                signer_issuer,
                csca,
                document,
            } => Self::CountryMismatch {
                signer: signer.clone(),
                signer_issuer: signer_issuer.clone(),
                csca: csca.clone(),
                document: document.clone(),
            },
            F::UnknownIssuingState { state } => Self::UnknownIssuingState {
                state: state.clone(),
            },
            F::SignerRevoked { serial } => Self::SignerRevoked {
                serial: serial.clone(),
            },
            F::CrlInvalid { issuer } => Self::CrlInvalid {
                issuer: issuer.clone(),
            },
            F::RevocationNotChecked { csca } => Self::RevocationNotChecked { csca: csca.clone() },
            F::CrlStale {
                issuer,
                next_update,
            } => Self::CrlStale {
                issuer: issuer.clone(),
                next_update: *next_update,
            },
            F::CardSecurityMalformed { detail } => Self::CardSecurityMalformed {
                detail: detail.clone(),
            },
            F::CardSecurityInvalid => Self::CardSecurityInvalid,
            F::CardSecurityUntrusted => Self::CardSecurityUntrusted,
            other => Self::Other {
                code: code_of(other),
                text: other.to_string(),
            },
        }
    }
}

/// EF.CardSecurity's verification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardSecurityReport {
    /// Its status.
    pub status: PaStatus,
    /// Its failures.
    pub failures: Vec<PaFailure>,
    /// Its signer.
    pub signer: SignerReport,
}

/// One data group's hash result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DataGroupHash {
    /// `DG1` … `DG16`.
    pub name: String,
    /// The comparison.
    pub hash: HashStatus,
}

/// Passive authentication of EF.SOD, the data groups and EF.CardSecurity.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaReport {
    /// The verdict.
    pub status: PaStatus,
    /// Why, in words.
    pub reason: String,
    /// Every failed check.
    pub failures: Vec<PaFailure>,
    /// EF.SOD's signature and chain.
    pub sod: SignerReport,
    /// Whether EF.SOD uses the legacy eContentType id-data.
    pub legacy_content_type: bool,
    /// The hash algorithm (`sha256`, …).
    pub hash_algorithm: Option<String>,
    /// LDS version of a v1 security object.
    pub lds_version: Option<String>,
    /// Data groups EF.SOD lists.
    pub dgs_in_sod: Vec<i32>,
    /// Per data group hash results.
    pub files: Vec<DataGroupHash>,
    /// EF.CardSecurity, when read.
    pub card_security: Option<CardSecurityReport>,
}

impl From<&pa::PaReport> for PaReport {
    fn from(p: &pa::PaReport) -> Self {
        Self {
            status: p.status.into(),
            reason: p.reason.clone(),
            failures: p.failures.iter().map(PaFailure::from).collect(),
            sod: (&p.sod).into(),
            legacy_content_type: p.legacy_content_type,
            hash_algorithm: p.hash_algorithm.as_ref().map(code_of),
            lds_version: p.lds_version.clone(),
            dgs_in_sod: p.dgs_in_sod.iter().map(|d| i32::from(*d)).collect(),
            files: p
                .files
                .iter()
                .map(|(name, h)| DataGroupHash {
                    name: name.clone(),
                    hash: h.hash.into(),
                })
                .collect(),
            card_security: p.card_security.as_ref().map(|c| CardSecurityReport {
                status: c.status.into(),
                failures: c.failures.iter().map(PaFailure::from).collect(),
                signer: (&c.signer).into(),
            }),
        }
    }
}

// ---------------------------------------------------------------- chip authenticity

/// A chip authenticity verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChipStatus {
    /// The chip proved a key passive authentication showed is this document's.
    Valid,
    /// A check failed: a possible clone.
    Invalid,
    /// Passed in the live session; offline it cannot be re-proved.
    ProvedOnDevice,
    /// The chip offers no chip authentication.
    NotSupported,
    /// A check passed but its key is not proven, or none ran.
    NotPerformed,
}

impl From<rp::ChipStatus> for ChipStatus {
    fn from(s: rp::ChipStatus) -> Self {
        match s {
            rp::ChipStatus::Valid => Self::Valid,
            rp::ChipStatus::Invalid => Self::Invalid,
            rp::ChipStatus::ProvedOnDevice => Self::ProvedOnDevice,
            rp::ChipStatus::NotSupported => Self::NotSupported,
            rp::ChipStatus::NotPerformed => Self::NotPerformed,
        }
    }
}

/// The protocol a chip verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChipMethod {
    /// Active Authentication.
    Aa,
    /// Chip Authentication.
    Ca,
    /// PACE-CAM.
    PaceCam,
}

/// What a chip verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Proof {
    /// The live session (CA, PACE-CAM).
    LiveSession,
    /// A signature anyone can re-verify (AA).
    Signature,
}

impl From<rp::Proof> for Proof {
    fn from(p: rp::Proof) -> Self {
        match p {
            rp::Proof::LiveSession => Self::LiveSession,
            rp::Proof::Signature => Self::Signature,
        }
    }
}

/// Where the Active Authentication challenge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengeSource {
    /// A server's.
    Server,
    /// Drawn on the device.
    Device,
}

impl From<rp::ChallengeSource> for ChallengeSource {
    fn from(c: rp::ChallengeSource) -> Self {
        match c {
            rp::ChallengeSource::Server => Self::Server,
            rp::ChallengeSource::Device => Self::Device,
        }
    }
}

/// Why a chip authenticity check failed or does not count (the core's `ChipFailure`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[allow(missing_docs)] // each variant is the core's, documented there
pub enum ChipFailure {
    CaKeyMismatch,
    CaNotConfirmed,
    CaRefused {
        sw: String,
    },
    CaUnusable,
    CaRecordInconsistent,
    AaSignatureInvalid,
    AaRefused {
        sw: String,
    },
    AaKeyUnusable,
    AaChallengeMismatch,
    CamNoCardSecurity,
    CamCardSecurityUnusable,
    CamKeyMismatch,
    KeyFileNotVerified {
        file: String,
    },
    KeyFileNotTrusted {
        file: String,
    },
    /// A failure this build does not name: the core's code.
    Other {
        code: String,
    },
}

impl From<&rp::ChipFailure> for ChipFailure {
    fn from(f: &rp::ChipFailure) -> Self {
        use rp::ChipFailure as F;
        match f {
            F::CaKeyMismatch => Self::CaKeyMismatch,
            F::CaNotConfirmed => Self::CaNotConfirmed,
            F::CaRefused { sw } => Self::CaRefused { sw: sw.clone() },
            F::CaUnusable => Self::CaUnusable,
            F::CaRecordInconsistent => Self::CaRecordInconsistent,
            F::AaSignatureInvalid => Self::AaSignatureInvalid,
            F::AaRefused { sw } => Self::AaRefused { sw: sw.clone() },
            F::AaKeyUnusable => Self::AaKeyUnusable,
            F::AaChallengeMismatch => Self::AaChallengeMismatch,
            F::CamNoCardSecurity => Self::CamNoCardSecurity,
            F::CamCardSecurityUnusable => Self::CamCardSecurityUnusable,
            F::CamKeyMismatch => Self::CamKeyMismatch,
            F::KeyFileNotVerified { file } => Self::KeyFileNotVerified { file: file.clone() },
            F::KeyFileNotTrusted { file } => Self::KeyFileNotTrusted { file: file.clone() },
            other => Self::Other {
                code: code_of(other),
            },
        }
    }
}

/// One protocol's chip check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChipCheck {
    /// The verdict.
    pub status: ChipStatus,
    /// What it rests on.
    pub proof: Proof,
    /// The file whose key the chip proved.
    pub key_file: String,
    /// Why it failed.
    pub failure: Option<ChipFailure>,
    /// In words.
    pub detail: String,
    /// Chip Authentication: the protocol.
    pub protocol: Option<String>,
    /// Active Authentication: the challenge (hex).
    pub challenge: Option<String>,
    /// Active Authentication: the challenge's source.
    pub challenge_source: Option<ChallengeSource>,
    /// Active Authentication: the signature (hex).
    pub signature: Option<String>,
}

impl From<&rp::ChipCheck> for ChipCheck {
    fn from(c: &rp::ChipCheck) -> Self {
        Self {
            status: c.status.into(),
            proof: c.proof.into(),
            key_file: c.key_file.clone(),
            failure: c.failure.as_ref().map(ChipFailure::from),
            detail: c.detail.clone(),
            protocol: c.protocol.clone(),
            challenge: c.challenge.clone(),
            challenge_source: c.challenge_source.map(ChallengeSource::from),
            signature: c.signature.clone(),
        }
    }
}

/// Clone detection.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChipAuthenticity {
    /// The verdict.
    pub status: ChipStatus,
    /// The method it rests on.
    pub method: Option<ChipMethod>,
    /// What it rests on.
    pub proof: Option<Proof>,
    /// Why, in words.
    pub reason: String,
    /// Every failure.
    pub failures: Vec<ChipFailure>,
    /// PACE-CAM's check.
    pub pace_cam: Option<ChipCheck>,
    /// Chip Authentication's check.
    pub ca: Option<ChipCheck>,
    /// Active Authentication's check.
    pub aa: Option<ChipCheck>,
}

impl From<&rp::ChipAuthenticity> for ChipAuthenticity {
    fn from(c: &rp::ChipAuthenticity) -> Self {
        Self {
            status: c.status.into(),
            method: c.method.map(|m| match m {
                rp::ChipMethod::Aa => ChipMethod::Aa,
                rp::ChipMethod::Ca => ChipMethod::Ca,
                rp::ChipMethod::PaceCam => ChipMethod::PaceCam,
            }),
            proof: c.proof.map(Proof::from),
            reason: c.reason.clone(),
            failures: c.failures.iter().map(ChipFailure::from).collect(),
            pace_cam: c.pace_cam.as_ref().map(ChipCheck::from),
            ca: c.ca.as_ref().map(ChipCheck::from),
            aa: c.aa.as_ref().map(ChipCheck::from),
        }
    }
}

// ---------------------------------------------------------------- downgrade, coverage

/// The downgrade verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DowngradeStatus {
    /// The strongest signed variant ran.
    NotDetected,
    /// A weaker variant ran than the signed data offers.
    Detected,
    /// As detected, but the caller allowed BAC fallback.
    Allowed,
    /// Nothing signed to compare with.
    NotChecked,
}

/// Why a downgrade was detected (the core's `DowngradeFailure`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DowngradeFailure {
    /// BAC ran although the signed data lists PACE.
    BacWithPaceListed,
    /// PACE-CAM was stripped from EF.CardAccess.
    CamStripped,
    /// A stronger variant is offered.
    WeakerVariant {
        /// The strongest signed variant.
        offered: String,
    },
    /// The variant that ran is not signed at all.
    VariantNotSigned,
    /// A failure this build does not name.
    Other {
        /// The core's code.
        code: String,
    },
}

/// The downgrade check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DowngradeReport {
    /// The verdict.
    pub status: DowngradeStatus,
    /// The signed file compared with.
    pub signed_list: Option<String>,
    /// What was found.
    pub failure: Option<DowngradeFailure>,
    /// In words.
    pub reason: String,
}

impl From<&rp::DowngradeReport> for DowngradeReport {
    fn from(d: &rp::DowngradeReport) -> Self {
        Self {
            status: match d.status {
                rp::DowngradeStatus::NotDetected => DowngradeStatus::NotDetected,
                rp::DowngradeStatus::Detected => DowngradeStatus::Detected,
                rp::DowngradeStatus::Allowed => DowngradeStatus::Allowed,
                rp::DowngradeStatus::NotChecked => DowngradeStatus::NotChecked,
            },
            signed_list: d.signed_list.clone(),
            failure: d.failure.as_ref().map(|f| match f {
                rp::DowngradeFailure::BacWithPaceListed => DowngradeFailure::BacWithPaceListed,
                rp::DowngradeFailure::CamStripped => DowngradeFailure::CamStripped,
                rp::DowngradeFailure::WeakerVariant { offered } => {
                    DowngradeFailure::WeakerVariant {
                        offered: offered.clone(),
                    }
                }
                rp::DowngradeFailure::VariantNotSigned => DowngradeFailure::VariantNotSigned,
                other => DowngradeFailure::Other {
                    code: code_of(other),
                },
            }),
            reason: d.reason.clone(),
        }
    }
}

/// What covers an unsigned file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Coverage {
    /// A signed copy agrees.
    Consistent,
    /// A signed copy disagrees: it was edited.
    Inconsistent,
    /// Nothing signed covers it.
    NotCovered,
}

/// An unsigned file and what covers it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnsignedFile {
    /// `EF.CardAccess`, `EF.COM`, `EF.ATR/INFO`.
    pub name: String,
    /// Its coverage.
    pub coverage: Coverage,
}

/// Where the verdicts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VerificationSource {
    /// A live read on this device.
    Live,
    /// An evidence bundle verified offline.
    Evidence,
}

/// When and from what the verdicts were reached.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerificationReport {
    /// Live or evidence.
    pub source: VerificationSource,
    /// The verification time.
    pub at: i64,
    /// The device's clock at the read.
    pub device_time: i64,
}

// ---------------------------------------------------------------- the report

/// Everything a read established: the core's verification report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// The report's schema version.
    pub schema_version: u32,
    /// How the chip was opened.
    pub access: AccessReport,
    /// DG1's data.
    pub document: DocumentReport,
    /// EF.COM, when read.
    pub lds: Option<EfComReport>,
    /// Every file read.
    pub files: Vec<FileReport>,
    /// Data groups asked for that the chip does not have.
    pub absent: Vec<String>,
    /// Data groups the chip refused (EAC-protected).
    pub eac_protected: Vec<String>,
    /// The parsed data groups.
    pub data: DataReport,
    /// Passive authentication.
    pub passive_authentication: PaReport,
    /// Clone detection.
    pub chip_authenticity: ChipAuthenticity,
    /// The downgrade check.
    pub downgrade: DowngradeReport,
    /// Unsigned files and their coverage.
    pub unsigned_files: Vec<UnsignedFile>,
    /// Traffic (live reads).
    pub transport: Option<TransportReport>,
    /// When and from what.
    pub verification: VerificationReport,
}

impl From<&rp::Report> for Report {
    fn from(r: &rp::Report) -> Self {
        Self {
            schema_version: r.schema_version,
            access: (&r.access).into(),
            document: (&r.document).into(),
            lds: r.lds.as_ref().map(|l| EfComReport {
                lds_version: l.lds_version.clone(),
                unicode_version: l.unicode_version.clone(),
                data_groups: l.data_groups.iter().map(|d| i32::from(*d)).collect(),
            }),
            files: r
                .files
                .iter()
                .map(|(name, f)| FileReport {
                    name: name.clone(),
                    size: int(f.size),
                    hash: f.hash.map(HashStatus::from),
                })
                .collect(),
            absent: r.absent.clone(),
            eac_protected: r.eac_protected.clone(),
            data: (&r.data).into(),
            passive_authentication: (&r.passive_authentication).into(),
            chip_authenticity: (&r.chip_authenticity).into(),
            downgrade: (&r.downgrade).into(),
            unsigned_files: r
                .unsigned_files
                .iter()
                .map(|(name, c)| UnsignedFile {
                    name: name.clone(),
                    coverage: match c {
                        rp::Coverage::Consistent => Coverage::Consistent,
                        rp::Coverage::Inconsistent => Coverage::Inconsistent,
                        rp::Coverage::NotCovered => Coverage::NotCovered,
                    },
                })
                .collect(),
            transport: r.transport.as_ref().map(|t| TransportReport {
                apdus: int(t.apdus),
                bytes_sent: int(t.bytes_sent),
                bytes_received: int(t.bytes_received),
                max_read: int(t.max_read),
                extended_length: t.extended_length,
            }),
            verification: VerificationReport {
                source: match r.verification.source {
                    rp::VerificationSource::Live => VerificationSource::Live,
                    rp::VerificationSource::Evidence => VerificationSource::Evidence,
                },
                at: r.verification.at,
                device_time: r.verification.device_time,
            },
        }
    }
}

// ---------------------------------------------------------------- the evidence bundle

/// The read options recorded in the evidence.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceOptions {
    /// Data groups asked for besides DG1.
    pub data_groups: Vec<i32>,
    /// Whether unlisted data groups were read.
    pub read_unlisted: bool,
    /// Whether BAC fallback was allowed.
    pub allow_bac_fallback: bool,
    /// Whether explicit PACE parameters were allowed.
    pub allow_explicit_pace_parameters: bool,
}

/// How the Chip Authentication run ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CaOutcome {
    /// Confirmed under the new keys.
    Confirmed,
    /// Answers under the new keys failed.
    KeyMismatch,
    /// Secure messaging ended before confirmation.
    NotConfirmed,
    /// The chip refused.
    Refused {
        /// The status word.
        sw: String,
    },
    /// DG14's key could not be used.
    Unusable {
        /// Why.
        detail: String,
    },
    /// An outcome this build does not name.
    Other {
        /// The core's code.
        code: String,
    },
}

/// The Chip Authentication run.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaRecord {
    /// The protocol.
    pub protocol: String,
    /// The key ID sent.
    pub key_id: Option<i64>,
    /// The terminal's ephemeral public key.
    pub terminal_public_key: Vec<u8>,
    /// How it ended.
    pub outcome: CaOutcome,
}

/// The Active Authentication run.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AaRecord {
    /// The challenge.
    pub challenge: Vec<u8>,
    /// Its source.
    pub challenge_source: ChallengeSource,
    /// The chip's signature.
    pub signature: Option<Vec<u8>>,
    /// The status word when the chip refused.
    pub refused: Option<String>,
}

/// The PACE-CAM data the chip sent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CamRecord {
    /// CA_IC, decrypted.
    pub ca_ic: Vec<u8>,
    /// The chip's mapping public key.
    pub pk_map_ic: Vec<u8>,
}

/// A trust anchor the device's verdict rested on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustAnchor {
    /// What it anchored.
    pub anchored: String,
    /// The CSCA's subject.
    pub subject: String,
}

/// A raw file of the read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RawFile {
    /// The file's name (`EF.SOD`, `DG1`, …).
    pub name: String,
    /// Its bytes (personal data).
    pub bytes: Vec<u8>,
}

/// The evidence bundle, parsed: what a server re-verifies (its canonical bytes are what it
/// receives).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Evidence {
    /// Always `tapid-evidence`.
    pub format: String,
    /// The schema version.
    pub schema_version: u32,
    /// The device's clock at the read.
    pub device_time: i64,
    /// The read options.
    pub options: EvidenceOptions,
    /// How the chip was opened.
    pub access: AccessReport,
    /// Every file read, raw.
    pub files: Vec<RawFile>,
    /// Data groups the chip said it does not have.
    pub absent: Vec<String>,
    /// Data groups the chip refused.
    pub eac_protected: Vec<String>,
    /// The Chip Authentication run.
    pub chip_authentication: Option<CaRecord>,
    /// The Active Authentication run.
    pub active_authentication: Option<AaRecord>,
    /// The PACE-CAM data.
    pub pace_cam: Option<CamRecord>,
    /// The trust anchors the device used.
    pub trust_anchors: Vec<TrustAnchor>,
}

impl From<&ev::Evidence> for Evidence {
    fn from(e: &ev::Evidence) -> Self {
        Self {
            format: e.format.clone(),
            schema_version: e.schema_version,
            device_time: e.device_time,
            options: EvidenceOptions {
                data_groups: e
                    .options
                    .data_groups
                    .iter()
                    .map(|d| i32::from(*d))
                    .collect(),
                read_unlisted: e.options.read_unlisted,
                allow_bac_fallback: e.options.allow_bac_fallback,
                allow_explicit_pace_parameters: e.options.allow_explicit_pace_parameters,
            },
            access: (&e.access).into(),
            files: e
                .files
                .iter()
                .map(|(name, b)| RawFile {
                    name: name.clone(),
                    bytes: b.0.clone(),
                })
                .collect(),
            absent: e.absent.clone(),
            eac_protected: e.eac_protected.clone(),
            chip_authentication: e.chip_authentication.as_ref().map(|c| CaRecord {
                protocol: c.protocol.clone(),
                key_id: c.key_id.and_then(|k| i64::try_from(k).ok()),
                terminal_public_key: c.terminal_public_key.0.clone(),
                outcome: match &c.outcome {
                    ev::CaOutcome::Confirmed => CaOutcome::Confirmed,
                    ev::CaOutcome::KeyMismatch => CaOutcome::KeyMismatch,
                    ev::CaOutcome::NotConfirmed => CaOutcome::NotConfirmed,
                    ev::CaOutcome::Refused { sw } => CaOutcome::Refused { sw: sw.clone() },
                    ev::CaOutcome::Unusable { detail } => CaOutcome::Unusable {
                        detail: detail.clone(),
                    },
                    other => CaOutcome::Other {
                        code: code_of(other),
                    },
                },
            }),
            active_authentication: e.active_authentication.as_ref().map(|a| AaRecord {
                challenge: a.challenge.0.clone(),
                challenge_source: a.challenge_source.into(),
                signature: a.signature.as_ref().map(|s| s.0.clone()),
                refused: a.refused.clone(),
            }),
            pace_cam: e.pace_cam.as_ref().map(|c| CamRecord {
                ca_ic: c.ca_ic.0.clone(),
                pk_map_ic: c.pk_map_ic.0.clone(),
            }),
            trust_anchors: e
                .trust_anchors
                .iter()
                .map(|t| TrustAnchor {
                    anchored: t.anchored.clone(),
                    subject: t.subject.clone(),
                })
                .collect(),
        }
    }
}
