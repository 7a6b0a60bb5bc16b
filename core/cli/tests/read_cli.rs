//! `tapid read` and `tapid replay` as a user runs them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_test_support::cli;
use tapid_test_support::conformance::test_csca_dir;

/// `tapid args` (its verification time pinned): exit code, stdout and stderr.
fn tapid(args: &[&str]) -> (i32, String, String) {
    cli::run_pinned(env!("CARGO_BIN_EXE_tapid"), args)
}

#[test]
fn read_bac_json_reports_the_specimen() {
    let (code, out, err) = tapid(&["read", "--emulator", "bac", "--json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["access"]["protocol"], "BAC");
    assert_eq!(r["access"]["cipher"], "3DES");
    assert_eq!(r["access"]["password"], "MRZ");
    let d = &r["document"];
    assert_eq!(d["document_code"], "P");
    assert_eq!(d["issuing_state"], "UTO");
    assert_eq!(d["document_number"], "L898902C3");
    assert_eq!(d["primary_identifier"], "ERIKSSON");
    assert_eq!(d["secondary_identifier"], "ANNA MARIA");
    assert_eq!(d["nationality"], "UTO");
    assert_eq!(d["date_of_birth"], "1974-08-12");
    assert_eq!(d["date_of_expiry"], "2012-04-15");
    assert_eq!(d["sex"], "F");
    assert_eq!(d["optional_data"], "ZE184226B");
    assert_eq!(r["files"]["DG1"]["size"], 93);
    assert!(r["files"]["DG2"]["size"].as_u64().unwrap() > 20_000);
    assert_eq!(r["transport"]["extended_length"], true);
    assert!(r["transport"]["apdus"].as_u64().unwrap() < 30);
    // An emulated chip is checked against the emulator's own test CSCAs by default.
    assert_eq!(r["passive_authentication"]["status"], "valid");
    assert_eq!(r["chip_authenticity"]["status"], "valid");
    assert_eq!(r["chip_authenticity"]["method"], "CA");
}

#[test]
fn short_apdus_read_in_223_byte_blocks() {
    let (code, out, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--json",
        "--no-extended-length",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["transport"]["max_read"], 223);
    assert_eq!(r["transport"]["extended_length"], false);
    assert!(r["transport"]["apdus"].as_u64().unwrap() > 90);
}

#[test]
fn wrong_mrz_is_access_denied() {
    let (code, out, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--mrz",
        "L898902C3,740812,120416",
    ]);
    assert_eq!(code, 3);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("access denied"), "{err}");
    assert!(
        !err.contains("L898902C3"),
        "the key must not be echoed: {err}"
    );
}

#[test]
fn bad_arguments_are_rejected_with_one_line() {
    let (code, _, err) = tapid(&["read", "--emulator", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown emulator profile"), "{err}");
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--mrz",
        "L898902C3,741312,120415",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("date of birth"), "{err}");
}

#[test]
fn passive_authentication_with_the_test_pki() {
    let csca = test_csca_dir();
    let (code, out, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--json",
        "--trust",
        csca.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["passive_authentication"]["status"], "valid");
    assert_eq!(r["files"]["DG1"]["hash"], "match");
    assert_eq!(r["files"]["DG2"]["hash"], "match");
}

#[test]
fn recorded_session_replays_to_an_identical_report() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("s.jsonl");
    let out_dir = dir.path().join("out");
    let csca = test_csca_dir();
    for extra in [&[][..], &["--no-extended-length"][..]] {
        let mut args = vec![
            "read",
            "--emulator",
            "bac",
            "--json",
            "--record",
            rec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--trust",
            csca.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, first, err) = tapid(&args);
        assert_eq!(code, 0, "{err}");
        let (code, again, err) = tapid(&["replay", rec.to_str().unwrap(), "--json"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(first, again);
        let (code, human, _) = tapid(&["replay", rec.to_str().unwrap()]);
        assert_eq!(code, 0);
        assert!(human.contains("ANNA MARIA ERIKSSON"));
    }
    for f in ["DG1.bin", "DG2.bin", "EF_SOD.bin", "report.json"] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
    // A tampered transcript no longer replays.
    let text = std::fs::read_to_string(&rec).unwrap().replacen(
        "\"response\":\"9000\"",
        "\"response\":\"6A82\"",
        1,
    );
    std::fs::write(&rec, text).unwrap();
    let (code, _, err) = tapid(&["replay", rec.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
}
