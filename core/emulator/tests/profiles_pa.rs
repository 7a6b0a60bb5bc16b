//! Every emulator profile reads with passive authentication "valid" against fixtures/pki/csca.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{HashStatus, PaStatus, TrustStore};
use tapid_mrtd::reader::{ReadOptions, Verification, read};

#[tokio::test]
async fn every_profile_verifies_against_the_test_cscas() {
    let mut trust = TrustStore::new();
    trust
        .add_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pki/csca"))
        .unwrap();
    // 2027-01-15, inside every test certificate's validity.
    let verification = Verification {
        trust: &trust,
        at: 1_800_000_000,
        aa_challenge: None,
    };
    assert!(!list().is_empty());
    for info in list() {
        let profile = Profile::named(info.name).unwrap();
        let mut t =
            EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap());
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        let out = read(
            &mut t,
            &key,
            &ReadOptions::default(),
            &verification,
            &mut SeededRng::new(b"t"),
            &mut |_| {},
        )
        .await
        .unwrap();
        let pa = &out.report().passive_authentication;
        assert_eq!(pa.status, PaStatus::Valid, "{}: {}", info.name, pa.reason);
        for (name, f) in &out.report().files {
            if name.starts_with("DG") {
                assert_eq!(f.hash, Some(HashStatus::Match), "{} {name}", info.name);
            }
        }
    }
}
