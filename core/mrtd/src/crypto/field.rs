//! Arithmetic modulo an odd prime chosen at runtime (curve fields, group orders, DH moduli).
//!
//! A thin layer over `crypto-bigint`'s `BoxedMontyForm` that fixes the precision once, so the
//! rest of the crate never mixes widths (which `crypto-bigint` would reject with a panic), and
//! that converts to and from fixed-width big-endian octet strings.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Choice, CtOption, NonZero, Odd, Resize};

use super::CryptoError;

/// Integers modulo an odd prime `m`, with Montgomery parameters computed once.
#[derive(Clone)]
pub(crate) struct PrimeField {
    params: BoxedMontyParams,
    modulus: NonZero<BoxedUint>,
    bits: u32,
    len: usize,
}

impl core::fmt::Debug for PrimeField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrimeField")
            .field("bits", &self.bits)
            .finish()
    }
}

impl PrimeField {
    /// Builds the field from a big-endian modulus. Rejects even moduli and moduli below 5.
    pub(crate) fn new(modulus_be: &[u8]) -> Result<Self, CryptoError> {
        let trimmed = trim_leading_zeros(modulus_be);
        if trimmed.is_empty() || trimmed.len() > 2048 {
            return Err(CryptoError::MalformedParameters("modulus size"));
        }
        let precision = bits_for_len(trimmed.len());
        let m = BoxedUint::from_be_slice(trimmed, precision)
            .map_err(|_| CryptoError::MalformedParameters("modulus encoding"))?;
        let bits = m.bit_width_vartime();
        if bits < 3 {
            return Err(CryptoError::MalformedParameters("modulus too small"));
        }
        let odd: Odd<BoxedUint> = m
            .to_odd()
            .into_option()
            .ok_or(CryptoError::MalformedParameters("modulus is even"))?;
        let modulus = m
            .to_nz()
            .into_option()
            .ok_or(CryptoError::MalformedParameters("modulus is zero"))?;
        let params = BoxedMontyParams::new_vartime(odd);
        let len = usize::try_from(bits.div_ceil(8))
            .map_err(|_| CryptoError::MalformedParameters("modulus size"))?;
        Ok(Self {
            params,
            modulus,
            bits,
            len,
        })
    }

    /// Bit length of the modulus.
    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }

    /// Byte length of the modulus (the fixed width of encoded elements).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Precision (in bits, limb-rounded) of every `BoxedUint` belonging to this field.
    pub(crate) fn precision(&self) -> u32 {
        self.modulus.as_ref().bits_precision()
    }

    /// The modulus as an integer.
    pub(crate) fn modulus(&self) -> &BoxedUint {
        self.modulus.as_ref()
    }

    /// The modulus as big-endian bytes of the field width.
    pub(crate) fn modulus_bytes(&self) -> Vec<u8> {
        self.uint_to_bytes(self.modulus.as_ref())
    }

    /// Zero.
    pub(crate) fn zero(&self) -> BoxedMontyForm {
        BoxedMontyForm::zero(&self.params)
    }

    /// One.
    pub(crate) fn one(&self) -> BoxedMontyForm {
        BoxedMontyForm::one(&self.params)
    }

    /// A small constant.
    pub(crate) fn small(&self, v: u64) -> BoxedMontyForm {
        let u = BoxedUint::from(v).resize_unchecked(self.precision());
        self.elem_from_uint_reduced(&u)
    }

    /// Parses big-endian bytes of any length as an integer with this field's precision,
    /// requiring the value to be `< modulus`. Variable time in the length only.
    pub(crate) fn uint_checked(&self, bytes: &[u8]) -> Result<BoxedUint, CryptoError> {
        // Only bytes beyond the field width are inspected individually, so a fixed-width
        // (secret) input is parsed without data-dependent branches until the final range check.
        let excess = bytes.len().saturating_sub(self.len);
        let (prefix, body) = bytes
            .split_at_checked(excess)
            .ok_or(CryptoError::InvalidScalar)?;
        if prefix.iter().any(|b| *b != 0) {
            return Err(CryptoError::InvalidLength {
                expected: self.len,
                actual: trim_leading_zeros(bytes).len(),
            });
        }
        let u = BoxedUint::from_be_slice(body, self.precision())
            .map_err(|_| CryptoError::MalformedParameters("integer encoding"))?;
        if bool::from(self.ct_lt_modulus(&u)) {
            Ok(u)
        } else {
            Err(CryptoError::InvalidScalar)
        }
    }

    /// Parses big-endian bytes of any length and reduces them modulo the modulus
    /// (constant time in the value).
    pub(crate) fn uint_reduced(&self, bytes: &[u8]) -> BoxedUint {
        let precision = bits_for_len(bytes.len()).max(self.precision());
        let wide = BoxedUint::from_be_slice_truncated(bytes, precision);
        wide.rem(&self.modulus)
    }

    /// `u < modulus`, in constant time.
    pub(crate) fn ct_lt_modulus(&self, u: &BoxedUint) -> Choice {
        let u = u.resize_unchecked(self.precision());
        crypto_bigint::CtLt::ct_lt(&u, self.modulus.as_ref())
    }

    /// A field element from an integer already known to be `< modulus`.
    pub(crate) fn elem_from_uint_reduced(&self, u: &BoxedUint) -> BoxedMontyForm {
        BoxedMontyForm::new(u.resize_unchecked(self.precision()), &self.params)
    }

    /// A field element from big-endian bytes whose value must be `< modulus`.
    pub(crate) fn elem_checked(&self, bytes: &[u8]) -> Result<BoxedMontyForm, CryptoError> {
        Ok(self.elem_from_uint_reduced(&self.uint_checked(bytes)?))
    }

    /// A field element from big-endian bytes of any value, reduced modulo the modulus.
    pub(crate) fn elem_reduced(&self, bytes: &[u8]) -> BoxedMontyForm {
        self.elem_from_uint_reduced(&self.uint_reduced(bytes))
    }

    /// Fixed-width big-endian encoding of a field element.
    pub(crate) fn to_bytes(&self, e: &BoxedMontyForm) -> Vec<u8> {
        self.uint_to_bytes(&e.retrieve())
    }

    /// Fixed-width big-endian encoding of an integer `< 2^(8·len)`.
    pub(crate) fn uint_to_bytes(&self, u: &BoxedUint) -> Vec<u8> {
        fixed_width_be(u, self.len)
    }

    /// Constant-time inversion; `None` for zero.
    pub(crate) fn invert(&self, e: &BoxedMontyForm) -> CtOption<BoxedMontyForm> {
        e.invert()
    }

    /// `true` if `p ≡ 3 (mod 4)`.
    pub(crate) fn is_3mod4(&self) -> bool {
        let m = self.modulus.as_ref();
        m.bit_vartime(0) && m.bit_vartime(1)
    }
}

/// Drops leading zero bytes (variable time in the count, which is public length information).
pub(crate) fn trim_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Bits of precision for `len` bytes, at least one limb.
pub(crate) fn bits_for_len(len: usize) -> u32 {
    u32::try_from(len.saturating_mul(8))
        .unwrap_or(u32::MAX)
        .max(64)
}

/// The low `len` bytes of `u`, big-endian, left-padded with zeros.
pub(crate) fn fixed_width_be(u: &BoxedUint, len: usize) -> Vec<u8> {
    let full = u.to_be_bytes();
    let mut out = vec![0u8; len];
    if full.len() >= len {
        if let Some(tail) = full.get(full.len() - len..) {
            out.copy_from_slice(tail);
        }
    } else if let Some(dst) = out.get_mut(len - full.len()..) {
        dst.copy_from_slice(&full);
    }
    out
}
