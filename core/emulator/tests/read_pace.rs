//! Every PACE profile reads with the MRZ and with its CAN, reports its access fields, refuses a
//! wrong password, and never falls back to BAC on its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::{ReadError, ReadOptions, ReadOutcome, read};

async fn read_profile(
    name: &str,
    key: &AccessKey,
    options: &ReadOptions,
) -> Result<ReadOutcome, ReadError> {
    let profile = Profile::named(name).unwrap();
    let mut t = EmulatorTransport::new(
        Chip::new(&profile, ChipConfig::default(), name.as_bytes()).unwrap(),
    );
    read(
        &mut t,
        key,
        options,
        &mut SeededRng::new(b"terminal"),
        &mut |_| {},
    )
    .await
}

fn pace_profiles() -> Vec<tapid_emulator::ProfileInfo> {
    list()
        .into_iter()
        .filter(|p| p.protocol.starts_with("PACE"))
        .collect()
}

#[tokio::test]
async fn every_pace_profile_with_mrz_and_can() {
    let profiles = pace_profiles();
    assert_eq!(profiles.len(), 13);
    for info in profiles {
        let profile = Profile::named(info.name).unwrap();
        let mrz = AccessKey::Mrz(profile.mrz_key().unwrap());
        let can = AccessKey::Can(Can::new(info.can.unwrap()).unwrap());
        for (key, password) in [(mrz, "MRZ"), (can, "CAN")] {
            let out = read_profile(info.name, &key, &ReadOptions::default())
                .await
                .unwrap();
            let a = &out.report.access;
            assert_eq!(a.protocol, "PACE", "{}", info.name);
            assert_eq!(a.password, password);
            assert_eq!(a.cipher.name(), info.cipher, "{}", info.name);
            assert_eq!(
                a.parameters.as_deref(),
                Some(info.parameters),
                "{}",
                info.name
            );
            assert_eq!(
                format!("PACE-{}", a.mapping.unwrap()),
                info.protocol,
                "{}",
                info.name
            );
            let agreement = if info.parameters.starts_with("DH") {
                "DH"
            } else {
                "ECDH"
            };
            assert_eq!(a.agreement, Some(agreement));
            assert_eq!(out.report.document.primary_identifier, "ERIKSSON");
            assert!(out.files.contains_key(&ElementaryFile::CardAccess));
            assert_eq!(
                out.files.contains_key(&ElementaryFile::CardSecurity),
                info.protocol == "PACE-CAM",
                "{}",
                info.name
            );
        }
    }
}

#[tokio::test]
async fn wrong_passwords_are_access_denied_without_bac_fallback() {
    for info in pace_profiles() {
        let wrong_mrz = AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120416").unwrap());
        let e = read_profile(info.name, &wrong_mrz, &ReadOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ReadError::AccessDenied), "{}: {e}", info.name);
        let wrong_can = AccessKey::Can(Can::new("999999").unwrap());
        let e = read_profile(info.name, &wrong_can, &ReadOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ReadError::AccessDenied), "{}: {e}", info.name);
    }
}

#[tokio::test]
async fn opted_in_fallback_tries_bac_and_reports_the_chip_refusing_it() {
    let wrong = AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120416").unwrap());
    let options = ReadOptions {
        allow_bac_fallback: true,
        ..ReadOptions::default()
    };
    // The PACE-only chip answers GET CHALLENGE with 6A88, as German documents do.
    let e = read_profile("pace-gm-bp256-aes128", &wrong, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "GET CHALLENGE",
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn a_can_cannot_open_a_bac_chip() {
    let e = read_profile(
        "bac",
        &AccessKey::Can(Can::new("123456").unwrap()),
        &ReadOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ReadError::CanNeedsPace), "{e}");
}
