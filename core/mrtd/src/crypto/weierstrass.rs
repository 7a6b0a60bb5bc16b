//! Generic short-Weierstrass arithmetic `y² = x³ + a·x + b` over a runtime prime field.
//!
//! The curve keeps its parameters and affine points as `BoxedMontyForm` (runtime width).
//! Scalar multiplication is the fixed-window multiplication of [`super::projective`] with
//! complete formulas, run at the field's fixed width where one is compiled in
//! ([`super::fixed_width`]) and on `BoxedMontyForm` otherwise; the same code serves secret
//! scalars ([`GenericCurve::mul_ct`]) and public ones ([`GenericCurve::mul_vartime`]).

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, CtEq};

use super::field::PrimeField;
use super::fixed_width::FixedCurve;
use super::projective::{self, Constants, Point};
use super::{CryptoError, EcCurveParams};

/// A finite affine point with field-element coordinates.
#[derive(Clone, Debug)]
pub(crate) struct Affine {
    pub(crate) x: BoxedMontyForm,
    pub(crate) y: BoxedMontyForm,
}

/// A curve with runtime parameters: field, coefficients, base point, order and cofactor.
pub(crate) struct GenericCurve {
    pub(crate) field: PrimeField,
    pub(crate) a: BoxedMontyForm,
    pub(crate) b: BoxedMontyForm,
    pub(crate) g: Affine,
    /// The group order n as a field of its own (scalar arithmetic mod n).
    pub(crate) order: PrimeField,
    pub(crate) cofactor: u64,
    /// `a`, `3·b`, 0 and 1 for the formulas.
    constants: Constants<BoxedMontyForm>,
    /// The same curve at the field's fixed width, when compiled in.
    fixed: Option<FixedCurve>,
}

impl core::fmt::Debug for GenericCurve {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GenericCurve")
            .field("field", &self.field)
            .field("cofactor", &self.cofactor)
            .finish_non_exhaustive()
    }
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
        let fixed = FixedCurve::new(
            &field.modulus_bytes(),
            &field.to_bytes(&a),
            &field.to_bytes(&b),
        );
        // The runtime-width path keeps the general formulas: it is also the reference the
        // fixed-width path (with its `a = −3` forms) is tested against.
        let constants = Constants {
            a: a.clone(),
            b: b.clone(),
            b3,
            a_is_minus_3: false,
            zero: field.zero(),
            one: field.one(),
        };
        let curve = Self {
            field,
            a,
            b,
            g: Affine { x: gx, y: gy },
            order,
            cofactor,
            constants,
            fixed,
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

    /// `k·P` for `k < 2^bits`, constant time in `k`; the identity is an error.
    fn mul_bits(&self, k: &BoxedUint, bits: u32, p: &Affine) -> Result<Affine, CryptoError> {
        if let Some(fixed) = &self.fixed {
            let (x, y) = self.affine_to_bytes(p);
            if let Some(r) = fixed.mul(k, bits, &x, &y) {
                let (x, y) = r.ok_or(CryptoError::Identity)?;
                return Ok(Affine {
                    x: self.field.elem_checked(&x)?,
                    y: self.field.elem_checked(&y)?,
                });
            }
        }
        let p = Point::affine(&self.constants, p.x.clone(), p.y.clone());
        let (x, y) = projective::mul(&self.constants, k, bits, &p)
            .to_affine()
            .ok_or(CryptoError::Identity)?;
        Ok(Affine { x, y })
    }

    /// `k·P` in constant time with respect to `k` for `k < 2^bits(n)` (the caller reduces).
    /// Returns `Identity` if the result is the point at infinity.
    pub(crate) fn mul_ct(&self, k: &BoxedUint, p: &Affine) -> Result<Affine, CryptoError> {
        self.mul_bits(k, self.order.bits(), p)
    }

    /// `k·P` for a public scalar of any size (its bit length is public, so it sets the
    /// number of steps).
    pub(crate) fn mul_vartime(&self, k: &BoxedUint, p: &Affine) -> Result<Affine, CryptoError> {
        self.mul_bits(k, self.order.bits().max(k.bit_width_vartime()), p)
    }

    /// `u1·P + u2·Q` for public scalars (ECDSA verification).
    pub(crate) fn mul_add_vartime(
        &self,
        u1: &BoxedUint,
        p: &Affine,
        u2: &BoxedUint,
        q: &Affine,
    ) -> Result<Affine, CryptoError> {
        match (self.mul_vartime(u1, p), self.mul_vartime(u2, q)) {
            (Ok(a), Ok(b)) => self.add(&a, &b),
            (Err(CryptoError::Identity), other) | (other, Err(CryptoError::Identity)) => other,
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// `P + Q` (complete; the identity result is an error).
    pub(crate) fn add(&self, p: &Affine, q: &Affine) -> Result<Affine, CryptoError> {
        let c = &self.constants;
        let p = Point::affine(c, p.x.clone(), p.y.clone());
        let q = Point::affine(c, q.x.clone(), q.y.clone());
        let (x, y) = p.add(&q, c).to_affine().ok_or(CryptoError::Identity)?;
        Ok(Affine { x, y })
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
    use crypto_bigint::Resize;

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

    #[test]
    fn fixed_width_and_runtime_width_agree() {
        use sha2::Digest;
        for c in NamedCurve::ALL {
            let fixed = curve(c, 1);
            assert!(fixed.fixed.is_some(), "{c:?} has a fixed width");
            let mut boxed = curve(c, 1);
            boxed.fixed = None;
            let n = fixed.order.modulus().clone();
            let one = BoxedUint::one().resize_unchecked(n.bits_precision());
            let mut scalars = vec![one.clone(), n.wrapping_sub(&one)];
            for i in 0u8..2 {
                scalars.push(fixed.order.uint_reduced(&sha2::Sha512::digest([i])));
            }
            let p = fixed.mul_ct(&scalars[3], &fixed.g).unwrap();
            for k in &scalars {
                for base in [&fixed.g, &p] {
                    let a = fixed.mul_ct(k, base).unwrap();
                    let b = boxed.mul_ct(k, base).unwrap();
                    assert_eq!(
                        fixed.affine_to_bytes(&a),
                        boxed.affine_to_bytes(&b),
                        "{c:?}"
                    );
                }
            }
            for curve in [&fixed, &boxed] {
                let zero = BoxedUint::zero_with_precision(n.bits_precision());
                assert_eq!(curve.mul_ct(&zero, &p).unwrap_err(), CryptoError::Identity);
                assert_eq!(curve.mul_ct(&n, &p).unwrap_err(), CryptoError::Identity);
            }
        }
    }
}
