//! The error type of the crypto layer.

/// Why a curve, group, point, key or signature operation failed.
///
/// Variants never carry key material: only public facts such as OIDs, parameter IDs and
/// lengths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A point encoding is malformed (wrong tag, wrong length, coordinate ≥ p).
    #[error("invalid point encoding")]
    InvalidPoint,
    /// The coordinates decode but do not satisfy the curve equation.
    #[error("point is not on the curve")]
    PointNotOnCurve,
    /// The point at infinity appeared where a proper point is required.
    #[error("point at infinity where a finite point is required")]
    Identity,
    /// The point is on the curve but outside the prime-order subgroup (cofactor > 1).
    #[error("point is not in the prime-order subgroup")]
    NotInSubgroup,
    /// A named curve or parameter set is known but not supported for this operation.
    #[error("unsupported curve or parameters: {0}")]
    UnsupportedCurve(String),
    /// An OID (given as dotted text) does not name any known curve, group or key type.
    #[error("unknown domain parameters: {0}")]
    UnknownParameters(String),
    /// A standardized domain parameter ID outside 0–2 and 8–18.
    #[error("unknown standardized domain parameter ID {0}")]
    UnknownParameterId(u64),
    /// DER or numeric domain parameters are malformed or mathematically unusable.
    #[error("malformed domain parameters: {0}")]
    MalformedParameters(&'static str),
    /// A signature does not verify.
    #[error("signature verification failed")]
    InvalidSignature,
    /// A signature encoding (DER or plain r‖s) is malformed or out of range.
    #[error("malformed signature encoding")]
    MalformedSignature,
    /// A received Diffie–Hellman public value is outside the group or degenerate.
    #[error("invalid Diffie-Hellman public value")]
    InvalidDhValue,
    /// A scalar or private exponent is zero or out of range.
    #[error("invalid scalar or private key")]
    InvalidScalar,
    /// An input has the wrong length.
    #[error("invalid length: expected {expected}, got {actual}")]
    InvalidLength {
        /// The length the operation needs.
        expected: usize,
        /// The length it got.
        actual: usize,
    },
    /// The injected random number generator reported a failure.
    #[error("random number generator failure")]
    Rng,
    /// The operation is not defined for these parameters (e.g. IM on P-224).
    #[error("operation not supported: {0}")]
    Unsupported(&'static str),
}
