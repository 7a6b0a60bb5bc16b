//! Device keys: the platform's hardware key store (Android Keystore/StrongBox, the iOS Secure
//! Enclave) as a foreign trait, [`PlatformKeyStore`], adapted to the core's `KeyStore` seam; and
//! the core's encrypted software store for desktops and tests. [`DeviceKeys`] is what the app
//! uses either way: P-256 keys, signatures normalised to DER and verified in Rust against the
//! key's public half before they are returned, key attestation carried when the platform gives
//! it, and sealing of small secrets (the offline code's OCRA key) under a hardware-bound key.
//!
//! Every platform call is bounded by a timeout (prompts included: [`PLATFORM_TIMEOUT`]); the
//! software store's Argon2id and file I/O run on the blocking pool, never on the caller's
//! thread.

use std::sync::Arc;
use std::time::Duration;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tapid_identity::offline_code::OfflineKey;
use tapid_keystore::{
    Capabilities, EcdsaSignature, KeyAlias, KeyInfo, KeyStore, KeyStoreError, ProtectionPolicy,
    PublicKey, SecureHardware as CoreHardware, SecurityCode, SoftwareKeyStore, StoreOptions,
};
use zeroize::Zeroizing;

use crate::errors::{IdentityError, KeyError, from_core_key_error, to_core_key_error};
use crate::runtime;

/// Longest a platform key-store call may take, a user prompt included.
pub const PLATFORM_TIMEOUT: Duration = Duration::from_secs(120);

/// How a key is protected when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KeyPolicy {
    /// Every use needs a user-presence prompt (biometric or device credential).
    pub user_presence: bool,
    /// Every use needs the security code (software store).
    pub security_code: bool,
}

impl From<KeyPolicy> for ProtectionPolicy {
    fn from(p: KeyPolicy) -> Self {
        Self {
            user_presence: p.user_presence,
            security_code: p.security_code,
        }
    }
}

/// Secure hardware that holds keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SecureHardware {
    /// Android StrongBox.
    StrongBox,
    /// Android Keystore in the TEE.
    TrustedEnvironment,
    /// Apple Secure Enclave.
    SecureEnclave,
}

/// What a key store can enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KeyStoreCapabilities {
    /// Private keys live in hardware.
    pub hardware_backed: bool,
    /// Which hardware.
    pub secure_hardware: Option<SecureHardware>,
    /// Per-use user-presence prompts.
    pub user_presence: bool,
    /// Keys bound to the security code.
    pub security_code: bool,
}

impl From<Capabilities> for KeyStoreCapabilities {
    fn from(c: Capabilities) -> Self {
        Self {
            hardware_backed: c.hardware_backed,
            secure_hardware: c.secure_hardware.map(|h| match h {
                CoreHardware::StrongBox => SecureHardware::StrongBox,
                CoreHardware::SecureEnclave => SecureHardware::SecureEnclave,
                _ => SecureHardware::TrustedEnvironment,
            }),
            user_presence: c.user_presence,
            security_code: c.security_code,
        }
    }
}

impl From<KeyStoreCapabilities> for Capabilities {
    fn from(c: KeyStoreCapabilities) -> Self {
        Self {
            hardware_backed: c.hardware_backed,
            secure_hardware: c.secure_hardware.map(|h| match h {
                SecureHardware::StrongBox => CoreHardware::StrongBox,
                SecureHardware::TrustedEnvironment => CoreHardware::TrustedEnvironment,
                SecureHardware::SecureEnclave => CoreHardware::SecureEnclave,
            }),
            user_presence: c.user_presence,
            security_code: c.security_code,
        }
    }
}

/// Proof from the platform that a key lives in its hardware, for the service to record and
/// require.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum KeyAttestation {
    /// Android key attestation: the X.509 chain from the key to Google's root (DER, leaf
    /// first), over the challenge.
    AndroidKeystore {
        /// The certificates.
        certificate_chain: Vec<Vec<u8>>,
    },
    /// iOS App Attest: the key id and the attestation object over the challenge's hash.
    AppleAppAttest {
        /// The App Attest key id.
        key_id: String,
        /// The CBOR attestation object.
        attestation_object: Vec<u8>,
    },
}

/// A key the platform generated.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformKey {
    /// The public key: SEC1 (`04‖X‖Y`, iOS) or SubjectPublicKeyInfo DER (Android).
    pub public_key: Vec<u8>,
    /// The attestation, when the platform gives one.
    pub attestation: Option<KeyAttestation>,
}

/// The platform's hardware key store (P-256), implemented by the app: Android Keystore
/// (StrongBox when present), the iOS Secure Enclave. Signatures may be DER or raw `r‖s`;
/// public keys SEC1 or SPKI — the FFI normalises and verifies them.
#[uniffi::export(foreign)]
#[async_trait]
pub trait PlatformKeyStore: Send + Sync {
    /// What the store can enforce.
    async fn capabilities(&self) -> Result<KeyStoreCapabilities, KeyError>;
    /// Generates a P-256 key under `alias`; with a challenge, attests it.
    async fn generate(
        &self,
        alias: String,
        policy: KeyPolicy,
        attestation_challenge: Option<Vec<u8>>,
    ) -> Result<PlatformKey, KeyError>;
    /// The public key under `alias`.
    async fn public_key(&self, alias: String) -> Result<Vec<u8>, KeyError>;
    /// ECDSA P-256 / SHA-256 over `message` (the platform hashes).
    async fn sign(&self, alias: String, message: Vec<u8>) -> Result<Vec<u8>, KeyError>;
    /// Deletes the key under `alias`.
    async fn delete(&self, alias: String) -> Result<(), KeyError>;
    /// Every alias.
    async fn list(&self) -> Result<Vec<String>, KeyError>;
    /// Seals a small secret under the hardware-bound sealing key `alias` (Android: an AES-GCM
    /// Keystore key; iOS: Secure Enclave ECIES), creating that key when missing.
    async fn seal(&self, alias: String, plaintext: Vec<u8>) -> Result<Vec<u8>, KeyError>;
    /// Opens what `seal` sealed.
    async fn unseal(&self, alias: String, sealed: Vec<u8>) -> Result<Vec<u8>, KeyError>;
}

async fn bounded<T>(
    call: impl std::future::Future<Output = Result<T, KeyError>>,
) -> Result<T, KeyError> {
    tokio::time::timeout(PLATFORM_TIMEOUT, call)
        .await
        .map_err(|_| KeyError::Timeout)?
}

fn public_key(bytes: &[u8]) -> Result<PublicKey, KeyStoreError> {
    PublicKey::from_sec1(bytes).or_else(|_| PublicKey::from_spki_der(bytes))
}

fn signature(bytes: &[u8]) -> Result<EcdsaSignature, KeyStoreError> {
    EcdsaSignature::from_der(bytes).or_else(|_| EcdsaSignature::from_raw(bytes))
}

/// The platform store speaking the core's types: public keys and signatures decoded (SEC1 or
/// SPKI, DER or raw), every call bounded by [`PLATFORM_TIMEOUT`].
struct PlatformAdapter(Arc<dyn PlatformKeyStore>);

impl PlatformAdapter {
    async fn public_key(&self, alias: &KeyAlias) -> Result<PublicKey, KeyStoreError> {
        let bytes = bounded(self.0.public_key(alias.as_str().to_owned()))
            .await
            .map_err(to_core_key_error)?;
        public_key(&bytes)
    }

    async fn sign(
        &self,
        alias: &KeyAlias,
        message: &[u8],
        _code: Option<&SecurityCode>,
    ) -> Result<EcdsaSignature, KeyStoreError> {
        let raw = bounded(self.0.sign(alias.as_str().to_owned(), message.to_vec()))
            .await
            .map_err(to_core_key_error)?;
        signature(&raw)
    }

    async fn delete(&self, alias: &KeyAlias) -> Result<(), KeyStoreError> {
        bounded(self.0.delete(alias.as_str().to_owned()))
            .await
            .map_err(to_core_key_error)
    }
}

/// The platform store as the core's `KeyStore` (what the service client signs with): the
/// capabilities the platform reported when it was made, and every signature verified against
/// the key's public half before it is used (a store that signed with another key gives
/// `BadSignature` here, not a refusal from the service). The platform keeps neither policies
/// nor credentials next to its keys, so `list` and the credential calls are refused.
struct PlatformStore {
    adapter: PlatformAdapter,
    capabilities: Capabilities,
}

fn platform_keeps_no(what: &str) -> KeyStoreError {
    KeyStoreError::Platform {
        message: format!("the platform key store keeps no {what}"),
    }
}

#[async_trait]
impl KeyStore for PlatformStore {
    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    async fn generate(
        &self,
        alias: &KeyAlias,
        policy: ProtectionPolicy,
        _code: Option<&SecurityCode>,
    ) -> Result<PublicKey, KeyStoreError> {
        let policy = KeyPolicy {
            user_presence: policy.user_presence,
            security_code: policy.security_code,
        };
        let made = bounded(
            self.adapter
                .0
                .generate(alias.as_str().to_owned(), policy, None),
        )
        .await
        .map_err(to_core_key_error)?;
        public_key(&made.public_key)
    }

    async fn public_key(&self, alias: &KeyAlias) -> Result<PublicKey, KeyStoreError> {
        self.adapter.public_key(alias).await
    }

    async fn sign(
        &self,
        alias: &KeyAlias,
        message: &[u8],
        code: Option<&SecurityCode>,
    ) -> Result<EcdsaSignature, KeyStoreError> {
        let signature = self.adapter.sign(alias, message, code).await?;
        let key = self.adapter.public_key(alias).await?;
        key.verify(message, &signature)
            .map_err(|_| KeyStoreError::BadSignature)?;
        Ok(signature)
    }

    async fn delete(&self, alias: &KeyAlias) -> Result<(), KeyStoreError> {
        self.adapter.delete(alias).await
    }

    async fn list(&self) -> Result<Vec<KeyInfo>, KeyStoreError> {
        Err(platform_keeps_no(
            "key policies (DeviceKeys.aliases lists the aliases)",
        ))
    }

    async fn set_credential(&self, _alias: &KeyAlias, _: &[u8]) -> Result<(), KeyStoreError> {
        Err(platform_keeps_no("credentials"))
    }

    async fn credential(&self, _alias: &KeyAlias) -> Result<Option<Vec<u8>>, KeyStoreError> {
        Err(platform_keeps_no("credentials"))
    }
}

/// Which store is behind a [`DeviceKeys`].
#[derive(Clone)]
enum Backend {
    Software(Arc<SoftwareKeyStore>),
    Platform(Arc<dyn PlatformKeyStore>),
}

/// A device key's public facts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceKey {
    /// The alias.
    pub alias: String,
    /// SEC1 uncompressed public key (65 bytes).
    pub public_key_sec1: Vec<u8>,
    /// SubjectPublicKeyInfo DER.
    pub public_key_spki: Vec<u8>,
    /// The platform's attestation (generation only, when asked and given).
    pub attestation: Option<KeyAttestation>,
}

fn device_key(alias: &str, key: &PublicKey, attestation: Option<KeyAttestation>) -> DeviceKey {
    DeviceKey {
        alias: alias.to_owned(),
        public_key_sec1: key.to_sec1(),
        public_key_spki: key.to_spki_der().unwrap_or_default(),
        attestation,
    }
}

/// The attempt counter of the software store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct LockState {
    /// Wrong codes since the last right one.
    pub failed_attempts: u32,
    /// Wrong codes accepted before blocking.
    pub attempts_left: u32,
    /// Blocked for good.
    pub blocked: bool,
}

/// The device's key store, hardware or software, as the app uses it.
#[derive(uniffi::Object)]
pub struct DeviceKeys {
    inner: Inner,
}

/// The work of [`DeviceKeys`], cloned into each call's task on the FFI's runtime.
#[derive(Clone)]
struct Inner {
    backend: Backend,
}

/// Runs a key operation on the FFI's runtime (its timeouts need tokio's timers; the caller's
/// executor has none), aborted when the caller goes away.
async fn on_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, KeyError>> + Send + 'static,
) -> Result<T, KeyError> {
    let internal = |detail: &str| KeyError::Internal {
        detail: detail.to_owned(),
    };
    runtime::spawn(runtime::Cancellation::new(), work)
        .map_err(|_| internal("the runtime could not start"))?
        .await
        .map_err(|_| internal("the key operation failed unexpectedly"))?
}

fn alias(a: &str) -> Result<KeyAlias, KeyError> {
    Ok(KeyAlias::new(a)?)
}

fn code(c: Option<String>) -> Result<Option<SecurityCode>, KeyError> {
    c.map(SecurityCode::new).transpose().map_err(KeyError::from)
}

/// Runs a software-store operation on the blocking pool (Argon2id and fsync are slow).
async fn software<T: Send + 'static>(
    store: &Arc<SoftwareKeyStore>,
    op: impl FnOnce(&SoftwareKeyStore) -> Result<T, KeyStoreError> + Send + 'static,
) -> Result<T, KeyError> {
    let store = store.clone();
    runtime::blocking(move || op(&store))
        .await
        .ok_or_else(|| KeyError::Internal {
            detail: "the key store task failed".into(),
        })?
        .map_err(from_core_key_error)
}

/// Runs a software-store future to its end from the blocking thread [`software`] runs on (the
/// store moves its Argon2id and fsync work to the runtime's blocking pool itself; a blocking
/// thread may wait for it).
fn now_or_never<T>(
    f: impl std::future::Future<Output = Result<T, KeyStoreError>>,
) -> Result<T, KeyStoreError> {
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| KeyStoreError::Internal("no runtime for the software store"))?;
    runtime.block_on(f)
}

/// The label the software store's sealing key is derived from (see [`DeviceKeys::seal`]).
const SEAL_LABEL: &[u8] = b"tapid-ffi software seal v1";
const SEAL_MAGIC: &[u8; 4] = b"TSL1";

fn software_seal_key(signature: &EcdsaSignature, alias: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(SEAL_LABEL);
    h.update((alias.len() as u32).to_be_bytes());
    h.update(alias.as_bytes());
    h.update(signature.to_raw());
    h.finalize().into()
}

fn seal_aad(alias: &str) -> Vec<u8> {
    [SEAL_LABEL, alias.as_bytes()].concat()
}

impl Inner {
    /// The software store's sealing key for `alias`: SHA-256 over a label, the alias and the
    /// key's signature of the label. The software store signs with deterministic nonces (RFC
    /// 6979), so the signature — and the sealing key — can only be had again with the security
    /// code, and every use counts against the store's attempt limit.
    async fn software_seal_key(
        &self,
        store: &Arc<SoftwareKeyStore>,
        a: &str,
        security_code: Option<SecurityCode>,
    ) -> Result<[u8; 32], KeyError> {
        let key_alias = alias(a)?;
        let signature = software(store, move |s| {
            now_or_never(s.sign(&key_alias, SEAL_LABEL, security_code.as_ref()))
        })
        .await?;
        Ok(software_seal_key(&signature, a))
    }
}

impl Inner {
    /// What the store can enforce.
    async fn capabilities(&self) -> Result<KeyStoreCapabilities, KeyError> {
        match &self.backend {
            Backend::Software(s) => Ok(s.capabilities().into()),
            Backend::Platform(p) => bounded(p.capabilities()).await,
        }
    }

    /// Generates a P-256 key under `alias`. The software store needs the security code; a
    /// platform store attests the key over `attestation_challenge` when given one.
    async fn generate(
        &self,
        alias_name: String,
        policy: KeyPolicy,
        security_code: Option<String>,
        attestation_challenge: Option<Vec<u8>>,
    ) -> Result<DeviceKey, KeyError> {
        let a = alias(&alias_name)?;
        match &self.backend {
            Backend::Software(s) => {
                let code = code(security_code)?;
                let key = software(s, move |s| {
                    now_or_never(s.generate(&a, policy.into(), code.as_ref()))
                })
                .await?;
                Ok(device_key(&alias_name, &key, None))
            }
            Backend::Platform(p) => {
                let made =
                    bounded(p.generate(alias_name.clone(), policy, attestation_challenge)).await?;
                let key = public_key(&made.public_key)?;
                Ok(device_key(&alias_name, &key, made.attestation))
            }
        }
    }

    /// The key under `alias`.
    async fn key(&self, alias_name: String) -> Result<DeviceKey, KeyError> {
        let a = alias(&alias_name)?;
        let key = match &self.backend {
            Backend::Software(s) => software(s, move |s| now_or_never(s.public_key(&a))).await?,
            Backend::Platform(p) => PlatformAdapter(p.clone())
                .public_key(&a)
                .await
                .map_err(from_core_key_error)?,
        };
        Ok(device_key(&alias_name, &key, None))
    }

    /// Signs `message` (ECDSA P-256 / SHA-256) with the key under `alias`; returns the DER
    /// signature, verified against the key's public half first (a platform store that signed
    /// with another key gives `BadSignature`).
    async fn sign(
        &self,
        alias_name: String,
        message: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        let a = alias(&alias_name)?;
        let code = code(security_code)?;
        let (signature, key) = match &self.backend {
            Backend::Software(s) => {
                let m = message.clone();
                software(s, move |s| {
                    let signature = now_or_never(s.sign(&a, &m, code.as_ref()))?;
                    Ok((signature, now_or_never(s.public_key(&a))?))
                })
                .await?
            }
            Backend::Platform(p) => {
                let adapter = PlatformAdapter(p.clone());
                let signature = adapter
                    .sign(&a, &message, None)
                    .await
                    .map_err(from_core_key_error)?;
                let key = adapter.public_key(&a).await.map_err(from_core_key_error)?;
                (signature, key)
            }
        };
        key.verify(&message, &signature)
            .map_err(|_| KeyError::BadSignature)?;
        Ok(signature.as_der().to_vec())
    }

    /// Deletes the key under `alias`.
    async fn delete(&self, alias_name: String) -> Result<(), KeyError> {
        let a = alias(&alias_name)?;
        match &self.backend {
            Backend::Software(s) => software(s, move |s| now_or_never(s.delete(&a))).await,
            Backend::Platform(p) => PlatformAdapter(p.clone())
                .delete(&a)
                .await
                .map_err(from_core_key_error),
        }
    }

    /// Every key's alias.
    async fn aliases(&self) -> Result<Vec<String>, KeyError> {
        match &self.backend {
            Backend::Software(s) => software(s, |s| now_or_never(s.list())).await.map(|keys| {
                keys.into_iter()
                    .map(|k| k.alias.as_str().to_owned())
                    .collect()
            }),
            Backend::Platform(p) => bounded(p.list()).await,
        }
    }

    /// Seals a small secret (e.g. the offline code's OCRA key) under the hardware-bound key
    /// `alias`: the platform's sealing key, or — software store — a key derived from the signing
    /// key `alias` (it must exist; the security code is needed, and counted, every time).
    async fn seal(
        &self,
        alias_name: String,
        plaintext: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        match &self.backend {
            Backend::Platform(p) => bounded(p.seal(alias_name, plaintext)).await,
            Backend::Software(s) => {
                let key = self
                    .software_seal_key(s, &alias_name, code(security_code)?)
                    .await?;
                let mut nonce = [0u8; 12];
                getrandom::fill(&mut nonce).map_err(|_| KeyError::Internal {
                    detail: "the operating system's random number generator failed".into(),
                })?;
                let mut buffer = plaintext;
                Aes256Gcm::new(&key.into())
                    .encrypt_in_place(&Nonce::from(nonce), &seal_aad(&alias_name), &mut buffer)
                    .map_err(|_| KeyError::Internal {
                        detail: "sealing failed".into(),
                    })?;
                Ok([SEAL_MAGIC.as_slice(), &nonce, &buffer].concat())
            }
        }
    }

    /// Opens what [`Self::seal`] sealed.
    async fn unseal(
        &self,
        alias_name: String,
        sealed: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        match &self.backend {
            Backend::Platform(p) => bounded(p.unseal(alias_name, sealed)).await,
            Backend::Software(s) => {
                let corrupted = || KeyError::Corrupted {
                    detail: "the sealed data does not open with this key".into(),
                };
                let rest = sealed
                    .strip_prefix(SEAL_MAGIC.as_slice())
                    .ok_or_else(corrupted)?;
                let (nonce, ciphertext) = rest.split_at_checked(12).ok_or_else(corrupted)?;
                let nonce = <[u8; 12]>::try_from(nonce).map_err(|_| corrupted())?;
                let key = self
                    .software_seal_key(s, &alias_name, code(security_code)?)
                    .await?;
                let mut buffer = ciphertext.to_vec();
                Aes256Gcm::new(&key.into())
                    .decrypt_in_place(&Nonce::from(nonce), &seal_aad(&alias_name), &mut buffer)
                    .map_err(|_| corrupted())?;
                Ok(buffer)
            }
        }
    }

    /// The offline code's 8-digit response, with the OCRA key unsealed from `sealed_key`
    /// (sealed with [`Self::seal`] under `alias`) only for this computation.
    async fn offline_code_response(
        &self,
        alias_name: String,
        sealed_key: Vec<u8>,
        challenge: String,
        unix_seconds: u64,
        security_code: Option<String>,
    ) -> Result<String, KeyError> {
        let key = Zeroizing::new(self.unseal(alias_name, sealed_key, security_code).await?);
        let key = OfflineKey::new(&key).map_err(|e| KeyError::InvalidInput {
            detail: IdentityError::from(e).to_string(),
        })?;
        crate::identity::respond(&key, &challenge, unix_seconds).map_err(|e| {
            KeyError::InvalidInput {
                detail: e.to_string(),
            }
        })
    }

    /// The software store's attempt counter (`None` for a platform store).
    async fn lock_state(&self) -> Result<Option<LockState>, KeyError> {
        match &self.backend {
            Backend::Platform(_) => Ok(None),
            Backend::Software(s) => {
                let status = software(s, |s| s.lock_status()).await?;
                Ok(Some(LockState {
                    failed_attempts: status.failed_attempts,
                    attempts_left: status.attempts_left(),
                    blocked: status.is_blocked(),
                }))
            }
        }
    }
}

impl DeviceKeys {
    /// The store as the core's `KeyStore`, for the service client: the software store itself
    /// (its Argon2id and file I/O move to the blocking pool on their own), or the platform
    /// store with the capabilities it reports (asked now, bounded) and its signatures verified.
    /// Runs on the FFI's runtime.
    pub(crate) async fn key_store(&self) -> Result<Arc<dyn KeyStore>, KeyError> {
        match &self.inner.backend {
            Backend::Software(s) => Ok(s.clone() as Arc<dyn KeyStore>),
            Backend::Platform(p) => {
                let capabilities: Capabilities = bounded(p.capabilities()).await?.into();
                Ok(Arc::new(PlatformStore {
                    adapter: PlatformAdapter(p.clone()),
                    capabilities,
                }))
            }
        }
    }
}

#[uniffi::export]
impl DeviceKeys {
    /// The platform's hardware store.
    #[uniffi::constructor]
    pub fn platform(store: Arc<dyn PlatformKeyStore>) -> Arc<Self> {
        Arc::new(Self {
            inner: Inner {
                backend: Backend::Platform(store),
            },
        })
    }

    /// What the store can enforce.
    pub async fn capabilities(&self) -> Result<KeyStoreCapabilities, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.capabilities().await }).await
    }

    /// Generates a P-256 key under `alias`. The software store needs the security code; a
    /// platform store attests the key over `attestation_challenge` when given one.
    pub async fn generate(
        &self,
        alias_name: String,
        policy: KeyPolicy,
        security_code: Option<String>,
        attestation_challenge: Option<Vec<u8>>,
    ) -> Result<DeviceKey, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move {
            inner
                .generate(alias_name, policy, security_code, attestation_challenge)
                .await
        })
        .await
    }

    /// The key under `alias`.
    pub async fn key(&self, alias_name: String) -> Result<DeviceKey, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.key(alias_name).await }).await
    }

    /// Signs `message` (ECDSA P-256 / SHA-256) with the key under `alias`; returns the DER
    /// signature, verified against the key's public half first (a platform store that signed
    /// with another key gives `BadSignature`).
    pub async fn sign(
        &self,
        alias_name: String,
        message: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.sign(alias_name, message, security_code).await }).await
    }

    /// Deletes the key under `alias`.
    pub async fn delete(&self, alias_name: String) -> Result<(), KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.delete(alias_name).await }).await
    }

    /// Every key's alias.
    pub async fn aliases(&self) -> Result<Vec<String>, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.aliases().await }).await
    }

    /// Seals a small secret (e.g. the offline code's OCRA key) under the hardware-bound key
    /// `alias`: the platform's sealing key, or — software store — a key derived from the signing
    /// key `alias` (it must exist; the security code is needed, and counted, every time).
    pub async fn seal(
        &self,
        alias_name: String,
        plaintext: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.seal(alias_name, plaintext, security_code).await }).await
    }

    /// Opens what [`Self::seal`] sealed.
    pub async fn unseal(
        &self,
        alias_name: String,
        sealed: Vec<u8>,
        security_code: Option<String>,
    ) -> Result<Vec<u8>, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.unseal(alias_name, sealed, security_code).await }).await
    }

    /// The offline code's 8-digit response, with the OCRA key unsealed from `sealed_key`
    /// (sealed with [`Self::seal`] under `alias`) only for this computation.
    pub async fn offline_code_response(
        &self,
        alias_name: String,
        sealed_key: Vec<u8>,
        challenge: String,
        unix_seconds: u64,
        security_code: Option<String>,
    ) -> Result<String, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move {
            inner
                .offline_code_response(
                    alias_name,
                    sealed_key,
                    challenge,
                    unix_seconds,
                    security_code,
                )
                .await
        })
        .await
    }

    /// The software store's attempt counter (`None` for a platform store).
    pub async fn lock_state(&self) -> Result<Option<LockState>, KeyError> {
        let inner = self.inner.clone();
        on_runtime(async move { inner.lock_state().await }).await
    }
}

/// Argon2id costs of a new software store (defaults: 64 MiB, 3 passes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SoftwareStoreOptions {
    /// Memory in KiB (phones: at least 19 MiB).
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Wrong codes before the store blocks.
    pub max_attempts: u32,
}

/// Creates the encrypted software store in `directory` under `security_code` (Argon2id runs
/// off the caller's thread).
#[uniffi::export]
pub async fn create_software_key_store(
    directory: String,
    security_code: String,
    options: Option<SoftwareStoreOptions>,
) -> Result<Arc<DeviceKeys>, KeyError> {
    let code = SecurityCode::new(security_code)?;
    let mut store_options = StoreOptions::default();
    if let Some(o) = options {
        store_options.kdf.memory_kib = o.memory_kib;
        store_options.kdf.iterations = o.iterations;
        store_options.max_attempts = o.max_attempts;
    }
    let store = runtime::blocking(move || {
        SoftwareKeyStore::create_in_dir(std::path::Path::new(&directory), &code, store_options)
    })
    .await
    .ok_or_else(|| KeyError::Internal {
        detail: "the key store task failed".into(),
    })??;
    Ok(Arc::new(DeviceKeys {
        inner: Inner {
            backend: Backend::Software(Arc::new(store)),
        },
    }))
}

/// Opens the software store in `directory`.
#[uniffi::export]
pub async fn open_software_key_store(directory: String) -> Result<Arc<DeviceKeys>, KeyError> {
    let store =
        runtime::blocking(move || SoftwareKeyStore::open_dir(std::path::Path::new(&directory)))
            .await
            .ok_or_else(|| KeyError::Internal {
                detail: "the key store task failed".into(),
            })??;
    Ok(Arc::new(DeviceKeys {
        inner: Inner {
            backend: Backend::Software(Arc::new(store)),
        },
    }))
}

/// Whether `signature` (DER or raw `r‖s`) over `message` verifies with `public_key` (SEC1 or
/// SPKI): what a service does with a device signature.
#[uniffi::export]
pub fn verify_signature(
    public_key_bytes: Vec<u8>,
    message: Vec<u8>,
    signature_bytes: Vec<u8>,
) -> Result<bool, KeyError> {
    let key = public_key(&public_key_bytes)?;
    let sig = signature(&signature_bytes)?;
    Ok(key.verify(&message, &sig).is_ok())
}
