//! ICAO Doc 9303 eMRTD terminal side: MRZ and access keys, BAC, PACE, secure messaging,
//! LDS files, chip/active authentication and passive authentication.
//!
//! Protocol logic is pure over bytes; the [`reader`] session drives it over a
//! [`tapid_card::CardTransport`].
//!
//! Feature `face-image` (off by default) adds the module `face_image`: decoding the DG2 face (JPEG,
//! JPEG 2000, PNG) and exporting it as PNG, with the `image`, `hayro-jpeg2000` and `png` codecs;
//! `face-jpeg2000` is the same module for JPEG 2000 only (the mobile library's size). Parsing
//! DG2 and its raw image bytes needs neither.
//!
//! Errors: each operation returns its own module error, and each of those converts into the
//! crate's boundary [`Error`] (see [`error`]). Check outcomes are verdicts in the report.
#![forbid(unsafe_code)]

pub mod active_authentication;
pub mod bac;
pub mod chip_authentication;
pub mod crypto;
pub mod error;
#[cfg(feature = "face-jpeg2000")]
pub mod face_image;
pub mod kdf;
pub mod lds;
pub mod mrz;
pub mod oid;
pub mod pa;
pub mod pace;
pub mod reader;
pub mod secure_messaging;
pub mod security_infos;
pub mod symmetric;

pub use error::Error;
