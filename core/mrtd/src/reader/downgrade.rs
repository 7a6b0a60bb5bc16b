//! Downgrade detection. EF.CardAccess, which picks the access protocol, is unsigned: whoever
//! controls the link can hide it (forcing BAC) or strip its strongest entries. DG14 and
//! EF.CardSecurity repeat its PACEInfos under signature (9303-11 §9.2.11), so once passive
//! authentication proved one of them, the variant that ran must be in it and no signed variant
//! may be stronger; and EF.CardAccess must list exactly the signed PACEInfos.

use std::collections::BTreeSet;

use super::evidence::Evidence;
use super::report::{
    AccessProtocol, AccessReport, Coverage, DowngradeFailure, DowngradeReport, DowngradeStatus,
};
use super::text;
use super::verdict::{KeyFile, Parsed, dg, key_file_status};
use crate::lds::ElementaryFile;
use crate::pa::PaReport;
use crate::security_infos::{PaceInfo, PaceSetup, SecurityInfos, choose_pace, pace_rank};

/// The PA-proved file that lists PACEInfos, with its name.
fn signed_list<'p>(parsed: &'p Parsed, pa: &PaReport) -> Option<(&'static str, &'p SecurityInfos)> {
    let dg14 = parsed
        .dg14()
        .and_then(Result::ok)
        .filter(|_| key_file_status(pa, dg(14)) == KeyFile::Verified)
        .map(|i| ("DG14", i));
    let card_security = parsed
        .card_security()
        .and_then(Result::ok)
        .filter(|_| key_file_status(pa, ElementaryFile::CardSecurity) == KeyFile::Verified)
        .map(|i| ("EF.CardSecurity", i));
    [dg14, card_security]
        .into_iter()
        .flatten()
        .find(|(_, i)| i.pace_infos().next().is_some())
}

fn pace_set(infos: &SecurityInfos) -> BTreeSet<(Vec<u8>, u64, Option<u64>)> {
    infos
        .pace_infos()
        .map(|p| (p.protocol.oid_bytes(), p.version, p.parameter_id))
        .collect()
}

/// Whether EF.CardAccess agrees with the signed list.
pub(crate) fn card_access_coverage(parsed: &Parsed, pa: &PaReport) -> Coverage {
    match (signed_list(parsed, pa), &parsed.card_access) {
        (Some((_, signed)), Some(card_access)) => {
            if pace_set(signed) == pace_set(card_access) {
                Coverage::Consistent
            } else {
                Coverage::Inconsistent
            }
        }
        (Some(_), None) => Coverage::Inconsistent,
        (None, _) => Coverage::NotCovered,
    }
}

/// The downgrade verdict of a read.
pub(crate) fn assess(evidence: &Evidence, parsed: &Parsed, pa: &PaReport) -> DowngradeReport {
    let Some((name, signed)) = signed_list(parsed, pa) else {
        return DowngradeReport {
            status: DowngradeStatus::NotChecked,
            signed_list: None,
            failure: None,
            reason: "no DG14 or EF.CardSecurity proved by passive authentication lists PACE".into(),
        };
    };
    let failure = match evidence.access.protocol {
        AccessProtocol::Bac => Some(DowngradeFailure::BacWithPaceListed),
        AccessProtocol::Pace => pace_failure(
            &evidence.access,
            evidence.options.allow_explicit_pace_parameters,
            signed,
        ),
    };
    let failure = failure.or_else(|| {
        (card_access_coverage(parsed, pa) == Coverage::Inconsistent)
            .then_some(DowngradeFailure::VariantNotSigned)
    });
    match failure {
        None => DowngradeReport {
            status: DowngradeStatus::NotDetected,
            signed_list: Some(name.into()),
            failure: None,
            reason: format!("the PACE variant that ran is the strongest {name} offers"),
        },
        Some(f) => DowngradeReport {
            status: if evidence.options.allow_bac_fallback {
                DowngradeStatus::Allowed
            } else {
                DowngradeStatus::Detected
            },
            signed_list: Some(name.into()),
            reason: text::downgrade(&f, name),
            failure: Some(f),
        },
    }
}

fn pace_failure(
    a: &AccessReport,
    allow_explicit: bool,
    signed: &SecurityInfos,
) -> Option<DowngradeFailure> {
    let used: Option<&PaceInfo> = signed.pace_infos().find(|p| {
        Some(p.protocol.mapping) == a.mapping
            && Some(p.protocol.agreement) == a.agreement
            && p.protocol.cipher == a.cipher
            && p.parameter_id == a.parameter_id
    });
    let Some(used) = used else {
        return Some(DowngradeFailure::VariantNotSigned);
    };
    let used = PaceSetup::from_info(used, signed).ok()?;
    let best = choose_pace(signed, allow_explicit)?;
    if pace_rank(&best) <= pace_rank(&used) {
        return None;
    }
    Some(
        if best.protocol.mapping == crate::security_infos::Mapping::Cam
            && used.protocol.mapping != crate::security_infos::Mapping::Cam
        {
            DowngradeFailure::CamStripped
        } else {
            DowngradeFailure::WeakerVariant {
                offered: format!("{} {}", best.protocol.name(), best.parameters_name()),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security_infos::{Agreement, Mapping, PaceProtocol, encode_security_infos};
    use crate::symmetric::CipherAlg;

    fn info(mapping: Mapping, cipher: CipherAlg, id: u64) -> Vec<u8> {
        PaceInfo {
            protocol: PaceProtocol::new(mapping, Agreement::Ecdh, cipher).unwrap(),
            version: 2,
            parameter_id: Some(id),
        }
        .to_der()
    }

    fn access(mapping: Mapping, cipher: CipherAlg, id: u64) -> AccessReport {
        AccessReport {
            protocol: AccessProtocol::Pace,
            cipher,
            password: super::super::report::Password::Mrz,
            mapping: Some(mapping),
            agreement: Some(Agreement::Ecdh),
            parameters: None,
            parameter_id: Some(id),
        }
    }

    #[test]
    fn stripped_and_weaker_variants_are_named() {
        let signed = SecurityInfos::parse(&encode_security_infos(&[
            info(Mapping::Cam, CipherAlg::Aes128, 13),
            info(Mapping::Gm, CipherAlg::Aes128, 13),
            info(Mapping::Gm, CipherAlg::Aes256, 13),
        ]))
        .unwrap();
        // The strongest signed variant ran: nothing to report.
        assert_eq!(
            pace_failure(&access(Mapping::Cam, CipherAlg::Aes128, 13), false, &signed),
            None
        );
        // CAM offered, GM ran: CAM was stripped from EF.CardAccess.
        assert_eq!(
            pace_failure(&access(Mapping::Gm, CipherAlg::Aes256, 13), false, &signed),
            Some(DowngradeFailure::CamStripped)
        );
        // A variant that is in no signed list.
        assert_eq!(
            pace_failure(&access(Mapping::Gm, CipherAlg::Aes128, 12), false, &signed),
            Some(DowngradeFailure::VariantNotSigned)
        );
        let signed = SecurityInfos::parse(&encode_security_infos(&[
            info(Mapping::Gm, CipherAlg::Aes128, 13),
            info(Mapping::Gm, CipherAlg::Aes256, 13),
        ]))
        .unwrap();
        // AES-256 offered, AES-128 ran.
        assert!(matches!(
            pace_failure(&access(Mapping::Gm, CipherAlg::Aes128, 13), false, &signed),
            Some(DowngradeFailure::WeakerVariant { .. })
        ));
    }
}
