//! The test PKI against passive authentication: every signer verifies, and every negative case
//! of the PA issue fails the way it should.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_emulator::pki::{self, DocumentSigner, generate};
use tapid_mrtd::pa::{
    self, CardSecurity, ChainStatus, HashStatus, PaStatus, SignatureStatus, TrustStore,
};

/// 2026-01-01.
const NOW: i64 = 1_767_225_600;

fn dgs() -> Vec<(u8, Vec<u8>)> {
    vec![
        (1, b"\x61\x5b\x5f\x1f\x58P<UTOERIKA".to_vec()),
        (2, vec![0x75; 3000]),
        (14, vec![0x6E, 0x03, 1, 2, 3]),
    ]
}

fn refs(d: &[(u8, Vec<u8>)]) -> Vec<(u8, &[u8])> {
    d.iter().map(|(n, b)| (*n, b.as_slice())).collect()
}

fn csca_folder_store() -> TrustStore {
    let mut t = TrustStore::new();
    let report = t.add_path(&pki::fixtures_dir().join("csca")).unwrap();
    assert_eq!(report.certificates_added, 4);
    t
}

#[test]
fn committed_fixtures_are_what_the_generator_produces() {
    for (rel, bytes) in generate::generate(generate::SEED).unwrap() {
        let committed = std::fs::read(pki::fixtures_dir().join(&rel)).unwrap();
        assert!(
            committed == bytes,
            "{rel} differs from the generator output"
        );
    }
}

#[test]
fn every_signer_verifies_against_the_csca_folder() {
    let trust = csca_folder_store();
    let d = dgs();
    for (name, state) in [
        ("ds-ut-rsa", "UTO"),
        ("ds-ut-ec", "UTO"),
        ("ds-de-ec", "D<<"),
        ("ds-ut-revoked", "UTO"),
        ("ds-se-ec", "SWE"),
    ] {
        let ds = DocumentSigner::load_fixture(name).unwrap();
        let embedded = DocumentSigner::embedded(name).unwrap();
        assert_eq!(ds.certificate().der(), embedded.certificate().der());
        let sod = pki::sign_sod(&ds, &refs(&d)).unwrap();
        assert_eq!(sod[0], 0x77);
        let report = pa::verify(&sod, &refs(&d), None, &trust, Some(state), NOW);
        assert_eq!(report.status, PaStatus::Valid, "{name}: {report:?}");
        assert_eq!(report.files.len(), 3);
        assert!(report.files.values().all(|f| f.hash == HashStatus::Match));
        assert_eq!(report.sod.signing_time, Some(ds.signing_time()));
        // The same with the embedded trust store.
        let embedded_trust = pki::test_trust_store().unwrap();
        assert_eq!(
            pa::verify(&sod, &refs(&d), None, &embedded_trust, Some(state), NOW).status,
            PaStatus::Valid
        );
    }
    assert_eq!(
        DocumentSigner::for_issuing_state("UTO").unwrap().name(),
        "ds-ut-rsa"
    );
    assert_eq!(
        DocumentSigner::for_issuing_state("D").unwrap().name(),
        "ds-de-ec"
    );
    assert_eq!(
        DocumentSigner::for_issuing_state("SWE").unwrap().name(),
        "ds-se-ec"
    );
    assert!(DocumentSigner::for_issuing_state("XXA").is_err());
}

#[test]
fn a_flipped_byte_in_any_data_group_is_a_mismatch_naming_it() {
    let trust = csca_folder_store();
    let ds = DocumentSigner::embedded("ds-ut-ec").unwrap();
    let d = dgs();
    let sod = pki::sign_sod(&ds, &refs(&d)).unwrap();
    for i in 0..d.len() {
        let mut bad = d.clone();
        let mid = bad[i].1.len() / 2;
        bad[i].1[mid] ^= 0x01;
        let report = pa::verify(&sod, &refs(&bad), None, &trust, Some("UTO"), NOW);
        let name = format!("DG{}", bad[i].0);
        assert_eq!(report.status, PaStatus::Invalid);
        assert_eq!(report.files[&name].hash, HashStatus::Mismatch);
        assert!(report.reason.contains(&name), "{}", report.reason);
        assert_eq!(
            report
                .files
                .values()
                .filter(|f| f.hash == HashStatus::Match)
                .count(),
            d.len() - 1
        );
    }
    // A data group the SOD does not list.
    let report = pa::verify(&sod, &[(3, b"extra")], None, &trust, Some("UTO"), NOW);
    assert_eq!(report.files["DG3"].hash, HashStatus::NotInSod);
    assert_eq!(report.status, PaStatus::Invalid);
}

#[test]
fn a_flipped_byte_in_the_signature_is_invalid() {
    let trust = csca_folder_store();
    let d = dgs();
    for name in ["ds-ut-rsa", "ds-ut-ec"] {
        let mut sod = pki::sign_sod(&DocumentSigner::embedded(name).unwrap(), &refs(&d)).unwrap();
        // The signature OCTET STRING is the last element of the SignerInfo: its last byte
        // is the file's last byte.
        let last = sod.len() - 1;
        sod[last] ^= 0x01;
        let report = pa::verify(&sod, &refs(&d), None, &trust, Some("UTO"), NOW);
        assert_eq!(report.sod.signature, SignatureStatus::Invalid, "{name}");
        assert_eq!(report.status, PaStatus::Invalid);
        assert!(report.reason.contains("signature"), "{}", report.reason);
    }
}

#[test]
fn without_the_csca_the_document_is_untrusted() {
    let d = dgs();
    let sod = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    let report = pa::verify(&sod, &refs(&d), None, &TrustStore::new(), Some("UTO"), NOW);
    assert_eq!(report.status, PaStatus::Untrusted);
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.sod.chain, ChainStatus::Untrusted);
    // A CSCA with the right country but another key does not help.
    let mut wrong = TrustStore::new();
    wrong
        .add_path(&pki::fixtures_dir().join("csca/csca-ut-ec.cer"))
        .unwrap();
    assert_eq!(
        pa::verify(&sod, &refs(&d), None, &wrong, Some("UTO"), NOW).status,
        PaStatus::Untrusted
    );
}

#[test]
fn a_revoked_signer_is_invalid_when_the_crl_is_given() {
    let d = dgs();
    let sod = pki::sign_sod(
        &DocumentSigner::embedded("ds-ut-revoked").unwrap(),
        &refs(&d),
    )
    .unwrap();
    let mut trust = csca_folder_store();
    let loaded = trust.add_path(&pki::fixtures_dir().join("crl")).unwrap();
    assert_eq!(loaded.crls_added, 1);
    let report = pa::verify(&sod, &refs(&d), None, &trust, Some("UTO"), NOW);
    assert_eq!(report.status, PaStatus::Invalid);
    assert_eq!(report.sod.chain, ChainStatus::Revoked);
    assert!(report.reason.contains("revoked"), "{}", report.reason);
    // The other signer of the same CSCA is not on the list.
    let ok = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    assert_eq!(
        pa::verify(&ok, &refs(&d), None, &trust, Some("UTO"), NOW).status,
        PaStatus::Valid
    );
}

#[test]
fn signer_country_must_match_the_issuing_state() {
    let trust = csca_folder_store();
    let d = dgs();
    let sod = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    let report = pa::verify(&sod, &refs(&d), None, &trust, Some("D<<"), NOW);
    assert_eq!(report.status, PaStatus::Invalid);
    assert!(
        report.reason.contains("country mismatch"),
        "{}",
        report.reason
    );
}

#[test]
fn card_security_is_signed_and_verified_like_the_sod() {
    let trust = csca_folder_store();
    let ds = DocumentSigner::embedded("ds-de-ec").unwrap();
    // SET { SEQUENCE { OID id-PACE-ECDH-GM-AES-CBC-CMAC-128, INTEGER 2, INTEGER 13 } }
    let infos = hex_literal(b"31143012060a04007f0007020204020202010202010d");
    let cs = pki::sign_card_security(&ds, &infos).unwrap();
    assert_eq!(
        CardSecurity::parse(&cs).unwrap().security_infos(),
        infos.as_slice()
    );
    assert_eq!(
        pa::verify_card_security(&cs, &trust, Some("D"), NOW).status,
        PaStatus::Valid
    );
    let mut bad = cs.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        pa::verify_card_security(&bad, &trust, Some("D"), NOW).status,
        PaStatus::Invalid
    );
    let d = dgs();
    let sod = pki::sign_sod(&ds, &refs(&d)).unwrap();
    let report = pa::verify(&sod, &refs(&d), Some(&bad), &trust, Some("D"), NOW);
    assert_eq!(report.status, PaStatus::Invalid);
    assert!(
        report.reason.contains("EF.CardSecurity"),
        "{}",
        report.reason
    );
}

fn hex_literal(h: &[u8]) -> Vec<u8> {
    h.chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
        .collect()
}
