//! Key-store files written by a real [`SoftwareKeyStore`] in memory (cheap Argon2id costs):
//! a new store, one holding keys, one after a wrong security code; whole files and bodies
//! (the target frames those), in the target's input layout (`flags ‖ split2(store, counter)`).

use tapid_keystore::software::{COUNTER_FILE, STORE_FILE};
use tapid_keystore::{
    CodePolicy, KdfParams, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore,
    StoreOptions,
};

use super::{Corpus, SeedError};
use crate::block_on::block_on;
use crate::keystore::MemFs;

/// Argon2id's smallest costs: the seeds are about the files, not the key derivation.
const CHEAP: KdfParams = KdfParams {
    memory_kib: 8,
    iterations: 1,
    parallelism: 1,
};

/// The store file and the counter file as they are now.
fn snapshot(fs: &MemFs) -> (Vec<u8>, Vec<u8>) {
    let files = fs.files();
    let get = |name: &str| files.get(name).cloned().unwrap_or_default();
    (get(STORE_FILE), get(COUNTER_FILE))
}

/// A file's body: what follows the magic line and the checksum line.
fn body(file: &[u8]) -> &[u8] {
    let mut parts = file.splitn(3, |b| *b == b'\n');
    parts.nth(2).unwrap_or_default()
}

/// The target's input: `flags ‖ split2(store, counter)`.
fn input(flags: u8, store: &[u8], counter: &[u8]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend(crate::join2(store, counter));
    out
}

/// Files of a store at three moments, as whole files (flags 0) and as bodies (flags 3), with
/// near-misses (a flipped byte, a cut, the counter missing, the counter of another moment).
///
/// # Errors
/// When the key store refuses to create, generate or sign.
pub fn seeds(corpus: &mut Corpus) -> Result<(), SeedError> {
    let fs = MemFs::default();
    let rng = tapid_card::deterministic::SeededRng::new(b"tapid-fuzz keystore seeds");
    let code = SecurityCode::new("493817".to_owned())?;
    let wrong = SecurityCode::new("582039".to_owned())?;
    let options = StoreOptions {
        kdf: CHEAP,
        max_attempts: 5,
        code_policy: CodePolicy::PHONE,
    };
    let store = SoftwareKeyStore::create(fs.clone(), rng, &code, options)?;
    let mut moments = vec![("new store", snapshot(&fs))];
    let alias = KeyAlias::new("identity")?;
    let not_finished = || SeedError::Build {
        what: "key store",
        detail: "an operation did not finish".into(),
    };
    block_on(store.generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&code)))
        .ok_or_else(not_finished)??;
    block_on(store.generate(
        &KeyAlias::new("second")?,
        ProtectionPolicy::SECURITY_CODE,
        Some(&code),
    ))
    .ok_or_else(not_finished)??;
    moments.push(("two keys", snapshot(&fs)));
    // A wrong code counts an attempt (the error is the point).
    let _ = block_on(store.sign(&alias, b"message", Some(&wrong))).ok_or_else(not_finished)?;
    moments.push(("one wrong code", snapshot(&fs)));
    for (label, (store_file, counter)) in &moments {
        corpus.with_near_misses(
            "keystore",
            &format!("{label}, files"),
            input(0, store_file, counter),
        );
        corpus.genuine(
            "keystore",
            format!("{label}, bodies"),
            input(3, body(store_file), body(counter)),
        );
        corpus.near_miss(
            "keystore",
            format!("{label}, no counter file"),
            input(4, store_file, &[]),
        );
    }
    if let (Some((_, (first, _))), Some((_, (_, last)))) = (moments.first(), moments.last()) {
        corpus.near_miss(
            "keystore",
            "a new store with a later counter",
            input(0, first, last),
        );
    }
    Ok(())
}
