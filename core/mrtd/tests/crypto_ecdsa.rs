#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! ECDSA: sign/verify round trips on every curve and backend, cross-checks with the `ecdsa`
//! crate, encodings, and rejection of tampered signatures.

use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use sha2::Digest;
use tapid_mrtd::crypto::ecdsa::{Signature, sign_prehash, verify_prehash};
use tapid_mrtd::crypto::{CryptoError, EcGroup, NamedCurve};
use tapid_test_support::rng::CounterRng;

#[test]
fn sign_verify_round_trip_every_curve_both_backends() {
    let mut rng = CounterRng::from_label("ecdsa round trip");
    for c in NamedCurve::ALL {
        for g in [
            EcGroup::named(c).unwrap(),
            EcGroup::named_generic(c).unwrap(),
        ] {
            let kp = g.generate_keypair(&mut rng).unwrap();
            let pk = kp.public.to_sec1_uncompressed();
            for prehash in [
                sha2::Sha256::digest(b"abc").to_vec(),
                sha2::Sha512::digest(b"abc").to_vec(),
                sha1::Sha1::digest(b"abc").to_vec(),
            ] {
                let sig = sign_prehash(&g, &kp.private, &prehash, &mut rng).unwrap();
                verify_prehash(&g, &pk, &prehash, &sig).unwrap();
                // The other backend accepts it too.
                let other = if g.backend() == tapid_mrtd::crypto::Backend::Generic {
                    EcGroup::named(c).unwrap()
                } else {
                    EcGroup::named_generic(c).unwrap()
                };
                verify_prehash(&other, &pk, &prehash, &sig).unwrap();
                let mut wrong = prehash.clone();
                wrong[0] ^= 0x80;
                assert_eq!(
                    verify_prehash(&g, &pk, &wrong, &sig),
                    Err(CryptoError::InvalidSignature),
                    "{c:?}"
                );
                let swapped = Signature::from_scalars(sig.s(), sig.r());
                assert!(verify_prehash(&g, &pk, &prehash, &swapped).is_err());
            }
        }
    }
}

#[test]
fn encodings_round_trip_and_reject_out_of_range() {
    let mut rng = CounterRng::from_label("encodings");
    let g = EcGroup::named(NamedCurve::BrainpoolP320r1).unwrap();
    let kp = g.generate_keypair(&mut rng).unwrap();
    let prehash = sha2::Sha384::digest(b"message");
    let sig = sign_prehash(&g, &kp.private, &prehash, &mut rng).unwrap();
    let der = sig.to_der().unwrap();
    assert_eq!(Signature::from_der(&der).unwrap(), sig);
    let plain = sig.to_plain(g.order_len()).unwrap();
    assert_eq!(plain.len(), 2 * 40);
    assert_eq!(Signature::from_plain(&plain).unwrap(), sig);
    assert_eq!(
        Signature::from_plain(&plain[1..]),
        Err(CryptoError::MalformedSignature)
    );
    assert_eq!(
        Signature::from_der(&der[..der.len() - 1]),
        Err(CryptoError::MalformedSignature)
    );
    let pk = kp.public.to_sec1_uncompressed();
    let n = g.order();
    let r_is_n = Signature::from_scalars(&n, sig.s());
    assert_eq!(
        verify_prehash(&g, &pk, &prehash, &r_is_n),
        Err(CryptoError::InvalidSignature)
    );
    let s_zero = Signature::from_scalars(sig.r(), &[0]);
    assert_eq!(
        verify_prehash(&g, &pk, &prehash, &s_zero),
        Err(CryptoError::InvalidSignature)
    );
}

#[test]
fn cross_check_with_ecdsa_crate_p256() {
    let mut rng = CounterRng::from_label("p256 cross");
    let generic = EcGroup::named_generic(NamedCurve::P256).unwrap();
    let kp = generic.generate_keypair(&mut rng).unwrap();
    let prehash = sha2::Sha256::digest(b"cross-check");
    // ours -> crate
    let sig = sign_prehash(&generic, &kp.private, &prehash, &mut rng).unwrap();
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&kp.public.to_sec1_uncompressed()).unwrap();
    let crate_sig = p256::ecdsa::Signature::from_slice(&sig.to_plain(32).unwrap()).unwrap();
    vk.verify_prehash(&prehash, &crate_sig).unwrap();
    // crate -> ours (generic path, DER)
    let sk = p256::ecdsa::SigningKey::from_slice(kp.private.as_bytes()).unwrap();
    let s2: p256::ecdsa::Signature = sk.sign_prehash(&prehash).unwrap();
    let ours = Signature::from_der(s2.to_der().as_bytes()).unwrap();
    verify_prehash(&generic, &kp.public.to_sec1_uncompressed(), &prehash, &ours).unwrap();
}

#[test]
fn cross_check_with_ecdsa_crate_bp256() {
    let mut rng = CounterRng::from_label("bp256 cross");
    let generic = EcGroup::named_generic(NamedCurve::BrainpoolP256r1).unwrap();
    let kp = generic.generate_keypair(&mut rng).unwrap();
    let prehash = sha2::Sha256::digest(b"cross-check bp");
    let sig = sign_prehash(&generic, &kp.private, &prehash, &mut rng).unwrap();
    let vk = ecdsa::VerifyingKey::<bp256::BrainpoolP256r1>::from_sec1_bytes(
        &kp.public.to_sec1_uncompressed(),
    )
    .unwrap();
    let crate_sig =
        ecdsa::Signature::<bp256::BrainpoolP256r1>::from_slice(&sig.to_plain(32).unwrap()).unwrap();
    vk.verify_prehash(&prehash, &crate_sig).unwrap();
    let sk =
        ecdsa::SigningKey::<bp256::BrainpoolP256r1>::from_slice(kp.private.as_bytes()).unwrap();
    let s2: ecdsa::Signature<bp256::BrainpoolP256r1> = sk.sign_prehash(&prehash).unwrap();
    let ours = Signature::from_plain(&s2.to_bytes()).unwrap();
    verify_prehash(&generic, &kp.public.to_sec1_uncompressed(), &prehash, &ours).unwrap();
}
