//! The emulated chip as an in-process [`CardTransport`].

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};

use crate::chip::Chip;

/// A chip in the field of an ideal reader.
pub struct EmulatorTransport {
    chip: Chip,
}

impl EmulatorTransport {
    /// Puts `chip` in the field.
    pub fn new(chip: Chip) -> Self {
        Self { chip }
    }

    /// The chip, e.g. to reset it.
    pub fn chip_mut(&mut self) -> &mut Chip {
        &mut self.chip
    }
}

#[async_trait]
impl CardTransport for EmulatorTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(self.chip.process(command))
    }

    fn capabilities(&self) -> TransportCapabilities {
        if self.chip.config().extended_length {
            TransportCapabilities::EXTENDED
        } else {
            TransportCapabilities::SHORT
        }
    }
}
