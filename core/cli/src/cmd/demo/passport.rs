//! The passport step-up as the app does it, with the emulated Swedish passport on the "NFC
//! reader". [`StepUp`] names how the service gets its proof; the flows take it as a parameter.

use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::reader::{Progress, ReadOptions, Verification};
use tapid_service::clock::{Clock, SystemClock};
use tapid_service::entropy::{self, OsEntropy};

use super::error::DemoError;
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
    // Relay mode (the server runs the read itself over APDUs the app relays) goes here.
}

impl StepUp {
    /// The mode's name in the output.
    pub fn name(self) -> &'static str {
        match self {
            StepUp::Evidence => "evidence",
        }
    }
}

/// Reads the emulated passport with the server's challenge `aa` (a progress bar on a
/// terminal unless `quiet`) and returns the evidence bundle's canonical bytes.
pub async fn read_evidence(aa: [u8; 8], quiet: bool) -> Result<Vec<u8>, DemoError> {
    let unexpected = |e: tapid_emulator::EmulatorError| DemoError::Unexpected(e.to_string());
    let profile = Profile::named(PROFILE).map_err(unexpected)?;
    let key = AccessKey::Mrz(profile.mrz_key().map_err(unexpected)?);
    let seed: [u8; 32] = entropy::bytes(&OsEntropy);
    let chip = Chip::new(&profile, ChipConfig::default(), &seed).map_err(unexpected)?;
    let mut transport = EmulatorTransport::new(chip);
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
