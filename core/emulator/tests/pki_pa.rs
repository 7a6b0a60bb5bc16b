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
use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::pa::{
    self, ChainStatus, DocumentContext, HashStatus, PaFailure, PaReport, PaStatus, Policy,
    SignatureStatus, TrustStore,
};

/// 2026-01-01.
const NOW: i64 = 1_767_225_600;

/// `pa::verify` under the default (shell) policy at [`NOW`], with DG1's issuing state.
fn verify(
    sod: &[u8],
    dgs: &[(u8, &[u8])],
    card_security: Option<&[u8]>,
    trust: &TrustStore,
    state: &str,
) -> PaReport {
    pa::verify(
        sod,
        dgs,
        card_security,
        trust,
        DocumentContext::issuing_state(state),
        &Policy::new(NOW),
    )
}

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
        let report = verify(&sod, &refs(&d), None, &trust, state);
        assert_eq!(report.status, PaStatus::Valid, "{name}: {report:?}");
        assert_eq!(report.files.len(), 3);
        assert!(report.files.values().all(|f| f.hash == HashStatus::Match));
        assert_eq!(report.sod.signing_time, Some(ds.signing_time()));
        // The same with the embedded trust store.
        let embedded_trust = pki::test_trust_store().unwrap();
        assert_eq!(
            verify(&sod, &refs(&d), None, &embedded_trust, state).status,
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
        let report = verify(&sod, &refs(&bad), None, &trust, "UTO");
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
    let report = verify(&sod, &[(3, b"extra")], None, &trust, "UTO");
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
        let report = verify(&sod, &refs(&d), None, &trust, "UTO");
        assert_eq!(report.sod.signature, SignatureStatus::Invalid, "{name}");
        assert_eq!(report.status, PaStatus::Invalid);
        assert!(report.reason.contains("signature"), "{}", report.reason);
    }
}

#[test]
fn without_the_csca_the_document_is_untrusted() {
    let d = dgs();
    let sod = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    let report = verify(&sod, &refs(&d), None, &TrustStore::new(), "UTO");
    assert_eq!(report.status, PaStatus::Untrusted);
    assert_eq!(report.sod.signature, SignatureStatus::Valid);
    assert_eq!(report.sod.chain, ChainStatus::Untrusted);
    // A CSCA with the right country but another key does not help.
    let mut wrong = TrustStore::new();
    wrong
        .add_path(&pki::fixtures_dir().join("csca/csca-ut-ec.cer"))
        .unwrap();
    assert_eq!(
        verify(&sod, &refs(&d), None, &wrong, "UTO").status,
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
    let report = verify(&sod, &refs(&d), None, &trust, "UTO");
    assert_eq!(report.status, PaStatus::Invalid);
    assert_eq!(report.sod.chain, ChainStatus::Revoked);
    assert!(report.reason.contains("revoked"), "{}", report.reason);
    // The other signer of the same CSCA is not on the list.
    let ok = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    assert_eq!(
        verify(&ok, &refs(&d), None, &trust, "UTO").status,
        PaStatus::Valid
    );
}

#[test]
fn signer_country_must_match_the_issuing_state() {
    let trust = csca_folder_store();
    let d = dgs();
    let sod = pki::sign_sod(&DocumentSigner::embedded("ds-ut-rsa").unwrap(), &refs(&d)).unwrap();
    let report = verify(&sod, &refs(&d), None, &trust, "D<<");
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
        pa::verify_card_security(
            &cs,
            &trust,
            DocumentContext::issuing_state("D"),
            &Policy::new(NOW)
        )
        .status,
        PaStatus::Valid
    );
    let mut bad = cs.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        pa::verify_card_security(
            &bad,
            &trust,
            DocumentContext::issuing_state("D"),
            &Policy::new(NOW)
        )
        .status,
        PaStatus::Invalid
    );
    let d = dgs();
    let sod = pki::sign_sod(&ds, &refs(&d)).unwrap();
    let report = verify(&sod, &refs(&d), Some(&bad), &trust, "D");
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

// ---- the trust policy, with a PKI made at run time -------------------------------------

mod policy {
    use super::*;
    use tapid_emulator::pki::cert::CertProfile;
    use tapid_emulator::pki::special::{
        self, CertOptions, SignerIdForm, SigningTimeAttr, SodOptions, TestCsca, sign_sod_with,
    };
    use tapid_mrtd::oid;
    use tapid_mrtd::pa::{
        Anchoring, CertificateRole, KeyUsageBit, PaError, RevocationStatus, SigningTimeSource,
        ValidityModel,
    };

    const DAY: i64 = 86_400;
    /// 2024-01-01.
    const T2024: i64 = 1_704_067_200;
    /// 2030-01-01.
    const T2030: i64 = 1_893_456_000;
    /// 2040-01-01.
    const T2040: i64 = 2_208_988_800;

    fn csca() -> TestCsca {
        TestCsca::new("policy CSCA", "UT", "CSCA Utopia policy", T2024, T2040).unwrap()
    }

    fn store(csca: &TestCsca) -> TrustStore {
        let mut t = TrustStore::new();
        t.add_certificate(csca.certificate().unwrap());
        t
    }

    /// A Document Signer of `csca`, named `C=UT, O=tapid test, CN=cn`.
    fn signer(
        csca: &TestCsca,
        cn: &str,
        serial: u64,
        not_before: i64,
        not_after: i64,
        options: &CertOptions,
    ) -> DocumentSigner {
        let subject = special::simple_name("UT", "tapid test", cn);
        let profile = CertProfile {
            serial,
            subject: &subject,
            not_before,
            not_after,
            is_ca: false,
        };
        csca.issue_signer(cn, &profile, options).unwrap()
    }

    fn ds(csca: &TestCsca) -> DocumentSigner {
        signer(
            csca,
            "DS policy",
            7,
            T2024,
            T2040,
            &CertOptions::document_signer(),
        )
    }

    fn run(sod: &[u8], trust: &TrustStore, policy: &Policy) -> PaReport {
        let d = dgs();
        pa::verify(
            sod,
            &refs(&d),
            None,
            trust,
            DocumentContext::new("UTO", "P<"),
            policy,
        )
    }

    fn sod(ds: &DocumentSigner, options: &SodOptions) -> Vec<u8> {
        sign_sod_with(ds, &refs(&dgs()), options).unwrap()
    }

    #[test]
    fn a_signer_named_with_reordered_issuer_attributes_is_found_and_checked() {
        let ca = csca();
        let ds = ds(&ca);
        // The certificate's issuer is C, O, CN; the SignerInfo says CN, O, C (and in
        // another case and spacing).
        let reordered = special::name(&[
            (&oid::COMMON_NAME, "csca  utopia POLICY"),
            (&oid::ORGANIZATION_NAME, "tapid test"),
            (&oid::COUNTRY_NAME, "UT"),
        ]);
        assert_ne!(reordered, ca.name);
        let sod = sod(
            &ds,
            &SodOptions {
                signer_id: SignerIdForm::IssuerSerialNamed(reordered),
                ..SodOptions::default()
            },
        );
        let report = run(&sod, &store(&ca), &Policy::new(NOW));
        assert_eq!(report.status, PaStatus::Valid, "{}", report.reason);
        assert_eq!(report.sod.signature, SignatureStatus::Valid);
        assert_eq!(report.sod.chain, ChainStatus::Trusted);
        // By subjectKeyIdentifier as well.
        let by_ski = sign_sod_with(
            &ds,
            &refs(&dgs()),
            &SodOptions {
                signer_id: SignerIdForm::SubjectKeyId,
                ..SodOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            run(&by_ski, &store(&ca), &Policy::new(NOW)).status,
            PaStatus::Valid
        );
        // A flipped signature byte under the reordered name is checked, and invalid.
        let mut bad = sod.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let report = run(&bad, &store(&ca), &Policy::new(NOW));
        assert_eq!(report.sod.signature, SignatureStatus::Invalid);
        assert_eq!(report.failures, vec![PaFailure::SignatureInvalid]);
    }

    #[test]
    fn a_missing_signer_certificate_leaves_the_signature_not_checked() {
        let ca = csca();
        let ds = ds(&ca);
        let other = special::simple_name("UT", "tapid test", "another CSCA");
        let sod = sod(
            &ds,
            &SodOptions {
                signer_id: SignerIdForm::IssuerSerialNamed(other),
                ..SodOptions::default()
            },
        );
        let report = run(&sod, &store(&ca), &Policy::new(NOW));
        assert_eq!(report.sod.signature, SignatureStatus::NotChecked);
        assert_eq!(report.sod.chain, ChainStatus::NotChecked);
        assert_eq!(report.failures, vec![PaFailure::SignerNotFound]);
        assert_eq!(report.status, PaStatus::Invalid);
        assert!(report.reason.contains("not checked"), "{}", report.reason);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["signature"], "not_checked");
        assert_eq!(json["failures"][0]["code"], "signer_not_found");
    }

    #[test]
    fn id_data_is_accepted_and_flagged_by_default_and_refused_by_a_strict_policy() {
        let ca = csca();
        let sod = sod(
            &ds(&ca),
            &SodOptions {
                content_type: oid::ID_DATA,
                ..SodOptions::default()
            },
        );
        let report = run(&sod, &store(&ca), &Policy::new(NOW));
        assert_eq!(report.status, PaStatus::Valid, "{}", report.reason);
        assert!(report.legacy_content_type);
        assert_eq!(report.sod.signature, SignatureStatus::Valid);
        let strict = Policy {
            allow_legacy_content_type: false,
            ..Policy::new(NOW)
        };
        let report = run(&sod, &store(&ca), &strict);
        assert_eq!(report.status, PaStatus::Invalid);
        assert!(report.legacy_content_type);
        assert_eq!(report.failures, vec![PaFailure::LegacyContentType]);
        assert_eq!(
            serde_json::to_value(&report).unwrap()["legacy_content_type"],
            true
        );
        // The regular content type is not flagged.
        let regular = run(
            &super::policy::sod(&ds(&ca), &SodOptions::default()),
            &store(&ca),
            &strict,
        );
        assert!(!regular.legacy_content_type);
    }

    #[test]
    fn an_expired_ds_fails_the_shell_model_and_passes_the_chain_model_when_it_signed_in_time() {
        let ca = csca();
        // Valid for 90 days from 2024-01-01, signed on day 1.
        let ds = signer(
            &ca,
            "DS short",
            8,
            T2024,
            T2024 + 90 * DAY,
            &CertOptions::document_signer(),
        );
        let sod = sod(&ds, &SodOptions::default());
        let shell = run(&sod, &store(&ca), &Policy::new(NOW));
        assert_eq!(shell.status, PaStatus::Invalid);
        assert_eq!(shell.sod.chain, ChainStatus::Invalid);
        assert_eq!(
            shell.failures,
            vec![PaFailure::SignerExpired {
                not_after: T2024 + 90 * DAY,
                at: NOW
            }]
        );
        let v = shell.sod.validity.unwrap();
        assert_eq!(
            (v.model, v.at, v.signer_checked_at),
            (ValidityModel::Shell, NOW, NOW)
        );
        let chain = run(&sod, &store(&ca), &Policy::chain(NOW));
        assert_eq!(chain.status, PaStatus::Valid, "{}", chain.reason);
        let v = chain.sod.validity.unwrap();
        assert_eq!(v.model, ValidityModel::Chain);
        assert_eq!(v.signer_checked_at, T2024 + DAY);
        assert_eq!(v.csca_checked_at, Some(T2024));
        assert_eq!(v.signing_time_source, Some(SigningTimeSource::SigningTime));
        // Signed after it expired: invalid under both models.
        let late = sod_at(&ds, T2024 + 120 * DAY);
        for policy in [Policy::new(NOW), Policy::chain(NOW)] {
            let r = run(&late, &store(&ca), &policy);
            assert_eq!(r.status, PaStatus::Invalid);
            assert!(r.failures.contains(&PaFailure::SigningTimeOutsideValidity {
                signing_time: T2024 + 120 * DAY
            }));
        }
        // A signing time after the verification time is invalid.
        let future = sod_at(&ds, NOW + DAY);
        let r = run(&future, &store(&ca), &Policy::chain(NOW));
        assert!(r.failures.contains(&PaFailure::SigningTimeInFuture {
            signing_time: NOW + DAY,
            at: NOW
        }));
    }

    fn sod_at(ds: &DocumentSigner, t: i64) -> Vec<u8> {
        sod(
            ds,
            &SodOptions {
                signing_time: SigningTimeAttr::At(t),
                ..SodOptions::default()
            },
        )
    }

    #[test]
    fn without_signing_time_the_chain_model_uses_the_private_key_usage_period() {
        let ca = csca();
        let no_time = SodOptions {
            signing_time: SigningTimeAttr::Absent,
            ..SodOptions::default()
        };
        // DS valid for a year, its key for the first 90 days.
        let opts = CertOptions::document_signer()
            .with_private_key_usage(Some(T2024), Some(T2024 + 90 * DAY));
        let ds = signer(&ca, "DS pkup", 9, T2024, T2024 + 365 * DAY, &opts);
        let pkup = ds.certificate().private_key_usage_period().unwrap();
        assert_eq!(
            (pkup.not_before, pkup.not_after),
            (Some(T2024), Some(T2024 + 90 * DAY))
        );
        let sod = sod(&ds, &no_time);
        let chain = run(&sod, &store(&ca), &Policy::chain(NOW));
        assert_eq!(chain.status, PaStatus::Valid, "{}", chain.reason);
        let v = chain.sod.validity.unwrap();
        assert_eq!(v.signer_checked_at, T2024 + 90 * DAY);
        assert_eq!(
            v.signing_time_source,
            Some(SigningTimeSource::PrivateKeyUsagePeriod)
        );
        assert_eq!(chain.sod.signing_time, None);
        assert_eq!(
            run(&sod, &store(&ca), &Policy::new(NOW)).status,
            PaStatus::Invalid
        );
        // A key usage period that outlasts the certificate: the key may have signed after
        // the certificate expired.
        let opts = CertOptions::document_signer()
            .with_private_key_usage(Some(T2024), Some(T2024 + 400 * DAY));
        let ds = signer(&ca, "DS long key", 10, T2024, T2024 + 365 * DAY, &opts);
        let r = run(
            &super::policy::sod(&ds, &no_time),
            &store(&ca),
            &Policy::chain(NOW),
        );
        assert_eq!(r.status, PaStatus::Invalid);
        assert_eq!(
            r.failures,
            vec![PaFailure::SignerExpired {
                not_after: T2024 + 365 * DAY,
                at: T2024 + 400 * DAY
            }]
        );
        // Without the extension: the DS notBefore.
        let ds = signer(
            &ca,
            "DS plain",
            11,
            T2024,
            T2024 + 365 * DAY,
            &CertOptions::document_signer(),
        );
        let r = run(
            &super::policy::sod(&ds, &no_time),
            &store(&ca),
            &Policy::chain(NOW),
        );
        assert_eq!(r.status, PaStatus::Valid, "{}", r.reason);
        let v = r.sod.validity.unwrap();
        assert_eq!(
            (v.signer_checked_at, v.signing_time_source),
            (T2024, Some(SigningTimeSource::NotBefore))
        );
    }

    #[test]
    fn an_expired_csca_fails_the_shell_model_and_passes_the_chain_model() {
        // The CSCA was valid through 2024; it issued the DS in February 2024.
        let ca = TestCsca::new(
            "old CSCA",
            "UT",
            "CSCA Utopia 2024",
            T2024,
            T2024 + 366 * DAY,
        )
        .unwrap();
        let ds = signer(
            &ca,
            "DS of old CSCA",
            12,
            T2024 + 31 * DAY,
            T2030,
            &CertOptions::document_signer(),
        );
        let sod = sod(&ds, &SodOptions::default());
        let shell = run(&sod, &store(&ca), &Policy::new(NOW));
        assert_eq!(shell.status, PaStatus::Invalid);
        assert_eq!(shell.sod.chain, ChainStatus::Invalid);
        assert_eq!(
            shell.failures,
            vec![PaFailure::CscaExpired {
                not_after: T2024 + 366 * DAY,
                at: NOW
            }]
        );
        let chain = run(&sod, &store(&ca), &Policy::chain(NOW));
        assert_eq!(chain.status, PaStatus::Valid, "{}", chain.reason);
        assert_eq!(
            chain.sod.validity.unwrap().csca_checked_at,
            Some(T2024 + 31 * DAY)
        );
        // A DS issued after its CSCA expired is invalid under the chain model too.
        let late = signer(
            &ca,
            "DS after CSCA",
            13,
            T2024 + 400 * DAY,
            T2030,
            &CertOptions::document_signer(),
        );
        let r = run(
            &super::policy::sod(&late, &SodOptions::default()),
            &store(&ca),
            &Policy::chain(NOW),
        );
        assert!(
            r.failures.contains(&PaFailure::CscaExpired {
                not_after: T2024 + 366 * DAY,
                at: T2024 + 400 * DAY
            }),
            "{:?}",
            r.failures
        );
    }

    #[test]
    fn countries_of_signer_csca_and_document_must_agree() {
        let ca = csca();
        let sod = sod(&ds(&ca), &SodOptions::default());
        let d = dgs();
        let report = pa::verify(
            &sod,
            &refs(&d),
            None,
            &store(&ca),
            DocumentContext::new("D<<", "P"),
            &Policy::new(NOW),
        );
        assert_eq!(report.status, PaStatus::Invalid);
        assert_eq!(
            report.failures,
            vec![PaFailure::CountryMismatch {
                signer: Some("UT".into()),
                signer_issuer: Some("UT".into()),
                csca: Some("UT".into()),
                document: Some("DE".into()),
            }]
        );
        assert!(
            report.reason.contains("country mismatch"),
            "{}",
            report.reason
        );
        // A DS of another country under this CSCA, whatever DG1 says.
        let subject = special::simple_name("DE", "tapid test", "DS abroad");
        let profile = CertProfile {
            serial: 14,
            subject: &subject,
            not_before: T2024,
            not_after: T2040,
            is_ca: false,
        };
        let abroad = ca
            .issue_signer("DS abroad", &profile, &CertOptions::document_signer())
            .unwrap();
        let r = pa::verify(
            &super::policy::sod(&abroad, &SodOptions::default()),
            &[],
            None,
            &store(&ca),
            DocumentContext::default(),
            &Policy::new(NOW),
        );
        assert!(
            matches!(&r.failures[..], [PaFailure::CountryMismatch { signer: Some(s), csca: Some(c), document: None, .. }] if s == "DE" && c == "UT"),
            "{:?}",
            r.failures
        );
        // An issuing state that is no country.
        let r = pa::verify(
            &sod,
            &[],
            None,
            &store(&ca),
            DocumentContext::issuing_state("XYZ"),
            &Policy::new(NOW),
        );
        assert_eq!(
            r.failures,
            vec![PaFailure::UnknownIssuingState {
                state: "XYZ".into()
            }]
        );
    }

    #[test]
    fn a_ds_without_digital_signature_key_usage_is_invalid() {
        let ca = csca();
        for (cn, bits) in [
            (
                "DS nonRepudiation",
                Some(special::KEY_USAGE_NON_REPUDIATION.to_vec()),
            ),
            (
                "DS keyEncipherment",
                Some(special::KEY_USAGE_KEY_ENCIPHERMENT.to_vec()),
            ),
            ("DS no key usage", None),
        ] {
            let opts = CertOptions {
                key_usage: bits,
                ..CertOptions::document_signer()
            };
            let ds = signer(&ca, cn, 15, T2024, T2040, &opts);
            let r = run(
                &sod(&ds, &SodOptions::default()),
                &store(&ca),
                &Policy::new(NOW),
            );
            assert_eq!(r.status, PaStatus::Invalid, "{cn}");
            assert_eq!(r.sod.chain, ChainStatus::Invalid, "{cn}");
            assert_eq!(r.sod.signature, SignatureStatus::Valid, "{cn}");
            assert_eq!(
                r.failures,
                vec![PaFailure::KeyUsage {
                    certificate: CertificateRole::Signer,
                    missing: KeyUsageBit::DigitalSignature
                }],
                "{cn}"
            );
        }
        // A "CSCA" without keyCertSign does not certify.
        let no_ca = TestCsca::with_options(
            "not a CA",
            special::simple_name("UT", "tapid test", "CSCA without keyCertSign"),
            T2024,
            T2040,
            &CertOptions {
                key_usage: Some(special::KEY_USAGE_DIGITAL_SIGNATURE.to_vec()),
                ..CertOptions::csca()
            },
        )
        .unwrap();
        let r = run(
            &sod(&ds(&no_ca), &SodOptions::default()),
            &store(&no_ca),
            &Policy::new(NOW),
        );
        assert!(r.failures.contains(&PaFailure::KeyUsage {
            certificate: CertificateRole::Csca,
            missing: KeyUsageBit::KeyCertSign
        }));
    }

    #[test]
    fn the_document_type_list_must_include_the_documents_type() {
        let ca = csca();
        let opts = CertOptions::document_signer().with_document_types(&["P"]);
        let ds = signer(&ca, "DS passports", 16, T2024, T2040, &opts);
        assert_eq!(
            ds.certificate().document_types().unwrap(),
            Some(&["P".to_string()][..])
        );
        let sod = sod(&ds, &SodOptions::default());
        let check = |code: &str| {
            pa::verify(
                &sod,
                &[],
                None,
                &store(&ca),
                DocumentContext::new("UTO", code),
                &Policy::new(NOW),
            )
        };
        assert_eq!(check("P").status, PaStatus::Valid);
        assert_eq!(check("PD").status, PaStatus::Valid);
        let id = check("ID");
        assert_eq!(id.status, PaStatus::Invalid);
        assert_eq!(id.sod.chain, ChainStatus::Invalid);
        assert_eq!(
            id.failures,
            vec![PaFailure::DocumentTypeNotAllowed {
                document: "ID".into(),
                allowed: vec!["P".into()]
            }]
        );
        // Without a document code the check cannot run and does not fail.
        assert_eq!(
            pa::verify(
                &sod,
                &[],
                None,
                &store(&ca),
                DocumentContext::issuing_state("UTO"),
                &Policy::new(NOW)
            )
            .status,
            PaStatus::Valid
        );
        // A malformed extension (an OCTET STRING where the types belong) fails closed.
        let broken = CertOptions {
            document_types: Some(vec![0x30, 0x03, 0x04, 0x01, 0x50]),
            ..CertOptions::document_signer()
        };
        let ds = signer(&ca, "DS broken list", 17, T2024, T2040, &broken);
        let r = run(
            &super::policy::sod(&ds, &SodOptions::default()),
            &store(&ca),
            &Policy::new(NOW),
        );
        assert!(
            matches!(&r.failures[..], [PaFailure::ExtensionMalformed { .. }]),
            "{:?}",
            r.failures
        );
    }

    #[test]
    fn a_stale_crl_still_revokes_and_is_reported_stale() {
        let ca = csca();
        let ds = ds(&ca);
        let sod = sod(&ds, &SodOptions::default());
        // Published for February 2024 only.
        let stale_revoking = ca.crl(T2024 + 31 * DAY, T2024 + 60 * DAY, &[7]).unwrap();
        let mut trust = store(&ca);
        trust.add_bytes("stale.crl", &stale_revoking).unwrap();
        trust.verify_crls().unwrap();
        let r = run(&sod, &trust, &Policy::new(NOW));
        assert_eq!(r.status, PaStatus::Invalid);
        assert_eq!(r.sod.chain, ChainStatus::Revoked);
        assert_eq!(r.sod.revocation, RevocationStatus::Stale);
        assert_eq!(
            r.failures,
            vec![PaFailure::SignerRevoked {
                serial: "07".into()
            }]
        );

        // A stale CRL that does not list the DS: valid, revocation stale…
        let stale_clean = ca.crl(T2024 + 31 * DAY, T2024 + 60 * DAY, &[99]).unwrap();
        let mut trust = store(&ca);
        trust.add_bytes("stale.crl", &stale_clean).unwrap();
        let r = run(&sod, &trust, &Policy::new(NOW));
        assert_eq!(r.status, PaStatus::Valid, "{}", r.reason);
        assert_eq!(r.sod.revocation, RevocationStatus::Stale);
        // … and untrusted when the policy requires a current CRL.
        let strict = Policy {
            require_revocation_checked: true,
            ..Policy::new(NOW)
        };
        let r = run(&sod, &trust, &strict);
        assert_eq!(r.status, PaStatus::Untrusted);
        assert!(
            matches!(&r.failures[..], [PaFailure::CrlStale { next_update: Some(t), .. }] if *t == T2024 + 60 * DAY)
        );

        // A current CRL: checked.
        let current = ca.crl(NOW - DAY, NOW + 30 * DAY, &[99]).unwrap();
        let mut trust = store(&ca);
        trust.add_bytes("current.crl", &current).unwrap();
        let r = run(&sod, &trust, &strict);
        assert_eq!(r.status, PaStatus::Valid, "{}", r.reason);
        assert_eq!(r.sod.revocation, RevocationStatus::Checked);
        // No CRL: not checked; required → untrusted.
        assert_eq!(
            run(&sod, &store(&ca), &Policy::new(NOW)).sod.revocation,
            RevocationStatus::NotChecked
        );
        let r = run(&sod, &store(&ca), &strict);
        assert_eq!(r.status, PaStatus::Untrusted);
        assert!(matches!(
            &r.failures[..],
            [PaFailure::RevocationNotChecked { .. }]
        ));
        assert_eq!(
            Policy::strict(NOW).require_revocation_checked,
            strict.require_revocation_checked
        );
    }

    #[test]
    fn a_broken_crl_is_an_error_not_ignored() {
        let ca = csca();
        let sod = sod(&ds(&ca), &SodOptions::default());
        // Signed with another key under the CSCA's name.
        let forger = TestCsca::new("forger", "UT", "CSCA Utopia policy", T2024, T2040).unwrap();
        let forged = forger.crl(NOW - DAY, NOW + 30 * DAY, &[]).unwrap();
        let mut trust = store(&ca);
        trust.add_bytes("forged.crl", &forged).unwrap();
        assert!(matches!(
            trust.verify_crls(),
            Err(PaError::CrlUnverified { .. })
        ));
        let r = run(&sod, &trust, &Policy::new(NOW));
        assert_eq!(r.status, PaStatus::Invalid);
        assert_eq!(r.sod.chain, ChainStatus::Invalid);
        assert!(
            matches!(&r.failures[..], [PaFailure::CrlInvalid { issuer }] if issuer.contains("CSCA Utopia policy"))
        );
        // A CRL that does not parse is refused when loading.
        let good = ca.crl(NOW - DAY, NOW + 30 * DAY, &[]).unwrap();
        let mut trust = store(&ca);
        let e = trust
            .add_bytes("cut.crl", &good[..good.len() - 10])
            .unwrap_err();
        assert!(
            matches!(&e, PaError::DamagedTrustFile { kind: "CRL", .. }),
            "{e}"
        );
        // A CRL of a CSCA the store does not hold cannot be verified.
        let stranger = TestCsca::new("stranger", "UT", "CSCA elsewhere", T2024, T2040).unwrap();
        trust
            .add_bytes("stranger.crl", &stranger.crl(NOW, NOW + DAY, &[]).unwrap())
            .unwrap();
        assert!(matches!(
            trust.verify_crls(),
            Err(PaError::CrlIssuerUnknown { .. })
        ));
    }

    /// A root, a master list signer it certifies, and a list holding `csca`.
    fn anchored_list(csca: &TestCsca) -> (TestCsca, Vec<u8>) {
        let root = TestCsca::new("list root", "UT", "CSCA Utopia root", T2024, T2040).unwrap();
        let subject = special::simple_name("UT", "tapid test", "Master List Signer Utopia");
        let profile = CertProfile {
            serial: 50,
            subject: &subject,
            not_before: T2024,
            not_after: T2040,
            is_ca: false,
        };
        let mls = root
            .issue_signer("list signer", &profile, &CertOptions::document_signer())
            .unwrap();
        let list = special::master_list(&mls, &[&csca.cert]).unwrap();
        (root, list)
    }

    #[test]
    fn an_unanchored_master_list_is_refused_by_default_and_named_when_allowed() {
        let ca = csca();
        let (root, list) = anchored_list(&ca);
        let sod = sod(&ds(&ca), &SodOptions::default());

        // Refused everywhere by default.
        let mut t = TrustStore::new();
        assert!(matches!(
            t.add_bytes("ut.ml", &list),
            Err(PaError::MasterListUnanchored { .. })
        ));
        assert!(matches!(
            t.add_master_list(&list, None),
            Err(PaError::MasterListUnanchored { .. })
        ));
        assert!(t.is_empty());
        // A root that does not certify the signer is no anchor.
        let wrong = TestCsca::new("wrong root", "UT", "CSCA Utopia root", T2024, T2040).unwrap();
        assert_eq!(
            t.add_master_list(&list, Some(&wrong.certificate().unwrap()))
                .unwrap_err(),
            PaError::MasterListSignerUntrusted
        );
        t.add_master_list_root(wrong.certificate().unwrap());
        assert!(matches!(
            t.add_bytes("ut.ml", &list),
            Err(PaError::MasterListUnanchored { .. })
        ));

        // Anchored by its root: trusted.
        t.add_master_list_root(root.certificate().unwrap());
        let loaded = t.add_bytes("ut.ml", &list).unwrap();
        assert_eq!(loaded.master_lists[0].chain, "anchored");
        assert_eq!(loaded.certificates_added, 1);
        let r = run(&sod, &t, &Policy::new(NOW));
        assert_eq!(
            (r.status, r.sod.chain),
            (PaStatus::Valid, ChainStatus::Trusted),
            "{}",
            r.reason
        );

        // Allowed unanchored: loaded and marked; trusted only when the policy allows it.
        let mut open = TrustStore::new();
        open.set_allow_unanchored(true);
        let loaded = open.add_bytes("ut.ml", &list).unwrap();
        assert_eq!(loaded.master_lists[0].chain, "unanchored");
        assert_eq!(
            open.anchoring(&ca.certificate().unwrap()),
            Some(Anchoring::UnanchoredMasterList)
        );
        let r = run(&sod, &open, &Policy::new(NOW));
        assert_eq!(r.status, PaStatus::Untrusted);
        assert_eq!(r.sod.chain, ChainStatus::Untrusted);
        assert!(matches!(
            &r.failures[..],
            [PaFailure::CscaFromUnanchoredList { .. }]
        ));
        let allowed = Policy {
            allow_unanchored: true,
            ..Policy::new(NOW)
        };
        let r = run(&sod, &open, &allowed);
        assert_eq!(r.status, PaStatus::Valid, "{}", r.reason);
        assert_eq!(r.sod.chain, ChainStatus::TrustedUnanchored);
        assert_eq!(
            serde_json::to_value(&r).unwrap()["chain"],
            "trusted_unanchored"
        );
        // The CSCA given directly too: an anchor itself.
        open.add_certificate(ca.certificate().unwrap());
        assert_eq!(
            run(&sod, &open, &Policy::new(NOW)).sod.chain,
            ChainStatus::Trusted
        );
    }

    #[test]
    fn reports_round_trip_through_json() {
        let ca = csca();
        let ds = ds(&ca);
        let mut trust = store(&ca);
        trust
            .add_bytes("crl", &ca.crl(T2024, T2024 + DAY, &[7]).unwrap())
            .unwrap();
        let d = dgs();
        let mut bad = d.clone();
        bad[0].1[3] ^= 1;
        bad.push((5, b"unlisted".to_vec()));
        let cs = pki::sign_card_security(&ds, &[0x31, 0x00]).unwrap();
        let reports = [
            run(
                &sod(&ds, &SodOptions::default()),
                &trust,
                &Policy::strict(NOW),
            ),
            pa::verify(
                &sod(
                    &ds,
                    &SodOptions {
                        content_type: oid::ID_DATA,
                        ..SodOptions::default()
                    },
                ),
                &refs(&bad),
                Some(&cs),
                &TrustStore::new(),
                DocumentContext::new("D", "ID"),
                &Policy {
                    allow_legacy_content_type: false,
                    ..Policy::chain(NOW)
                },
            ),
            pa::verify(
                b"\x77\x03\x30\x01\x00",
                &[],
                Some(b"junk"),
                &trust,
                DocumentContext::default(),
                &Policy::new(NOW),
            ),
        ];
        let mut codes = std::collections::BTreeSet::new();
        for report in reports {
            let json = serde_json::to_string_pretty(&report).unwrap();
            let back: PaReport = serde_json::from_str(&json).unwrap();
            assert_eq!(back, report, "{json}");
            for f in &report.failures {
                codes.insert(
                    serde_json::to_value(f).unwrap()["code"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                );
            }
        }
        for code in [
            "signer_revoked",
            "hash_mismatch",
            "not_in_sod",
            "legacy_content_type",
            "csca_not_trusted",
            "country_mismatch",
            "sod_malformed",
            "card_security_invalid",
        ] {
            assert!(codes.contains(code), "{code} not among {codes:?}");
        }
        let hm = serde_json::to_value(PaFailure::HashMismatch { dg: 2 }).unwrap();
        assert_eq!(hm, serde_json::json!({"code": "hash_mismatch", "dg": 2}));
    }
}
