#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Domain parameters: standardized IDs, OIDs, explicit DER (openssl-generated), DH checks.

use tapid_mrtd::crypto::{
    Backend, CryptoError, DhGroup, DomainParameters, EcCurve, EcGroup, NamedCurve, StandardDhGroup,
};
use tapid_mrtd::oid::{
    DH_PUBLIC_NUMBER as OID_DH_PUBLIC_NUMBER, EC_PUBLIC_KEY as OID_EC_PUBLIC_KEY,
    ID_PK_ECDH as OID_PK_ECDH,
    STANDARDIZED_DOMAIN_PARAMETERS as OID_STANDARDIZED_DOMAIN_PARAMETERS,
};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

/// `openssl ecparam -name prime256v1 -param_enc explicit -outform DER`
const P256_EXPLICIT: &str = "3081f7020101302c06072a8648ce3d0101022100ffffffff00000001000000000000000000000000ffffffffffffffffffffffff305b0420ffffffff00000001000000000000000000000000fffffffffffffffffffffffc04205ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b031500c49d360886e704936a6678e1139d26b7819f7e900441046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551020101";
/// `openssl ecparam -name brainpoolP320r1 -param_enc explicit -outform DER`
const BP320_EXPLICIT: &str = "30820110020101303406072a8648ce3d0101022900d35e472036bc4fb7e13c785ed201e065f98fcfa6f6f40def4f92b9ec7893ec28fcd412b1f1b32e27305404283ee30b568fbab0f883ccebd46d3f3bb8a2a73513f5eb79da66190eb085ffa9f492f375a97d860eb40428520883949dfdbc42d3ad198640688a6fe13f41349554b49acc31dccd884539816f5eb4ac8fb1f1a604510443bd7e9afb53d8b85289bcc48ee5bfe6f20137d10a087eb6e7871e2a10a599c710af8d0d39e2061114fdd05545ec1cc8ab4093247f77275e0743ffed117182eaa9c77877aaac6ac7d35245d1692e8ee1022900d35e472036bc4fb7e13c785ed201e065f98fcfa5b68f12a32d482ec7ee8658e98691555b44c59311020101";
/// `openssl genpkey -genparam -algorithm DHX -pkeyopt dh_rfc5114:1` (X9.42 DomainParameters)
const RFC5114_1_X942: &str = "3082011f02818100b10b8f96a080e01dde92de5eae5d54ec52c99fbcfb06a3c69a6a9dca52d23b616073e28675a23d189838ef1e2ee652c013ecb4aea906112324975c3cd49b83bfaccbdd7d90c4bd7098488e9c219a73724effd6fae5644738faa31a4ff55bccc0a151af5f0dc8b4bd45bf37df365c1a65e68cfda76d4da708df1fb2bc2e4a437102818100a4d1cbd5c3fd34126765a442efb99905f8104dd258ac507fd6406cff14266d31266fea1e5c41564b777e690f5504f213160217b4b01b886a5e91547f9e2749f4d7fbd7d3b9a92ee1909d0d2263f80a76a6a24c087a091f531dbf0a0169b6a28ad662a4d18e73afa32d779d5918d08bc8858f4dcef97c2a24855e6eeb22b3b2e5021500f518aa8781a8df278aba4e7d64b7cb9d49462353";

#[test]
fn standardized_ids_cover_the_table() {
    for id in 0..=2u64 {
        let d = DomainParameters::from_standardized_id(id).unwrap();
        assert!(matches!(d, DomainParameters::Dh(_)));
        assert_eq!(d.standardized_id(), Some(id as u8));
    }
    let expected = [
        (8, NamedCurve::P192),
        (9, NamedCurve::BrainpoolP192r1),
        (10, NamedCurve::P224),
        (11, NamedCurve::BrainpoolP224r1),
        (12, NamedCurve::P256),
        (13, NamedCurve::BrainpoolP256r1),
        (14, NamedCurve::BrainpoolP320r1),
        (15, NamedCurve::P384),
        (16, NamedCurve::BrainpoolP384r1),
        (17, NamedCurve::BrainpoolP512r1),
        (18, NamedCurve::P521),
    ];
    for (id, curve) in expected {
        match DomainParameters::from_standardized_id(id).unwrap() {
            DomainParameters::Ec(EcCurve::Named(c)) => assert_eq!(c, curve),
            other => panic!("{id}: {other:?}"),
        }
    }
    for id in [3, 7, 19, 31, 1000] {
        assert_eq!(
            DomainParameters::from_standardized_id(id).unwrap_err(),
            CryptoError::UnknownParameterId(id)
        );
    }
}

#[test]
fn explicit_parameters_equal_to_named_curves_are_identified() {
    for (der, curve) in [
        (P256_EXPLICIT, NamedCurve::P256),
        (BP320_EXPLICIT, NamedCurve::BrainpoolP320r1),
    ] {
        match DomainParameters::from_ec_parameters_der(&h(der)).unwrap() {
            DomainParameters::Ec(EcCurve::Named(c)) => assert_eq!(c, curve),
            other => panic!("{other:?}"),
        }
        let via_ai =
            DomainParameters::from_algorithm_identifier(OID_EC_PUBLIC_KEY, Some(&h(der))).unwrap();
        assert_eq!(via_ai.standardized_id(), Some(curve.standardized_id()));
    }
}

#[test]
fn explicit_parameters_with_another_base_point_use_the_generic_backend() {
    // P-256 with base point −G: same curve, not the named parameter set.
    let named = EcGroup::named(NamedCurve::P256).unwrap();
    let neg_g = named.neg(named.generator()).unwrap();
    let mut der = h(P256_EXPLICIT);
    let g_at = der
        .windows(65)
        .position(|w| w == named.generator().to_sec1_uncompressed().as_slice())
        .unwrap();
    der[g_at..g_at + 65].copy_from_slice(&neg_g.to_sec1_uncompressed());
    let DomainParameters::Ec(curve @ EcCurve::Explicit(_)) =
        DomainParameters::from_ec_parameters_der(&der).unwrap()
    else {
        panic!("expected explicit parameters");
    };
    let explicit = EcGroup::new(&curve).unwrap();
    assert_eq!(explicit.backend(), Backend::Generic);
    assert_eq!(explicit.named_curve(), None);
    let k = h("1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF");
    let via_explicit = explicit.mul_generator(&k).unwrap();
    let via_named = named.neg(&named.mul_generator(&k).unwrap()).unwrap();
    assert_eq!(via_explicit, via_named);
}

#[test]
fn algorithm_identifiers() {
    // namedCurve OID as ECParameters
    let d = DomainParameters::from_algorithm_identifier(
        OID_EC_PUBLIC_KEY,
        Some(&h("06092b2403030208010107")),
    )
    .unwrap();
    assert_eq!(d.standardized_id(), Some(13));
    // id-PK-ECDH with explicit parameters
    let d =
        DomainParameters::from_algorithm_identifier(OID_PK_ECDH, Some(&h(BP320_EXPLICIT))).unwrap();
    assert_eq!(d.standardized_id(), Some(14));
    // ChipAuthenticationPublicKeyInfo of App. I.1: standardizedDomainParameters, INTEGER 13
    let d = DomainParameters::from_algorithm_identifier(
        OID_STANDARDIZED_DOMAIN_PARAMETERS,
        Some(&h("02010D")),
    )
    .unwrap();
    assert_eq!(d.standardized_id(), Some(13));
    // X9.42 parameters equal to RFC 5114 §2.1 are recognised as ID 0
    let d =
        DomainParameters::from_algorithm_identifier(OID_DH_PUBLIC_NUMBER, Some(&h(RFC5114_1_X942)))
            .unwrap();
    assert_eq!(d.standardized_id(), Some(0));
    // errors
    assert_eq!(
        DomainParameters::from_algorithm_identifier("1.2.3.4", None).unwrap_err(),
        CryptoError::UnknownParameters("1.2.3.4".into())
    );
    assert!(matches!(
        DomainParameters::from_algorithm_identifier(OID_EC_PUBLIC_KEY, None),
        Err(CryptoError::MalformedParameters(_))
    ));
    assert!(matches!(
        DomainParameters::from_ec_parameters_der(&h(&P256_EXPLICIT[..200])),
        Err(CryptoError::MalformedParameters(_))
    ));
    assert_eq!(
        DomainParameters::from_ec_parameters_der(&h("06062b0601020304")).unwrap_err(),
        CryptoError::UnknownParameters("1.3.6.1.2.3.4".into())
    );
}

#[test]
fn named_curve_oids_round_trip() {
    for c in NamedCurve::ALL {
        assert_eq!(NamedCurve::from_oid(c.oid()).unwrap(), c);
        assert_eq!(
            NamedCurve::from_standardized_id(u64::from(c.standardized_id())).unwrap(),
            c
        );
    }
}

#[test]
fn dh_public_values_are_validated() {
    for std_group in StandardDhGroup::ALL {
        let g = DhGroup::standard(std_group).unwrap();
        let p = g.p();
        let len = g.p_len();
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        let mut one = vec![0u8; len];
        *one.last_mut().unwrap() = 1;
        for bad in [
            vec![0u8; len],
            one,
            p_minus_1,
            p.clone(),
            vec![0xFF; len + 1],
        ] {
            assert_eq!(g.validate_public(&bad), Err(CryptoError::InvalidDhValue));
        }
        // 2 is not in the q-order subgroup of these groups
        let mut two = vec![0u8; len];
        *two.last_mut().unwrap() = 2;
        assert_eq!(g.validate_public(&two), Err(CryptoError::InvalidDhValue));
        g.validate_public(&g.g()).unwrap();
        // private keys must be below q
        assert_eq!(
            g.private_key_from_bytes(&g.q().unwrap()).unwrap_err(),
            CryptoError::InvalidScalar
        );
        assert_eq!(
            g.private_key_from_bytes(&[0]).unwrap_err(),
            CryptoError::InvalidScalar
        );
    }
}

#[test]
fn domain_parameters_yield_groups() {
    let ec = DomainParameters::from_standardized_id(14).unwrap();
    let g = ec.ec_group().unwrap();
    assert_eq!(g.named_curve(), Some(NamedCurve::BrainpoolP320r1));
    assert_eq!(g.field_len(), 40);
    assert!(matches!(ec.dh_group(), Err(CryptoError::Unsupported(_))));
    let dh = DomainParameters::from_standardized_id(2).unwrap();
    assert_eq!(dh.dh_group().unwrap().p_len(), 256);
    assert!(matches!(dh.ec_group(), Err(CryptoError::Unsupported(_))));
}
