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

/// `tapid bench --json`: per selected profile, both extended-length settings (one only for
/// DH-2048, which needs it), with the link model's figures consistent with each other.
#[test]
fn bench_reports_each_selected_profile_with_its_link_figures() {
    let (code, r, err) = tapid(&[
        "bench",
        "--json",
        "--runs",
        "1",
        "--profile",
        "bac",
        "--profile",
        "se-passport-pace",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["runs"], 1);
    assert!(r["build"] == "debug" || r["build"] == "release");
    let reads = r["reads"].as_array().unwrap();
    let seen: Vec<(String, bool)> = reads
        .iter()
        .map(|c| {
            (
                c["profile"].as_str().unwrap().to_owned(),
                c["extended_length"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("bac".to_owned(), true),
            ("bac".to_owned(), false),
            ("se-passport-pace".to_owned(), true),
            ("se-passport-pace".to_owned(), false),
        ]
    );
    for c in reads {
        let apdus = c["apdus"].as_u64().unwrap();
        assert!(c["read_binary"].as_u64().unwrap() < apdus);
        assert!(c["terminal_cpu_ms"].as_f64().unwrap() > 0.0);
        let link = &c["link"];
        let (limit, modelled) = (
            link["link_limit_ms"].as_f64().unwrap(),
            link["modelled_ms"].as_f64().unwrap(),
        );
        assert!(limit > 0.0 && modelled > limit, "{c}");
        assert!((link["ratio"].as_f64().unwrap() - modelled / limit).abs() < 1e-6);
    }
    // Short APDUs need more commands than extended ones for the same files.
    assert!(reads[1]["apdus"].as_u64() > reads[0]["apdus"].as_u64());
    let (code, _, err) = tapid(&["bench", "--profile", "no-such-profile"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-profile"), "{err}");
}
