//! Passive-authentication CPU costs: loading the German master list (588 CSCAs) and verifying
//! real SODs. Prints figures; run with `cargo bench -p tapid-mrtd --bench pa`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::{hint::black_box, path::PathBuf, time::Instant};

use tapid_mrtd::pa::{self, Certificate, TrustStore};

fn conformance() -> Option<PathBuf> {
    let dir = std::env::var_os("TAPID_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        });
    dir.join("README.md").is_file().then_some(dir)
}

fn measure(name: &str, iterations: u32, mut f: impl FnMut()) {
    f();
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let per = start.elapsed() / iterations;
    println!(
        "{name:<55} {:>10.3} ms/iter  ({iterations} iterations)",
        per.as_secs_f64() * 1e3
    );
}

fn main() {
    let Some(dir) = conformance() else {
        println!("conformance data not found; set TAPID_CONFORMANCE_DIR");
        return;
    };
    let read = |rel: &str| std::fs::read(dir.join(rel)).unwrap();
    let de_ml = read("masterlists/DE_ML_2026-05-28-08-28-45.ml");
    let de_root = Certificate::from_der(&read("masterlists/DE_ROOT_CA_CSCA07.cer")).unwrap();
    let nl_ml = read("masterlists/NL_ML_2026-07-22.ml");

    measure("parse DE master list (588 certificates)", 20, || {
        black_box(pa::MasterList::parse(black_box(&de_ml)).unwrap());
    });
    measure(
        "load DE master list into a trust store (unanchored allowed)",
        20,
        || {
            let mut t = TrustStore::new();
            t.set_allow_unanchored(true);
            black_box(t.add_master_list(black_box(&de_ml), None).unwrap());
        },
    );
    measure(
        "load DE master list, signer chained to root (bP512)",
        10,
        || {
            let mut t = TrustStore::new();
            black_box(
                t.add_master_list(black_box(&de_ml), Some(&de_root))
                    .unwrap(),
            );
        },
    );

    let nl_root = Certificate::from_der(&read("masterlists/NL_ROOT_CA.cer")).unwrap();
    let mut trust = TrustStore::new();
    trust.add_master_list(&de_ml, Some(&de_root)).unwrap();
    trust.add_master_list(&nl_ml, Some(&nl_root)).unwrap();
    trust.add_path(&dir.join("masterlists/IDN-csca")).unwrap();
    // 2026-01-01: every DS certificate of the data is valid then (shell model).
    let policy = pa::Policy::new(1_767_225_600);
    for f in ["DE.sod", "FR.sod", "NZ.sod", "ID.sod", "US.sod"] {
        let sod = read(&format!("real-sod/{f}"));
        let report = pa::verify(&sod, &[], None, &trust, Default::default(), &policy);
        assert_eq!(report.status, pa::PaStatus::Valid, "{f}");
        measure(&format!("verify {f} (signature + chain)"), 20, || {
            black_box(pa::verify(
                black_box(&sod),
                &[],
                None,
                &trust,
                Default::default(),
                &policy,
            ));
        });
    }
}
