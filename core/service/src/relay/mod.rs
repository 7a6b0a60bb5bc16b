//! Relay mode of the passport step-up: the service runs the whole ICAO 9303 read itself —
//! access control (PACE, or BAC for chips without it) with the key it derives from the
//! document's MRZ data or CAN, secure messaging, Chip Authentication, Active Authentication
//! over a challenge it draws, passive authentication against its own trust store at its own
//! time — over a [`tapid_card::CardTransport`] whose APDUs the app relays between the chip and
//! the service. The phone never holds a session key, so every check is the service's own (a
//! chip proved by Chip Authentication here is `valid`, not "proved on the device").
//!
//! # Endpoints (HTTP long-poll: each call is answered with the service's next step)
//!
//! A read is strictly one command, one answer, so a call per APDU carries it without a second
//! protocol: the same TLS, JSON bodies, app-token authentication and error codes as every
//! other app call, through any HTTP proxy, and no WebSocket dependency on either side. Each
//! call costs the service one store read (the order must still be open).
//!
//! * `POST /app/v1/relay/start` ([`tapid_identity::service_api::RelayStartRequest`]): the app
//!   token of the pickup, the access key as the app's MRZ scan or the user got it, what the
//!   phone's link carries, and a device-key signature over
//!   [`tapid_identity::service_api::relay_start_payload`]. Answers a
//!   [`tapid_identity::service_api::RelayStep`] with the relay id and the first command APDU.
//! * `POST /app/v1/relay/exchange` ([`tapid_identity::service_api::RelayExchangeRequest`]):
//!   the app token, the relay id and the chip's answer to the last command (none when the
//!   card left the field). Answers the next command, or — when the read is over — the
//!   step-up's outcome, recorded on the order exactly as evidence mode records it (the same
//!   [`crate::stepup::decide`], the same `stepUp.mrtd`, the same refusal reasons;
//!   `stepUpDetails.mode` is `relay`).
//!
//! * `POST /app/v1/renewal/relay/start` and `/app/v1/renewal/relay/exchange`: the same for a
//!   remote renewal's step-up, with the renewal's app token and challenge; the read is matched
//!   against the holder of the identity being replaced and recorded on the renewal as its
//!   evidence-mode step-up is.
//!
//! A relay ends with a typed error (`relayAccessDenied`, `relayTimedOut`, `relayCardLost`,
//! `relayFailed`, `relayLost`, `relayBusy`) and the order stays pending: the app may start a
//! new relay. Only a completed read changes the order.
//!
//! # Bounds
//!
//! [`crate::config::RelayLimits`]: the time the service waits for the phone's answer to one
//! command (5 s) and for the whole read (60 s), the number of commands per read, the APDU
//! sizes (the phone's announced capabilities, clamped), and the relays per instance. The
//! service clock decides what a late phone is told; the runtime's timers bound the resources
//! (a driver whose phone went away ends by itself, its session is reaped).
//!
//! # Where a relay lives
//!
//! The in-flight read (the session keys) necessarily lives in the memory of the instance that
//! runs it: a relay is pinned to that instance, and the app keeps talking to the same base URL
//! for the whole relay. A lost or restarted instance, or a call that reaches another instance,
//! fails the relay with `relayLost`; the order stays pending in the store and the app starts
//! a new relay (on any instance). Nothing else relies on process memory: the order's state and
//! the step-up's result are in the store.

mod driver;
pub mod handlers;
mod registry;
mod transport;

pub use registry::Relays;

use tapid_identity::service_api::AppErrorCode as Code;

use crate::api::error::ApiError;

/// Why a relay ended without a result. No variant carries APDU data or key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelayFailure {
    /// The chip refused the access key.
    #[error("the chip refused the access key")]
    AccessDenied,
    /// The phone did not answer in time, or the read took too long.
    #[error("the relay timed out")]
    TimedOut,
    /// The phone reported that the card left the field.
    #[error("the card left the field")]
    CardLost,
    /// The read needed more commands than a relay may send.
    #[error("the read needed more exchanges than allowed")]
    TooManyExchanges,
    /// A relayed response was larger than the relay's bound.
    #[error("a relayed response is larger than allowed")]
    ResponseTooLarge,
    /// The relay is not known here (ended, reaped, another instance's, or lost with a
    /// restart).
    #[error("no such relay on this instance")]
    Lost,
    /// No room for another relay, or another call of this relay is in progress.
    #[error("the relay or the instance is busy")]
    Busy,
    /// The read failed; the reader's error code (`ReadError::code`).
    #[error("the read failed: {0}")]
    Read(&'static str),
}

impl From<RelayFailure> for ApiError {
    fn from(f: RelayFailure) -> Self {
        match f {
            RelayFailure::AccessDenied => {
                ApiError::app(Code::RelayAccessDenied, "The chip refused the access key")
            }
            RelayFailure::TimedOut => ApiError::app(Code::RelayTimedOut, "The relay timed out"),
            RelayFailure::CardLost => ApiError::app(Code::RelayCardLost, "The card left the field"),
            RelayFailure::TooManyExchanges => ApiError::app(
                Code::RelayFailed,
                "The read needed more exchanges than allowed",
            ),
            RelayFailure::ResponseTooLarge => ApiError::app(
                Code::RelayFailed,
                "A relayed response is larger than allowed",
            ),
            RelayFailure::Lost => ApiError::app(
                Code::RelayLost,
                "No such relay on this instance; start a new relay",
            ),
            RelayFailure::Busy => ApiError::app(Code::RelayBusy, "The relay is busy; try again"),
            // The reader's code (`sm_bad_mac`, `chip_status`, …) is a fixed text, no data.
            RelayFailure::Read(code) => ApiError::app(Code::RelayFailed, code),
        }
    }
}
