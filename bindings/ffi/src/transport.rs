//! The platform's NFC link as the reader's card transport.
//!
//! [`NfcTransport`] is what the app implements (Android `IsoDep`, iOS `NFCISO7816Tag`,
//! `javax.smartcardio` on a desktop JVM) — or a Rust object hands over (the emulator). The
//! reader talks to the core's [`CardTransport`]; [`Adapter`] sits between: it bounds every
//! foreign call with a timeout (a foreign implementation that never completes cannot hang the
//! read), refuses to start an APDU once the call was cancelled, and counts the APDUs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use tapid_card::{CardTransport, TransportCapabilities as CoreCapabilities};

use crate::errors::TransportError;
use crate::runtime::Cancellation;

/// What the link can carry, as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransportCapabilities {
    /// The largest APDU (command or response, in bytes) the link carries: Android
    /// `IsoDep.getMaxTransceiveLength()`; 65 546 on iOS with extended length; 8 192 for
    /// OpenJDK's `javax.smartcardio` (its receive buffer).
    pub max_transceive_length: i32,
    /// Whether extended-length APDUs may be sent (Android
    /// `IsoDep.isExtendedLengthApduSupported()`; iOS: always).
    pub extended_length: bool,
    /// The historical bytes of the ATR/ATS (Android `IsoDep.getHistoricalBytes()`, iOS
    /// `NFCISO7816Tag.historicalBytes`), when the platform gives them: a hint for extended
    /// length when the chip has no EF.ATR/INFO.
    pub historical_bytes: Option<Vec<u8>>,
}

/// An ISO/IEC 7816 link to the chip, implemented by the platform.
///
/// Implementations must not block the calling thread: Android's adapter runs the blocking
/// `IsoDep.transceive` on `Dispatchers.IO`; iOS awaits `sendCommand`. Every call is bounded by
/// the reader's APDU timeout, and is cancelled (Kotlin job / Swift task cancelled) when the
/// read is.
#[uniffi::export(rust, foreign)]
#[async_trait]
pub trait NfcTransport: Send + Sync {
    /// Sends one command APDU and returns the full response: data ‖ SW1 ‖ SW2.
    async fn transceive(&self, apdu: Vec<u8>) -> Result<Vec<u8>, TransportError>;

    /// What the link can carry (asked once per read).
    async fn capabilities(&self) -> Result<TransportCapabilities, TransportError>;
}

/// The core's capabilities from the platform's (a zero or negative length is short APDUs).
pub(crate) fn core_capabilities(c: &TransportCapabilities) -> CoreCapabilities {
    let max = usize::try_from(c.max_transceive_length).unwrap_or(0);
    if max == 0 {
        return CoreCapabilities::SHORT;
    }
    let extended = c.extended_length && max > CoreCapabilities::SHORT.max_command_len;
    CoreCapabilities {
        extended_length: extended,
        max_command_len: max,
        max_response_len: max,
    }
}

/// The foreign transport as the core's [`CardTransport`], for one read.
pub(crate) struct Adapter {
    transport: Arc<dyn NfcTransport>,
    capabilities: CoreCapabilities,
    historical_bytes: Option<Vec<u8>>,
    timeout: Duration,
    cancellation: Arc<Cancellation>,
    apdus: Arc<AtomicU64>,
    /// The last failure the platform reported (the core keeps only its own error kinds).
    pub last_error: Option<TransportError>,
}

impl Adapter {
    /// Asks the transport for its capabilities (bounded by `timeout`) and wraps it.
    pub async fn open(
        transport: Arc<dyn NfcTransport>,
        timeout: Duration,
        cancellation: Arc<Cancellation>,
        apdus: Arc<AtomicU64>,
    ) -> Result<Self, TransportError> {
        let caps = match tokio::time::timeout(timeout, transport.capabilities()).await {
            Ok(c) => c?,
            Err(_) => return Err(TransportError::Timeout),
        };
        Ok(Self {
            capabilities: core_capabilities(&caps),
            historical_bytes: caps.historical_bytes,
            transport,
            timeout,
            cancellation,
            apdus,
            last_error: None,
        })
    }
}

fn to_core(e: &TransportError) -> tapid_card::TransportError {
    use tapid_card::TransportError as Core;
    match e {
        TransportError::TagLost => Core::LinkLost,
        TransportError::Timeout => Core::Timeout,
        other => Core::Reader(other.to_string()),
    }
}

#[async_trait]
impl CardTransport for Adapter {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, tapid_card::TransportError> {
        let transport = self.transport.clone();
        let apdu = command.to_vec();
        // The foreign call starts at the first poll of its future; it is polled under the
        // cancellation lock, so a cancel that has returned stops every later APDU.
        let mut call = transport.transceive(apdu);
        let first = self.cancellation.unless_cancelled(|| {
            let waker = futures_noop_waker();
            let mut cx = std::task::Context::from_waker(&waker);
            call.as_mut().poll(&mut cx)
        });
        let result = match first {
            None => Err(TransportError::Cancelled),
            Some(std::task::Poll::Ready(r)) => {
                self.apdus.fetch_add(1, Ordering::SeqCst);
                r
            }
            Some(std::task::Poll::Pending) => {
                self.apdus.fetch_add(1, Ordering::SeqCst);
                match tokio::time::timeout(self.timeout, call).await {
                    Ok(r) => r,
                    Err(_) => Err(TransportError::Timeout),
                }
            }
        };
        result.map_err(|e| {
            let core = to_core(&e);
            self.last_error = Some(e);
            core
        })
    }

    fn capabilities(&self) -> CoreCapabilities {
        self.capabilities
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.historical_bytes.clone()
    }
}

/// A waker for the first, synchronous poll: the real waker is registered by the next poll
/// (inside the timeout), which every pending future gets.
fn futures_noop_waker() -> std::task::Waker {
    std::task::Waker::noop().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openjdk_smartcardio_lengths_keep_extended_length_with_8k_blocks() {
        let c = core_capabilities(&TransportCapabilities {
            max_transceive_length: 8192,
            extended_length: true,
            historical_bytes: None,
        });
        assert!(c.extended_length);
        assert_eq!(c.max_response_len, 8192);
    }

    #[test]
    fn a_short_link_is_short() {
        let c = core_capabilities(&TransportCapabilities {
            max_transceive_length: 261,
            extended_length: true,
            historical_bytes: None,
        });
        assert!(!c.extended_length);
        assert_eq!(
            core_capabilities(&TransportCapabilities {
                max_transceive_length: -1,
                extended_length: true,
                historical_bytes: None,
            }),
            CoreCapabilities::SHORT
        );
    }
}
