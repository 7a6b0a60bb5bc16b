//! With extended length a read is its protocol's minimum, command by command: EF.ATR/INFO
//! (SELECT and READ: it has no standard short EF identifier), EF.CardAccess by its short EF
//! identifier, PACE (MSE:Set AT and four General Authenticates), EF.CardSecurity by its short
//! EF identifier for PACE-CAM, SELECT of the application, Chip Authentication (MSE:Set AT and
//! General Authenticate) for PACE-GM and PACE-IM, and one READ BINARY per file, by short EF
//! identifier: no header read, no SELECT of a file, nothing twice.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::ReadOptions;
use tapid_test_support::read::{no_trust, read_pinned};

/// The emulated chip, with the header of every command kept: `(INS, P1, P2)`, which secure
/// messaging leaves in the clear.
struct Headers {
    inner: EmulatorTransport,
    seen: Vec<(u8, u8, u8)>,
}

#[async_trait]
impl CardTransport for Headers {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.seen.push((command[1], command[2], command[3]));
        self.inner.transmit(command).await
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

async fn headers(name: &str) -> Vec<(u8, u8, u8)> {
    let profile = Profile::named(name).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let mut t = Headers {
        inner: EmulatorTransport::new(
            Chip::new(&profile, ChipConfig::default(), name.as_bytes()).unwrap(),
        ),
        seen: Vec::new(),
    };
    read_pinned(
        &mut t,
        &key,
        &ReadOptions::default(),
        no_trust(),
        b"terminal",
    )
    .await
    .unwrap();
    t.seen
}

const SELECT_EF: (u8, u8, u8) = (0xA4, 0x02, 0x0C);
const READ_SELECTED: (u8, u8, u8) = (0xB0, 0x00, 0x00);
const SELECT_APPLICATION: (u8, u8, u8) = (0xA4, 0x04, 0x0C);
const MSE_SET_AT_PACE: (u8, u8, u8) = (0x22, 0xC1, 0xA4);
const MSE_SET_AT_CA: (u8, u8, u8) = (0x22, 0x41, 0xA4);
const GENERAL_AUTHENTICATE: (u8, u8, u8) = (0x86, 0x00, 0x00);

/// READ BINARY of the file with short EF identifier `sfi` from offset 0.
const fn read_sfi(sfi: u8) -> (u8, u8, u8) {
    (0xB0, 0x80 | sfi, 0x00)
}

/// EF.SOD, DG1, DG14, DG2, DG11, DG12: the files the default options read on these chips.
fn files() -> Vec<(u8, u8, u8)> {
    [0x1D, 0x01, 0x0E, 0x02, 0x0B, 0x0C]
        .into_iter()
        .map(read_sfi)
        .collect()
}

fn pace() -> Vec<(u8, u8, u8)> {
    let mut v = vec![SELECT_EF, READ_SELECTED, read_sfi(0x1C), MSE_SET_AT_PACE];
    v.extend([GENERAL_AUTHENTICATE; 4]);
    v
}

#[tokio::test]
async fn pace_gm_with_chip_authentication_is_its_protocol_minimum() {
    let mut want = pace();
    want.push(SELECT_APPLICATION);
    // DG14 comes before Chip Authentication, which comes before the other files.
    let files = files();
    want.extend(&files[..3]);
    want.extend([MSE_SET_AT_CA, GENERAL_AUTHENTICATE]);
    want.extend(&files[3..]);
    assert_eq!(headers("pace-gm-bp256-aes128").await, want);
    assert_eq!(want.len(), 17);
}

#[tokio::test]
async fn pace_cam_reads_ef_card_security_by_its_short_identifier() {
    let mut want = pace();
    want.extend([read_sfi(0x1D), SELECT_APPLICATION]);
    want.extend(files());
    assert_eq!(headers("pace-cam-bp256-aes128").await, want);
    assert_eq!(want.len(), 16);
}
