//! ECDSA over any [`EcGroup`]: verification of a prehash (SOD signatures by DS keys, AA-ECDSA,
//! CSCA→DS chains) and signing with an injected RNG (emulator, test PKI).
//!
//! The hash is converted to an integer as in SEC1 §4.1.3 / X9.62: the leftmost `bits(n)` bits
//! of the prehash, reduced mod n. Verification of the crate-backed curves goes through the
//! `ecdsa` crate; all other curves (and explicit parameters) use the generic code.

use der::asn1::Uint;
use der::{Decode, Encode, Sequence};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::CryptoError;
use super::crate_backend as cb;
use super::ec_group::{Backend, EcGroup, random_below};
use super::ec_point::EcPrivateKey;
use super::field::{PrimeField, fixed_width_be, trim_leading_zeros};

/// An ECDSA signature as the pair of integers (r, s), big-endian, minimal length.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Signature {
    r: Vec<u8>,
    s: Vec<u8>,
}

/// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (X9.62, RFC 3279).
#[derive(Sequence)]
struct SigDer {
    r: Uint,
    s: Uint,
}

impl Signature {
    /// From the two integers (leading zeros are ignored).
    pub fn from_scalars(r: &[u8], s: &[u8]) -> Self {
        Self {
            r: trim_leading_zeros(r).to_vec(),
            s: trim_leading_zeros(s).to_vec(),
        }
    }

    /// Parses the DER `ECDSA-Sig-Value` used in CMS (EF.SOD) and X.509.
    pub fn from_der(der: &[u8]) -> Result<Self, CryptoError> {
        let sig = SigDer::from_der(der).map_err(|_| CryptoError::MalformedSignature)?;
        Ok(Self::from_scalars(sig.r.as_bytes(), sig.s.as_bytes()))
    }

    /// Parses the plain format `r ‖ s` (BSI TR-03111; AA-ECDSA), each half of equal length.
    pub fn from_plain(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(2) {
            return Err(CryptoError::MalformedSignature);
        }
        let (r, s) = bytes
            .split_at_checked(bytes.len() / 2)
            .ok_or(CryptoError::MalformedSignature)?;
        Ok(Self::from_scalars(r, s))
    }

    /// The DER `ECDSA-Sig-Value`.
    pub fn to_der(&self) -> Result<Vec<u8>, CryptoError> {
        let to_uint = |v: &[u8]| Uint::new(v).map_err(|_| CryptoError::MalformedSignature);
        SigDer {
            r: to_uint(&self.r)?,
            s: to_uint(&self.s)?,
        }
        .to_der()
        .map_err(|_| CryptoError::MalformedSignature)
    }

    /// The plain format `r ‖ s` with each half `width` bytes (the byte length of n).
    pub fn to_plain(&self, width: usize) -> Result<Vec<u8>, CryptoError> {
        if self.r.len() > width || self.s.len() > width {
            return Err(CryptoError::MalformedSignature);
        }
        let mut out = vec![0u8; 2 * width];
        let (r_out, s_out) = out.split_at_mut(width);
        let r_start = width - self.r.len();
        let s_start = width - self.s.len();
        r_out
            .get_mut(r_start..)
            .ok_or(CryptoError::MalformedSignature)?
            .copy_from_slice(&self.r);
        s_out
            .get_mut(s_start..)
            .ok_or(CryptoError::MalformedSignature)?
            .copy_from_slice(&self.s);
        Ok(out)
    }

    /// r, big-endian, minimal.
    pub fn r(&self) -> &[u8] {
        &self.r
    }

    /// s, big-endian, minimal.
    pub fn s(&self) -> &[u8] {
        &self.s
    }
}

/// The integer e of SEC1 §4.1.3 step 5: the leftmost `bits(n)` bits of the prehash, mod n,
/// as fixed-width bytes.
fn hash_to_scalar(order: &PrimeField, prehash: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let bits = order.bits() as usize;
    let max_bytes = bits.div_ceil(8);
    let taken = prehash
        .get(..max_bytes.min(prehash.len()))
        .unwrap_or(prehash);
    let precision = super::field::bits_for_len(taken.len()).max(order.precision());
    let mut e = crypto_bigint::BoxedUint::from_be_slice_truncated(taken, precision);
    let taken_bits = taken.len() * 8;
    if taken_bits > bits {
        let shift = u32::try_from(taken_bits - bits).map_err(|_| CryptoError::InvalidLength {
            expected: max_bytes,
            actual: prehash.len(),
        })?;
        e = e
            .shr_vartime(shift)
            .ok_or(CryptoError::MalformedSignature)?;
    }
    let reduced = order.uint_reduced(&fixed_width_be(&e, taken.len().max(order.len())));
    Ok(order.uint_to_bytes(&reduced))
}

/// Checks `1 ≤ v < n` and returns v with the width of n.
fn in_range(order: &PrimeField, v: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let u = order
        .uint_checked(v)
        .map_err(|_| CryptoError::InvalidSignature)?;
    if bool::from(u.is_zero()) {
        return Err(CryptoError::InvalidSignature);
    }
    Ok(order.uint_to_bytes(&u))
}

/// Verifies `signature` over `prehash` with the public key `public_sec1` (uncompressed SEC1)
/// on `group`'s curve (standard base point). Every failure — bad key, r or s out of range,
/// wrong signature — is an error; `Ok(())` means valid.
pub fn verify_prehash(
    group: &EcGroup,
    public_sec1: &[u8],
    prehash: &[u8],
    signature: &Signature,
) -> Result<(), CryptoError> {
    let q = group.decode_point(public_sec1)?;
    let order = group.order_field();
    let r = in_range(order, &signature.r)?;
    let s = in_range(order, &signature.s)?;
    match group.backend() {
        Backend::P256 => cb::ecdsa_verify::<p256::NistP256>(&q, prehash, &r, &s),
        Backend::P384 => cb::ecdsa_verify::<p384::NistP384>(&q, prehash, &r, &s),
        Backend::P521 => cb::ecdsa_verify::<p521::NistP521>(&q, prehash, &r, &s),
        Backend::Bp256 => cb::ecdsa_verify::<bp256::BrainpoolP256r1>(&q, prehash, &r, &s),
        Backend::Bp384 => cb::ecdsa_verify::<bp384::BrainpoolP384r1>(&q, prehash, &r, &s),
        Backend::Generic => verify_generic(group, &q, prehash, &r, &s),
    }
}

/// The textbook verification: `R = (e·w)·G + (r·w)·Q`, `w = s⁻¹`, valid iff `x(R) mod n = r`.
pub(crate) fn verify_generic(
    group: &EcGroup,
    q: &super::EcPoint,
    prehash: &[u8],
    r: &[u8],
    s: &[u8],
) -> Result<(), CryptoError> {
    let order = group.order_field();
    let e = order.elem_reduced(&hash_to_scalar(order, prehash)?);
    let r_m = order.elem_reduced(r);
    let w = order
        .invert(&order.elem_reduced(s))
        .into_option()
        .ok_or(CryptoError::InvalidSignature)?;
    let u1 = order.to_bytes(&e.mul(&w));
    let u2 = order.to_bytes(&r_m.mul(&w));
    let point = match group.mul_add_vartime(&u1, &group.base_point(), &u2, q) {
        Ok(p) => p,
        Err(CryptoError::Identity) => return Err(CryptoError::InvalidSignature),
        Err(other) => return Err(other),
    };
    let v = order.uint_to_bytes(&order.uint_reduced(point.x()));
    if v == r {
        Ok(())
    } else {
        Err(CryptoError::InvalidSignature)
    }
}

/// Signs `prehash` with a per-signature nonce k drawn from `rng` (uniform in `[1, n−1]`).
/// `k·G`, `k⁻¹` and `r·d` are computed in constant time.
pub fn sign_prehash<R: TryCryptoRng + ?Sized>(
    group: &EcGroup,
    private: &EcPrivateKey,
    prehash: &[u8],
    rng: &mut R,
) -> Result<Signature, CryptoError> {
    let order = group.order_field();
    let d = order.elem_checked(private.as_bytes())?;
    if bool::from(d.is_zero()) {
        return Err(CryptoError::InvalidScalar);
    }
    let e = order.elem_reduced(&hash_to_scalar(order, prehash)?);
    let g = group.base_point();
    for _ in 0..64 {
        let k = Zeroizing::new(random_below(order, rng)?);
        let big_r = group.scalar_mul(&k, &g)?;
        let r = order.elem_reduced(big_r.x());
        if bool::from(r.is_zero()) {
            continue;
        }
        let k_m = order.elem_reduced(&k);
        let k_inv = order.invert(&k_m).into_option().ok_or(CryptoError::Rng)?;
        let s = k_inv.mul(&e.add(&r.mul(&d)));
        if bool::from(s.is_zero()) {
            continue;
        }
        return Ok(Signature::from_scalars(
            &order.to_bytes(&r),
            &order.to_bytes(&s),
        ));
    }
    Err(CryptoError::Rng)
}
