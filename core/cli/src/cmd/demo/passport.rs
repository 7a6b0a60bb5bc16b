//! The passport step-up as the app does it, with the emulated Swedish passport on the "NFC
//! reader". [`StepUp`] names how the service gets its proof; the flows take it as a parameter.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_identity::client::{AppClient, PickedUp};
use tapid_identity::service_api::{RelayAccessKey, RelayProgress, StepUpOutcome};
use tapid_mrtd::mrz::{AccessKey, Mrz};
use tapid_mrtd::reader::{Progress, ReadOptions, Verification};
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::entropy::{self, OsEntropy};

use super::error::{DemoError, api};
use crate::cmd::passport::{ReadRequest, run_read, system_rng};

/// The emulator profile of the holder's passport (PACE, CA, AA; valid until 2031).
pub const PROFILE: &str = "se-passport-pace";

/// How the app proves the passport to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUp {
    /// Evidence mode: the app reads the chip, answering the server's Active Authentication
    /// challenge, and sends the evidence bundle signed with its device key; the server
    /// re-verifies it with its own trust store and clock.
    Evidence,
    /// Relay mode: the server runs the read itself (BAC/PACE, Chip Authentication, the data
    /// groups) over command APDUs the app carries to the chip and back; the app learns no
    /// session key and decides nothing.
    Relay,
}

impl StepUp {
    /// The mode's name in the output.
    pub fn name(self) -> &'static str {
        match self {
            StepUp::Evidence => "evidence",
            StepUp::Relay => "relay",
        }
    }
}

fn unexpected(e: tapid_emulator::EmulatorError) -> DemoError {
    DemoError::Unexpected(e.to_string())
}

/// The holder's passport in the NFC field: the emulated chip, its session randomness from the
/// OS.
fn chip_in_field(profile: &Profile) -> Result<EmulatorTransport, DemoError> {
    let seed: [u8; 32] = entropy::bytes(&OsEntropy);
    Ok(EmulatorTransport::new(
        Chip::new(profile, ChipConfig::default(), &seed).map_err(unexpected)?,
    ))
}

/// Reads the emulated passport with the server's challenge `aa` (a progress bar on a
/// terminal unless `quiet`) and returns the evidence bundle's canonical bytes.
pub async fn read_evidence(aa: [u8; 8], quiet: bool) -> Result<Vec<u8>, DemoError> {
    let profile = Profile::named(PROFILE).map_err(unexpected)?;
    let key = AccessKey::Mrz(profile.mrz_key().map_err(unexpected)?);
    let mut transport = chip_in_field(&profile)?;
    // The phone verifies too (its own report), but the service decides on the bundle.
    let trust = tapid_emulator::pki::test_trust_store()
        .map_err(|e| DemoError::Unexpected(e.to_string()))?;
    let verification = Verification::new(&trust, SystemClock.now_secs());
    let options = ReadOptions {
        aa_challenge: Some(aa),
        ..ReadOptions::default()
    };
    let request = ReadRequest::new(&key, &options, &verification, quiet);
    let read = run_read(
        &mut transport,
        &request,
        &mut system_rng(),
        Progress::default(),
    )
    .await?;
    Ok(read.evidence().to_canonical_bytes())
}

/// A progress bar on a terminal (stderr) unless `quiet`.
fn relay_bar(quiet: bool) -> Option<ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:<24} [{bar:30}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    })
}

/// Relay mode: `app` carries the service's read of the emulated passport for `picked`, with
/// the MRZ access key as the app's MRZ scan gets it (a progress bar fed by the service's
/// progress unless `quiet`). The service's verdict, and the commands relayed.
pub async fn relay(
    app: &AppClient,
    picked: &PickedUp,
    quiet: bool,
) -> Result<(StepUpOutcome, u32), DemoError> {
    let profile = Profile::named(PROFILE).map_err(unexpected)?;
    let mrz = Mrz::parse(&profile.mrz).map_err(|e| DemoError::Unexpected(e.to_string()))?;
    let key = RelayAccessKey::Mrz {
        document_number: mrz.document_number.clone(),
        date_of_birth: mrz.date_of_birth_raw.clone(),
        date_of_expiry: mrz.date_of_expiry_raw.clone(),
    };
    let mut transport = chip_in_field(&profile)?;
    let bar = relay_bar(quiet);
    let mut exchanges = 0;
    let mut on_progress = |p: &RelayProgress| {
        exchanges = exchanges.max(p.exchanges);
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "{} (APDU {})",
                p.step.as_deref().unwrap_or("relay"),
                p.exchanges
            ));
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    };
    let outcome = app
        .relay_read(picked, &key, &mut transport, &mut on_progress)
        .await
        .map_err(api("relay the passport"));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok((outcome?, exchanges))
}
