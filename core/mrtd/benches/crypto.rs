#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Timing of the curve and group arithmetic, per curve and backend. Prints a table; run with
//! `cargo bench -p tapid-mrtd --bench crypto`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tapid_mrtd::crypto::ecdsa::{Signature, sign_prehash, verify_prehash};
use tapid_mrtd::crypto::pace_map::im_ec_map;
use tapid_mrtd::crypto::{DhGroup, EcGroup, ImCipher, NamedCurve, StandardDhGroup};

/// Fixed-output "RNG" for the benchmark (a counter through a simple mixer; not secure).
struct BenchRng(u64);

impl rand_core::TryRng for BenchRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Ok(self.0 ^ (self.0 >> 29))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_be_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for BenchRng {}

fn time<F: FnMut()>(mut f: F) -> Duration {
    // warm up, then run for ~300 ms
    f();
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_millis(300) || n < 3 {
        f();
        n += 1;
    }
    start.elapsed() / n
}

fn ms(d: Duration) -> String {
    format!("{:8.3} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let mut rng = BenchRng(42);
    println!("scalar multiplication k·P (constant time) and ECDSA verify, per curve and backend");
    println!(
        "{:<24} {:<8} {:>11} {:>11} {:>11}",
        "curve", "backend", "k·P (CT)", "k·P (VT)", "ECDSA vfy"
    );
    for c in NamedCurve::ALL {
        let mut groups = vec![EcGroup::named_generic(c).unwrap()];
        let fast = EcGroup::named(c).unwrap();
        if fast.backend() != tapid_mrtd::crypto::Backend::Generic {
            groups.push(fast);
        }
        for g in groups {
            let kp = g.generate_keypair(&mut rng).unwrap();
            let k = g.random_scalar(&mut rng).unwrap();
            let ct = time(|| {
                black_box(g.scalar_mul(k.as_bytes(), &kp.public).unwrap());
            });
            let vt = time(|| {
                black_box(g.scalar_mul_vartime(k.as_bytes(), &kp.public).unwrap());
            });
            let prehash = [0x5Au8; 32];
            let sig: Signature = sign_prehash(&g, &kp.private, &prehash, &mut rng).unwrap();
            let pk = kp.public.to_sec1_uncompressed();
            let vfy = time(|| {
                verify_prehash(&g, &pk, &prehash, &sig).unwrap();
            });
            println!(
                "{:<24} {:<8} {} {} {}",
                c.name(),
                format!("{:?}", g.backend()),
                ms(ct),
                ms(vt),
                ms(vfy)
            );
        }
    }

    println!();
    println!("PACE ECDH-IM mapping (PRF + point encoding), brainpoolP256r1, AES-128");
    for g in [
        EcGroup::named_generic(NamedCurve::BrainpoolP256r1).unwrap(),
        EcGroup::named(NamedCurve::BrainpoolP256r1).unwrap(),
    ] {
        let d = time(|| {
            black_box(im_ec_map(&g, ImCipher::Aes128, &[7u8; 16], &[9u8; 16]).unwrap());
        });
        println!("  {:<8} {}", format!("{:?}", g.backend()), ms(d));
    }

    println!();
    println!("DH mod p: key generation g^x and shared secret y^x (with y^q validation)");
    for sg in StandardDhGroup::ALL {
        let g = DhGroup::standard(sg).unwrap();
        let a = g.generate_keypair(&mut rng).unwrap();
        let b = g.generate_keypair(&mut rng).unwrap();
        let kg = time(|| {
            black_box(g.public_from_private(&a.private).unwrap());
        });
        let ss = time(|| {
            black_box(g.shared_secret(&a.private, &b.public).unwrap());
        });
        println!("  {:?}: g^x {}  shared {}", sg, ms(kg), ms(ss));
    }
}
