//! Identity-app flows in the style of Sweden's BankID app, pure and I/O-free:
//! animated QR payloads, autostart launch URLs, the RP API v6 order model and its user
//! messages (RFA1–RFA23, Swedish and English), matching the identity holder against passport
//! data, push approval with an offline OCRA code, and the platform support policy.
//!
//! Time and randomness are always parameters, so every flow is deterministic under test.
#![forbid(unsafe_code)]

pub mod approval;
pub mod autostart;
#[cfg(feature = "client")]
pub mod client;
pub mod date;
pub mod error;
pub mod holder_match;
pub mod messages;
pub mod offline_code;
pub mod order;
pub mod otp;
pub mod personal_number;
pub mod platform;
pub mod qr;
pub mod service_api;
pub mod transliteration;

pub use error::{Error, Result};
