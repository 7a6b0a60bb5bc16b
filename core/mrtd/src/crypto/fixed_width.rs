//! The generic curve's scalar multiplication on fixed-width, stack-allocated field elements.
//!
//! `BoxedMontyForm` (the runtime-width representation the rest of the generic backend uses)
//! allocates on every operation, and a scalar multiplication does about twenty thousand of
//! them. Here the same formulas ([`super::projective`]) run on `[u64; L]` Montgomery residues,
//! monomorphised for every limb count from 3 to 9 (192 to 576 bits: every named curve and any
//! explicit curve of that size). Wider fields stay on `BoxedMontyForm`.
//!
//! Every operation is constant time: fixed loops over all limbs, carries and borrows turned
//! into masks, no branch on a value. Montgomery multiplication is CIOS (Koç, Acar and Kaliski,
//! "Analyzing and comparing Montgomery multiplication algorithms", 1996) with one final
//! masked subtraction; inversion is Fermat's `a^(p−2)` with the public exponent's bits. A
//! curve with `a ≠ −3` whose `−3/a` has a fourth root (every brainpool curve) is multiplied
//! on its `a = −3` isomorphic twin, where the formulas are cheaper. Only `a = −3` curves run
//! here (every named curve does); the others (`a = 0`, or no fourth root: explicit
//! parameters no issuer is known to use) stay on `BoxedMontyForm` with the general formulas,
//! which keeps one set of formulas per width in the library.

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, Choice, CtOption};
use zeroize::Zeroize;

use super::projective::{self, Constants, FieldElement, Point};

/// `a + b·c + carry` as (low, high) words.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let wide = u128::from(a) + u128::from(b) * u128::from(c) + u128::from(carry);
    (wide as u64, (wide >> 64) as u64)
}

/// `a − b − borrow` as (difference, borrow 0 or 1).
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let wide = u128::from(a)
        .wrapping_sub(u128::from(b))
        .wrapping_sub(u128::from(borrow));
    (wide as u64, (wide >> 127) as u64)
}

/// `a + b + carry` as (sum, carry 0 or 1).
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let wide = u128::from(a) + u128::from(b) + u128::from(carry);
    (wide as u64, (wide >> 64) as u64)
}

/// `b` where `mask` is all ones, `a` where it is zero.
#[inline(always)]
fn select<const L: usize>(a: &[u64; L], b: &[u64; L], mask: u64) -> [u64; L] {
    let mut out = [0u64; L];
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x ^ (mask & (*x ^ *y));
    }
    out
}

/// An odd modulus `p < 2^(64·L)` with its Montgomery constants (`R = 2^(64·L)`).
pub(crate) struct Modulus<const L: usize> {
    p: [u64; L],
    /// `−p⁻¹ mod 2^64`.
    n0: u64,
    /// `R² mod p`, to enter the Montgomery domain.
    r2: [u64; L],
    /// `p − 2`, the inversion exponent (public).
    p_minus_2: [u64; L],
}

impl<const L: usize> Modulus<L> {
    /// From the big-endian modulus; none when it is even or too wide.
    fn new(p_be: &[u8]) -> Option<Self> {
        let p = limbs::<L>(p_be)?;
        let p0 = *p.first()?;
        if p0 & 1 == 0 {
            return None;
        }
        // Newton's iteration doubles the correct low bits each step: 1 → 64 bits in 6.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        }
        let mut p_minus_2 = [0u64; L];
        let mut borrow = 2u64;
        for (d, x) in p_minus_2.iter_mut().zip(&p) {
            (*d, borrow) = sbb(*x, borrow, 0);
        }
        let mut m = Self {
            p,
            n0: inv.wrapping_neg(),
            r2: [0u64; L],
            p_minus_2,
        };
        // R² mod p = 2^(128·L) mod p: double 1 that often (setup, public values).
        let mut r2 = one_limbs::<L>();
        for _ in 0..128 * L {
            r2 = m.add(&r2, &r2);
        }
        m.r2 = r2;
        Some(m)
    }

    /// `a·b·R⁻¹ mod p` (CIOS). Each round adds `a·b_i`, then `m·p` with the `m` that clears
    /// the lowest limb, and shifts down one limb in place (the running value is below `2p`,
    /// so one word above the limbs holds its top).
    #[inline]
    fn mont_mul(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
        let mut t = [0u64; L];
        let mut hi = 0u64;
        let p0 = self.p.first().copied().unwrap_or(0);
        for bi in b {
            let mut carry = 0u64;
            for (tj, aj) in t.iter_mut().zip(a) {
                (*tj, carry) = mac(*tj, *aj, *bi, carry);
            }
            let (top, top_carry) = adc(hi, carry, 0);
            let mut limbs = t.iter_mut();
            let Some(mut prev) = limbs.next() else {
                return t;
            };
            let m = prev.wrapping_mul(self.n0);
            let (_, mut carry) = mac(*prev, m, p0, 0);
            // t ← (t + m·p) / 2^64: limb j of the sum lands in limb j − 1.
            for (cur, pj) in limbs.zip(self.p.iter().skip(1)) {
                (*prev, carry) = mac(*cur, m, *pj, carry);
                prev = cur;
            }
            let (low, c) = adc(top, carry, 0);
            *prev = low;
            hi = top_carry + c;
        }
        self.reduce_once(&t, hi)
    }

    /// `base^exp` in the Montgomery domain, square-and-multiply over the bits of `exp`.
    /// Only for a public exponent (the multiplications follow its bits); the base may be
    /// secret.
    fn pow_public(&self, base: &[u64; L], exp: &[u64; L]) -> [u64; L] {
        let mut acc = self.to_mont(&one_limbs::<L>());
        let mut started = false;
        for word in exp.iter().rev() {
            for bit in (0..64).rev() {
                if started {
                    acc = self.mont_mul(&acc, &acc);
                }
                if (word >> bit) & 1 == 1 {
                    acc = self.mont_mul(&acc, base);
                    started = true;
                }
            }
        }
        acc
    }

    /// `v·R mod p`: into the Montgomery domain.
    fn to_mont(&self, v: &[u64; L]) -> [u64; L] {
        self.mont_mul(v, &self.r2)
    }

    /// `p − v` for `v` in the domain (zero stays zero).
    fn neg(&self, v: &[u64; L]) -> [u64; L] {
        self.sub(&[0u64; L], v)
    }

    /// A `u` with `u⁴ = x` (both in the Montgomery domain), for `p ≡ 3 (mod 4)`: the square
    /// root of the square root, taking the root that is itself a square. None when `x` has
    /// no fourth root or `p ≢ 3 (mod 4)`. Public values only (the exponent's bits and the
    /// comparisons are not constant time).
    fn fourth_root(&self, x: &[u64; L]) -> Option<[u64; L]> {
        if self.p.first().copied().unwrap_or(0) & 3 != 3 {
            return None;
        }
        // (p + 1) / 4; p + 1 overflows the limbs only for p = 2^(64·L) − 1 (no twist then).
        let mut e = self.p;
        let mut carry = 1u64;
        for w in e.iter_mut() {
            (*w, carry) = adc(*w, 0, carry);
        }
        if carry != 0 {
            return None;
        }
        let mut shifted = [0u64; L];
        for (i, d) in shifted.iter_mut().enumerate() {
            let lo = e.get(i).copied().unwrap_or(0) >> 2;
            let hi = e.get(i + 1).copied().unwrap_or(0) << 62;
            *d = lo | hi;
        }
        e = shifted;
        let sqrt = |v: &[u64; L]| {
            let r = self.pow_public(v, &e);
            (self.mont_mul(&r, &r) == *v).then_some(r)
        };
        let s = sqrt(x)?;
        // Of ±s exactly one is a square (−1 is not one when p ≡ 3 mod 4).
        sqrt(&s).or_else(|| sqrt(&self.neg(&s)))
    }

    /// `t + hi·R` reduced below p, given it is below 2p.
    #[inline]
    fn reduce_once(&self, t: &[u64; L], hi: u64) -> [u64; L] {
        let mut d = [0u64; L];
        let mut borrow = 0u64;
        for ((dj, tj), pj) in d.iter_mut().zip(t).zip(&self.p) {
            (*dj, borrow) = sbb(*tj, *pj, borrow);
        }
        // Subtract when t ≥ p (no borrow) or when the value overflowed into `hi`.
        let (_, under) = sbb(hi, 0, borrow);
        select(&d, t, 0u64.wrapping_sub(under))
    }

    fn add(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
        let mut s = [0u64; L];
        let mut carry = 0u64;
        for ((sj, aj), bj) in s.iter_mut().zip(a).zip(b) {
            (*sj, carry) = adc(*aj, *bj, carry);
        }
        self.reduce_once(&s, carry)
    }

    fn sub(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
        let mut d = [0u64; L];
        let mut borrow = 0u64;
        for ((dj, aj), bj) in d.iter_mut().zip(a).zip(b) {
            (*dj, borrow) = sbb(*aj, *bj, borrow);
        }
        // On a borrow, add p back (masked).
        let mask = 0u64.wrapping_sub(borrow);
        let mut carry = 0u64;
        for (dj, pj) in d.iter_mut().zip(&self.p) {
            (*dj, carry) = adc(*dj, *pj & mask, carry);
        }
        d
    }
}

/// A field element in the Montgomery domain of its modulus.
#[derive(Clone)]
pub(crate) struct Elem<'m, const L: usize> {
    v: [u64; L],
    m: &'m Modulus<L>,
}

impl<const L: usize> Zeroize for Elem<'_, L> {
    fn zeroize(&mut self) {
        self.v.zeroize();
    }
}

impl<'m, const L: usize> Elem<'m, L> {
    fn from_be(m: &'m Modulus<L>, be: &[u8]) -> Option<Self> {
        Some(Self {
            v: m.mont_mul(&limbs::<L>(be)?, &m.r2),
            m,
        })
    }

    fn from_limbs(m: &'m Modulus<L>, v: [u64; L]) -> Self {
        Self { v, m }
    }

    /// The residue as big-endian bytes (`8·L` of them).
    fn to_be(&self) -> Vec<u8> {
        let mut one = [0u64; L];
        if let Some(first) = one.first_mut() {
            *first = 1;
        }
        let plain = self.m.mont_mul(&self.v, &one);
        plain.iter().rev().flat_map(|w| w.to_be_bytes()).collect()
    }

    fn is_zero(&self) -> Choice {
        let acc = self.v.iter().fold(0u64, |acc, w| acc | w);
        Choice::from_u64_eq(acc, 0)
    }
}

impl<const L: usize> FieldElement for Elem<'_, L> {
    const GENERAL_A: bool = false;
    fn add(&self, rhs: &Self) -> Self {
        Self::from_limbs(self.m, self.m.add(&self.v, &rhs.v))
    }
    fn sub(&self, rhs: &Self) -> Self {
        Self::from_limbs(self.m, self.m.sub(&self.v, &rhs.v))
    }
    fn mul(&self, rhs: &Self) -> Self {
        Self::from_limbs(self.m, self.m.mont_mul(&self.v, &rhs.v))
    }
    fn square(&self) -> Self {
        self.mul(self)
    }
    fn select(a: &Self, b: &Self, choice: Choice) -> Self {
        let mask = 0u64.wrapping_sub(u64::from(choice.to_u8()));
        Self::from_limbs(a.m, select(&a.v, &b.v, mask))
    }
    fn invert(&self) -> CtOption<Self> {
        // Fermat: a^(p−2). The exponent is public, so the steps depend only on p.
        let inv = Self::from_limbs(self.m, self.m.pow_public(&self.v, &self.m.p_minus_2));
        CtOption::new(inv, self.is_zero().not())
    }
}

fn one_limbs<const L: usize>() -> [u64; L] {
    let mut one = [0u64; L];
    if let Some(first) = one.first_mut() {
        *first = 1;
    }
    one
}

/// Big-endian bytes as little-endian limbs; none when they do not fit `L` limbs.
fn limbs<const L: usize>(be: &[u8]) -> Option<[u64; L]> {
    let start = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    let be = be.get(start..)?;
    if be.len() > 8 * L {
        return None;
    }
    let mut out = [0u64; L];
    for (i, chunk) in be.rchunks(8).enumerate() {
        let mut word = [0u8; 8];
        word.get_mut(8 - chunk.len()..)?.copy_from_slice(chunk);
        *out.get_mut(i)? = u64::from_be_bytes(word);
    }
    Some(out)
}

/// An `a = −3` curve's field and constants at one fixed width.
pub(crate) struct Fixed<const L: usize> {
    modulus: Modulus<L>,
    /// `−3`, the `a` the formulas run with: the curve's own, or its twin's when
    /// [`Self::twist`] is set.
    minus_3: [u64; L],
    /// The `b` that goes with it.
    b: [u64; L],
    twist: Option<Twist<L>>,
}

/// The isomorphism `(x, y) ↦ (u²·x, u³·y)` onto `y² = x³ − 3x + b·u⁶`, for `u⁴ = −3/a`
/// (RFC 5639 §3 builds its "t1" curves this way). Multiplying there and mapping back gives
/// the same point for three fewer field multiplications per doubling and per addition.
struct Twist<const L: usize> {
    u2: [u64; L],
    u3: [u64; L],
    u2_inv: [u64; L],
    u3_inv: [u64; L],
}

impl<const L: usize> Fixed<L> {
    /// None when the field is wider than `L` limbs or the curve is not `a = −3`, itself or
    /// through its twin.
    fn new(p: &[u8], a: &[u8], b: &[u8]) -> Option<Self> {
        let m = Modulus::new(p)?;
        let a = Elem::from_be(&m, a)?.v;
        let b = Elem::from_be(&m, b)?.v;
        let mut three = [0u64; L];
        if let Some(first) = three.first_mut() {
            *first = 3;
        }
        let minus_3 = m.neg(&m.to_mont(&three));
        if a == minus_3 {
            return Some(Self {
                modulus: m,
                minus_3,
                b,
                twist: None,
            });
        }
        if a == [0u64; L] {
            return None;
        }
        let twist = Twist::find(&m, &a, &minus_3)?;
        let b = m.mont_mul(&b, &m.mont_mul(&twist.u3, &twist.u3));
        Some(Self {
            modulus: m,
            minus_3,
            b,
            twist: Some(twist),
        })
    }

    fn mul(
        &self,
        k: &BoxedUint,
        bits: u32,
        x: &[u8],
        y: &[u8],
    ) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
        let m = &self.modulus;
        let b = Elem::from_limbs(m, self.b);
        let c = Constants {
            a: Elem::from_limbs(m, self.minus_3),
            b3: b.add(&b).add(&b),
            b,
            a_is_minus_3: true,
            zero: Elem::from_limbs(m, [0u64; L]),
            one: Elem::from_limbs(m, m.to_mont(&one_limbs::<L>())),
        };
        let (mut x, mut y) = (Elem::from_be(m, x)?, Elem::from_be(m, y)?);
        if let Some(t) = &self.twist {
            x = x.mul(&Elem::from_limbs(m, t.u2));
            y = y.mul(&Elem::from_limbs(m, t.u3));
        }
        let r = projective::mul(&c, k, bits, &Point::affine(&c, x, y)).to_affine();
        Some(r.map(|(mut x, mut y)| {
            if let Some(t) = &self.twist {
                x = x.mul(&Elem::from_limbs(m, t.u2_inv));
                y = y.mul(&Elem::from_limbs(m, t.u3_inv));
            }
            (x.to_be(), y.to_be())
        }))
    }
}

impl<const L: usize> Twist<L> {
    /// The twist onto `a = −3`, when `−3/a` has a fourth root.
    fn find(m: &Modulus<L>, a: &[u64; L], minus_3: &[u64; L]) -> Option<Self> {
        let a_inv = m.pow_public(a, &m.p_minus_2);
        let u = m.fourth_root(&m.mont_mul(minus_3, &a_inv))?;
        let u2 = m.mont_mul(&u, &u);
        let u3 = m.mont_mul(&u2, &u);
        // a·u⁴ = −3, or no twist (also rules out u = 0).
        if m.mont_mul(a, &m.mont_mul(&u2, &u2)) != *minus_3 {
            return None;
        }
        Some(Self {
            u2_inv: m.pow_public(&u2, &m.p_minus_2),
            u3_inv: m.pow_public(&u3, &m.p_minus_2),
            u2,
            u3,
        })
    }
}

macro_rules! widths {
    ($($variant:ident = $limbs:literal),+ $(,)?) => {
        /// The curve at the fixed width of its field.
        pub(crate) enum FixedCurve {
            $(
                #[doc = concat!(stringify!($limbs), " limbs of 64 bits.")]
                $variant(Box<Fixed<$limbs>>),
            )+
        }

        impl FixedCurve {
            /// The fixed-width form of the curve `y² = x³ + a·x + b` over the field of `p`
            /// (coefficients as field elements); none for a width outside 3 to 9 limbs.
            pub(crate) fn new(p: &[u8], a: &[u8], b: &[u8]) -> Option<Self> {
                let limbs = super::field::trim_leading_zeros(p).len().div_ceil(8);
                $(
                    if limbs == $limbs {
                        return Fixed::<$limbs>::new(p, a, b).map(|f| Self::$variant(Box::new(f)));
                    }
                )+
                None
            }

            /// `k·(x, y)` for `k < 2^bits` in constant time, as big-endian affine
            /// coordinates (of the limbs' width); the inner none is the identity, the outer
            /// one a coordinate wider than the field.
            pub(crate) fn mul(
                &self,
                k: &BoxedUint,
                bits: u32,
                x: &[u8],
                y: &[u8],
            ) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
                match self {
                    $(Self::$variant(f) => f.mul(k, bits, x, y),)+
                }
            }
        }
    };
}

widths!(L3 = 3, L4 = 4, L5 = 5, L6 = 6, L7 = 7, L8 = 8, L9 = 9);

impl FieldElement for BoxedMontyForm {
    const GENERAL_A: bool = true;
    fn add(&self, rhs: &Self) -> Self {
        BoxedMontyForm::add(self, rhs)
    }
    fn sub(&self, rhs: &Self) -> Self {
        BoxedMontyForm::sub(self, rhs)
    }
    fn mul(&self, rhs: &Self) -> Self {
        BoxedMontyForm::mul(self, rhs)
    }
    fn square(&self) -> Self {
        BoxedMontyForm::square(self)
    }
    fn select(a: &Self, b: &Self, choice: Choice) -> Self {
        crypto_bigint::CtSelect::ct_select(a, b, choice)
    }
    fn invert(&self) -> CtOption<Self> {
        BoxedMontyForm::invert(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::NamedCurve;
    use crate::crypto::ec_params::EcCurveParams;

    fn fixed<const L: usize>(c: NamedCurve) -> Fixed<L> {
        let p = EcCurveParams::named(c);
        Fixed::<L>::new(p.p(), p.a(), p.b()).unwrap()
    }

    #[test]
    fn brainpool_curves_run_on_their_a_minus_3_twin_and_nist_curves_as_they_are() {
        // The twin's b·u⁶ is RFC 5639's brainpoolP512t1 b (the twist is unique up to ±u).
        let t1_b = hex::decode(
            "7CBBBCF9441CFAB76E1890E46884EAE321F70C0BCB4981527897504BEC3E36A6\
             2BCDFA2304976540F6450085F2DAE145C22553B465763689180EA2571867423E",
        )
        .unwrap();
        let bp512 = fixed::<8>(NamedCurve::BrainpoolP512r1);
        assert!(bp512.twist.is_some());
        let b = Elem::from_limbs(&bp512.modulus, bp512.b).to_be();
        assert_eq!(b, t1_b);
        let bp320 = fixed::<5>(NamedCurve::BrainpoolP320r1);
        assert!(bp320.twist.is_some());
        let p256 = fixed::<4>(NamedCurve::P256);
        assert!(p256.twist.is_none());
        for c in NamedCurve::ALL {
            let p = EcCurveParams::named(c);
            assert!(FixedCurve::new(p.p(), p.a(), p.b()).is_some(), "{c:?}");
        }
    }

    #[test]
    fn curves_that_are_not_a_minus_3_stay_at_runtime_width() {
        // y² = x³ + 2x + 3 over p = 2^255 − 19 (p ≡ 1 mod 4: no fourth-root shortcut), and
        // y² = x³ + 7 over secp256k1's field (a = 0: no twist onto a = −3).
        let p = hex::decode("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED")
            .unwrap();
        assert!(Fixed::<4>::new(&p, &[2], &[3]).is_none());
        assert!(FixedCurve::new(&p, &[2], &[3]).is_none());
        let k1 =
            hex::decode("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F").unwrap();
        assert!(FixedCurve::new(&k1, &[0], &[7]).is_none());
    }
}
