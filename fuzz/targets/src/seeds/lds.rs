//! Every emulator profile's files, as the chip serves them: EF.CardAccess, EF.CardSecurity,
//! EF.ATR/INFO, EF.COM, EF.SOD and the data groups, each for its own target and for `tlv`.

use tapid_emulator::{Profile, atr};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};

use super::{Corpus, SeedError};

/// Every profile of `tapid_emulator::profile::list()`, built (files signed by the test PKI).
///
/// # Errors
/// When a profile does not build.
pub fn profiles() -> Result<Vec<Profile>, SeedError> {
    tapid_emulator::profile::list()
        .iter()
        .map(|info| Profile::named(info.name).map_err(SeedError::from))
        .collect()
}

/// The target that parses `ef`, if one does.
fn target_of(ef: ElementaryFile) -> Option<&'static str> {
    match ef {
        ElementaryFile::AtrInfo => Some("atr_info"),
        ElementaryFile::CardAccess => Some("security_infos"),
        ElementaryFile::CardSecurity => Some("card_security"),
        ElementaryFile::Com => Some("com"),
        ElementaryFile::Sod => Some("sod"),
        ElementaryFile::Dg(dg) => match dg.number() {
            1 => Some("dg1"),
            2 => Some("dg2"),
            11 => Some("dg11"),
            12 => Some("dg12"),
            14 => Some("security_infos"),
            15 => Some("dg15"),
            _ => None,
        },
    }
}

/// Every file an LDS may have (EF.CardSecurity and EF.SOD share a FID, in different DFs).
pub fn files() -> Vec<ElementaryFile> {
    let mut out = vec![
        ElementaryFile::AtrInfo,
        ElementaryFile::CardAccess,
        ElementaryFile::CardSecurity,
        ElementaryFile::Com,
        ElementaryFile::Sod,
    ];
    out.extend((1..=16).filter_map(DataGroup::new).map(ElementaryFile::Dg));
    out
}

/// The files of every profile for their targets, with near-misses, and each file whole for
/// `tlv`; EF.ATR/INFO as a chip with extended length adds it, for several buffer sizes, and
/// the historical bytes the ATR carries.
pub fn seeds(profiles: &[Profile], corpus: &mut Corpus) {
    for profile in profiles {
        for ef in files() {
            let Some(bytes) = profile.files.get(ef) else {
                continue;
            };
            let label = format!("profile {} {}", profile.name, ef.name());
            if let Some(target) = target_of(ef) {
                corpus.with_near_misses(target, &label, bytes.to_vec());
            }
            corpus.genuine("tlv", label, bytes.to_vec());
        }
    }
    for (command, response) in [
        (atr::MAX_COMMAND_LEN, atr::MAX_RESPONSE_LEN),
        (0x105, 0x102),
        (0xFFFF, 0xFFFF),
    ] {
        let label = format!("EF.ATR/INFO {command}/{response}");
        let bytes = atr::atr_info(command, response);
        corpus.with_near_misses("atr_info", &label, bytes.clone());
        corpus.genuine("tlv", label, bytes);
    }
    for extended in [true, false] {
        corpus.genuine(
            "atr_info",
            format!("historical bytes, extended length {extended}"),
            atr::historical_bytes(extended),
        );
    }
}
