//! The human text of the report's verdicts, built in one place from the typed reasons (the
//! protocol code never formats messages for people).

use super::report::{ChipCheck, ChipFailure, ChipMethod, ChipStatus, DowngradeFailure};

/// A method's name as people read it.
pub fn method(m: ChipMethod) -> &'static str {
    match m {
        ChipMethod::PaceCam => "PACE-CAM",
        ChipMethod::Ca => "Chip Authentication",
        ChipMethod::Aa => "Active Authentication",
    }
}

/// One chip authenticity failure in words.
pub fn chip_failure(f: &ChipFailure) -> String {
    match f {
        ChipFailure::CaKeyMismatch => {
            "the chip could not answer under the new session keys, so it does not hold the DG14 \
             private key"
                .into()
        }
        ChipFailure::CaNotConfirmed => {
            "the chip ended secure messaging before it answered under the new session keys, so \
             the DG14 key was never confirmed"
                .into()
        }
        ChipFailure::CaRefused { sw } => format!("the chip refused Chip Authentication ({sw})"),
        ChipFailure::CaUnusable => "DG14's Chip Authentication key cannot be used".into(),
        ChipFailure::CaRecordInconsistent => {
            "the recorded Chip Authentication run does not use DG14's key".into()
        }
        ChipFailure::AaSignatureInvalid => {
            "the Active Authentication signature does not verify with the DG15 key".into()
        }
        ChipFailure::AaRefused { sw } => {
            format!("the chip gave no authenticated answer to INTERNAL AUTHENTICATE ({sw})")
        }
        ChipFailure::AaKeyUnusable => "DG15's key cannot be used".into(),
        ChipFailure::AaChallengeMismatch => {
            "the Active Authentication challenge is not the one the verifier issued".into()
        }
        ChipFailure::CamNoCardSecurity => "PACE-CAM ran but the chip has no EF.CardSecurity".into(),
        ChipFailure::CamCardSecurityUnusable => {
            "EF.CardSecurity's SecurityInfos cannot be used".into()
        }
        ChipFailure::CamKeyMismatch => {
            "no chip key in EF.CardSecurity matches the chip's PACE-CAM data".into()
        }
        ChipFailure::KeyFileNotVerified { file } => {
            format!("{file} is not covered by a valid signature")
        }
        ChipFailure::KeyFileNotTrusted { file } => {
            format!("passive authentication did not establish trust in {file}")
        }
    }
}

/// The overall chip authenticity verdict in words.
pub fn chip_verdict(status: ChipStatus, pick: Option<(ChipMethod, &ChipCheck)>) -> String {
    let Some((m, check)) = pick else {
        return "the chip offers no chip authentication (no PACE-CAM, DG14 key or DG15 key)".into();
    };
    let name = method(m);
    let file = &check.key_file;
    match (status, &check.failure) {
        (ChipStatus::Invalid, Some(f @ ChipFailure::KeyFileNotVerified { .. })) => {
            format!("{name} ran, but {}", chip_failure(f))
        }
        (ChipStatus::Invalid, Some(f)) => {
            format!("{name} failed: {} (possible clone)", chip_failure(f))
        }
        (ChipStatus::NotPerformed, _) => format!(
            "{name} passed, but the key is not proven to be this document's: passive \
             authentication did not establish trust in {file}"
        ),
        (ChipStatus::ProvedOnDevice, _) => format!(
            "{name} passed on the device with the key in {file}, verified by passive \
             authentication; the live session cannot be re-proved offline"
        ),
        _ => format!("{name} passed with the key in {file}, verified by passive authentication"),
    }
}

/// A downgrade in words.
pub fn downgrade(f: &DowngradeFailure, signed_list: &str) -> String {
    match f {
        DowngradeFailure::BacWithPaceListed => {
            format!("BAC ran although {signed_list} lists PACE: EF.CardAccess was hidden or edited")
        }
        DowngradeFailure::CamStripped => {
            format!(
                "{signed_list} offers PACE-CAM but another mapping ran: EF.CardAccess was edited"
            )
        }
        DowngradeFailure::WeakerVariant { offered } => {
            format!(
                "{signed_list} offers the stronger PACE variant {offered} than the one that ran"
            )
        }
        DowngradeFailure::VariantNotSigned => {
            format!("the PACE variant that ran is not in {signed_list}: EF.CardAccess was edited")
        }
    }
}
