//! The on-disk format (version 1) of the store file and the attempt-counter file, and their
//! validation. Everything read from disk is checked here; a file that passes is safe to use.
//!
//! Store file `tapid-keystore.json`:
//! ```text
//! tapid-keystore v1
//! <sha256 of the body, hex>
//! {"version":1,"store_id":hex16,"kdf":{"algorithm":"argon2id","memory_kib":..,"iterations":..,
//!  "parallelism":..,"salt":hex16},"code_policy":{"min_length":6,"refuse_trivial":true},
//!  "max_attempts":5,"failed_attempts":0,
//!  "verifier":{"nonce":hex12,"ciphertext":hex48},
//!  "keys":[{"alias":..,"policy":{..},"public_key":hex65,"wrapped":{..},"credential":hex|null}]}
//! ```
//! Counter file `tapid-keystore.attempts`: the same framing around
//! `{"version":1,"store_id":hex16,"failed_attempts":n}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::container::{frame, unframe};
use super::kdf::{KdfParams, SALT_LEN};
use super::seal::{NONCE_LEN, Sealed, TAG_LEN, VERIFIER_PLAINTEXT};
use super::signing_key::SECRET_LEN;
use crate::alias::KeyAlias;
use crate::error::{Corruption, KeyStoreError};
use crate::policy::ProtectionPolicy;
use crate::public_key::PublicKey;
use crate::security_code::CodePolicy;

/// The format version written and read by this code; bound into every ciphertext.
pub const VERSION: u32 = 1;
/// Length of the random store id that ties the counter file and ciphertexts to one store.
pub const STORE_ID_LEN: usize = 16;
/// Largest credential (certificate or identity record) stored with a key.
pub const MAX_CREDENTIAL_LEN: usize = 64 * 1024;
/// Most wrong codes a store may be configured to allow.
pub const MAX_ALLOWED_ATTEMPTS: u32 = 100;
/// Most keys one store holds.
pub const MAX_KEYS: usize = 256;

const STORE_MAGIC: &str = "tapid-keystore";
const COUNTER_MAGIC: &str = "tapid-keystore-attempts";

/// One key as held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// Policy chosen at generation.
    pub policy: ProtectionPolicy,
    /// Public half.
    pub public_key: PublicKey,
    /// The private scalar sealed under the key-encryption key.
    pub wrapped: Sealed,
    /// Identity credential stored with the key.
    pub credential: Option<Vec<u8>>,
}

/// The validated contents of a store file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreState {
    /// Random id of this store.
    pub store_id: [u8; STORE_ID_LEN],
    /// Argon2id costs.
    pub kdf: KdfParams,
    /// Argon2id salt.
    pub salt: [u8; SALT_LEN],
    /// What a new security code must be.
    pub code_policy: CodePolicy,
    /// Wrong codes allowed before the store blocks.
    pub max_attempts: u32,
    /// Wrong codes so far, as recorded in this file.
    pub failed_attempts: u32,
    /// The sealed constant that checks the security code.
    pub verifier: Sealed,
    /// Keys by alias.
    pub keys: BTreeMap<KeyAlias, KeyEntry>,
}

/// The validated contents of the counter file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterState {
    /// Id of the store this counter belongs to.
    pub store_id: [u8; STORE_ID_LEN],
    /// Wrong codes so far.
    pub failed_attempts: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedRecord {
    nonce: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfRecord {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyRecord {
    alias: KeyAlias,
    policy: ProtectionPolicy,
    public_key: String,
    wrapped: SealedRecord,
    credential: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreRecord {
    version: u32,
    store_id: String,
    kdf: KdfRecord,
    code_policy: CodePolicy,
    max_attempts: u32,
    failed_attempts: u32,
    verifier: SealedRecord,
    keys: Vec<KeyRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterRecord {
    version: u32,
    store_id: String,
    failed_attempts: u32,
}

fn bytes(field: &'static str, text: &str) -> Result<Vec<u8>, Corruption> {
    hex::decode(text).map_err(|_| Corruption::InvalidField(field))
}

fn array<const N: usize>(field: &'static str, text: &str) -> Result<[u8; N], Corruption> {
    bytes(field, text)?
        .try_into()
        .map_err(|_| Corruption::InvalidField(field))
}

fn sealed(
    field: &'static str,
    record: &SealedRecord,
    plain_len: usize,
) -> Result<Sealed, Corruption> {
    let ciphertext = bytes(field, &record.ciphertext)?;
    if ciphertext.len() != plain_len + TAG_LEN {
        return Err(Corruption::InvalidField(field));
    }
    Ok(Sealed {
        nonce: array::<NONCE_LEN>(field, &record.nonce)?,
        ciphertext,
    })
}

fn sealed_record(sealed: &Sealed) -> SealedRecord {
    SealedRecord {
        nonce: hex::encode(sealed.nonce),
        ciphertext: hex::encode(&sealed.ciphertext),
    }
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Corruption> {
    serde_json::from_slice(body).map_err(|_| Corruption::Malformed)
}

impl StoreState {
    /// Serializes to the framed file bytes.
    ///
    /// # Errors
    /// [`KeyStoreError::Internal`] if serialization fails (it does not for these types).
    pub fn encode(&self) -> Result<Vec<u8>, KeyStoreError> {
        let record = StoreRecord {
            version: VERSION,
            store_id: hex::encode(self.store_id),
            kdf: KdfRecord {
                algorithm: "argon2id".to_owned(),
                memory_kib: self.kdf.memory_kib,
                iterations: self.kdf.iterations,
                parallelism: self.kdf.parallelism,
                salt: hex::encode(self.salt),
            },
            code_policy: self.code_policy,
            max_attempts: self.max_attempts,
            failed_attempts: self.failed_attempts,
            verifier: sealed_record(&self.verifier),
            keys: self
                .keys
                .iter()
                .map(|(alias, entry)| KeyRecord {
                    alias: alias.clone(),
                    policy: entry.policy,
                    public_key: hex::encode(entry.public_key.to_sec1()),
                    wrapped: sealed_record(&entry.wrapped),
                    credential: entry.credential.as_ref().map(hex::encode),
                })
                .collect(),
        };
        let body = serde_json::to_vec(&record)
            .map_err(|_| KeyStoreError::Internal("serializing the store"))?;
        Ok(frame(STORE_MAGIC, VERSION, &body))
    }

    /// Parses and validates framed file bytes.
    ///
    /// # Errors
    /// The [`Corruption`] found.
    pub fn decode(file: &[u8]) -> Result<Self, Corruption> {
        let record: StoreRecord = parse(unframe(STORE_MAGIC, VERSION, file)?)?;
        if record.version != VERSION {
            return Err(Corruption::UnsupportedVersion);
        }
        if record.kdf.algorithm != "argon2id" {
            return Err(Corruption::InvalidField("kdf.algorithm"));
        }
        let kdf = KdfParams {
            memory_kib: record.kdf.memory_kib,
            iterations: record.kdf.iterations,
            parallelism: record.kdf.parallelism,
        };
        kdf.validate()
            .map_err(|_| Corruption::InvalidField("kdf"))?;
        record
            .code_policy
            .validate()
            .map_err(|_| Corruption::InvalidField("code_policy"))?;
        if record.max_attempts == 0 || record.max_attempts > MAX_ALLOWED_ATTEMPTS {
            return Err(Corruption::InvalidField("max_attempts"));
        }
        if record.failed_attempts > record.max_attempts {
            return Err(Corruption::InvalidField("failed_attempts"));
        }
        if record.keys.len() > MAX_KEYS {
            return Err(Corruption::InvalidField("keys"));
        }
        let mut keys = BTreeMap::new();
        for key in &record.keys {
            let public_key = PublicKey::from_sec1(&bytes("keys.public_key", &key.public_key)?)
                .map_err(|_| Corruption::InvalidField("keys.public_key"))?;
            let credential = match &key.credential {
                Some(text) => Some(bytes("keys.credential", text)?),
                None => None,
            };
            if credential
                .as_ref()
                .is_some_and(|c| c.len() > MAX_CREDENTIAL_LEN)
            {
                return Err(Corruption::InvalidField("keys.credential"));
            }
            let entry = KeyEntry {
                policy: key.policy,
                public_key,
                wrapped: sealed("keys.wrapped", &key.wrapped, SECRET_LEN)?,
                credential,
            };
            if keys.insert(key.alias.clone(), entry).is_some() {
                return Err(Corruption::InvalidField("keys.alias"));
            }
        }
        Ok(Self {
            store_id: array("store_id", &record.store_id)?,
            kdf,
            salt: array("kdf.salt", &record.kdf.salt)?,
            code_policy: record.code_policy,
            max_attempts: record.max_attempts,
            failed_attempts: record.failed_attempts,
            verifier: sealed("verifier", &record.verifier, VERIFIER_PLAINTEXT.len())?,
            keys,
        })
    }
}

impl CounterState {
    /// Serializes to the framed file bytes.
    ///
    /// # Errors
    /// [`KeyStoreError::Internal`] if serialization fails (it does not for these types).
    pub fn encode(&self) -> Result<Vec<u8>, KeyStoreError> {
        let record = CounterRecord {
            version: VERSION,
            store_id: hex::encode(self.store_id),
            failed_attempts: self.failed_attempts,
        };
        let body = serde_json::to_vec(&record)
            .map_err(|_| KeyStoreError::Internal("serializing the counter"))?;
        Ok(frame(COUNTER_MAGIC, VERSION, &body))
    }

    /// Parses and validates framed file bytes.
    ///
    /// # Errors
    /// The [`Corruption`] found.
    pub fn decode(file: &[u8]) -> Result<Self, Corruption> {
        let record: CounterRecord = parse(unframe(COUNTER_MAGIC, VERSION, file)?)?;
        if record.version != VERSION {
            return Err(Corruption::UnsupportedVersion);
        }
        if record.failed_attempts > MAX_ALLOWED_ATTEMPTS {
            return Err(Corruption::InvalidField("failed_attempts"));
        }
        Ok(Self {
            store_id: array("store_id", &record.store_id)?,
            failed_attempts: record.failed_attempts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoreState {
        let public_key = PublicKey::from_sec1(
            &hex::decode(concat!(
                "0460FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
                "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"
            ))
            .unwrap(),
        )
        .unwrap();
        let mut keys = BTreeMap::new();
        keys.insert(
            KeyAlias::new("auth").unwrap(),
            KeyEntry {
                policy: ProtectionPolicy::SECURITY_CODE,
                public_key,
                wrapped: Sealed {
                    nonce: [1; 12],
                    ciphertext: vec![2; 48],
                },
                credential: Some(b"cert".to_vec()),
            },
        );
        StoreState {
            store_id: [3; 16],
            kdf: KdfParams {
                memory_kib: 8,
                iterations: 1,
                parallelism: 1,
            },
            salt: [4; 16],
            code_policy: CodePolicy::PHONE,
            max_attempts: 5,
            failed_attempts: 2,
            verifier: Sealed {
                nonce: [5; 12],
                ciphertext: vec![6; 48],
            },
            keys,
        }
    }

    #[test]
    fn store_round_trip() {
        let state = sample();
        assert_eq!(StoreState::decode(&state.encode().unwrap()).unwrap(), state);
    }

    #[test]
    fn counter_round_trip() {
        let counter = CounterState {
            store_id: [9; 16],
            failed_attempts: 4,
        };
        assert_eq!(
            CounterState::decode(&counter.encode().unwrap()).unwrap(),
            counter
        );
        assert_eq!(
            StoreState::decode(&counter.encode().unwrap()),
            Err(Corruption::BadMagic)
        );
    }

    /// Re-frames an edited body with a valid checksum, to reach the field checks.
    fn edited(edit: impl Fn(&mut serde_json::Value)) -> Result<StoreState, Corruption> {
        let file = sample().encode().unwrap();
        let body = unframe(STORE_MAGIC, VERSION, &file).unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(body).unwrap();
        edit(&mut value);
        StoreState::decode(&frame(
            STORE_MAGIC,
            VERSION,
            &serde_json::to_vec(&value).unwrap(),
        ))
    }

    #[test]
    fn field_checks_behind_a_valid_checksum() {
        use serde_json::json;
        assert_eq!(
            edited(|v| v["version"] = json!(2)),
            Err(Corruption::UnsupportedVersion)
        );
        assert_eq!(
            edited(|v| v["store_id"] = json!("00")),
            Err(Corruption::InvalidField("store_id"))
        );
        assert_eq!(
            edited(|v| v["kdf"]["memory_kib"] = json!(1)),
            Err(Corruption::InvalidField("kdf"))
        );
        assert_eq!(
            edited(|v| v["kdf"]["algorithm"] = json!("scrypt")),
            Err(Corruption::InvalidField("kdf.algorithm"))
        );
        assert_eq!(
            edited(|v| v["failed_attempts"] = json!(6)),
            Err(Corruption::InvalidField("failed_attempts"))
        );
        assert_eq!(
            edited(|v| v["max_attempts"] = json!(0)),
            Err(Corruption::InvalidField("max_attempts"))
        );
        assert_eq!(
            edited(|v| v["verifier"]["ciphertext"] = json!("00")),
            Err(Corruption::InvalidField("verifier"))
        );
        assert_eq!(
            edited(|v| v["keys"][0]["public_key"] = json!("04")),
            Err(Corruption::InvalidField("keys.public_key"))
        );
        assert_eq!(
            edited(|v| v["keys"][0]["alias"] = json!("a/b")),
            Err(Corruption::Malformed)
        );
        assert_eq!(
            edited(|v| v["extra"] = json!(1)),
            Err(Corruption::Malformed)
        );
        assert_eq!(
            edited(|v| {
                let key = v["keys"][0].clone();
                v["keys"].as_array_mut().unwrap().push(key);
            }),
            Err(Corruption::InvalidField("keys.alias"))
        );
    }
}
