//! Shared cryptography for the terminal and the chip side: curves, DH groups, domain
//! parameters, EC and DH arithmetic, ECDSA and the PACE mapping math.
//!
//! # Backends
//!
//! [`EcGroup`] offers one API over two implementations. P-256, P-384, P-521,
//! brainpoolP256r1 and brainpoolP384r1 use the RustCrypto crates (`p256`, `p384`, `p521`,
//! `bp256`, `bp384`). Every other curve (P-192, P-224, brainpool 192/224/320/512) and any
//! explicit parameter set that is not a named curve uses the generic short-Weierstrass code
//! in this module, over `crypto-bigint` with the modulus chosen at runtime. Explicit
//! parameters equal to a named curve are recognised and routed to the named curve.
//!
//! # Constant time: what holds and what does not
//!
//! * Scalar multiplication in the generic backend (`projective.rs`) is a fixed 4-bit window
//!   over a fixed number of steps (the bit length of n) with complete projective formulas (no
//!   exceptional cases, no branches on point values); the table entry is read by scanning the
//!   whole table with constant-time selects, and the final affine conversion inverts in
//!   constant time. For fields of 3 to 9 64-bit limbs it runs on stack-allocated Montgomery
//!   residues (`fixed_width.rs`: masked carries, no branch on a value), wider ones on
//!   `crypto-bigint`'s `BoxedMontyForm`. Scalars are reduced mod n with constant-time
//!   division. The crate backends use the crates' constant-time multiplication.
//! * DH exponentiation uses `crypto-bigint`'s fixed-window `pow`, which is constant time in
//!   the exponent value for a fixed exponent width.
//! * Other field operations inherit `crypto-bigint`'s guarantees; `BoxedMontyForm` allocates
//!   on every operation, with sizes that depend only on public parameters.
//! * Not constant time, by design: point decoding and validation (public data),
//!   `*_vartime` functions (public scalars: signature verification, subgroup checks),
//!   the rejection loop of random scalar generation (leaks only the number of rejected
//!   draws, which are discarded). The Integrated Mapping point encoding computes both
//!   candidate points and selects one in constant time.
//! * DH public-value validation and the IM exponent `(p−1)/q` use variable-time
//!   arithmetic on public values only.
//! * Zeroization: private keys, shared secrets and the ladder's intermediate points are
//!   wiped on drop; temporaries allocated inside `crypto-bigint` and the curve crates are
//!   not under this crate's control.
//! * No protection is claimed against power or electromagnetic side channels or fault
//!   injection; this code runs on the terminal (phone) side.

mod crate_backend;
mod curves;
mod dh;
mod dh_group;
mod domain;
mod ec_group;
mod ec_parameters;
mod ec_params;
mod ec_point;
pub mod ecdsa;
mod error;
mod field;
mod fixed_width;
mod im_prf;
pub mod pace_map;
mod projective;
pub mod validate;
mod weierstrass;

pub use curves::{CurveConsts, NamedCurve};
pub use dh::{DhGroup, DhKeyPair, DhPrivateKey};
pub use dh_group::StandardDhGroup;
pub use domain::DomainParameters;
pub use ec_group::{Backend, EcGroup};
pub use ec_parameters::{Curve, EcParameters, FieldId, SpecifiedEcDomain};
pub use ec_params::{EcCurve, EcCurveParams};
pub use ec_point::{EcKeyPair, EcPoint, EcPrivateKey};
pub use error::CryptoError;
pub use im_prf::{ImCipher, im_prf};
