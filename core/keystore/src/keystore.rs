//! The `KeyStore` seam: what the identity logic needs from wherever the device keys live.
//!
//! Implemented by [`crate::SoftwareKeyStore`] here and, through the bindings, by adapters over
//! Android Keystore/StrongBox and the iOS Secure Enclave. It is async (platform prompts are
//! async), object-safe and `Send + Sync`, so it can be held as `Arc<dyn KeyStore>`.

use async_trait::async_trait;

use crate::alias::KeyAlias;
use crate::error::Result;
use crate::policy::{Capabilities, ProtectionPolicy};
use crate::public_key::PublicKey;
use crate::security_code::SecurityCode;
use crate::signature::EcdsaSignature;

/// Public facts about one stored key (and the identity it belongs to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's alias.
    pub alias: KeyAlias,
    /// The policy the key was generated with.
    pub policy: ProtectionPolicy,
    /// The key's public half.
    pub public_key: PublicKey,
    /// Whether an identity credential (certificate/record from the service) is stored with it.
    pub has_credential: bool,
}

/// A store of P-256 device keys that never hands out a private key.
///
/// Signatures are ECDSA P-256 with SHA-256 over the message, DER-encoded
/// ([`EcdsaSignature`]). Operations on a key protected by the security code take the code;
/// passing `None` then fails with [`crate::KeyStoreError::SecurityCodeRequired`].
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// What this store can enforce.
    fn capabilities(&self) -> Capabilities;

    /// Generates a new key under `alias`, protected by `policy`, and returns its public key.
    ///
    /// # Errors
    /// `AlreadyExists`, `UnsupportedPolicy`, security-code errors, storage errors.
    async fn generate(
        &self,
        alias: &KeyAlias,
        policy: ProtectionPolicy,
        code: Option<&SecurityCode>,
    ) -> Result<PublicKey>;

    /// The public key under `alias`.
    ///
    /// # Errors
    /// `NotFound`, storage errors.
    async fn public_key(&self, alias: &KeyAlias) -> Result<PublicKey>;

    /// Signs `message` (hashed with SHA-256 inside) with the key under `alias`.
    ///
    /// # Errors
    /// `NotFound`, `WrongSecurityCode`, `Blocked`, `SecurityCodeRequired`, storage errors.
    async fn sign(
        &self,
        alias: &KeyAlias,
        message: &[u8],
        code: Option<&SecurityCode>,
    ) -> Result<EcdsaSignature>;

    /// Deletes the key under `alias` together with its credential.
    ///
    /// # Errors
    /// `NotFound`, storage errors.
    async fn delete(&self, alias: &KeyAlias) -> Result<()>;

    /// All keys in the store, sorted by alias.
    ///
    /// # Errors
    /// Storage errors.
    async fn list(&self) -> Result<Vec<KeyInfo>>;

    /// Stores (or replaces) the identity credential issued by the service for the key under
    /// `alias`, e.g. its certificate. The credential is public data kept next to the key.
    ///
    /// # Errors
    /// `NotFound`, storage errors.
    async fn set_credential(&self, alias: &KeyAlias, credential: &[u8]) -> Result<()>;

    /// The identity credential stored for the key under `alias`, if any.
    ///
    /// # Errors
    /// `NotFound`, storage errors.
    async fn credential(&self, alias: &KeyAlias) -> Result<Option<Vec<u8>>>;
}
