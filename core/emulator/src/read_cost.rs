//! What a passport read costs, per profile: APDUs and bytes, the terminal's and the chip's CPU
//! time, and the NFC link figures of [`crate::link_model`]. `cargo bench -p tapid-emulator
//! --bench read` prints it.
//!
//! The read runs in process on one thread; a wrapper around the emulated chip measures the
//! thread CPU time spent inside the chip, so the terminal's share (access control, secure
//! messaging, chip and active authentication, passive authentication) is the rest. CPU time,
//! not wall time: another process on the machine does not inflate it.

use async_trait::async_trait;
use cpu_time::ThreadTime;
use serde::Serialize;
use std::time::Duration;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{ReadOptions, Verification, read};

use crate::link_model::{self, Exchange, LinkFigures};
use crate::pki::drbg::SeededRng;
use crate::{Chip, ChipConfig, EmulatorError, EmulatorTransport, Profile};

/// The costs of reading one profile.
#[derive(Debug, Clone, Serialize)]
pub struct ReadCost {
    /// Profile name.
    pub profile: String,
    /// Whether the chip (and the link) took extended length.
    pub extended_length: bool,
    /// Command APDUs.
    pub apdus: usize,
    /// READ BINARY commands among them.
    pub read_binary: usize,
    /// APDU bytes sent.
    pub bytes_sent: usize,
    /// APDU bytes received.
    pub bytes_received: usize,
    /// Median terminal CPU time per read, in milliseconds.
    pub terminal_cpu_ms: f64,
    /// Median chip CPU time per read, in milliseconds.
    pub chip_cpu_ms: f64,
    /// Runs the medians are taken over.
    pub runs: usize,
    /// The link model's figures.
    pub link: LinkFigures,
}

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CostError {
    /// The profile could not be set up.
    #[error(transparent)]
    Emulator(#[from] EmulatorError),
    /// The read failed.
    #[error("read failed: {0}")]
    Read(#[from] tapid_mrtd::reader::ReadError),
    /// The async runtime could not start.
    #[error("runtime: {0}")]
    Runtime(String),
    /// The thread CPU clock could not be read.
    #[error("thread CPU clock unavailable")]
    Clock,
    /// The profile has no MRZ key.
    #[error("profile MRZ: {0}")]
    Mrz(#[from] tapid_mrtd::mrz::MrzError),
}

/// The chip behind a meter: time inside it and the sizes of every exchange.
struct Metered {
    inner: EmulatorTransport,
    chip_time: Duration,
    exchanges: Vec<Exchange>,
    read_binary: usize,
}

#[async_trait]
impl CardTransport for Metered {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        // Thread CPU time as a plain duration (a `ThreadTime` may not cross the await; the
        // emulated chip answers on the same thread). A clock that fails counts the chip's time
        // as the terminal's, an over-estimate.
        let now = || ThreadTime::try_now().ok().map(|t| t.as_duration());
        let start = now();
        let answer = self.inner.transmit(command).await;
        if let (Some(start), Some(end)) = (start, now()) {
            self.chip_time += end.saturating_sub(start);
        }
        if matches!(command.get(1), Some(0xB0 | 0xB1)) {
            self.read_binary += 1;
        }
        if let Ok(answer) = &answer {
            self.exchanges.push(Exchange {
                command: command.len(),
                response: answer.len(),
            });
        }
        answer
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

fn median_ms(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times
        .get(times.len() / 2)
        .map_or(0.0, |t| t.as_secs_f64() * 1000.0)
}

/// Reads profile `name` `runs` times (verifying against `trust` at `at`, Unix seconds) and
/// returns the medians and the traffic of the last run (every run's traffic is the same).
///
/// # Errors
/// When the profile, the runtime or a read fails.
pub fn measure(
    name: &str,
    extended_length: bool,
    runs: usize,
    trust: &TrustStore,
    at: i64,
) -> Result<ReadCost, CostError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| CostError::Runtime(e.to_string()))?;
    let profile = Profile::named(name)?;
    let key = AccessKey::Mrz(profile.mrz_key()?);
    let verification = Verification::new(trust, at);
    let (mut terminal, mut chip) = (Vec::new(), Vec::new());
    let mut last = None;
    for run in 0..runs.max(1) {
        let seed = [u8::try_from(run % 256).unwrap_or(0)];
        let mut t = Metered {
            inner: EmulatorTransport::new(Chip::new(
                &profile,
                ChipConfig { extended_length },
                &seed,
            )?),
            chip_time: Duration::ZERO,
            exchanges: Vec::new(),
            read_binary: 0,
        };
        let start = ThreadTime::try_now().map_err(|_| CostError::Clock)?;
        rt.block_on(read(
            &mut t,
            &key,
            &ReadOptions::default(),
            &verification,
            &mut SeededRng::new(b"bench"),
            &mut |_| {},
        ))?;
        let total = start.try_elapsed().map_err(|_| CostError::Clock)?;
        terminal.push(total.saturating_sub(t.chip_time));
        chip.push(t.chip_time);
        last = Some(t);
    }
    let t = last.ok_or_else(|| CostError::Runtime("no run".into()))?;
    Ok(ReadCost {
        profile: name.to_owned(),
        extended_length,
        apdus: t.exchanges.len(),
        read_binary: t.read_binary,
        bytes_sent: t.exchanges.iter().map(|e| e.command).sum(),
        bytes_received: t.exchanges.iter().map(|e| e.response).sum(),
        terminal_cpu_ms: median_ms(terminal),
        chip_cpu_ms: median_ms(chip),
        runs: runs.max(1),
        link: link_model::figures(&t.exchanges),
    })
}

/// The time every read of [`measure_all`] is verified at (2027-01-15, Unix seconds): inside
/// the validity of the test PKI and of the Swedish profiles' documents.
pub const VERIFIED_AT: i64 = 1_800_000_000;

/// Measures every profile whose name `select` accepts, with extended length on and off (DH-2048
/// PACE needs extended length: without it there is no read to measure), `runs` reads each.
///
/// # Errors
/// The first profile that cannot be measured.
pub fn measure_all(
    runs: usize,
    trust: &TrustStore,
    select: &dyn Fn(&str) -> bool,
) -> Result<Vec<ReadCost>, CostError> {
    let mut out = Vec::new();
    for info in crate::profile::list() {
        if !select(info.name) {
            continue;
        }
        for extended_length in [true, false] {
            if !extended_length && info.parameters == "DH-2048-256" {
                continue;
            }
            out.push(measure(
                info.name,
                extended_length,
                runs,
                trust,
                VERIFIED_AT,
            )?);
        }
    }
    Ok(out)
}

/// The costs as a table for people, one line per profile and extended-length setting.
pub fn table(costs: &[ReadCost]) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "{:<24} {:>4} {:>6} {:>5} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6}\n",
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
    for c in costs {
        let _ = writeln!(
            s,
            "{:<24} {:>4} {:>6} {:>5} {:>8} {:>8} {:>9.2} {:>9.2} {:>9.0} {:>9.0} {:>6.2}",
            c.profile,
            if c.extended_length { "on" } else { "off" },
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
    s
}
