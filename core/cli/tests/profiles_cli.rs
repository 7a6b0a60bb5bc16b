//! `tapid read --emulator P --json` for every profile, with the MRZ and with the CAN: the access
//! fields match the profile, and passive authentication and chip authenticity are valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_test_support::cli;

/// `tapid args` (its verification time pinned): exit code, stdout as JSON (`null` when it is
/// none) and stderr.
fn tapid(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, out, err) = cli::run_pinned(env!("CARGO_BIN_EXE_tapid"), args);
    let json = serde_json::from_str(&out).unwrap_or(serde_json::Value::Null);
    (code, json, err)
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
