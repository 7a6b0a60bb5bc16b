//! Every emulator profile reads with passive authentication "valid" against fixtures/pki/csca
//! (at a pinned time) and a genuine chip; the Swedish profiles are valid documents, the
//! specimen ones expired.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{HashStatus, PaStatus, TrustStore};
use tapid_mrtd::reader::ReadOptions;
use tapid_mrtd::reader::report::ChipStatus;
use tapid_test_support::read::read_pinned;

#[tokio::test]
async fn every_profile_verifies_against_the_test_cscas() {
    let mut trust = TrustStore::new();
    trust
        .add_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pki/csca"))
        .unwrap();
    assert!(!list().is_empty());
    let mut swedish = 0;
    for info in list() {
        let profile = Profile::named(info.name).unwrap();
        let mut t =
            EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap());
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        let out = read_pinned(&mut t, &key, &ReadOptions::default(), &trust, b"t")
            .await
            .unwrap();
        let r = out.report();
        let pa = &r.passive_authentication;
        assert_eq!(pa.status, PaStatus::Valid, "{}: {}", info.name, pa.reason);
        let chip = &r.chip_authenticity;
        assert_eq!(
            chip.status,
            ChipStatus::Valid,
            "{}: {}",
            info.name,
            chip.reason
        );
        let d = &r.document;
        if info.name.starts_with("se-") {
            assert_eq!(d.issuing_state, "SWE", "{}", info.name);
            assert_eq!(d.nationality, "SWE", "{}", info.name);
            assert_eq!(d.primary_identifier, "OEBERG", "{}", info.name);
            assert_eq!(d.secondary_identifier, "AASA MAERTA", "{}", info.name);
            assert!(d.optional_data.contains("198503142385"), "{}", info.name);
            assert!(d.date_of_expiry.as_str() >= "2031-01-01", "{}", info.name);
            assert!(!d.expired, "{}", info.name);
            let dg11 = r.data.dg11.as_ref().unwrap();
            let name = dg11.full_name.as_ref().unwrap();
            assert_eq!(name.primary, "ÖBERG", "{}", info.name);
            assert_eq!(name.secondary, "ÅSA MÄRTA", "{}", info.name);
            assert_eq!(dg11.personal_number.as_deref(), Some("198503142385"));
            swedish += 1;
        } else {
            assert_eq!(d.primary_identifier, "ERIKSSON", "{}", info.name);
            assert_eq!(d.date_of_expiry, "2012-04-15", "{}", info.name);
            assert!(d.expired, "{}", info.name);
        }
        for (name, f) in &r.files {
            if name.starts_with("DG") {
                assert_eq!(f.hash, Some(HashStatus::Match), "{} {name}", info.name);
            }
        }
    }
    // Passport and ID card, each under PACE and BAC.
    assert_eq!(swedish, 4);
}

/// A personal number is valid when its last digit is the Luhn check of the ten-digit form.
#[test]
fn the_swedish_personal_number_is_luhn_valid() {
    let digits: Vec<u32> = tapid_emulator::profile::SWEDISH_PERSONAL_NUMBER
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    assert_eq!(digits.len(), 12);
    assert_eq!(&digits[..2], &[1, 9]);
    let sum: u32 = digits[2..11]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            v / 10 + v % 10
        })
        .sum();
    assert_eq!((10 - sum % 10) % 10, digits[11]);
}
