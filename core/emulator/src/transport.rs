//! The emulated chip as an in-process [`CardTransport`].

use std::time::Duration;

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};

use crate::chip::Chip;
use crate::faults::link::{LINK_TIMEOUT, Reply};

/// A chip in the field of an ideal reader.
pub struct EmulatorTransport {
    chip: Chip,
    timeout: Duration,
}

impl EmulatorTransport {
    /// Puts `chip` in the field; the link waits [`LINK_TIMEOUT`] for each answer.
    pub fn new(chip: Chip) -> Self {
        Self {
            chip,
            timeout: LINK_TIMEOUT,
        }
    }

    /// The same link waiting `timeout` for each answer.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The chip's settings (whether it accepts extended length).
    pub fn chip_config(&self) -> crate::ChipConfig {
        self.chip.config()
    }

    /// The chip's ATR as a PC/SC reader reports it.
    pub fn atr(&self) -> Vec<u8> {
        self.chip.atr()
    }

    /// The chip, e.g. to reset it.
    pub fn chip_mut(&mut self) -> &mut Chip {
        &mut self.chip
    }
}

#[async_trait]
impl CardTransport for EmulatorTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.chip.exchange(command) {
            Reply::Answer(answer) => Ok(answer),
            // The timeout is modelled, not waited for: a late answer past it never arrives.
            Reply::Late { after, .. } if after > self.timeout => Err(TransportError::Timeout),
            Reply::Late { after, answer } => {
                tokio::time::sleep(after).await;
                Ok(answer)
            }
            Reply::Lost => Err(TransportError::LinkLost),
        }
    }

    fn capabilities(&self) -> TransportCapabilities {
        if self.chip.config().extended_length {
            TransportCapabilities::EXTENDED
        } else {
            TransportCapabilities::SHORT
        }
    }

    /// The historical bytes of the chip's ATR, as a phone's NFC stack exposes them (Android
    /// `IsoDep.getHistoricalBytes`) and a PC/SC reader puts them in the ATR: compact-TLV with
    /// the card capabilities `73 94 21 xx`, whose `xx & 0x40` says "extended Lc and Le".
    /// With [`Chip::without_extended_length_in_atr`] (or the `extended-length-atr-info-only`
    /// fault) the bit is clear although the chip accepts extended length; only EF.ATR/INFO
    /// then says so.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        Some(self.chip.historical_bytes())
    }
}
