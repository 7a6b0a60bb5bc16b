//! What a passport read costs, per emulator profile (see `tapid_emulator::read_cost`): APDUs,
//! READ BINARY commands, bytes, the terminal's and the chip's CPU time (median of 11 runs), and
//! the NFC link model of `tapid_emulator::link_model` (framed bytes at 424 kbit/s = the link
//! limit; plus 5 ms per exchange = the modelled time). `tapid bench` prints the same.
//!
//! `cargo bench -p tapid-emulator --bench read` (add `-- --json` for one JSON object a line)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_emulator::pki::test_trust_store;
use tapid_emulator::read_cost::{measure_all, table};

const RUNS: usize = 11;

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    // Every read verifies (passive authentication against the test CSCAs, at a pinned time
    // inside their validity), as a real read does: its CPU time is part of the terminal's.
    let trust = test_trust_store().unwrap();
    let costs = measure_all(RUNS, &trust, &|_| true).unwrap();
    if json {
        for c in &costs {
            println!("{}", serde_json::to_string(c).unwrap());
        }
    } else {
        print!("{}", table(&costs));
    }
}
