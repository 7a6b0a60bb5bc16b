//! `tapid read --emulator P --json` for every profile, with the MRZ and with the CAN: the access
//! fields match the profile, and passive authentication and chip authenticity are valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::Command;

/// The verification time every read and verification of these tests uses: 2027-01-15,
/// inside every test certificate's validity, so no test depends on the machine's clock.
const PINNED_AT: &str = "1800000000";

/// `args` with `--at PINNED_AT` added to the passport commands that verify (unless given).
fn pinned<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    let verifies = matches!(args.first(), Some(&"read" | &"replay" | &"verify"));
    if verifies && !args.contains(&"--at") && !args.contains(&"--help") {
        out.extend(["--at", PINNED_AT]);
    }
    out
}

fn tapid(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tapid"))
        .args(pinned(args))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

#[test]
fn every_profile_with_mrz_and_can() {
    let (code, profiles, err) = tapid(&["emulate", "--list-profiles", "--json"]);
    assert_eq!(code, 0, "{err}");
    let profiles = profiles.as_array().unwrap().clone();
    assert!(profiles.len() >= 15);
    for p in &profiles {
        let name = p["name"].as_str().unwrap();
        let mut keys = vec![("MRZ", vec![])];
        if let Some(can) = p["can"].as_str() {
            keys.push(("CAN", vec!["--can", can]));
        }
        for (password, extra) in keys {
            let mut args = vec!["read", "--emulator", name, "--json"];
            args.extend(extra);
            let (code, r, err) = tapid(&args);
            assert_eq!(code, 0, "{name} {password}: {err}");
            let a = &r["access"];
            assert_eq!(a["password"], password, "{name}");
            assert_eq!(a["cipher"], p["cipher"], "{name}");
            let protocol = p["protocol"].as_str().unwrap();
            if protocol == "BAC" {
                assert_eq!(a["protocol"], "BAC", "{name}");
            } else {
                assert_eq!(a["protocol"], "PACE", "{name}");
                assert_eq!(
                    format!("PACE-{}", a["mapping"].as_str().unwrap()),
                    protocol,
                    "{name}"
                );
                assert_eq!(a["parameters"], p["parameters"], "{name}");
                let agreement = if p["parameters"].as_str().unwrap().starts_with("DH") {
                    "DH"
                } else {
                    "ECDH"
                };
                assert_eq!(a["agreement"], agreement, "{name}");
            }
            assert_eq!(r["passive_authentication"]["status"], "valid", "{name}");
            assert_eq!(
                r["chip_authenticity"]["status"], "valid",
                "{name}: {}",
                r["chip_authenticity"]
            );
            let method = r["chip_authenticity"]["method"].as_str().unwrap();
            assert!(
                p["chip_authentication"]
                    .as_str()
                    .unwrap()
                    .starts_with(method),
                "{name}: {method}"
            );
        }
    }
}

#[test]
fn wrong_password_is_access_denied_for_a_pace_chip() {
    let (code, _, err) = tapid(&[
        "read",
        "--emulator",
        "pace-gm-bp256-aes128",
        "--can",
        "999999",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("access denied"), "{err}");
}
