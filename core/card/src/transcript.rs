//! Recording and replaying card sessions as JSONL transcripts.
//!
//! # Format (version 1)
//! One JSON object per line, in the order things happened:
//!
//! ```text
//! {"type":"header","format":"tapid-transcript","version":1,"capabilities":{…},"meta":{…}}
//! {"type":"random","hex":"781723860C06C226"}
//! {"type":"exchange","command":"0084000008","response":"4608F919887022129000"}
//! {"type":"exchange","command":"0CB0…","error":"link_lost"}
//! ```
//!
//! `random` lines are the terminal's random bytes in the order it drew them, so a replay
//! produces the same nonces and ephemeral keys and therefore the same protected APDUs byte for
//! byte. `meta` holds what the recorder chose to keep (tapid stores the read options and the
//! access key there, so a transcript is as sensitive as the passport data it contains).

use std::collections::BTreeMap;
#[cfg(feature = "deterministic-rng")]
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::transport::{CardTransport, TransportCapabilities, TransportError};

/// The `format` value of a transcript header.
pub const FORMAT: &str = "tapid-transcript";
/// The transcript format version written and understood.
pub const VERSION: u32 = 1;

/// Errors reading a transcript.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TranscriptError {
    /// A line is not valid JSON of the expected shape.
    #[error("transcript line {line}: {message}")]
    Syntax {
        /// One-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// The first line is not a header of a known format and version.
    #[error("not a tapid transcript (version {VERSION})")]
    BadHeader,
    /// Hex data could not be decoded.
    #[error("transcript line {0}: invalid hex")]
    Hex(usize),
}

/// The first line of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Capabilities of the transport that was recorded; replay reports the same.
    pub capabilities: TransportCapabilities,
    /// The card's historical bytes as the recorded transport reported them (upper-case hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical_bytes: Option<String>,
    /// Free-form information kept by the recorder.
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
}

/// One line of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The header line.
    Header(Header),
    /// Random bytes drawn by the terminal.
    Random {
        /// The bytes, upper-case hex.
        hex: String,
    },
    /// One command and its outcome.
    Exchange {
        /// The command APDU, upper-case hex.
        command: String,
        /// The response APDU, upper-case hex, when the link delivered one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response: Option<String>,
        /// The link error instead of a response (`link_lost`, `timeout`, `no_card`, `reader`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
}

fn error_code(e: &TransportError) -> &'static str {
    match e {
        TransportError::LinkLost => "link_lost",
        TransportError::Timeout => "timeout",
        TransportError::NoCard => "no_card",
        _ => "reader",
    }
}

fn error_from_code(code: &str) -> TransportError {
    match code {
        "link_lost" => TransportError::LinkLost,
        "timeout" => TransportError::Timeout,
        "no_card" => TransportError::NoCard,
        other => TransportError::Reader(format!("recorded error {other}")),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A shared, append-only log that recording transports and RNGs write into.
#[derive(Clone, Default)]
pub struct Recorder {
    events: Arc<Mutex<Vec<Event>>>,
}

impl Recorder {
    /// Starts a transcript for a transport with `capabilities`.
    pub fn new(capabilities: TransportCapabilities, meta: BTreeMap<String, String>) -> Self {
        let header = Header {
            format: FORMAT.into(),
            version: VERSION,
            capabilities,
            historical_bytes: None,
            meta,
        };
        Self {
            events: Arc::new(Mutex::new(vec![Event::Header(header)])),
        }
    }

    /// Adds or replaces a `meta` entry of the header.
    pub fn set_meta(&self, key: &str, value: &str) {
        if let Some(Event::Header(h)) = lock(&self.events).first_mut() {
            h.meta.insert(key.to_owned(), value.to_owned());
        }
    }

    fn push(&self, event: Event) {
        lock(&self.events).push(event);
    }

    /// The transcript as JSONL text.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in lock(&self.events).iter() {
            if let Ok(line) = serde_json::to_string(e) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// Wraps `transport` so every exchange is recorded.
    pub fn transport<T: CardTransport>(&self, transport: T) -> RecordingTransport<T> {
        if let Some(Event::Header(h)) = lock(&self.events).first_mut() {
            h.historical_bytes = transport.historical_bytes().map(hex::encode_upper);
        }
        RecordingTransport {
            inner: transport,
            recorder: self.clone(),
        }
    }

    /// Wraps `rng` so every random byte drawn is recorded (the transcript then holds every
    /// ephemeral secret of the session).
    #[cfg(feature = "deterministic-rng")]
    pub fn rng<R>(&self, rng: R) -> RecordingRng<R> {
        RecordingRng {
            inner: rng,
            recorder: self.clone(),
        }
    }
}

/// A transport that records every exchange into a [`Recorder`].
pub struct RecordingTransport<T> {
    inner: T,
    recorder: Recorder,
}

#[async_trait]
impl<T: CardTransport> CardTransport for RecordingTransport<T> {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let result = self.inner.transmit(command).await;
        let (response, error) = match &result {
            Ok(r) => (Some(hex::encode_upper(r)), None),
            Err(e) => (None, Some(error_code(e).to_owned())),
        };
        self.recorder.push(Event::Exchange {
            command: hex::encode_upper(command),
            response,
            error,
        });
        result
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

/// An RNG that records what it hands out (feature `deterministic-rng`).
#[cfg(feature = "deterministic-rng")]
pub struct RecordingRng<R> {
    inner: R,
    recorder: Recorder,
}

#[cfg(feature = "deterministic-rng")]
impl<R: rand_core::TryRng> rand_core::TryRng for RecordingRng<R> {
    type Error = R::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.inner.try_fill_bytes(dst)?;
        self.recorder.push(Event::Random {
            hex: hex::encode_upper(&*dst),
        });
        Ok(())
    }
}

#[cfg(feature = "deterministic-rng")]
impl<R: rand_core::TryCryptoRng> rand_core::TryCryptoRng for RecordingRng<R> {}

/// One recorded command with its response or link-error code.
type Recorded = (Vec<u8>, Result<Vec<u8>, String>);

/// A parsed transcript.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// The header line.
    pub header: Header,
    // Parsed always (the format is the same), handed out only by the feature-gated ReplayRng.
    #[cfg_attr(not(feature = "deterministic-rng"), allow(dead_code))]
    randoms: Vec<u8>,
    exchanges: Vec<Recorded>,
}

impl Transcript {
    /// Parses JSONL text.
    pub fn parse(text: &str) -> Result<Self, TranscriptError> {
        let mut header = None;
        let mut randoms = Vec::new();
        let mut exchanges = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let n = i + 1;
            let event: Event = serde_json::from_str(line).map_err(|e| TranscriptError::Syntax {
                line: n,
                message: e.to_string(),
            })?;
            match event {
                Event::Header(h) => {
                    if header.is_some() || h.format != FORMAT || h.version != VERSION {
                        return Err(TranscriptError::BadHeader);
                    }
                    header = Some(h);
                }
                _ if header.is_none() => return Err(TranscriptError::BadHeader),
                Event::Random { hex } => {
                    randoms.extend(hex::decode(hex).map_err(|_| TranscriptError::Hex(n))?);
                }
                Event::Exchange {
                    command,
                    response,
                    error,
                } => {
                    let command = hex::decode(command).map_err(|_| TranscriptError::Hex(n))?;
                    let outcome = match (response, error) {
                        (Some(r), None) => Ok(hex::decode(r).map_err(|_| TranscriptError::Hex(n))?),
                        (None, Some(e)) => Err(e),
                        _ => {
                            return Err(TranscriptError::Syntax {
                                line: n,
                                message: "exchange needs exactly one of response or error".into(),
                            });
                        }
                    };
                    exchanges.push((command, outcome));
                }
            }
        }
        let header = header.ok_or(TranscriptError::BadHeader)?;
        Ok(Self {
            header,
            randoms,
            exchanges,
        })
    }

    /// Number of recorded exchanges.
    pub fn exchange_count(&self) -> usize {
        self.exchanges.len()
    }

    /// A transport answering from this transcript.
    pub fn transport(&self) -> ReplayTransport {
        ReplayTransport {
            exchanges: self.exchanges.clone(),
            next: 0,
            caps: self.header.capabilities,
            historical_bytes: self
                .header
                .historical_bytes
                .as_deref()
                .and_then(|h| hex::decode(h).ok()),
        }
    }

    /// An RNG handing out the recorded random bytes, in order (feature `deterministic-rng`).
    #[cfg(feature = "deterministic-rng")]
    pub fn rng(&self) -> ReplayRng {
        ReplayRng {
            bytes: self.randoms.clone(),
            pos: 0,
            exhausted: false,
        }
    }
}

/// Answers commands from a transcript; any deviation is a [`TransportError::ReplayMismatch`].
pub struct ReplayTransport {
    exchanges: Vec<Recorded>,
    next: usize,
    caps: TransportCapabilities,
    historical_bytes: Option<Vec<u8>>,
}

impl ReplayTransport {
    /// Whether every recorded exchange has been replayed.
    pub fn is_finished(&self) -> bool {
        self.next == self.exchanges.len()
    }
}

#[async_trait]
impl CardTransport for ReplayTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let index = self.next;
        let (expected, outcome) = self
            .exchanges
            .get(index)
            .ok_or(TransportError::ReplayExhausted(index))?;
        if expected.as_slice() != command {
            return Err(TransportError::ReplayMismatch {
                index,
                what: "command differs",
            });
        }
        self.next += 1;
        outcome.clone().map_err(|code| error_from_code(&code))
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.caps
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.historical_bytes.clone()
    }
}

#[cfg(feature = "deterministic-rng")]
/// Hands out recorded random bytes as one stream. Past the end it yields zeros and remembers
/// that it ran dry; the replayed commands then differ and the replay transport reports it.
pub struct ReplayRng {
    bytes: Vec<u8>,
    pos: usize,
    exhausted: bool,
}

#[cfg(feature = "deterministic-rng")]
impl ReplayRng {
    /// Whether more bytes were asked for than were recorded.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }
}

#[cfg(feature = "deterministic-rng")]
impl rand_core::TryRng for ReplayRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for d in dst.iter_mut() {
            match self.bytes.get(self.pos) {
                Some(b) => {
                    *d = *b;
                    self.pos += 1;
                }
                None => {
                    *d = 0;
                    self.exhausted = true;
                }
            }
        }
        Ok(())
    }
}

#[cfg(feature = "deterministic-rng")]
impl rand_core::TryCryptoRng for ReplayRng {}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "deterministic-rng")]
    use rand_core::Rng;
    #[cfg(feature = "deterministic-rng")]
    use tapid_test_support::rng::CountingRng;

    struct Echo;

    #[async_trait]
    impl CardTransport for Echo {
        async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
            if command.first() == Some(&0xFF) {
                return Err(TransportError::LinkLost);
            }
            let mut r = command.to_vec();
            r.extend_from_slice(&[0x90, 0x00]);
            Ok(r)
        }
        fn capabilities(&self) -> TransportCapabilities {
            TransportCapabilities::SHORT
        }
    }

    #[cfg(feature = "deterministic-rng")]
    #[tokio::test]
    async fn record_then_replay() {
        let mut meta = BTreeMap::new();
        meta.insert("profile".to_owned(), "bac".to_owned());
        let rec = Recorder::new(TransportCapabilities::SHORT, meta);
        let mut t = rec.transport(Echo);
        let mut rng = rec.rng(CountingRng::new());
        let mut nonce = [0u8; 8];
        rng.fill_bytes(&mut nonce);
        assert_eq!(t.transmit(&nonce).await.unwrap().len(), 10);
        assert_eq!(t.transmit(&[0xFF]).await, Err(TransportError::LinkLost));
        let text = rec.to_jsonl();
        assert_eq!(text.lines().count(), 4);

        let tr = Transcript::parse(&text).unwrap();
        assert_eq!(
            tr.header.meta.get("profile").map(String::as_str),
            Some("bac")
        );
        let mut rrng = tr.rng();
        let mut again = [0u8; 8];
        rrng.fill_bytes(&mut again);
        assert_eq!(again, nonce);
        let mut rt = tr.transport();
        assert_eq!(rt.transmit(&again).await.unwrap()[..8], nonce);
        assert_eq!(rt.transmit(&[0xFF]).await, Err(TransportError::LinkLost));
        assert!(rt.is_finished());
        assert_eq!(
            rt.transmit(&[1]).await,
            Err(TransportError::ReplayExhausted(2))
        );
        rrng.fill_bytes(&mut again);
        assert!(rrng.exhausted());
    }

    #[tokio::test]
    async fn mismatch_is_reported() {
        let rec = Recorder::new(TransportCapabilities::SHORT, BTreeMap::new());
        let mut t = rec.transport(Echo);
        t.transmit(&[1, 2, 3]).await.unwrap();
        let tr = Transcript::parse(&rec.to_jsonl()).unwrap();
        let mut rt = tr.transport();
        assert_eq!(
            rt.transmit(&[1, 2, 4]).await,
            Err(TransportError::ReplayMismatch {
                index: 0,
                what: "command differs"
            })
        );
    }

    #[test]
    fn bad_transcripts() {
        assert!(matches!(
            Transcript::parse(""),
            Err(TranscriptError::BadHeader)
        ));
        assert!(matches!(
            Transcript::parse("{\"type\":\"random\",\"hex\":\"00\"}"),
            Err(TranscriptError::BadHeader)
        ));
        assert!(matches!(
            Transcript::parse("nonsense"),
            Err(TranscriptError::Syntax { line: 1, .. })
        ));
    }
}
