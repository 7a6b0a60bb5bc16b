//! Generic short-Weierstrass arithmetic `y² = x³ + a·x + b` over a runtime prime field.
//!
//! Points are kept in homogeneous projective coordinates and added with the complete formulas
//! of Renes, Costello and Batina ("Complete addition formulas for prime order elliptic
//! curves", 2015, Algorithm 1, arbitrary `a`). The formulas have no exceptional cases for
//! curves of odd order, so doubling, adding a point to itself and adding the identity all
//! take the same code path: no branch depends on the points.
//!
//! [`GenericCurve::mul_ct`] is a Montgomery ladder over a fixed number of bits (the bit length
//! of the group order) with constant-time conditional swaps, and a constant-time inversion
//! for the final conversion to affine coordinates. [`GenericCurve::mul_vartime`] is plain
//! double-and-add for public scalars (signature verification, subgroup checks).

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, Choice, CtEq, CtSelect, Resize};
use zeroize::Zeroize;

use super::field::PrimeField;
use super::{CryptoError, EcCurveParams};

/// A point in homogeneous projective coordinates `(X : Y : Z)`; `Z = 0` is the identity.
#[derive(Clone, Debug)]
pub(crate) struct Projective {
    x: BoxedMontyForm,
    y: BoxedMontyForm,
    z: BoxedMontyForm,
}

impl Drop for Projective {
    /// Ladder intermediates are multiples of P by prefixes of the secret scalar: wipe them.
    fn drop(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

/// A finite affine point with field-element coordinates.
#[derive(Clone, Debug)]
pub(crate) struct Affine {
    pub(crate) x: BoxedMontyForm,
    pub(crate) y: BoxedMontyForm,
}

/// A curve with runtime parameters: field, coefficients, base point, order and cofactor.
#[derive(Clone, Debug)]
pub(crate) struct GenericCurve {
    pub(crate) field: PrimeField,
    pub(crate) a: BoxedMontyForm,
    pub(crate) b: BoxedMontyForm,
    b3: BoxedMontyForm,
    pub(crate) g: Affine,
    /// The group order n as a field of its own (scalar arithmetic mod n).
    pub(crate) order: PrimeField,
    pub(crate) cofactor: u64,
}

impl GenericCurve {
    /// Builds a curve from normalised parameters and checks that it is usable: p odd prime
    /// size ≥ 3 bits, 4a³ + 27b² ≠ 0, G on the curve, n odd. (Primality of p and n is not
    /// proven here; named curves are matched first and explicit ones come from signed data.)
    /// [`EcCurveParams::new`] checks only sizes; the mathematics is checked here.
    pub(crate) fn new(params: &EcCurveParams) -> Result<Self, CryptoError> {
        let (p, a, b) = (params.p(), params.a(), params.b());
        let (gx, gy, n, cofactor) = (params.gx(), params.gy(), params.n(), params.cofactor());
        let field = PrimeField::new(p)?;
        let order = PrimeField::new(n)?;
        let a = field
            .elem_checked(a)
            .map_err(|_| CryptoError::MalformedParameters("coefficient a out of range"))?;
        let b = field
            .elem_checked(b)
            .map_err(|_| CryptoError::MalformedParameters("coefficient b out of range"))?;
        let four_a3 = field.small(4).mul(&a.square().mul(&a));
        let t27_b2 = field.small(27).mul(&b.square());
        if bool::from(four_a3.add(&t27_b2).is_zero()) {
            return Err(CryptoError::MalformedParameters("singular curve"));
        }
        if cofactor == 0 {
            return Err(CryptoError::MalformedParameters("cofactor is zero"));
        }
        let b3 = field.small(3).mul(&b);
        let gx = field
            .elem_checked(gx)
            .map_err(|_| CryptoError::MalformedParameters("base point x out of range"))?;
        let gy = field
            .elem_checked(gy)
            .map_err(|_| CryptoError::MalformedParameters("base point y out of range"))?;
        let curve = Self {
            field,
            a,
            b,
            b3,
            g: Affine { x: gx, y: gy },
            order,
            cofactor,
        };
        if !curve.is_on_curve(&curve.g) {
            return Err(CryptoError::MalformedParameters("base point not on curve"));
        }
        Ok(curve)
    }

    /// Byte width of a field element.
    pub(crate) fn field_len(&self) -> usize {
        self.field.len()
    }

    /// `y² == x³ + a·x + b`.
    pub(crate) fn is_on_curve(&self, p: &Affine) -> bool {
        let lhs = p.y.square();
        let rhs = p.x.square().mul(&p.x).add(&self.a.mul(&p.x)).add(&self.b);
        bool::from(lhs.ct_eq(&rhs))
    }

    /// Decodes fixed-width affine coordinates and checks range and the curve equation. The
    /// subgroup check for cofactor > 1 is [`Self::check_subgroup`].
    pub(crate) fn affine_from_bytes(&self, x: &[u8], y: &[u8]) -> Result<Affine, CryptoError> {
        let len = self.field_len();
        if x.len() != len || y.len() != len {
            return Err(CryptoError::InvalidPoint);
        }
        let x = self
            .field
            .elem_checked(x)
            .map_err(|_| CryptoError::InvalidPoint)?;
        let y = self
            .field
            .elem_checked(y)
            .map_err(|_| CryptoError::InvalidPoint)?;
        let p = Affine { x, y };
        if self.is_on_curve(&p) {
            Ok(p)
        } else {
            Err(CryptoError::PointNotOnCurve)
        }
    }

    /// For cofactor > 1: rejects points outside the order-n subgroup (n·P must be O).
    pub(crate) fn check_subgroup(&self, p: &Affine) -> Result<(), CryptoError> {
        if self.cofactor == 1 {
            return Ok(());
        }
        let n = self.order.modulus().clone();
        match self.mul_vartime(&n, p) {
            Err(CryptoError::Identity) => Ok(()),
            _ => Err(CryptoError::NotInSubgroup),
        }
    }

    /// Fixed-width big-endian coordinates.
    pub(crate) fn affine_to_bytes(&self, p: &Affine) -> (Vec<u8>, Vec<u8>) {
        (self.field.to_bytes(&p.x), self.field.to_bytes(&p.y))
    }

    fn identity(&self) -> Projective {
        Projective {
            x: self.field.zero(),
            y: self.field.one(),
            z: self.field.zero(),
        }
    }

    fn lift(&self, p: &Affine) -> Projective {
        Projective {
            x: p.x.clone(),
            y: p.y.clone(),
            z: self.field.one(),
        }
    }

    /// Back to affine with a constant-time inversion; the identity is an error.
    fn to_affine(&self, p: &Projective) -> Result<Affine, CryptoError> {
        let zinv = self
            .field
            .invert(&p.z)
            .into_option()
            .ok_or(CryptoError::Identity)?;
        Ok(Affine {
            x: p.x.mul(&zinv),
            y: p.y.mul(&zinv),
        })
    }

    /// Complete projective addition (RCB 2015, Algorithm 1).
    fn add_proj(&self, p: &Projective, q: &Projective) -> Projective {
        let (x1, y1, z1) = (&p.x, &p.y, &p.z);
        let (x2, y2, z2) = (&q.x, &q.y, &q.z);
        let a = &self.a;
        let b3 = &self.b3;
        let mut t0 = x1.mul(x2);
        let mut t1 = y1.mul(y2);
        let mut t2 = z1.mul(z2);
        let mut t3 = x1.add(y1);
        let mut t4 = x2.add(y2);
        t3 = t3.mul(&t4);
        t4 = t0.add(&t1);
        t3 = t3.sub(&t4);
        t4 = x1.add(z1);
        let mut t5 = x2.add(z2);
        t4 = t4.mul(&t5);
        t5 = t0.add(&t2);
        t4 = t4.sub(&t5);
        t5 = y1.add(z1);
        let mut x3 = y2.add(z2);
        t5 = t5.mul(&x3);
        x3 = t1.add(&t2);
        t5 = t5.sub(&x3);
        let mut z3 = a.mul(&t4);
        x3 = b3.mul(&t2);
        z3 = x3.add(&z3);
        x3 = t1.sub(&z3);
        z3 = t1.add(&z3);
        let mut y3 = x3.mul(&z3);
        t1 = t0.add(&t0);
        t1 = t1.add(&t0);
        t2 = a.mul(&t2);
        t4 = b3.mul(&t4);
        t1 = t1.add(&t2);
        t2 = t0.sub(&t2);
        t2 = a.mul(&t2);
        t4 = t4.add(&t2);
        t0 = t1.mul(&t4);
        y3 = y3.add(&t0);
        t0 = t5.mul(&t4);
        x3 = t3.mul(&x3);
        x3 = x3.sub(&t0);
        t0 = t3.mul(&t1);
        z3 = t5.mul(&z3);
        z3 = z3.add(&t0);
        Projective {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// Swaps `r0` and `r1` when `swap` is set, without branching on it.
    fn cswap(r0: &mut Projective, r1: &mut Projective, swap: Choice) {
        let n0 = Projective {
            x: r0.x.ct_select(&r1.x, swap),
            y: r0.y.ct_select(&r1.y, swap),
            z: r0.z.ct_select(&r1.z, swap),
        };
        let n1 = Projective {
            x: r1.x.ct_select(&r0.x, swap),
            y: r1.y.ct_select(&r0.y, swap),
            z: r1.z.ct_select(&r0.z, swap),
        };
        *r0 = n0;
        *r1 = n1;
    }

    /// Number of ladder steps: the bit length of n (public).
    fn scalar_bits(&self) -> u32 {
        self.order.bits()
    }

    /// `k·P` in constant time with respect to `k` for `k < 2^bits(n)` (the caller reduces).
    /// Returns `Identity` if the result is the point at infinity.
    pub(crate) fn mul_ct(&self, k: &BoxedUint, p: &Affine) -> Result<Affine, CryptoError> {
        let bits = self.scalar_bits();
        let k = k.resize_unchecked(bits.max(k.bits_precision()));
        let mut r0 = self.identity();
        let mut r1 = self.lift(p);
        for i in (0..bits).rev() {
            let bit = k.bit(i);
            Self::cswap(&mut r0, &mut r1, bit);
            r1 = self.add_proj(&r0, &r1);
            r0 = self.add_proj(&r0, &r0);
            Self::cswap(&mut r0, &mut r1, bit);
        }
        self.to_affine(&r0)
    }

    /// `k·P` in variable time, for public scalars only.
    pub(crate) fn mul_vartime(&self, k: &BoxedUint, p: &Affine) -> Result<Affine, CryptoError> {
        let proj = self.mul_vartime_proj(k, p);
        self.to_affine(&proj)
    }

    fn mul_vartime_proj(&self, k: &BoxedUint, p: &Affine) -> Projective {
        let base = self.lift(p);
        let mut acc = self.identity();
        for i in (0..k.bits_vartime()).rev() {
            acc = self.add_proj(&acc, &acc);
            if k.bit_vartime(i) {
                acc = self.add_proj(&acc, &base);
            }
        }
        acc
    }

    /// `u1·P + u2·Q` in variable time (public scalars: ECDSA verification).
    pub(crate) fn mul_add_vartime(
        &self,
        u1: &BoxedUint,
        p: &Affine,
        u2: &BoxedUint,
        q: &Affine,
    ) -> Result<Affine, CryptoError> {
        let a = self.mul_vartime_proj(u1, p);
        let b = self.mul_vartime_proj(u2, q);
        self.to_affine(&self.add_proj(&a, &b))
    }

    /// `P + Q` (complete; the identity result is an error).
    pub(crate) fn add(&self, p: &Affine, q: &Affine) -> Result<Affine, CryptoError> {
        self.to_affine(&self.add_proj(&self.lift(p), &self.lift(q)))
    }

    /// `−P`.
    pub(crate) fn neg(&self, p: &Affine) -> Affine {
        Affine {
            x: p.x.clone(),
            y: p.y.neg(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::NamedCurve;

    fn curve(c: NamedCurve, cofactor: u64) -> GenericCurve {
        let p = EcCurveParams::named(c);
        let p = EcCurveParams::new(p.p(), p.a(), p.b(), p.gx(), p.gy(), p.n(), cofactor).unwrap();
        GenericCurve::new(&p).unwrap()
    }

    #[test]
    fn order_times_base_point_is_identity_unreduced() {
        for c in NamedCurve::ALL {
            let curve = curve(c, 1);
            let n = curve.order.modulus().clone();
            assert_eq!(
                curve.mul_ct(&n, &curve.g).unwrap_err(),
                CryptoError::Identity
            );
            assert_eq!(
                curve.mul_vartime(&n, &curve.g).unwrap_err(),
                CryptoError::Identity
            );
            let n_minus_1 = n.wrapping_sub(BoxedUint::one().resize_unchecked(n.bits_precision()));
            let p = curve.mul_ct(&n_minus_1, &curve.g).unwrap();
            let neg = curve.neg(&curve.g);
            assert_eq!(
                curve.affine_to_bytes(&p),
                curve.affine_to_bytes(&neg),
                "{c:?}"
            );
        }
    }

    #[test]
    fn cofactor_check_accepts_subgroup_points() {
        let curve = curve(NamedCurve::BrainpoolP192r1, 2);
        curve.check_subgroup(&curve.g).unwrap();
    }

    #[test]
    fn singular_and_off_curve_parameters_are_rejected() {
        let p = EcCurveParams::named(NamedCurve::P256);
        let zero = vec![0u8; 32];
        assert_eq!(
            GenericCurve::new(
                &EcCurveParams::new(p.p(), &zero, &zero, p.gx(), p.gy(), p.n(), 1).unwrap()
            )
            .unwrap_err(),
            CryptoError::MalformedParameters("singular curve")
        );
        assert_eq!(
            GenericCurve::new(
                &EcCurveParams::new(p.p(), p.a(), p.b(), p.gy(), p.gx(), p.n(), 1).unwrap()
            )
            .unwrap_err(),
            CryptoError::MalformedParameters("base point not on curve")
        );
    }
}
