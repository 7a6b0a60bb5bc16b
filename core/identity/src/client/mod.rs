//! The app's client for tapid's identity service: HTTPS with rustls ([`Https`]) and the app
//! API's steps ([`AppClient`]) — enrol, pick up by QR frame or autostart token, send the
//! passport evidence or relay the chip to the service's own read ([`AppClient::relay_read`]),
//! approve or decline, poll and pick up pushes, renew remotely — each signed with the device
//! key in a [`tapid_keystore::KeyStore`].

mod app;
mod https;
mod push;
mod relay;
mod renewal;

pub use app::{AppClient, PickedUp};
pub use https::{Https, certificates};
pub use relay::{CALL_TIMEOUT, MAX_EXCHANGES};
pub use renewal::RenewalStarted;

/// What can go wrong talking to the service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The service URL is not `https://host:port`.
    #[error("the service URL must be https://host:port")]
    Url,
    /// TLS setup or handshake failed.
    #[error("TLS: {0}")]
    Tls(String),
    /// The connection failed.
    #[error("connection: {0}")]
    Transport(String),
    /// The service answered with an error.
    #[error("the service answered {status} {error_code}: {details}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The `errorCode`.
        error_code: String,
        /// The `details`.
        details: String,
    },
    /// The answer is not the expected JSON.
    #[error("the service's answer does not decode")]
    Decode,
    /// The key store refused (wrong security code, key missing, …), as it said.
    #[error("key store: {0}")]
    KeyStore(tapid_keystore::KeyStoreError),
    /// The step needs an enrolled identity and this client acts for none yet.
    #[error("no identity enrolled in this client")]
    NotEnrolled,
    /// The service's CA certificate is neither PEM nor one DER certificate.
    #[error("the CA certificate is neither PEM nor DER")]
    Certificate,
}

impl ClientError {
    /// The service's `errorCode`, when it answered with one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api { error_code, .. } => Some(error_code),
            _ => None,
        }
    }
}
