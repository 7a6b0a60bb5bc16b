//! Hostile chips through the binary: `tapid emulate --list-faults` and `tapid read --emulator P
//! --fault NAME` as a user runs them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_test_support::cli;

/// `tapid args` (its verification time pinned): exit code, stdout and stderr.
fn tapid(args: &[&str]) -> (i32, String, String) {
    cli::run_pinned(env!("CARGO_BIN_EXE_tapid"), args)
}

#[test]
fn list_faults_prints_the_catalogue() {
    let (code, out, err) = tapid(&["emulate", "--list-faults", "--json"]);
    assert_eq!(code, 0, "{err}");
    let faults: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(faults.len(), tapid_emulator::Fault::ALL.len());
    assert!(faults.len() >= 30);
    let dg2 = faults
        .iter()
        .find(|f| f["name"] == "dg2-hash-mismatch")
        .unwrap();
    assert_eq!(dg2["layer"], "document");
    assert_eq!(dg2["profile"], "bac");
    assert_eq!(dg2["expected"], "PA invalid; files.DG2.hash mismatch");

    let (code, table, err) = tapid(&["emulate", "--list-faults"]);
    assert_eq!(code, 0, "{err}");
    assert!(table.starts_with("NAME"), "{table}");
    for f in tapid_emulator::Fault::ALL {
        assert!(
            table.lines().any(|l| l.starts_with(&format!("{f} "))),
            "{f} missing"
        );
    }
    // --json alone has nothing to print.
    let (code, _, err) = tapid(&["emulate", "--json"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn read_with_a_dg2_hash_mismatch_is_invalid() {
    let (code, out, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--fault",
        "dg2-hash-mismatch",
        "--json",
    ]);
    assert_eq!(code, 6, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["passive_authentication"]["status"], "invalid");
    assert_eq!(r["files"]["DG2"]["hash"], "mismatch");
    assert_eq!(r["files"]["DG1"]["hash"], "match");
    assert!(err.contains("DG2 hash mismatch"), "{err}");
}

#[test]
fn read_with_a_chip_fault_fails_with_its_error() {
    let (code, out, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--fault",
        "sm-wrong-mac",
        "--json",
    ]);
    // Exit 8: the chip broke the protocol (core/cli/src/exit.rs).
    assert_eq!(code, 8, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("(sm_bad_mac)"), "{err}");

    let (code, _, err) = tapid(&["read", "--emulator", "bac", "--fault", "tag-lost"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("(link_lost)"), "{err}");
}

#[test]
fn unknown_or_inapplicable_faults_are_refused() {
    let (code, _, err) = tapid(&["read", "--emulator", "bac", "--fault", "no-such-fault"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-fault"), "{err}");
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--fault",
        "pace-point-off-curve",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not apply"), "{err}");
}
