//! ICAO Doc 9303 eMRTD terminal side: MRZ and access keys, BAC, PACE, secure messaging,
//! LDS files, chip/active authentication and passive authentication.
//!
//! Protocol logic is pure over bytes; the [`reader`] session drives it over a
//! [`tapid_card::CardTransport`].
#![forbid(unsafe_code)]

pub mod active_authentication;
pub mod bac;
pub mod chip_authentication;
pub mod crypto;
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
