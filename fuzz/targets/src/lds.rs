//! LDS files a chip hands over before or without a signature check: the MRZ, SecurityInfos
//! (EF.CardAccess, DG14), EF.ATR/INFO and the card's historical bytes, EF.COM, and the data
//! groups DG1, DG2 (ISO/IEC 19794-5 and 39794-5), DG11, DG12 and DG15.

use tapid_card::historical;
use tapid_mrtd::lds::atr_info::AtrInfo;
use tapid_mrtd::lds::biometric::{iso19794_5, iso39794_5};
use tapid_mrtd::lds::card_access::CardAccess;
use tapid_mrtd::lds::com::EfCom;
use tapid_mrtd::lds::dg1::Dg1;
use tapid_mrtd::lds::dg2::Dg2;
use tapid_mrtd::lds::dg11::Dg11;
use tapid_mrtd::lds::dg12::Dg12;
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::lds::dg15::{Dg15, Dg15PublicKey};
use tapid_mrtd::mrz::{Mrz, MrzKey};
use tapid_mrtd::security_infos::SecurityInfos;

use crate::Outcome;

/// The MRZ (TD1, TD2, TD3; visas' MRV-A/B share the two-line widths and are refused) with its
/// check digits, the access key derived from it, and the CLI's `DOC,YYMMDD,YYMMDD` key form.
/// Accepted when the MRZ parses and yields its key.
pub fn mrz(data: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(data);
    let _ = MrzKey::parse_triple(&text);
    match Mrz::parse(&text) {
        Ok(m) => Outcome::accepted_if(m.access_key().is_ok()),
        Err(_) => Outcome::Rejected,
    }
}

/// SecurityInfos (BSI TR-03110 / ICAO 9303-11 §9.2): the bare SET as EF.CardAccess and
/// DG14 (`6E`) carry it; EF.CardSecurity's signed copy is the `card_security` target. Each
/// PACE domain parameter and CA public key found is decoded as the reader would use it.
pub fn security_infos(data: &[u8]) -> Outcome {
    let bare = match SecurityInfos::parse(data) {
        Ok(infos) => {
            for p in infos.pace_domain_parameters() {
                let _ = format!("{p:?}");
            }
            for k in infos.chip_authentication_public_keys() {
                let _ = format!("{k:?}");
            }
            let _ = infos.pace_infos().count();
            let _ = infos.active_authentication();
            let _ = infos.has_terminal_authentication();
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    };
    let card_access = Outcome::accepted_if(CardAccess::parse(data).is_ok());
    let dg14 = Outcome::accepted_if(Dg14::parse(data).is_ok());
    bare.and(card_access).and(dg14)
}

/// EF.ATR/INFO (ISO/IEC 7816-4 §8.2.1.1: `7F66` extended length information, card
/// capabilities) and the historical bytes' compact-TLV card capabilities (the ATR/ATS hint).
pub fn atr_info(data: &[u8]) -> Outcome {
    let _ = historical::card_capabilities(data);
    let _ = historical::extended_length(data);
    Outcome::accepted_if(AtrInfo::parse(data).is_ok())
}

/// EF.COM: the LDS version and the list of data-group tags (unsigned).
pub fn com(data: &[u8]) -> Outcome {
    Outcome::accepted_if(EfCom::parse(data).is_ok())
}

/// DG1: the MRZ in `61`/`5F1F`.
pub fn dg1(data: &[u8]) -> Outcome {
    Outcome::accepted_if(Dg1::parse(data).is_ok())
}

/// DG2: the biometric templates (`75`/`7F61`) and each face record, ISO/IEC 19794-5:2005
/// (`5F2E`) or the ISO/IEC 39794-5 ICAO profile (`7F2E`). The two record parsers also run on
/// the whole input, so that mutations reach them without the DG2 wrapping.
pub fn dg2(data: &[u8]) -> Outcome {
    let group = match Dg2::parse(data) {
        Ok(dg2) => {
            if dg2.faces.iter().any(|f| f.image.len() > data.len()) {
                return Outcome::Violation("a face image larger than the file".into());
            }
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    };
    let v2005 = Outcome::accepted_if(iso19794_5::parse(data).is_ok_and(|f| !f.is_empty()));
    let v39794 = Outcome::accepted_if(iso39794_5::parse(data).is_ok_and(|f| !f.is_empty()));
    group.and(v2005).and(v39794)
}

/// DG11: additional personal details (full name, personal number, place of birth, …).
pub fn dg11(data: &[u8]) -> Outcome {
    Outcome::accepted_if(Dg11::parse(data).is_ok())
}

/// DG12: additional document details (issuing authority, dates, endorsements, …).
pub fn dg12(data: &[u8]) -> Outcome {
    Outcome::accepted_if(Dg12::parse(data).is_ok())
}

/// DG15: the Active Authentication public key (RSA or EC SubjectPublicKeyInfo); the bare
/// SPKI decoder runs on the whole input too.
pub fn dg15(data: &[u8]) -> Outcome {
    let _ = Dg15PublicKey::from_spki_der(data).map(|k| k.describe());
    match Dg15::parse(data) {
        Ok(dg15) => {
            let _ = format!("{dg15:?}");
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    }
}
