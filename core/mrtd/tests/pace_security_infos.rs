#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! SecurityInfos of EF.CardAccess (App. G.1), a real German EF.CardSecurity and the BSI
//! TR-03105 reference DG14; the choice of the strongest PACE variant; malformed input.

use tapid_mrtd::crypto::{DomainParameters, EcCurve, NamedCurve};
use tapid_mrtd::lds::card_security::CardSecurity;
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::security_infos::{
    Agreement, CaProtocol, Mapping, PaceProtocol, SecurityInfo, SecurityInfoError, SecurityInfos,
    choose_pace,
};
use tapid_mrtd::symmetric::CipherAlg;
use tapid_test_support::conformance::{self, conformance_dir};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

fn pace_info(mapping_arc: u8, cipher_arc: u8, id: u8) -> Vec<u8> {
    let mut v = h("3012060A04007F00070202040000020102020100");
    v[12] = mapping_arc;
    v[13] = cipher_arc;
    v[19] = id;
    v
}

fn set(items: &[Vec<u8>]) -> Vec<u8> {
    tapid_card::tlv::encode(tapid_card::Tag(0x31), &items.concat())
}

#[test]
fn appendix_g1_card_access() {
    let infos = SecurityInfos::parse(&h("31143012060A04007F0007020204020202010202010D")).unwrap();
    assert_eq!(infos.infos().len(), 1);
    let info = infos.pace_infos().next().unwrap();
    assert_eq!(
        info.protocol,
        PaceProtocol::new(Mapping::Gm, Agreement::Ecdh, CipherAlg::Aes128).unwrap()
    );
    assert_eq!(info.version, 2);
    assert_eq!(info.parameter_id, Some(13));
    let setup = choose_pace(&infos, false).unwrap();
    assert_eq!(setup.parameters_name(), "brainpoolP256r1");
    assert!(!setup.explicit_parameters);
    // The PACEInfo names its parameter ID, so MSE:Set AT carries tag 84 with it (as the major
    // readers do; App. G.1 omits it, which 9303-11 allows for unambiguous parameters).
    assert!(setup.send_parameter_id);
}

#[test]
fn german_card_security() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let cs = CardSecurity::parse(&conformance::read(&dir, "real-sod/DE.cardsecurity")).unwrap();
    let infos = SecurityInfos::parse(cs.security_infos()).unwrap();
    let pace: Vec<_> = infos.pace_infos().collect();
    assert_eq!(pace.len(), 2);
    assert!(
        pace.iter()
            .all(|p| p.parameter_id == Some(13) && p.version == 2)
    );
    let mappings: Vec<_> = pace.iter().map(|p| p.protocol.mapping).collect();
    assert_eq!(mappings, [Mapping::Gm, Mapping::Cam]);
    let keys: Vec<_> = infos.chip_authentication_public_keys().collect();
    assert_eq!(keys.len(), 2);
    let ids: Vec<_> = keys.iter().map(|k| k.key_id).collect();
    assert_eq!(ids, [Some(13), Some(72)]);
    for k in &keys {
        assert_eq!(k.agreement, Agreement::Ecdh);
        assert!(matches!(
            k.domain,
            DomainParameters::Ec(EcCurve::Named(NamedCurve::BrainpoolP256r1))
        ));
        assert_eq!(k.public_key.len(), 65);
    }
    let ca: Vec<_> = infos.chip_authentication_infos().collect();
    assert_eq!(ca.len(), 1);
    assert_eq!(
        ca[0].protocol,
        CaProtocol {
            agreement: Agreement::Ecdh,
            cipher: CipherAlg::Aes128
        }
    );
    assert_eq!(ca[0].key_id, Some(72));
    assert!(infos.has_terminal_authentication());
    // The ChipAuthenticationDomainParameterInfo is kept as an unknown info.
    assert!(
        infos
            .infos()
            .iter()
            .any(|i| matches!(i, SecurityInfo::Unknown(u)
        if u.oid.to_string() == "0.4.0.127.0.7.2.2.3.2"))
    );
    // PACE-CAM is preferred over GM; tag 84 is sent.
    let setup = choose_pace(&infos, false).unwrap();
    assert_eq!(setup.protocol.mapping, Mapping::Cam);
    assert!(setup.send_parameter_id);
}

#[test]
fn bsi_reference_dg14() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let dg14 = conformance::read(&dir, "bsi-tr03105-reference/Datagroup14.bin");
    let infos = Dg14::parse(&dg14).unwrap().security_infos;
    let key = infos.chip_authentication_public_keys().next().unwrap();
    assert_eq!(key.agreement, Agreement::Ecdh);
    assert_eq!(key.key_id, None);
    // Explicit parameters, recognised as brainpoolP224r1.
    assert!(matches!(
        key.domain,
        DomainParameters::Ec(EcCurve::Named(NamedCurve::BrainpoolP224r1))
    ));
    let spki = conformance::read(&dir, "bsi-tr03105-reference/DG14_pk.bin");
    assert!(spki.ends_with(&key.public_key));
    let ca = infos.chip_authentication_infos().next().unwrap();
    assert_eq!(
        ca.protocol,
        CaProtocol {
            agreement: Agreement::Ecdh,
            cipher: CipherAlg::Tdes
        }
    );
    assert_eq!(ca.version, 1);
    assert!(infos.has_terminal_authentication());
    assert!(infos.pace_infos().next().is_none());
    assert!(choose_pace(&infos, true).is_none());
    // DG14 without its 6E wrapper is not DG14.
    assert!(Dg14::parse(&dg14[4..]).is_err());
}

#[test]
fn strongest_pace_is_chosen() {
    let infos = SecurityInfos::parse(&set(&[
        pace_info(1, 4, 2),  // DH-GM AES-256, 2048-bit
        pace_info(2, 1, 13), // ECDH-GM 3DES
        pace_info(2, 4, 12), // ECDH-GM AES-256 P-256
        pace_info(4, 4, 16), // ECDH-IM AES-256 bp384
        pace_info(2, 4, 16), // ECDH-GM AES-256 bp384  <- best
        pace_info(2, 2, 18), // ECDH-GM AES-128 P-521
    ]))
    .unwrap();
    let best = choose_pace(&infos, false).unwrap();
    assert_eq!(best.protocol.mapping, Mapping::Gm);
    assert_eq!(best.protocol.cipher, CipherAlg::Aes256);
    assert_eq!(best.parameter_id, Some(16));
    assert_eq!(best.parameters_name(), "brainpoolP384r1");
    // CAM beats everything; unusable entries (RFU parameter ID, IM on P-224) are skipped.
    let infos = SecurityInfos::parse(&set(&[
        pace_info(2, 4, 17),
        pace_info(6, 2, 13),
        pace_info(2, 4, 5),
        pace_info(4, 4, 10),
    ]))
    .unwrap();
    let best = choose_pace(&infos, false).unwrap();
    assert_eq!(best.protocol.mapping, Mapping::Cam);
    let infos = SecurityInfos::parse(&set(&[pace_info(4, 4, 10), pace_info(2, 4, 5)])).unwrap();
    assert!(choose_pace(&infos, false).is_none());
}

#[test]
fn explicit_pace_domain_parameters() {
    // PACEInfo id-PACE-ECDH-GM-AES-128 with parameterId 32 (proprietary) and a
    // PACEDomainParameterInfo carrying brainpoolP256r1 by standardized ID under that ID.
    let no_params = h("3019 0609 04007F000702020402 3009 0607 04007F00070102 020120");
    let infos = SecurityInfos::parse(&set(&[pace_info(2, 2, 32), no_params])).unwrap();
    // standardizedDomainParameters without its INTEGER: kept as unsupported, not chosen (even
    // with explicit parameters allowed).
    assert!(matches!(infos.infos()[1], SecurityInfo::Unsupported(_)));
    assert!(choose_pace(&infos, true).is_none());
    let dp = h("301C 0609 04007F000702020402 300C 0607 04007F00070102 02010D 020120");
    let infos = SecurityInfos::parse(&set(&[pace_info(2, 2, 32), dp])).unwrap();
    let explicit = infos.pace_domain_parameters().next().unwrap();
    assert_eq!(explicit.mapping, Mapping::Gm);
    assert_eq!(explicit.parameter_id, Some(32));
    // The PACEDomainParameterInfo names a standard curve, so these are no explicit parameters:
    // chosen without the caller's consent to explicit ones.
    let setup = choose_pace(&infos, false).unwrap();
    assert!(!setup.explicit_parameters);
    assert_eq!(setup.parameter_id, Some(32));
    assert_eq!(setup.parameters_name(), "brainpoolP256r1");
}

#[test]
fn active_authentication_and_unknown_infos() {
    let aa = h("3017 0606 678108010105 020101 060A 04007F00070101040103");
    let unknown = h("300B 0603 2A0304 020101 020102");
    let infos = SecurityInfos::parse(&set(&[aa, unknown.clone()])).unwrap();
    let aa = infos.active_authentication().unwrap();
    assert_eq!(aa.version, 1);
    assert_eq!(
        aa.signature_algorithm.to_string(),
        "0.4.0.127.0.7.1.1.4.1.3"
    );
    match &infos.infos()[1] {
        SecurityInfo::Unknown(u) => {
            assert_eq!(u.oid.to_string(), "1.2.3.4");
            assert_eq!(u.raw, unknown);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_input_is_an_error() {
    for bad in [
        "",
        "30143012060A04007F0007020204020202010202010D",
        "31153012060A04007F0007020204020202010202010D",
        "3104 02020101",
        "3104 3002 0500",
        "3114 3012 060A04007F00070202040202 0201 02 0201",
        // PACEInfo with a string where the version belongs.
        "3114 3012 060A04007F00070202040202 0C01 32 02010D",
    ] {
        let r = SecurityInfos::parse(&h(bad));
        assert!(
            matches!(
                r,
                Err(SecurityInfoError::Structure(_) | SecurityInfoError::Malformed(_))
            ),
            "{bad}: {r:?}"
        );
    }
}
