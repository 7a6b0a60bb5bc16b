//! What a passport read costs, per emulator profile (see `tapid_emulator::read_cost`): APDUs,
//! READ BINARY commands, bytes, the terminal's and the chip's CPU time (median of 11 runs), and
//! the NFC link model of `tapid_emulator::link_model` (framed bytes at 424 kbit/s = the link
//! limit; plus 5 ms per exchange = the modelled time).
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
use tapid_emulator::profile::list;
use tapid_emulator::read_cost::measure;

const RUNS: usize = 11;

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    // Every read verifies (passive authentication against the test CSCAs, at a pinned time
    // inside their validity), as a real read does: its CPU time is part of the terminal's.
    let trust = test_trust_store().unwrap();
    if !json {
        println!(
            "{:<24} {:>4} {:>6} {:>5} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6}",
            "profile",
            "ext",
            "APDUs",
            "READ",
            "sent B",
            "recv B",
            "term ms",
            "chip ms",
            "limit ms",
            "model ms",
            "ratio"
        );
    }
    for info in list() {
        for extended_length in [true, false] {
            // DH-2048 PACE needs extended length: without it there is no read to measure.
            if !extended_length && info.parameters == "DH-2048-256" {
                continue;
            }
            let c = measure(info.name, extended_length, RUNS, &trust, 1_800_000_000).unwrap();
            if json {
                println!("{}", serde_json::to_string(&c).unwrap());
                continue;
            }
            println!(
                "{:<24} {:>4} {:>6} {:>5} {:>8} {:>8} {:>9.2} {:>9.2} {:>9.0} {:>9.0} {:>6.2}",
                c.profile,
                if extended_length { "on" } else { "off" },
                c.apdus,
                c.read_binary,
                c.bytes_sent,
                c.bytes_received,
                c.terminal_cpu_ms,
                c.chip_cpu_ms,
                c.link.link_limit_ms,
                c.link.modelled_ms,
                c.link.ratio
            );
        }
    }
}
