//! The hostile-chip catalogue: every fault read end to end on its catalogue profile, with the
//! exact error or verdict a correct reader reaches — never a panic, never a false "valid" —
//! and the catalogue table in fixtures/README.md listing every fault.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_card::tlv::TlvError;
use tapid_card::{StatusWord, TransportError};
use tapid_emulator::faults::{self, Fault, document, link, secure};
use tapid_emulator::{ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::crypto::CryptoError;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{HashStatus, PaFailure, PaStatus, Policy};
use tapid_mrtd::pace::{PaceError, PaceStep};
use tapid_mrtd::reader::report::{AccessProtocol, ChipMethod, ChipStatus};
use tapid_mrtd::reader::{ReadError, ReadOptions, Verification, VerifiedRead};
use tapid_mrtd::secure_messaging::SmError;
use tapid_test_support::read::read_verified;

/// 2027-01-15: after the expired signer's notAfter, before every other certificate's.
const NOW: i64 = 1_800_000_000;

async fn read_with(
    fault: Fault,
    seed: &[u8],
    options: &ReadOptions,
) -> Result<VerifiedRead, ReadError> {
    read_under(fault, seed, options, Policy::new(NOW)).await
}

async fn read_under(
    fault: Fault,
    seed: &[u8],
    options: &ReadOptions,
    policy: Policy,
) -> Result<VerifiedRead, ReadError> {
    let profile = Profile::named(fault.info().profile).unwrap();
    let chip = faults::chip(&profile, ChipConfig::default(), seed, fault).unwrap();
    let mut t = EmulatorTransport::new(chip);
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let trust = tapid_emulator::pki::test_trust_store().unwrap();
    let verification = Verification {
        policy,
        ..Verification::new(&trust, NOW)
    };
    read_verified(&mut t, &key, options, &verification, b"terminal").await
}

async fn report(fault: Fault) -> VerifiedRead {
    read_with(fault, b"chip", &ReadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{fault}: the read must complete, got {e:?}"))
}

async fn error(fault: Fault) -> ReadError {
    match read_with(fault, b"chip", &ReadOptions::default()).await {
        Ok(o) => panic!(
            "{fault}: the read must fail, got {:?}",
            o.report().passive_authentication
        ),
        Err(e) => e,
    }
}

fn hash(o: &VerifiedRead, file: &str) -> Option<HashStatus> {
    o.report().files[file].hash
}

fn pa(o: &VerifiedRead) -> PaStatus {
    o.report().passive_authentication.status
}

// ---- document ----------------------------------------------------------------------------

#[tokio::test]
async fn dg1_hash_mismatch() {
    let o = report(Fault::Dg1HashMismatch).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    assert_eq!(hash(&o, "DG1"), Some(HashStatus::Mismatch));
    assert_eq!(hash(&o, "DG2"), Some(HashStatus::Match));
    assert_eq!(
        o.report().passive_authentication.reason,
        "DG1 hash mismatch"
    );
    // DG14 matches the validly signed EF.SOD, but the document fails passive authentication:
    // a passing CA cannot make the chip genuine (not established, and not a clone either).
    assert_eq!(
        o.report().chip_authenticity.status,
        ChipStatus::NotPerformed
    );
}

#[tokio::test]
async fn dg2_hash_mismatch() {
    let o = report(Fault::Dg2HashMismatch).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    assert_eq!(hash(&o, "DG2"), Some(HashStatus::Mismatch));
    assert_eq!(hash(&o, "DG1"), Some(HashStatus::Match));
    assert_eq!(
        o.report().passive_authentication.reason,
        "DG2 hash mismatch"
    );
}

#[tokio::test]
async fn sod_signature_broken() {
    let o = report(Fault::SodSignatureBroken).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    let pa = &o.report().passive_authentication;
    assert_eq!(pa.sod.signature, tapid_mrtd::pa::SignatureStatus::Invalid);
    assert!(pa.reason.contains("signature"), "{}", pa.reason);
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Invalid);
}

#[tokio::test]
async fn sod_untrusted_csca() {
    let o = report(Fault::SodUntrustedCsca).await;
    assert_eq!(pa(&o), PaStatus::Untrusted);
    let pa = &o.report().passive_authentication;
    assert_eq!(pa.sod.signature, tapid_mrtd::pa::SignatureStatus::Valid);
    assert_eq!(pa.sod.chain, tapid_mrtd::pa::ChainStatus::Untrusted);
    assert_eq!(hash(&o, "DG1"), Some(HashStatus::Match));
    assert_eq!(
        o.report().chip_authenticity.status,
        ChipStatus::NotPerformed
    );
}

#[tokio::test]
async fn ds_expired_is_invalid_under_the_shell_model_and_valid_under_the_chain_model() {
    // The default (shell) model checks the DS certificate at the verification time; it
    // expired in 2024.
    let o = report(Fault::DsExpired).await;
    let pa = &o.report().passive_authentication;
    assert_eq!(pa.status, PaStatus::Invalid, "{}", pa.reason);
    assert_eq!(pa.sod.chain, tapid_mrtd::pa::ChainStatus::Invalid);
    assert_eq!(pa.sod.signature, tapid_mrtd::pa::SignatureStatus::Valid);
    assert!(
        matches!(&pa.failures[..], [PaFailure::SignerExpired { at: NOW, .. }]),
        "{:?}",
        pa.failures
    );
    assert_eq!(pa.sod.signer_expired_now, Some(true));
    // The chip proved the DG14 key, which a validly signed EF.SOD covers; only trust in the
    // signer is missing, so chip authenticity is not established (not a clone).
    assert_eq!(
        o.report().chip_authenticity.status,
        ChipStatus::NotPerformed
    );
    // The chain model checks it when it signed, inside its validity: valid.
    let o = read_under(
        Fault::DsExpired,
        b"chip",
        &ReadOptions::default(),
        Policy::chain(NOW),
    )
    .await
    .unwrap();
    let pa = &o.report().passive_authentication;
    assert_eq!(pa.status, PaStatus::Valid, "{}", pa.reason);
    assert_eq!(pa.sod.chain, tapid_mrtd::pa::ChainStatus::Trusted);
    assert_eq!(pa.sod.signer_expired_now, Some(true));
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Valid);
}

#[tokio::test]
async fn ds_signed_after_expiry() {
    let o = report(Fault::DsSignedAfterExpiry).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    let pa = &o.report().passive_authentication;
    assert_eq!(pa.sod.chain, tapid_mrtd::pa::ChainStatus::Invalid);
    // Invalid under the chain model too: the claimed signing time lies after the expiry.
    let o = read_under(
        Fault::DsSignedAfterExpiry,
        b"chip",
        &ReadOptions::default(),
        Policy::chain(NOW),
    )
    .await
    .unwrap();
    let chain = &o.report().passive_authentication;
    assert_eq!(chain.status, PaStatus::Invalid);
    assert!(
        chain
            .failures
            .iter()
            .any(|f| matches!(f, PaFailure::SigningTimeOutsideValidity { .. })),
        "{:?}",
        chain.failures
    );
}

#[tokio::test]
async fn dg1_country_mismatch() {
    let o = report(Fault::Dg1CountryMismatch).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    let reason = &o.report().passive_authentication.reason;
    assert!(reason.contains("country mismatch"), "{reason}");
    assert_eq!(hash(&o, "DG1"), Some(HashStatus::Match));
}

#[tokio::test]
async fn ef_com_lies() {
    let o = report(Fault::EfComLies).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    // EF.SOD decides what is read: DG2 is read although EF.COM omits it, DG3/DG4/DG16 are
    // not looked for although EF.COM lists them, and EF.COM itself is never read.
    assert_eq!(hash(&o, "DG2"), Some(HashStatus::Match));
    assert!(!o.report().files.contains_key("EF.COM"));
    assert!(
        o.report()
            .files
            .keys()
            .all(|f| !["DG3", "DG4", "DG16"].contains(&f.as_str()))
    );
}

#[tokio::test]
async fn sod_missing() {
    let o = report(Fault::SodMissing).await;
    assert_eq!(pa(&o), PaStatus::Invalid);
    assert!(
        o.report()
            .passive_authentication
            .reason
            .contains("no EF.SOD")
    );
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Invalid);
    assert!(o.report().files.values().all(|f| f.hash.is_none()));
}

#[tokio::test]
async fn sod_zero_length() {
    let e = error(Fault::SodZeroLength).await;
    assert!(
        matches!(&e, ReadError::MalformedFile { file, source: TlvError::TruncatedTag } if file == "EF.SOD"),
        "{e:?}"
    );
}

#[tokio::test]
async fn zero_length_file() {
    let e = error(Fault::ZeroLengthFile).await;
    assert!(
        matches!(&e, ReadError::MalformedFile { file, source: TlvError::TruncatedTag } if file == "DG11"),
        "{e:?}"
    );
}

#[tokio::test]
async fn file_shorter_than_header() {
    let e = error(Fault::FileShorterThanHeader).await;
    match e {
        ReadError::FileTruncated {
            file,
            declared,
            got,
        } => {
            assert_eq!(file, "DG2");
            assert_eq!(declared - got, document::TRUNCATED_BYTES);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn oversized_length() {
    let e = error(Fault::OversizedLength).await;
    match e {
        ReadError::FileTooLarge { file, declared, .. } => {
            assert_eq!(file, "DG11");
            assert_eq!(declared, 6 + 0xFFFF_FFFF);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn large_dg2_reads_and_verifies() {
    let o = report(Fault::LargeDg2).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    assert_eq!(hash(&o, "DG2"), Some(HashStatus::Match));
    assert!(o.report().files["DG2"].size > document::LARGE_DG2_MIN);
    // The same with short APDUs only (223-byte blocks, odd INS past 32 767).
    let short = ReadOptions {
        extended_length: false,
        ..ReadOptions::default()
    };
    let o = read_with(Fault::LargeDg2, b"chip", &short).await.unwrap();
    assert_eq!(pa(&o), PaStatus::Valid);
    assert!(o.report().transport.as_ref().unwrap().apdus > 300);
}

#[tokio::test]
async fn card_access_unknown_parameters() {
    let e = error(Fault::CardAccessUnknownParameters).await;
    assert!(matches!(e, ReadError::PaceUnsupported), "{e:?}");
}

#[tokio::test]
async fn card_access_malformed() {
    let e = error(Fault::CardAccessMalformed).await;
    assert!(
        matches!(
            e,
            ReadError::CardAccess(tapid_mrtd::security_infos::SecurityInfoError::Structure(_))
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn pace_advertised_bac_only() {
    let e = error(Fault::PaceAdvertisedBacOnly).await;
    assert!(
        matches!(
            e,
            ReadError::Pace(PaceError::ChipStatus {
                step: PaceStep::SetAt,
                sw: StatusWord::REFERENCED_DATA_NOT_FOUND
            })
        ),
        "{e:?}"
    );
    // Only a caller who opted in gets BAC, and then the document verifies.
    let fallback = ReadOptions {
        allow_bac_fallback: true,
        ..ReadOptions::default()
    };
    let o = read_with(Fault::PaceAdvertisedBacOnly, b"chip", &fallback)
        .await
        .unwrap();
    assert_eq!(o.report().access.protocol, AccessProtocol::Bac);
    assert_eq!(pa(&o), PaStatus::Valid);
}

#[tokio::test]
async fn ca_clone() {
    let o = report(Fault::CaClone).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    let chip = &o.report().chip_authenticity;
    assert_eq!(chip.status, ChipStatus::Invalid);
    assert_eq!(chip.method, Some(ChipMethod::Ca));
    assert_eq!(chip.ca.as_ref().unwrap().status, ChipStatus::Invalid);
}

#[tokio::test]
async fn ca_clone_refuses() {
    // The clone cannot check our MAC under the new keys and refuses the command with a bare
    // 6988, which ends secure messaging: CA was never confirmed, the verdict is "invalid",
    // with the files read before CA still reported.
    let o = report(Fault::CaCloneRefuses).await;
    let chip = &o.report().chip_authenticity;
    assert_eq!(chip.status, ChipStatus::Invalid);
    assert_eq!(
        chip.failures,
        vec![tapid_mrtd::reader::report::ChipFailure::CaNotConfirmed]
    );
    assert_eq!(chip.method, Some(ChipMethod::Ca));
    assert_eq!(chip.ca.as_ref().unwrap().status, ChipStatus::Invalid);
    assert!(o.report().files.contains_key("DG14"));
    assert!(!o.report().files.contains_key("DG2"));
}

#[tokio::test]
async fn aa_clone() {
    let o = report(Fault::AaClone).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    let chip = &o.report().chip_authenticity;
    assert_eq!(chip.status, ChipStatus::Invalid);
    assert_eq!(chip.method, Some(ChipMethod::Aa));
    assert_eq!(chip.aa.as_ref().unwrap().status, ChipStatus::Invalid);
}

#[tokio::test]
async fn cam_clone() {
    let o = report(Fault::CamClone).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    let chip = &o.report().chip_authenticity;
    assert_eq!(chip.status, ChipStatus::Invalid);
    assert_eq!(chip.method, Some(ChipMethod::PaceCam));
    assert_eq!(chip.pace_cam.as_ref().unwrap().status, ChipStatus::Invalid);
}

// ---- chip --------------------------------------------------------------------------------

async fn sm_error(fault: Fault) -> SmError {
    match error(fault).await {
        ReadError::SecureMessaging(e) => e,
        other => panic!("{fault}: {other:?}"),
    }
}

#[tokio::test]
async fn sm_wrong_mac() {
    assert_eq!(sm_error(Fault::SmWrongMac).await, SmError::BadMac);
}

#[tokio::test]
async fn sm_replayed_ssc() {
    assert_eq!(sm_error(Fault::SmReplayedSsc).await, SmError::BadMac);
}

#[tokio::test]
async fn sm_bad_padding() {
    assert_eq!(sm_error(Fault::SmBadPadding).await, SmError::BadPadding);
}

#[tokio::test]
async fn sm_plaintext_response() {
    assert_eq!(
        sm_error(Fault::SmPlaintextResponse).await,
        SmError::PlaintextResponse
    );
}

#[tokio::test]
async fn sm_truncated_tlv() {
    assert_eq!(
        sm_error(Fault::SmTruncatedTlv).await,
        SmError::Malformed(TlvError::TruncatedLength)
    );
}

#[tokio::test]
async fn sm_length_past_end() {
    match sm_error(Fault::SmLengthPastEnd).await {
        SmError::Malformed(TlvError::ValueOverrun {
            declared,
            available,
        }) => {
            // Behind DO'87' come DO'99' (4 bytes) and DO'8E' (10 bytes).
            assert_eq!(declared + 14, available + secure::PAST_END)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sm_length_4_byte() {
    match sm_error(Fault::SmLength4Byte).await {
        SmError::Malformed(TlvError::ValueOverrun { declared, .. }) => {
            assert_eq!(declared, 0xFFFF_FFFF)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sm_status_mismatch() {
    assert_eq!(
        sm_error(Fault::SmStatusMismatch).await,
        SmError::StatusMismatch
    );
}

#[tokio::test]
async fn sw_storm() {
    let e = error(Fault::SwStorm).await;
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "READ BINARY",
                sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED
            }
        ),
        "{e:?}"
    );
    // Whatever the seed, the storm stops the read with one of its status words.
    for seed in 0u32..40 {
        match read_with(Fault::SwStorm, &seed.to_be_bytes(), &ReadOptions::default()).await {
            Err(ReadError::Chip { sw, .. }) => assert!(secure::STORM.contains(&sw), "{sw}"),
            // A storm's 6A82 on a data group EF.SOD lists.
            Err(ReadError::ListedFileMissing { .. }) => {}
            Err(other) => panic!("seed {seed}: {other:?}"),
            Ok(o) => panic!(
                "seed {seed}: completed with {:?}",
                o.report().passive_authentication
            ),
        }
    }
}

#[tokio::test]
async fn pace_point_off_curve() {
    let e = error(Fault::PacePointOffCurve).await;
    assert!(
        matches!(
            e,
            ReadError::Pace(PaceError::InvalidPeerKey {
                step: PaceStep::Mapping,
                source: CryptoError::PointNotOnCurve
            })
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn pace_point_identity() {
    let e = error(Fault::PacePointIdentity).await;
    assert!(
        matches!(
            e,
            ReadError::Pace(PaceError::InvalidPeerKey {
                step: PaceStep::KeyAgreement,
                source: CryptoError::Identity
            })
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn pace_dh_small_subgroup() {
    let e = error(Fault::PaceDhSmallSubgroup).await;
    assert!(
        matches!(
            e,
            ReadError::Pace(PaceError::InvalidPeerKey {
                step: PaceStep::KeyAgreement,
                source: CryptoError::InvalidDhValue
            })
        ),
        "{e:?}"
    );
}

// ---- link --------------------------------------------------------------------------------

#[tokio::test]
async fn no_short_ef_identifiers() {
    let o = report(Fault::NoShortEfIdentifiers).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Valid);
    assert!(o.report().files.contains_key("DG2"));
}

#[tokio::test]
async fn extended_length_atr_info_only() {
    // The chip still reads as a genuine one, with extended length: only where it announces it
    // differs (EF.ATR/INFO, not the ATR).
    let o = report(Fault::ExtendedLengthAtrInfoOnly).await;
    assert_eq!(pa(&o), PaStatus::Valid);
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Valid);
    assert!(o.report().transport.as_ref().unwrap().extended_length);
    let profile = Profile::named("bac").unwrap();
    let t = EmulatorTransport::new(
        faults::chip(
            &profile,
            ChipConfig::default(),
            b"chip",
            Fault::ExtendedLengthAtrInfoOnly,
        )
        .unwrap(),
    );
    use tapid_card::CardTransport as _;
    assert_eq!(
        t.historical_bytes().unwrap()[4] & tapid_emulator::atr::EXTENDED_LC_LE,
        0
    );
    assert!(t.chip_config().extended_length);
}

#[tokio::test]
async fn card_access_hidden() {
    use tapid_mrtd::reader::report::{DowngradeFailure, DowngradeStatus};
    let o = report(Fault::CardAccessHidden).await;
    let r = o.report();
    assert_eq!(r.access.protocol, AccessProtocol::Bac);
    assert_eq!(pa(&o), PaStatus::Valid);
    assert_eq!(r.downgrade.status, DowngradeStatus::Detected);
    assert_eq!(
        r.downgrade.failure,
        Some(DowngradeFailure::BacWithPaceListed)
    );
}

#[tokio::test]
async fn ca_clone_plain_6982() {
    // The verdicts of the CA confirmation faults are asserted in faults_ca_confirmation.rs.
    let o = read_with(
        Fault::CaClonePlain6982,
        b"chip",
        &ReadOptions {
            data_groups: [14, 3]
                .into_iter()
                .filter_map(tapid_mrtd::lds::DataGroup::new)
                .collect(),
            read_unlisted: true,
            ..ReadOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Invalid);
}

#[tokio::test]
async fn ca_clone_plain_6a82() {
    let o = report(Fault::CaClonePlain6A82).await;
    assert_eq!(o.report().chip_authenticity.status, ChipStatus::Invalid);
}

#[tokio::test]
async fn ca_clone_resume() {
    // Without a lost link the genuine chip is read; the clone only answers after the tag
    // came back (faults_ca_confirmation.rs resumes it).
    let e = error(Fault::CaCloneResume).await;
    assert!(matches!(e, ReadError::LinkLost { .. }), "{e:?}");
}

#[tokio::test]
async fn read_binary_6cxx_forever() {
    let e = error(Fault::ReadBinary6CxxForever).await;
    assert!(
        matches!(e, ReadError::Chip { command: "READ BINARY", sw } if sw == secure::WRONG_LE_HINT),
        "{e:?}"
    );
}

#[tokio::test]
async fn slow_chip() {
    let started = std::time::Instant::now();
    let e = error(Fault::SlowChip).await;
    assert!(
        matches!(e, ReadError::Transport(TransportError::Timeout)),
        "{e:?}"
    );
    // The timeout is modelled, not waited for.
    assert!(started.elapsed() < link::LINK_TIMEOUT);
}

#[tokio::test]
async fn tag_lost() {
    match error(Fault::TagLost).await {
        ReadError::LinkLost { progress } => {
            let mut names: Vec<String> = progress.files.keys().map(|f| f.name()).collect();
            names.sort();
            // Files are opened by short EF identifier and each first READ BINARY asks for a
            // whole block: by APDU 13, EF.SOD, DG1, DG14, DG2 and DG11 are in (and EF.ATR/INFO,
            // read first).
            assert_eq!(
                names,
                ["DG1", "DG11", "DG14", "DG2", "EF.ATR/INFO", "EF.SOD"]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(link::TAG_LOST_AT, 13);
}

// ---- catalogue ---------------------------------------------------------------------------

#[test]
fn catalogue_is_complete_and_named_stably() {
    assert!(Fault::ALL.len() >= 30);
    let mut names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
    for f in Fault::ALL {
        let info = f.info();
        assert_eq!(f.name(), info.name);
        assert_eq!(Fault::from_name(info.name), Some(*f));
        assert_eq!(info.name.parse::<Fault>().unwrap(), *f);
        assert!(
            info.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
        assert!(!info.description.is_empty() && !info.expected.is_empty());
        Profile::named(info.profile).unwrap();
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Fault::ALL.len(), "duplicate fault names");
    assert!("no-such-fault".parse::<Fault>().is_err());
}

#[test]
fn faults_refuse_profiles_they_cannot_apply_to() {
    let bac = Profile::named("bac").unwrap();
    for f in [
        Fault::PacePointOffCurve,
        Fault::PaceDhSmallSubgroup,
        Fault::CamClone,
        Fault::AaClone,
    ] {
        let e = faults::chip(&bac, ChipConfig::default(), b"chip", f)
            .err()
            .unwrap();
        assert!(e.to_string().contains("does not apply"), "{f}: {e}");
    }
    let pace = Profile::named("pace-gm-bp256-aes128").unwrap();
    assert!(
        faults::chip(
            &pace,
            ChipConfig::default(),
            b"c",
            Fault::PaceAdvertisedBacOnly
        )
        .is_err()
    );
}

#[test]
fn readme_table_lists_every_fault() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/README.md"),
    )
    .unwrap();
    let section = readme
        .split("## Hostile chips")
        .nth(1)
        .expect("fixtures/README.md has a \"## Hostile chips\" section");
    let section = section.split("\n## ").next().unwrap();
    for f in Fault::ALL {
        let info = f.info();
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", info.name)))
            .unwrap_or_else(|| panic!("no row for {}", info.name));
        assert!(
            row.contains(info.expected),
            "{}: row does not state {:?}",
            info.name,
            info.expected
        );
        assert!(
            row.contains(info.profile),
            "{}: row does not name {}",
            info.name,
            info.profile
        );
    }
    let rows = section.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(
        rows,
        Fault::ALL.len(),
        "the table has rows for faults that do not exist"
    );
}
