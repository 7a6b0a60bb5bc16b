//! Passive authentication against real, public passport data (shared/conformance).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::lds::sod::Sod;
use tapid_mrtd::pa::{
    self, Anchoring, Certificate, ChainStatus, DocumentContext, FileKind, HashStatus, MasterList,
    PaError, PaFailure, PaReport, PaStatus, Policy, RevocationStatus, SignatureStatus, TrustStore,
    ValidityModel,
};
use tapid_test_support::conformance::{self, conformance_dir};

/// 2026-01-01: every real DS certificate of the data is valid (its private key usage period
/// has ended), and so is every CSCA that issued one.
const NOW: i64 = 1_767_225_600;
/// 2028-06-01: after the FR (2027-10-18) and NZ (2028-02-12) DS certificates expired.
const LATER: i64 = 1_843_430_400;

fn shell() -> Policy {
    Policy::new(NOW)
}

fn verify(sod: &[u8], dgs: &[(u8, &[u8])], trust: &TrustStore, state: Option<&str>) -> PaReport {
    let doc = DocumentContext {
        issuing_state: state,
        document_code: None,
    };
    pa::verify(sod, dgs, None, trust, doc, &shell())
}

fn trust_de_nl(dir: &Path) -> TrustStore {
    let mut t = TrustStore::new();
    for (ml, root) in [
        (
            "masterlists/DE_ML_2026-05-28-08-28-45.ml",
            "masterlists/DE_ROOT_CA_CSCA07.cer",
        ),
        (
            "masterlists/NL_ML_2026-07-22.ml",
            "masterlists/NL_ROOT_CA.cer",
        ),
    ] {
        let root = Certificate::from_der(&conformance::read(dir, root)).unwrap();
        t.add_master_list(&conformance::read(dir, ml), Some(&root))
            .unwrap();
    }
    t
}

#[test]
fn master_lists_have_expected_counts_and_chain_to_their_roots() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for (ml, root, certs, countries, signer) in [
        (
            "masterlists/DE_ML_2026-05-28-08-28-45.ml",
            "masterlists/DE_ROOT_CA_CSCA07.cer",
            588,
            112,
            "CSCA Master List Signer",
        ),
        (
            "masterlists/NL_ML_2026-07-22.ml",
            "masterlists/NL_ROOT_CA.cer",
            411,
            129,
            "Masterlist Signer NL",
        ),
    ] {
        let list = MasterList::parse(&conformance::read(&dir, ml)).unwrap();
        assert_eq!(list.certificates().len(), certs, "{ml}");
        assert_eq!(list.countries().len(), countries, "{ml}");
        assert!(list.skipped().is_empty(), "{ml}: {:?}", list.skipped());
        list.verify_signature().unwrap();
        assert!(list.signer().unwrap().subject().contains(signer));
        let root = Certificate::from_der(&conformance::read(&dir, root)).unwrap();
        list.verify_signer_chain(&root).unwrap();
    }
    // The DE root does not certify the NL list's signer.
    let nl =
        MasterList::parse(&conformance::read(&dir, "masterlists/NL_ML_2026-07-22.ml")).unwrap();
    let de_root = Certificate::from_der(&conformance::read(
        &dir,
        "masterlists/DE_ROOT_CA_CSCA07.cer",
    ))
    .unwrap();
    assert_eq!(
        nl.verify_signer_chain(&de_root),
        Err(pa::PaError::MasterListSignerUntrusted)
    );
}

fn trust_all(dir: &Path) -> TrustStore {
    let mut trust = trust_de_nl(dir);
    trust.add_path(&dir.join("masterlists/IDN-csca")).unwrap();
    trust
}

#[test]
fn real_sods_verify_with_de_and_nl_lists() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_all(&dir);
    for (file, dgs) in [
        ("DE.sod", vec![1, 2, 3, 14]),
        ("FR.sod", vec![1, 2, 3, 11, 12, 13, 14]),
        ("NZ.sod", vec![1, 2, 12, 13, 14, 15]),
        ("ID.sod", vec![1, 2, 3, 14, 15]),
        ("US.sod", vec![1, 2, 11, 12]),
    ] {
        let bytes = conformance::read(&dir, &format!("real-sod/{file}"));
        let sod = Sod::parse(&bytes).unwrap();
        assert_eq!(
            sod.dg_hashes().iter().map(|d| d.0).collect::<Vec<_>>(),
            dgs,
            "{file}"
        );
        for policy in [Policy::new(NOW), Policy::chain(NOW), Policy::chain(LATER)] {
            let report = pa::verify(&bytes, &[], None, &trust, Default::default(), &policy);
            assert_eq!(
                report.sod.signature,
                SignatureStatus::Valid,
                "{file}: {report:?}"
            );
            assert_eq!(report.sod.chain, ChainStatus::Trusted, "{file}: {report:?}");
            assert_eq!(report.status, PaStatus::Valid, "{file}: {report:?}");
            assert!(report.failures.is_empty(), "{file}: {report:?}");
            assert!(report.sod.csca.is_some());
            assert!(!report.legacy_content_type);
            assert_eq!(report.sod.revocation, RevocationStatus::NotChecked);
            let validity = report.sod.validity.unwrap();
            assert_eq!((validity.model, validity.at), (policy.validity, policy.at));
        }
    }
}

#[test]
fn expired_real_signers_fail_the_shell_model_and_pass_the_chain_model() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_all(&dir);
    for (file, not_after) in [("FR.sod", 1_823_867_771), ("NZ.sod", 1_833_966_000)] {
        let sod = conformance::read(&dir, &format!("real-sod/{file}"));
        let shell = pa::verify(
            &sod,
            &[],
            None,
            &trust,
            Default::default(),
            &Policy::new(LATER),
        );
        assert_eq!(shell.status, PaStatus::Invalid, "{file}: {shell:?}");
        assert_eq!(shell.sod.chain, ChainStatus::Invalid);
        assert_eq!(shell.sod.signature, SignatureStatus::Valid);
        assert_eq!(
            shell.failures,
            vec![PaFailure::SignerExpired {
                not_after,
                at: LATER
            }],
            "{file}"
        );
        assert!(
            shell.reason.contains("signer certificate expired"),
            "{}",
            shell.reason
        );
        assert_eq!(shell.sod.signer_expired_now, Some(true));
        // The chain model checks the DS when it signed: within its private key usage period.
        let chain = pa::verify(
            &sod,
            &[],
            None,
            &trust,
            Default::default(),
            &Policy::chain(LATER),
        );
        assert_eq!(chain.status, PaStatus::Valid, "{file}: {chain:?}");
        let v = chain.sod.validity.unwrap();
        assert_eq!(v.model, ValidityModel::Chain);
        assert!(v.signer_checked_at < not_after);
    }
}

#[test]
fn real_document_type_lists_are_checked_against_the_document_code() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_all(&dir);
    for (file, state) in [
        ("DE.sod", "D"),
        ("ID.sod", "IDN"),
        ("US.sod", "USA"),
        ("FR.sod", "FRA"),
    ] {
        let sod = conformance::read(&dir, &format!("real-sod/{file}"));
        let ok = pa::verify(
            &sod,
            &[],
            None,
            &trust,
            DocumentContext::new(state, "P<"),
            &shell(),
        );
        assert_eq!(ok.status, PaStatus::Valid, "{file}: {ok:?}");
        let visa = pa::verify(
            &sod,
            &[],
            None,
            &trust,
            DocumentContext::new(state, "V<"),
            &shell(),
        );
        assert_eq!(visa.status, PaStatus::Invalid, "{file}");
        assert!(
            matches!(&visa.failures[..], [PaFailure::DocumentTypeNotAllowed { document, allowed }]
                if document == "V<" && allowed.contains(&"P".to_string())),
            "{file}: {:?}",
            visa.failures
        );
    }
}

#[test]
fn unanchored_master_lists_are_refused_unless_allowed() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let de_ml = dir.join("masterlists/DE_ML_2026-05-28-08-28-45.ml");
    let mut t = TrustStore::new();
    let e = t.add_path(&de_ml).unwrap_err();
    assert!(
        matches!(&e, PaError::MasterListUnanchored { signer } if signer.contains("Master List Signer")),
        "{e}"
    );
    assert!(t.is_empty(), "nothing from a refused list is loaded");
    // The German root anchors the German list, not the Dutch one.
    let de_root = Certificate::from_der(&conformance::read(
        &dir,
        "masterlists/DE_ROOT_CA_CSCA07.cer",
    ))
    .unwrap();
    t.add_master_list_root(de_root);
    let loaded = t.add_path(&de_ml).unwrap();
    assert_eq!(loaded.master_lists[0].chain, "anchored");
    assert_eq!(loaded.certificates_added, 588);
    assert!(matches!(
        t.add_path(&dir.join("masterlists/NL_ML_2026-07-22.ml")),
        Err(PaError::MasterListUnanchored { .. })
    ));
    assert_eq!(
        t.anchoring(&t.certificates()[0]),
        Some(Anchoring::AnchoredMasterList)
    );

    // Allowed: loaded, and the verdict names it.
    let mut open = TrustStore::new();
    open.set_allow_unanchored(true);
    let loaded = open.add_path(&de_ml).unwrap();
    assert_eq!(loaded.master_lists[0].chain, "unanchored");
    let sod = conformance::read(&dir, "real-sod/DE.sod");
    let refused = pa::verify(&sod, &[], None, &open, Default::default(), &shell());
    assert_eq!(refused.status, PaStatus::Untrusted, "{refused:?}");
    assert_eq!(refused.sod.chain, ChainStatus::Untrusted);
    assert!(matches!(
        &refused.failures[..],
        [PaFailure::CscaFromUnanchoredList { .. }]
    ));
    let allowed = Policy {
        allow_unanchored: true,
        ..shell()
    };
    let report = pa::verify(&sod, &[], None, &open, Default::default(), &allowed);
    assert_eq!(report.status, PaStatus::Valid, "{report:?}");
    assert_eq!(report.sod.chain, ChainStatus::TrustedUnanchored);
    assert!(report.reason.contains("unanchored"), "{}", report.reason);
    // The same CSCA given directly is an anchor itself.
    let mut direct = open.clone();
    let csca = direct
        .issuer_candidates(Sod::parse(&sod).unwrap().ds_certificate().unwrap())
        .into_iter()
        .find(|c| {
            Sod::parse(&sod)
                .unwrap()
                .ds_certificate()
                .unwrap()
                .verify_signed_by(c)
                .is_ok()
        })
        .cloned()
        .unwrap();
    assert!(!direct.add_certificate(csca.clone()));
    assert_eq!(direct.anchoring(&csca), Some(Anchoring::Direct));
    let report = pa::verify(&sod, &[], None, &direct, Default::default(), &shell());
    assert_eq!(report.sod.chain, ChainStatus::Trusted, "{report:?}");
}

#[test]
fn wrong_files_are_named_for_what_they_are() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let root = conformance::read(&dir, "masterlists/DE_ROOT_CA_CSCA07.cer");
    assert_eq!(pa::identify(&root), FileKind::Certificate);
    let e = MasterList::parse(&root).unwrap_err();
    assert_eq!(
        e,
        PaError::NotAMasterList {
            found: FileKind::Certificate
        }
    );
    assert_eq!(
        e.to_string(),
        "this is an X.509 certificate, not a master list"
    );

    let ml = conformance::read(&dir, "masterlists/NL_ML_2026-07-22.ml");
    let truncated = &ml[..ml.len() / 2];
    assert_eq!(pa::identify(truncated), FileKind::MasterList);
    assert!(matches!(
        MasterList::parse(truncated),
        Err(PaError::DamagedTrustFile {
            kind: "master list",
            ..
        })
    ));
    let mut t = TrustStore::new();
    let e = t.add_bytes("NL.ml", truncated).unwrap_err();
    assert!(
        e.to_string().starts_with("NL.ml is a damaged master list"),
        "{e}"
    );

    let sod = conformance::read(&dir, "real-sod/NZ.sod");
    assert_eq!(pa::identify(&sod), FileKind::Sod);
    let e = t.add_bytes("NZ.sod", &sod).unwrap_err();
    assert!(
        matches!(
            e,
            PaError::NotATrustFile {
                found: FileKind::Sod,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        pa::identify(&conformance::read(&dir, "real-sod/DE.cardsecurity")),
        FileKind::CardSecurity
    );
    assert_eq!(pa::identify(b"hello"), FileKind::Unknown);
    assert!(matches!(
        t.add_bytes("x", b"hello"),
        Err(PaError::UnrecognisedFile(_))
    ));
}

#[test]
fn a_real_report_round_trips_through_json() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let sod = conformance::read(&dir, "real-sod/DE.sod");
    let cs = conformance::read(&dir, "real-sod/DE.cardsecurity");
    let nl = |f: &str| conformance::read(&dir, &format!("nl-specimen-2006/{f}"));
    for report in [
        pa::verify(
            &sod,
            &[],
            Some(&cs),
            &trust,
            DocumentContext::new("D", "P"),
            &shell(),
        ),
        pa::verify(
            &nl("ef011D.bin"),
            &[(1, &nl("ef0101.bin")), (3, b"x")],
            None,
            &trust,
            Default::default(),
            &Policy::chain(NOW),
        ),
        PaReport::failed(PaFailure::SodMissing),
        PaReport::not_performed("no trust store given"),
    ] {
        let json = serde_json::to_string(&report).unwrap();
        let back: PaReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report, "{json}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for key in [
            "status",
            "reason",
            "failures",
            "signature",
            "chain",
            "revocation",
            "files",
            "legacy_content_type",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {json}");
        }
    }
}

#[test]
fn real_sod_quirks_are_parsed() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let de = Sod::parse(&conformance::read(&dir, "real-sod/DE.sod")).unwrap();
    assert_eq!(de.version(), 1);
    assert_eq!(de.hash_algorithm(), pa::HashAlgorithm::Sha384);
    assert!(de.lds_version().is_some());
    let id = Sod::parse(&conformance::read(&dir, "real-sod/ID.sod")).unwrap();
    let si = id.signer_info().unwrap();
    assert!(
        si.signed_attrs
            .as_ref()
            .unwrap()
            .algorithm_protection
            .is_some()
    );
    let nz = conformance::read(&dir, "real-sod/NZ.sod");
    assert!(
        nz.windows(2).any(|w| w == [0x30, 0x80]),
        "NZ uses indefinite lengths"
    );
    Sod::parse(&nz).unwrap();
}

#[test]
fn indonesian_sod_is_untrusted_without_its_national_csca() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let report = verify(
        &conformance::read(&dir, "real-sod/ID.sod"),
        &[],
        &trust,
        None,
    );
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.status, PaStatus::Untrusted, "{report:?}");
    assert!(
        matches!(&report.failures[..], [PaFailure::CscaNotTrusted { issuer }] if issuer.contains("ID")),
        "{:?}",
        report.failures
    );
}

#[test]
fn german_card_security_verifies_and_exposes_security_infos() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let bytes = conformance::read(&dir, "real-sod/DE.cardsecurity");
    let cs = CardSecurity::parse(&bytes).unwrap();
    assert_eq!(
        cs.security_infos().first(),
        Some(&0x31),
        "SecurityInfos is a SET"
    );
    let report = pa::verify_card_security(
        &bytes,
        &trust,
        DocumentContext::issuing_state("D"),
        &shell(),
    );
    assert_eq!(report.status, PaStatus::Valid, "{report:?}");
    // With the SOD, the combined report carries it too.
    let sod = conformance::read(&dir, "real-sod/DE.sod");
    let full = pa::verify(
        &sod,
        &[],
        Some(&bytes),
        &trust,
        DocumentContext::new("D<<", "P<"),
        &shell(),
    );
    assert_eq!(full.status, PaStatus::Valid, "{full:?}");
    assert_eq!(full.card_security.unwrap().status, PaStatus::Valid);
}

#[test]
fn bsi_reference_and_nl_specimen_hashes_match_but_are_untrusted() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let bsi = |f: &str| conformance::read(&dir, &format!("bsi-tr03105-reference/{f}"));
    let dgs: Vec<(u8, Vec<u8>)> = [
        (1, "Datagroup1.bin"),
        (2, "Datagroup2.bin"),
        (3, "Datagroup3.bin"),
        (4, "Datagroup4.bin"),
        (14, "Datagroup14.bin"),
    ]
    .into_iter()
    .map(|(n, f)| (n, bsi(f)))
    .collect();
    let refs: Vec<(u8, &[u8])> = dgs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    // Both DS certificates expired long ago (2014, 2011): invalid under the shell model,
    // untrusted (no CSCA) under the chain model.
    let doc = DocumentContext::issuing_state("D");
    let shell = pa::verify(&bsi("EF_SOD.bin"), &refs, None, &trust, doc, &shell());
    assert_eq!(shell.status, PaStatus::Invalid, "{shell:?}");
    assert!(matches!(
        &shell.failures[..],
        [
            PaFailure::SignerExpired { .. },
            PaFailure::CscaNotTrusted { .. }
        ]
    ));
    let chain = Policy::chain(NOW);
    let report = pa::verify(&bsi("EF_SOD.bin"), &refs, None, &trust, doc, &chain);
    assert_eq!(report.status, PaStatus::Untrusted, "{report:?}");
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.files.len(), 5);
    assert!(
        report.files.values().all(|f| f.hash == HashStatus::Match),
        "{report:?}"
    );

    let nl = |f: &str| conformance::read(&dir, &format!("nl-specimen-2006/{f}"));
    let (dg1, dg2, dg15) = (nl("ef0101.bin"), nl("ef0102.bin"), nl("ef010F.bin"));
    let report = pa::verify(
        &nl("ef011D.bin"),
        &[(1, &dg1), (2, &dg2), (15, &dg15)],
        None,
        &trust,
        DocumentContext::issuing_state("NLD"),
        &chain,
    );
    assert_eq!(report.status, PaStatus::Untrusted, "{report:?}");
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert!(
        report.files.values().all(|f| f.hash == HashStatus::Match),
        "{report:?}"
    );
}

#[test]
fn flipped_bytes_are_caught() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let nl = |f: &str| conformance::read(&dir, &format!("nl-specimen-2006/{f}"));
    let sod = nl("ef011D.bin");
    let (dg1, mut dg2) = (nl("ef0101.bin"), nl("ef0102.bin"));
    dg2[100] ^= 0x01;
    let chain = Policy::chain(NOW);
    let report = pa::verify(
        &sod,
        &[(1, &dg1), (2, &dg2)],
        None,
        &trust,
        Default::default(),
        &chain,
    );
    assert_eq!(report.status, PaStatus::Invalid);
    assert_eq!(report.files["DG2"].hash, HashStatus::Mismatch);
    assert!(report.failures.contains(&PaFailure::HashMismatch { dg: 2 }));
    assert_eq!(report.files["DG1"].hash, HashStatus::Match);
    assert!(report.reason.contains("DG2"), "{}", report.reason);

    // Last byte of the file is inside the signature value.
    let mut bad = sod.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let report = pa::verify(&bad, &[(1, &dg1)], None, &trust, Default::default(), &chain);
    assert_eq!(report.sod.signature, SignatureStatus::Invalid, "{report:?}");
    assert!(report.failures.contains(&PaFailure::SignatureInvalid));
    assert_eq!(report.status, PaStatus::Invalid);
}

#[test]
fn issuing_state_must_match_the_signer_country() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let sod = conformance::read(&dir, "real-sod/FR.sod");
    assert_eq!(
        verify(&sod, &[], &trust, Some("FRA")).status,
        PaStatus::Valid
    );
    let report = verify(&sod, &[], &trust, Some("D<<"));
    assert_eq!(report.status, PaStatus::Invalid);
    assert_eq!(
        report.failures,
        vec![PaFailure::CountryMismatch {
            signer: Some("FR".into()),
            signer_issuer: Some("FR".into()),
            csca: Some("FR".into()),
            document: Some("DE".into()),
        }]
    );
    assert!(
        report.reason.contains("country mismatch"),
        "{}",
        report.reason
    );
}
