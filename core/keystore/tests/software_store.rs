//! Behaviour of the software store through the `KeyStore` trait: signing, lockout, several
//! identities, change of code, policies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::sync::Arc;

use common::{CHEAP, CrashFs, code};
use p256::ecdsa::{DerSignature, VerifyingKey};
use signature::Verifier;
use tapid_keystore::software::{COUNTER_FILE, STORE_FILE};
use tapid_keystore::{
    CodePolicy, Corruption, KeyAlias, KeyStore, KeyStoreError, ProtectionPolicy, SoftwareKeyStore,
    StoreOptions,
};
use tapid_test_support::rng::CounterRng;

fn alias(name: &str) -> KeyAlias {
    KeyAlias::new(name).unwrap()
}

fn new_store(fs: &CrashFs) -> SoftwareKeyStore {
    SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &code("123456"), CHEAP).unwrap()
}

fn reopen(fs: &CrashFs) -> SoftwareKeyStore {
    SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(2)).unwrap()
}

#[tokio::test]
async fn sign_verify_round_trip_with_p256() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let a = alias("auth");
    let public = store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    assert_eq!(public.to_sec1().len(), 65);
    assert_eq!(store.public_key(&a).await.unwrap(), public);

    let message = b"order 4711: log in to example bank";
    let signature = store.sign(&a, message, Some(&pin)).await.unwrap();

    // Verified with p256 directly, through both public-key encodings.
    let from_sec1 = VerifyingKey::from_sec1_bytes(&public.to_sec1()).unwrap();
    let from_spki = VerifyingKey::from(
        p256::PublicKey::from_public_key_der(&public.to_spki_der().unwrap()).unwrap(),
    );
    let der = DerSignature::from_bytes(signature.as_der()).unwrap();
    from_sec1.verify(message, &der).unwrap();
    from_spki.verify(message, &der).unwrap();
    assert!(from_sec1.verify(b"another message", &der).is_err());
    public.verify(message, &signature).unwrap();

    // A re-opened store signs with the same key.
    let again = reopen(&fs).sign(&a, message, Some(&pin)).await.unwrap();
    public.verify(message, &again).unwrap();
}

use p256::pkcs8::DecodePublicKey;

#[tokio::test]
async fn wrong_codes_count_down_then_block_for_good() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let wrong = code("000000");
    let a = alias("auth");
    store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();

    for left in [4, 3, 2, 1] {
        assert_eq!(
            store.sign(&a, b"m", Some(&wrong)).await,
            Err(KeyStoreError::WrongSecurityCode {
                attempts_left: left
            })
        );
        assert_eq!(store.lock_status().unwrap().attempts_left(), left);
    }
    // The fifth wrong code blocks.
    assert_eq!(
        store.sign(&a, b"m", Some(&wrong)).await,
        Err(KeyStoreError::Blocked)
    );
    assert!(store.lock_status().unwrap().is_blocked());
    // The right code is refused now, also after a restart, also for generating.
    assert_eq!(
        store.sign(&a, b"m", Some(&pin)).await,
        Err(KeyStoreError::Blocked)
    );
    let reopened = reopen(&fs);
    assert!(reopened.lock_status().unwrap().is_blocked());
    assert_eq!(
        reopened.sign(&a, b"m", Some(&pin)).await,
        Err(KeyStoreError::Blocked)
    );
    assert_eq!(
        reopened
            .generate(&alias("b"), ProtectionPolicy::SECURITY_CODE, Some(&pin))
            .await,
        Err(KeyStoreError::Blocked)
    );
    assert_eq!(
        reopened.change_security_code(&pin, &code("1")),
        Err(KeyStoreError::Blocked)
    );
    // Public data stays readable, and the blocked identity can be removed.
    assert!(reopened.public_key(&a).await.is_ok());
    reopened.delete(&a).await.unwrap();
    assert!(reopened.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn right_code_resets_the_counter() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let a = alias("auth");
    store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    for _ in 0..4 {
        assert!(store.sign(&a, b"m", Some(&code("9"))).await.is_err());
    }
    assert_eq!(store.lock_status().unwrap().attempts_left(), 1);
    store.sign(&a, b"m", Some(&pin)).await.unwrap();
    assert_eq!(store.lock_status().unwrap().failed_attempts, 0);
    assert_eq!(reopen(&fs).lock_status().unwrap().attempts_left(), 5);
}

#[tokio::test]
async fn counter_cannot_be_reset_through_one_file() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let a = alias("auth");
    store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    let clean_store = fs.get(STORE_FILE).unwrap();
    let clean_counter = fs.get(COUNTER_FILE).unwrap();
    for _ in 0..3 {
        assert!(store.sign(&a, b"m", Some(&code("9"))).await.is_err());
    }

    // Restoring a clean copy of either file alone keeps the stricter count.
    let counter = fs.fork();
    counter.put(COUNTER_FILE, &clean_counter);
    assert_eq!(
        SoftwareKeyStore::open(counter, CounterRng::from_u64(3))
            .unwrap()
            .lock_status()
            .unwrap()
            .failed_attempts,
        3
    );
    let stored = fs.fork();
    stored.put(STORE_FILE, &clean_store);
    assert_eq!(
        SoftwareKeyStore::open(stored, CounterRng::from_u64(3))
            .unwrap()
            .lock_status()
            .unwrap()
            .failed_attempts,
        3
    );

    // Deleting the counter file is detected, not papered over.
    let deleted = fs.fork();
    deleted.delete(COUNTER_FILE);
    assert_eq!(
        SoftwareKeyStore::open(deleted, CounterRng::from_u64(3)).unwrap_err(),
        KeyStoreError::Corrupted(Corruption::CounterFileMissing)
    );

    // A counter file from another store is detected.
    let other = CrashFs::new();
    SoftwareKeyStore::create(
        other.clone(),
        CounterRng::from_u64(99),
        &code("123456"),
        CHEAP,
    )
    .unwrap();
    let swapped = fs.fork();
    swapped.put(COUNTER_FILE, &other.get(COUNTER_FILE).unwrap());
    assert_eq!(
        SoftwareKeyStore::open(swapped, CounterRng::from_u64(3)).unwrap_err(),
        KeyStoreError::Corrupted(Corruption::CounterFileMismatch)
    );
}

#[tokio::test]
async fn several_identities_with_credentials() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let (work, private) = (alias("work.bank-a"), alias("private.bank-b"));
    let pk_work = store
        .generate(&work, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    let pk_private = store
        .generate(&private, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    assert_ne!(pk_work, pk_private);
    assert_eq!(
        store
            .generate(&work, ProtectionPolicy::SECURITY_CODE, Some(&pin))
            .await,
        Err(KeyStoreError::AlreadyExists {
            alias: "work.bank-a".into()
        })
    );

    store
        .set_credential(&work, b"-----certificate for work-----")
        .await
        .unwrap();
    assert_eq!(store.credential(&private).await.unwrap(), None);

    let store = reopen(&fs);
    let list = store.list().await.unwrap();
    let names: Vec<_> = list.iter().map(|k| k.alias.as_str()).collect();
    assert_eq!(names, ["private.bank-b", "work.bank-a"]);
    assert_eq!(list[1].public_key, pk_work);
    assert!(list[1].has_credential && !list[0].has_credential);
    assert_eq!(
        store.credential(&work).await.unwrap().as_deref(),
        Some(&b"-----certificate for work-----"[..])
    );

    // Each key signs as itself.
    let sig = store.sign(&private, b"m", Some(&pin)).await.unwrap();
    pk_private.verify(b"m", &sig).unwrap();
    assert!(pk_work.verify(b"m", &sig).is_err());

    store.delete(&work).await.unwrap();
    let gone = Err(KeyStoreError::NotFound {
        alias: "work.bank-a".into(),
    });
    assert_eq!(store.credential(&work).await, gone.clone().map(|()| None));
    assert_eq!(store.delete(&work).await, gone.clone());
    assert_eq!(
        store.sign(&work, b"m", Some(&pin)).await.map(|_| ()),
        gone.clone()
    );
    assert_eq!(store.set_credential(&work, b"x").await, gone);
    assert_eq!(store.list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn not_found_and_missing_code_cost_no_attempt() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let a = alias("auth");
    store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&code("123456")))
        .await
        .unwrap();
    assert!(matches!(
        store.sign(&alias("nope"), b"m", Some(&code("9"))).await,
        Err(KeyStoreError::NotFound { .. })
    ));
    assert_eq!(
        store.sign(&a, b"m", None).await,
        Err(KeyStoreError::SecurityCodeRequired)
    );
    assert_eq!(store.lock_status().unwrap().failed_attempts, 0);
}

#[tokio::test]
async fn unsupported_policies_are_refused() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let pin = code("123456");
    let caps = store.capabilities();
    assert!(!caps.hardware_backed && caps.secure_hardware.is_none() && caps.security_code);
    for policy in [
        ProtectionPolicy::SECURITY_CODE_AND_PRESENCE,
        ProtectionPolicy {
            user_presence: false,
            security_code: false,
        },
    ] {
        assert!(matches!(
            store.generate(&alias("a"), policy, Some(&pin)).await,
            Err(KeyStoreError::UnsupportedPolicy { .. })
        ));
    }
    assert!(store.list().await.unwrap().is_empty());
    assert_eq!(
        store.lock_status().unwrap().failed_attempts,
        0,
        "a right code whose operation failed for want of randomness costs no attempt"
    );
}

#[tokio::test]
async fn change_of_security_code_rewraps_keys() {
    let fs = CrashFs::new();
    let store = new_store(&fs);
    let (old, new) = (code("123456"), code("correct horse"));
    let a = alias("auth");
    let b = alias("sign");
    let pk_a = store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&old))
        .await
        .unwrap();
    let pk_b = store
        .generate(&b, ProtectionPolicy::SECURITY_CODE, Some(&old))
        .await
        .unwrap();
    let before = fs.get(STORE_FILE).unwrap();

    assert_eq!(
        store.change_security_code(&code("bad"), &new),
        Err(KeyStoreError::WrongSecurityCode { attempts_left: 4 })
    );
    store.change_security_code(&old, &new).unwrap();
    assert_ne!(fs.get(STORE_FILE).unwrap(), before);

    let store = reopen(&fs);
    assert_eq!(
        store.sign(&a, b"m", Some(&old)).await,
        Err(KeyStoreError::WrongSecurityCode { attempts_left: 4 })
    );
    pk_a.verify(b"m", &store.sign(&a, b"m", Some(&new)).await.unwrap())
        .unwrap();
    pk_b.verify(b"m", &store.sign(&b, b"m", Some(&new)).await.unwrap())
        .unwrap();
}

#[tokio::test]
async fn create_and_open_refuse_the_wrong_situation() {
    let fs = CrashFs::new();
    assert_eq!(
        SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(1)).unwrap_err(),
        KeyStoreError::StoreNotFound
    );
    new_store(&fs);
    assert_eq!(
        SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &code("1"), CHEAP)
            .unwrap_err(),
        KeyStoreError::StoreExists
    );
    // A corrupted store is not replaced by create either.
    fs.put(STORE_FILE, b"garbage");
    assert_eq!(
        SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &code("1"), CHEAP)
            .unwrap_err(),
        KeyStoreError::StoreExists
    );
    let bad = StoreOptions {
        max_attempts: 0,
        ..CHEAP
    };
    assert!(matches!(
        SoftwareKeyStore::create(CrashFs::new(), CounterRng::from_u64(1), &code("1"), bad),
        Err(KeyStoreError::InvalidOptions { .. })
    ));
}

#[tokio::test]
async fn configurable_attempt_limit() {
    let fs = CrashFs::new();
    let options = StoreOptions {
        max_attempts: 2,
        ..CHEAP
    };
    let store =
        SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &code("1"), options).unwrap();
    let a = alias("a");
    assert_eq!(
        store
            .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&code("2")))
            .await,
        Err(KeyStoreError::WrongSecurityCode { attempts_left: 1 })
    );
    assert_eq!(
        store
            .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&code("2")))
            .await,
        Err(KeyStoreError::Blocked)
    );
}

#[tokio::test]
async fn real_directory_and_trait_object() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys");
    let pin = code("123456");
    let store: Arc<dyn KeyStore> =
        Arc::new(SoftwareKeyStore::create_in_dir(&path, &pin, CHEAP).unwrap());
    let a = alias("auth");
    let public = store
        .generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&pin))
        .await
        .unwrap();
    drop(store);

    let store = SoftwareKeyStore::open_dir(&path).unwrap();
    public
        .verify(b"m", &store.sign(&a, b"m", Some(&pin)).await.unwrap())
        .unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [COUNTER_FILE, STORE_FILE]);
    // The security code appears nowhere in the files.
    for name in names {
        let bytes = std::fs::read(path.join(name)).unwrap();
        assert!(!bytes.windows(6).any(|w| w == b"123456"));
    }
    store.destroy().unwrap();
    assert_eq!(
        SoftwareKeyStore::open_dir(&path).unwrap_err(),
        KeyStoreError::StoreNotFound
    );
}

#[tokio::test]
async fn a_new_code_must_meet_the_policy_and_a_refused_one_costs_no_attempt() {
    let phone = StoreOptions {
        code_policy: CodePolicy::PHONE,
        ..CHEAP
    };
    for weak in ["12345", "123456", "000000"] {
        assert!(matches!(
            SoftwareKeyStore::create(CrashFs::new(), CounterRng::from_u64(1), &code(weak), phone),
            Err(KeyStoreError::WeakSecurityCode { .. })
        ));
    }
    let fs = CrashFs::new();
    let store =
        SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &code("731904"), phone)
            .unwrap();
    assert!(matches!(
        store.change_security_code(&code("731904"), &code("111111")),
        Err(KeyStoreError::WeakSecurityCode { .. })
    ));
    assert_eq!(store.lock_status().unwrap().failed_attempts, 0);
    // The policy is the store's: a reopened store enforces it too.
    let reopened = reopen(&fs);
    assert!(matches!(
        reopened.change_security_code(&code("731904"), &code("654321")),
        Err(KeyStoreError::WeakSecurityCode { .. })
    ));
    reopened
        .change_security_code(&code("731904"), &code("270318"))
        .unwrap();
}

/// A generator that fails after `left` bytes, as the OS generator can.
struct FailingRng {
    left: usize,
}

#[derive(Debug)]
struct NoEntropy;

impl std::fmt::Display for NoEntropy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no entropy")
    }
}

impl std::error::Error for NoEntropy {}

impl rand_core::TryRng for FailingRng {
    type Error = NoEntropy;
    fn try_next_u32(&mut self) -> Result<u32, NoEntropy> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, NoEntropy> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), NoEntropy> {
        self.left = self.left.checked_sub(dst.len()).ok_or(NoEntropy)?;
        dst.fill(7);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for FailingRng {}

#[tokio::test]
async fn a_failing_random_generator_is_an_error_not_a_panic() {
    let fs = CrashFs::new();
    assert_eq!(
        SoftwareKeyStore::create(fs.clone(), FailingRng { left: 0 }, &code("1"), CHEAP)
            .unwrap_err(),
        KeyStoreError::RandomnessUnavailable
    );
    assert_eq!(
        SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(1)).unwrap_err(),
        KeyStoreError::StoreNotFound,
        "nothing was written"
    );
    // Enough for the store id, salt and verifier nonce (16 + 16 + 12), not for a key.
    let store =
        SoftwareKeyStore::create(fs.clone(), FailingRng { left: 44 }, &code("1"), CHEAP).unwrap();
    assert_eq!(
        store
            .generate(
                &alias("a"),
                ProtectionPolicy::SECURITY_CODE,
                Some(&code("1"))
            )
            .await,
        Err(KeyStoreError::RandomnessUnavailable)
    );
    assert!(store.list().await.unwrap().is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn a_store_directory_and_its_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys");
    let store = SoftwareKeyStore::create_in_dir(&path, &code("1"), CHEAP).unwrap();
    store
        .generate(
            &alias("a"),
            ProtectionPolicy::SECURITY_CODE,
            Some(&code("1")),
        )
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o700);
    assert_eq!(mode(&path.join(STORE_FILE)), 0o600);
    assert_eq!(mode(&path.join(COUNTER_FILE)), 0o600);
}

#[test]
fn trait_operations_run_from_tasks_of_a_multi_thread_runtime() {
    let fs = CrashFs::new();
    let store = Arc::new(new_store(&fs));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let a = alias("a");
    let public = rt
        .block_on(store.generate(&a, ProtectionPolicy::SECURITY_CODE, Some(&code("123456"))))
        .unwrap();
    // Two signatures at once from two tasks: the blocking pool serialises them on the store.
    let (s1, s2) = rt.block_on(async {
        let (st1, st2, a1, a2) = (store.clone(), store.clone(), a.clone(), a.clone());
        let t1 = tokio::spawn(async move { st1.sign(&a1, b"one", Some(&code("123456"))).await });
        let t2 = tokio::spawn(async move { st2.sign(&a2, b"two", Some(&code("123456"))).await });
        (t1.await.unwrap().unwrap(), t2.await.unwrap().unwrap())
    });
    public.verify(b"one", &s1).unwrap();
    public.verify(b"two", &s2).unwrap();
}
