//! From the evidence of a read to its report: passive authentication, the clone verdict, the
//! downgrade check, document expiry. The same function serves a live read on the device and a
//! server verifying an evidence bundle offline; they differ only in what the live session
//! proved (CA and PACE-CAM), which the report names.

use std::collections::BTreeMap;

use super::clone_verdict;
use super::downgrade;
use super::evidence::Evidence;
use super::report::{
    Coverage, DataReport, DocumentReport, FileReport, Report, SCHEMA_VERSION, TransportReport,
    VerificationReport, VerificationSource,
};
use crate::lds::ElementaryFile;
use crate::lds::card_access::CardAccess;
use crate::lds::card_security::CardSecurity;
use crate::lds::com::EfCom;
use crate::lds::dg1::{Dg1, Dg1Error};
use crate::lds::dg14::Dg14;
use crate::lds::dg15::{Dg15, Dg15Error};
use crate::lds::sod::Sod;
use crate::mrz::Mrz;
use crate::pa::{
    self, DocumentContext, HashStatus, PaError, PaFailure, PaReport, PaStatus, Policy,
    SignatureStatus, TrustStore,
};
use crate::security_infos::{SecurityInfoError, SecurityInfos};

/// What the verdict is reached against: the trust anchors, the trust policy with the
/// verification time (the verifier's own clock, or a time it chose), and (for a server) the
/// Active Authentication challenge it issued.
#[derive(Debug, Clone, Copy)]
pub struct Verification<'a> {
    /// Trusted CSCAs and CRLs.
    pub trust: &'a TrustStore,
    /// Passive authentication's policy, including the verification time `policy.at`.
    pub policy: Policy,
    /// The AA challenge the verifier issued; the recorded one must equal it.
    pub aa_challenge: Option<[u8; 8]>,
}

impl<'a> Verification<'a> {
    /// Against `trust` at Unix time `at`, with the default policy (shell model).
    pub fn new(trust: &'a TrustStore, at: i64) -> Self {
        Self::with_policy(trust, Policy::new(at))
    }

    /// Against `trust` under `policy` (whose `at` is the verification time).
    pub fn with_policy(trust: &'a TrustStore, policy: Policy) -> Self {
        Self {
            trust,
            policy,
            aa_challenge: None,
        }
    }

    /// The verification time.
    pub fn at(&self) -> i64 {
        self.policy.at
    }
}

/// Where the evidence comes from.
pub(crate) enum Source {
    /// A live read on this device, with its traffic.
    Live(TransportReport),
    /// A bundle verified offline.
    Evidence,
}

/// Why no report can be built at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerdictError {
    /// DG1 is missing: there is no document to report on.
    #[error("the evidence has no DG1")]
    NoDg1,
    /// DG1 does not parse.
    #[error("DG1: {0}")]
    Dg1(#[from] Dg1Error),
    /// The evidence names a file that is no LDS file (a bundle built in code; one read with
    /// [`Evidence::from_slice`] was checked already).
    #[error("evidence: {0}")]
    Evidence(#[from] super::evidence::EvidenceError),
}

/// Every security object of a read, parsed once and shared by the session and the verdict.
#[derive(Default)]
pub(crate) struct Parsed {
    /// EF.CardAccess.
    pub card_access: Option<SecurityInfos>,
    sod: Option<Result<Sod, PaError>>,
    dg14: Option<Result<Dg14, SecurityInfoError>>,
    dg15: Option<Result<Dg15, Dg15Error>>,
    card_security: Option<Result<CardSecurity, PaError>>,
    card_security_infos: Option<Result<SecurityInfos, String>>,
}

impl Parsed {
    /// Parses EF.SOD unless done already.
    pub fn parse_sod(&mut self, bytes: Option<&[u8]>) {
        if let (None, Some(b)) = (&self.sod, bytes) {
            self.sod = Some(Sod::parse(b));
        }
    }

    /// The parsed EF.SOD, when it parsed.
    pub fn sod(&self) -> Option<&Sod> {
        self.sod.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// Parses DG14 unless done already.
    pub fn parse_dg14(&mut self, bytes: Option<&[u8]>) {
        if let (None, Some(b)) = (&self.dg14, bytes) {
            self.dg14 = Some(Dg14::parse(b));
        }
    }

    /// DG14's SecurityInfos (or why they do not parse), when DG14 was read.
    pub fn dg14(&self) -> Option<Result<&SecurityInfos, &SecurityInfoError>> {
        self.dg14
            .as_ref()
            .map(|r| r.as_ref().map(|d| &d.security_infos))
    }

    /// DG15 (or why it does not parse), when it was read.
    pub fn dg15(&self) -> Option<Result<&Dg15, &Dg15Error>> {
        self.dg15.as_ref().map(Result::as_ref)
    }

    /// EF.CardSecurity's SecurityInfos (or why they cannot be used), when it was read.
    pub fn card_security(&self) -> Option<Result<&SecurityInfos, &String>> {
        self.card_security_infos.as_ref().map(Result::as_ref)
    }

    /// Parses everything in `files` not parsed yet.
    pub fn complete(&mut self, files: &BTreeMap<ElementaryFile, Vec<u8>>) {
        self.parse_sod(files.get(&ElementaryFile::Sod).map(Vec::as_slice));
        self.parse_dg14(files.get(&dg(14)).map(Vec::as_slice));
        if let (None, Some(b)) = (&self.dg15, files.get(&dg(15))) {
            self.dg15 = Some(Dg15::parse(b));
        }
        if let (None, Some(b)) = (
            &self.card_security,
            files.get(&ElementaryFile::CardSecurity),
        ) {
            let cs = CardSecurity::parse(b);
            self.card_security_infos = Some(match &cs {
                Ok(c) => SecurityInfos::parse(c.security_infos()).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            });
            self.card_security = Some(cs);
        }
        if self.card_access.is_none()
            && let Some(b) = files.get(&ElementaryFile::CardAccess)
        {
            self.card_access = CardAccess::parse(b).ok().map(|f| f.security_infos);
        }
    }
}

/// Data group `n` as a file (`n` is 1..=16 at every call site).
pub(crate) fn dg(n: u8) -> ElementaryFile {
    ElementaryFile::Dg(crate::lds::DataGroup::new(n).unwrap_or(crate::lds::DataGroup::DG1))
}

/// DG1's MRZ from the files of a read, the document every verdict is about.
pub(crate) fn dg1_mrz(files: &BTreeMap<ElementaryFile, Vec<u8>>) -> Result<Mrz, VerdictError> {
    Ok(Dg1::parse(files.get(&dg(1)).ok_or(VerdictError::NoDg1)?)?.mrz)
}

/// Builds the report of a read from its evidence; `mrz` is DG1's ([`dg1_mrz`]).
pub(crate) fn assess(
    evidence: &Evidence,
    files: &BTreeMap<ElementaryFile, Vec<u8>>,
    parsed: &mut Parsed,
    mrz: &Mrz,
    lds: Option<EfCom>,
    source: Source,
    v: &Verification<'_>,
) -> Report {
    parsed.complete(files);
    let passive = passive_authentication(files, parsed, mrz, v);
    let live = matches!(source, Source::Live(_));
    let chip_authenticity = clone_verdict::assess(evidence, parsed, &passive, live, v);
    let downgrade = downgrade::assess(evidence, parsed, &passive);
    let mut unsigned_files = BTreeMap::new();
    if files.contains_key(&ElementaryFile::CardAccess) {
        unsigned_files.insert(
            ElementaryFile::CardAccess.name(),
            downgrade::card_access_coverage(parsed, &passive),
        );
    }
    for ef in [ElementaryFile::Com, ElementaryFile::AtrInfo] {
        if files.contains_key(&ef) {
            unsigned_files.insert(ef.name(), Coverage::NotCovered);
        }
    }
    let report_files = files
        .iter()
        .map(|(ef, bytes)| {
            let hash = match ef {
                ElementaryFile::Dg(_) => passive.files.get(&ef.name()).map(|h| h.hash),
                _ => None,
            };
            (
                ef.name(),
                FileReport {
                    size: bytes.len(),
                    hash,
                },
            )
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        access: evidence.access.clone(),
        document: document(mrz, v.at()),
        lds,
        files: report_files,
        absent: evidence.absent.clone(),
        eac_protected: evidence.eac_protected.clone(),
        data: data(files, parsed),
        passive_authentication: passive,
        chip_authenticity,
        downgrade,
        unsigned_files,
        transport: match source {
            Source::Live(t) => Some(t),
            Source::Evidence => None,
        },
        verification: VerificationReport {
            source: if live {
                VerificationSource::Live
            } else {
                VerificationSource::Evidence
            },
            at: v.at(),
            device_time: evidence.device_time,
        },
    }
}

fn passive_authentication(
    files: &BTreeMap<ElementaryFile, Vec<u8>>,
    parsed: &Parsed,
    mrz: &Mrz,
    v: &Verification<'_>,
) -> PaReport {
    let Some(sod) = files.get(&ElementaryFile::Sod) else {
        // Every eMRTD has an EF.SOD; a chip without one cannot prove its data.
        return PaReport::failed(PaFailure::SodMissing);
    };
    let groups: Vec<(u8, &[u8])> = files
        .iter()
        .filter_map(|(ef, bytes)| match ef {
            ElementaryFile::Dg(dg) => Some((dg.number(), bytes.as_slice())),
            _ => None,
        })
        .collect();
    let document = DocumentContext::new(&mrz.issuing_state, &mrz.document_code);
    match parsed.sod.as_ref() {
        // Parsed once, by the session or by [`Parsed::complete`].
        Some(Ok(sod)) => pa::verify_parsed(
            sod,
            &groups,
            parsed.card_security.as_ref().map(Result::as_ref),
            v.trust,
            document,
            &v.policy,
        ),
        // A SOD that does not parse: passive authentication names why.
        _ => pa::verify(sod, &groups, None, v.trust, document, &v.policy),
    }
}

/// Whether `file`'s key is proved: its hash matches a valid EF.SOD (DG14, DG15) or it is a
/// valid EF.CardSecurity.
pub(crate) fn key_file_status(pa: &PaReport, file: ElementaryFile) -> KeyFile {
    // Integrity first: the file must be what a valid signature covers. Trust in that
    // signature (chain, validity, revocation) is passive authentication's own verdict.
    let (status, signature, covered) = match (file, &pa.card_security) {
        (ElementaryFile::CardSecurity, Some(cs)) => (cs.status, cs.signer.signature, true),
        (ElementaryFile::CardSecurity, None) => return KeyFile::NotVerified,
        _ => (
            pa.status,
            pa.sod.signature,
            pa.files
                .get(&file.name())
                .is_some_and(|f| f.hash == HashStatus::Match),
        ),
    };
    if !covered || signature != SignatureStatus::Valid {
        return KeyFile::NotVerified;
    }
    match status {
        PaStatus::Valid => KeyFile::Verified,
        _ => KeyFile::Untrusted,
    }
}

/// How far passive authentication proved a key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFile {
    /// Signed, chained to a trusted CSCA, hash matches.
    Verified,
    /// Signature and hash hold, but passive authentication did not establish trust (an
    /// untrusted or expired signer, another file's mismatch).
    Untrusted,
    /// Not covered by a valid signature (hash mismatch, not listed, signature invalid).
    NotVerified,
}

/// DG1's data for the report, the one place the report's view is built from the MRZ model;
/// `at` decides the two-digit centuries and the expiry.
fn document(mrz: &Mrz, at: i64) -> DocumentReport {
    let today = civil_date(at);
    let (year, _, _) = today;
    let expiry_year = mrz.date_of_expiry.expiry_year(year);
    DocumentReport {
        format: format!("{:?}", mrz.format),
        document_code: mrz.document_code.clone(),
        issuing_state: mrz.issuing_state.clone(),
        document_number: mrz.document_number.clone(),
        primary_identifier: mrz.primary_identifier.clone(),
        secondary_identifier: mrz.secondary_identifier.clone(),
        nationality: mrz.nationality.clone(),
        date_of_birth: mrz.date_of_birth.iso(mrz.date_of_birth.birth_year(year)),
        date_of_expiry: mrz.date_of_expiry.iso(expiry_year),
        sex: mrz.sex.to_string(),
        optional_data: mrz.optional_data.clone(),
        expired: mrz.expired_on(today),
    }
}

/// The UTC calendar date of a Unix time ([`pa::time::civil_date`]), the year held to the
/// four digits a report's ISO dates have.
pub fn civil_date(unix: i64) -> (u16, u8, u8) {
    let (year, month, day) = pa::time::civil_date(unix);
    (u16::try_from(year.clamp(0, 9999)).unwrap_or(0), month, day)
}

/// Parses every data group that has a parser, for the report.
fn data(files: &BTreeMap<ElementaryFile, Vec<u8>>, parsed: &Parsed) -> DataReport {
    use crate::lds::dg2::Dg2;
    use crate::lds::dg11::Dg11;
    use crate::lds::dg12::Dg12;
    let mut out = DataReport::default();
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
            15 => match parsed.dg15() {
                Some(Ok(d)) => {
                    out.dg15 = Some(d.public_key.describe());
                    Ok(())
                }
                Some(Err(e)) => Err(e.to_string()),
                None => Ok(()),
            },
            _ => Ok(()),
        };
        if let Err(e) = result {
            out.errors.insert(ef.name(), e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(1_800_000_000), (2027, 1, 15));
        assert_eq!(civil_date(951_782_400), (2000, 2, 29));
        assert_eq!(civil_date(-86_400), (1969, 12, 31));
    }
}
