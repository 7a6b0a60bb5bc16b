//! The clone verdict: each chip authentication check the chip offered (PACE-CAM, Chip
//! Authentication, Active Authentication), judged from the evidence, each counted only when
//! passive authentication proved the key it used belongs to this document. A genuine chip
//! passes every check it offers, so any failed check makes the verdict invalid.

use super::evidence::{AaRecord, CaOutcome, CaRecord, CamRecord, Evidence};
use super::report::{ChipAuthenticity, ChipCheck, ChipFailure, ChipMethod, ChipStatus, Proof};
use super::text;
use super::verdict::{KeyFile, Parsed, Verification, dg, key_file_status};
use crate::active_authentication::{self, AaVerdict};
use crate::chip_authentication::CaSetup;
use crate::lds::ElementaryFile;
use crate::pa::{AlgorithmId, PaReport, SignatureScheme};

/// What one check showed before its key file is taken into account: a pass with its detail,
/// or a failure.
type Raw = Result<String, ChipFailure>;

/// The verdict over every check in `evidence`. `live` says whether the session's own proofs
/// (CA, PACE-CAM) were seen here.
pub(crate) fn assess(
    evidence: &Evidence,
    parsed: &Parsed,
    pa: &PaReport,
    live: bool,
    v: &Verification<'_>,
) -> ChipAuthenticity {
    let pace_cam = evidence.pace_cam.as_ref().map(|rec| {
        gate(
            cam(rec, parsed),
            ElementaryFile::CardSecurity,
            pa,
            Proof::LiveSession,
            live,
        )
    });
    let ca = evidence.chip_authentication.as_ref().map(|rec| {
        let mut check = gate(ca(rec, parsed), dg(14), pa, Proof::LiveSession, live);
        check.protocol = Some(rec.protocol.clone());
        check
    });
    let aa = evidence.active_authentication.as_ref().map(|rec| {
        let mut check = gate(aa(rec, parsed, v), dg(15), pa, Proof::Signature, live);
        check.challenge = Some(hex::encode_upper(&rec.challenge.0));
        check.challenge_source = Some(rec.challenge_source);
        check.signature = rec.signature.as_ref().map(|s| hex::encode_upper(&s.0));
        check
    });
    overall(pace_cam, ca, aa, live)
}

/// Counts a passed check only when its key file is proved.
fn gate(raw: Raw, key_file: ElementaryFile, pa: &PaReport, proof: Proof, live: bool) -> ChipCheck {
    let file = key_file.name();
    let (status, failure, detail) = match raw {
        Err(f) => (ChipStatus::Invalid, Some(f.clone()), text::chip_failure(&f)),
        Ok(detail) => match key_file_status(pa, key_file) {
            KeyFile::Verified if proof == Proof::LiveSession && !live => {
                (ChipStatus::ProvedOnDevice, None, detail)
            }
            KeyFile::Verified => (ChipStatus::Valid, None, detail),
            KeyFile::Untrusted => (
                ChipStatus::NotPerformed,
                Some(ChipFailure::KeyFileNotTrusted { file: file.clone() }),
                detail,
            ),
            KeyFile::NotVerified => (
                ChipStatus::Invalid,
                Some(ChipFailure::KeyFileNotVerified { file: file.clone() }),
                detail,
            ),
        },
    };
    ChipCheck {
        status,
        proof,
        key_file: file,
        failure,
        detail,
        protocol: None,
        challenge: None,
        challenge_source: None,
        signature: None,
    }
}

fn cam(rec: &CamRecord, parsed: &Parsed) -> Raw {
    let infos = match parsed.card_security() {
        None => return Err(ChipFailure::CamNoCardSecurity),
        Some(Err(_)) => return Err(ChipFailure::CamCardSecurityUnusable),
        Some(Ok(i)) => i,
    };
    if infos
        .chip_authentication_public_keys()
        .any(|k| crate::pace::verify_cam_record(&rec.ca_ic.0, &rec.pk_map_ic.0, k).is_ok())
    {
        Ok("the chip's PACE-CAM data matches a chip key in EF.CardSecurity".into())
    } else {
        Err(ChipFailure::CamKeyMismatch)
    }
}

fn ca(rec: &CaRecord, parsed: &Parsed) -> Raw {
    match &rec.outcome {
        CaOutcome::Confirmed => {}
        CaOutcome::KeyMismatch => return Err(ChipFailure::CaKeyMismatch),
        CaOutcome::NotConfirmed => return Err(ChipFailure::CaNotConfirmed),
        CaOutcome::Refused { sw } => return Err(ChipFailure::CaRefused { sw: sw.clone() }),
        CaOutcome::Unusable { .. } => return Err(ChipFailure::CaUnusable),
    }
    // The record must name the key and protocol DG14 offers (a bundle cannot swap them).
    let setup = parsed.dg14().and_then(Result::ok).and_then(CaSetup::choose);
    match setup {
        Some(s) if s.protocol.name() == rec.protocol && s.key.key_id == rec.key_id => Ok(format!(
            "{}: the chip answered under the new session keys",
            rec.protocol
        )),
        _ => Err(ChipFailure::CaRecordInconsistent),
    }
}

fn aa(rec: &AaRecord, parsed: &Parsed, v: &Verification<'_>) -> Raw {
    if let Some(sw) = &rec.refused {
        return Err(ChipFailure::AaRefused { sw: sw.clone() });
    }
    let Some(signature) = &rec.signature else {
        return Err(ChipFailure::AaRefused { sw: "0000".into() });
    };
    let challenge: [u8; 8] = rec
        .challenge
        .0
        .as_slice()
        .try_into()
        .map_err(|_| ChipFailure::AaChallengeMismatch)?;
    if v.aa_challenge.is_some_and(|c| c != challenge) {
        return Err(ChipFailure::AaChallengeMismatch);
    }
    let Some(Ok(dg15)) = parsed.dg15() else {
        return Err(ChipFailure::AaKeyUnusable);
    };
    // ECDSA: the hash comes from DG14's ActiveAuthenticationInfo.
    let hash = parsed
        .dg14()
        .and_then(Result::ok)
        .and_then(|i| i.active_authentication())
        .and_then(|info| {
            SignatureScheme::from_algorithm(
                &AlgorithmId {
                    oid: info.signature_algorithm,
                    params: None,
                },
                None,
            )
            .ok()
        })
        .map(|scheme| scheme.hash());
    match active_authentication::verify(&dg15.public_key, &challenge, &signature.0, hash) {
        Ok(AaVerdict::Rsa { hash, key_bits, .. }) => {
            Ok(format!("RSA-{key_bits} ISO/IEC 9796-2 with {hash:?}"))
        }
        Ok(AaVerdict::Ecdsa {
            hash,
            curve,
            encoding,
        }) => Ok(format!(
            "ECDSA {curve} with {hash:?} ({encoding:?} signature)"
        )),
        Err(_) => Err(ChipFailure::AaSignatureInvalid),
    }
}

fn overall(
    pace_cam: Option<ChipCheck>,
    ca: Option<ChipCheck>,
    aa: Option<ChipCheck>,
    live: bool,
) -> ChipAuthenticity {
    let checks: Vec<(ChipMethod, &ChipCheck)> = [
        (ChipMethod::PaceCam, pace_cam.as_ref()),
        (ChipMethod::Ca, ca.as_ref()),
        (ChipMethod::Aa, aa.as_ref()),
    ]
    .into_iter()
    .filter_map(|(m, c)| c.map(|c| (m, c)))
    .collect();
    let failures: Vec<ChipFailure> = checks
        .iter()
        .filter_map(|(_, c)| c.failure.clone())
        .collect();
    let first = |status: ChipStatus| checks.iter().find(|(_, c)| c.status == status);
    let (status, pick) = if checks.is_empty() {
        (ChipStatus::NotSupported, None)
    } else if let Some(c) = first(ChipStatus::Invalid) {
        (ChipStatus::Invalid, Some(*c))
    } else if let Some(c) = first(ChipStatus::NotPerformed) {
        (ChipStatus::NotPerformed, Some(*c))
    } else if !live && let Some(c) = first(ChipStatus::Valid) {
        // Offline, a re-verified signature is the better proof than the device's word.
        (ChipStatus::Valid, Some(*c))
    } else {
        // Every check passed: the verdict rests on the strongest (checks are in that order).
        checks
            .first()
            .map(|c| (c.1.status, Some(*c)))
            .unwrap_or((ChipStatus::NotSupported, None))
    };
    ChipAuthenticity {
        status,
        method: pick.map(|(m, _)| m),
        proof: pick.map(|(_, c)| c.proof),
        reason: text::chip_verdict(status, pick),
        failures,
        pace_cam,
        ca,
        aa,
    }
}
