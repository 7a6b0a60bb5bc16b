//! `tapid read --evidence` then `tapid verify --evidence`: what a server does with a phone's
//! bundle, through the binary — the same passive-authentication verdict for every profile, AA
//! re-proved, CA and PACE-CAM "proved on the device", private files written owner-only, and
//! one exit code per outcome.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;
use tapid_test_support::cli;
use tapid_test_support::conformance::test_csca_dir;

/// `tapid args` (its verification time pinned): exit code, stdout and stderr.
fn tapid(args: &[&str]) -> (i32, String, String) {
    cli::run_pinned(env!("CARGO_BIN_EXE_tapid"), args)
}

fn csca() -> String {
    test_csca_dir().display().to_string()
}

fn profiles() -> Vec<String> {
    let (code, out, err) = tapid(&["emulate", "--list-profiles", "--json"]);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn evidence_of_every_profile_reverifies_offline() {
    let dir = tempfile::tempdir().unwrap();
    for name in profiles() {
        let evidence = dir.path().join(format!("{name}.json"));
        let e = evidence.to_str().unwrap();
        let (code, live, err) = tapid(&["read", "--emulator", &name, "--evidence", e, "--json"]);
        assert_eq!(code, 0, "{name}: {err}");
        #[cfg(unix)]
        assert_eq!(mode(&evidence), 0o600, "{name}: the bundle holds the MRZ");
        let (code, offline, err) = tapid(&[
            "verify",
            "--evidence",
            e,
            "--trust",
            &csca(),
            "--at",
            cli::PINNED_AT,
            "--json",
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        let live: serde_json::Value = serde_json::from_str(&live).unwrap();
        let offline: serde_json::Value = serde_json::from_str(&offline).unwrap();
        assert_eq!(
            offline["passive_authentication"]["status"], live["passive_authentication"]["status"],
            "{name}"
        );
        assert_eq!(
            offline["passive_authentication"]["status"], "valid",
            "{name}"
        );
        assert_eq!(offline["files"], live["files"], "{name}");
        assert_eq!(offline["verification"]["source"], "evidence");
        let live_chip = &live["chip_authenticity"];
        let chip = &offline["chip_authenticity"];
        if live_chip["method"] == "AA" {
            assert_eq!(chip["status"], live_chip["status"], "{name}");
        } else if live_chip.get("aa").is_some() {
            assert_eq!(chip["method"], "AA", "{name}");
            assert_eq!(chip["status"], "valid", "{name}");
        } else {
            assert_eq!(chip["status"], "proved_on_device", "{name}");
        }
    }
}

#[test]
fn an_edited_bundle_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let evidence = dir.path().join("e.json");
    let e = evidence.to_str().unwrap();
    let (code, _, err) = tapid(&["read", "--emulator", "pace-ca-aa", "--evidence", e]);
    assert_eq!(code, 0, "{err}");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&evidence).unwrap()).unwrap();
    // Change one byte of DG1 (the holder's MRZ) in the base64.
    let dg1 = bundle["files"]["DG1"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = dg1.chars().collect();
    chars[20] = if chars[20] == 'A' { 'B' } else { 'A' };
    bundle["files"]["DG1"] = serde_json::Value::String(chars.into_iter().collect());
    std::fs::write(&evidence, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let (code, out, err) = tapid(&[
        "verify",
        "--evidence",
        e,
        "--trust",
        &csca(),
        "--at",
        cli::PINNED_AT,
        "--json",
    ]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    // An unparsable DG1 is a malformed input (8); a parsable one fails its hash (6).
    assert!(code == 6 || code == 8, "exit {code}: {err}");
    if code == 6 {
        assert_eq!(r["passive_authentication"]["status"], "invalid");
        assert_eq!(r["files"]["DG1"]["hash"], "mismatch");
    }
}

#[test]
fn a_bundle_that_is_not_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.json");
    std::fs::write(&path, b"{\"format\":\"something-else\"}").unwrap();
    let (code, _, err) = tapid(&[
        "verify",
        "--evidence",
        path.to_str().unwrap(),
        "--trust",
        &csca(),
    ]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("not an evidence bundle"), "{err}");
}

#[test]
fn transcripts_and_raw_files_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("s.jsonl");
    let out = dir.path().join("out");
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--record",
        record.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&record), 0o600);
        assert_eq!(mode(&out.join("DG1.bin")), 0o600);
        assert_eq!(mode(&out.join("report.json")), 0o600);
    }
    let (_, help, _) = tapid(&["read", "--help"]);
    assert!(help.contains("0600"), "{help}");
}

#[test]
fn a_data_group_given_twice_is_a_usage_error() {
    let (code, _, err) = tapid(&["read", "--emulator", "bac", "--dg", "2,2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("twice"), "{err}");
}

#[test]
fn exit_codes_mean_one_thing_each() {
    // PA invalid.
    let (code, _, _) = tapid(&["read", "--emulator", "bac", "--fault", "dg1-hash-mismatch"]);
    assert_eq!(code, 6);
    // PA untrusted.
    let (code, _, _) = tapid(&["read", "--emulator", "bac", "--fault", "sod-untrusted-csca"]);
    assert_eq!(code, 5);
    // A clone.
    let (code, _, _) = tapid(&["read", "--emulator", "bac", "--fault", "ca-clone"]);
    assert_eq!(code, 7);
    // The review's clone: DG14 then DG3, a bare 6982 after CA.
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--dg",
        "14,3",
        "--read-unlisted",
        "--fault",
        "ca-clone-plain-6982",
    ]);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("chip authenticity invalid"), "{err}");
    // Access denied.
    let (code, _, _) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--mrz",
        "L898902C3,740812,120416",
    ]);
    assert_eq!(code, 3);
    // A lost link.
    let (code, _, _) = tapid(&["read", "--emulator", "bac", "--fault", "tag-lost"]);
    assert_eq!(code, 4);
    // A chip that breaks the protocol.
    let (code, _, _) = tapid(&["read", "--emulator", "bac", "--fault", "sm-wrong-mac"]);
    assert_eq!(code, 8);
    // A mistyped command is clap's usage code, and nothing else is.
    let (code, _, _) = tapid(&["read", "--emulatr", "bac"]);
    assert_eq!(code, 2);
    // A replay that does not match its transcript.
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("s.jsonl");
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "bac",
        "--record",
        record.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = tapid(&[
        "replay",
        record.to_str().unwrap(),
        "--mrz",
        "L898902C3,740812,120416",
    ]);
    assert_eq!(code, 9, "{err}");
}
