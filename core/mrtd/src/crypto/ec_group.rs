//! One EC API over two backends: the RustCrypto curve crates for P-256/384/521 and
//! brainpoolP256r1/P384r1, and the generic runtime-parameter code for everything else.

use std::sync::{Arc, OnceLock};

use crypto_bigint::BoxedUint;
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::CryptoError;
use super::crate_backend as cb;
use super::curves::NamedCurve;
use super::ec_params::{EcCurve, EcCurveParams};
use super::ec_point::{EcKeyPair, EcPoint, EcPrivateKey};
use super::field::PrimeField;
use super::weierstrass::{Affine, GenericCurve};

/// Which implementation does the point arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `p256` crate.
    P256,
    /// `p384` crate.
    P384,
    /// `p521` crate.
    P521,
    /// `bp256` crate (brainpoolP256r1).
    Bp256,
    /// `bp384` crate (brainpoolP384r1).
    Bp384,
    /// This crate's generic short-Weierstrass code.
    Generic,
}

impl Backend {
    fn for_named(c: NamedCurve) -> Self {
        match c {
            NamedCurve::P256 => Backend::P256,
            NamedCurve::P384 => Backend::P384,
            NamedCurve::P521 => Backend::P521,
            NamedCurve::BrainpoolP256r1 => Backend::Bp256,
            NamedCurve::BrainpoolP384r1 => Backend::Bp384,
            _ => Backend::Generic,
        }
    }
}

/// An elliptic-curve group with a (possibly mapped) generator: the object PACE, CA, AA and
/// passive authentication compute in.
#[derive(Clone, Debug)]
pub struct EcGroup {
    curve: Arc<GenericCurve>,
    named: Option<NamedCurve>,
    backend: Backend,
    generator: EcPoint,
}

fn named_cache(c: NamedCurve) -> Result<Arc<GenericCurve>, CryptoError> {
    static CACHE: [OnceLock<Arc<GenericCurve>>; 11] = [const { OnceLock::new() }; 11];
    let slot = NamedCurve::ALL
        .iter()
        .position(|x| *x == c)
        .and_then(|i| CACHE.get(i))
        .ok_or(CryptoError::UnsupportedCurve(c.oid().to_owned()))?;
    if let Some(curve) = slot.get() {
        return Ok(curve.clone());
    }
    let curve = Arc::new(build(&EcCurveParams::named(c))?);
    Ok(slot.get_or_init(|| curve).clone())
}

fn build(p: &EcCurveParams) -> Result<GenericCurve, CryptoError> {
    GenericCurve::new(p)
}

impl EcGroup {
    /// A named curve on its standard generator, using the crate backend when there is one.
    pub fn named(c: NamedCurve) -> Result<Self, CryptoError> {
        Self::assemble(named_cache(c)?, Some(c), Backend::for_named(c))
    }

    /// A named curve forced onto the generic backend (cross-checks and benchmarks).
    pub fn named_generic(c: NamedCurve) -> Result<Self, CryptoError> {
        Self::assemble(named_cache(c)?, Some(c), Backend::Generic)
    }

    /// A group from explicit parameters; parameters equal to a named curve use that curve.
    pub fn from_params(params: &EcCurveParams) -> Result<Self, CryptoError> {
        match params.identify() {
            Some(c) => Self::named(c),
            None => Self::assemble(Arc::new(build(params)?), None, Backend::Generic),
        }
    }

    /// A group for a named or explicit curve.
    pub fn new(curve: &EcCurve) -> Result<Self, CryptoError> {
        match curve {
            EcCurve::Named(c) => Self::named(*c),
            EcCurve::Explicit(p) => Self::from_params(p),
        }
    }

    fn assemble(
        curve: Arc<GenericCurve>,
        named: Option<NamedCurve>,
        backend: Backend,
    ) -> Result<Self, CryptoError> {
        let (x, y) = curve.affine_to_bytes(&curve.g);
        Ok(Self {
            curve,
            named,
            backend,
            generator: EcPoint::from_coordinates(x, y),
        })
    }

    /// The same curve with another generator (PACE's mapped Ĝ); the point is validated.
    pub fn with_generator(&self, generator: &EcPoint) -> Result<Self, CryptoError> {
        self.validate_point(generator)?;
        Ok(Self {
            generator: generator.clone(),
            ..self.clone()
        })
    }

    /// The named curve, if the parameters are one.
    pub fn named_curve(&self) -> Option<NamedCurve> {
        self.named
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The current generator.
    pub fn generator(&self) -> &EcPoint {
        &self.generator
    }

    /// The curve's standard base point G (unchanged by [`Self::with_generator`]); ECDSA
    /// always uses it.
    pub fn base_point(&self) -> EcPoint {
        let (x, y) = self.curve.affine_to_bytes(&self.curve.g);
        EcPoint::from_coordinates(x, y)
    }

    /// Byte width of field elements (and of each coordinate, and of the ECDH secret).
    pub fn field_len(&self) -> usize {
        self.curve.field_len()
    }

    /// Byte width of scalars (the order n).
    pub fn order_len(&self) -> usize {
        self.curve.order.len()
    }

    /// Bit length of the order n.
    pub fn order_bits(&self) -> u32 {
        self.curve.order.bits()
    }

    /// The order n, big-endian, `order_len()` bytes.
    pub fn order(&self) -> Vec<u8> {
        self.curve.order.modulus_bytes()
    }

    /// The field prime p, big-endian, `field_len()` bytes.
    pub fn prime(&self) -> Vec<u8> {
        self.curve.field.modulus_bytes()
    }

    pub(crate) fn generic(&self) -> &GenericCurve {
        &self.curve
    }

    pub(crate) fn order_field(&self) -> &PrimeField {
        &self.curve.order
    }

    /// Decodes and validates an uncompressed SEC1 point (`04 ‖ X ‖ Y`, fixed width):
    /// coordinates < p, on the curve, not the identity, in the subgroup when h > 1.
    pub fn decode_point(&self, sec1: &[u8]) -> Result<EcPoint, CryptoError> {
        let expected = 1 + 2 * self.field_len();
        if sec1.len() != expected {
            return Err(match sec1.first() {
                Some(0x00) if sec1.len() == 1 => CryptoError::Identity,
                _ => CryptoError::InvalidPoint,
            });
        }
        let p = EcPoint::from_sec1_uncompressed(sec1)?;
        self.validate_point(&p)?;
        Ok(p)
    }

    /// Checks that a point belongs to this group (see [`Self::decode_point`]).
    pub fn validate_point(&self, p: &EcPoint) -> Result<(), CryptoError> {
        let a = self.curve.affine_from_bytes(p.x(), p.y())?;
        self.curve.check_subgroup(&a)
    }

    fn affine(&self, p: &EcPoint) -> Result<Affine, CryptoError> {
        let a = self.curve.affine_from_bytes(p.x(), p.y())?;
        self.curve.check_subgroup(&a)?;
        Ok(a)
    }

    fn point(&self, a: &Affine) -> EcPoint {
        let (x, y) = self.curve.affine_to_bytes(a);
        EcPoint::from_coordinates(x, y)
    }

    /// Reduces a big-endian scalar of any length modulo n (constant time in its value).
    fn reduce(&self, k: &[u8]) -> Zeroizing<Vec<u8>> {
        let order = &self.curve.order;
        Zeroizing::new(order.uint_to_bytes(&order.uint_reduced(k)))
    }

    /// `k·P` in constant time with respect to `k` (reduced modulo n first). For secret
    /// scalars. The identity result is an error.
    pub fn scalar_mul(&self, k: &[u8], p: &EcPoint) -> Result<EcPoint, CryptoError> {
        let k = self.reduce(k);
        match self.backend {
            Backend::P256 => cb::mul::<p256::NistP256>(&k, p),
            Backend::P384 => cb::mul::<p384::NistP384>(&k, p),
            Backend::P521 => cb::mul::<p521::NistP521>(&k, p),
            Backend::Bp256 => cb::mul::<bp256::BrainpoolP256r1>(&k, p),
            Backend::Bp384 => cb::mul::<bp384::BrainpoolP384r1>(&k, p),
            Backend::Generic => {
                let a = self.affine(p)?;
                let ku = Zeroizing::new(self.curve.order.uint_reduced(&k));
                Ok(self.point(&self.curve.mul_ct(&ku, &a)?))
            }
        }
    }

    /// `k·P` in variable time: only for public scalars (signature verification).
    pub fn scalar_mul_vartime(&self, k: &[u8], p: &EcPoint) -> Result<EcPoint, CryptoError> {
        let k = self.reduce(k);
        match self.backend {
            Backend::P256 => cb::mul_vartime::<p256::NistP256>(&k, p),
            Backend::P384 => cb::mul_vartime::<p384::NistP384>(&k, p),
            Backend::P521 => cb::mul_vartime::<p521::NistP521>(&k, p),
            Backend::Bp256 => cb::mul_vartime::<bp256::BrainpoolP256r1>(&k, p),
            Backend::Bp384 => cb::mul_vartime::<bp384::BrainpoolP384r1>(&k, p),
            Backend::Generic => {
                let a = self.affine(p)?;
                let ku = self.curve.order.uint_reduced(&k);
                Ok(self.point(&self.curve.mul_vartime(&ku, &a)?))
            }
        }
    }

    /// `u1·P + u2·Q` in variable time (public scalars).
    pub fn mul_add_vartime(
        &self,
        u1: &[u8],
        p: &EcPoint,
        u2: &[u8],
        q: &EcPoint,
    ) -> Result<EcPoint, CryptoError> {
        let (u1, u2) = (self.reduce(u1), self.reduce(u2));
        match self.backend {
            Backend::P256 => cb::mul_add_vartime::<p256::NistP256>(&u1, p, &u2, q),
            Backend::P384 => cb::mul_add_vartime::<p384::NistP384>(&u1, p, &u2, q),
            Backend::P521 => cb::mul_add_vartime::<p521::NistP521>(&u1, p, &u2, q),
            Backend::Bp256 => cb::mul_add_vartime::<bp256::BrainpoolP256r1>(&u1, p, &u2, q),
            Backend::Bp384 => cb::mul_add_vartime::<bp384::BrainpoolP384r1>(&u1, p, &u2, q),
            Backend::Generic => {
                let (a, b) = (self.affine(p)?, self.affine(q)?);
                let order = &self.curve.order;
                let r = self.curve.mul_add_vartime(
                    &order.uint_reduced(&u1),
                    &a,
                    &order.uint_reduced(&u2),
                    &b,
                )?;
                Ok(self.point(&r))
            }
        }
    }

    /// `P + Q`; a sum equal to the identity is an error.
    pub fn add(&self, p: &EcPoint, q: &EcPoint) -> Result<EcPoint, CryptoError> {
        match self.backend {
            Backend::P256 => cb::add::<p256::NistP256>(p, q),
            Backend::P384 => cb::add::<p384::NistP384>(p, q),
            Backend::P521 => cb::add::<p521::NistP521>(p, q),
            Backend::Bp256 => cb::add::<bp256::BrainpoolP256r1>(p, q),
            Backend::Bp384 => cb::add::<bp384::BrainpoolP384r1>(p, q),
            Backend::Generic => {
                let (a, b) = (self.affine(p)?, self.affine(q)?);
                Ok(self.point(&self.curve.add(&a, &b)?))
            }
        }
    }

    /// `−P`.
    pub fn neg(&self, p: &EcPoint) -> Result<EcPoint, CryptoError> {
        let a = self.affine(p)?;
        Ok(self.point(&self.curve.neg(&a)))
    }

    /// `k·G` for the current generator (constant time).
    pub fn mul_generator(&self, k: &[u8]) -> Result<EcPoint, CryptoError> {
        self.scalar_mul(k, &self.generator)
    }

    /// Imports a private key, requiring `1 ≤ k ≤ n−1` (no silent reduction).
    pub fn private_key_from_bytes(&self, bytes: &[u8]) -> Result<EcPrivateKey, CryptoError> {
        let order = &self.curve.order;
        let k = Zeroizing::new(order.uint_checked(bytes)?);
        if bool::from(k.is_zero()) {
            return Err(CryptoError::InvalidScalar);
        }
        Ok(EcPrivateKey::from_checked(order.uint_to_bytes(&k)))
    }

    /// Draws a uniform scalar in `[1, n−1]` by rejection sampling.
    pub fn random_scalar<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<EcPrivateKey, CryptoError> {
        random_below(&self.curve.order, rng).map(EcPrivateKey::from_checked)
    }

    /// A fresh key pair on the current generator.
    pub fn generate_keypair<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<EcKeyPair, CryptoError> {
        let private = self.random_scalar(rng)?;
        let public = self.public_from_private(&private)?;
        Ok(EcKeyPair { private, public })
    }

    /// `sk·G` for the current generator (constant time).
    pub fn public_from_private(&self, sk: &EcPrivateKey) -> Result<EcPoint, CryptoError> {
        self.mul_generator(sk.as_bytes())
    }

    /// The shared point `sk·PK` (PACE GM's H); `PK` is validated.
    pub fn ecdh_point(&self, sk: &EcPrivateKey, peer: &EcPoint) -> Result<EcPoint, CryptoError> {
        self.validate_point(peer)?;
        self.scalar_mul(sk.as_bytes(), peer)
    }

    /// ECDH: the x-coordinate of `sk·PK` as a fixed-length (field width) octet string.
    pub fn ecdh(
        &self,
        sk: &EcPrivateKey,
        peer: &EcPoint,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let shared = self.ecdh_point(sk, peer)?;
        Ok(Zeroizing::new(shared.x().to_vec()))
    }

    /// Uncompressed SEC1 encoding of a point (`04 ‖ X ‖ Y`).
    pub fn encode_point(&self, p: &EcPoint) -> Vec<u8> {
        p.to_sec1_uncompressed()
    }
}

/// A uniform integer in `[1, m−1]` as fixed-width bytes, by masked rejection sampling: the
/// accepted value is independent of the rejected draws, so nothing about it leaks.
pub(crate) fn random_below<R: TryCryptoRng + ?Sized>(
    m: &PrimeField,
    rng: &mut R,
) -> Result<Vec<u8>, CryptoError> {
    let len = m.len();
    let excess = u32::try_from(len * 8).unwrap_or(u32::MAX) - m.bits();
    let mask = 0xFFu8.checked_shr(excess).unwrap_or(0);
    for _ in 0..1024 {
        let mut buf = Zeroizing::new(vec![0u8; len]);
        rng.try_fill_bytes(&mut buf).map_err(|_| CryptoError::Rng)?;
        if let Some(first) = buf.first_mut() {
            *first &= mask;
        }
        let u = Zeroizing::new(BoxedUint::from_be_slice_truncated(&buf, m.precision()));
        let ok = m.ct_lt_modulus(&u) & u.is_nonzero();
        if ok.to_bool() {
            return Ok(buf.to_vec());
        }
    }
    Err(CryptoError::Rng)
}
