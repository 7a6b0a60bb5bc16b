//! What a passport read costs, per emulator profile: APDUs and bytes on the link, terminal CPU
//! time, and the link time they model on a typical NFC connection.
//!
//! `cargo bench -p tapid-emulator --bench read`
//!
//! The model: 5 ms of turnaround per exchange plus the bytes at 424 kbit/s (ISO 14443 at a
//! common phone bit rate). CPU time is the whole read in process (chip and terminal, passive
//! authentication included), the median of several runs, so it over-counts what a phone spends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::time::{Duration, Instant};

use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::pki::test_trust_store;
use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{ReadOptions, Verification, read};

const RUNS: usize = 5;
const TURNAROUND: Duration = Duration::from_millis(5);
const BITS_PER_SECOND: f64 = 424_000.0;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Every read verifies (passive authentication against the test CSCAs, at a pinned time
    // inside their validity), as a real read does: its CPU time is part of the figures.
    let trust = test_trust_store().unwrap();
    let verification = Verification::new(&trust, 1_800_000_000);
    println!(
        "{:<24} {:>5} {:>6} {:>8} {:>9} {:>10} {:>10}",
        "profile", "ext", "APDUs", "sent B", "recv B", "CPU ms", "link ms"
    );
    for info in list() {
        let profile = Profile::named(info.name).unwrap();
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        for extended_length in [true, false] {
            // DH-2048 PACE needs extended length: without it there is no read to measure.
            if !extended_length && info.parameters == "DH-2048-256" {
                continue;
            }
            let mut times = Vec::new();
            let mut figures = None;
            for run in 0..RUNS {
                let chip =
                    Chip::new(&profile, ChipConfig { extended_length }, &[run as u8]).unwrap();
                let mut t = EmulatorTransport::new(chip);
                let start = Instant::now();
                let out = rt
                    .block_on(read(
                        &mut t,
                        &key,
                        &ReadOptions::default(),
                        &verification,
                        &mut SeededRng::new(b"bench"),
                        &mut |_| {},
                    ))
                    .unwrap();
                times.push(start.elapsed());
                figures = out.into_parts().0.transport;
            }
            times.sort();
            let t = figures.unwrap();
            let link = TURNAROUND * t.apdus as u32
                + Duration::from_secs_f64(
                    (t.bytes_sent + t.bytes_received) as f64 * 8.0 / BITS_PER_SECOND,
                );
            println!(
                "{:<24} {:>5} {:>6} {:>8} {:>9} {:>10.1} {:>10.0}",
                info.name,
                if extended_length { "on" } else { "off" },
                t.apdus,
                t.bytes_sent,
                t.bytes_received,
                times[RUNS / 2].as_secs_f64() * 1000.0,
                link.as_secs_f64() * 1000.0
            );
        }
    }
}
