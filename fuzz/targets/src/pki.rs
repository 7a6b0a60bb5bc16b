//! Passive authentication's inputs: EF.SOD and EF.CardSecurity (CMS SignedData, DER or BER),
//! X.509 certificates (DER or PEM, as trust files), CSCA master lists and CRLs.

use std::sync::LazyLock;

use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::lds::sod::Sod;
use tapid_mrtd::pa::{self, Certificate, Crl, DocumentContext, MasterList, Policy, TrustStore};

use crate::Outcome;

/// The emulator's test CSCAs (`fixtures/pki/csca`): the anchors the SOD, CardSecurity and
/// CRL targets verify against, so that seeds made by the emulator reach a valid verdict.
static TEST_TRUST: LazyLock<TrustStore> =
    LazyLock::new(|| tapid_emulator::pki::test_trust_store().unwrap_or_default());

/// EF.SOD: the CMS SignedData and its LDSSecurityObject (`77` wrapping), then passive
/// authentication of the SOD alone (signature, DS certificate, chain to the test CSCAs,
/// validity, the policy's checks). Accepted when the SOD parses.
pub fn sod(data: &[u8]) -> Outcome {
    let Ok(sod) = Sod::parse(data) else {
        return Outcome::Rejected;
    };
    let _ = (sod.version(), sod.hash_algorithm(), sod.lds_version());
    let _ = sod.dg_hashes().len();
    let _ = sod.signed_data().signing_time();
    if let Ok(ds) = sod.ds_certificate() {
        let _ = sod.signed_data().verify_signature(ds);
    }
    let report = pa::verify_parsed(
        &sod,
        &[],
        None,
        &TEST_TRUST,
        DocumentContext::default(),
        &Policy::new(crate::AT),
    );
    let _ = report.status;
    Outcome::Accepted
}

/// EF.CardSecurity: its SignedData, the SecurityInfos inside, and the signer's verification
/// against the test CSCAs.
pub fn card_security(data: &[u8]) -> Outcome {
    let Ok(cs) = CardSecurity::parse(data) else {
        return Outcome::Rejected;
    };
    let _ = tapid_mrtd::security_infos::SecurityInfos::parse(cs.security_infos());
    if let Ok(signer) = cs.signer_certificate() {
        let _ = cs.signed_data().verify_signature(signer);
    }
    let _ = pa::verify_card_security_parsed(
        &cs,
        &TEST_TRUST,
        DocumentContext::default(),
        &Policy::new(crate::AT),
    );
    Outcome::Accepted
}

/// X.509 certificates: the DER decoder and every accessor the verifier uses, a self-signature
/// check (CSCAs are self-signed), and the trust-file loader over the same bytes (which also
/// takes PEM and tells certificates, CRLs and master lists apart). Accepted when the bytes
/// decode as a certificate, directly or as a trust file.
pub fn certificate(data: &[u8]) -> Outcome {
    let der = match Certificate::from_der(data) {
        Ok(cert) => {
            let _ = (cert.subject(), cert.issuer(), cert.serial().len());
            let _ = (
                cert.not_before(),
                cert.not_after(),
                cert.valid_at(crate::AT),
            );
            let _ = (cert.subject_key_id(), cert.authority_key_id());
            let _ = cert.public_key().describe();
            let _ = cert.verify_signed_by(&cert);
            if cert.der() != data {
                return Outcome::Violation("the certificate's DER is not the input".into());
            }
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    };
    let mut store = TrustStore::new();
    let file = match store.add_bytes("fuzz", data) {
        Ok(report) => Outcome::accepted_if(report.certificates_added > 0),
        Err(_) => Outcome::Rejected,
    };
    der.and(file)
}

/// CSCA master lists (ICAO 9303-12 §9: a SignedData over a CscaMasterList): parse, the CMS
/// signature with the embedded signer, the signer's chain to each certificate of the list
/// (standing in for a state's root), and loading into a trust store as the CLI does, with
/// unanchored lists allowed. Accepted when the list parses.
pub fn master_list(data: &[u8]) -> Outcome {
    let Ok(list) = MasterList::parse(data) else {
        return Outcome::Rejected;
    };
    let _ = (list.countries().len(), list.skipped().len());
    let _ = list.verify_signature();
    // Chain checks cost two signature verifications per certificate: a few are enough.
    for root in list.certificates().iter().take(4) {
        let _ = list.verify_signer_chain(root);
    }
    let mut store = TrustStore::new();
    store.set_allow_unanchored(true);
    let _ = store.add_bytes("fuzz.ml", data);
    Outcome::Accepted
}

/// CRLs: the DER decoder, its accessors, and its signature against each test CSCA.
pub fn crl(data: &[u8]) -> Outcome {
    let Ok(crl) = Crl::from_der(data) else {
        return Outcome::Rejected;
    };
    let _ = (crl.issuer(), crl.this_update(), crl.next_update());
    let _ = (crl.is_stale_at(crate::AT), crl.authority_key_id());
    let _ = crl.lists_serial(&[0x68]);
    for csca in TEST_TRUST.certificates() {
        if crl.covers_issuer(csca.subject_der()) {
            let _ = crl.verify_signed_by(csca);
        }
    }
    Outcome::Accepted
}
