//! Point arithmetic through the RustCrypto curve crates (p256, p384, p521, bp256, bp384).
//!
//! Every function is generic over the crate's curve type and speaks fixed-width coordinates,
//! so [`super::ec_group::EcGroup`] can dispatch without exposing crate types. Decoding goes
//! through `FromSec1Point`, which checks the curve equation and coordinate range.

use elliptic_curve::array::Array;
use elliptic_curve::group::{Curve as _, Group as _};
use elliptic_curve::ops::MulVartime;
use elliptic_curve::sec1::{FromSec1Point, ModulusSize, ToSec1Point};
use elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytes, FieldBytesSize, PrimeField};
use elliptic_curve::{ProjectivePoint, Scalar};

use super::CryptoError;
use super::ec_point::EcPoint;

/// The bounds every supported crate curve satisfies.
pub(crate) trait CrateCurve: CurveArithmetic + ecdsa::EcdsaCurve
where
    FieldBytesSize<Self>: ModulusSize,
    AffinePoint<Self>: FromSec1Point<Self> + ToSec1Point<Self>,
{
}

impl CrateCurve for p256::NistP256 {}
impl CrateCurve for p384::NistP384 {}
impl CrateCurve for p521::NistP521 {}
impl CrateCurve for bp256::BrainpoolP256r1 {}
impl CrateCurve for bp384::BrainpoolP384r1 {}

/// Decodes a finite point (validated by the crate: range and curve equation).
pub(crate) fn decode<C: CrateCurve>(p: &EcPoint) -> Result<ProjectivePoint<C>, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let sec1 = p.to_sec1_uncompressed();
    let affine =
        AffinePoint::<C>::from_sec1_bytes(&sec1).map_err(|_| CryptoError::PointNotOnCurve)?;
    let proj = ProjectivePoint::<C>::from(affine);
    if bool::from(proj.is_identity()) {
        return Err(CryptoError::Identity);
    }
    Ok(proj)
}

/// Encodes a projective point as fixed-width affine coordinates; the identity is an error.
pub(crate) fn encode<C: CrateCurve>(p: &ProjectivePoint<C>) -> Result<EcPoint, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    if bool::from(p.is_identity()) {
        return Err(CryptoError::Identity);
    }
    let sec1 = p.to_affine().to_sec1_point(false);
    EcPoint::from_sec1_uncompressed(sec1.as_bytes())
}

/// A crate scalar from big-endian bytes that are already reduced mod n.
fn scalar<C: CrateCurve>(k: &[u8]) -> Result<Scalar<C>, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let mut repr: FieldBytes<C> = Array::default();
    let width = repr.len();
    let start = width
        .checked_sub(k.len())
        .ok_or(CryptoError::InvalidScalar)?;
    repr.get_mut(start..)
        .ok_or(CryptoError::InvalidScalar)?
        .copy_from_slice(k);
    Option::<Scalar<C>>::from(Scalar::<C>::from_repr(repr)).ok_or(CryptoError::InvalidScalar)
}

/// `k·P` with the crate's constant-time multiplication (`k` reduced mod n).
pub(crate) fn mul<C: CrateCurve>(k: &[u8], p: &EcPoint) -> Result<EcPoint, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let point = decode::<C>(p)?;
    let s = scalar::<C>(k)?;
    encode::<C>(&(point * s))
}

/// `k·P` in variable time (public scalars).
pub(crate) fn mul_vartime<C: CrateCurve>(k: &[u8], p: &EcPoint) -> Result<EcPoint, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let point = decode::<C>(p)?;
    let s = scalar::<C>(k)?;
    encode::<C>(&point.mul_vartime(&s))
}

/// `u1·P + u2·Q` in variable time (public scalars).
pub(crate) fn mul_add_vartime<C: CrateCurve>(
    u1: &[u8],
    p: &EcPoint,
    u2: &[u8],
    q: &EcPoint,
) -> Result<EcPoint, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let a = decode::<C>(p)?.mul_vartime(&scalar::<C>(u1)?);
    let b = decode::<C>(q)?.mul_vartime(&scalar::<C>(u2)?);
    encode::<C>(&(a + b))
}

/// `P + Q`.
pub(crate) fn add<C: CrateCurve>(p: &EcPoint, q: &EcPoint) -> Result<EcPoint, CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    encode::<C>(&(decode::<C>(p)? + decode::<C>(q)?))
}

/// ECDSA verification through the `ecdsa` crate (prehash of any length; SEC1 truncation).
pub(crate) fn ecdsa_verify<C: CrateCurve>(
    q: &EcPoint,
    prehash: &[u8],
    r: &[u8],
    s: &[u8],
) -> Result<(), CryptoError>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
    ecdsa::SignatureSize<C>: elliptic_curve::array::ArraySize,
{
    use ecdsa::signature::hazmat::PrehashVerifier;
    let key = ecdsa::VerifyingKey::<C>::from_sec1_bytes(&q.to_sec1_uncompressed())
        .map_err(|_| CryptoError::PointNotOnCurve)?;
    let sig = ecdsa::Signature::<C>::from_scalars(
        pad::<C>(r).ok_or(CryptoError::MalformedSignature)?,
        pad::<C>(s).ok_or(CryptoError::MalformedSignature)?,
    )
    .map_err(|_| CryptoError::MalformedSignature)?;
    key.verify_prehash(prehash, &sig)
        .map_err(|_| CryptoError::InvalidSignature)
}

fn pad<C: CrateCurve>(v: &[u8]) -> Option<FieldBytes<C>>
where
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromSec1Point<C> + ToSec1Point<C>,
{
    let mut out: FieldBytes<C> = Array::default();
    let start = out.len().checked_sub(v.len())?;
    out.get_mut(start..)?.copy_from_slice(v);
    Some(out)
}
