//! Crash safety: a failure (plain I/O error, or a simulated power loss with several models of
//! what reaches the disk) is injected at every single step of every write an operation makes;
//! the store must then re-open with exactly the old or exactly the new keys, usable.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::collections::BTreeMap;

use common::{CHEAP, CrashFs, DataLoss, DirLoss, code};
use tapid_keystore::{
    KeyAlias, KeyStore, KeyStoreError, ProtectionPolicy, SecurityCode, SoftwareKeyStore,
};
use tapid_test_support::rng::CounterRng;

const OLD_PIN: &str = "123456";
const NEW_PIN: &str = "654321";

#[derive(Debug, Clone, Copy)]
enum Op {
    Generate,
    Sign,
    WrongCode,
    Delete,
    SetCredential,
    ChangeCode,
    Destroy,
}

const OPS: [Op; 7] = [
    Op::Generate,
    Op::Sign,
    Op::WrongCode,
    Op::Delete,
    Op::SetCredential,
    Op::ChangeCode,
    Op::Destroy,
];

const CRASHES: [Option<(DataLoss, DirLoss)>; 7] = [
    None,
    Some((DataLoss::Empty, DirLoss::Lost)),
    Some((DataLoss::Torn, DirLoss::Lost)),
    Some((DataLoss::Kept, DirLoss::Lost)),
    Some((DataLoss::Empty, DirLoss::Kept)),
    Some((DataLoss::Torn, DirLoss::Kept)),
    Some((DataLoss::Kept, DirLoss::Kept)),
];

fn alias(name: &str) -> KeyAlias {
    KeyAlias::new(name).unwrap()
}

/// Keys with their public key (SEC1) and credential.
type Keys = BTreeMap<String, (Vec<u8>, Option<Vec<u8>>)>;

fn open(fs: &CrashFs) -> Result<SoftwareKeyStore, KeyStoreError> {
    SoftwareKeyStore::open(fs.clone(), CounterRng::from_u64(42))
}

/// A store with two keys, a credential and one earlier wrong code (so the reset path runs).
async fn base() -> CrashFs {
    let fs = CrashFs::new();
    let pin = code(OLD_PIN);
    let store = SoftwareKeyStore::create(fs.clone(), CounterRng::from_u64(1), &pin, CHEAP).unwrap();
    for name in ["a", "b"] {
        store
            .generate(&alias(name), ProtectionPolicy::SECURITY_CODE, Some(&pin))
            .await
            .unwrap();
    }
    store
        .set_credential(&alias("a"), b"certificate a")
        .await
        .unwrap();
    assert!(
        store
            .sign(&alias("a"), b"m", Some(&code("000000")))
            .await
            .is_err()
    );
    fs
}

async fn run(store: SoftwareKeyStore, op: Op) -> Result<(), KeyStoreError> {
    let pin = code(OLD_PIN);
    match op {
        Op::Generate => store
            .generate(&alias("c"), ProtectionPolicy::SECURITY_CODE, Some(&pin))
            .await
            .map(drop),
        Op::Sign => store
            .sign(&alias("b"), b"message", Some(&pin))
            .await
            .map(drop),
        Op::WrongCode => store
            .sign(&alias("b"), b"message", Some(&code("999999")))
            .await
            .map(drop),
        Op::Delete => store.delete(&alias("a")).await,
        Op::SetCredential => store.set_credential(&alias("b"), b"certificate b").await,
        Op::ChangeCode => store.change_security_code(&pin, &code(NEW_PIN)),
        Op::Destroy => store.destroy(),
    }
}

async fn keys(fs: &CrashFs) -> Result<Keys, KeyStoreError> {
    let store = open(fs)?;
    let mut keys = Keys::new();
    for info in store.list().await? {
        let credential = store.credential(&info.alias).await?;
        keys.insert(
            info.alias.to_string(),
            (info.public_key.to_sec1(), credential),
        );
    }
    Ok(keys)
}

/// Which of the two codes unlocks the store (on a copy, so the check changes nothing).
async fn working_code(fs: &CrashFs, keys: &Keys) -> Option<SecurityCode> {
    for pin in [OLD_PIN, NEW_PIN] {
        let copy = fs.fork();
        let store = open(&copy).unwrap();
        let pin = code(pin);
        let mut all = true;
        for (name, (sec1, _)) in keys {
            match store.sign(&alias(name), b"check", Some(&pin)).await {
                Ok(sig) => {
                    let public = tapid_keystore::PublicKey::from_sec1(sec1).unwrap();
                    public.verify(b"check", &sig).unwrap();
                }
                Err(_) => all = false,
            }
        }
        if all && !keys.is_empty() {
            return Some(pin);
        }
    }
    None
}

#[tokio::test]
async fn failure_at_every_write_step_leaves_old_or_new_state() {
    let base = base().await;
    let old_keys = keys(&base).await.unwrap();
    let old_failed = open(&base).unwrap().lock_status().unwrap().failed_attempts;
    assert_eq!(old_failed, 1);
    let mut injected = 0;

    for op in OPS {
        // The reference run without failures.
        let done = base.fork();
        let expected = run(open(&done).unwrap(), op).await;
        let new_keys = keys(&done).await;
        let new_failed = open(&done)
            .map(|s| s.lock_status().unwrap().failed_attempts)
            .ok();

        for crash in CRASHES {
            for step in 0.. {
                let fs = base.fork();
                let store = open(&fs).unwrap();
                fs.inject(step, crash);
                let result = run(store, op).await;
                if !fs.injected() {
                    assert_eq!(result, expected, "{op:?} without injection at step {step}");
                    break;
                }
                injected += 1;
                assert!(
                    result.is_err(),
                    "{op:?} {crash:?} step {step}: failure not reported"
                );
                fs.restart();

                let context = format!("{op:?} {crash:?} step {step}");
                let after = keys(&fs).await;
                assert!(
                    after == Ok(old_keys.clone()) || after == new_keys,
                    "{context}: neither old nor new state: {after:?}"
                );
                let Ok(after) = after else { continue };
                let failed = open(&fs).unwrap().lock_status().unwrap().failed_attempts;
                assert!(
                    failed == old_failed || failed == old_failed + 1 || Some(failed) == new_failed,
                    "{context}: counter {failed}"
                );
                let pin = working_code(&fs, &after).await;
                assert!(pin.is_some(), "{context}: no code unlocks the keys");
            }
        }
    }
    println!("injected {injected} failures");
    assert!(injected > 100);
}

#[tokio::test]
async fn failure_at_every_step_of_create() {
    for crash in CRASHES {
        for step in 0.. {
            let fs = CrashFs::new();
            fs.inject(step, crash);
            let result = SoftwareKeyStore::create(
                fs.clone(),
                CounterRng::from_u64(1),
                &code(OLD_PIN),
                CHEAP,
            );
            if !fs.injected() {
                result.unwrap();
                break;
            }
            assert!(result.is_err());
            fs.restart();
            match open(&fs) {
                Err(KeyStoreError::StoreNotFound) => {
                    // Old state: nothing. Creating again works despite leftovers.
                    SoftwareKeyStore::create(
                        fs.clone(),
                        CounterRng::from_u64(1),
                        &code(OLD_PIN),
                        CHEAP,
                    )
                    .unwrap();
                }
                Ok(store) => assert!(store.list().await.unwrap().is_empty()),
                Err(other) => panic!("{crash:?} step {step}: {other:?}"),
            }
            let store = open(&fs).unwrap();
            store
                .generate(
                    &alias("k"),
                    ProtectionPolicy::SECURITY_CODE,
                    Some(&code(OLD_PIN)),
                )
                .await
                .unwrap();
        }
    }
}
