#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! EC arithmetic: ICAO 9303-11 App. G.1 keys on both backends, point validation, ECDH.

use tapid_mrtd::crypto::{Backend, CryptoError, EcGroup, EcPoint, NamedCurve};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

fn both(c: NamedCurve) -> [EcGroup; 2] {
    [
        EcGroup::named(c).unwrap(),
        EcGroup::named_generic(c).unwrap(),
    ]
}

const SK_MAP_IFD: &str = "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99";
const PK_MAP_IFD: &str = "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D";
const PK_MAP_IC: &str = "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54";
const H_X: &str = "60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5";
const H_Y: &str = "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181";

#[test]
fn g1_mapping_keys_on_both_backends() {
    let [crate_g, generic_g] = both(NamedCurve::BrainpoolP256r1);
    assert_eq!(crate_g.backend(), Backend::Bp256);
    assert_eq!(generic_g.backend(), Backend::Generic);
    for g in [crate_g, generic_g] {
        let sk = g.private_key_from_bytes(&h(SK_MAP_IFD)).unwrap();
        let pk = g.public_from_private(&sk).unwrap();
        assert_eq!(pk.to_sec1_uncompressed(), h(PK_MAP_IFD));
        let peer = g.decode_point(&h(PK_MAP_IC)).unwrap();
        let shared = g.ecdh_point(&sk, &peer).unwrap();
        assert_eq!(shared.x(), h(H_X).as_slice());
        assert_eq!(shared.y(), h(H_Y).as_slice());
        let k = g.ecdh(&sk, &peer).unwrap();
        assert_eq!(k.as_slice(), h(H_X).as_slice());
    }
}

#[test]
fn invalid_points_are_rejected() {
    for c in NamedCurve::ALL {
        for g in both(c) {
            let good = g.generator().to_sec1_uncompressed();
            let len = good.len();
            // wrong length
            assert_eq!(
                g.decode_point(&good[..len - 1]),
                Err(CryptoError::InvalidPoint)
            );
            // compressed tag / wrong tag
            let mut bad_tag = good.clone();
            bad_tag[0] = 0x05;
            assert_eq!(g.decode_point(&bad_tag), Err(CryptoError::InvalidPoint));
            // identity encoding
            assert_eq!(g.decode_point(&[0x00]), Err(CryptoError::Identity));
            // not on curve
            let mut off = good.clone();
            off[len - 1] ^= 1;
            assert_eq!(g.decode_point(&off), Err(CryptoError::PointNotOnCurve));
            // x >= p
            let p = g.prime();
            let mut big = good.clone();
            big[1..1 + p.len()].copy_from_slice(&p);
            assert_eq!(g.decode_point(&big), Err(CryptoError::InvalidPoint));
            // the generator itself is fine
            assert_eq!(g.decode_point(&good).unwrap(), *g.generator());
        }
    }
}

#[test]
fn order_times_generator_is_identity() {
    for c in NamedCurve::ALL {
        for g in both(c) {
            let n = g.order();
            // (n-1)·G = -G, so (n-1)·G + G is the identity.
            let mut n_minus_1 = n.clone();
            *n_minus_1.last_mut().unwrap() -= 1;
            let p = g.mul_generator(&n_minus_1).unwrap();
            assert_eq!(p, g.neg(g.generator()).unwrap(), "{c:?}");
            assert_eq!(g.add(&p, g.generator()), Err(CryptoError::Identity));
            assert_eq!(g.mul_generator(&n), Err(CryptoError::Identity));
            let two = g.add(g.generator(), g.generator()).unwrap();
            assert_eq!(g.mul_generator(&[2]).unwrap(), two, "{c:?}");
            assert_eq!(g.scalar_mul_vartime(&[2], g.generator()).unwrap(), two);
        }
    }
}

#[test]
fn point_from_another_curve_is_rejected() {
    let p256 = EcGroup::named(NamedCurve::P256).unwrap();
    let bp256 = EcGroup::named(NamedCurve::BrainpoolP256r1).unwrap();
    let foreign: EcPoint = p256.generator().clone();
    assert_eq!(
        bp256.scalar_mul(&[3], &foreign),
        Err(CryptoError::PointNotOnCurve)
    );
    assert!(bp256.validate_point(&foreign).is_err());
}
