//! ISO/IEC 7816-4 building blocks shared by every tapid reader and the emulator:
//! command/response APDUs (short and extended), status words, BER-TLV, the async
//! [`CardTransport`] seam, and recording/replay transports over JSONL transcripts.
#![forbid(unsafe_code)]

pub mod apdu;
#[cfg(feature = "deterministic-rng")]
pub mod deterministic;
pub mod historical;
pub mod status;
pub mod tlv;
pub mod transcript;
pub mod transport;

pub use apdu::{ApduError, CommandApdu, Encoding, ResponseApdu};
pub use status::{StatusClass, StatusWord};
pub use tlv::{Tag, Tlv, TlvError};
pub use transport::{CardTransport, TransportCapabilities, TransportError};
