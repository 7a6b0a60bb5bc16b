//! The passive-authentication verdict as it goes into the reader's verification report.

use std::collections::BTreeMap;

use serde::Serialize;

use super::hash::HashAlgorithm;

/// Overall passive-authentication status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaStatus {
    /// Signature, chain to a trusted CSCA and every data group hash hold.
    Valid,
    /// The signature and hashes hold but no trusted CSCA certifies the signer.
    Untrusted,
    /// Bad signature, hash mismatch, revoked or expired signer, inconsistent countries, or
    /// an unparsable/unsupported object (fail closed).
    Invalid,
    /// Passive authentication was not attempted (e.g. no EF.SOD).
    NotPerformed,
}

/// Result of the CMS signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The signer's signature over the signed attributes/content verifies.
    Valid,
    /// It does not (or could not be checked for a structural reason).
    Invalid,
    /// Not checked.
    NotChecked,
}

/// Result of validating the signer certificate against the trust store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// A trusted CSCA signed the certificate, validity and key usage hold, not revoked.
    Trusted,
    /// No CSCA in the trust store verifies the certificate.
    Untrusted,
    /// A CSCA verifies it but validity, key usage or country rules fail.
    Invalid,
    /// A CRL from the CSCA lists the certificate.
    Revoked,
    /// Not checked.
    NotChecked,
}

/// Comparison of one data group's hash with the SOD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashStatus {
    /// The hash equals the SOD's entry.
    Match,
    /// It differs.
    Mismatch,
    /// The SOD lists no hash for this data group (a failure: the file is not signed).
    NotInSod,
}

/// One file's hash result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileHash {
    /// The comparison result.
    pub hash: HashStatus,
}

/// Result of verifying a signed object (EF.SOD or EF.CardSecurity) and its signer chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SignerReport {
    /// The CMS signature check.
    pub signature: SignatureStatus,
    /// The signer chain check.
    pub chain: ChainStatus,
    /// Signer (Document Signer) subject.
    pub signer: Option<String>,
    /// The CSCA subject that certified the signer.
    pub csca: Option<String>,
    /// signingTime attribute, Unix seconds, when present.
    pub signing_time: Option<i64>,
    /// The time at which the signer certificate's validity was evaluated (Unix seconds).
    pub validity_checked_at: Option<i64>,
    /// Whether the signer certificate has expired by `now` (informational: see the policy in
    /// [`crate::pa::verify`]).
    pub signer_expired_now: Option<bool>,
    /// Why a check failed (`None` when both hold); serialised as `detail` because the
    /// report that flattens this struct has its own `reason`.
    #[serde(rename = "detail")]
    pub reason: Option<String>,
}

impl SignerReport {
    pub(crate) fn unchecked(reason: String) -> Self {
        Self {
            signature: SignatureStatus::NotChecked,
            chain: ChainStatus::NotChecked,
            signer: None,
            csca: None,
            signing_time: None,
            validity_checked_at: None,
            signer_expired_now: None,
            reason: Some(reason),
        }
    }
}

/// Status and details of EF.CardSecurity verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CardSecurityReport {
    /// Overall status of the file (same meaning as for the SOD).
    pub status: PaStatus,
    /// Signature and chain details.
    #[serde(flatten)]
    pub signer: SignerReport,
}

/// The passive authentication report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PaReport {
    /// Overall verdict.
    pub status: PaStatus,
    /// Human-readable reason for the verdict.
    pub reason: String,
    /// Signature and chain details of EF.SOD.
    #[serde(flatten)]
    pub sod: SignerReport,
    /// The SOD's data group hash algorithm.
    pub hash_algorithm: Option<HashAlgorithm>,
    /// LDS version from a v1 LDSSecurityObject ("0108").
    pub lds_version: Option<String>,
    /// Data groups listed in the SOD.
    pub dgs_in_sod: Vec<u8>,
    /// Per data group hash results, keyed "DG1" … "DG16".
    pub files: BTreeMap<String, FileHash>,
    /// EF.CardSecurity result, when the file was given.
    pub card_security: Option<CardSecurityReport>,
}

impl PaReport {
    /// A report for when passive authentication could not be attempted.
    pub fn not_performed(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            status: PaStatus::NotPerformed,
            sod: SignerReport::unchecked(reason.clone()),
            reason,
            hash_algorithm: None,
            lds_version: None,
            dgs_in_sod: Vec::new(),
            files: BTreeMap::new(),
            card_security: None,
        }
    }
}
