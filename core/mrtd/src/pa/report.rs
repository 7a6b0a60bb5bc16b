//! The passive-authentication verdict as it goes into the reader's verification report.
//!
//! Every failed check is one [`PaFailure`] (a machine-readable `code` with its fields, and a
//! human text from its `Display`); the report's `status` is the worst failure's severity and
//! its `reason` the failures' texts, both computed in one place ([`PaReport::conclude`]).
//! Every type here serialises and deserialises (serde), so a server can parse what a phone
//! sent and a report round-trips through JSON unchanged.

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

use super::{hash::HashAlgorithm, policy::ValidityModel, time::format_utc};

/// Overall passive-authentication status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaStatus {
    /// Signature, chain to a trusted CSCA and every data group hash hold.
    Valid,
    /// The signature and hashes hold but no trusted CSCA certifies the signer (or a trust
    /// requirement of the policy, such as a current CRL, is not met).
    Untrusted,
    /// Bad signature, hash mismatch, revoked or expired signer, inconsistent countries, or
    /// an unparsable/unsupported object (fail closed).
    Invalid,
    /// Passive authentication was not attempted (e.g. no trust store).
    NotPerformed,
}

impl PaStatus {
    fn rank(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::NotPerformed => 1,
            Self::Untrusted => 2,
            Self::Invalid => 3,
        }
    }
}

/// Result of the CMS signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The signer's signature over the signed attributes/content verifies.
    Valid,
    /// It was checked and does not verify (or its attributes contradict the content).
    Invalid,
    /// Not checked (e.g. no signer certificate was found): no verdict on the signature.
    NotChecked,
}

/// Result of validating the signer certificate against the trust store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// An anchored CSCA signed the certificate, validity and key usage hold, not revoked.
    Trusted,
    /// As `trusted`, but the CSCA comes only from an unanchored master list, which the policy
    /// allowed.
    TrustedUnanchored,
    /// No CSCA in the trust store verifies the certificate (or only one from an unanchored
    /// master list, which the policy does not allow).
    Untrusted,
    /// A CSCA verifies it but validity, key usage, document type or CRL rules fail.
    Invalid,
    /// A CRL from the CSCA lists the certificate.
    Revoked,
    /// Not checked.
    NotChecked,
}

/// Whether revocation was checked for the signer certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationStatus {
    /// A verified CRL of the CSCA, current at the verification time, was consulted.
    Checked,
    /// Only a verified CRL whose nextUpdate lies before the verification time was available;
    /// what it lists still counts.
    Stale,
    /// No CRL of the CSCA was given (or no CSCA was found).
    NotChecked,
}

/// Comparison of one data group's hash with the SOD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    /// The comparison result.
    pub hash: HashStatus,
}

/// Where the chain model took the signing time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningTimeSource {
    /// The `signingTime` signed attribute.
    SigningTime,
    /// The DS certificate's private key usage period (2.5.29.16).
    PrivateKeyUsagePeriod,
    /// The DS certificate's notBefore (the earliest moment it can have signed).
    NotBefore,
}

/// The validity model applied and the times each certificate was checked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidityReport {
    /// `shell` or `chain`.
    pub model: ValidityModel,
    /// The verification time (Unix seconds).
    pub at: i64,
    /// The time the signer certificate had to be valid at.
    pub signer_checked_at: i64,
    /// The time the CSCA had to be valid at (absent when no CSCA was found).
    pub csca_checked_at: Option<i64>,
    /// Chain model: where the signing time came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_time_source: Option<SigningTimeSource>,
}

/// The certificate a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateRole {
    /// The Document Signer (or EF.CardSecurity signer) certificate.
    Signer,
    /// The CSCA certificate that certified it.
    Csca,
}

impl fmt::Display for CertificateRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Signer => "signer certificate",
            Self::Csca => "CSCA",
        })
    }
}

/// A key usage a certificate must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyUsageBit {
    /// digitalSignature (Document Signers).
    DigitalSignature,
    /// keyCertSign and a CA (CSCAs).
    KeyCertSign,
}

impl fmt::Display for KeyUsageBit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DigitalSignature => "digitalSignature",
            Self::KeyCertSign => "keyCertSign (as a CA)",
        })
    }
}

/// One failed check of passive authentication. Serialised with its `code` and fields, e.g.
/// `{"code": "hash_mismatch", "dg": 2}`; the `Display` text is the human reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PaFailure {
    /// Passive authentication was not attempted (e.g. no trust store given).
    NotPerformed {
        /// Why.
        detail: String,
    },
    /// The chip has no EF.SOD.
    SodMissing,
    /// EF.SOD does not parse or is not an LDS Security Object.
    SodMalformed {
        /// The parser's message.
        detail: String,
    },
    /// EF.SOD uses the legacy eContentType id-data and the policy refuses it.
    LegacyContentType,
    /// A data group's hash differs from EF.SOD's.
    HashMismatch {
        /// The data group number.
        dg: u8,
    },
    /// A data group read is not listed in EF.SOD.
    NotInSod {
        /// The data group number.
        dg: u8,
    },
    /// The SignedData has no SignerInfo.
    NoSignerInfo,
    /// No certificate in the SignedData matches the SignerInfo: the signature was not checked.
    SignerNotFound,
    /// The signature does not verify with the signer certificate's key.
    SignatureInvalid,
    /// The messageDigest signed attribute differs from the hash of the content.
    MessageDigestMismatch,
    /// A required signed attribute is absent.
    SignedAttributeMissing {
        /// The attribute.
        attribute: String,
    },
    /// The contentType signed attribute differs from the eContentType.
    ContentTypeAttributeMismatch,
    /// The CMSAlgorithmProtection attribute contradicts the SignerInfo's algorithms.
    AlgorithmProtectionMismatch,
    /// The signature uses an algorithm or key this implementation does not support.
    SignatureUnsupported {
        /// What is unsupported.
        detail: String,
    },
    /// The signature value or the signer's public key is malformed.
    SignatureMalformed {
        /// What is malformed.
        detail: String,
    },
    /// No CSCA in the trust store has the signer certificate's issuer name or key identifier.
    CscaNotTrusted {
        /// The signer certificate's issuer.
        issuer: String,
    },
    /// CSCAs of the issuer's name are in the trust store, but none verifies the signer
    /// certificate (another key: e.g. a forged signer under a copied name).
    CscaSignatureMismatch {
        /// The signer certificate's issuer.
        issuer: String,
        /// How many CSCAs were tried.
        candidates: usize,
    },
    /// The CSCA that the signer certificate's authority key identifier names is in the trust
    /// store, but its signature over the certificate fails: the certificate was altered after
    /// issuance (or forged with a copied key identifier).
    SignerCertificateAltered {
        /// The signer certificate's issuer.
        issuer: String,
    },
    /// The only CSCA that verifies comes from an unanchored master list, and the policy does
    /// not allow that.
    CscaFromUnanchoredList {
        /// The CSCA's subject.
        csca: String,
    },
    /// The signer certificate is not yet valid at the time the model checks it at.
    SignerNotYetValid {
        /// Its notBefore.
        not_before: i64,
        /// The time it was checked at.
        at: i64,
    },
    /// The signer certificate has expired by the time the model checks it at.
    SignerExpired {
        /// Its notAfter.
        not_after: i64,
        /// The time it was checked at.
        at: i64,
    },
    /// The CSCA is not yet valid at the time the model checks it at.
    CscaNotYetValid {
        /// Its notBefore.
        not_before: i64,
        /// The time it was checked at.
        at: i64,
    },
    /// The CSCA has expired by the time the model checks it at.
    CscaExpired {
        /// Its notAfter.
        not_after: i64,
        /// The time it was checked at.
        at: i64,
    },
    /// The signingTime attribute lies after the verification time.
    SigningTimeInFuture {
        /// The signingTime.
        signing_time: i64,
        /// The verification time.
        at: i64,
    },
    /// The signingTime attribute lies outside the signer certificate's validity.
    SigningTimeOutsideValidity {
        /// The signingTime.
        signing_time: i64,
    },
    /// A certificate lacks a required key usage.
    KeyUsage {
        /// Which certificate.
        certificate: CertificateRole,
        /// The usage it lacks.
        missing: KeyUsageBit,
    },
    /// The signer certificate's DocumentTypeList does not include the document's type.
    DocumentTypeNotAllowed {
        /// DG1's document code.
        document: String,
        /// The types the extension lists.
        allowed: Vec<String>,
    },
    /// A certificate extension that must be checked does not parse.
    ExtensionMalformed {
        /// The extension.
        extension: String,
    },
    /// The signer, its issuer, the CSCA and DG1's issuing state name different countries.
    CountryMismatch {
        /// Country of the signer certificate's subject.
        signer: Option<String>,
        /// Country of the signer certificate's issuer.
        signer_issuer: Option<String>,
        /// Country of the CSCA's subject.
        csca: Option<String>,
        /// DG1's issuing state (as alpha-2).
        document: Option<String>,
    },
    /// DG1's issuing state is not a known country code.
    UnknownIssuingState {
        /// The code DG1 gives.
        state: String,
    },
    /// A verified CRL of the CSCA lists the signer certificate.
    SignerRevoked {
        /// The serial number (hex).
        serial: String,
    },
    /// A CRL for the signer's issuer does not verify against its CSCA: a broken trust input.
    CrlInvalid {
        /// The CRL issuer.
        issuer: String,
    },
    /// The policy requires a revocation check and no CRL of the CSCA was given.
    RevocationNotChecked {
        /// The CSCA's subject.
        csca: String,
    },
    /// The policy requires a current CRL and the CSCA's CRL is stale.
    CrlStale {
        /// The CRL issuer.
        issuer: String,
        /// Its nextUpdate (absent when the CRL has none).
        next_update: Option<i64>,
    },
    /// EF.CardSecurity does not parse.
    CardSecurityMalformed {
        /// The parser's message.
        detail: String,
    },
    /// EF.CardSecurity is invalid (its own failures are in `card_security.failures`).
    CardSecurityInvalid,
    /// EF.CardSecurity is untrusted (its own failures are in `card_security.failures`).
    CardSecurityUntrusted,
}

impl PaFailure {
    /// The status this failure leads to: `invalid` for a check that failed, `untrusted` for a
    /// missing trust requirement, `not_performed` when nothing was checked.
    pub fn severity(&self) -> PaStatus {
        match self {
            Self::NotPerformed { .. } => PaStatus::NotPerformed,
            Self::CscaNotTrusted { .. }
            | Self::CscaSignatureMismatch { .. }
            | Self::CscaFromUnanchoredList { .. }
            | Self::RevocationNotChecked { .. }
            | Self::CrlStale { .. }
            | Self::CardSecurityUntrusted => PaStatus::Untrusted,
            _ => PaStatus::Invalid,
        }
    }
}

impl fmt::Display for PaFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPerformed { detail } => f.write_str(detail),
            Self::SodMissing => f.write_str("the chip has no EF.SOD: its data cannot be verified"),
            Self::SodMalformed { detail } => write!(f, "EF.SOD cannot be used: {detail}"),
            Self::LegacyContentType => f.write_str(
                "EF.SOD's eContentType is the legacy id-data (1.2.840.113549.1.7.1), \
                 which the policy refuses",
            ),
            Self::HashMismatch { dg } => write!(f, "DG{dg} hash mismatch"),
            Self::NotInSod { dg } => write!(f, "DG{dg} is not listed in EF.SOD"),
            Self::NoSignerInfo => f.write_str("the SignedData has no SignerInfo"),
            Self::SignerNotFound => f.write_str(
                "signer certificate not found (no certificate matches the SignerInfo): \
                 the signature was not checked",
            ),
            Self::SignatureInvalid => f.write_str("signature does not verify"),
            Self::MessageDigestMismatch => {
                f.write_str("signature: messageDigest attribute does not match the content hash")
            }
            Self::SignedAttributeMissing { attribute } => {
                write!(f, "signature: signed attribute {attribute} missing")
            }
            Self::ContentTypeAttributeMismatch => {
                f.write_str("signature: contentType attribute does not match eContentType")
            }
            Self::AlgorithmProtectionMismatch => f.write_str(
                "signature: CMSAlgorithmProtection attribute does not match the SignerInfo \
                 algorithms",
            ),
            Self::SignatureUnsupported { detail } => {
                write!(f, "signature cannot be checked: {detail}")
            }
            Self::SignatureMalformed { detail } => write!(f, "signature: {detail}"),
            Self::CscaNotTrusted { issuer } => {
                write!(f, "no CSCA in the trust store for issuer {issuer}")
            }
            Self::SignerCertificateAltered { issuer } => write!(
                f,
                "the signer certificate does not verify with the CSCA its key identifier names \
                 ({issuer}): it was altered or forged"
            ),
            Self::CscaSignatureMismatch { issuer, candidates } => write!(
                f,
                "none of {candidates} CSCA candidate(s) for {issuer} verifies the signer \
                 certificate"
            ),
            Self::CscaFromUnanchoredList { csca } => write!(
                f,
                "CSCA {csca} comes only from an unanchored master list (not allowed by the \
                 policy)"
            ),
            Self::SignerNotYetValid { not_before, at } => write!(
                f,
                "signer certificate not yet valid at {} (notBefore {})",
                format_utc(*at),
                format_utc(*not_before)
            ),
            Self::SignerExpired { not_after, at } => write!(
                f,
                "signer certificate expired (notAfter {}) before {}",
                format_utc(*not_after),
                format_utc(*at)
            ),
            Self::CscaNotYetValid { not_before, at } => write!(
                f,
                "CSCA not yet valid at {} (notBefore {})",
                format_utc(*at),
                format_utc(*not_before)
            ),
            Self::CscaExpired { not_after, at } => write!(
                f,
                "CSCA expired (notAfter {}) before {}",
                format_utc(*not_after),
                format_utc(*at)
            ),
            Self::SigningTimeInFuture { signing_time, at } => write!(
                f,
                "signing time {} lies after the verification time {}",
                format_utc(*signing_time),
                format_utc(*at)
            ),
            Self::SigningTimeOutsideValidity { signing_time } => write!(
                f,
                "signer certificate not valid at signing time {}",
                format_utc(*signing_time)
            ),
            Self::KeyUsage {
                certificate,
                missing,
            } => write!(f, "{certificate} key usage does not include {missing}"),
            Self::DocumentTypeNotAllowed { document, allowed } => write!(
                f,
                "signer certificate may not sign document type {document:?} (its \
                 DocumentTypeList: {})",
                allowed.join(", ")
            ),
            Self::ExtensionMalformed { extension } => {
                write!(f, "signer certificate's {extension} extension is malformed")
            }
            Self::CountryMismatch {
                signer,
                signer_issuer,
                csca,
                document,
            } => {
                let parts: Vec<String> = [
                    ("signer", signer),
                    ("signer's issuer", signer_issuer),
                    ("CSCA", csca),
                    ("DG1 issuing state", document),
                ]
                .iter()
                .filter_map(|(what, c)| c.as_ref().map(|c| format!("{what} {c}")))
                .collect();
                write!(f, "country mismatch: {}", parts.join(", "))
            }
            Self::UnknownIssuingState { state } => {
                write!(f, "issuing state {state:?} is not a known country code")
            }
            Self::SignerRevoked { serial } => write!(
                f,
                "signer certificate (serial {serial}) is revoked by a CRL of its CSCA"
            ),
            Self::CrlInvalid { issuer } => write!(
                f,
                "the CRL of {issuer} does not verify against its CSCA (broken trust input)"
            ),
            Self::RevocationNotChecked { csca } => write!(
                f,
                "revocation not checked: no CRL of {csca} given, and the policy requires one"
            ),
            Self::CrlStale {
                issuer,
                next_update,
            } => match next_update {
                Some(t) => write!(
                    f,
                    "the CRL of {issuer} is stale (nextUpdate {}), and the policy requires a \
                     current one",
                    format_utc(*t)
                ),
                None => write!(
                    f,
                    "the CRL of {issuer} has no nextUpdate, and the policy requires a current one"
                ),
            },
            Self::CardSecurityMalformed { detail } => {
                write!(f, "EF.CardSecurity cannot be used: {detail}")
            }
            Self::CardSecurityInvalid => f.write_str("EF.CardSecurity is invalid"),
            Self::CardSecurityUntrusted => f.write_str("EF.CardSecurity is untrusted"),
        }
    }
}

/// The worst severity among `failures` (`valid` when there are none).
pub fn status_of(failures: &[PaFailure]) -> PaStatus {
    failures
        .iter()
        .map(PaFailure::severity)
        .max_by_key(|s| s.rank())
        .unwrap_or(PaStatus::Valid)
}

/// The human text of `failures`: each failure's text, joined with "; " (`None` when empty).
pub fn describe(failures: &[PaFailure]) -> Option<String> {
    (!failures.is_empty()).then(|| {
        failures
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Result of verifying a signed object (EF.SOD or EF.CardSecurity) and its signer chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerReport {
    /// The CMS signature check.
    pub signature: SignatureStatus,
    /// The signer chain check.
    pub chain: ChainStatus,
    /// Whether a CRL of the CSCA was consulted.
    pub revocation: RevocationStatus,
    /// The validity model and the times the certificates were checked at.
    pub validity: Option<ValidityReport>,
    /// Signer (Document Signer) subject.
    pub signer: Option<String>,
    /// The CSCA subject that certified the signer.
    pub csca: Option<String>,
    /// signingTime attribute, Unix seconds, when present.
    pub signing_time: Option<i64>,
    /// The time at which the signer certificate's validity was evaluated (Unix seconds; the
    /// same as `validity.signer_checked_at`).
    pub validity_checked_at: Option<i64>,
    /// Whether the signer certificate has expired by the verification time (informational;
    /// under the shell model this is also a failure).
    pub signer_expired_now: Option<bool>,
    /// The signer's failures as text (`None` when its checks hold); serialised as `detail`
    /// because the report that flattens this struct has its own `reason`.
    #[serde(rename = "detail")]
    pub reason: Option<String>,
}

impl SignerReport {
    /// A report for a signer that was not checked at all.
    pub fn unchecked() -> Self {
        Self {
            signature: SignatureStatus::NotChecked,
            chain: ChainStatus::NotChecked,
            revocation: RevocationStatus::NotChecked,
            validity: None,
            signer: None,
            csca: None,
            signing_time: None,
            validity_checked_at: None,
            signer_expired_now: None,
            reason: None,
        }
    }
}

/// Status and details of EF.CardSecurity verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSecurityReport {
    /// Overall status of the file (same meaning as for the SOD).
    pub status: PaStatus,
    /// Its failed checks.
    pub failures: Vec<PaFailure>,
    /// Signature and chain details.
    #[serde(flatten)]
    pub signer: SignerReport,
}

impl CardSecurityReport {
    /// A report from its signer details and failures (status and text derived from them).
    pub fn conclude(mut signer: SignerReport, failures: Vec<PaFailure>) -> Self {
        signer.reason = describe(&failures);
        Self {
            status: status_of(&failures),
            failures,
            signer,
        }
    }
}

/// The passive authentication report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaReport {
    /// Overall verdict: the worst severity among `failures`.
    pub status: PaStatus,
    /// Human-readable reason for the verdict (the failures' texts).
    pub reason: String,
    /// Every failed check, in the order found.
    pub failures: Vec<PaFailure>,
    /// Signature and chain details of EF.SOD.
    #[serde(flatten)]
    pub sod: SignerReport,
    /// Whether EF.SOD uses the legacy eContentType id-data (accepted or refused by the
    /// policy; flagged either way).
    pub legacy_content_type: bool,
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
        Self::failed(PaFailure::NotPerformed {
            detail: reason.into(),
        })
    }

    /// A report with nothing checked but one failure (e.g. [`PaFailure::SodMissing`]).
    pub fn failed(failure: PaFailure) -> Self {
        Self {
            status: PaStatus::NotPerformed,
            reason: String::new(),
            failures: vec![failure],
            sod: SignerReport::unchecked(),
            legacy_content_type: false,
            hash_algorithm: None,
            lds_version: None,
            dgs_in_sod: Vec::new(),
            files: BTreeMap::new(),
            card_security: None,
        }
        .conclude()
    }

    /// Sets `status` and `reason` from `failures`: the one place the verdict and its text are
    /// made. Without failures the reason says what held.
    pub fn conclude(mut self) -> Self {
        self.status = status_of(&self.failures);
        let card_security = self
            .card_security
            .as_ref()
            .and_then(|c| c.signer.reason.as_deref());
        let texts: Vec<String> = self
            .failures
            .iter()
            .map(|f| match (f, card_security) {
                (PaFailure::CardSecurityInvalid | PaFailure::CardSecurityUntrusted, Some(why)) => {
                    format!("{f}: {why}")
                }
                _ => f.to_string(),
            })
            .collect();
        self.reason = if texts.is_empty() {
            let mut what = String::from("signature and chain valid");
            if self.sod.chain == ChainStatus::TrustedUnanchored {
                what.push_str(" (CSCA from an unanchored master list)");
            }
            match self.files.len() {
                0 => what.push_str(" (no data groups given)"),
                n => what.push_str(&format!(", {n} data group hash(es) match")),
            }
            what
        } else {
            texts.join("; ")
        };
        self
    }
}
