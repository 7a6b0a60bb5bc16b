//! Checks run over the files of a completed read: passive authentication of EF.SOD and every
//! data group read, against a trust store.

use crate::lds::ElementaryFile;
use crate::pa::{self, HashStatus, PaReport, TrustStore};

use super::chip_authenticity::ChipAuthenticityReport;
use super::session::ReadOutcome;

/// Runs passive authentication over `outcome`'s files and records the verdict and each data
/// group's hash result in its report. `now` is Unix seconds.
pub fn verify_passive(outcome: &mut ReadOutcome, trust: &TrustStore, now: i64) {
    let Some(sod) = outcome.files.get(&ElementaryFile::Sod) else {
        // Every eMRTD has an EF.SOD; a chip without one cannot prove its data.
        record(outcome, PaReport::failed(pa::PaFailure::SodMissing));
        return;
    };
    let groups: Vec<(u8, &[u8])> = outcome
        .files
        .iter()
        .filter_map(|(ef, bytes)| match ef {
            ElementaryFile::Dg(dg) => Some((dg.number(), bytes.as_slice())),
            _ => None,
        })
        .collect();
    let card_security = outcome
        .files
        .get(&ElementaryFile::CardSecurity)
        .map(Vec::as_slice);
    let document = &outcome.report.document;
    let report = pa::verify(
        sod,
        &groups,
        card_security,
        trust,
        pa::DocumentContext::new(&document.issuing_state, &document.document_code),
        &pa::Policy::new(now),
    );
    for (name, file) in outcome.report.files.iter_mut() {
        if let Some(h) = report.files.get(name) {
            file.hash = Some(
                match h.hash {
                    HashStatus::Match => "match",
                    HashStatus::Mismatch => "mismatch",
                    HashStatus::NotInSod => "not_in_sod",
                }
                .to_owned(),
            );
        }
    }
    record(outcome, report);
}

/// Stores the passive-authentication verdict and re-assesses chip authenticity, which counts
/// only with it.
fn record(outcome: &mut ReadOutcome, report: PaReport) {
    let chip = &outcome.report.chip_authenticity;
    outcome.report.chip_authenticity = ChipAuthenticityReport::assess(
        chip.pace_cam.clone(),
        chip.ca.clone(),
        chip.aa.clone(),
        &report,
    );
    outcome.report.passive_authentication = report;
}
