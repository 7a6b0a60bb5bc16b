//! The verified read as the bindings and the service use it: the typed report round-trips as
//! JSON, the evidence bundle re-verifies offline to the same verdicts, any edit of a signed
//! file in the bundle is caught, and hostile chips that the outside review found (a clone
//! answering with bare status words, a chip asking for 6Cxx forever, a failing AA next to a
//! passing CA, error statuses on EF.CardAccess) get exact verdicts or errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::{CardTransport, StatusWord, TransportCapabilities, TransportError};
use tapid_emulator::faults::{self, Fault};
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{PaStatus, TrustStore};
use tapid_mrtd::reader::evidence::{Bytes, CaOutcome};
use tapid_mrtd::reader::report::{ChipFailure, ChipMethod, ChipStatus};
use tapid_mrtd::reader::{
    Evidence, ReadError, ReadOptions, Report, Verification, VerifiedRead, verify_evidence,
};
use tapid_test_support::read::{pinned, read_pinned};

fn trust() -> TrustStore {
    test_trust_store().unwrap()
}

fn chip(profile: &str) -> (EmulatorTransport, AccessKey) {
    let profile = Profile::named(profile).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    (EmulatorTransport::new(chip), key)
}

async fn read_on<T: CardTransport>(
    t: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
) -> Result<VerifiedRead, ReadError> {
    let store = trust();
    read_pinned(t, key, options, &store, b"terminal").await
}

async fn read_profile(profile: &str) -> VerifiedRead {
    let (mut t, key) = chip(profile);
    read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{profile}: {e}"))
}

fn profiles() -> Vec<&'static str> {
    tapid_emulator::profile::list()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

fn json_round_trip(report: &Report) {
    let text = serde_json::to_string_pretty(report).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
}

#[tokio::test]
async fn every_profile_reads_valid_and_its_report_round_trips() {
    for name in profiles() {
        let read = read_profile(name).await;
        let r = read.report();
        assert_eq!(
            r.passive_authentication.status,
            PaStatus::Valid,
            "{name}: {}",
            r.passive_authentication.reason
        );
        assert_eq!(
            r.chip_authenticity.status,
            ChipStatus::Valid,
            "{name}: {}",
            r.chip_authenticity.reason
        );
        assert!(r.chip_authenticity.failures.is_empty(), "{name}");
        json_round_trip(r);
        let e = read.evidence();
        assert_eq!(&Evidence::from_slice(&e.to_canonical_bytes()).unwrap(), e);
    }
}

#[tokio::test]
async fn every_fault_report_round_trips() {
    for fault in Fault::ALL {
        let profile = Profile::named(fault.info().profile).unwrap();
        let Ok(c) = faults::chip(&profile, ChipConfig::default(), b"chip", *fault) else {
            continue;
        };
        let mut t = EmulatorTransport::new(c);
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        if let Ok(read) = read_on(&mut t, &key, &ReadOptions::default()).await {
            json_round_trip(read.report());
            let e = read.evidence();
            assert_eq!(&Evidence::from_slice(&e.to_canonical_bytes()).unwrap(), e);
        }
    }
}

#[tokio::test]
async fn evidence_reverifies_offline_to_the_same_verdicts() {
    let store = trust();
    for name in profiles() {
        let read = read_profile(name).await;
        let live = read.report();
        let offline = verify_evidence(read.evidence(), &pinned(&store)).unwrap();
        assert_eq!(
            offline.passive_authentication, live.passive_authentication,
            "{name}"
        );
        assert_eq!(offline.files, live.files, "{name}");
        assert!(offline.transport.is_none());
        let chip = &offline.chip_authenticity;
        match live.chip_authenticity.method {
            // AA is a signature: re-proved offline.
            Some(ChipMethod::Aa) => {
                assert_eq!(chip.status, live.chip_authenticity.status, "{name}")
            }
            // CA and PACE-CAM proved the chip in the live session only; with AA beside them the
            // offline verdict rests on AA.
            Some(ChipMethod::Ca | ChipMethod::PaceCam) if live.chip_authenticity.aa.is_some() => {
                assert_eq!(chip.status, ChipStatus::Valid, "{name}");
                assert_eq!(chip.method, Some(ChipMethod::Aa), "{name}");
                assert_eq!(
                    chip.ca.as_ref().unwrap().status,
                    ChipStatus::ProvedOnDevice,
                    "{name}"
                );
            }
            Some(_) => {
                assert_eq!(chip.status, ChipStatus::ProvedOnDevice, "{name}");
                assert_eq!(chip.method, live.chip_authenticity.method, "{name}");
            }
            None => panic!("{name}: every profile has chip authentication"),
        }
        json_round_trip(&offline);
    }
}

/// Flips one byte of `file` in the bundle, at `at` (a fraction of its length).
fn tampered(e: &Evidence, file: &str, at: f64) -> Evidence {
    let mut e = e.clone();
    let bytes = &mut e.files.get_mut(file).unwrap().0;
    let i = ((bytes.len() as f64 * at) as usize).min(bytes.len() - 1);
    bytes[i] ^= 0x01;
    e
}

#[tokio::test]
async fn any_edit_of_a_signed_file_is_caught() {
    let store = trust();
    for name in ["pace-ca-aa", "pace-cam-bp256-aes128", "bac", "aa-rsa-bac"] {
        let read = read_profile(name).await;
        let e = read.evidence();
        for (file, at) in e
            .files
            .keys()
            .flat_map(|f| [0.1, 0.3, 0.5, 0.7, 0.9, 1.0].map(|at| (f, at)))
        {
            let ef = ElementaryFile::from_name(file).unwrap();
            let report = verify_evidence(&tampered(e, file, at), &pinned(&store));
            match ef {
                ElementaryFile::Dg(_) | ElementaryFile::Sod | ElementaryFile::CardSecurity => {
                    // DG1 is also the document: a flipped byte may make it unparsable, which is
                    // an error, never a valid verdict.
                    if let Ok(r) = report {
                        assert_eq!(
                            r.passive_authentication.status,
                            PaStatus::Invalid,
                            "{name}: {file} edited at {at}: {}",
                            r.passive_authentication.reason
                        );
                    }
                }
                // Unsigned files are cross-checked or listed as not covered.
                _ => {
                    let r = report.unwrap();
                    assert!(
                        r.unsigned_files.contains_key(file),
                        "{name}: {file} must be listed as unsigned"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn an_aa_record_against_another_challenge_fails() {
    let store = trust();
    let (mut t, key) = chip("pace-ca-aa");
    let options = ReadOptions {
        aa_challenge: Some(*b"server-1"),
        ..ReadOptions::default()
    };
    let read = read_on(&mut t, &key, &options).await.unwrap();
    let v = Verification {
        aa_challenge: Some(*b"server-1"),
        ..pinned(&store)
    };
    let ok = verify_evidence(read.evidence(), &v).unwrap();
    assert_eq!(
        ok.chip_authenticity.aa.as_ref().unwrap().status,
        ChipStatus::Valid
    );
    let v = Verification {
        aa_challenge: Some(*b"server-2"),
        ..pinned(&store)
    };
    let bad = verify_evidence(read.evidence(), &v).unwrap();
    assert_eq!(bad.chip_authenticity.status, ChipStatus::Invalid);
    assert_eq!(
        bad.chip_authenticity.aa.as_ref().unwrap().failure,
        Some(ChipFailure::AaChallengeMismatch)
    );
    // A forged signature in the bundle.
    let mut forged = read.evidence().clone();
    let aa = forged.active_authentication.as_mut().unwrap();
    let sig = aa.signature.as_mut().unwrap();
    sig.0[3] ^= 0x40;
    let r = verify_evidence(&forged, &pinned(&store)).unwrap();
    assert_eq!(
        r.chip_authenticity.aa.as_ref().unwrap().failure,
        Some(ChipFailure::AaSignatureInvalid)
    );
    assert_eq!(r.chip_authenticity.status, ChipStatus::Invalid);
}

#[tokio::test]
async fn a_forged_ca_record_cannot_claim_another_key() {
    let store = trust();
    let read = read_profile("bac").await;
    let mut e = read.evidence().clone();
    let ca = e.chip_authentication.as_mut().unwrap();
    ca.protocol = "id-CA-ECDH-AES-CBC-CMAC-256".into();
    let r = verify_evidence(&e, &pinned(&store)).unwrap();
    assert_eq!(
        r.chip_authenticity.ca.as_ref().unwrap().failure,
        Some(ChipFailure::CaRecordInconsistent)
    );
    // A record admitting the key mismatch stays a clone offline.
    let mut e = read.evidence().clone();
    e.chip_authentication.as_mut().unwrap().outcome = CaOutcome::KeyMismatch;
    let r = verify_evidence(&e, &pinned(&store)).unwrap();
    assert_eq!(r.chip_authenticity.status, ChipStatus::Invalid);
    // And evidence without its signature bytes is not valid.
    let mut e = read.evidence().clone();
    e.files.insert("EF.SOD".into(), Bytes(Vec::new()));
    let r = verify_evidence(&e, &pinned(&store)).unwrap();
    assert_eq!(r.passive_authentication.status, PaStatus::Invalid);
}

/// An emulated chip behind a link that rewrites answers: `rule` sees every command and the
/// chip's answer and returns what the reader gets.
struct Rewriting<F> {
    inner: EmulatorTransport,
    rule: F,
    sent: usize,
}

#[async_trait]
impl<F> CardTransport for Rewriting<F>
where
    F: FnMut(usize, &[u8], Vec<u8>) -> Vec<u8> + Send,
{
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let answer = self.inner.transmit(command).await?;
        let n = self.sent;
        self.sent += 1;
        Ok((self.rule)(n, command, answer))
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

/// A clone that has the genuine DG14 but not its key: it lets the genuine chip run CA (the
/// answers under the old keys are fine), and from the first command after MSE:Set KAT on it
/// answers everything with a bare `sw`.
fn clone_after_ca(sw: [u8; 2]) -> impl FnMut(usize, &[u8], Vec<u8>) -> Vec<u8> + Send {
    let mut switched = false;
    move |_, cmd, answer| {
        if switched {
            return sw.to_vec();
        }
        if cmd.get(1..4) == Some(&[0x22, 0x41, 0xA6]) {
            switched = true;
        }
        answer
    }
}

async fn read_clone(sw: [u8; 2], groups: &[u8]) -> VerifiedRead {
    let (inner, key) = chip("bac");
    let mut t = Rewriting {
        inner,
        rule: clone_after_ca(sw),
        sent: 0,
    };
    let options = ReadOptions {
        data_groups: groups.iter().map(|n| DataGroup::new(*n).unwrap()).collect(),
        read_unlisted: true,
        ..ReadOptions::default()
    };
    read_on(&mut t, &key, &options).await.unwrap()
}

#[tokio::test]
async fn a_clone_answering_plain_6982_after_ca_is_a_key_mismatch() {
    // The review's case: DG14 then DG3, the first command after CA answered with a bare 6982.
    let read = read_clone([0x69, 0x82], &[14, 3]).await;
    let r = read.report();
    assert_eq!(r.passive_authentication.status, PaStatus::Valid);
    assert_eq!(r.chip_authenticity.status, ChipStatus::Invalid);
    assert_eq!(
        r.chip_authenticity.failures,
        vec![ChipFailure::CaKeyMismatch]
    );
    assert_eq!(r.chip_authenticity.method, Some(ChipMethod::Ca));
    assert_eq!(
        read.evidence()
            .chip_authentication
            .as_ref()
            .unwrap()
            .outcome,
        CaOutcome::KeyMismatch
    );
}

#[tokio::test]
async fn a_clone_answering_plain_6a82_after_ca_is_a_key_mismatch() {
    let read = read_clone([0x6A, 0x82], &[14, 3]).await;
    assert_eq!(
        read.report().chip_authenticity.failures,
        vec![ChipFailure::CaKeyMismatch]
    );
    // The same clone with the default data groups: DG2 follows DG14.
    let read = read_clone([0x6A, 0x82], &[2, 11, 12, 14, 15]).await;
    assert_eq!(
        read.report().chip_authenticity.failures,
        vec![ChipFailure::CaKeyMismatch]
    );
    assert_eq!(read.report().chip_authenticity.status, ChipStatus::Invalid);
}

#[tokio::test]
async fn a_chip_ending_secure_messaging_after_ca_leaves_it_unconfirmed() {
    // A bare 6988 says secure messaging ended: nothing more can be asked under the new keys.
    let read = read_clone([0x69, 0x88], &[14, 3]).await;
    let r = read.report();
    assert_eq!(r.chip_authenticity.status, ChipStatus::Invalid);
    assert_eq!(
        r.chip_authenticity.failures,
        vec![ChipFailure::CaNotConfirmed]
    );
}

#[tokio::test]
async fn a_genuine_chip_is_confirmed_by_an_authenticated_answer() {
    // DG14 then DG3: the genuine chip says (protected) it has no DG3, which confirms CA.
    let (mut t, key) = chip("bac");
    let options = ReadOptions {
        data_groups: vec![DataGroup::new(14).unwrap(), DataGroup::new(3).unwrap()],
        read_unlisted: true,
        ..ReadOptions::default()
    };
    let read = read_on(&mut t, &key, &options).await.unwrap();
    assert_eq!(read.report().absent, vec!["DG3"]);
    assert_eq!(
        read.evidence()
            .chip_authentication
            .as_ref()
            .unwrap()
            .outcome,
        CaOutcome::Confirmed
    );
    // DG14 as the last file: the reader asks once more before trusting CA.
    let (mut t, key) = chip("bac");
    let options = ReadOptions {
        data_groups: vec![DataGroup::new(14).unwrap()],
        ..ReadOptions::default()
    };
    let read = read_on(&mut t, &key, &options).await.unwrap();
    assert_eq!(read.report().chip_authenticity.status, ChipStatus::Valid);
}

#[tokio::test]
async fn a_chip_asking_for_6cxx_forever_ends_the_read() {
    // Every protected READ BINARY answered with a bare 6C10.
    let (inner, key) = chip("bac");
    let mut t = Rewriting {
        inner,
        rule: |_, cmd: &[u8], answer| {
            if cmd.first() == Some(&0x0C) && cmd.get(1) == Some(&0xB0) {
                vec![0x6C, 0x10]
            } else {
                answer
            }
        },
        sent: 0,
    };
    let err = read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::Chip {
                command: "READ BINARY",
                sw: StatusWord(0x6C10)
            }
        ),
        "{err:?}"
    );
    assert!(t.sent < 30, "{} APDUs", t.sent);
}

#[tokio::test]
async fn a_failing_aa_is_not_hidden_by_a_passing_ca() {
    let profile = Profile::named("pace-ca-aa").unwrap();
    let c = faults::chip(&profile, ChipConfig::default(), b"chip", Fault::AaClone).unwrap();
    let mut t = EmulatorTransport::new(c);
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let read = read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap();
    let chip = &read.report().chip_authenticity;
    assert_eq!(chip.ca.as_ref().unwrap().status, ChipStatus::Valid);
    assert_eq!(chip.aa.as_ref().unwrap().status, ChipStatus::Invalid);
    assert_eq!(chip.status, ChipStatus::Invalid);
    assert_eq!(chip.method, Some(ChipMethod::Aa));
    assert_eq!(chip.failures, vec![ChipFailure::AaSignatureInvalid]);
}

/// Reads a PACE profile whose EF.CardAccess answers are replaced by `sw` for the command
/// `matches` picks.
async fn card_access_answered(
    matches: fn(&[u8]) -> bool,
    sw: [u8; 2],
) -> Result<VerifiedRead, ReadError> {
    let (inner, key) = chip("pace-gm-bp256-aes128");
    let mut t = Rewriting {
        inner,
        rule: move |_, cmd: &[u8], answer| if matches(cmd) { sw.to_vec() } else { answer },
        sent: 0,
    };
    read_on(&mut t, &key, &ReadOptions::default()).await
}

fn card_access_by_sfi(cmd: &[u8]) -> bool {
    cmd.get(..3) == Some(&[0x00, 0xB0, 0x9C])
}

fn card_access_select(cmd: &[u8]) -> bool {
    cmd.get(..2) == Some(&[0x00, 0xA4]) && cmd.ends_with(&[0x01, 0x1C])
}

#[tokio::test]
async fn an_error_status_on_card_access_is_not_a_bac_chip() {
    // A refusal is an error, never "no PACE" (which would let the link force BAC).
    let err = card_access_answered(card_access_by_sfi, [0x69, 0x82])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::Chip {
                sw: StatusWord(0x6982),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn card_access_statuses_are_named() {
    // "Short EF identifier not supported" falls back to SELECT by FID: PACE still runs.
    let read = card_access_answered(card_access_by_sfi, [0x6A, 0x86])
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(read.report().access.protocol).unwrap(),
        "PACE"
    );
    // 6A82 by SFI is asked again by SELECT: PACE still runs.
    let read = card_access_answered(card_access_by_sfi, [0x6A, 0x82])
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(read.report().access.protocol).unwrap(),
        "PACE"
    );
    // Any other status on SELECT is an error.
    fn both(cmd: &[u8]) -> bool {
        card_access_by_sfi(cmd) || card_access_select(cmd)
    }
    let err = card_access_answered(both, [0x6A, 0x86]).await;
    assert!(matches!(err, Err(ReadError::Chip { .. })), "{err:?}");
    // 6A82 after SELECT: absent, so BAC runs — and the signed DG14, which lists PACE, shows
    // the downgrade.
    let read = card_access_answered(both, [0x6A, 0x82]).await.unwrap();
    assert_eq!(
        read.report().downgrade.status,
        tapid_mrtd::reader::report::DowngradeStatus::Detected
    );
}

#[tokio::test]
async fn dh2048_needs_extended_length() {
    // PACE's public key (256 bytes) does not fit a short APDU: with extended length the read
    // works end to end (PACE and CA on the 2048-bit group), without it the error says why.
    let read = read_profile("pace-gm-dh2048").await;
    assert_eq!(read.report().chip_authenticity.status, ChipStatus::Valid);
    let profile = Profile::named("pace-gm-dh2048").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let short = ChipConfig {
        extended_length: false,
    };
    let mut t = EmulatorTransport::new(Chip::new(&profile, short, b"chip").unwrap());
    let err = read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::ExtendedLengthRequired {
                command: "GENERAL AUTHENTICATE",
                ..
            }
        ),
        "{err:?}"
    );
    // The caller turning it off gets the same, naming the caller.
    let (mut t, key) = chip("pace-gm-dh2048");
    let options = ReadOptions {
        extended_length: false,
        ..ReadOptions::default()
    };
    let err = read_on(&mut t, &key, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::ExtendedLengthRequired {
                missing: tapid_mrtd::reader::ExtendedLengthMissing::Disabled,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn extended_length_announced_only_in_atr_info_is_used() {
    let profile = Profile::named("bac").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    // The ATR says nothing about extended length; EF.ATR/INFO does.
    let c = Chip::new(&profile, ChipConfig::default(), b"chip")
        .unwrap()
        .without_extended_length_in_atr();
    let mut t = EmulatorTransport::new(c);
    let read = read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap();
    assert!(read.report().transport.as_ref().unwrap().extended_length);
    assert!(read.files().contains_key(&ElementaryFile::AtrInfo));
    // A chip without extended length has no EF.ATR/INFO, and its ATR says short: short APDUs.
    let short = ChipConfig {
        extended_length: false,
    };
    let mut t = EmulatorTransport::new(Chip::new(&profile, short, b"chip").unwrap());
    let read = read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap();
    let transport = read.report().transport.as_ref().unwrap();
    assert!(!transport.extended_length);
    assert_eq!(transport.max_read, 223);
    assert!(!read.files().contains_key(&ElementaryFile::AtrInfo));
}

#[tokio::test]
async fn hiding_card_access_is_a_detected_downgrade() {
    use tapid_mrtd::reader::report::{DowngradeFailure, DowngradeStatus};
    let profile = Profile::named("pace-gm-bp256-aes128").unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let read_with = |options: ReadOptions| {
        let c = faults::chip(
            &profile,
            ChipConfig::default(),
            b"chip",
            Fault::CardAccessHidden,
        )
        .unwrap();
        let key = key.clone();
        async move {
            let mut t = EmulatorTransport::new(c);
            read_on(&mut t, &key, &options).await.unwrap()
        }
    };
    let read = read_with(ReadOptions::default()).await;
    let r = read.report();
    assert_eq!(serde_json::to_value(r.access.protocol).unwrap(), "BAC");
    assert_eq!(r.passive_authentication.status, PaStatus::Valid);
    assert_eq!(r.downgrade.status, DowngradeStatus::Detected);
    assert_eq!(
        r.downgrade.failure,
        Some(DowngradeFailure::BacWithPaceListed)
    );
    assert_eq!(r.downgrade.signed_list.as_deref(), Some("DG14"));
    // The caller who allowed the fallback gets it named, not refused.
    let read = read_with(ReadOptions {
        allow_bac_fallback: true,
        ..ReadOptions::default()
    })
    .await;
    assert_eq!(read.report().downgrade.status, DowngradeStatus::Allowed);
    // The genuine chip: PACE ran, DG14 agrees, EF.CardAccess is consistent with it.
    let read = read_profile("pace-gm-bp256-aes128").await;
    let r = read.report();
    assert_eq!(r.downgrade.status, DowngradeStatus::NotDetected);
    assert_eq!(
        r.unsigned_files["EF.CardAccess"],
        tapid_mrtd::reader::report::Coverage::Consistent
    );
}

#[tokio::test]
async fn an_edited_card_access_in_a_bundle_is_caught() {
    use tapid_mrtd::reader::report::{Coverage, DowngradeStatus};
    let store = trust();
    let read = read_profile("pace-gm-bp256-aes128").await;
    let mut e = read.evidence().clone();
    // Another parameter ID for the PACEInfo (the last byte of the file).
    let card_access = &mut e.files.get_mut("EF.CardAccess").unwrap().0;
    let last = card_access.len() - 1;
    card_access[last] = 0x0C;
    let r = verify_evidence(&e, &pinned(&store)).unwrap();
    assert_eq!(r.unsigned_files["EF.CardAccess"], Coverage::Inconsistent);
    assert_eq!(r.downgrade.status, DowngradeStatus::Detected);
}

#[tokio::test]
async fn mse_set_at_always_names_the_parameters() {
    // Tag 84 with the parameter ID in MSE:Set AT, as the major readers send it.
    let (inner, key) = chip("pace-gm-bp256-aes128");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut t = Rewriting {
        inner,
        rule: move |_, cmd: &[u8], answer| {
            if cmd.get(..4) == Some(&[0x00, 0x22, 0xC1, 0xA4]) {
                log.lock().unwrap().push(cmd.to_vec());
            }
            answer
        },
        sent: 0,
    };
    read_on(&mut t, &key, &ReadOptions::default())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one MSE:Set AT, no retry");
    assert!(
        seen[0].windows(3).any(|w| w == [0x84, 0x01, 0x0D]),
        "{}",
        hex::encode_upper(&seen[0])
    );
}
