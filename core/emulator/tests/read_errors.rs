//! A scripted transport between reader and chip that damages one response: every kind of damage
//! must give its own precise error, never a panic and never a report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::{CardTransport, StatusWord, TransportCapabilities, TransportError};
use tapid_emulator::{ChipConfig, EmulatorTransport, transport};
use tapid_mrtd::mrz::{AccessKey, MrzKey};
use tapid_mrtd::reader::{ReadError, ReadOptions};
use tapid_mrtd::secure_messaging::SmError;
use tapid_test_support::read::{no_trust, read_pinned};

#[derive(Clone, Copy, Debug)]
enum Damage {
    FlipMacByte,
    DropBytes,
    ShortData,
    Garbage,
    OnlyStatus(u16),
    OneByte,
    LinkLost,
}

/// Passes exchanges through, damaging the answer to exchange number `at`.
struct Scripted {
    inner: EmulatorTransport,
    at: usize,
    n: usize,
    damage: Damage,
}

#[async_trait]
impl CardTransport for Scripted {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut r = self.inner.transmit(command).await?;
        let n = self.n;
        self.n += 1;
        if n != self.at {
            return Ok(r);
        }
        match self.damage {
            Damage::FlipMacByte => {
                let i = r.len() - 3;
                r[i] ^= 0x01;
            }
            Damage::DropBytes => {
                r.drain(4..9);
            }
            Damage::ShortData => {
                let sw = r.split_off(r.len() - 2);
                r.truncate(r.len().saturating_sub(3));
                r.extend(sw);
            }
            Damage::Garbage => {
                let sw = r.split_off(r.len() - 2);
                r = (0..r.len())
                    .map(|i| (i as u8).wrapping_mul(37).wrapping_add(11))
                    .collect();
                r.extend(sw);
            }
            Damage::OnlyStatus(sw) => r = sw.to_be_bytes().to_vec(),
            Damage::OneByte => r = vec![0x90],
            Damage::LinkLost => return Err(TransportError::LinkLost),
        }
        Ok(r)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    // The chip's historical bytes announce its extended-length support.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

async fn read_damaged(at: usize, damage: Damage) -> ReadError {
    let inner = transport("bac", ChipConfig::default(), b"chip").unwrap();
    let mut t = Scripted {
        inner,
        at,
        n: 0,
        damage,
    };
    let key = AccessKey::Mrz(MrzKey::new("L898902C3", "740812", "120415").unwrap());
    // No trust, at the pinned time (no read here gets that far).
    read_pinned(
        &mut t,
        &key,
        &ReadOptions::default(),
        no_trust(),
        b"terminal",
    )
    .await
    .err()
    .unwrap_or_else(|| panic!("{damage:?} at {at} must fail"))
}

// Exchanges: 0 SELECT EF.ATR/INFO and 1 READ BINARY of it (the chip announces extended
// length there), 2 READ BINARY of EF.CardAccess by short EF identifier and 3 SELECT
// EF.CardAccess (both 6A82: absent on a BAC chip), 4 SELECT application, 5 GET CHALLENGE,
// 6 EXTERNAL AUTHENTICATE, 7 READ BINARY of EF.SOD's header by short EF identifier (first
// protected; it selects the file), 8 READ BINARY of the rest of EF.SOD, 9-10 DG1, 11 DG14's
// header, …
const SELECT_APP: usize = 4;
const GET_CHALLENGE: usize = 5;
const EXTERNAL_AUTH: usize = 6;
const FIRST_PROTECTED: usize = 7;
const FIRST_READ: usize = 8;

#[tokio::test]
async fn bad_response_mac() {
    let e = read_damaged(FIRST_READ, Damage::FlipMacByte).await;
    assert!(
        matches!(e, ReadError::SecureMessaging(SmError::BadMac)),
        "{e}"
    );
    assert_eq!(e.code(), "sm_bad_mac");
    let e = read_damaged(FIRST_PROTECTED, Damage::FlipMacByte).await;
    assert!(
        matches!(e, ReadError::SecureMessaging(SmError::BadMac)),
        "{e}"
    );
}

#[tokio::test]
async fn truncated_response() {
    let e = read_damaged(FIRST_READ, Damage::DropBytes).await;
    assert!(
        matches!(
            e,
            ReadError::SecureMessaging(SmError::Malformed(_) | SmError::BadMac)
        ),
        "{e}"
    );
}

#[tokio::test]
async fn garbage_response() {
    let e = read_damaged(FIRST_READ, Damage::Garbage).await;
    assert!(matches!(e, ReadError::SecureMessaging(_)), "{e}");
}

#[tokio::test]
async fn plaintext_after_secure_messaging() {
    let e = read_damaged(FIRST_READ, Damage::OnlyStatus(0x9000)).await;
    assert!(
        matches!(e, ReadError::SecureMessaging(SmError::PlaintextResponse)),
        "{e}"
    );
}

#[tokio::test]
async fn wrong_status_words() {
    let e = read_damaged(FIRST_READ, Damage::OnlyStatus(0x6982)).await;
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "READ BINARY",
                sw: StatusWord::SECURITY_STATUS_NOT_SATISFIED
            }
        ),
        "{e}"
    );
    let e = read_damaged(SELECT_APP, Damage::OnlyStatus(0x6A82)).await;
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "SELECT eMRTD application",
                ..
            }
        ),
        "{e}"
    );
    let e = read_damaged(GET_CHALLENGE, Damage::OnlyStatus(0x6D00)).await;
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "GET CHALLENGE",
                sw: StatusWord::INS_NOT_SUPPORTED
            }
        ),
        "{e}"
    );
    let e = read_damaged(EXTERNAL_AUTH, Damage::OnlyStatus(0x6300)).await;
    assert!(matches!(e, ReadError::AccessDenied), "{e}");
    let e = read_damaged(FIRST_PROTECTED, Damage::OnlyStatus(0x6988)).await;
    assert!(
        matches!(
            e,
            ReadError::Chip {
                command: "READ BINARY",
                sw: StatusWord::SM_OBJECTS_INCORRECT
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn malformed_apdus() {
    let e = read_damaged(GET_CHALLENGE, Damage::ShortData).await;
    assert!(
        matches!(
            e,
            ReadError::MalformedResponse {
                command: "GET CHALLENGE"
            }
        ),
        "{e}"
    );
    // A same-length but wrong challenge is only caught by the chip's cryptogram check.
    let e = read_damaged(GET_CHALLENGE, Damage::Garbage).await;
    assert!(matches!(e, ReadError::AccessDenied), "{e}");
    let e = read_damaged(EXTERNAL_AUTH, Damage::Garbage).await;
    assert!(matches!(e, ReadError::AccessDenied), "{e}");
    let e = read_damaged(FIRST_READ, Damage::OneByte).await;
    assert!(
        matches!(
            e,
            ReadError::ResponseTooShort {
                command: "READ BINARY"
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn link_lost_reports_progress() {
    // EF.SOD and DG1 are in; the link breaks on DG14's header.
    let e = read_damaged(FIRST_READ + 3, Damage::LinkLost).await;
    match e {
        ReadError::LinkLost { progress } => {
            assert!(
                progress.files.keys().any(|f| f.name() == "EF.SOD"),
                "{progress:?}"
            )
        }
        other => panic!("{other}"),
    }
}
