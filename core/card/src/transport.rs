//! The one I/O seam of a reader: send an encoded command APDU, get the response bytes.
//!
//! Implementations: the in-process emulator, PC/SC, a replayed transcript, and on phones the
//! platform NFC stack through the FFI layer.

use async_trait::async_trait;

/// What a transport (reader + link) can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransportCapabilities {
    /// Whether extended-length APDUs may be sent.
    pub extended_length: bool,
    /// Largest command APDU in bytes.
    pub max_command_len: usize,
    /// Largest response APDU (data + SW) in bytes.
    pub max_response_len: usize,
}

impl TransportCapabilities {
    /// Short APDUs only (261-byte commands, 258-byte responses).
    pub const SHORT: Self = Self {
        extended_length: false,
        max_command_len: 261,
        max_response_len: 258,
    };

    /// Extended length up to 64 KiB in both directions.
    pub const EXTENDED: Self = Self {
        extended_length: true,
        max_command_len: 65_544,
        max_response_len: 65_538,
    };
}

/// Errors of the link itself (not of the card's answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The card left the field or the reader lost it.
    #[error("link lost: the card left the field")]
    LinkLost,
    /// The card did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// No card is present.
    #[error("no card present")]
    NoCard,
    /// The reader or driver reported an error.
    #[error("reader error: {0}")]
    Reader(String),
    /// A replayed transcript does not match what the terminal sends now.
    #[error("transcript mismatch at exchange {index}: {what}")]
    ReplayMismatch {
        /// Zero-based exchange number.
        index: usize,
        /// What differed.
        what: &'static str,
    },
    /// A replayed transcript has no more exchanges.
    #[error("transcript exhausted after {0} exchanges")]
    ReplayExhausted(usize),
}

/// An ISO/IEC 7816 card reachable over some link.
#[async_trait]
pub trait CardTransport: Send {
    /// Sends one encoded command APDU and returns the response bytes (data ‖ SW1 SW2).
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// What this transport can carry.
    fn capabilities(&self) -> TransportCapabilities;

    /// The historical bytes of the card's ATR (contact, PC/SC) or ATS (contactless: Android
    /// `IsoDep.getHistoricalBytes`, iOS `NFCISO7816Tag.historicalBytes`), when the platform
    /// exposes them. Their card capabilities are the hint a reader uses for extended length
    /// when the chip has no EF.ATR/INFO. Not authenticated: they can only choose an encoding.
    fn historical_bytes(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Forwards every method to the transport behind a pointer, so that a `Box<dyn CardTransport>`
/// or a `&mut` borrow of one is a transport too.
macro_rules! forward_transport {
    ($($pointer:ty),+) => {$(
        #[async_trait]
        impl<T: CardTransport + ?Sized> CardTransport for $pointer {
            async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
                (**self).transmit(command).await
            }

            fn capabilities(&self) -> TransportCapabilities {
                (**self).capabilities()
            }

            fn historical_bytes(&self) -> Option<Vec<u8>> {
                (**self).historical_bytes()
            }
        }
    )+};
}

forward_transport!(Box<T>, &mut T);
