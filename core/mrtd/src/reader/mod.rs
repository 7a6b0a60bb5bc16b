//! Reading a passport over a [`tapid_card::CardTransport`] and verifying it: one call,
//! [`read`], takes the transport, the access key, the options and the verification (trust
//! anchors, time) and returns a [`VerifiedRead`] — the typed [`Report`] with every verdict and
//! the [`Evidence`] a server re-verifies with [`verify_evidence`]. There is no unverified
//! result to forget a second call on.

pub mod access;
pub mod channel;
mod clone_verdict;
mod downgrade;
pub mod error;
pub mod evidence;
pub mod files;
pub mod report;
pub mod run_aa;
pub mod run_ca;
pub mod session;
mod text;
pub mod verdict;

use std::collections::BTreeMap;

use tapid_card::CardTransport;

pub use error::{ExtendedLengthMissing, Progress, ReadError};
pub use evidence::{Evidence, EvidenceError};
pub use report::{Report, SCHEMA_VERSION};
pub use session::{ProgressEvent, ReadOptions};
pub use verdict::{VerdictError, Verification};

use crate::lds::ElementaryFile;
use crate::mrz::{AccessKey, Mrz};
use evidence::{Bytes, CamRecord, EvidenceOptions, TrustAnchor};
use verdict::{Parsed, Source};

/// A completed, verified read: the report (every verdict) and the evidence behind it. It
/// exists only with passive authentication done.
#[derive(Clone)]
pub struct VerifiedRead {
    report: Report,
    evidence: Evidence,
    files: BTreeMap<ElementaryFile, Vec<u8>>,
    mrz: Mrz,
}

impl std::fmt::Debug for VerifiedRead {
    // The files are the holder's personal data: only their names and sizes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(ef, b)| format!("{} {}B", ef.name(), b.len()))
            .collect();
        write!(f, "VerifiedRead({})", files.join(", "))
    }
}

impl VerifiedRead {
    /// The verification report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The evidence bundle, for a server to re-verify.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// Every file read, raw.
    pub fn files(&self) -> &BTreeMap<ElementaryFile, Vec<u8>> {
        &self.files
    }

    /// DG1's MRZ, as verified with the rest (what a holder check compares).
    pub fn mrz(&self) -> &Mrz {
        &self.mrz
    }

    /// The report and the evidence.
    pub fn into_parts(self) -> (Report, Evidence) {
        (self.report, self.evidence)
    }
}

/// Reads and verifies a passport: access control, EF.SOD, DG1 and the requested data groups
/// the SOD lists, chip authentication, then passive authentication, the clone verdict and the
/// downgrade check against `verification`. It is [`resume`] from an empty [`Progress`], kept
/// as the entry point of a fresh read (its parameters repeat `resume`'s but for `from`).
pub async fn read<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    verification: &Verification<'_>,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<VerifiedRead, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    resume(
        transport,
        key,
        options,
        verification,
        rng,
        progress,
        Progress::default(),
    )
    .await
}

/// Continues a read that failed with [`ReadError::LinkLost`]: opens the chip again (access
/// control and chip authentication run anew, as the chip forgot the session, and the chip
/// must answer under the new keys before anything is trusted), keeps every file already read
/// and continues the interrupted one from its last byte. Ends with the verdicts an
/// uninterrupted read would give (only the traffic figures differ).
pub async fn resume<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    verification: &Verification<'_>,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    from: Progress,
) -> Result<VerifiedRead, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let mut s = session::run(transport, key, options, rng, progress, from).await?;
    let mrz = verdict::dg1_mrz(&s.files).map_err(|e| match e {
        VerdictError::Dg1(e) => ReadError::Dg1(e),
        // The session ends with DG1 or with the chip's answer to SELECT DG1.
        _ => ReadError::Chip {
            command: "SELECT DG1",
            sw: tapid_card::StatusWord::FILE_NOT_FOUND,
        },
    })?;
    let mut evidence = Evidence {
        format: evidence::FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        device_time: verification.at(),
        options: EvidenceOptions {
            data_groups: options.data_groups.iter().map(|d| d.number()).collect(),
            read_unlisted: options.read_unlisted,
            allow_bac_fallback: options.allow_bac_fallback,
            allow_explicit_pace_parameters: options.allow_explicit_pace_parameters,
        },
        access: s.access.clone(),
        files: s
            .files
            .iter()
            .map(|(ef, b)| (ef.name(), Bytes(b.clone())))
            .collect(),
        absent: s.absent.clone(),
        eac_protected: s.eac_protected.clone(),
        chip_authentication: s.ca.clone(),
        active_authentication: s.aa.clone(),
        pace_cam: s.cam.as_ref().map(|c| CamRecord {
            ca_ic: Bytes(c.ca_ic().to_vec()),
            pk_map_ic: Bytes(c.pk_map_ic_sec1()),
        }),
        trust_anchors: Vec::new(),
    };
    let transport_report = s.transport_report();
    let report = verdict::assess(
        &evidence,
        &s.files,
        &mut s.parsed,
        &mrz,
        s.lds.take(),
        Source::Live(transport_report),
        verification,
    );
    evidence.trust_anchors = anchors(&report);
    Ok(VerifiedRead {
        report,
        evidence,
        files: s.files,
        mrz,
    })
}

/// Re-verifies an evidence bundle offline against the verifier's own trust anchors and clock:
/// passive authentication and Active Authentication are proved again; Chip Authentication and
/// PACE-CAM can only be taken as "proved on the device".
pub fn verify_evidence(
    evidence: &Evidence,
    verification: &Verification<'_>,
) -> Result<Report, VerdictError> {
    verify_evidence_read(evidence, verification).map(|read| read.report)
}

/// [`verify_evidence`], keeping what it verified together as a [`VerifiedRead`] (the report,
/// the evidence, its files and DG1's MRZ), so that a server's holder match compares exactly
/// what its own verification covered.
pub fn verify_evidence_read(
    evidence: &Evidence,
    verification: &Verification<'_>,
) -> Result<VerifiedRead, VerdictError> {
    let files = evidence.files_by_ef()?;
    let lds = files
        .get(&ElementaryFile::Com)
        .filter(|_| !files.contains_key(&ElementaryFile::Sod))
        .and_then(|b| crate::lds::com::EfCom::parse(b).ok());
    let mrz = verdict::dg1_mrz(&files)?;
    let report = verdict::assess(
        evidence,
        &files,
        &mut Parsed::default(),
        &mrz,
        lds,
        Source::Evidence,
        verification,
    );
    Ok(VerifiedRead {
        report,
        evidence: evidence.clone(),
        files,
        mrz,
    })
}

/// The CSCAs the report's passive authentication rested on.
fn anchors(report: &Report) -> Vec<TrustAnchor> {
    let pa = &report.passive_authentication;
    let mut out = Vec::new();
    if let Some(csca) = &pa.sod.csca {
        out.push(TrustAnchor {
            anchored: ElementaryFile::Sod.name(),
            subject: csca.clone(),
        });
    }
    if let Some(csca) = pa
        .card_security
        .as_ref()
        .and_then(|c| c.signer.csca.clone())
    {
        out.push(TrustAnchor {
            anchored: ElementaryFile::CardSecurity.name(),
            subject: csca,
        });
    }
    out
}
