//! tapid-pcsc against a real pcscd: the emulated chip sits on the vpcd virtual reader
//! `Virtual PCD 00 01` (port 35964; the CLI's end-to-end test uses `00 00`).
//!
//! Needs pcscd with vsmartcard-vpcd (`scripts/pcscd.sh start`). Without it the tests print a
//! note and pass, unless `TAPID_REQUIRE_PCSC=1`, which turns a missing reader into a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::time::Duration;

use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::vpcd::{self, VirtualCard};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{ReadOptions, VerifiedRead};
use tapid_pcsc::{ExtendedLength, OpenOptions, PcscError, PcscTransport, readers};
use tapid_test_support::pcsc::{pcsc_ready, wait_for_card};
use tapid_test_support::read::{no_trust, read_pinned};

const READER: &str = "Virtual PCD 00 01";
const ADDR: &str = "127.0.0.1:35964";
const SELECT_EMRTD: [u8; 12] = [
    0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01,
];

/// One virtual reader, so one test at a time.
static READER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The emulated chip inserted in the virtual reader until dropped.
struct InsertedCard {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    atr: Vec<u8>,
}

impl InsertedCard {
    fn insert(config: ChipConfig) -> Self {
        let profile = Profile::named("bac").unwrap();
        let mut card = VirtualCard::new(Chip::new(&profile, config, b"pcsc-chip").unwrap());
        let atr = card.atr().to_vec();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            vpcd::run(
                &mut card,
                ADDR,
                Duration::from_millis(100),
                async {
                    let _ = stopped.await;
                },
                &mut |_| {},
            )
            .await;
        });
        Self {
            stop: Some(stop),
            task: Some(task),
            atr,
        }
    }

    /// Takes the card out of the reader (closes the vpcd socket).
    async fn remove(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for InsertedCard {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn options(extended_length: ExtendedLength) -> OpenOptions {
    OpenOptions {
        card_wait: Duration::from_secs(10),
        extended_length,
    }
}

fn key() -> AccessKey {
    AccessKey::Mrz(Profile::named("bac").unwrap().mrz_key().unwrap())
}

/// No trust anchors (these tests are about the link), at the pinned time.
async fn read_through<T: CardTransport>(t: &mut T) -> VerifiedRead {
    read_pinned(t, &key(), &ReadOptions::default(), no_trust(), b"terminal")
        .await
        .unwrap()
}

async fn read_in_process(config: ChipConfig) -> VerifiedRead {
    let profile = Profile::named("bac").unwrap();
    let mut t = EmulatorTransport::new(Chip::new(&profile, config, b"in-process").unwrap());
    read_through(&mut t).await
}

/// The report without its traffic figures, which differ between links.
fn without_transport(outcome: &VerifiedRead) -> serde_json::Value {
    let mut v = serde_json::to_value(outcome.report()).unwrap();
    v.as_object_mut().unwrap().remove("transport");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_reader_and_the_card_with_its_atr() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let mut card = InsertedCard::insert(ChipConfig::default());
    wait_for_card(READER, true).await;
    let rs = tokio::task::spawn_blocking(readers::list)
        .await
        .unwrap()
        .unwrap();
    let info = rs.iter().find(|r| r.name == READER).unwrap();
    assert_eq!(info.atr.as_deref(), Some(card.atr.as_slice()));
    assert!(!info.card_mute);
    let names: Vec<String> = rs.iter().map(|r| r.name.clone()).collect();
    assert_eq!(
        readers::select(&info.index.to_string(), &names).unwrap(),
        info.index
    );
    card.remove().await;
    wait_for_card(READER, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_the_same_report_as_the_in_process_emulator() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let card = InsertedCard::insert(ChipConfig::default());
    let mut t = PcscTransport::open("00 01", options(ExtendedLength::Auto))
        .await
        .unwrap();
    assert_eq!(t.reader(), READER);
    assert_eq!(t.atr(), card.atr.as_slice());
    // The ATR advertises extended length, so Auto uses it.
    assert_eq!(t.capabilities(), TransportCapabilities::EXTENDED);
    let over_pcsc = read_through(&mut t).await;
    let local = read_in_process(ChipConfig::default()).await;
    assert_eq!(without_transport(&over_pcsc), without_transport(&local));
    assert_eq!(over_pcsc.files(), local.files());
    let (pcsc_t, local_t) = (
        over_pcsc.report().transport.as_ref().unwrap(),
        local.report().transport.as_ref().unwrap(),
    );
    assert!(pcsc_t.extended_length);
    assert!(pcsc_t.max_read > 255);
    assert_eq!(pcsc_t.apdus, local_t.apdus);
    t.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_apdus_when_the_chip_does_not_advertise_extended_length() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let short = ChipConfig {
        extended_length: false,
    };
    let _card = InsertedCard::insert(short);
    let mut t = PcscTransport::open(READER, options(ExtendedLength::Auto))
        .await
        .unwrap();
    assert_eq!(t.capabilities(), TransportCapabilities::SHORT);
    let over_pcsc = read_through(&mut t).await;
    let pcsc_t = over_pcsc.report().transport.as_ref().unwrap();
    assert!(!pcsc_t.extended_length);
    assert!(pcsc_t.max_read <= 256);
    let local = read_in_process(short).await;
    assert_eq!(without_transport(&over_pcsc), without_transport(&local));

    // The caller's override wins over the ATR.
    let forced = PcscTransport::open(READER, options(ExtendedLength::Off))
        .await
        .unwrap();
    assert_eq!(forced.capabilities(), TransportCapabilities::SHORT);
    let forced_on = PcscTransport::open(READER, options(ExtendedLength::On))
        .await
        .unwrap();
    assert_eq!(forced_on.capabilities(), TransportCapabilities::EXTENDED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_starts_a_fresh_chip_session() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let _card = InsertedCard::insert(ChipConfig::default());
    let mut t = PcscTransport::open(READER, options(ExtendedLength::Auto))
        .await
        .unwrap();

    // After BAC, a plain command is refused: secure messaging is on.
    read_through(&mut t).await;
    let refused = t.transmit(&SELECT_EMRTD).await.unwrap();
    assert_ne!(refused, [0x90, 0x00]);

    // BAC again, then reconnect (reset): the chip starts over and takes plain commands.
    read_through(&mut t).await;
    t.reconnect().await.unwrap();
    assert_eq!(t.capabilities(), TransportCapabilities::EXTENDED);
    assert_eq!(t.transmit(&SELECT_EMRTD).await.unwrap(), [0x90, 0x00]);
    // And a full read works on the fresh session.
    read_through(&mut t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_card_is_link_lost_and_no_card_times_out() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let mut card = InsertedCard::insert(ChipConfig::default());
    let mut t = PcscTransport::open(READER, options(ExtendedLength::Auto))
        .await
        .unwrap();
    assert_eq!(t.transmit(&SELECT_EMRTD).await.unwrap(), [0x90, 0x00]);
    card.remove().await;
    // Right away (the driver notices the closed socket) and once pcscd has seen the removal.
    assert_eq!(
        t.transmit(&SELECT_EMRTD).await,
        Err(TransportError::LinkLost)
    );
    wait_for_card(READER, false).await;
    assert_eq!(
        t.transmit(&SELECT_EMRTD).await,
        Err(TransportError::LinkLost)
    );

    let waited = PcscTransport::open(
        READER,
        OpenOptions {
            card_wait: Duration::from_millis(300),
            extended_length: ExtendedLength::Auto,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(waited, PcscError::CardWaitTimeout { .. }),
        "{waited:?}"
    );
    assert_eq!(TransportError::from(waited), TransportError::NoCard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_ambiguous_selectors() {
    if !pcsc_ready(READER) {
        return;
    }
    let e = PcscTransport::open("no such reader", options(ExtendedLength::Auto))
        .await
        .unwrap_err();
    assert!(matches!(e, PcscError::ReaderNotFound { .. }), "{e:?}");
    let e = PcscTransport::open("virtual pcd", options(ExtendedLength::Auto))
        .await
        .unwrap_err();
    assert!(matches!(e, PcscError::AmbiguousReader { .. }), "{e:?}");
}
