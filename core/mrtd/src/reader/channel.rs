//! The command channel of a session: plain until access control succeeds, then secure
//! messaging. Counts APDUs and bytes for the report, and picks short or extended encoding.

use tapid_card::{CardTransport, CommandApdu, Encoding, ResponseApdu, TransportCapabilities};

use super::error::ReadError;
use crate::secure_messaging::{LengthMode, SecureChannel};

/// Traffic figures for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TrafficStats {
    /// Command APDUs sent.
    pub apdus: usize,
    /// Bytes sent (encoded commands).
    pub bytes_sent: usize,
    /// Bytes received (responses incl. status words).
    pub bytes_received: usize,
}

/// A transport plus the optional secure channel on top.
pub struct Channel<'t, T: CardTransport + ?Sized> {
    transport: &'t mut T,
    sm: Option<SecureChannel>,
    stats: TrafficStats,
    caps: TransportCapabilities,
}

impl<'t, T: CardTransport + ?Sized> Channel<'t, T> {
    /// A plain channel over `transport`.
    pub fn new(transport: &'t mut T) -> Self {
        let caps = transport.capabilities();
        Self {
            transport,
            sm: None,
            stats: TrafficStats::default(),
            caps,
        }
    }

    /// What the transport can carry.
    pub fn capabilities(&self) -> TransportCapabilities {
        self.caps
    }

    /// Traffic so far.
    pub fn stats(&self) -> TrafficStats {
        self.stats
    }

    /// Switches to secure messaging (after BAC, PACE, or CA with new keys).
    pub fn start_secure_messaging(&mut self, sm: SecureChannel) {
        self.sm = Some(sm);
    }

    /// The active secure channel, if any.
    pub fn secure_channel(&self) -> Option<&SecureChannel> {
        self.sm.as_ref()
    }

    async fn raw(&mut self, bytes: &[u8]) -> Result<ResponseApdu, ReadError> {
        self.stats.apdus += 1;
        self.stats.bytes_sent += bytes.len();
        let resp = self.transport.transmit(bytes).await?;
        self.stats.bytes_received += resp.len();
        ResponseApdu::parse(&resp).map_err(|_| ReadError::MalformedResponse { command: "APDU" })
    }

    /// Sends `cmd`, protected when secure messaging is on; `extended` asks for extended
    /// length encoding (the caller checked the transport supports it).
    pub async fn exchange(
        &mut self,
        cmd: &CommandApdu,
        extended: bool,
    ) -> Result<ResponseApdu, ReadError> {
        let encoding = if extended {
            Encoding::Extended
        } else {
            Encoding::Short
        };
        match self.sm.as_mut() {
            None => {
                let bytes = cmd
                    .encode(encoding)
                    .map_err(|_| ReadError::MalformedResponse { command: "encode" })?;
                self.raw(&bytes).await
            }
            Some(sm) => {
                let mode = if extended {
                    LengthMode::Extended
                } else {
                    LengthMode::Short
                };
                let protected = sm.protect_command(cmd, mode)?;
                let bytes = protected
                    .encode(encoding)
                    .map_err(|_| ReadError::MalformedResponse { command: "encode" })?;
                let raw = self.raw(&bytes).await?;
                let sm = self
                    .sm
                    .as_mut()
                    .ok_or(ReadError::MalformedResponse { command: "sm" })?;
                Ok(sm.unprotect_response(&raw)?)
            }
        }
    }
}
