//! The key operations of the software store and its `KeyStore` implementation.

use async_trait::async_trait;

use super::format::{KeyEntry, MAX_CREDENTIAL_LEN, MAX_KEYS, StoreState, VERSION};
use super::lockout::Loaded;
use super::seal::{self, Binding};
use super::{SoftwareKeyStore, signing_key};
use crate::alias::KeyAlias;
use crate::error::{Corruption, KeyStoreError, Result};
use crate::keystore::{KeyInfo, KeyStore};
use crate::policy::{Capabilities, ProtectionPolicy};
use crate::public_key::PublicKey;
use crate::security_code::SecurityCode;
use crate::signature::EcdsaSignature;

fn check_policy(policy: ProtectionPolicy) -> Result<()> {
    if policy.user_presence {
        return Err(KeyStoreError::UnsupportedPolicy {
            reason: "the software store cannot require user presence",
        });
    }
    if !policy.security_code {
        return Err(KeyStoreError::UnsupportedPolicy {
            reason: "the software store protects every key with the security code",
        });
    }
    Ok(())
}

impl SoftwareKeyStore {
    fn entry<'a>(loaded: &'a Loaded, alias: &KeyAlias) -> Result<&'a KeyEntry> {
        loaded
            .state
            .keys
            .get(alias)
            .ok_or_else(|| KeyStoreError::NotFound {
                alias: alias.to_string(),
            })
    }

    fn generate_sync(
        &self,
        alias: &KeyAlias,
        policy: ProtectionPolicy,
        code: Option<&SecurityCode>,
    ) -> Result<PublicKey> {
        check_policy(policy)?;
        let mut inner = self.lock();
        let mut loaded = self.load()?;
        if loaded.state.keys.contains_key(alias) {
            return Err(KeyStoreError::AlreadyExists {
                alias: alias.to_string(),
            });
        }
        if loaded.state.keys.len() >= MAX_KEYS {
            return Err(KeyStoreError::StoreFull { max: MAX_KEYS });
        }
        // Randomness before the code is tried: a failing generator costs no attempt.
        let (secret, public_key) = signing_key::generate(&mut inner.rng)?;
        let nonce = inner.rng.array()?;
        let kek = self.unlock(&mut loaded, code)?;
        let sec1 = public_key.to_sec1();
        let binding = Binding::Key {
            alias: alias.as_str(),
            public_key: &sec1,
        };
        let store_id = loaded.state.store_id;
        let wrapped = seal::seal(&kek, nonce, VERSION, &store_id, binding, &*secret)?;
        let entry = KeyEntry {
            policy,
            public_key,
            wrapped,
            credential: None,
        };
        loaded.state.keys.insert(alias.clone(), entry);
        self.commit(&mut loaded, true)?;
        Ok(public_key)
    }

    fn sign_sync(
        &self,
        alias: &KeyAlias,
        message: &[u8],
        code: Option<&SecurityCode>,
    ) -> Result<EcdsaSignature> {
        let _guard = self.lock();
        let mut loaded = self.load()?;
        let entry = Self::entry(&loaded, alias)?.clone();
        let kek = self.unlock(&mut loaded, code)?;
        let sec1 = entry.public_key.to_sec1();
        let binding = Binding::Key {
            alias: alias.as_str(),
            public_key: &sec1,
        };
        let secret = seal::open(
            &kek,
            VERSION,
            &loaded.state.store_id,
            binding,
            &entry.wrapped,
        )
        .ok_or(Corruption::KeyUnwrapFailed)?;
        let signature = signing_key::sign(&secret, &entry.public_key, message)?;
        self.commit(&mut loaded, false)?;
        Ok(signature)
    }

    fn modify(&self, alias: &KeyAlias, change: impl FnOnce(&mut StoreState)) -> Result<()> {
        let _guard = self.lock();
        let mut loaded = self.load()?;
        Self::entry(&loaded, alias)?;
        change(&mut loaded.state);
        self.write_store(&loaded.state)
    }
}

#[async_trait]
impl KeyStore for SoftwareKeyStore {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            hardware_backed: false,
            secure_hardware: None,
            user_presence: false,
            security_code: true,
        }
    }

    // Each operation reads files and most run Argon2id and fsync: all off the async executor.

    async fn generate(
        &self,
        alias: &KeyAlias,
        policy: ProtectionPolicy,
        code: Option<&SecurityCode>,
    ) -> Result<PublicKey> {
        let (alias, code) = (alias.clone(), code.cloned());
        self.blocking(move |store| store.generate_sync(&alias, policy, code.as_ref()))
            .await
    }

    async fn public_key(&self, alias: &KeyAlias) -> Result<PublicKey> {
        let alias = alias.clone();
        self.blocking(move |store| {
            let _guard = store.lock();
            Ok(Self::entry(&store.load()?, &alias)?.public_key)
        })
        .await
    }

    async fn sign(
        &self,
        alias: &KeyAlias,
        message: &[u8],
        code: Option<&SecurityCode>,
    ) -> Result<EcdsaSignature> {
        let (alias, message, code) = (alias.clone(), message.to_vec(), code.cloned());
        self.blocking(move |store| store.sign_sync(&alias, &message, code.as_ref()))
            .await
    }

    async fn delete(&self, alias: &KeyAlias) -> Result<()> {
        let alias = alias.clone();
        self.blocking(move |store| {
            store.modify(&alias, |state| {
                state.keys.remove(&alias);
            })
        })
        .await
    }

    async fn list(&self) -> Result<Vec<KeyInfo>> {
        self.blocking(|store| {
            let _guard = store.lock();
            Ok(store
                .load()?
                .state
                .keys
                .into_iter()
                .map(|(alias, entry)| KeyInfo {
                    alias,
                    policy: entry.policy,
                    public_key: entry.public_key,
                    has_credential: entry.credential.is_some(),
                })
                .collect())
        })
        .await
    }

    async fn set_credential(&self, alias: &KeyAlias, credential: &[u8]) -> Result<()> {
        if credential.len() > MAX_CREDENTIAL_LEN {
            return Err(KeyStoreError::CredentialTooLarge {
                max: MAX_CREDENTIAL_LEN,
            });
        }
        let (alias, credential) = (alias.clone(), credential.to_vec());
        self.blocking(move |store| {
            store.modify(&alias, |state| {
                if let Some(entry) = state.keys.get_mut(&alias) {
                    entry.credential = Some(credential);
                }
            })
        })
        .await
    }

    async fn credential(&self, alias: &KeyAlias) -> Result<Option<Vec<u8>>> {
        let alias = alias.clone();
        self.blocking(move |store| {
            let _guard = store.lock();
            Ok(Self::entry(&store.load()?, &alias)?.credential.clone())
        })
        .await
    }
}
