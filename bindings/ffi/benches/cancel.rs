//! How long cancelling a read takes, as Kotlin sees it: a read through the exported
//! `PassportReader::read` future is stalled on its n-th APDU (the transport never answers,
//! as a phone whose tag went quiet), then the future is dropped — what a cancelled coroutine
//! does — on a thread outside any tokio runtime. Reported: the drop's latency (until the
//! Rust read is gone: the drop waits for it) and the APDUs sent after the drop returned
//! (counted over a further 50 ms; must be 0).
//!
//! `cargo bench -p tapid-ffi --features testing --bench cancel` (add `-- --json` for one
//! JSON object a line)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use tapid_ffi::emulator::{EmulatorCard, emulator_trust_store};
use tapid_ffi::{NfcTransport, PassportReader, ReadOptions, TransportCapabilities, TransportError};

const RUNS: usize = 31;

/// Forwards to the emulated chip until the `stall_at`-th APDU, which never answers.
struct Stalling {
    card: Arc<EmulatorCard>,
    stall_at: u32,
    sent: AtomicU32,
    stalled: AtomicBool,
}

#[async_trait::async_trait]
impl NfcTransport for Stalling {
    async fn transceive(&self, apdu: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let n = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        if n < self.stall_at {
            return NfcTransport::transceive(&*self.card, apdu).await;
        }
        self.stalled.store(true, Ordering::SeqCst);
        std::future::pending().await
    }

    async fn capabilities(&self) -> Result<TransportCapabilities, TransportError> {
        NfcTransport::capabilities(&*self.card).await
    }
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let trust = emulator_trust_store().unwrap();
    for (profile, stall_at) in [
        ("bac", 4),
        ("pace-gm-bp256-aes128", 6),
        ("se-passport-pace", 12),
    ] {
        let mut latencies = Vec::with_capacity(RUNS);
        let mut after = 0u32;
        for run in 0..RUNS {
            let card = EmulatorCard::new(profile.into(), None, true, 0, vec![run as u8]).unwrap();
            let reader = PassportReader::new(
                card.mrz_key().unwrap(),
                ReadOptions {
                    verification_time: Some(1_800_000_000),
                    ..ReadOptions::default()
                },
                Some(trust.clone()),
            )
            .unwrap();
            let transport = Arc::new(Stalling {
                card,
                stall_at,
                sent: AtomicU32::new(0),
                stalled: AtomicBool::new(false),
            });
            let mut read = Box::pin(reader.read(transport.clone(), None, None));
            // Poll from this plain thread (as Kotlin's dispatcher does) until the read stalls.
            let mut cx = Context::from_waker(Waker::noop());
            while !transport.stalled.load(Ordering::SeqCst) {
                if let Poll::Ready(r) = read.as_mut().poll(&mut cx) {
                    panic!("{profile}: the read ended before its stall: {:?}", r.err());
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            let sent = transport.sent.load(Ordering::SeqCst);
            let start = Instant::now();
            drop(read);
            latencies.push(start.elapsed());
            std::thread::sleep(Duration::from_millis(50));
            after += transport.sent.load(Ordering::SeqCst) - sent;
            assert_eq!(reader.counters().dropped_unfinished, 1, "{profile}");
        }
        latencies.sort();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let (median, worst) = (us(latencies[RUNS / 2]), us(latencies[RUNS - 1]));
        if json {
            println!(
                "{{\"profile\":\"{profile}\",\"stall_at_apdu\":{stall_at},\"runs\":{RUNS},\"drop_median_us\":{median:.1},\"drop_max_us\":{worst:.1},\"apdus_after_drop\":{after}}}"
            );
        } else {
            println!(
                "{profile:<24} stalled at APDU {stall_at:>2}: drop median {median:>8.1} µs, max {worst:>8.1} µs, APDUs after the drop {after} ({RUNS} runs)"
            );
        }
    }
}
