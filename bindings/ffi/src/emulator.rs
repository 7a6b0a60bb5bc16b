//! The software passport for app teams' flows and UI tests (cargo feature `testing`; release
//! apps build without it and carry none of its deterministic signers and test keys).
//!
//! An [`EmulatorCard`] is the emulator's chip — any profile, any fault — usable directly as the
//! reader's transport ([`EmulatorCard::as_transport`], a Rust object: no round trip through the
//! app), or APDU by APDU from the app ([`EmulatorCard::exchange`], e.g. behind a fake `IsoDep`
//! to test the app's own transport adapter). [`emulator_trust_store`] holds the test CSCAs its
//! documents are signed under.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tapid_emulator::faults::link::{LINK_TIMEOUT, Reply};
use tapid_emulator::{Chip, ChipConfig, Fault, Profile};

use crate::errors::{InputError, TransportError};
use crate::mrz::AccessKey;
use crate::transport::{NfcTransport, TransportCapabilities};
use crate::trust::TrustStore;

/// An emulator profile, as `tapid emulate --list-profiles` shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmulatorProfile {
    /// The profile's name.
    pub name: String,
    /// `BAC`, `PACE-GM`, `PACE-IM` or `PACE-CAM`.
    pub protocol: String,
    /// Curve or group.
    pub parameters: String,
    /// Secure-messaging cipher.
    pub cipher: String,
    /// The CAN, for PACE chips.
    pub can: Option<String>,
    /// How the chip proves it is genuine.
    pub chip_authentication: String,
    /// One line.
    pub description: String,
}

/// A hostile or faulty chip scenario.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EmulatorFault {
    /// Its name.
    pub name: String,
    /// The profile its catalogue entry uses.
    pub profile: String,
    /// What the chip does.
    pub description: String,
    /// The verdict a correct reader reaches.
    pub expected: String,
}

/// Every emulator profile.
#[uniffi::export]
pub fn emulator_profiles() -> Vec<EmulatorProfile> {
    tapid_emulator::profile::list()
        .into_iter()
        .map(|p| EmulatorProfile {
            name: p.name.to_owned(),
            protocol: p.protocol.to_owned(),
            parameters: p.parameters.to_owned(),
            cipher: p.cipher.to_owned(),
            can: p.can.map(str::to_owned),
            chip_authentication: p.chip_authentication.to_owned(),
            description: p.description,
        })
        .collect()
}

/// Every fault scenario.
#[uniffi::export]
pub fn emulator_faults() -> Vec<EmulatorFault> {
    tapid_emulator::faults::list()
        .into_iter()
        .map(|f| EmulatorFault {
            name: f.name.to_owned(),
            profile: f.profile.to_owned(),
            description: f.description.to_owned(),
            expected: f.expected.to_owned(),
        })
        .collect()
}

/// The emulator's test CSCAs: the trust store its documents verify against.
#[uniffi::export]
pub fn emulator_trust_store() -> Result<Arc<TrustStore>, InputError> {
    let store = tapid_emulator::pki::test_trust_store().map_err(|e| InputError::Emulator {
        detail: e.to_string(),
    })?;
    Ok(TrustStore::from_core(store))
}

/// An emulated passport chip in an ideal reader's field.
#[derive(uniffi::Object)]
pub struct EmulatorCard {
    chip: Mutex<Chip>,
    profile: Profile,
    extended_length: bool,
    max_transceive_length: i32,
}

fn emulator_error(e: tapid_emulator::EmulatorError) -> InputError {
    InputError::Emulator {
        detail: e.to_string(),
    }
}

impl EmulatorCard {
    fn lock(&self) -> std::sync::MutexGuard<'_, Chip> {
        self.chip
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl EmulatorCard {
    /// A chip serving `profile` (see [`emulator_profiles`]), misbehaving as `fault` (see
    /// [`emulator_faults`]) when given; `seed` makes its random challenges reproducible.
    /// `max_transceive_length` is what the simulated link reports (0: 65 546 with extended
    /// length, 261 without).
    #[uniffi::constructor]
    pub fn new(
        profile: String,
        fault: Option<String>,
        extended_length: bool,
        max_transceive_length: i32,
        seed: Vec<u8>,
    ) -> Result<Arc<Self>, InputError> {
        let p = Profile::named(&profile).map_err(emulator_error)?;
        let config = ChipConfig { extended_length };
        let chip = match fault {
            None => Chip::new(&p, config, &seed),
            Some(name) => {
                let fault = Fault::from_name(&name).ok_or_else(|| InputError::Emulator {
                    detail: format!("unknown fault {name:?}"),
                })?;
                tapid_emulator::faults::chip(&p, config, &seed, fault)
            }
        }
        .map_err(emulator_error)?;
        let max = match max_transceive_length {
            n if n > 0 => n,
            _ if extended_length => 65_546,
            _ => 261,
        };
        Ok(Arc::new(Self {
            chip: Mutex::new(chip),
            profile: p,
            extended_length,
            max_transceive_length: max,
        }))
    }

    /// The chip as the reader's transport, served in Rust.
    pub fn as_transport(self: Arc<Self>) -> Arc<dyn NfcTransport> {
        self
    }

    /// One APDU as the link sees it: the answer, or `TagLost` when the tag has left the field
    /// (the `tag-lost` fault), or `Timeout` for an answer later than the link waits.
    pub fn exchange(&self, apdu: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        match self.lock().exchange(&apdu) {
            Reply::Answer(a) => Ok(a),
            Reply::Late { after, .. } if after > LINK_TIMEOUT => Err(TransportError::Timeout),
            Reply::Late { answer, .. } => Ok(answer),
            Reply::Lost => Err(TransportError::TagLost),
        }
    }

    /// Puts the card back into the field (after a lost tag): a power cycle.
    pub fn reset(&self) {
        self.lock().reset();
    }

    /// What the simulated link reports.
    pub fn capabilities(&self) -> TransportCapabilities {
        TransportCapabilities {
            max_transceive_length: self.max_transceive_length,
            extended_length: self.extended_length,
            historical_bytes: Some(self.lock().historical_bytes()),
        }
    }

    /// The MRZ printed on the document (what a camera would read).
    pub fn mrz_text(&self) -> String {
        self.profile.mrz.clone()
    }

    /// The MRZ access key a user would type.
    pub fn mrz_key(&self) -> Result<Arc<AccessKey>, InputError> {
        let key = self.profile.mrz_key().map_err(emulator_error)?;
        Ok(Arc::new(AccessKey {
            inner: tapid_mrtd::mrz::AccessKey::Mrz(key),
        }))
    }

    /// The card access number, for PACE chips.
    pub fn can(&self) -> Option<String> {
        self.profile.can().map(str::to_owned)
    }
}

#[async_trait]
impl NfcTransport for EmulatorCard {
    async fn transceive(&self, apdu: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let reply = self.lock().exchange(&apdu);
        match reply {
            Reply::Answer(a) => Ok(a),
            Reply::Late { after, .. } if after > LINK_TIMEOUT => Err(TransportError::Timeout),
            Reply::Late { after, answer } => {
                tokio::time::sleep(after).await;
                Ok(answer)
            }
            Reply::Lost => Err(TransportError::TagLost),
        }
    }

    async fn capabilities(&self) -> Result<TransportCapabilities, TransportError> {
        Ok(EmulatorCard::capabilities(self))
    }
}
