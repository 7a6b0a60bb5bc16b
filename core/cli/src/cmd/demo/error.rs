//! Why a step of the demo failed: the party's own error, named by the step.

use tapid_identity::client::ClientError;

/// A failed step.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The in-process service (database, PKI, TLS, listener) could not be set up.
    #[error("service: {0}")]
    Service(String),
    /// A call to the service failed.
    #[error("{step}: {source}")]
    Api {
        /// What was being done.
        step: &'static str,
        /// The client's error (the service's errorCode when it answered one).
        source: ClientError,
    },
    /// The app's key store refused.
    #[error("key store: {0}")]
    KeyStore(#[from] tapid_keystore::KeyStoreError),
    /// The passport read failed.
    #[error("passport read: {0}")]
    Read(#[from] tapid_mrtd::reader::ReadError),
    /// An answer was not what the protocol promises.
    #[error("{0}")]
    Unexpected(String),
}

/// Names the step of a client error.
pub fn api(step: &'static str) -> impl Fn(ClientError) -> DemoError {
    move |source| DemoError::Api { step, source }
}
