#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Real data: the BSI TR-03105 reference chip-authentication key (id-PK-ECDH on
//! brainpoolP224r1 with explicit parameters) parses, is identified as the named curve, and the
//! private key from the PKCS #8 file matches the public key in DG14 and in the SPKI file.

use der::{Decode, Encode};
use tapid_mrtd::crypto::{DomainParameters, EcCurve, NamedCurve};
use tapid_test_support::conformance::{self, conformance_dir};
use tapid_test_support::pkcs8::{EcPrivateKey, PrivateKeyInfo};

#[test]
fn bsi_reference_chip_authentication_key() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let spki_der = conformance::read(&dir, "bsi-tr03105-reference/DG14_pk.bin");
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&spki_der).unwrap();
    let params = spki.algorithm.parameters.unwrap().to_der().unwrap();
    let domain =
        DomainParameters::from_algorithm_identifier(&spki.algorithm.oid.to_string(), Some(&params))
            .unwrap();
    assert!(matches!(
        domain,
        DomainParameters::Ec(EcCurve::Named(NamedCurve::BrainpoolP224r1))
    ));
    assert_eq!(domain.standardized_id(), Some(11));
    let group = domain.ec_group().unwrap();
    let public = group
        .decode_point(spki.subject_public_key.raw_bytes())
        .unwrap();

    let pkcs8 = PrivateKeyInfo::from_der(&conformance::read(
        &dir,
        "bsi-tr03105-reference/DG14_sk.pkcs8",
    ))
    .unwrap();
    assert_eq!(pkcs8.version, 0);
    let ec_key = EcPrivateKey::from_der(pkcs8.private_key.as_bytes()).unwrap();
    assert_eq!(ec_key.version, 1);
    let sk = group
        .private_key_from_bytes(ec_key.private_key.as_bytes())
        .unwrap();
    assert_eq!(group.public_from_private(&sk).unwrap(), public);
    if let Some(pk) = ec_key.public_key {
        assert_eq!(pk.raw_bytes(), public.to_sec1_uncompressed().as_slice());
    }

    // DG14 carries the same key (inside a ChipAuthenticationPublicKeyInfo).
    let dg14 = conformance::read(&dir, "bsi-tr03105-reference/Datagroup14.bin");
    let encoded = public.to_sec1_uncompressed();
    assert!(dg14.windows(encoded.len()).any(|w| w == encoded.as_slice()));
}
