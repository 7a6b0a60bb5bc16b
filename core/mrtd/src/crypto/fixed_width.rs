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
//! masked subtraction; inversion is Fermat's `a^(p−2)` with the public exponent's bits.

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

    /// `a·b·R⁻¹ mod p` (CIOS).
    #[inline]
    fn mont_mul(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
        let mut t = [0u64; L];
        let mut hi = 0u64;
        for bi in b {
            let mut carry = 0u64;
            for (tj, aj) in t.iter_mut().zip(a) {
                (*tj, carry) = mac(*tj, *aj, *bi, carry);
            }
            let (sum, over) = adc(hi, carry, 0);
            let t0 = t.first().copied().unwrap_or(0);
            let m = t0.wrapping_mul(self.n0);
            let (_, mut carry) = mac(t0, m, self.p.first().copied().unwrap_or(0), 0);
            // t ← (t + m·p) / 2^64: limb j+1 of the sum lands in limb j.
            let mut shifted = [0u64; L];
            for ((dst, tj), pj) in shifted
                .iter_mut()
                .zip(t.iter().skip(1))
                .zip(self.p.iter().skip(1))
            {
                (*dst, carry) = mac(*tj, m, *pj, carry);
            }
            let (top, c) = adc(sum, carry, 0);
            if let Some(last) = shifted.last_mut() {
                *last = top;
            }
            t = shifted;
            hi = over + c;
        }
        self.reduce_once(&t, hi)
    }

    /// `t + hi·R` reduced below p, given it is below 2p.
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
        // a^(p−2): square-and-multiply over the public exponent, every step the same work.
        let mut acc = Self::from_limbs(self.m, self.m.mont_mul(&one_limbs::<L>(), &self.m.r2));
        for word in self.m.p_minus_2.iter().rev() {
            for bit in (0..64).rev() {
                acc = acc.square();
                let product = acc.mul(self);
                acc = Self::select(&acc, &product, Choice::from_u64_lsb((word >> bit) & 1));
            }
        }
        CtOption::new(acc, self.is_zero().not())
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

/// A curve's field and constants at one fixed width.
pub(crate) struct Fixed<const L: usize> {
    modulus: Modulus<L>,
    a: [u64; L],
    b3: [u64; L],
}

impl<const L: usize> Fixed<L> {
    fn new(p: &[u8], a: &[u8], b3: &[u8]) -> Option<Self> {
        let modulus = Modulus::new(p)?;
        let a = Elem::from_be(&modulus, a)?.v;
        let b3 = Elem::from_be(&modulus, b3)?.v;
        Some(Self { modulus, a, b3 })
    }

    fn mul(
        &self,
        k: &BoxedUint,
        bits: u32,
        x: &[u8],
        y: &[u8],
    ) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
        let m = &self.modulus;
        let c = Constants {
            a: Elem::from_limbs(m, self.a),
            b3: Elem::from_limbs(m, self.b3),
            zero: Elem::from_limbs(m, [0u64; L]),
            one: Elem::from_limbs(m, m.mont_mul(&one_limbs::<L>(), &m.r2)),
        };
        let p = Point::affine(&c, Elem::from_be(m, x)?, Elem::from_be(m, y)?);
        let r = projective::mul(&c, k, bits, &p).to_affine();
        Some(r.map(|(x, y)| (x.to_be(), y.to_be())))
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
            /// The fixed-width form of the curve over the field of `p` with coefficient `a`
            /// and `3·b` (field elements); none for a width outside 3 to 9 limbs.
            pub(crate) fn new(p: &[u8], a: &[u8], b3: &[u8]) -> Option<Self> {
                let limbs = super::field::trim_leading_zeros(p).len().div_ceil(8);
                $(
                    if limbs == $limbs {
                        return Fixed::<$limbs>::new(p, a, b3).map(|f| Self::$variant(Box::new(f)));
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
