//! Figures for the software key store: unlock cost with the default Argon2id parameters,
//! signing cost without it, and the price of crash-safe writes. Run with
//! `cargo bench -p tapid-keystore`; the figures measured are recorded in README.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;
use signature::{Signer, Verifier};
use tapid_keystore::{
    FileSystem, KdfParams, KeyAlias, KeyStore, ProtectionPolicy, SecurityCode, SoftwareKeyStore,
    StdFs, StoreOptions,
};

/// Storage without a disk, to separate CPU cost from fsync cost.
#[derive(Default, Clone)]
struct MemFs(Arc<Mutex<BTreeMap<String, Vec<u8>>>>);

impl FileSystem for MemFs {
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(name.to_owned(), bytes.to_vec());
        Ok(())
    }
    fn sync_file(&self, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let mut files = self.0.lock().unwrap();
        let bytes = files.remove(from).ok_or(io::ErrorKind::NotFound)?;
        files.insert(to.to_owned(), bytes);
        Ok(())
    }
    fn sync_dir(&self) -> io::Result<()> {
        Ok(())
    }
    fn remove(&self, name: &str) -> io::Result<()> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
}

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn report(name: &str, runs: usize, mut f: impl FnMut()) {
    f(); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(runs).unwrap();
    println!(
        "{name:<58} runs {runs:>5}  median {:>10.3?}  mean {:>10.3?}  min {:>10.3?}  max {:>10.3?}",
        times[runs / 2],
        mean,
        times[0],
        times[runs - 1]
    );
}

fn store_sign(rt: &tokio::runtime::Runtime, name: &str, runs: usize, store: SoftwareKeyStore) {
    let pin = SecurityCode::new("731904".into()).unwrap();
    let alias = KeyAlias::new("auth").unwrap();
    rt.block_on(store.generate(&alias, ProtectionPolicy::SECURITY_CODE, Some(&pin)))
        .unwrap();
    report(name, runs, || {
        rt.block_on(store.sign(&alias, b"order 4711", Some(&pin)))
            .unwrap();
    });
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let pin = SecurityCode::new("731904".into()).unwrap();
    let d = KdfParams::DEFAULT;
    println!(
        "default Argon2id: {} KiB, t={}, p={}",
        d.memory_kib, d.iterations, d.parallelism
    );
    let cheap = StoreOptions {
        kdf: KdfParams {
            memory_kib: 8,
            iterations: 1,
            parallelism: 1,
        },
        ..StoreOptions::default()
    };

    // Signing itself: ECDSA P-256 / SHA-256 as the store does it.
    let key = SigningKey::generate_from_rng(&mut rng());
    let sig: Signature = key.sign(b"order 4711");
    report("ECDSA P-256 sign (p256, RFC 6979)", 2000, || {
        let _: Signature = key.sign(b"order 4711");
    });
    report("ECDSA P-256 verify (p256)", 2000, || {
        key.verifying_key().verify(b"order 4711", &sig).unwrap();
    });

    // The store without KDF cost and without disk: parse, unwrap, sign, counter bookkeeping.
    let mem = SoftwareKeyStore::create(MemFs::default(), rng(), &pin, cheap).unwrap();
    store_sign(
        &rt,
        "store.sign, cheap KDF, in memory (store overhead)",
        2000,
        mem,
    );

    // Unlock cost: the default Argon2id parameters, still without disk.
    let mem =
        SoftwareKeyStore::create(MemFs::default(), rng(), &pin, StoreOptions::default()).unwrap();
    store_sign(
        &rt,
        "store.sign, default KDF, in memory (= unlock + sign)",
        10,
        mem,
    );

    // Real files: fsync'd writes (the attempt counter is written before and after the check).
    let dir = tempfile::tempdir().unwrap();
    let disk = SoftwareKeyStore::create(StdFs::new(dir.path()), rng(), &pin, cheap).unwrap();
    store_sign(
        &rt,
        "store.sign, cheap KDF, on disk (fsync cost)",
        200,
        disk,
    );

    let dir = tempfile::tempdir().unwrap();
    let disk =
        SoftwareKeyStore::create(StdFs::new(dir.path()), rng(), &pin, StoreOptions::default())
            .unwrap();
    store_sign(
        &rt,
        "store.sign, default KDF, on disk (end to end)",
        10,
        disk,
    );
}
