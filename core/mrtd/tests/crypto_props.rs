#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Property tests: the generic backend agrees with the RustCrypto crates; ECDH and DH agree
//! in both directions; random byte strings are not accepted as points.

use proptest::prelude::*;
use tapid_mrtd::crypto::{CryptoError, DhGroup, EcGroup, NamedCurve, StandardDhGroup};
use tapid_test_support::rng::CounterRng;

const CRATE_CURVES: [NamedCurve; 5] = [
    NamedCurve::P256,
    NamedCurve::P384,
    NamedCurve::P521,
    NamedCurve::BrainpoolP256r1,
    NamedCurve::BrainpoolP384r1,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generic_agrees_with_crates(idx in 0usize..5, k1 in prop::collection::vec(any::<u8>(), 1..80),
                                  k2 in prop::collection::vec(any::<u8>(), 1..80)) {
        let c = CRATE_CURVES[idx];
        let fast = EcGroup::named(c).unwrap();
        let generic = EcGroup::named_generic(c).unwrap();
        // scalar multiplication of the generator (scalars of any length are reduced mod n)
        let a = fast.mul_generator(&k1);
        let b = generic.mul_generator(&k1);
        prop_assert_eq!(&a, &b);
        if let Ok(p) = a {
            // scalar multiplication of another point, both CT and vartime
            prop_assert_eq!(fast.scalar_mul(&k2, &p), generic.scalar_mul(&k2, &p));
            prop_assert_eq!(fast.scalar_mul_vartime(&k2, &p), generic.scalar_mul(&k2, &p));
            prop_assert_eq!(
                fast.mul_add_vartime(&k1, fast.generator(), &k2, &p),
                generic.mul_add_vartime(&k1, generic.generator(), &k2, &p)
            );
            prop_assert_eq!(fast.add(&p, fast.generator()), generic.add(&p, generic.generator()));
        }
    }

    #[test]
    fn ecdh_agrees_both_ways_on_every_curve(idx in 0usize..11, seed in any::<[u8; 32]>()) {
        let c = NamedCurve::ALL[idx];
        let mut rng = CounterRng::new(seed);
        for g in [EcGroup::named(c).unwrap(), EcGroup::named_generic(c).unwrap()] {
            let a = g.generate_keypair(&mut rng).unwrap();
            let b = g.generate_keypair(&mut rng).unwrap();
            let k_ab = g.ecdh(&a.private, &b.public).unwrap();
            let k_ba = g.ecdh(&b.private, &a.public).unwrap();
            prop_assert_eq!(k_ab.len(), g.field_len());
            prop_assert_eq!(k_ab, k_ba);
        }
    }

    #[test]
    fn random_bytes_are_not_points(idx in 0usize..11, body in prop::collection::vec(any::<u8>(), 0..140)) {
        let c = NamedCurve::ALL[idx];
        for g in [EcGroup::named(c).unwrap(), EcGroup::named_generic(c).unwrap()] {
            let mut enc = vec![0x04];
            enc.extend_from_slice(&body);
            let r = g.decode_point(&enc);
            prop_assert!(matches!(
                r,
                Err(CryptoError::InvalidPoint) | Err(CryptoError::PointNotOnCurve)
            ), "{:?}", r);
        }
    }

    #[test]
    fn dh_agrees_both_ways(seed in any::<[u8; 32]>(), idx in 0usize..3) {
        let g = DhGroup::standard(StandardDhGroup::ALL[idx]).unwrap();
        let mut rng = CounterRng::new(seed);
        let a = g.generate_keypair(&mut rng).unwrap();
        let b = g.generate_keypair(&mut rng).unwrap();
        prop_assert_eq!(a.public.len(), g.p_len());
        g.validate_public(&a.public).unwrap();
        let k1 = g.shared_secret(&a.private, &b.public).unwrap();
        let k2 = g.shared_secret(&b.private, &a.public).unwrap();
        prop_assert_eq!(k1.len(), g.p_len());
        prop_assert_eq!(k1, k2);
    }
}
