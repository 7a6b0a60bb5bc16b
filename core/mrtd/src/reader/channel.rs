//! The command channel of a session: plain until access control succeeds, then secure
//! messaging. Picks short or extended encoding per command, counts APDUs and bytes for the
//! report, and tells authenticated answers from bare status words.

use tapid_card::{CardTransport, CommandApdu, Encoding, ResponseApdu, StatusWord};

use super::error::{ExtendedLengthMissing, ReadError};
use crate::secure_messaging::{LengthMode, SecureChannel, SmError, Unprotected};

/// Traffic figures for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrafficStats {
    /// Command APDUs sent.
    pub apdus: usize,
    /// Bytes sent (encoded commands).
    pub bytes_sent: usize,
    /// Bytes received (responses incl. status words).
    pub bytes_received: usize,
}

/// The chip's answer to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// No secure messaging yet (EF.CardAccess, BAC, PACE): the plain response.
    Plain(ResponseApdu),
    /// Under secure messaging, with a verified MAC: the chip holds the session keys.
    Authenticated(ResponseApdu),
    /// Under secure messaging, a bare status word: proves nothing (see [`Unprotected::Plain`]).
    Unauthenticated(StatusWord),
}

impl Answer {
    /// The status word.
    pub fn sw(&self) -> StatusWord {
        match self {
            Self::Plain(r) | Self::Authenticated(r) => r.sw,
            Self::Unauthenticated(sw) => *sw,
        }
    }

    /// The response data (none for a bare status word).
    pub fn data(&self) -> &[u8] {
        match self {
            Self::Plain(r) | Self::Authenticated(r) => &r.data,
            Self::Unauthenticated(_) => &[],
        }
    }

    /// The data, taken out of the answer.
    pub fn into_data(self) -> Vec<u8> {
        match self {
            Self::Plain(r) | Self::Authenticated(r) => r.data,
            Self::Unauthenticated(_) => Vec::new(),
        }
    }

    /// The answer as a response APDU (status word only for a bare status word).
    pub fn response(&self) -> ResponseApdu {
        match self {
            Self::Plain(r) | Self::Authenticated(r) => r.clone(),
            Self::Unauthenticated(sw) => ResponseApdu::status(*sw),
        }
    }
}

/// Whether extended-length encoding may be used, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedLength {
    /// The transport can carry it and the chip says it takes it.
    Available,
    /// It may not be used.
    Unavailable(ExtendedLengthMissing),
}

/// A transport plus the optional secure channel on top.
pub struct Channel<'t, T: CardTransport + ?Sized> {
    transport: &'t mut T,
    sm: Option<SecureChannel>,
    stats: TrafficStats,
    extended: ExtendedLength,
    /// Incremented whenever new session keys take over (access control, Chip Authentication).
    keys: u32,
    /// Whether an answer authenticated under the current keys has arrived.
    authenticated: bool,
}

impl<'t, T: CardTransport + ?Sized> Channel<'t, T> {
    /// A plain channel over `transport`; extended length stays off until
    /// [`Channel::set_extended_length`] says otherwise.
    pub fn new(transport: &'t mut T) -> Self {
        Self {
            transport,
            sm: None,
            stats: TrafficStats::default(),
            extended: ExtendedLength::Unavailable(ExtendedLengthMissing::Chip),
            keys: 0,
            authenticated: false,
        }
    }

    /// The transport underneath (its capabilities and historical bytes).
    pub fn transport(&self) -> &T {
        self.transport
    }

    /// Traffic so far.
    pub fn stats(&self) -> TrafficStats {
        self.stats
    }

    /// Whether commands that need extended length may use it.
    pub fn set_extended_length(&mut self, extended: ExtendedLength) {
        self.extended = extended;
    }

    /// Whether extended length may be used.
    pub fn extended_length(&self) -> ExtendedLength {
        self.extended
    }

    /// Switches to secure messaging with new keys (after BAC, PACE, or Chip Authentication).
    pub fn start_secure_messaging(&mut self, sm: SecureChannel) {
        self.sm = Some(sm);
        self.keys = self.keys.wrapping_add(1);
        self.authenticated = false;
    }

    /// Which keys are in use: a number that changes whenever new keys take over.
    pub fn keys(&self) -> u32 {
        self.keys
    }

    /// Whether the chip has answered authenticated under the keys numbered `keys`
    /// (see [`Channel::keys`]).
    pub fn authenticated_under(&self, keys: u32) -> bool {
        self.keys == keys && self.authenticated
    }

    /// Whether secure messaging is up and usable (a channel closed by an error or by the
    /// chip's `6987`/`6988` is not).
    pub fn secure_messaging_usable(&self) -> bool {
        self.sm.as_ref().is_some_and(|sm| !sm.is_closed())
    }

    async fn raw(&mut self, bytes: &[u8]) -> Result<ResponseApdu, ReadError> {
        self.stats.apdus += 1;
        self.stats.bytes_sent += bytes.len();
        let resp = self.transport.transmit(bytes).await?;
        self.stats.bytes_received += resp.len();
        ResponseApdu::parse(&resp).map_err(|_| ReadError::ResponseTooShort {
            command: command_name(bytes.get(1).copied().unwrap_or(0)),
        })
    }

    /// The encoding for a command whose (protected) data field has `data_len` bytes and which
    /// expects up to `ne` response bytes.
    fn encoding(&self, ins: u8, data_len: usize, ne: Option<usize>) -> Result<Encoding, ReadError> {
        if data_len <= 255 && ne.is_none_or(|n| n <= 256) {
            return Ok(Encoding::Short);
        }
        match self.extended {
            ExtendedLength::Available => Ok(Encoding::Extended),
            ExtendedLength::Unavailable(missing) => Err(ReadError::ExtendedLengthRequired {
                command: command_name(ins),
                missing,
            }),
        }
    }

    /// Sends `cmd`, protected when secure messaging is on, in short encoding when it fits and
    /// in extended encoding otherwise (an error when that is unavailable).
    pub async fn exchange(&mut self, cmd: &CommandApdu) -> Result<Answer, ReadError> {
        let data_len = match &self.sm {
            Some(sm) => sm.protected_data_len(cmd),
            None => cmd.data.len(),
        };
        let encoding = self.encoding(cmd.ins, data_len, cmd.ne)?;
        // A command that asks for "up to 256" (the short maximum) and must travel extended
        // asks for the extended maximum: its answer (a DH-2048 key, say) may be longer.
        let promoted;
        let cmd = if encoding == Encoding::Extended && cmd.ne == Some(256) {
            promoted = CommandApdu {
                ne: Some(65_536),
                ..cmd.clone()
            };
            &promoted
        } else {
            cmd
        };
        let too_long = |_| ReadError::CommandTooLong {
            command: command_name(cmd.ins),
        };
        let Some(sm) = self.sm.as_mut() else {
            let bytes = cmd.encode(encoding).map_err(too_long)?;
            return Ok(Answer::Plain(self.raw(&bytes).await?));
        };
        let mode = match encoding {
            Encoding::Short => LengthMode::Short,
            _ => LengthMode::Extended,
        };
        let bytes = sm
            .protect_command(cmd, mode)?
            .encode(encoding)
            .map_err(too_long)?;
        let raw = self.raw(&bytes).await?;
        let sm = self
            .sm
            .as_mut()
            .ok_or(ReadError::SecureMessaging(SmError::Closed))?;
        Ok(match sm.unprotect_response(&raw)? {
            Unprotected::Authenticated(r) => {
                self.authenticated = true;
                Answer::Authenticated(r)
            }
            Unprotected::Plain(sw) => Answer::Unauthenticated(sw),
        })
    }
}

/// The name of a command by its instruction byte, for errors.
pub fn command_name(ins: u8) -> &'static str {
    match ins {
        0xA4 => "SELECT",
        0xB0 | 0xB1 => "READ BINARY",
        0x84 => "GET CHALLENGE",
        0x82 => "EXTERNAL AUTHENTICATE",
        0x88 => "INTERNAL AUTHENTICATE",
        0x22 => "MANAGE SECURITY ENVIRONMENT",
        0x86 | 0x87 => "GENERAL AUTHENTICATE",
        _ => "command",
    }
}
