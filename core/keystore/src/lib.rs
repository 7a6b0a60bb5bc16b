//! Device keys for tapid: the [`KeyStore`] seam and tapid's encrypted [`SoftwareKeyStore`].
//!
//! An identity's private keys must never leave the device, must be unusable without the
//! user's security code and must survive a crash in the middle of a write. On phones they live
//! in Android Keystore/StrongBox or the iOS Secure Enclave (P-256 only), reached through the
//! bindings as implementations of [`KeyStore`]; on desktops, in tests and in the demo they live
//! in the [`SoftwareKeyStore`].
//!
//! Every store signs with ECDSA P-256 / SHA-256 and returns DER signatures
//! ([`EcdsaSignature`]); public keys come as SEC1 or SPKI ([`PublicKey`]). No method exports a
//! private key.
#![forbid(unsafe_code)]

pub mod alias;
pub mod error;
pub mod keystore;
pub mod policy;
pub mod public_key;
pub mod security_code;
pub mod signature;
pub mod software;
pub mod storage;

pub use alias::KeyAlias;
pub use error::{Corruption, IoStep, KeyStoreError, Result};
pub use keystore::{KeyInfo, KeyStore};
pub use policy::{Capabilities, ProtectionPolicy, SecureHardware};
pub use public_key::PublicKey;
pub use security_code::{CodePolicy, SecurityCode};
pub use signature::EcdsaSignature;
pub use software::kdf::KdfParams;
pub use software::{LockStatus, SoftwareKeyStore, StoreOptions};
pub use storage::{FileSystem, StdFs};
