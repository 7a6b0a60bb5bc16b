#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Active Authentication: App. F message recovery, RSA ISO/IEC 9796-2 round trips with the BSI
//! TR-03105 key and generated keys (every trailer, odd modulus lengths, leading zeros), ECDSA
//! plain and DER on P-256 and brainpoolP256r1, and rejection of everything tampered.

use crypto_bigint::BoxedUint;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use tapid_card::tlv::{Tag, encode};
use tapid_mrtd::active_authentication::{
    AaError, AaVerdict, EcdsaEncoding, MessageRecovery, check_recovered, internal_authenticate,
    sign_ecdsa, sign_rsa_9796_2, verify,
};
use tapid_mrtd::crypto::{EcGroup, NamedCurve, ecdsa};
use tapid_mrtd::lds::dg15::{Dg15, Dg15PublicKey, RsaPublicKey};
use tapid_mrtd::pa::HashAlgorithm;
use tapid_test_support::conformance::{self, conformance_dir};
use tapid_test_support::rng::CounterRng;

const ALL_HASHES: [HashAlgorithm; 5] = [
    HashAlgorithm::Sha1,
    HashAlgorithm::Sha224,
    HashAlgorithm::Sha256,
    HashAlgorithm::Sha384,
    HashAlgorithm::Sha512,
];

const RND_IFD: [u8; 8] = [0xF1, 0x73, 0x58, 0x99, 0x74, 0xBF, 0x40, 0xC6];

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

/// The DG15 form of an `rsa` crate key (modulus with a DER sign byte where needed).
fn dg15_of(key: &rsa::PrivateKey) -> Dg15PublicKey {
    let int = |b: &[u8]| {
        let mut v = b.to_vec();
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        encode(Tag(0x02), &v)
    };
    let mut fields = int(&key.n_bytes());
    fields.extend(int(&key.e_bytes()));
    let pkcs1 = encode(Tag(0x30), &fields);
    let mut bits = vec![0u8];
    bits.extend(pkcs1);
    let mut spki = h("300D06092A864886F70D0101010500");
    spki.extend(encode(Tag(0x03), &bits));
    let dg15 = encode(Tag(0x6F), &encode(Tag(0x30), &spki));
    Dg15::parse(&dg15).unwrap().public_key
}

/// Raw RSA private operation on a hand-built representative F (k bytes).
fn raw_sign(key: &rsa::PrivateKey, f: &[u8]) -> Vec<u8> {
    let m = BoxedUint::from_be_slice(f, key.n_bits_precision()).unwrap();
    let s = rsa::hazmat::rsa_decrypt_and_check::<CounterRng>(key, None, &m).unwrap();
    let bytes = s.to_be_bytes_trimmed_vartime();
    let mut out = vec![0u8; key.size() - bytes.len()];
    out.extend_from_slice(&bytes);
    out
}

fn keygen(bits: usize, label: &str) -> rsa::PrivateKey {
    rsa::PrivateKey::new(&mut CounterRng::from_label(label), bits).unwrap()
}

#[test]
fn internal_authenticate_command() {
    let apdu = internal_authenticate(&RND_IFD);
    assert_eq!(apdu.ins, 0x88);
    assert_eq!(apdu.data, RND_IFD);
    assert_eq!(apdu.ne, Some(256));
}

#[test]
fn appendix_f_message_recovery() {
    let m1 = h("9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C98
                599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD4E
                7292E2DCDA3024B47DA8");
    let d = h("C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127");
    let f = h("6A9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C
               98599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD
               4E7292E2DCDA3024B47DA8C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127BC");
    assert_eq!(m1.len(), 106);
    assert_eq!(f.len(), 128);
    let mut message = m1.clone();
    message.extend_from_slice(&RND_IFD);
    assert_eq!(HashAlgorithm::Sha1.digest(&message), d);
    assert_eq!(
        check_recovered(&f, &RND_IFD),
        Ok((HashAlgorithm::Sha1, MessageRecovery::Partial))
    );
    // Another challenge, a flipped M1 bit or a flipped D bit: D no longer matches.
    assert_eq!(check_recovered(&f, &[0; 8]), Err(AaError::BadSignature));
    let mut bad = f.clone();
    bad[10] ^= 1;
    assert_eq!(check_recovered(&bad, &RND_IFD), Err(AaError::BadSignature));
    let mut bad = f.clone();
    bad[120] ^= 1;
    assert_eq!(check_recovered(&bad, &RND_IFD), Err(AaError::BadSignature));
    // Broken structure: the header's top bits or the trailer nibble.
    let mut bad = f.clone();
    bad[0] = 0x2A;
    assert_eq!(check_recovered(&bad, &RND_IFD), Err(AaError::BadSignature));
    let mut bad = f.clone();
    bad[127] = 0xBD;
    assert_eq!(check_recovered(&bad, &RND_IFD), Err(AaError::BadSignature));
    // A 9796-2 header with padding (6B) is structurally fine but unsupported.
    let mut bad = f.clone();
    bad[0] = 0x6B;
    assert_eq!(
        check_recovered(&bad, &RND_IFD),
        Err(AaError::UnsupportedHeader(0x6B))
    );
    // A leading zero byte before F (k−1 byte representative) is accepted.
    let mut padded = vec![0];
    padded.extend_from_slice(&f);
    assert!(check_recovered(&padded, &RND_IFD).is_ok());
}

#[test]
fn bsi_reference_key_round_trip() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let sk = rsa::PrivateKey::from_pkcs8_der(&conformance::read(
        &dir,
        "bsi-tr03105-reference/DG15_sk.pkcs8",
    ))
    .unwrap();
    let pk = Dg15PublicKey::from_spki_der(&conformance::read(
        &dir,
        "bsi-tr03105-reference/DG15_pk.bin",
    ))
    .unwrap();
    let dg15 = Dg15::parse(&conformance::read(
        &dir,
        "bsi-tr03105-reference/Datagroup15.bin",
    ))
    .unwrap();
    let (Dg15PublicKey::Rsa(a), Dg15PublicKey::Rsa(b)) = (&pk, &dg15.public_key) else {
        panic!("BSI DG15 is RSA");
    };
    assert_eq!(a, b);
    assert_eq!(a.bits, 1024);
    assert_eq!(a.modulus, sk.n_bytes().to_vec());
    let mut rng = CounterRng::from_label("bsi");
    for hash in ALL_HASHES {
        let sig = sign_rsa_9796_2(&sk, &RND_IFD, hash, &mut rng).unwrap();
        assert_eq!(sig.len(), 128);
        assert_eq!(
            verify(&dg15.public_key, &RND_IFD, &sig, None),
            Ok(AaVerdict::Rsa {
                hash,
                recovery: MessageRecovery::Partial,
                key_bits: 1024
            })
        );
        let mut other = RND_IFD;
        other[7] ^= 0x80;
        assert_eq!(
            verify(&dg15.public_key, &other, &sig, None),
            Err(AaError::BadSignature)
        );
        let mut tampered = sig.clone();
        tampered[64] ^= 0x04;
        assert_eq!(
            verify(&dg15.public_key, &RND_IFD, &tampered, None),
            Err(AaError::BadSignature)
        );
    }
}

#[test]
fn generated_keys_every_trailer_and_header() {
    let sk = keygen(1024, "gen-1024");
    let pk = dg15_of(&sk);
    let k = sk.size();
    let mut rng = CounterRng::from_label("trailers");
    for hash in ALL_HASHES {
        let sig = sign_rsa_9796_2(&sk, &RND_IFD, hash, &mut rng).unwrap();
        assert!(
            matches!(verify(&pk, &RND_IFD, &sig, None), Ok(AaVerdict::Rsa { hash: got, .. }) if got == hash)
        );
    }
    // Hand-built representatives: explicit SHA-1 trailer 33CC, total recovery 4A, and an
    // unknown hash identifier.
    let build = |header: u8, hash: HashAlgorithm, trailer: &[u8]| {
        let capacity = k - 1 - hash.output_len() - trailer.len();
        let m1: Vec<u8> = (0..capacity).map(|i| i as u8).collect();
        let mut msg = m1.clone();
        msg.extend_from_slice(&RND_IFD);
        let mut f = vec![header];
        f.extend(m1);
        f.extend(hash.digest(&msg));
        f.extend_from_slice(trailer);
        raw_sign(&sk, &f)
    };
    assert!(matches!(
        verify(
            &pk,
            &RND_IFD,
            &build(0x6A, HashAlgorithm::Sha1, &[0x33, 0xCC]),
            None
        ),
        Ok(AaVerdict::Rsa {
            hash: HashAlgorithm::Sha1,
            ..
        })
    ));
    assert!(matches!(
        verify(
            &pk,
            &RND_IFD,
            &build(0x4A, HashAlgorithm::Sha256, &[0x34, 0xCC]),
            None
        ),
        Ok(AaVerdict::Rsa {
            recovery: MessageRecovery::Total,
            ..
        })
    ));
    assert_eq!(
        verify(
            &pk,
            &RND_IFD,
            &build(0x6A, HashAlgorithm::Sha256, &[0x37, 0xCC]),
            None
        ),
        Err(AaError::UnsupportedTrailer(0x37))
    );
    assert_eq!(
        verify(
            &pk,
            &RND_IFD,
            &build(0x6A, HashAlgorithm::Sha256, &[0x3C]),
            None
        ),
        Err(AaError::MalformedTrailer)
    );
    // A trailer naming the wrong hash: D does not match.
    assert_eq!(
        verify(
            &pk,
            &RND_IFD,
            &build(0x6A, HashAlgorithm::Sha256, &[0x36, 0xCC]),
            None
        ),
        Err(AaError::BadSignature)
    );
    // A signature from another key.
    let other = keygen(1024, "gen-other");
    let sig = sign_rsa_9796_2(&other, &RND_IFD, HashAlgorithm::Sha1, &mut rng).unwrap();
    assert_eq!(
        verify(&pk, &RND_IFD, &sig, None),
        Err(AaError::BadSignature)
    );
}

#[test]
fn leading_zeros_and_odd_modulus_lengths() {
    // σ with a leading zero byte, sent as-is (k bytes) and stripped (k−1 bytes).
    let sk = keygen(1024, "zeros");
    let pk = dg15_of(&sk);
    let mut rng = CounterRng::from_label("zeros-sign");
    let sig = (0..5000)
        .map(|_| sign_rsa_9796_2(&sk, &RND_IFD, HashAlgorithm::Sha256, &mut rng).unwrap())
        .find(|s| s[0] == 0)
        .expect("a signature with a leading zero byte");
    assert!(verify(&pk, &RND_IFD, &sig, None).is_ok());
    assert!(verify(&pk, &RND_IFD, &sig[1..], None).is_ok());
    let mut longer = vec![0, 0];
    longer.extend_from_slice(&sig);
    assert!(verify(&pk, &RND_IFD, &longer, None).is_ok());
    // Moduli whose bit length is not a multiple of 8: F sits below a zero byte.
    for bits in [1025, 1031, 1032 + 4] {
        let sk = keygen(bits, &format!("odd-{bits}"));
        let pk = dg15_of(&sk);
        let Dg15PublicKey::Rsa(r) = &pk else { panic!() };
        assert_eq!(r.bits, bits);
        for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha512] {
            let sig = sign_rsa_9796_2(&sk, &RND_IFD, hash, &mut rng).unwrap();
            assert!(verify(&pk, &RND_IFD, &sig, None).is_ok(), "{bits} bits");
        }
    }
}

#[test]
fn malformed_signatures_and_keys() {
    let sk = keygen(1024, "malformed");
    let pk = dg15_of(&sk);
    assert!(matches!(
        verify(&pk, &RND_IFD, &[], None),
        Err(AaError::MalformedSignature(_))
    ));
    assert!(matches!(
        verify(&pk, &RND_IFD, &[0; 128], None),
        Err(AaError::MalformedSignature(_))
    ));
    assert!(matches!(
        verify(&pk, &RND_IFD, &[0xFF; 128], None),
        Err(AaError::MalformedSignature(_))
    ));
    assert!(matches!(
        verify(&pk, &RND_IFD, &[0x01; 129], None),
        Err(AaError::MalformedSignature(_))
    ));
    assert_eq!(
        verify(&pk, &RND_IFD, &[0x01; 128], None),
        Err(AaError::BadSignature)
    );
    // A 512-bit key: parsed from DG15, refused for AA; also refused on the chip side.
    let small = rsa::PrivateKey::new_unchecked(&mut CounterRng::from_label("small"), 512).unwrap();
    let small_pk = dg15_of(&small);
    assert_eq!(
        verify(&small_pk, &RND_IFD, &[0x01; 64], None),
        Err(AaError::KeyTooSmall {
            bits: 512,
            min: 1024
        })
    );
    assert!(matches!(
        sign_rsa_9796_2(
            &small,
            &RND_IFD,
            HashAlgorithm::Sha1,
            &mut CounterRng::from_label("x")
        ),
        Err(AaError::KeyTooSmall { .. })
    ));
    // An even "modulus" is not an RSA key.
    let even = Dg15PublicKey::Rsa(RsaPublicKey {
        modulus: vec![0xC0; 128],
        exponent: vec![1, 0, 1],
        bits: 1024,
    });
    assert!(matches!(
        verify(&even, &RND_IFD, &[0x01; 128], None),
        Err(AaError::InvalidKey(_))
    ));
}

fn ec_dg15(curve: NamedCurve, point: &[u8]) -> Dg15PublicKey {
    let oid = |dotted: &str| {
        let oid = const_oid::ObjectIdentifier::new(dotted).unwrap();
        encode(Tag(0x06), oid.as_bytes())
    };
    let mut alg = oid("1.2.840.10045.2.1");
    alg.extend(oid(curve.oid()));
    let mut spki = encode(Tag(0x30), &alg);
    let mut bits = vec![0u8];
    bits.extend_from_slice(point);
    spki.extend(encode(Tag(0x03), &bits));
    let dg15 = encode(Tag(0x6F), &encode(Tag(0x30), &spki));
    Dg15::parse(&dg15).unwrap().public_key
}

#[test]
fn ecdsa_plain_and_der() {
    for curve in [NamedCurve::P256, NamedCurve::BrainpoolP256r1] {
        let group = EcGroup::named(curve).unwrap();
        let mut rng = CounterRng::from_label(curve.name());
        let pair = group.generate_keypair(&mut rng).unwrap();
        let pk = ec_dg15(curve, &pair.public.to_sec1_uncompressed());
        assert_eq!(pk.describe(), format!("EC {}", curve.name()));
        for hash in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
        ] {
            let plain = sign_ecdsa(&group, &pair.private, &RND_IFD, hash, &mut rng).unwrap();
            assert_eq!(plain.len(), 64);
            let verdict = verify(&pk, &RND_IFD, &plain, Some(hash)).unwrap();
            assert_eq!(
                verdict,
                AaVerdict::Ecdsa {
                    hash,
                    encoding: EcdsaEncoding::Plain,
                    curve: curve.name().to_owned()
                }
            );
            let der = ecdsa::Signature::from_plain(&plain)
                .unwrap()
                .to_der()
                .unwrap();
            assert!(matches!(
                verify(&pk, &RND_IFD, &der, Some(hash)),
                Ok(AaVerdict::Ecdsa {
                    encoding: EcdsaEncoding::Der,
                    ..
                })
            ));
            let mut tampered = plain.clone();
            tampered[40] ^= 1;
            assert_eq!(
                verify(&pk, &RND_IFD, &tampered, Some(hash)),
                Err(AaError::BadSignature)
            );
            assert_eq!(
                verify(&pk, &[0; 8], &plain, Some(hash)),
                Err(AaError::BadSignature)
            );
        }
        // No hash given: SHA-256 is the documented default.
        let sig = sign_ecdsa(
            &group,
            &pair.private,
            &RND_IFD,
            HashAlgorithm::Sha256,
            &mut rng,
        )
        .unwrap();
        assert!(verify(&pk, &RND_IFD, &sig, None).is_ok());
        let sig = sign_ecdsa(
            &group,
            &pair.private,
            &RND_IFD,
            HashAlgorithm::Sha512,
            &mut rng,
        )
        .unwrap();
        assert_eq!(
            verify(&pk, &RND_IFD, &sig, None),
            Err(AaError::BadSignature)
        );
        assert!(matches!(
            verify(&pk, &RND_IFD, &[0x30, 0x03, 0x02, 0x01], None),
            Err(AaError::MalformedSignature(_))
        ));
        assert!(matches!(
            verify(&pk, &RND_IFD, &[1; 63], None),
            Err(AaError::MalformedSignature(_))
        ));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn verify_never_panics(sig in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        static KEYS: std::sync::OnceLock<(Dg15PublicKey, Dg15PublicKey)> = std::sync::OnceLock::new();
        let (rsa_pk, ec_pk) = KEYS.get_or_init(|| {
            let group = EcGroup::named(NamedCurve::BrainpoolP256r1).unwrap();
            let pair = group.generate_keypair(&mut CounterRng::from_label("prop")).unwrap();
            (dg15_of(&keygen(1024, "prop")), ec_dg15(NamedCurve::BrainpoolP256r1, &pair.public.to_sec1_uncompressed()))
        });
        proptest::prop_assert!(verify(rsa_pk, &RND_IFD, &sig, None).is_err());
        proptest::prop_assert!(verify(ec_pk, &RND_IFD, &sig, None).is_err());
        let _ = check_recovered(&sig, &RND_IFD);
    }
}
