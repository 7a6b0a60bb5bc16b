//! Checks for explicit domain parameters that arrive unsigned (PACE's PACEDomainParameterInfo
//! in EF.CardAccess): a chip, or anyone on the link before PACE, chooses them, so they must be
//! a sound group before a password-derived key meets them.
//!
//! Elliptic curves: p and n prime (Baillie–PSW), p and n at least [`MIN_EC_BITS`], a small
//! cofactor with h·n inside the Hasse interval |h·n − (p + 1)| ≤ 2√p, the base point on the
//! curve and of order n. Diffie–Hellman: p prime of at least [`MIN_DH_BITS`], q present, prime,
//! of at least [`MIN_DH_ORDER_BITS`] and dividing p − 1, and g of order q.

use crypto_bigint::{BoxedUint, NonZero, Resize};
use crypto_primes::{Flavor, is_prime};

use super::dh::DhGroup;
use super::ec_group::EcGroup;
use super::ec_params::{EcCurve, EcCurveParams};
use super::{CryptoError, DomainParameters};

/// Smallest field and order size accepted for an explicit curve.
pub const MIN_EC_BITS: u32 = 224;
/// Smallest modulus accepted for an explicit DH group.
pub const MIN_DH_BITS: u32 = 2048;
/// Smallest subgroup order accepted for an explicit DH group.
pub const MIN_DH_ORDER_BITS: u32 = 224;
/// Largest cofactor accepted (9303 and TR-03110 curves have 1; SEC 1 allows small ones).
pub const MAX_COFACTOR: u64 = 4;

fn uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

fn prime(bytes: &[u8]) -> bool {
    is_prime(Flavor::Any, &uint(bytes))
}

/// Checks explicit domain parameters as described in the module documentation. Named curves
/// and the RFC 5114 groups pass without work: they are the standard's own.
pub fn validate_domain(domain: &DomainParameters) -> Result<(), CryptoError> {
    match domain {
        DomainParameters::Ec(EcCurve::Named(_)) => Ok(()),
        DomainParameters::Ec(EcCurve::Explicit(params)) => validate_curve(params),
        DomainParameters::Dh(group) if group.standard_group().is_some() => Ok(()),
        DomainParameters::Dh(group) => validate_dh(group),
    }
}

fn validate_curve(params: &EcCurveParams) -> Result<(), CryptoError> {
    if params.identify().is_some() {
        return Ok(());
    }
    let p = uint(params.p());
    let n = uint(params.n());
    if p.bit_width() < MIN_EC_BITS || n.bit_width() < MIN_EC_BITS {
        return Err(CryptoError::MalformedParameters("curve too small"));
    }
    if !prime(params.p()) {
        return Err(CryptoError::MalformedParameters(
            "field modulus p is not prime",
        ));
    }
    if !prime(params.n()) {
        return Err(CryptoError::MalformedParameters(
            "group order n is not prime",
        ));
    }
    let h = params.cofactor();
    if h == 0 || h > MAX_COFACTOR {
        return Err(CryptoError::MalformedParameters("cofactor out of range"));
    }
    if !within_hasse(&p, &n, h) {
        return Err(CryptoError::MalformedParameters(
            "h·n is not a possible number of points for this field",
        ));
    }
    let group = EcGroup::from_params(params)?;
    let g = group.base_point();
    group
        .validate_point(&g)
        .map_err(|_| CryptoError::MalformedParameters("base point not on the curve"))?;
    // n·G = O ⇔ (n − 1)·G = −G.
    let n_minus_1 = n.wrapping_sub(BoxedUint::one_with_precision(n.bits_precision()));
    let width = group.order_len();
    let mut k = n_minus_1.to_be_bytes().to_vec();
    let excess = k.len().saturating_sub(width);
    k.drain(..excess);
    let lhs = group.scalar_mul_vartime(&k, &g)?;
    if lhs != group.neg(&g)? {
        return Err(CryptoError::MalformedParameters(
            "base point does not have order n",
        ));
    }
    Ok(())
}

/// |h·n − (p + 1)| ≤ 2√p, i.e. (h·n − p − 1)² ≤ 4p.
fn within_hasse(p: &BoxedUint, n: &BoxedUint, h: u64) -> bool {
    let bits = p.bits_precision().max(n.bits_precision()) * 2 + 128;
    let widen = |x: &BoxedUint| x.resize(bits);
    let hn = widen(n).wrapping_mul(BoxedUint::from(h).resize(bits));
    let p1 = widen(p).wrapping_add(BoxedUint::one_with_precision(bits));
    let diff = if hn >= p1 {
        hn.wrapping_sub(&p1)
    } else {
        p1.wrapping_sub(&hn)
    };
    let square = diff.wrapping_mul(&diff);
    let four_p = widen(p).shl_vartime(2).unwrap_or_else(|| widen(p));
    square <= four_p
}

fn validate_dh(group: &DhGroup) -> Result<(), CryptoError> {
    let p_bytes = group.p();
    let p = uint(&p_bytes);
    if p.bit_width() < MIN_DH_BITS {
        return Err(CryptoError::MalformedParameters("DH modulus too small"));
    }
    if !prime(&p_bytes) {
        return Err(CryptoError::MalformedParameters(
            "DH modulus p is not prime",
        ));
    }
    let q_bytes = group.q().ok_or(CryptoError::MalformedParameters(
        "DH group without subgroup order q",
    ))?;
    let q = uint(&q_bytes);
    if q.bit_width() < MIN_DH_ORDER_BITS {
        return Err(CryptoError::MalformedParameters("DH subgroup too small"));
    }
    if !prime(&q_bytes) {
        return Err(CryptoError::MalformedParameters(
            "DH subgroup order q is not prime",
        ));
    }
    let p_minus_1 = p.wrapping_sub(BoxedUint::one_with_precision(p.bits_precision()));
    let q_nz = NonZero::new(q.resize(p.bits_precision()))
        .into_option()
        .ok_or(CryptoError::MalformedParameters(
            "DH subgroup order is zero",
        ))?;
    if !bool::from(p_minus_1.rem_vartime(&q_nz).is_zero()) {
        return Err(CryptoError::MalformedParameters("q does not divide p − 1"));
    }
    // g of order q was checked when the group was built (g^q ≡ 1, 1 < g < p − 1).
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{NamedCurve, StandardDhGroup};

    fn explicit(c: NamedCurve) -> EcCurveParams {
        EcCurveParams::named(c)
    }

    /// A named curve's parameters with one value replaced, so they are no longer recognised
    /// as the named curve and take the explicit path.
    fn tweaked(c: NamedCurve, f: impl FnOnce(&mut [Vec<u8>; 6], &mut u64)) -> EcCurveParams {
        let base = explicit(c);
        let mut v = [
            base.p().to_vec(),
            base.a().to_vec(),
            base.b().to_vec(),
            base.gx().to_vec(),
            base.gy().to_vec(),
            base.n().to_vec(),
        ];
        let mut h = base.cofactor();
        f(&mut v, &mut h);
        EcCurveParams::new(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], h).unwrap()
    }

    #[test]
    fn hasse_bound_holds_for_every_named_curve() {
        for c in NamedCurve::ALL {
            let params = explicit(c);
            assert!(
                within_hasse(&uint(params.p()), &uint(params.n()), params.cofactor()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn named_and_standard_parameters_pass() {
        for c in NamedCurve::ALL {
            validate_domain(&DomainParameters::Ec(EcCurve::Named(c))).unwrap();
        }
        let dh = DhGroup::standard(StandardDhGroup::Rfc5114Modp2048Q256).unwrap();
        validate_domain(&DomainParameters::Dh(dh)).unwrap();
    }

    #[test]
    fn a_non_prime_order_is_refused() {
        // brainpoolP320r1 with n + 2 (even, so composite): not recognised as the named curve.
        let params = tweaked(NamedCurve::BrainpoolP320r1, |v, _| {
            let n = uint(&v[5])
                .wrapping_add(BoxedUint::from(2u64).resize(uint(&v[5]).bits_precision()));
            v[5] = n.to_be_bytes().to_vec();
        });
        assert_eq!(
            validate_curve(&params),
            Err(CryptoError::MalformedParameters(
                "group order n is not prime"
            ))
        );
    }

    #[test]
    fn an_order_that_cannot_count_the_points_is_refused() {
        // brainpoolP320r1's field with brainpoolP256r1's (prime) order: h·n is far from p + 1.
        let n256 = explicit(NamedCurve::BrainpoolP256r1).n().to_vec();
        let params = tweaked(NamedCurve::BrainpoolP320r1, |v, _| v[5] = n256);
        assert_eq!(
            validate_curve(&params),
            Err(CryptoError::MalformedParameters(
                "h·n is not a possible number of points for this field"
            ))
        );
        // A declared cofactor on a curve recognised as a named one changes nothing: the named
        // curve (h = 1) is what gets used.
        let named = tweaked(NamedCurve::BrainpoolP320r1, |_, h| *h = 2);
        assert!(named.identify().is_some());
    }

    #[test]
    fn a_base_point_off_the_curve_is_refused() {
        let params = tweaked(NamedCurve::BrainpoolP320r1, |v, _| {
            if let Some(last) = v[4].last_mut() {
                *last ^= 1;
            }
        });
        assert!(validate_curve(&params).is_err());
    }

    #[test]
    fn a_small_curve_is_refused() {
        let params = tweaked(NamedCurve::BrainpoolP192r1, |v, _| {
            if let Some(last) = v[4].last_mut() {
                *last ^= 1;
            }
        });
        assert_eq!(
            validate_curve(&params),
            Err(CryptoError::MalformedParameters("curve too small"))
        );
    }

    #[test]
    fn a_small_dh_group_is_refused() {
        let g = DhGroup::standard(StandardDhGroup::Rfc5114Modp1024Q160).unwrap();
        let explicit = DhGroup::from_params(&g.p(), &g.g(), g.q().as_deref()).unwrap();
        assert_eq!(
            validate_dh(&explicit),
            Err(CryptoError::MalformedParameters("DH modulus too small"))
        );
        let g = DhGroup::standard(StandardDhGroup::Rfc5114Modp2048Q224).unwrap();
        let explicit = DhGroup::from_params(&g.p(), &g.g(), g.q().as_deref()).unwrap();
        validate_dh(&explicit).unwrap();
    }
}
