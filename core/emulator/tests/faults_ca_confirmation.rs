//! The Chip Authentication confirmation faults of issue 11 with the exact verdict a correct
//! reader reaches: a clone that answers plain status words after CA, a clone that takes the
//! genuine chip's place when a read is resumed, and a chip that answers `6Cxx` forever.
//!
//! Only an authenticated response confirms CA; a resumed read confirms the new keys before
//! trusting anything; `6Cxx` is retried once. Every read is bounded: a transport that has
//! carried [`APDU_LIMIT`] commands loses the link, so a reader that loops fails the test
//! instead of hanging it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::faults::{self, Fault, secure};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::{ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::lds::DataGroup;
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::{PaStatus, TrustStore};
use tapid_mrtd::reader::report::{ChipFailure, ChipMethod, ChipStatus};
use tapid_mrtd::reader::{ReadError, ReadOptions, VerifiedRead, resume};
use tapid_test_support::read::{pinned, read_pinned, read_verified};

/// Commands after which the bounded transport gives up.
const APDU_LIMIT: usize = 500;

/// The emulated chip behind a link that carries at most [`APDU_LIMIT`] commands.
struct Bounded {
    inner: EmulatorTransport,
    sent: usize,
}

#[async_trait]
impl CardTransport for Bounded {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.sent >= APDU_LIMIT {
            return Err(TransportError::LinkLost);
        }
        self.sent += 1;
        self.inner.transmit(command).await
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

fn chip(fault: Fault) -> (Bounded, AccessKey) {
    let profile = Profile::named(fault.info().profile).unwrap();
    let chip = faults::chip(&profile, ChipConfig::default(), b"chip", fault).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    (
        Bounded {
            inner: EmulatorTransport::new(chip),
            sent: 0,
        },
        key,
    )
}

/// `tapid read --dg 14,3 --read-unlisted`: DG14 (CA runs), then DG3, which EF.SOD does not
/// list and a genuine chip refuses without Terminal Authentication.
fn dg14_then_dg3() -> ReadOptions {
    ReadOptions {
        data_groups: [14, 3].into_iter().filter_map(DataGroup::new).collect(),
        read_unlisted: true,
        ..ReadOptions::default()
    }
}

fn trust() -> TrustStore {
    tapid_emulator::pki::test_trust_store().unwrap()
}

/// Chip authenticity invalid because CA's key did not match DG14: `CaKeyMismatch`, not
/// `CaNotConfirmed` (a clone that could be asked is a key mismatch).
fn assert_ca_key_mismatch(fault: Fault, out: &VerifiedRead) {
    let chip = &out.report().chip_authenticity;
    assert_eq!(chip.status, ChipStatus::Invalid, "{fault}: {}", chip.reason);
    assert_eq!(chip.method, Some(ChipMethod::Ca), "{fault}");
    assert_eq!(
        chip.ca.as_ref().unwrap().status,
        ChipStatus::Invalid,
        "{fault}"
    );
    assert!(
        chip.failures.contains(&ChipFailure::CaKeyMismatch),
        "{fault}: {:?}",
        chip.failures
    );
    assert!(
        !chip.failures.contains(&ChipFailure::CaNotConfirmed),
        "{fault}"
    );
}

async fn clone_answering_plain(fault: Fault) {
    let (mut t, key) = chip(fault);
    let store = trust();
    let out = read_pinned(&mut t, &key, &dg14_then_dg3(), &store, b"terminal")
        .await
        .unwrap_or_else(|e| panic!("{fault}: the read must end with a verdict, got {e:?}"));
    // DG14 is genuine and signed; the chip holding it is not.
    assert_eq!(out.report().passive_authentication.status, PaStatus::Valid);
    assert!(out.report().files.contains_key("DG14"));
    assert_ca_key_mismatch(fault, &out);
    assert!(t.sent < 50, "{fault}: {} APDUs", t.sent);
}

#[tokio::test]
async fn ca_clone_plain_6982() {
    clone_answering_plain(Fault::CaClonePlain6982).await;
}

#[tokio::test]
async fn ca_clone_plain_6a82() {
    clone_answering_plain(Fault::CaClonePlain6A82).await;
}

#[tokio::test]
async fn ca_clone_resume() {
    let fault = Fault::CaCloneResume;
    let (mut t, key) = chip(fault);
    let options = ReadOptions {
        aa_challenge: Some(*b"tapid-01"),
        ..ReadOptions::default()
    };
    let store = trust();
    let v = pinned(&store);
    // The genuine chip: every file is read, and the tag leaves at INTERNAL AUTHENTICATE.
    let progress = match read_verified(&mut t, &key, &options, &v, b"t").await {
        Err(ReadError::LinkLost { progress }) => progress,
        other => panic!("the tag must be lost at INTERNAL AUTHENTICATE: {other:?}"),
    };
    let names: Vec<String> = progress.files.keys().map(|f| f.name()).collect();
    for file in ["EF.SOD", "DG1", "DG2", "DG14", "DG15"] {
        assert!(
            names.iter().any(|n| n == file),
            "{file} not read: {names:?}"
        );
    }
    // The card comes back: what answers now is the clone.
    t.inner.chip_mut().reset();
    let out = resume(
        &mut t,
        &key,
        &options,
        &v,
        &mut SeededRng::new(b"t2"),
        &mut |_| {},
        progress,
    )
    .await
    .unwrap_or_else(|e| panic!("the resumed read must end with a verdict, got {e:?}"));
    assert_eq!(out.report().passive_authentication.status, PaStatus::Valid);
    assert_ca_key_mismatch(fault, &out);
}

#[tokio::test]
async fn read_binary_6cxx_forever() {
    let (mut t, key) = chip(Fault::ReadBinary6CxxForever);
    let store = trust();
    let e = read_pinned(&mut t, &key, &ReadOptions::default(), &store, b"terminal")
        .await
        .err()
        .unwrap_or_else(|| panic!("a chip that never returns data cannot give a report"));
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "READ BINARY",
                sw,
            } if sw == secure::WRONG_LE_HINT
        ),
        "{e:?} after {} APDUs",
        t.sent
    );
    assert!(t.sent < 50, "{} APDUs", t.sent);
}
