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

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use tapid_card::{CardTransport, TransportCapabilities};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{ReadOptions, Verification, VerifiedRead, read};
use tapid_pcsc::{ExtendedLength, OpenOptions, PcscTransport, readers};

const READER: &str = "Virtual PCD 00 00";

/// One virtual reader, so one test at a time.
static READER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn tapid() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tapid"))
}

fn pcsc_ready() -> bool {
    let required = std::env::var("TAPID_REQUIRE_PCSC").is_ok_and(|v| v == "1");
    let why = match readers::list() {
        Ok(rs) if rs.iter().any(|r| r.name == READER) => return true,
        Ok(_) => format!("pcscd does not list {READER:?}"),
        Err(e) => e.to_string(),
    };
    assert!(
        !required,
        "TAPID_REQUIRE_PCSC=1 but PC/SC is not usable: {why}"
    );
    eprintln!("skipping: {why} (run scripts/pcscd.sh start)");
    false
}

/// `tapid emulate … --vpcd`, killed when dropped.
struct Emulator(Option<Child>);

impl Emulator {
    fn start(extra: &[&str]) -> Self {
        let child = tapid()
            .args(["emulate", "--profile", "bac", "--vpcd"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Self(Some(child))
    }

    /// Stops it with SIGTERM, as a user or CI would, and returns its output.
    fn terminate(mut self) -> Output {
        let child = self.0.take().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        child.wait_with_output().unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn card_on_reader() -> Option<readers::ReaderInfo> {
    readers::list()
        .unwrap()
        .into_iter()
        .find(|r| r.name == READER)
        .filter(|r| r.card_present)
}

async fn wait_until_card(present: bool) {
    for _ in 0..150 {
        let now = tokio::task::spawn_blocking(card_on_reader)
            .await
            .unwrap()
            .is_some();
        if now == present {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{READER} never showed card present = {present}");
}

fn key() -> AccessKey {
    AccessKey::Mrz(Profile::named("bac").unwrap().mrz_key().unwrap())
}

async fn read_through<T: CardTransport>(t: &mut T) -> VerifiedRead {
    let mut rng = SeededRng::new(b"terminal");
    // No trust anchors (this is about the link), at a pinned time: 2027-01-15.
    let trust = TrustStore::new();
    let verification = Verification::new(&trust, 1_800_000_000);
    read(
        t,
        &key(),
        &ReadOptions::default(),
        &verification,
        &mut rng,
        &mut |_| {},
    )
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
    if !pcsc_ready() {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_until_card(false).await;
    let emulator = Emulator::start(&[]);

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
    wait_until_card(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tapid_readers_shows_the_emulated_card() {
    if !pcsc_ready() {
        return;
    }
    let _guard = READER_LOCK.lock().await;
    wait_until_card(false).await;
    let emulator = Emulator::start(&["--no-extended-length"]);
    wait_until_card(true).await;

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
    wait_until_card(false).await;
    let out = tapid().arg("readers").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("0: {READER} [no card]")), "{text}");
}
