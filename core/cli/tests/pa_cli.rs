//! `tapid masterlist` and `tapid verify` on the real public data in ../shared/conformance.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::PathBuf;
use std::process::Command;

/// The conformance directory, or `None` (a note is printed) when it is missing and CI does not
/// require it; with `TAPID_REQUIRE_CONFORMANCE=1` a missing directory fails the test.
fn conformance() -> Option<PathBuf> {
    let dir = std::env::var_os("TAPID_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        });
    if dir.join("masterlists").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("TAPID_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
        "conformance data missing at {}",
        dir.display()
    );
    eprintln!(
        "note: conformance data not found at {}; skipped",
        dir.display()
    );
    None
}

/// The verification time, pinned (never the real clock): 2027-01-15, inside the validity of
/// every certificate these SODs and master lists rest on.
const NOW: &str = "1800000000";

fn tapid_json(args: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_tapid"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), value)
}

#[test]
fn master_lists_count_and_chain() {
    let Some(c) = conformance() else { return };
    let ml = c.join("masterlists");
    for (list, root, certs, countries) in [
        (
            "DE_ML_2026-05-28-08-28-45.ml",
            "DE_ROOT_CA_CSCA07.cer",
            588,
            112,
        ),
        ("NL_ML_2026-07-22.ml", "NL_ROOT_CA.cer", 411, 129),
    ] {
        let (code, r) = tapid_json(&[
            "masterlist",
            ml.join(list).to_str().unwrap(),
            "--root",
            ml.join(root).to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(code, 0, "{list}");
        assert_eq!(r["certificates"], certs, "{list}");
        assert_eq!(r["countries"], countries, "{list}");
        assert_eq!(r["signature"], "valid", "{list}");
    }
}

#[test]
fn real_sods_verify_against_the_master_lists() {
    let Some(c) = conformance() else { return };
    let ml = c.join("masterlists");
    let de = ml.join("DE_ML_2026-05-28-08-28-45.ml");
    let nl = ml.join("NL_ML_2026-07-22.ml");
    let idn = ml.join("IDN-csca");
    for sod in ["DE.sod", "FR.sod", "NZ.sod", "ID.sod", "US.sod"] {
        let path = c.join("real-sod").join(sod);
        let (code, r) = tapid_json(&[
            "verify",
            "--sod",
            path.to_str().unwrap(),
            "--trust",
            de.to_str().unwrap(),
            "--trust",
            nl.to_str().unwrap(),
            "--trust",
            idn.to_str().unwrap(),
            "--now",
            NOW,
            "--json",
        ]);
        assert_eq!(r["signature"], "valid", "{sod}: {r}");
        assert_eq!(r["chain"], "trusted", "{sod}: {r}");
        assert_eq!(r["status"], "valid", "{sod}: {r}");
        assert_eq!(code, 0, "{sod}");
    }
}

#[test]
fn bsi_reference_is_untrusted_with_matching_hashes() {
    let Some(c) = conformance() else { return };
    let b = c.join("bsi-tr03105-reference");
    let dg = |n: u8, f: &str| format!("{n}={}", b.join(f).display());
    let (dg1, dg2, dg14) = (
        dg(1, "Datagroup1.bin"),
        dg(2, "Datagroup2.bin"),
        dg(14, "Datagroup14.bin"),
    );
    let ml = c.join("masterlists/DE_ML_2026-05-28-08-28-45.ml");
    let (_, r) = tapid_json(&[
        "verify",
        "--sod",
        b.join("EF_SOD.bin").to_str().unwrap(),
        "--dg",
        &dg1,
        "--dg",
        &dg2,
        "--dg",
        &dg14,
        "--trust",
        ml.to_str().unwrap(),
        "--now",
        NOW,
        "--json",
    ]);
    assert_eq!(r["status"], "untrusted", "{r}");
    assert_eq!(r["signature"], "valid");
    for g in ["DG1", "DG2", "DG14"] {
        assert_eq!(r["files"][g]["hash"], "match", "{g}");
    }
}
