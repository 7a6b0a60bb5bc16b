//! End to end through a real pcscd: `tapid emulate --profile bac --vpcd` inserts the chip in
//! the vpcd reader `Virtual PCD 00 00`, and tapid-pcsc reads it like a passport on a desktop
//! NFC reader.
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

use std::process::{Command, Stdio};
use std::time::Duration;

use tapid_card::{CardTransport, TransportCapabilities};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{ReadOptions, VerifiedRead};
use tapid_pcsc::{ExtendedLength, OpenOptions, PcscTransport};
use tapid_test_support::cli::ChildGuard;
use tapid_test_support::pcsc::{pcsc_ready, wait_for_card};
use tapid_test_support::read::{no_trust, read_pinned};

const READER: &str = "Virtual PCD 00 00";

/// One virtual reader, so one test at a time.
static READER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn tapid() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tapid"))
}

/// `tapid emulate --profile bac --vpcd …`, killed when dropped.
fn start_emulator(extra: &[&str]) -> ChildGuard {
    let child = tapid()
        .args(["emulate", "--profile", "bac", "--vpcd"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    ChildGuard::new(child)
}

fn key() -> AccessKey {
    AccessKey::Mrz(Profile::named("bac").unwrap().mrz_key().unwrap())
}

/// No trust anchors (this is about the link), at the pinned time.
async fn read_through<T: CardTransport>(t: &mut T) -> VerifiedRead {
    read_pinned(t, &key(), &ReadOptions::default(), no_trust(), b"terminal")
        .await
        .unwrap()
}

/// The report without its traffic figures, which differ between links.
fn without_transport(outcome: &VerifiedRead) -> serde_json::Value {
    let mut v = serde_json::to_value(outcome.report()).unwrap();
    v.as_object_mut().unwrap().remove("transport");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_over_pcsc_gives_the_in_process_report() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let emulator = start_emulator(&[]);

    let mut t = PcscTransport::open(
        "0",
        OpenOptions {
            card_wait: Duration::from_secs(20),
            extended_length: ExtendedLength::Auto,
        },
    )
    .await
    .unwrap();
    assert_eq!(t.reader(), READER);
    assert_eq!(
        t.atr(),
        tapid_emulator::atr::for_chip(ChipConfig::default()).as_slice()
    );
    assert_eq!(t.capabilities(), TransportCapabilities::EXTENDED);
    let over_pcsc = read_through(&mut t).await;
    t.disconnect().await.unwrap();

    let profile = Profile::named("bac").unwrap();
    let mut local =
        EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"in-process").unwrap());
    let in_process = read_through(&mut local).await;

    assert_eq!(
        without_transport(&over_pcsc),
        without_transport(&in_process)
    );
    assert_eq!(over_pcsc.files(), in_process.files());
    assert_eq!(over_pcsc.report().document.primary_identifier, "ERIKSSON");
    assert!(
        over_pcsc
            .report()
            .transport
            .as_ref()
            .unwrap()
            .extended_length
    );

    // The default opener (index "0", the lead's `tapid read --reader 0`) finds the same card.
    let mut again = tapid_pcsc::open_reader("0").await.unwrap();
    assert_eq!(
        without_transport(&read_through(&mut again).await),
        without_transport(&in_process)
    );
    again.disconnect().await.unwrap();

    let out = emulator.terminate();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("card inserted"), "{stderr}");
    wait_for_card(READER, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tapid_readers_shows_the_emulated_card() {
    if !pcsc_ready(READER) {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_for_card(READER, false).await;
    let emulator = start_emulator(&["--no-extended-length"]);
    wait_for_card(READER, true).await;

    let atr = tapid_emulator::atr::for_chip(ChipConfig {
        extended_length: false,
    });
    let out = tapid().arg("readers").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains(READER)).unwrap();
    assert_eq!(
        line,
        format!(
            "0: {READER} [card present, ATR {}, short APDUs]",
            hex::encode_upper(&atr)
        )
    );

    let out = tapid().args(["readers", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == READER)
        .unwrap();
    assert_eq!(entry["index"], 0);
    assert_eq!(entry["card_present"], true);
    assert_eq!(entry["atr"], hex::encode_upper(&atr));
    assert_eq!(entry["extended_length"], false);

    let out = emulator.terminate();
    assert!(out.status.success());
    wait_for_card(READER, false).await;
    let out = tapid().arg("readers").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("0: {READER} [no card]")), "{text}");
}
