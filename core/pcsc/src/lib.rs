//! PC/SC card readers as a [`tapid_card::CardTransport`]: desktop NFC readers, and in CI the
//! emulated chip on pcscd's vpcd virtual reader.
//!
//! - [`readers`]: list readers with their card state, pick one by index or name, wait for a card;
//! - [`PcscTransport`] / [`open_reader`]: connect (shared, T=1 or T=0), transmit with buffers
//!   sized for extended length when the card advertises it (or the caller says so), reconnect
//!   after a reset, disconnect;
//! - [`atr`]: ATR parsing, including the card capabilities that advertise extended length.
//!
//! PC/SC exists on desktops only: on Android and iOS this crate holds just [`atr`] (the phone's
//! NFC stack is reached through the FFI layer instead).
#![forbid(unsafe_code)]

pub mod atr;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod error;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod readers;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod transport;

#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub use error::PcscError;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub use readers::ReaderInfo;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub use transport::{ExtendedLength, OpenOptions, PcscTransport, open_reader};
