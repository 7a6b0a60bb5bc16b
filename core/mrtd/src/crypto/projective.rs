//! Point arithmetic in homogeneous projective coordinates `(X : Y : Z)` (`Z = 0` is the
//! identity) over any field representation, and the one scalar multiplication of the generic
//! backend.
//!
//! Addition and doubling are the complete formulas of Renes, Costello and Batina ("Complete
//! addition formulas for prime order elliptic curves", 2015): Algorithms 1 and 3 for arbitrary
//! `a`, and Algorithms 4 and 6 for `a = −3`, which save three multiplications of the sixteen
//! or so per step. No exceptional cases on curves of odd order, so the identity, a point added
//! to itself and a point added to its negative all take the same code path.
//!
//! [`mul`] is a fixed 4-bit window: a table of `0·P … 15·P`, then per window four doublings and
//! one addition of the table entry, which is read by scanning the whole table with constant-time
//! selects. The number of steps depends only on the scalar width (public); no branch and no
//! memory access depends on the scalar's value.

use crypto_bigint::{BoxedUint, Choice, CtOption};
use zeroize::Zeroize;

/// What the formulas need of a field element. Implemented by `crypto-bigint`'s runtime-width
/// `BoxedMontyForm` and by the stack-allocated residues of `fixed_width.rs`.
pub(crate) trait FieldElement: Clone + Zeroize {
    /// Whether curves with `a ≠ −3` run on this representation. The fixed-width residues
    /// carry only `a = −3` curves (brainpool's through their twin), so their scalar
    /// multiplications are compiled without the general formulas: half the code per width.
    const GENERAL_A: bool;
    /// `self + rhs`.
    fn add(&self, rhs: &Self) -> Self;
    /// `self − rhs`.
    fn sub(&self, rhs: &Self) -> Self;
    /// `self · rhs`.
    fn mul(&self, rhs: &Self) -> Self;
    /// `self²`.
    fn square(&self) -> Self;
    /// `b` when `choice` is set, else `a`, in constant time.
    fn select(a: &Self, b: &Self, choice: Choice) -> Self;
    /// `self⁻¹` in constant time; none for zero.
    fn invert(&self) -> CtOption<Self>;
}

/// The constants of a curve in one field representation.
pub(crate) struct Constants<F> {
    pub(crate) a: F,
    /// `b`, as the `a = −3` formulas use it.
    pub(crate) b: F,
    /// `3·b`, as the general formulas use it.
    pub(crate) b3: F,
    /// Whether `a = −3`: the cheaper formulas apply (a public property of the curve).
    pub(crate) a_is_minus_3: bool,
    pub(crate) zero: F,
    pub(crate) one: F,
}

/// A point in projective coordinates.
#[derive(Clone)]
pub(crate) struct Point<F: FieldElement> {
    x: F,
    y: F,
    z: F,
}

impl<F: FieldElement> Drop for Point<F> {
    /// Intermediate points are multiples of P by prefixes of the secret scalar: wipe them.
    fn drop(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

impl<F: FieldElement> Point<F> {
    /// The affine point `(x, y)`.
    pub(crate) fn affine(c: &Constants<F>, x: F, y: F) -> Self {
        Self {
            x,
            y,
            z: c.one.clone(),
        }
    }

    fn identity(c: &Constants<F>) -> Self {
        Self {
            x: c.zero.clone(),
            y: c.one.clone(),
            z: c.zero.clone(),
        }
    }

    /// Back to affine coordinates with a constant-time inversion; none for the identity.
    pub(crate) fn to_affine(&self) -> Option<(F, F)> {
        let zinv: Option<F> = self.z.invert().into();
        zinv.map(|zinv| (self.x.mul(&zinv), self.y.mul(&zinv)))
    }

    fn select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: F::select(&a.x, &b.x, choice),
            y: F::select(&a.y, &b.y, choice),
            z: F::select(&a.z, &b.z, choice),
        }
    }

    /// Complete addition.
    pub(crate) fn add(&self, q: &Self, c: &Constants<F>) -> Self {
        if c.a_is_minus_3 || !F::GENERAL_A {
            self.add_a_minus_3(q, &c.b)
        } else {
            self.add_general(q, c)
        }
    }

    /// Complete doubling: the same result as `self.add(self)` for fewer multiplications.
    pub(crate) fn double(&self, c: &Constants<F>) -> Self {
        if c.a_is_minus_3 || !F::GENERAL_A {
            self.double_a_minus_3(&c.b)
        } else {
            self.double_general(c)
        }
    }

    /// RCB 2015, Algorithm 1 (any `a`).
    fn add_general(&self, q: &Self, c: &Constants<F>) -> Self {
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let (x2, y2, z2) = (&q.x, &q.y, &q.z);
        let (a, b3) = (&c.a, &c.b3);
        let mut t0 = x1.mul(x2);
        let mut t1 = y1.mul(y2);
        let mut t2 = z1.mul(z2);
        let mut t3 = x1.add(y1).mul(&x2.add(y2));
        let mut t4 = t0.add(&t1);
        t3 = t3.sub(&t4);
        t4 = x1.add(z1).mul(&x2.add(z2));
        let mut t5 = t0.add(&t2);
        t4 = t4.sub(&t5);
        t5 = y1.add(z1).mul(&y2.add(z2));
        let mut x3 = t1.add(&t2);
        t5 = t5.sub(&x3);
        let mut z3 = a.mul(&t4);
        x3 = b3.mul(&t2);
        z3 = x3.add(&z3);
        x3 = t1.sub(&z3);
        z3 = t1.add(&z3);
        let mut y3 = x3.mul(&z3);
        t1 = t0.add(&t0).add(&t0);
        t2 = a.mul(&t2);
        t4 = b3.mul(&t4);
        t1 = t1.add(&t2);
        t2 = a.mul(&t0.sub(&t2));
        t4 = t4.add(&t2);
        t0 = t1.mul(&t4);
        y3 = y3.add(&t0);
        t0 = t5.mul(&t4);
        x3 = t3.mul(&x3).sub(&t0);
        t0 = t3.mul(&t1);
        z3 = t5.mul(&z3).add(&t0);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// RCB 2015, Algorithm 3 (any `a`).
    fn double_general(&self, c: &Constants<F>) -> Self {
        let (x, y, z) = (&self.x, &self.y, &self.z);
        let (a, b3) = (&c.a, &c.b3);
        let mut t0 = x.square();
        let t1 = y.square();
        let mut t2 = z.square();
        let mut t3 = x.mul(y);
        t3 = t3.add(&t3);
        let mut z3 = x.mul(z);
        z3 = z3.add(&z3);
        let mut x3 = a.mul(&z3);
        let mut y3 = b3.mul(&t2).add(&x3);
        x3 = t1.sub(&y3);
        y3 = t1.add(&y3).mul(&x3);
        x3 = t3.mul(&x3);
        z3 = b3.mul(&z3);
        t2 = a.mul(&t2);
        t3 = a.mul(&t0.sub(&t2)).add(&z3);
        z3 = t0.add(&t0);
        t0 = z3.add(&t0).add(&t2).mul(&t3);
        y3 = y3.add(&t0);
        t2 = y.mul(z);
        t2 = t2.add(&t2);
        t0 = t2.mul(&t3);
        x3 = x3.sub(&t0);
        z3 = t2.mul(&t1);
        z3 = z3.add(&z3);
        z3 = z3.add(&z3);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// RCB 2015, Algorithm 4 (`a = −3`).
    fn add_a_minus_3(&self, q: &Self, b: &F) -> Self {
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let (x2, y2, z2) = (&q.x, &q.y, &q.z);
        let mut t0 = x1.mul(x2);
        let mut t1 = y1.mul(y2);
        let mut t2 = z1.mul(z2);
        let mut t3 = x1.add(y1).mul(&x2.add(y2));
        let mut t4 = t0.add(&t1);
        t3 = t3.sub(&t4);
        t4 = y1.add(z1).mul(&y2.add(z2));
        let mut x3 = t1.add(&t2);
        t4 = t4.sub(&x3);
        x3 = x1.add(z1).mul(&x2.add(z2));
        let mut y3 = t0.add(&t2);
        y3 = x3.sub(&y3);
        let mut z3 = b.mul(&t2);
        x3 = y3.sub(&z3);
        z3 = x3.add(&x3);
        x3 = x3.add(&z3);
        z3 = t1.sub(&x3);
        x3 = t1.add(&x3);
        y3 = b.mul(&y3);
        t1 = t2.add(&t2);
        t2 = t1.add(&t2);
        y3 = y3.sub(&t2).sub(&t0);
        t1 = y3.add(&y3);
        y3 = t1.add(&y3);
        t1 = t0.add(&t0);
        t0 = t1.add(&t0).sub(&t2);
        t1 = t4.mul(&y3);
        t2 = t0.mul(&y3);
        y3 = x3.mul(&z3).add(&t2);
        x3 = t3.mul(&x3).sub(&t1);
        z3 = t4.mul(&z3).add(&t3.mul(&t0));
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// RCB 2015, Algorithm 6 (`a = −3`).
    fn double_a_minus_3(&self, b: &F) -> Self {
        let (x, y, z) = (&self.x, &self.y, &self.z);
        let mut t0 = x.square();
        let t1 = y.square();
        let mut t2 = z.square();
        let mut t3 = x.mul(y);
        t3 = t3.add(&t3);
        let mut z3 = x.mul(z);
        z3 = z3.add(&z3);
        let mut y3 = b.mul(&t2).sub(&z3);
        let mut x3 = y3.add(&y3);
        y3 = x3.add(&y3);
        x3 = t1.sub(&y3);
        y3 = t1.add(&y3).mul(&x3);
        x3 = x3.mul(&t3);
        t3 = t2.add(&t2);
        t2 = t2.add(&t3);
        z3 = b.mul(&z3).sub(&t2).sub(&t0);
        t3 = z3.add(&z3);
        z3 = z3.add(&t3);
        t3 = t0.add(&t0);
        t0 = t3.add(&t0).sub(&t2).mul(&z3);
        y3 = y3.add(&t0);
        t0 = y.mul(z);
        t0 = t0.add(&t0);
        z3 = t0.mul(&z3);
        x3 = x3.sub(&z3);
        z3 = t0.mul(&t1);
        z3 = z3.add(&z3);
        z3 = z3.add(&z3);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }
}

/// Window width in bits.
const WINDOW: u32 = 4;
/// Table entries `0·P … (2^WINDOW − 1)·P`.
const TABLE: u32 = 1 << WINDOW;

/// `k·P` for `k < 2^bits`, in constant time with respect to `k` (`bits` is public: the bit
/// length of the group order, or of a public scalar).
pub(crate) fn mul<F: FieldElement>(
    c: &Constants<F>,
    k: &BoxedUint,
    bits: u32,
    p: &Point<F>,
) -> Point<F> {
    let mut table = Vec::with_capacity(TABLE as usize);
    table.push(Point::identity(c));
    for _ in 1..TABLE {
        let next = table
            .last()
            .map_or_else(|| p.clone(), |prev| prev.add(p, c));
        table.push(next);
    }
    let windows = bits.div_ceil(WINDOW);
    let mut acc = Point::identity(c);
    for w in (0..windows).rev() {
        for _ in 0..WINDOW {
            acc = acc.double(c);
        }
        let mut digit = 0u32;
        for b in 0..WINDOW {
            let bit = w * WINDOW + b;
            // Bits past the scalar's precision are zero; `bit` is public, `k.bit` constant time.
            let set = if bit < k.bits_precision() {
                k.bit(bit).to_u8()
            } else {
                0
            };
            digit |= u32::from(set) << b;
        }
        let mut entry = Point::identity(c);
        for (j, candidate) in (0u32..).zip(&table) {
            entry = Point::select(&entry, candidate, Choice::from_u32_eq(j, digit));
        }
        acc = acc.add(&entry, c);
    }
    acc
}
