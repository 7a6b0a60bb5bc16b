//! tapid for Kotlin (Android) and Swift (iOS), through UniFFI: the only crate of the workspace
//! that depends on `uniffi`. It wraps the core's results and adapts the platform's callbacks
//! to the core's seams; it decides nothing itself.
//!
//! * Passport reading: [`PassportReader`] over a platform [`NfcTransport`] (async foreign
//!   trait), an [`AccessKey`] (MRZ fields, OCR'd MRZ text with check-digit-guided repair, or the
//!   CAN), [`ReadOptions`], a [`TrustStore`]; progress through a [`ProgressListener`];
//!   cancellation through the caller (Kotlin) or a [`CancelHandle`] (both); resumable after a
//!   lost tag. The result, [`PassportRead`], is the core's verified read: the report and the
//!   evidence bundle as mirror records ([`mirror`]), the evidence's canonical bytes, the face
//!   (with a PNG for JPEG 2000).
//! * Device keys: [`DeviceKeys`] over a [`PlatformKeyStore`] (foreign) or the core's software
//!   store; sealing of small secrets; [`verify_signature`].
//! * Identity flows: QR, autostart, user messages, the holder match, the offline code.
//! * The identity service: [`ServiceClient`] enrols the device key, picks up orders (QR frame
//!   or autostart token), relays the passport step-up to the service's own read over the
//!   platform's [`NfcTransport`] (progress through a [`RelayListener`]), approves or declines,
//!   and renews remotely; errors keep the service's `errorCode` ([`ServiceError`]).
//! * Feature `testing`: the software passport ([`emulator`]); the round trip of one APDU
//!   through a transport, measured on the Rust side ([`bench`]).
//!
//! Runtime: one FFI-owned multi-thread tokio runtime ([`runtime`]); exported futures abort
//! their task when dropped. Errors: a few enums mapped in one place ([`errors`]). Logging: a
//! hook the app routes to Logcat/OSLog ([`set_log_sink`]) that never carries personal data.

uniffi::setup_scaffolding!();

#[cfg(feature = "testing")]
pub mod bench;
#[cfg(feature = "testing")]
pub mod emulator;
pub mod errors;
pub mod identity;
pub mod keys;
pub mod log;
pub mod mirror;
pub mod mrz;
pub mod progress;
pub mod reader;
pub mod runtime;
pub mod service;
pub mod transport;
pub mod trust;

#[cfg(feature = "testing")]
pub use errors::BenchError;
pub use errors::{
    CallbackError, IdentityError, InputError, KeyError, MrzFieldName, ReadError, ServiceError,
    TransportError,
};
pub use keys::{DeviceKeys, PlatformKeyStore, verify_signature};
pub use log::{LogLevel, LogSink, set_log_sink};
pub use mrz::{AccessKey, scan_mrz};
pub use progress::{Language, ProgressListener, ReadProgress, ReadStep};
pub use reader::{CancelHandle, PassportRead, PassportReader, ReadOptions};
pub use service::{RelayListener, ServiceClient};
pub use transport::{NfcTransport, TransportCapabilities};
pub use trust::TrustStore;

/// The library's version (the workspace version), for the app's about screen and bug reports.
#[uniffi::export]
pub fn tapid_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Whether this build carries the software passport (feature `testing`). Release apps check
/// it is false.
#[uniffi::export]
pub fn has_emulator() -> bool {
    cfg!(feature = "testing")
}
