//! [`PcscTransport`]: a card on a PC/SC reader as a [`CardTransport`].
//!
//! Connections are shared (other applications may use the reader between our exchanges) and
//! accept T=1 or T=0 (contactless readers report T=1). Every PC/SC call runs on Tokio's blocking
//! pool, never on an async worker thread.
//!
//! ## Extended length
//!
//! PC/SC has no portable way to ask a reader whether it passes extended APDUs (CCID's
//! `SCARD_ATTR_MAXINPUT` is a message size, not a promise, and vpcd reports nothing), so the
//! decision follows the card, as on a phone: with [`ExtendedLength::Auto`] the connection uses
//! extended length when the ATR's card capabilities set "extended Lc and Le fields" (ISO/IEC
//! 7816-4 §8.1.1.2.7; [`crate::atr`]), and short APDUs otherwise. Callers that know their
//! reader better override it with [`ExtendedLength::On`] or [`ExtendedLength::Off`]. The
//! receive buffer is sized accordingly (`MAX_BUFFER_SIZE_EXTENDED` or `MAX_BUFFER_SIZE`).

use std::ffi::CString;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use pcsc::{Card, Disposition, Protocol, Protocols, ShareMode, Status};
use tapid_card::{CardTransport, TransportCapabilities, TransportError};

use crate::atr::Atr;
use crate::error::PcscError;
use crate::readers;

/// How long [`open_reader`] waits for a card to be placed on the reader.
pub const DEFAULT_CARD_WAIT: Duration = Duration::from_secs(30);

/// Whether a connection uses extended-length APDUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExtendedLength {
    /// When the card's ATR advertises extended Lc/Le fields.
    #[default]
    Auto,
    /// Always (the caller knows reader and card pass them).
    On,
    /// Never.
    Off,
}

/// How to open a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long to wait for a card when none is on the reader (zero: fail at once).
    pub card_wait: Duration,
    /// Extended-length policy.
    pub extended_length: ExtendedLength,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            card_wait: DEFAULT_CARD_WAIT,
            extended_length: ExtendedLength::Auto,
        }
    }
}

/// What a connection with this ATR and policy can carry.
pub fn capabilities_for(atr: &[u8], policy: ExtendedLength) -> TransportCapabilities {
    let extended = match policy {
        ExtendedLength::On => true,
        ExtendedLength::Off => false,
        ExtendedLength::Auto => Atr::parse(atr)
            .ok()
            .and_then(|a| a.extended_length())
            .unwrap_or(false),
    };
    if extended {
        TransportCapabilities::EXTENDED
    } else {
        TransportCapabilities::SHORT
    }
}

// The receive buffers hold the largest responses the capabilities promise.
const _: () =
    assert!(pcsc::MAX_BUFFER_SIZE_EXTENDED >= TransportCapabilities::EXTENDED.max_response_len);
const _: () = assert!(pcsc::MAX_BUFFER_SIZE >= TransportCapabilities::SHORT.max_response_len);

/// A card on a PC/SC reader.
pub struct PcscTransport {
    card: Arc<Mutex<Card>>,
    reader: String,
    atr: Vec<u8>,
    protocol: Option<Protocol>,
    policy: ExtendedLength,
    caps: TransportCapabilities,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .field("protocol", &self.protocol)
            .field("capabilities", &self.caps)
            .finish_non_exhaustive()
    }
}

/// Opens the reader chosen by `selector` (an index from `tapid readers`, or a unique
/// case-insensitive fragment of its name), waiting up to [`DEFAULT_CARD_WAIT`] for a card,
/// with extended length decided from the card's ATR.
pub async fn open_reader(selector: &str) -> Result<PcscTransport, PcscError> {
    PcscTransport::open(selector, OpenOptions::default()).await
}

async fn blocking<T, F>(f: F) -> Result<T, PcscError>
where
    F: FnOnce() -> Result<T, PcscError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| PcscError::Worker)?
}

fn card_status(card: &Card) -> Result<(Vec<u8>, Option<Protocol>), PcscError> {
    let st = card
        .status2_owned()
        .map_err(|e| PcscError::from_pcsc("status", e))?;
    Ok((st.atr().to_vec(), st.protocol2()))
}

/// How long a failed exchange waits for PC/SC to notice that the card left: pcscd polls the
/// reader for presence (every 400 ms for drivers without card-event notification).
const REMOVAL_GRACE: Duration = Duration::from_millis(1200);
const REMOVAL_POLL: Duration = Duration::from_millis(100);

/// Whether PC/SC now sees the card as gone.
fn card_gone(card: &Card) -> bool {
    match card.status2_owned() {
        Err(pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard | pcsc::Error::UnpoweredCard) => {
            true
        }
        Ok(st) => st.status().contains(Status::ABSENT),
        Err(_) => false,
    }
}

/// A transmit error, with "the card is gone" recognised behind the driver's generic codes: a
/// card leaving mid-exchange first shows as a failed transaction (`SCARD_E_NOT_TRANSACTED`,
/// a communication error) and only a presence poll later as a removal.
fn classify_transmit(card: &Card, e: pcsc::Error) -> PcscError {
    let err = PcscError::from_pcsc("transmit", e);
    let link_failure = matches!(
        e,
        pcsc::Error::NotTransacted | pcsc::Error::CommError | pcsc::Error::CommDataLost
    );
    if !link_failure {
        return err;
    }
    removed_or(card, err)
}

/// `CardRemoved` if the card turns out to be gone within the grace period, else `err`.
fn removed_or(card: &Card, err: PcscError) -> PcscError {
    let deadline = std::time::Instant::now() + REMOVAL_GRACE;
    loop {
        if card_gone(card) {
            return PcscError::CardRemoved;
        }
        if std::time::Instant::now() >= deadline {
            return err;
        }
        std::thread::sleep(REMOVAL_POLL);
    }
}

impl PcscTransport {
    /// Opens a reader (see [`open_reader`]) with explicit options.
    pub async fn open(selector: &str, options: OpenOptions) -> Result<Self, PcscError> {
        let selector = selector.to_owned();
        let (card, reader, atr, protocol) = blocking(move || {
            let ctx = readers::establish()?;
            let names = readers::reader_names(&ctx)?;
            let index = readers::select(&selector, &names)?;
            let reader = names.get(index).cloned().ok_or(PcscError::NoReaders)?;
            readers::wait_for_card(&ctx, &reader, options.card_wait)?;
            let cname = CString::new(reader.as_str()).map_err(|_| PcscError::InvalidReaderName)?;
            let card = ctx
                .connect(&cname, ShareMode::Shared, Protocols::T0 | Protocols::T1)
                .map_err(|e| PcscError::from_pcsc("connect", e))?;
            let (atr, protocol) = card_status(&card)?;
            Ok((card, reader, atr, protocol))
        })
        .await?;
        let caps = capabilities_for(&atr, options.extended_length);
        Ok(Self {
            card: Arc::new(Mutex::new(card)),
            reader,
            atr,
            protocol,
            policy: options.extended_length,
            caps,
        })
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's ATR as the reader reports it.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// The protocol in use (`T1` for contactless cards).
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocol
    }

    /// Power-cycles the card and connects again (after a reset by another application, a
    /// [`TransportError::LinkLost`], or to start a fresh chip session). Re-reads the ATR and
    /// the capabilities.
    pub async fn reconnect(&mut self) -> Result<(), PcscError> {
        let card = Arc::clone(&self.card);
        let (atr, protocol) = blocking(move || {
            let mut card = card.lock().map_err(|_| PcscError::Worker)?;
            card.reconnect(
                ShareMode::Shared,
                Protocols::T0 | Protocols::T1,
                Disposition::ResetCard,
            )
            .map_err(|e| PcscError::from_pcsc("reconnect", e))?;
            card_status(&card)
        })
        .await?;
        self.caps = capabilities_for(&atr, self.policy);
        self.atr = atr;
        self.protocol = protocol;
        Ok(())
    }

    /// Disconnects, resetting the card so that no access rights outlive the session.
    pub async fn disconnect(self) -> Result<(), PcscError> {
        let Ok(mutex) = Arc::try_unwrap(self.card) else {
            // A cancelled exchange still holds the card; it disconnects (with a reset)
            // when that worker finishes and drops it.
            return Ok(());
        };
        blocking(move || {
            let card = mutex.into_inner().map_err(|_| PcscError::Worker)?;
            card.disconnect(Disposition::ResetCard)
                .map_err(|(_, e)| PcscError::from_pcsc("disconnect", e))
        })
        .await
    }
}

#[async_trait]
impl CardTransport for PcscTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if command.len() > self.caps.max_command_len {
            return Err(PcscError::CommandTooLong {
                len: command.len(),
                max: self.caps.max_command_len,
            }
            .into());
        }
        let card = Arc::clone(&self.card);
        let command = command.to_vec();
        let receive_len = if self.caps.extended_length {
            pcsc::MAX_BUFFER_SIZE_EXTENDED
        } else {
            pcsc::MAX_BUFFER_SIZE
        };
        blocking(move || {
            let card = card.lock().map_err(|_| PcscError::Worker)?;
            let mut buffer = vec![0u8; receive_len];
            match card.transmit(&command, &mut buffer) {
                Ok(response) if response.len() < 2 => {
                    Err(removed_or(&card, PcscError::IncompleteResponse))
                }
                Ok(response) => Ok(response.to_vec()),
                Err(e) => Err(classify_transmit(&card, e)),
            }
        })
        .await
        .map_err(TransportError::from)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.caps
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        Atr::parse(&self.atr).ok().map(|a| a.historical().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXT_ATR: [u8; 10] = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x94, 0x21, 0x40, 0x02];
    const SHORT_ATR: [u8; 10] = [0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x94, 0x21, 0x00, 0x42];
    const DESFIRE_ATR: [u8; 6] = [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80];

    #[test]
    fn extended_length_follows_the_atr_unless_overridden() {
        use ExtendedLength::*;
        assert_eq!(
            capabilities_for(&EXT_ATR, Auto),
            TransportCapabilities::EXTENDED
        );
        assert_eq!(
            capabilities_for(&SHORT_ATR, Auto),
            TransportCapabilities::SHORT
        );
        assert_eq!(
            capabilities_for(&DESFIRE_ATR, Auto),
            TransportCapabilities::SHORT
        );
        assert_eq!(
            capabilities_for(&[0x00], Auto),
            TransportCapabilities::SHORT
        );
        assert_eq!(
            capabilities_for(&SHORT_ATR, On),
            TransportCapabilities::EXTENDED
        );
        assert_eq!(
            capabilities_for(&EXT_ATR, Off),
            TransportCapabilities::SHORT
        );
    }
}
