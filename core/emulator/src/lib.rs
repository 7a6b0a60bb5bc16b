//! A software eMRTD chip.
#![forbid(unsafe_code)]

pub mod pki;
