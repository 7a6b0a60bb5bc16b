//! `tapid masterlist` and `tapid verify` on the real public data in ../shared/conformance.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;
use std::process::Command;

use tapid_mrtd::pa::PaReport;
use tapid_test_support::cli;
use tapid_test_support::conformance::conformance_dir;

/// 2026-01-01: every real DS certificate of the conformance data is valid.
const AT: &str = "2026-01-01";

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

/// Exit code, stdout and stderr.
fn tapid(args: &[&str]) -> (i32, String, String) {
    cli::run(env!("CARGO_BIN_EXE_tapid"), args)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The anchored trust arguments: both master lists with their roots, and the Indonesian CSCAs.
fn trust_args(c: &Path) -> Vec<String> {
    let ml = c.join("masterlists");
    [
        ("--trust", "DE_ML_2026-05-28-08-28-45.ml"),
        ("--trust-root", "DE_ROOT_CA_CSCA07.cer"),
        ("--trust", "NL_ML_2026-07-22.ml"),
        ("--trust-root", "NL_ROOT_CA.cer"),
        ("--trust", "IDN-csca"),
    ]
    .iter()
    .flat_map(|(flag, f)| [flag.to_string(), ml.join(f).display().to_string()])
    .collect()
}

#[test]
fn master_lists_count_and_chain() {
    let Some(c) = conformance_dir() else { return };
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
fn real_sods_verify_against_the_anchored_master_lists() {
    let Some(c) = conformance_dir() else { return };
    let trust = trust_args(&c);
    for sod in ["DE.sod", "FR.sod", "NZ.sod", "ID.sod", "US.sod"] {
        let path = c.join("real-sod").join(sod);
        for validity in ["shell", "chain"] {
            let mut args = vec!["verify", "--sod", s(&path), "--json", "--at", AT];
            args.extend(["--validity", validity]);
            args.extend(trust.iter().map(String::as_str));
            let (code, r) = tapid_json(&args);
            assert_eq!(r["signature"], "valid", "{sod}: {r}");
            assert_eq!(r["chain"], "trusted", "{sod}: {r}");
            assert_eq!(r["status"], "valid", "{sod}: {r}");
            assert_eq!(r["validity"]["model"], validity, "{sod}: {r}");
            assert_eq!(r["validity"]["at"], 1_767_225_600, "{sod}: {r}");
            assert_eq!(r["revocation"], "not_checked");
            assert_eq!(code, 0, "{sod}");
            // The JSON is the library's report type, round-tripping unchanged.
            let report: PaReport = serde_json::from_value(r.clone()).unwrap();
            assert_eq!(serde_json::to_value(&report).unwrap(), r);
        }
    }
}

#[test]
fn an_expired_signer_is_invalid_now_and_valid_under_the_chain_model() {
    let Some(c) = conformance_dir() else { return };
    let fr = c.join("real-sod/FR.sod");
    let trust = trust_args(&c);
    let run = |validity: &str| {
        let mut args = vec![
            "verify",
            "--sod",
            s(&fr),
            "--json",
            "--at",
            "2028-06-01T00:00:00Z",
        ];
        args.extend(["--validity", validity]);
        args.extend(trust.iter().map(String::as_str));
        tapid_json(&args)
    };
    let (code, r) = run("shell");
    assert_eq!((code, &r["status"]), (6, &"invalid".into()), "{r}");
    assert_eq!(r["failures"][0]["code"], "signer_expired", "{r}");
    assert_eq!(r["signature"], "valid");
    let (code, r) = run("chain");
    assert_eq!((code, &r["status"]), (0, &"valid".into()), "{r}");
}

#[test]
fn master_lists_are_trusted_only_when_anchored() {
    let Some(c) = conformance_dir() else { return };
    let ml = c.join("masterlists");
    let de = ml.join("DE_ML_2026-05-28-08-28-45.ml");
    let fr = c.join("real-sod/FR.sod");
    // No root: refused (unusable trust input).
    let (code, out, err) = tapid(&["verify", "--sod", s(&fr), "--trust", s(&de), "--at", AT]);
    assert_eq!(code, 10, "{out}{err}");
    assert!(err.contains("not anchored"), "{err}");
    assert!(err.contains("--trust-root CERT"), "{err}");
    // The wrong root anchors nothing.
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&fr),
        "--trust",
        s(&de),
        "--trust-root",
        s(&ml.join("NL_ROOT_CA.cer")),
        "--at",
        AT,
    ]);
    assert_eq!(code, 10, "{err}");
    assert!(
        err.contains("none of the --trust-root certificates certifies its signer"),
        "{err}"
    );
    // Allowed: loaded, and the verdict names it.
    let (code, r) = tapid_json(&[
        "verify",
        "--sod",
        s(&fr),
        "--trust",
        s(&de),
        "--allow-unanchored",
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["status"], "valid");
    assert_eq!(r["chain"], "trusted_unanchored", "{r}");
    // Single CSCA certificates given with --trust are anchors themselves.
    let (code, r) = tapid_json(&[
        "verify",
        "--sod",
        s(&c.join("real-sod/ID.sod")),
        "--trust",
        s(&ml.join("IDN-csca")),
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(r["chain"], "trusted", "{r}");
    assert_eq!(code, 0);
}

#[test]
fn bsi_reference_is_untrusted_with_matching_hashes() {
    let Some(c) = conformance_dir() else { return };
    let b = c.join("bsi-tr03105-reference");
    let dg = |n: u8, f: &str| format!("{n}={}", b.join(f).display());
    let (dg1, dg2, dg14) = (
        dg(1, "Datagroup1.bin"),
        dg(2, "Datagroup2.bin"),
        dg(14, "Datagroup14.bin"),
    );
    let sod = b.join("EF_SOD.bin");
    let run = |validity: &str| {
        let mut args = vec![
            "verify",
            "--sod",
            s(&sod),
            "--dg",
            &dg1,
            "--dg",
            &dg2,
            "--dg",
            &dg14,
            "--json",
            "--at",
            AT,
            "--validity",
            validity,
        ];
        let trust = trust_args(&c);
        args.extend(trust.iter().map(String::as_str));
        tapid_json(&args)
    };
    // Its DS expired in 2014: invalid now.
    let (code, r) = run("shell");
    assert_eq!((code, &r["status"]), (6, &"invalid".into()), "{r}");
    // Under the chain model it is only untrusted: its CSCA is in no list.
    let (code, r) = run("chain");
    assert_eq!(r["status"], "untrusted", "{r}");
    assert_eq!(code, 5);
    assert_eq!(r["signature"], "valid");
    for g in ["DG1", "DG2", "DG14"] {
        assert_eq!(r["files"][g]["hash"], "match", "{g}");
    }
}

#[test]
fn messages_name_the_real_cause() {
    let Some(c) = conformance_dir() else { return };
    let ml = c.join("masterlists");
    // A certificate is not a master list.
    let (code, _, err) = tapid(&["masterlist", s(&ml.join("DE_ROOT_CA_CSCA07.cer"))]);
    assert_eq!(code, 8);
    assert!(
        err.contains("is an X.509 certificate, not a master list"),
        "{err}"
    );
    // A wrong --root fails the chain, not the signature.
    let (code, r) = tapid_json(&[
        "masterlist",
        s(&ml.join("NL_ML_2026-07-22.ml")),
        "--root",
        s(&ml.join("DE_ROOT_CA_CSCA07.cer")),
        "--json",
    ]);
    assert_eq!(r["signature"], "valid", "{r}");
    assert_eq!(r["signer_chain"], "invalid", "{r}");
    assert_eq!(code, 5);
    // A truncated master list is a damaged master list.
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(ml.join("NL_ML_2026-07-22.ml")).unwrap();
    let cut = dir.path().join("cut.ml");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&c.join("real-sod/FR.sod")),
        "--trust",
        s(&cut),
        "--trust-root",
        s(&ml.join("NL_ROOT_CA.cer")),
    ]);
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("is a damaged master list"), "{err}");
    let (code, _, err) = tapid(&["masterlist", s(&cut)]);
    assert_eq!(code, 8);
    assert!(err.contains("damaged master list"), "{err}");
    // A flipped byte in the list's signature: the signature is invalid (the chain holds).
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let flipped_path = dir.path().join("flipped.ml");
    std::fs::write(&flipped_path, &flipped).unwrap();
    let (code, r) = tapid_json(&[
        "masterlist",
        s(&flipped_path),
        "--root",
        s(&ml.join("NL_ROOT_CA.cer")),
        "--json",
    ]);
    assert_eq!((code, &r["signature"]), (6, &"invalid".into()), "{r}");
    assert_eq!(r["signer_chain"], "valid", "{r}");
    // An EF.SOD that is not one is a malformed input.
    let junk = dir.path().join("junk.sod");
    std::fs::write(&junk, b"\x77\x03\x30\x01\x00").unwrap();
    let (code, r) = tapid_json(&[
        "verify",
        "--sod",
        s(&junk),
        "--trust",
        s(&ml.join("IDN-csca")),
        "--json",
    ]);
    assert_eq!(code, 8, "{r}");
    assert_eq!(r["failures"][0]["code"], "sod_malformed", "{r}");
    assert_eq!(r["signature"], "not_checked", "{r}");
    // An EF.SOD given as a trust anchor.
    let sod = c.join("real-sod/FR.sod");
    let (code, _, err) = tapid(&["verify", "--sod", s(&sod), "--trust", s(&sod)]);
    assert_eq!(code, 10);
    assert!(err.contains("is an EF.SOD"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_duplicate_data_groups_are_refused() {
    let Some(c) = conformance_dir() else { return };
    let n = c.join("nl-specimen-2006");
    let trust = c.join("masterlists/IDN-csca");
    let (code, out, err) = tapid(&[
        "verify",
        "--sod",
        s(&n.join("ef011D.bin")),
        "--dg",
        &format!("1={}", n.join("ef0101.bin").display()),
        "--dg",
        &format!("1={}", n.join("ef0102.bin").display()),
        "--trust",
        s(&trust),
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "no verdict for contradictory input: {out}");
    assert!(err.contains("--dg 1 is given more than once"), "{err}");
    for bad in [
        vec!["verify", "--sod", "x", "--trust", "y", "--at", "yesterday"],
        vec![
            "verify",
            "--sod",
            "x",
            "--trust",
            "y",
            "--validity",
            "sometimes",
        ],
        vec!["verify", "--sod", "x"],
        vec!["verify", "--bogus"],
    ] {
        let (code, _, err) = tapid(&bad);
        assert_eq!(code, 2, "{bad:?}: {err}");
    }
    let (code, _, err) = tapid(&["verify", "--sod", "/nonexistent", "--trust", s(&trust)]);
    assert_eq!(code, 10, "{err}");
    assert!(
        tapid(&["verify", "--help"])
            .1
            .contains("10  unusable trust")
    );
}

#[test]
fn a_crl_that_does_not_verify_is_an_unusable_trust_input() {
    use tapid_emulator::pki::special::{SodOptions, TestCsca, sign_sod_with};
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // A run-time CSCA and a Document Signer of the committed test PKI are not needed: the
    // CRL is checked when the trust store is loaded.
    let (from, to) = (1_704_067_200, 2_208_988_800);
    let csca = TestCsca::new("cli CSCA", "UT", "CSCA Utopia cli", from, to).unwrap();
    let forger = TestCsca::new("cli forger", "UT", "CSCA Utopia cli", from, to).unwrap();
    let csca_path = write("csca.cer", &csca.cert);
    let good = write("good.crl", &csca.crl(from, to, &[]).unwrap());
    let forged = write("forged.crl", &forger.crl(from, to, &[]).unwrap());
    let ds = tapid_emulator::pki::DocumentSigner::embedded("ds-ut-ec").unwrap();
    let sod = write(
        "sod.bin",
        &sign_sod_with(&ds, &[(1, b"x")], &SodOptions::default()).unwrap(),
    );
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&sod),
        "--trust",
        s(&csca_path),
        "--trust",
        s(&forged),
        "--at",
        AT,
    ]);
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("does not verify"), "{err}");
    // The genuine CRL loads (the SOD's own CSCA is not in the store: untrusted).
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&sod),
        "--trust",
        s(&csca_path),
        "--trust",
        s(&good),
        "--at",
        AT,
    ]);
    assert_eq!(code, 5, "{err}");

    // In a folder, a certificate that does not decode and a file that is no trust file are
    // skipped and noted (fewer anchors fail closed); a CRL that does not verify is not.
    let folder = dir.path().join("anchors");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&csca_path, folder.join("csca.cer")).unwrap();
    std::fs::write(folder.join("cut.cer"), &csca.cert[..csca.cert.len() - 20]).unwrap();
    std::fs::write(folder.join("README.txt"), b"anchors for the test").unwrap();
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&sod),
        "--trust",
        s(&folder),
        "--at",
        AT,
    ]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("skipped") && err.contains("damaged certificate"),
        "{err}"
    );
    std::fs::copy(&forged, folder.join("forged.crl")).unwrap();
    let (code, _, err) = tapid(&[
        "verify",
        "--sod",
        s(&sod),
        "--trust",
        s(&folder),
        "--at",
        AT,
    ]);
    assert_eq!(code, 10, "{err}");
}
