//! How long one APDU round trip through a transport takes, measured on the Rust side (feature
//! `testing`: a measurement tool, not app API).
//!
//! [`bench_transport_round_trips`] sends one READ BINARY after another through the given
//! [`NfcTransport`] the way a passport read does: an exported future whose work runs on the
//! FFI's runtime, the transport behind the reader's adapter (APDU timeout, cancellation check,
//! APDU count). Each `transmit` is timed with [`Instant`]. With a Kotlin transport one round
//! trip is Rust → UniFFI callback → Kotlin `transceive` → back to Rust; with
//! [`fixed_answer_transport`] (the same answer, served in Rust) it is the same loop without
//! the crossing, for comparison. No timing is asserted anywhere: the figures are reported.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tapid_card::{CardTransport, CommandApdu, StatusWord};

use crate::errors::{BenchError, TransportError};
use crate::reader::DEFAULT_APDU_TIMEOUT_MS;
use crate::runtime::{self, Cancellation};
use crate::transport::{Adapter, NfcTransport, TransportCapabilities};

/// The most round trips one call measures.
pub const MAX_ROUND_TRIPS: u32 = 100_000;

/// The largest response payload asked for (an extended-length READ BINARY's maximum Ne).
pub const MAX_PAYLOAD_LEN: u32 = 65_536;

/// Per-round-trip figures of one measurement, in microseconds (nearest-rank percentiles).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TransportBench {
    /// Round trips measured.
    pub count: u32,
    /// Bytes of each answer: the payload and the status word.
    pub response_len: u32,
    /// The fastest round trip.
    pub min_us: f64,
    /// The median round trip.
    pub median_us: f64,
    /// The 90th percentile.
    pub p90_us: f64,
    /// The slowest round trip.
    pub max_us: f64,
}

/// Sends `count` (1–100,000) READ BINARY commands expecting `payload_len` (0–65,536) bytes
/// through `transport`, one after another, and returns the round trips' figures. The
/// transport must answer each with `payload_len` bytes and `90 00`. `payload_len` 0 sends
/// the header without Le (the answer is a status word only); above 256 the command is
/// extended length. The transport's capabilities are asked once, before the first round trip.
#[uniffi::export]
pub async fn bench_transport_round_trips(
    transport: Arc<dyn NfcTransport>,
    count: u32,
    payload_len: u32,
) -> Result<TransportBench, BenchError> {
    check_range("count", count, 1, MAX_ROUND_TRIPS)?;
    check_range("payload_len", payload_len, 0, MAX_PAYLOAD_LEN)?;
    let cancellation = Cancellation::new();
    let work = measure(transport, count, payload_len, cancellation.clone());
    let task = runtime::spawn(cancellation, work).map_err(|_| BenchError::Internal {
        detail: "the runtime could not start".into(),
    })?;
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_cancelled() => Err(BenchError::Cancelled),
        Err(_) => Err(BenchError::Internal {
            detail: "the measurement failed unexpectedly (a bug in tapid)".into(),
        }),
    }
}

/// A Rust transport that answers every command at once with `payload_len` (0–65,536) zero
/// bytes and `90 00`: what [`bench_transport_round_trips`] measures without a foreign call.
#[uniffi::export]
pub fn fixed_answer_transport(payload_len: u32) -> Result<Arc<dyn NfcTransport>, BenchError> {
    check_range("payload_len", payload_len, 0, MAX_PAYLOAD_LEN)?;
    let mut answer = vec![0; to_usize("payload_len", payload_len)?];
    answer.extend_from_slice(&StatusWord::SUCCESS.to_bytes());
    Ok(Arc::new(FixedAnswer { answer }))
}

/// See [`fixed_answer_transport`].
struct FixedAnswer {
    answer: Vec<u8>,
}

#[async_trait]
impl NfcTransport for FixedAnswer {
    async fn transceive(&self, _apdu: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        Ok(self.answer.clone())
    }

    async fn capabilities(&self) -> Result<TransportCapabilities, TransportError> {
        Ok(TransportCapabilities {
            max_transceive_length: 65_546,
            extended_length: true,
            historical_bytes: None,
        })
    }
}

fn check_range(argument: &str, value: u32, min: u32, max: u32) -> Result<(), BenchError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(BenchError::OutOfRange {
            argument: argument.into(),
            min,
            max,
        })
    }
}

fn to_usize(argument: &str, value: u32) -> Result<usize, BenchError> {
    usize::try_from(value).map_err(|_| BenchError::Internal {
        detail: format!("{argument} does not fit this platform's usize"),
    })
}

/// READ BINARY of the selected file from offset 0, expecting `payload_len` bytes.
fn read_binary(payload_len: usize) -> Result<Vec<u8>, BenchError> {
    let header = CommandApdu::new(0x00, 0xB0, 0x00, 0x00);
    let command = match payload_len {
        0 => header,
        ne => header.with_ne(ne),
    };
    command.to_bytes().map_err(|_| BenchError::OutOfRange {
        argument: "payload_len".into(),
        min: 0,
        max: MAX_PAYLOAD_LEN,
    })
}

async fn measure(
    transport: Arc<dyn NfcTransport>,
    count: u32,
    payload_len: u32,
    cancellation: Arc<Cancellation>,
) -> Result<TransportBench, BenchError> {
    let payload = to_usize("payload_len", payload_len)?;
    let command = read_binary(payload)?;
    let expected_len = payload.saturating_add(2);
    let timeout = Duration::from_millis(u64::from(DEFAULT_APDU_TIMEOUT_MS));
    let mut adapter = Adapter::open(
        transport,
        timeout,
        cancellation,
        Arc::new(AtomicU64::new(0)),
    )
    .await
    .map_err(|transport_error| BenchError::Transport {
        round_trip: 0,
        transport_error,
    })?;
    let mut times = Vec::with_capacity(to_usize("count", count)?);
    for round_trip in 1..=count {
        let start = Instant::now();
        let answer = adapter.transmit(&command).await;
        let elapsed = start.elapsed();
        let answer = answer.map_err(|core| BenchError::Transport {
            round_trip,
            transport_error: adapter.last_error.take().unwrap_or_else(|| {
                TransportError::Unexpected {
                    reason: core.to_string(),
                }
            }),
        })?;
        let sw = answer
            .split_last_chunk::<2>()
            .map_or(0, |(_, sw)| u16::from_be_bytes(*sw));
        if answer.len() != expected_len || StatusWord(sw) != StatusWord::SUCCESS {
            return Err(BenchError::Response {
                round_trip,
                len: crate::errors::count(answer.len()),
                sw,
            });
        }
        times.push(elapsed);
    }
    times.sort_unstable();
    Ok(TransportBench {
        count,
        response_len: crate::errors::count(expected_len),
        min_us: micros(times.first().copied().unwrap_or_default()),
        median_us: micros(percentile(&times, 50)),
        p90_us: micros(percentile(&times, 90)),
        max_us: micros(times.last().copied().unwrap_or_default()),
    })
}

/// The nearest-rank `percent`-th percentile of `sorted` (zero when empty).
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = sorted.len().saturating_mul(percent).div_ceil(100);
    sorted
        .get(rank.saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Answers correctly until round trip `fail_at`, which loses the tag.
    struct LosesTag {
        fail_at: u32,
        sent: AtomicU32,
    }

    #[async_trait]
    impl NfcTransport for LosesTag {
        async fn transceive(&self, _apdu: Vec<u8>) -> Result<Vec<u8>, TransportError> {
            if self.sent.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
                return Err(TransportError::TagLost);
            }
            Ok(vec![0x90, 0x00])
        }

        async fn capabilities(&self) -> Result<TransportCapabilities, TransportError> {
            Ok(TransportCapabilities {
                max_transceive_length: 261,
                extended_length: false,
                historical_bytes: None,
            })
        }
    }

    #[test]
    fn a_rust_transport_gives_ordered_figures() {
        let transport = fixed_answer_transport(256).unwrap();
        let b = block_on(bench_transport_round_trips(transport, 200, 256)).unwrap();
        assert_eq!((b.count, b.response_len), (200, 258));
        assert!(0.0 <= b.min_us, "{b:?}");
        assert!(b.min_us <= b.median_us && b.median_us <= b.p90_us && b.p90_us <= b.max_us);
    }

    #[test]
    fn arguments_out_of_range_are_refused() {
        let run = |count, len| {
            block_on(bench_transport_round_trips(
                fixed_answer_transport(0).unwrap(),
                count,
                len,
            ))
        };
        for (count, len, argument) in [
            (0, 0, "count"),
            (MAX_ROUND_TRIPS + 1, 0, "count"),
            (1, MAX_PAYLOAD_LEN + 1, "payload_len"),
        ] {
            match run(count, len) {
                Err(BenchError::OutOfRange { argument: a, .. }) => assert_eq!(a, argument),
                other => panic!("{count}, {len}: {other:?}"),
            }
        }
        assert!(fixed_answer_transport(MAX_PAYLOAD_LEN + 1).is_err());
        assert!(check_range("count", MAX_ROUND_TRIPS, 1, MAX_ROUND_TRIPS).is_ok());
    }

    #[test]
    fn an_answer_of_the_wrong_length_is_an_error() {
        let transport = fixed_answer_transport(0).unwrap();
        let r = block_on(bench_transport_round_trips(transport, 5, 256));
        assert_eq!(
            r,
            Err(BenchError::Response {
                round_trip: 1,
                len: 2,
                sw: 0x9000
            })
        );
    }

    #[test]
    fn a_transport_failure_names_its_round_trip() {
        let transport = Arc::new(LosesTag {
            fail_at: 3,
            sent: AtomicU32::new(0),
        });
        let r = block_on(bench_transport_round_trips(transport, 10, 0));
        assert_eq!(
            r,
            Err(BenchError::Transport {
                round_trip: 3,
                transport_error: TransportError::TagLost
            })
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms: Vec<Duration> = (1..=10).map(Duration::from_millis).collect();
        assert_eq!(percentile(&ms, 50), Duration::from_millis(5));
        assert_eq!(percentile(&ms, 90), Duration::from_millis(9));
        assert_eq!(percentile(&ms[..1], 90), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
