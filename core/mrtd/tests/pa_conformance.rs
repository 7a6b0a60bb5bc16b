//! Passive authentication against real, public passport data (shared/conformance).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::path::Path;

use tapid_mrtd::pa::{
    self, Certificate, ChainStatus, HashStatus, MasterList, PaStatus, SignatureStatus, Sod,
    TrustStore,
};

/// 2026-01-01: after every DS in the data expired, before the master lists were replaced.
const NOW: i64 = 1_767_225_600;

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
        let root = Certificate::from_der(&common::read(dir, root)).unwrap();
        t.add_master_list(&common::read(dir, ml), Some(&root))
            .unwrap();
    }
    t
}

#[test]
fn master_lists_have_expected_counts_and_chain_to_their_roots() {
    let Some(dir) = common::conformance_dir() else {
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
        let list = MasterList::parse(&common::read(&dir, ml)).unwrap();
        assert_eq!(list.certificates().len(), certs, "{ml}");
        assert_eq!(list.countries().len(), countries, "{ml}");
        assert!(list.skipped().is_empty(), "{ml}: {:?}", list.skipped());
        list.verify_signature().unwrap();
        assert!(list.signer().unwrap().subject().contains(signer));
        let root = Certificate::from_der(&common::read(&dir, root)).unwrap();
        list.verify_signer_chain(&root).unwrap();
    }
    // The DE root does not certify the NL list's signer.
    let nl = MasterList::parse(&common::read(&dir, "masterlists/NL_ML_2026-07-22.ml")).unwrap();
    let de_root =
        Certificate::from_der(&common::read(&dir, "masterlists/DE_ROOT_CA_CSCA07.cer")).unwrap();
    assert_eq!(
        nl.verify_signer_chain(&de_root),
        Err(pa::PaError::MasterListSignerUntrusted)
    );
}

#[test]
fn real_sods_verify_with_de_and_nl_lists() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let mut trust = trust_de_nl(&dir);
    trust.add_path(&dir.join("masterlists/IDN-csca")).unwrap();
    for (file, dgs) in [
        ("DE.sod", vec![1, 2, 3, 14]),
        ("FR.sod", vec![1, 2, 3, 11, 12, 13, 14]),
        ("NZ.sod", vec![1, 2, 12, 13, 14, 15]),
        ("ID.sod", vec![1, 2, 3, 14, 15]),
        ("US.sod", vec![1, 2, 11, 12]),
    ] {
        let bytes = common::read(&dir, &format!("real-sod/{file}"));
        let sod = Sod::parse(&bytes).unwrap();
        assert_eq!(
            sod.dg_hashes().iter().map(|d| d.0).collect::<Vec<_>>(),
            dgs,
            "{file}"
        );
        let report = pa::verify(&bytes, &[], None, &trust, None, NOW);
        assert_eq!(
            report.sod.signature,
            SignatureStatus::Valid,
            "{file}: {report:?}"
        );
        assert_eq!(report.sod.chain, ChainStatus::Trusted, "{file}: {report:?}");
        assert_eq!(report.status, PaStatus::Valid, "{file}: {report:?}");
        assert!(report.sod.csca.is_some());
    }
}

#[test]
fn real_sod_quirks_are_parsed() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let de = Sod::parse(&common::read(&dir, "real-sod/DE.sod")).unwrap();
    assert_eq!(de.version(), 1);
    assert_eq!(de.hash_algorithm(), pa::HashAlgorithm::Sha384);
    assert!(de.lds_version().is_some());
    let id = Sod::parse(&common::read(&dir, "real-sod/ID.sod")).unwrap();
    let si = id.signer_info().unwrap();
    assert!(
        si.signed_attrs
            .as_ref()
            .unwrap()
            .algorithm_protection
            .is_some()
    );
    let nz = common::read(&dir, "real-sod/NZ.sod");
    assert!(
        nz.windows(2).any(|w| w == [0x30, 0x80]),
        "NZ uses indefinite lengths"
    );
    Sod::parse(&nz).unwrap();
}

#[test]
fn indonesian_sod_is_untrusted_without_its_national_csca() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let report = pa::verify(
        &common::read(&dir, "real-sod/ID.sod"),
        &[],
        None,
        &trust,
        None,
        NOW,
    );
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.status, PaStatus::Untrusted, "{report:?}");
}

#[test]
fn german_card_security_verifies_and_exposes_security_infos() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let bytes = common::read(&dir, "real-sod/DE.cardsecurity");
    let cs = pa::CardSecurity::parse(&bytes).unwrap();
    assert_eq!(
        cs.security_infos().first(),
        Some(&0x31),
        "SecurityInfos is a SET"
    );
    let report = pa::verify_card_security(&bytes, &trust, Some("D"), NOW);
    assert_eq!(report.status, PaStatus::Valid, "{report:?}");
    // With the SOD, the combined report carries it too.
    let sod = common::read(&dir, "real-sod/DE.sod");
    let full = pa::verify(&sod, &[], Some(&bytes), &trust, Some("D<<"), NOW);
    assert_eq!(full.status, PaStatus::Valid, "{full:?}");
    assert_eq!(full.card_security.unwrap().status, PaStatus::Valid);
}

#[test]
fn bsi_reference_and_nl_specimen_hashes_match_but_are_untrusted() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let bsi = |f: &str| common::read(&dir, &format!("bsi-tr03105-reference/{f}"));
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
    let report = pa::verify(&bsi("EF_SOD.bin"), &refs, None, &trust, Some("D"), NOW);
    assert_eq!(report.status, PaStatus::Untrusted, "{report:?}");
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.files.len(), 5);
    assert!(
        report.files.values().all(|f| f.hash == HashStatus::Match),
        "{report:?}"
    );

    let nl = |f: &str| common::read(&dir, &format!("nl-specimen-2006/{f}"));
    let (dg1, dg2, dg15) = (nl("ef0101.bin"), nl("ef0102.bin"), nl("ef010F.bin"));
    let report = pa::verify(
        &nl("ef011D.bin"),
        &[(1, &dg1), (2, &dg2), (15, &dg15)],
        None,
        &trust,
        Some("NLD"),
        NOW,
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
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let nl = |f: &str| common::read(&dir, &format!("nl-specimen-2006/{f}"));
    let sod = nl("ef011D.bin");
    let (dg1, mut dg2) = (nl("ef0101.bin"), nl("ef0102.bin"));
    dg2[100] ^= 0x01;
    let report = pa::verify(&sod, &[(1, &dg1), (2, &dg2)], None, &trust, None, NOW);
    assert_eq!(report.status, PaStatus::Invalid);
    assert_eq!(report.files["DG2"].hash, HashStatus::Mismatch);
    assert_eq!(report.files["DG1"].hash, HashStatus::Match);
    assert!(report.reason.contains("DG2"), "{}", report.reason);

    // Last byte of the file is inside the signature value.
    let mut bad = sod.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let report = pa::verify(&bad, &[(1, &dg1)], None, &trust, None, NOW);
    assert_eq!(report.sod.signature, SignatureStatus::Invalid, "{report:?}");
    assert_eq!(report.status, PaStatus::Invalid);
}

#[test]
fn issuing_state_must_match_the_signer_country() {
    let Some(dir) = common::conformance_dir() else {
        return;
    };
    let trust = trust_de_nl(&dir);
    let sod = common::read(&dir, "real-sod/FR.sod");
    assert_eq!(
        pa::verify(&sod, &[], None, &trust, Some("FRA"), NOW).status,
        PaStatus::Valid
    );
    let report = pa::verify(&sod, &[], None, &trust, Some("D<<"), NOW);
    assert_eq!(report.status, PaStatus::Invalid);
    assert!(
        report.reason.contains("country mismatch"),
        "{}",
        report.reason
    );
}
