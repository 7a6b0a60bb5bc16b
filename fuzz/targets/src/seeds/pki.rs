//! The test PKI: the committed CSCA and Document Signer certificates (DER and PEM) and CRL of
//! `fixtures/pki`, the Document Signers inside the profiles' EF.SODs, and certificates, CRLs
//! and master lists issued at run time by `tapid_emulator::pki::special`.

use std::path::Path;

use base64::Engine as _;
use tapid_emulator::Profile;
use tapid_emulator::pki::cert::CertProfile;
use tapid_emulator::pki::special::{self, CertOptions, TestCsca};
use tapid_mrtd::lds::ElementaryFile;
use tapid_mrtd::lds::sod::Sod;

use super::{Corpus, SeedError};

/// 2023-11-14: the start of the run-time certificates' validity.
const NOT_BEFORE: i64 = 1_700_000_000;
/// 2039-09-18: its end (both around [`crate::AT`]).
const NOT_AFTER: i64 = 2_200_000_000;

/// The files of `dir` ending in `.ext`, sorted by name.
fn files(dir: &Path, ext: &str) -> Result<Vec<(String, Vec<u8>)>, SeedError> {
    let io = |e: std::io::Error| SeedError::Io {
        path: dir.display().to_string(),
        detail: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == ext) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, std::fs::read(&path).map_err(io)?));
        }
    }
    out.sort();
    Ok(out)
}

/// A DER certificate as a PEM block (what trust files hold).
pub fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out.into_bytes()
}

/// A run-time CSCA, a master list signer it certifies, and a master list of `certificates`
/// signed by it.
fn master_list(certificates: &[&[u8]]) -> Result<(TestCsca, Vec<u8>), SeedError> {
    let root = TestCsca::new(
        "tapid-fuzz list root",
        "UT",
        "CSCA Utopia fuzz root",
        NOT_BEFORE,
        NOT_AFTER,
    )?;
    let subject = special::simple_name("UT", "tapid test", "Master List Signer fuzz");
    let profile = CertProfile {
        serial: 50,
        subject: &subject,
        not_before: NOT_BEFORE,
        not_after: NOT_AFTER,
        is_ca: false,
    };
    let signer = root.issue_signer(
        "tapid-fuzz list signer",
        &profile,
        &CertOptions::document_signer(),
    )?;
    let list = special::master_list(&signer, certificates)?;
    Ok((root, list))
}

/// Certificates (`certificate`), CRLs (`crl`) and master lists (`master_list`), with
/// near-misses.
///
/// # Errors
/// When `fixtures/pki` cannot be read or the test PKI cannot issue.
pub fn seeds(profiles: &[Profile], corpus: &mut Corpus) -> Result<(), SeedError> {
    let dir = tapid_emulator::pki::fixtures_dir();
    let mut cscas = Vec::new();
    for sub in ["csca", "ds"] {
        for (name, der) in files(&dir.join(sub), "cer")? {
            let label = format!("fixtures/pki/{sub}/{name}");
            corpus.genuine(
                "certificate",
                format!("{label} as PEM"),
                pem("CERTIFICATE", &der),
            );
            corpus.with_near_misses("certificate", &label, der.clone());
            corpus.genuine("tlv", label, der.clone());
            if sub == "csca" {
                cscas.push(der);
            }
        }
    }
    for profile in profiles {
        let Some(sod) = profile.files.get(ElementaryFile::Sod) else {
            continue;
        };
        if let Ok(ds) = Sod::parse(sod).and_then(|s| s.ds_certificate().map(|c| c.der().to_vec())) {
            corpus.genuine(
                "certificate",
                format!("profile {} Document Signer", profile.name),
                ds,
            );
        }
    }
    for (name, der) in files(&dir.join("crl"), "crl")? {
        let label = format!("fixtures/pki/crl/{name}");
        corpus.with_near_misses("crl", &label, der.clone());
        // The trust-file loader takes CRLs too, DER or PEM (no certificate: rejected).
        corpus.genuine(
            "certificate",
            format!("{label} as PEM"),
            pem("X509 CRL", &der),
        );
        corpus.genuine("certificate", format!("{label} as a trust file"), der);
    }
    let csca = TestCsca::new(
        "tapid-fuzz csca",
        "UT",
        "CSCA Utopia fuzz",
        NOT_BEFORE,
        NOT_AFTER,
    )?;
    corpus.with_near_misses("certificate", "run-time P-256 CSCA", csca.cert.clone());
    for (label, revoked) in [
        ("no serial", &[][..]),
        ("serials 1, 0x68, 2^40", &[1, 0x68, 1 << 40]),
    ] {
        let crl = csca.crl(NOT_BEFORE, NOT_AFTER, revoked)?;
        corpus.with_near_misses("crl", &format!("run-time CRL, {label}"), crl);
    }
    let refs: Vec<&[u8]> = cscas.iter().map(Vec::as_slice).collect();
    let (root, list) = master_list(&refs)?;
    corpus.with_near_misses(
        "master_list",
        "master list of the fixture CSCAs",
        list.clone(),
    );
    corpus.genuine("certificate", "master list as a trust file", list.clone());
    corpus.genuine("tlv", "master list of the fixture CSCAs", list);
    corpus.genuine(
        "certificate",
        "run-time master list root",
        root.cert.clone(),
    );
    let (_, single) = master_list(&[&csca.cert])?;
    corpus.with_near_misses("master_list", "master list of one run-time CSCA", single);
    let (_, empty) = master_list(&[])?;
    corpus.genuine("master_list", "empty master list", empty);
    Ok(())
}
