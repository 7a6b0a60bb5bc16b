//! Fuzz-style robustness: random mutations and truncations of either store file must give
//! "corrupted", never a panic and never a silently working or recreated store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::sync::OnceLock;

use common::{CHEAP, CrashFs, code};
use proptest::prelude::*;
use tapid_keystore::software::{COUNTER_FILE, STORE_FILE};
use tapid_keystore::{KeyAlias, KeyStore, KeyStoreError, ProtectionPolicy, SoftwareKeyStore};
use tapid_test_support::rng::CounterRng;

/// A store with two keys and a credential, built once.
fn pristine() -> &'static CrashFs {
    static FS: OnceLock<CrashFs> = OnceLock::new();
    // Built on a thread of its own: the first caller may be an async test already inside a
    // runtime, and a runtime cannot be started (or blocked on) inside another.
    FS.get_or_init(|| std::thread::scope(|s| s.spawn(build_pristine).join().unwrap()))
}

fn build_pristine() -> CrashFs {
    {
        let fs = CrashFs::new();
        let pin = code("123456");
        let store =
            SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(5), &pin, CHEAP).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            for name in ["auth", "sign"] {
                let alias = KeyAlias::new(name).unwrap();
                store
                    .generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&pin))
                    .await
                    .unwrap();
            }
            store
                .set_credential(&KeyAlias::new("auth").unwrap(), b"cert")
                .await
                .unwrap();
        });
        fs
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte with a non-zero mask.
    Flip {
        at: usize,
        mask: u8,
    },
    Truncate {
        len: usize,
    },
    Insert {
        at: usize,
        byte: u8,
    },
    Remove {
        at: usize,
        count: usize,
    },
    /// Overwrite a run with random bytes that differ from the original.
    Overwrite {
        at: usize,
        bytes: Vec<u8>,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (any::<usize>(), 1usize..64).prop_map(|(at, count)| Mutation::Remove { at, count }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..32)
        )
            .prop_map(|(at, bytes)| Mutation::Overwrite { at, bytes }),
    ]
}

/// Applies the mutation; `None` when it would leave the file unchanged.
fn apply(original: &[u8], mutation: &Mutation) -> Option<Vec<u8>> {
    let mut bytes = original.to_vec();
    let len = bytes.len();
    match mutation {
        Mutation::Flip { at, mask } => bytes[at % len] ^= mask,
        Mutation::Truncate { len: keep } => bytes.truncate(keep % len),
        Mutation::Insert { at, byte } => bytes.insert(at % (len + 1), *byte),
        Mutation::Remove { at, count } => {
            let start = at % len;
            bytes.drain(start..(start + count).min(len));
        }
        Mutation::Overwrite { at, bytes: new } => {
            let start = at % len;
            for (slot, b) in bytes[start..].iter_mut().zip(new) {
                *slot = *b;
            }
        }
    }
    (bytes != original).then_some(bytes)
}

fn check(file: &str, mutation: &Mutation) -> Result<(), TestCaseError> {
    let fs = pristine().fork();
    let original = fs.get(file).unwrap();
    let Some(mutated) = apply(&original, mutation) else {
        return Ok(());
    };
    fs.put(file, &mutated);
    let opened = SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(6));
    prop_assert!(
        matches!(opened, Err(KeyStoreError::Corrupted(_))),
        "{file} {mutation:?}: {opened:?}"
    );
    // Never recreated: the damaged file is still there, untouched.
    prop_assert_eq!(fs.get(file), Some(mutated));
    let recreated = SoftwareKeyStore::create(fs, CounterRng::from_u64(7), &code("1"), CHEAP);
    prop_assert_eq!(recreated.map(drop), Err(KeyStoreError::StoreExists));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_store_file_is_corrupted(m in mutation()) {
        check(STORE_FILE, &m)?;
    }

    #[test]
    fn mutated_counter_file_is_corrupted(m in mutation()) {
        check(COUNTER_FILE, &m)?;
    }
}

#[test]
fn every_truncation_of_both_files_is_corrupted() {
    for file in [STORE_FILE, COUNTER_FILE] {
        let len = pristine().get(file).unwrap().len();
        for keep in 0..len {
            check(file, &Mutation::Truncate { len: keep }).unwrap();
        }
    }
}

#[tokio::test]
async fn damage_after_open_is_reported_by_the_next_operation() {
    let fs = pristine().fork();
    let store = SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(8)).unwrap();
    let mut bytes = fs.get(STORE_FILE).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x20;
    fs.put(STORE_FILE, &bytes);
    let alias = KeyAlias::new("auth").unwrap();
    assert!(matches!(
        store.sign(&alias, b"m", Some(&code("123456"))).await,
        Err(KeyStoreError::Corrupted(_))
    ));
    assert!(matches!(
        store.list().await,
        Err(KeyStoreError::Corrupted(_))
    ));
    assert!(matches!(
        store.delete(&alias).await,
        Err(KeyStoreError::Corrupted(_))
    ));
    assert_eq!(fs.get(STORE_FILE), Some(bytes));
}
