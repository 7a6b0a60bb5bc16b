//! Every emulator profile through the real PC/SC stack: `tapid emulate --profile P --vpcd` puts
//! the chip in pcscd's vpcd reader and `tapid read --reader 0` gives the same report as
//! `tapid read --emulator P` (transport figures aside).
//!
//! Needs pcscd with vsmartcard-vpcd (`scripts/pcscd.sh start`, which the test command runs).
//! Without it the test prints a note and passes, unless `TAPID_REQUIRE_PCSC=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::{Command, Stdio};

use tapid_test_support::cli::ChildGuard;
use tapid_test_support::conformance::{conformance_dir, test_csca_dir};
use tapid_test_support::pcsc::{card_present, pcsc_ready, wait_until};

const READER: &str = "Virtual PCD 00 00";
/// The `--mrz` triple a user types for an emulated profile: document number, birth, expiry.
fn mrz_of(profile: &str) -> String {
    let p = tapid_emulator::Profile::named(profile).unwrap();
    let m = tapid_mrtd::mrz::Mrz::parse(&p.mrz).unwrap();
    format!(
        "{},{},{}",
        m.document_number, m.date_of_birth_raw, m.date_of_expiry_raw
    )
}
const CHALLENGE: &str = "0102030405060708";

fn tapid() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tapid"))
}

fn report(args: &[&str]) -> serde_json::Value {
    let out = tapid().args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    v.as_object_mut().unwrap().remove("transport");
    // `tapid read` verifies at the machine's clock: the two reads compared may fall in
    // different seconds.
    v.as_object_mut().unwrap().remove("verification");
    // An AA signature contains the chip's own random M1, so two chips never sign alike.
    if let Some(aa) = v["chip_authenticity"].get_mut("aa") {
        aa.as_object_mut().unwrap().remove("signature");
    }
    v
}

#[test]
fn every_profile_reads_the_same_through_pcscd() {
    if !pcsc_ready(READER) {
        return;
    }
    let csca = test_csca_dir();
    let csca = csca.to_str().unwrap();
    let list = tapid()
        .args(["emulate", "--list-profiles", "--json"])
        .output()
        .unwrap();
    let profiles: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<String> = profiles
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    wait_until("an empty reader", || card_present(READER, false));
    for name in names {
        let child = tapid()
            .args(["emulate", "--profile", &name, "--vpcd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let emulator = ChildGuard::new(child);
        wait_until("the emulated card", || card_present(READER, true));
        if name == "bac" {
            // Any PC/SC application sees the card: pcsc_scan (pcsc-tools) lists it with its ATR.
            let scan = Command::new("pcsc_scan").arg("-c").output().unwrap();
            let text = String::from_utf8_lossy(&scan.stdout);
            assert!(text.contains("Card inserted"), "{text}");
            assert!(
                text.contains("ATR: 3B 85 80 01 80 73 94 21 40 02"),
                "{text}"
            );
        }
        let common = [
            "--json",
            "--trust",
            csca,
            "--aa-challenge",
            CHALLENGE,
            "--at",
            "1800000000",
        ];
        let mrz = mrz_of(&name);
        let mut via_reader = vec!["read", "--reader", "0", "--mrz", &mrz];
        via_reader.extend(common);
        let mut in_process = vec!["read", "--emulator", &name];
        in_process.extend(common);
        let through_pcscd = report(&via_reader);
        let direct = report(&in_process);
        assert_eq!(through_pcscd, direct, "profile {name}");
        assert_eq!(
            direct["passive_authentication"]["status"], "valid",
            "{name}"
        );
        assert_eq!(direct["chip_authenticity"]["status"], "valid", "{name}");
        drop(emulator);
        wait_until("the card to leave", || card_present(READER, false));
    }

    // A chip directory (the BSI TR-03105 reference set, its files named as published).
    let Some(conformance) = conformance_dir() else {
        return;
    };
    let bsi = conformance.join("bsi-tr03105-reference");
    let child = tapid()
        .args(["emulate", "--chip-dir", bsi.to_str().unwrap(), "--vpcd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let emulator = ChildGuard::new(child);
    wait_until("the BSI reference chip", || card_present(READER, true));
    let r = report(&[
        "read",
        "--reader",
        "0",
        "--mrz",
        "C11T002JM,960812,231031",
        "--read-unlisted",
        "--json",
        "--at",
        "1800000000",
    ]);
    assert_eq!(r["document"]["primary_identifier"], "MUSTERMANN");
    // CA and AA pass with the chip's own keys: their only failure is that PA (invalid, as
    // DG15 is unsigned and the signer expired) does not establish trust in DG14 (which the
    // valid signature covers) and does not cover DG15 at all.
    assert_eq!(
        r["chip_authenticity"]["ca"]["failure"],
        serde_json::json!({"code": "key_file_not_trusted", "file": "DG14"}),
        "{}",
        r["chip_authenticity"]
    );
    assert_eq!(
        r["chip_authenticity"]["aa"]["failure"],
        serde_json::json!({"code": "key_file_not_verified", "file": "DG15"}),
        "{}",
        r["chip_authenticity"]
    );
    drop(emulator);
}
