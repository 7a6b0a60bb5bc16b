//! Curve points and EC private keys as backend-neutral values.

use zeroize::{Zeroize, Zeroizing};

use super::CryptoError;

/// A finite affine curve point with fixed-width big-endian coordinates.
///
/// Produced only by [`super::EcGroup`] operations and decoders, which validate it; every
/// group operation re-validates its input points against its own curve, so a point from a
/// different curve is rejected rather than silently misused.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EcPoint {
    x: Vec<u8>,
    y: Vec<u8>,
}

impl EcPoint {
    /// Splits an uncompressed SEC1 encoding `04 ‖ X ‖ Y` (no curve check here).
    pub(crate) fn from_sec1_uncompressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        let (tag, rest) = bytes.split_first().ok_or(CryptoError::InvalidPoint)?;
        if *tag != 0x04 || rest.is_empty() || rest.len() % 2 != 0 {
            return Err(CryptoError::InvalidPoint);
        }
        let (x, y) = rest
            .split_at_checked(rest.len() / 2)
            .ok_or(CryptoError::InvalidPoint)?;
        Ok(Self {
            x: x.to_vec(),
            y: y.to_vec(),
        })
    }

    /// Builds a point from coordinates (no curve check here).
    pub(crate) fn from_coordinates(x: Vec<u8>, y: Vec<u8>) -> Self {
        Self { x, y }
    }

    /// The x-coordinate, big-endian, field width.
    pub fn x(&self) -> &[u8] {
        &self.x
    }

    /// The y-coordinate, big-endian, field width.
    pub fn y(&self) -> &[u8] {
        &self.y
    }

    /// The uncompressed SEC1 encoding `04 ‖ X ‖ Y` used on the wire (PACE, CA, SPKI).
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.x.len() + self.y.len());
        out.push(0x04);
        out.extend_from_slice(&self.x);
        out.extend_from_slice(&self.y);
        out
    }
}

/// An EC private key: a scalar in `[1, n−1]`, big-endian, fixed to the byte width of n.
///
/// Zeroized on drop; `Debug` prints no key material.
#[derive(Clone, PartialEq, Eq)]
pub struct EcPrivateKey {
    bytes: Zeroizing<Vec<u8>>,
}

impl EcPrivateKey {
    /// Wraps scalar bytes already checked by the group.
    pub(crate) fn from_checked(bytes: Vec<u8>) -> Self {
        Self {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// The scalar, big-endian, byte width of n (handle with care: secret).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl core::fmt::Debug for EcPrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("EcPrivateKey(..)")
    }
}

impl Zeroize for EcPrivateKey {
    fn zeroize(&mut self) {
        self.bytes.zeroize();
    }
}

/// A private key with its public point on a given generator.
#[derive(Clone, Debug)]
pub struct EcKeyPair {
    /// The secret scalar.
    pub private: EcPrivateKey,
    /// `private · generator`.
    pub public: EcPoint,
}
