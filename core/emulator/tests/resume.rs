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
use tapid_mrtd::reader::report::{AccessProtocol, ChipMethod, ChipStatus};
use tapid_mrtd::reader::{ReadError, ReadOptions, Report, VerifiedRead, resume};
use tapid_test_support::read::{pinned, read_pinned};

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

    // The chip's historical bytes announce its extended-length support.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.chip.historical_bytes()
    }
}

const PROFILE: &str = "pace-ca-aa";
fn options() -> ReadOptions {
    // A fixed AA challenge, as a server would issue: the AA evidence is then comparable.
    ReadOptions {
        aa_challenge: Some(*b"tapid-01"),
        ..ReadOptions::default()
    }
}

fn without_traffic(mut r: Report) -> Report {
    let t = r.transport.as_mut().unwrap();
    t.apdus = 0;
    t.bytes_sent = 0;
    t.bytes_received = 0;
    t.max_read = 0;
    r
}

fn finish(out: VerifiedRead) -> Report {
    without_traffic(out.report().clone())
}

#[tokio::test]
async fn tag_lost_at_every_apdu_then_resumed() {
    let profile = Profile::named(PROFILE).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let trust = test_trust_store().unwrap();
    let field = |budget| FlakyField {
        chip: EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"chip").unwrap()),
        budget,
        sent: 0,
    };

    let mut whole = field(None);
    let reference = finish(
        read_pinned(&mut whole, &key, &options(), &trust, b"t")
            .await
            .unwrap(),
    );
    assert_eq!(reference.access.protocol, AccessProtocol::Pace);
    assert_eq!(reference.passive_authentication.status, PaStatus::Valid);
    assert_eq!(reference.chip_authenticity.status, ChipStatus::Valid);
    assert_eq!(reference.chip_authenticity.method, Some(ChipMethod::Ca));
    assert_eq!(
        reference.chip_authenticity.aa.as_ref().unwrap().status,
        ChipStatus::Valid
    );
    let total = whole.sent;
    assert!(total > 15, "a full read takes {total} APDUs");

    for k in 0..total {
        let mut t = field(Some(k));
        let err = read_pinned(&mut t, &key, &options(), &trust, b"t")
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
            &pinned(&trust),
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
