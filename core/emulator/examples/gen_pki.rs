//! Regenerates the committed test PKI under `fixtures/pki` (deterministic from a fixed seed).
//!
//! `cargo run -p tapid-emulator --example gen_pki [OUT_DIR]`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::PathBuf;

use tapid_emulator::pki::{fixtures_dir, generate};

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(fixtures_dir);
    for (rel, bytes) in generate::generate(generate::SEED).expect("generate test PKI") {
        let path = out.join(&rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(&path, &bytes).expect("write fixture");
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
}
