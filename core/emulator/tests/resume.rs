//! Resumable reads: lose the tag at every APDU k of a full read of a PACE + CA + AA chip, put
//! the card back (power cycle: the chip forgets the session) and resume; every time the final
//! report equals the uninterrupted one (traffic figures aside).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::PaStatus;
use tapid_mrtd::reader::{
    ReadError, ReadOptions, ReadOutcome, Report, read, resume, verify_passive,
};

/// The emulated chip in a field that vanishes after `budget` exchanges; `reinsert` brings the
/// card back powered up afresh (session keys, selection and SSC are gone).
struct FlakyField {
    chip: EmulatorTransport,
    budget: Option<usize>,
    sent: usize,
}

#[async_trait]
impl CardTransport for FlakyField {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.budget == Some(0) {
            return Err(TransportError::LinkLost);
        }
        self.budget = self.budget.map(|b| b - 1);
        self.sent += 1;
        self.chip.transmit(command).await
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.chip.capabilities()
    }
}

const PROFILE: &str = "pace-ca-aa";
const NOW: i64 = 1_800_000_000;

fn options() -> ReadOptions {
    // A fixed AA challenge, as a server would issue: the AA evidence is then comparable.
    ReadOptions {
        aa_challenge: Some(*b"tapid-01"),
        ..ReadOptions::default()
    }
}

fn without_traffic(mut r: Report) -> Report {
    r.transport.apdus = 0;
    r.transport.bytes_sent = 0;
    r.transport.bytes_received = 0;
    r.transport.max_read = 0;
    r
}

fn finish(mut out: ReadOutcome) -> Report {
    verify_passive(&mut out, &test_trust_store().unwrap(), NOW);
    without_traffic(out.report)
}

#[tokio::test]
async fn tag_lost_at_every_apdu_then_resumed() {
    let profile = Profile::named(PROFILE).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let field = |budget| FlakyField {
        chip: EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap()),
        budget,
        sent: 0,
    };

    let mut whole = field(None);
    let reference = finish(
        read(
            &mut whole,
            &key,
            &options(),
            &mut SeededRng::new(b"t"),
            &mut |_| {},
        )
        .await
        .unwrap(),
    );
    assert_eq!(reference.access.protocol, "PACE");
    assert_eq!(reference.passive_authentication.status, PaStatus::Valid);
    assert_eq!(reference.chip_authenticity.status, "valid");
    assert_eq!(reference.chip_authenticity.method, Some("CA"));
    assert_eq!(
        reference.chip_authenticity.aa.as_ref().unwrap().status,
        "valid"
    );
    let total = whole.sent;
    assert!(total > 20, "a full read takes {total} APDUs");

    for k in 0..total {
        let mut t = field(Some(k));
        let err = read(
            &mut t,
            &key,
            &options(),
            &mut SeededRng::new(b"t"),
            &mut |_| {},
        )
        .await
        .unwrap_err();
        let ReadError::LinkLost { progress } = err else {
            panic!("k={k}: {err}")
        };
        // The card comes back: a fresh chip session, the same document.
        let mut again = field(None);
        let out = resume(
            &mut again,
            &key,
            &options(),
            &mut SeededRng::new(b"t2"),
            &mut |_| {},
            progress,
        )
        .await
        .unwrap_or_else(|e| panic!("resume after loss at APDU {k}: {e}"));
        let report = finish(out);
        assert_eq!(report, reference, "loss at APDU {k}");
        // Nothing read before the loss is read again: the resumed read is shorter once files are done.
        assert!(
            again.sent <= total + 12,
            "k={k}: resumed read took {} APDUs",
            again.sent
        );
    }
}
