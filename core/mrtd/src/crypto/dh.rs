//! Diffie–Hellman modulo a prime p (PACE DH-GM/IM, Chip Authentication with DH keys).
//!
//! Public values and shared secrets are unsigned big-endian with exactly |p| bytes.

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, CtEq, NonZero};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::CryptoError;
use super::dh_group::StandardDhGroup;
use super::ec_group::random_below;
use super::field::PrimeField;

/// A MODP group: prime p, generator g and (when known) the prime subgroup order q.
#[derive(Clone, Debug)]
pub struct DhGroup {
    p: PrimeField,
    g: BoxedMontyForm,
    q: Option<PrimeField>,
    standard: Option<StandardDhGroup>,
}

/// A DH private exponent (zeroized on drop; no key material in `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct DhPrivateKey {
    bytes: Zeroizing<Vec<u8>>,
}

impl DhPrivateKey {
    /// The exponent, big-endian (secret).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl core::fmt::Debug for DhPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DhPrivateKey(..)")
    }
}

/// A DH key pair.
#[derive(Clone, Debug)]
pub struct DhKeyPair {
    /// The private exponent.
    pub private: DhPrivateKey,
    /// `g^x mod p`, |p| bytes.
    pub public: Vec<u8>,
}

impl DhGroup {
    /// One of the RFC 5114 groups (PACE parameter IDs 0–2).
    ///
    /// The RFC's constants are not checked again at run time (a 2048-bit exponentiation
    /// each time a group is built): the test `standard_generators_lie_in_their_subgroups`
    /// checks `g^q ≡ 1` for all three.
    pub fn standard(group: StandardDhGroup) -> Result<Self, CryptoError> {
        let mut g = Self::build(&group.p(), &group.g(), Some(&group.q()))?;
        g.standard = Some(group);
        Ok(g)
    }

    /// Explicit parameters: checks p odd, 1 < g < p−1 and, with q, g^q ≡ 1 (mod p).
    pub fn from_params(p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<Self, CryptoError> {
        let group = Self::build(p, g, q)?;
        let g_bytes = group.p.to_bytes(&group.g);
        group
            .validate_public(&g_bytes)
            .map_err(|_| CryptoError::MalformedParameters("DH generator not in the subgroup"))?;
        Ok(group)
    }

    /// The group of p, g and q, with g in range but not yet checked to lie in the subgroup.
    fn build(p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<Self, CryptoError> {
        let p = PrimeField::new(p)?;
        if p.bits() < 64 {
            return Err(CryptoError::MalformedParameters("DH modulus too small"));
        }
        let q = q.map(PrimeField::new).transpose()?;
        let gen_ = p
            .elem_checked(g)
            .map_err(|_| CryptoError::MalformedParameters("DH generator out of range"))?;
        Ok(Self {
            p,
            g: gen_,
            q,
            standard: None,
        })
    }

    /// The same p and q with another generator (PACE's mapped ĝ), validated like a public
    /// value.
    pub fn with_generator(&self, g: &[u8]) -> Result<Self, CryptoError> {
        self.validate_public(g)?;
        self.with_checked_generator(g)
    }

    /// The same p and q with a generator that lies in the subgroup by construction, so
    /// only its range is checked (`1 < g < p−1`; this also excludes ĝ = 1): Generic
    /// Mapping's `g^s · h`, a product of the generator and a power of a validated public
    /// value, and Integrated Mapping's `Rp^((p−1)/q)`, whose q-th power is `Rp^(p−1) = 1`.
    /// Skipping the `ĝ^q` check saves one full exponentiation per PACE run.
    pub(crate) fn with_subgroup_generator(&self, g: &[u8]) -> Result<Self, CryptoError> {
        self.validate_range(g)?;
        self.with_checked_generator(g)
    }

    fn with_checked_generator(&self, g: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self {
            g: self.p.elem_checked(g)?,
            standard: None,
            ..self.clone()
        })
    }

    /// The RFC 5114 group these parameters are, if any.
    pub fn standard_group(&self) -> Option<StandardDhGroup> {
        self.standard
    }

    /// |p| in bytes: the width of public values and shared secrets.
    pub fn p_len(&self) -> usize {
        self.p.len()
    }

    /// p, |p| bytes.
    pub fn p(&self) -> Vec<u8> {
        self.p.modulus_bytes()
    }

    /// The current generator, |p| bytes.
    pub fn g(&self) -> Vec<u8> {
        self.p.to_bytes(&self.g)
    }

    /// q, if known.
    pub fn q(&self) -> Option<Vec<u8>> {
        self.q.as_ref().map(PrimeField::modulus_bytes)
    }

    pub(crate) fn field(&self) -> &PrimeField {
        &self.p
    }

    /// Rejects degenerate and out-of-group values: requires 1 < y < p−1 and, when q is known,
    /// y^q ≡ 1 (mod p). Also requires exactly |p| bytes or fewer.
    pub fn validate_public(&self, y: &[u8]) -> Result<(), CryptoError> {
        let v = self.validate_range(y)?;
        if let Some(q) = &self.q {
            let e = self.p.elem_from_uint_reduced(&v);
            let r = e.pow(q.modulus());
            if !bool::from(r.ct_eq(&self.p.one())) {
                return Err(CryptoError::InvalidDhValue);
            }
        }
        Ok(())
    }

    /// `1 < y < p−1` and at most |p| bytes: y as a number.
    fn validate_range(&self, y: &[u8]) -> Result<BoxedUint, CryptoError> {
        let v = self
            .p
            .uint_checked(y)
            .map_err(|_| CryptoError::InvalidDhValue)?;
        let two = BoxedUint::from(2u64).resize_unchecked_to(self.p.precision());
        let p_minus_1 = self
            .p
            .modulus()
            .wrapping_sub(BoxedUint::one().resize_unchecked_to(self.p.precision()));
        if v.cmp_vartime(&two).is_lt() || v.cmp_vartime(&p_minus_1).is_ge() {
            return Err(CryptoError::InvalidDhValue);
        }
        Ok(v)
    }

    /// Imports a private exponent: `1 ≤ x < q` when q is known, else `1 ≤ x < p`.
    pub fn private_key_from_bytes(&self, bytes: &[u8]) -> Result<DhPrivateKey, CryptoError> {
        let range = self.q.as_ref().unwrap_or(&self.p);
        let x = Zeroizing::new(range.uint_checked(bytes)?);
        if bool::from(x.is_zero()) {
            return Err(CryptoError::InvalidScalar);
        }
        Ok(DhPrivateKey {
            bytes: Zeroizing::new(range.uint_to_bytes(&x)),
        })
    }

    /// A fresh key pair: x uniform in `[1, q−1]` when q is known; otherwise x is drawn below
    /// `2^(bits(p)−1)` (so x < p−1).
    pub fn generate_keypair<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<DhKeyPair, CryptoError> {
        let bytes = match &self.q {
            Some(q) => random_below(q, rng)?,
            None => {
                let mut x = random_below(&self.p, rng)?;
                let top_bit = (self.p.bits() - 1) % 8;
                if let Some(first) = x.first_mut() {
                    *first &= !(1u8 << top_bit);
                }
                if x.iter().all(|b| *b == 0) {
                    return Err(CryptoError::Rng);
                }
                x
            }
        };
        let private = DhPrivateKey {
            bytes: Zeroizing::new(bytes),
        };
        let public = self.public_from_private(&private)?;
        Ok(DhKeyPair { private, public })
    }

    /// `g^x mod p`, |p| bytes (constant time in x for a fixed exponent width).
    pub fn public_from_private(&self, x: &DhPrivateKey) -> Result<Vec<u8>, CryptoError> {
        Ok(self.p.to_bytes(&self.pow_secret(&self.g, x)))
    }

    /// `y^x mod p` after validating y: the shared secret, |p| bytes.
    pub fn shared_secret(
        &self,
        x: &DhPrivateKey,
        peer: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.validate_public(peer)?;
        let y = self.p.elem_checked(peer)?;
        let k = self.pow_secret(&y, x);
        if bool::from(k.ct_eq(&self.p.one())) {
            return Err(CryptoError::InvalidDhValue);
        }
        Ok(Zeroizing::new(self.p.to_bytes(&k)))
    }

    fn pow_secret(&self, base: &BoxedMontyForm, x: &DhPrivateKey) -> BoxedMontyForm {
        let precision = super::field::bits_for_len(x.bytes.len());
        let e = Zeroizing::new(BoxedUint::from_be_slice_truncated(&x.bytes, precision));
        base.pow(&e)
    }

    /// `base^e mod p` for public values (mapping math).
    pub(crate) fn pow_public(&self, base: &BoxedMontyForm, e: &[u8]) -> BoxedMontyForm {
        let precision = super::field::bits_for_len(e.len());
        base.pow(&BoxedUint::from_be_slice_truncated(e, precision))
    }

    /// `g^e mod p` for a secret exponent given as bytes (the GM nonce s).
    pub(crate) fn generator_pow_secret(&self, e: &[u8]) -> BoxedMontyForm {
        let precision = super::field::bits_for_len(e.len());
        let e = Zeroizing::new(BoxedUint::from_be_slice_truncated(e, precision));
        self.g.pow(&e)
    }

    /// Division `(p−1)/q` for the Integrated Mapping exponent.
    pub(crate) fn cofactor_exponent(&self) -> Result<Vec<u8>, CryptoError> {
        let q = self
            .q
            .as_ref()
            .ok_or(CryptoError::Unsupported("DH integrated mapping needs q"))?;
        let p_minus_1 = self
            .p
            .modulus()
            .wrapping_sub(BoxedUint::one().resize_unchecked_to(self.p.precision()));
        let q_wide = q.modulus().resize_unchecked_to(self.p.precision());
        let nz = NonZero::new(q_wide)
            .into_option()
            .ok_or(CryptoError::MalformedParameters("q is zero"))?;
        let (quot, _) = p_minus_1.div_rem_vartime(&nz);
        Ok(self.p.uint_to_bytes(&quot))
    }
}

/// Short alias for `Resize::resize_unchecked`, which truncates or zero-extends.
trait ResizeTo {
    fn resize_unchecked_to(&self, bits: u32) -> BoxedUint;
}

impl ResizeTo for BoxedUint {
    fn resize_unchecked_to(&self, bits: u32) -> BoxedUint {
        crypto_bigint::Resize::resize_unchecked(self, bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `DhGroup::standard` trusts the RFC 5114 constants; this is the check it skips.
    #[test]
    fn standard_generators_lie_in_their_subgroups() {
        for group in StandardDhGroup::ALL {
            let g = DhGroup::standard(group).unwrap();
            g.validate_public(&g.g()).unwrap();
            assert!(DhGroup::from_params(&group.p(), &group.g(), Some(&group.q())).is_ok());
        }
    }

    /// A mapped generator is range-checked only: 1 and p−1 are refused, as is a value of
    /// more than |p| bytes.
    #[test]
    fn a_subgroup_generator_is_range_checked() {
        let g = DhGroup::standard(StandardDhGroup::Rfc5114Modp2048Q224).unwrap();
        let mut one = vec![0u8; g.p_len()];
        *one.last_mut().unwrap() = 1;
        assert!(g.with_subgroup_generator(&one).is_err());
        let mut p_minus_1 = g.p();
        *p_minus_1.last_mut().unwrap() -= 1;
        assert!(g.with_subgroup_generator(&p_minus_1).is_err());
        assert!(g.with_subgroup_generator(&[1u8; 257]).is_err());
        let mapped = g.with_subgroup_generator(&g.g()).unwrap();
        assert_eq!(mapped.g(), g.g());
        assert_eq!(mapped.standard_group(), None);
    }
}
