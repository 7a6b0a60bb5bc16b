//! Every PACE profile reads with the MRZ and with its CAN, reports its access fields, refuses a
//! wrong password, and never falls back to BAC on its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::report::{AccessProtocol, Password};
use tapid_mrtd::reader::{ReadError, ReadOptions, VerifiedRead};
use tapid_mrtd::security_infos::{Agreement, Mapping};
use tapid_test_support::read::{no_trust, read_pinned};

/// Reads the profile `name` with no trust anchors (these tests are about access control, not
/// about trust), at the pinned time.
async fn read_profile(
    name: &str,
    key: &AccessKey,
    options: &ReadOptions,
) -> Result<VerifiedRead, ReadError> {
    let profile = Profile::named(name).unwrap();
    let mut t = EmulatorTransport::new(
        Chip::new(&profile, ChipConfig::default(), name.as_bytes()).unwrap(),
    );
    read_pinned(&mut t, key, options, no_trust(), b"terminal").await
}

/// The mapping as the report spells it (`GM`, `IM`, `CAM`).
fn mapping_name(m: Mapping) -> String {
    serde_json::to_value(m)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
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
    // 13 specimen profiles, DH-2048, and the Swedish passport and ID card.
    assert_eq!(profiles.len(), 16);
    for info in profiles {
        let profile = Profile::named(info.name).unwrap();
        let mrz = AccessKey::Mrz(profile.mrz_key().unwrap());
        let can = AccessKey::Can(Can::new(info.can.unwrap()).unwrap());
        for (key, password) in [(mrz, Password::Mrz), (can, Password::Can)] {
            let out = read_profile(info.name, &key, &ReadOptions::default())
                .await
                .unwrap();
            let a = &out.report().access;
            assert_eq!(a.protocol, AccessProtocol::Pace, "{}", info.name);
            assert_eq!(a.password, password);
            assert_eq!(a.cipher.name(), info.cipher, "{}", info.name);
            assert_eq!(
                a.parameters.as_deref(),
                Some(info.parameters),
                "{}",
                info.name
            );
            assert_eq!(
                format!("PACE-{}", mapping_name(a.mapping.unwrap())),
                info.protocol,
                "{}",
                info.name
            );
            let agreement = if info.parameters.starts_with("DH") {
                Agreement::Dh
            } else {
                Agreement::Ecdh
            };
            assert_eq!(a.agreement, Some(agreement));
            let surname = if info.name.starts_with("se-") {
                "OEBERG"
            } else {
                "ERIKSSON"
            };
            assert_eq!(out.report().document.primary_identifier, surname);
            assert!(out.files().contains_key(&ElementaryFile::CardAccess));
            assert_eq!(
                out.files().contains_key(&ElementaryFile::CardSecurity),
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
async fn opted_in_fallback_tries_bac_with_the_same_key() {
    let wrong = AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120416").unwrap());
    let options = ReadOptions {
        allow_bac_fallback: true,
        ..ReadOptions::default()
    };
    // PACE refuses the wrong MRZ, and BAC (which the chip keeps, as passports do) refuses it
    // too: access denied, not a different error.
    let e = read_profile("pace-gm-bp256-aes128", &wrong, &options)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::AccessDenied), "{e}");
    // A wrong CAN cannot fall back: BAC needs the MRZ.
    let wrong_can = AccessKey::Can(Can::new("999999").unwrap());
    let e = read_profile("pace-gm-bp256-aes128", &wrong_can, &options)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::CanNeedsPace), "{e}");
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

/// A chip that, like old Ukrainian passports, refuses MSE:Set AT without the parameter ID (84).
struct WantsParameterId {
    inner: EmulatorTransport,
    set_at: Vec<Vec<u8>>,
}

#[async_trait::async_trait]
impl tapid_card::CardTransport for WantsParameterId {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, tapid_card::TransportError> {
        if command.starts_with(&[0x00, 0x22, 0xC1, 0xA4]) {
            self.set_at.push(command.to_vec());
            let data = tapid_card::CommandApdu::parse(command).unwrap().data;
            if tapid_card::tlv::find(&data, tapid_card::Tag(0x84))
                .unwrap()
                .is_none()
            {
                return Ok(vec![0x6A, 0x87]);
            }
        }
        self.inner.transmit(command).await
    }

    fn capabilities(&self) -> tapid_card::TransportCapabilities {
        self.inner.capabilities()
    }

    // The chip's historical bytes announce its extended-length support.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

#[tokio::test]
async fn parameter_id_is_always_sent() {
    let profile = Profile::named("pace-gm-bp256-aes128").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let inner = EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"c").unwrap());
    let mut t = WantsParameterId {
        inner,
        set_at: Vec::new(),
    };
    let out = read_pinned(&mut t, &key, &ReadOptions::default(), no_trust(), b"t")
        .await
        .unwrap();
    assert_eq!(out.report().access.protocol, AccessProtocol::Pace);
    // Tag 84 is sent whenever the PACEInfo names a parameter ID (as the major readers do),
    // so such a chip is opened with the first MSE:Set AT; no retry is needed.
    assert_eq!(t.set_at.len(), 1);
    assert_eq!(
        hex::encode_upper(&t.set_at[0]),
        "0022C1A412800A04007F0007020204020283010184010D"
    );
}
