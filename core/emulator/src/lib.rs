//! A software eMRTD chip: profiles with their LDS files and test-PKI signatures, the chip's
//! command processor with BAC and secure messaging, and an in-process transport.
#![forbid(unsafe_code)]

pub mod atr;
pub mod chip;
pub mod chip_dir;
pub mod chip_keys;
pub mod faults;
pub mod files;
pub mod lds_builder;
pub mod link_model;
pub mod pki;
pub mod profile;
pub mod read_cost;
pub mod transport;
pub mod vpcd;

pub use chip::{Chip, ChipConfig};
pub use faults::Fault;
pub use profile::{Profile, ProfileInfo};
pub use transport::EmulatorTransport;

/// Errors setting up an emulated chip.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// No profile of that name.
    #[error("unknown emulator profile {0:?} (see `tapid emulate --list-profiles`)")]
    UnknownProfile(String),
    /// The profile's MRZ does not parse.
    #[error("profile MRZ: {0}")]
    Mrz(#[from] tapid_mrtd::mrz::MrzError),
    /// Domain parameters or keys of a profile could not be set up.
    #[error("profile crypto: {0}")]
    Crypto(#[from] tapid_mrtd::crypto::CryptoError),
    /// A chip key could not be generated, decoded or used.
    #[error("chip key: {0}")]
    Key(String),
    /// No fault of that name.
    #[error("unknown fault {0:?} (see `tapid emulate --list-faults`)")]
    UnknownFault(String),
    /// The fault needs something the profile does not have.
    #[error("fault {fault} does not apply to profile {profile:?}: it needs {needs}")]
    FaultNotApplicable {
        /// The fault's name.
        fault: &'static str,
        /// The profile's name.
        profile: String,
        /// What the profile lacks.
        needs: &'static str,
    },
    /// The test PKI failed.
    #[error("test PKI: {0}")]
    Pki(#[from] pki::PkiError),
}

/// Builds an in-process transport serving profile `name`.
pub fn transport(
    name: &str,
    config: ChipConfig,
    seed: &[u8],
) -> Result<EmulatorTransport, EmulatorError> {
    let profile = Profile::named(name)?;
    Ok(EmulatorTransport::new(Chip::new(&profile, config, seed)?))
}
