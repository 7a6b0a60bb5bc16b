//! Errors of PC/SC readers and their mapping onto [`TransportError`].

use std::time::Duration;

use tapid_card::TransportError;

/// What went wrong talking to a PC/SC reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PcscError {
    /// The PC/SC service is not running (start pcscd, e.g. `scripts/pcscd.sh start`).
    #[error("the PC/SC service is not available (is pcscd running?)")]
    NoService,
    /// No reader is attached.
    #[error("no smart card readers are attached")]
    NoReaders,
    /// No reader matches the selector.
    #[error("no reader matches {selector:?} ({available} readers; see `tapid readers`)")]
    ReaderNotFound {
        /// The index or name fragment asked for.
        selector: String,
        /// How many readers there are.
        available: usize,
    },
    /// The selector matches several reader names.
    #[error("{selector:?} matches several readers: {}", .matches.join(", "))]
    AmbiguousReader {
        /// The name fragment asked for.
        selector: String,
        /// The names it matches.
        matches: Vec<String>,
    },
    /// A reader name PC/SC cannot take (it contains NUL).
    #[error("reader name contains a NUL byte")]
    InvalidReaderName,
    /// No card is on the reader.
    #[error("no card on the reader")]
    NoCard,
    /// No card arrived on the reader in time.
    #[error("no card arrived on {reader:?} within {waited:?}")]
    CardWaitTimeout {
        /// The reader waited on.
        reader: String,
        /// How long.
        waited: Duration,
    },
    /// The card left the reader.
    #[error("the card was removed")]
    CardRemoved,
    /// The reader delivered an answer without the two status bytes (a link that broke while
    /// the answer was on its way, e.g. vpcd when the emulated card disappears).
    #[error("the reader returned an answer without a status word")]
    IncompleteResponse,
    /// Another application reset the card: the card's session state is gone.
    #[error("the card was reset by another application")]
    CardReset,
    /// The card or reader did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// The command does not fit what the connection can carry.
    #[error("command of {len} bytes exceeds the {max}-byte limit of this connection")]
    CommandTooLong {
        /// Command length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The connection was closed.
    #[error("not connected to a card")]
    NotConnected,
    /// Any other PC/SC failure.
    #[error("PC/SC {operation}: {source}")]
    Pcsc {
        /// The call that failed (`connect`, `transmit`, …).
        operation: &'static str,
        /// What PC/SC said.
        #[source]
        source: pcsc::Error,
    },
    /// The blocking worker running a PC/SC call failed.
    #[error("the PC/SC worker thread failed")]
    Worker,
}

impl PcscError {
    /// Classifies a PC/SC error code from `operation`.
    pub fn from_pcsc(operation: &'static str, e: pcsc::Error) -> Self {
        use pcsc::Error as E;
        match e {
            E::NoService | E::ServiceStopped => Self::NoService,
            E::NoReadersAvailable => Self::NoReaders,
            E::NoSmartcard => Self::NoCard,
            E::RemovedCard | E::UnpoweredCard => Self::CardRemoved,
            E::ResetCard => Self::CardReset,
            E::Timeout | E::UnresponsiveCard => Self::Timeout,
            source => Self::Pcsc { operation, source },
        }
    }
}

impl From<PcscError> for TransportError {
    fn from(e: PcscError) -> Self {
        match e {
            // A reset by someone else ends the chip's session just like a removal.
            PcscError::CardRemoved | PcscError::CardReset => Self::LinkLost,
            PcscError::NoCard | PcscError::CardWaitTimeout { .. } => Self::NoCard,
            PcscError::Timeout => Self::Timeout,
            other => Self::Reader(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcsc_codes_map_onto_transport_errors() {
        let t = |e| TransportError::from(PcscError::from_pcsc("transmit", e));
        assert_eq!(t(pcsc::Error::RemovedCard), TransportError::LinkLost);
        assert_eq!(t(pcsc::Error::UnpoweredCard), TransportError::LinkLost);
        assert_eq!(t(pcsc::Error::ResetCard), TransportError::LinkLost);
        assert_eq!(t(pcsc::Error::Timeout), TransportError::Timeout);
        assert_eq!(t(pcsc::Error::UnresponsiveCard), TransportError::Timeout);
        assert_eq!(t(pcsc::Error::NoSmartcard), TransportError::NoCard);
        assert_eq!(
            t(pcsc::Error::SharingViolation),
            TransportError::Reader(
                "PC/SC transmit: The smart card cannot be accessed because of other \
                 connections outstanding"
                    .to_owned()
            )
        );
        assert_eq!(
            PcscError::from_pcsc("establish", pcsc::Error::NoService),
            PcscError::NoService
        );
    }
}
