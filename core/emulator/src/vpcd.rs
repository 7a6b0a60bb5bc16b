//! The emulated chip on a virtual PC/SC reader: the card ("vpicc") side of the vsmartcard
//! `vpcd` socket protocol.
//!
//! pcscd's vpcd driver listens on TCP (port 35963 for `Virtual PCD 00 00`, 35964 for `… 00 01`);
//! the card connects to it as a client. Connecting inserts the card, closing the socket removes
//! it. Every message in both directions is a 2-byte big-endian length and that many bytes. A
//! 1-byte message from the reader is a control code — `00` power off, `01` power on, `02` reset
//! (no answer), `04` get ATR (answered with the framed ATR); anything longer is a command APDU,
//! answered with the framed response APDU.
//!
//! Every power off, power on and reset starts the chip's session afresh (access rights, secure
//! messaging and the current selection are lost), as on a real chip leaving the field.

use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::chip::Chip;
use crate::faults::link::Reply;

/// Where pcscd's vpcd driver listens for the first virtual reader (`Virtual PCD 00 00`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:35963";

/// The largest payload a 2-byte length can announce.
pub const MAX_PAYLOAD: usize = 0xFFFF;

/// How long to wait between connection attempts while pcscd is not up.
pub const DEFAULT_RETRY: Duration = Duration::from_millis(500);

/// Errors on the vpcd link.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VpcdError {
    /// The socket failed.
    #[error("vpcd socket: {0}")]
    Io(#[from] std::io::Error),
    /// A message longer than a 2-byte length can announce.
    #[error("vpcd message of {0} bytes exceeds 65535")]
    TooLong(usize),
    /// The reader closed the socket in the middle of a message.
    #[error("vpcd message truncated: the reader closed the socket mid-message")]
    Truncated,
    /// The reader announced an empty message.
    #[error("vpcd sent an empty message")]
    Empty,
}

/// A vpcd control code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// `00`: the reader cuts the power.
    PowerOff,
    /// `01`: the reader powers the card.
    PowerOn,
    /// `02`: warm reset.
    Reset,
    /// `04`: the reader asks for the ATR.
    GetAtr,
}

impl Control {
    /// The control code for this byte, if it is one.
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(Self::PowerOff),
            1 => Some(Self::PowerOn),
            2 => Some(Self::Reset),
            4 => Some(Self::GetAtr),
            _ => None,
        }
    }

    /// The byte on the wire.
    pub fn byte(self) -> u8 {
        match self {
            Self::PowerOff => 0,
            Self::PowerOn => 1,
            Self::Reset => 2,
            Self::GetAtr => 4,
        }
    }
}

/// One message from the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A known control code.
    Control(Control),
    /// A 1-byte message that is no known control code (ignored, not answered).
    UnknownControl(u8),
    /// A command APDU.
    Apdu(Vec<u8>),
}

impl Message {
    /// Classifies a received payload: one byte is a control code, more is an APDU.
    pub fn parse(payload: Vec<u8>) -> Result<Self, VpcdError> {
        match payload.as_slice() {
            [] => Err(VpcdError::Empty),
            [b] => Ok(Control::from_byte(*b).map_or(Self::UnknownControl(*b), Self::Control)),
            _ => Ok(Self::Apdu(payload)),
        }
    }
}

/// Frames `payload`: 2-byte big-endian length, then the bytes.
pub fn encode_frame(payload: &[u8]) -> Result<Vec<u8>, VpcdError> {
    let len = u16::try_from(payload.len()).map_err(|_| VpcdError::TooLong(payload.len()))?;
    let mut out = Vec::with_capacity(2 + payload.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    Ok(out)
}

/// Reads one framed payload; `None` when the reader closed the socket between messages.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> Result<Option<Vec<u8>>, VpcdError> {
    let mut header = [0u8; 2];
    let first = r.read(&mut header).await?;
    match first {
        0 => return Ok(None),
        1 => {
            let mut second = [0u8; 1];
            read_exact(r, &mut second).await?;
            header = [header[0], second[0]];
        }
        _ => {}
    }
    let len = usize::from(u16::from_be_bytes(header));
    let mut payload = vec![0u8; len];
    read_exact(r, &mut payload).await?;
    Ok(Some(payload))
}

async fn read_exact<R: AsyncRead + Unpin>(r: &mut R, buf: &mut [u8]) -> Result<(), VpcdError> {
    match r.read_exact(buf).await {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(VpcdError::Truncated),
        Err(e) => Err(e.into()),
    }
}

/// Writes one framed payload.
pub async fn write_frame<W: AsyncWrite + Unpin>(
    w: &mut W,
    payload: &[u8],
) -> Result<(), VpcdError> {
    let frame = encode_frame(payload)?;
    w.write_all(&frame).await?;
    w.flush().await?;
    Ok(())
}

/// A chip with its ATR, answering vpcd messages.
pub struct VirtualCard {
    chip: Chip,
    atr: Vec<u8>,
}

impl VirtualCard {
    /// Puts `chip` on the virtual reader with the chip's ATR ([`Chip::atr`]: it advertises
    /// extended length when the chip has it, unless the chip was built not to).
    pub fn new(chip: Chip) -> Self {
        let atr = chip.atr();
        Self { chip, atr }
    }

    /// The ATR this card answers with.
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// The chip, e.g. to inspect or reset it.
    pub fn chip_mut(&mut self) -> &mut Chip {
        &mut self.chip
    }

    /// Handles one message; `Some` is the payload to send back.
    pub fn handle(&mut self, message: Message) -> Option<Vec<u8>> {
        match message {
            Message::Control(Control::PowerOff | Control::PowerOn | Control::Reset) => {
                self.chip.reset();
                None
            }
            Message::Control(Control::GetAtr) => Some(self.atr.clone()),
            Message::UnknownControl(_) => None,
            Message::Apdu(apdu) => match self.chip.exchange(&apdu) {
                Reply::Answer(answer) | Reply::Late { answer, .. } => Some(answer),
                Reply::Lost => None,
            },
        }
    }
}

/// What happened on the virtual reader, for a status display.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VpcdEvent {
    /// Connected to vpcd: the card is in the reader.
    Connected(String),
    /// Could not connect (pcscd not up yet?); retrying.
    Waiting(String),
    /// The reader closed the link (pcscd stopped); the chip was reset.
    Disconnected,
    /// The link failed; the chip was reset.
    LinkError(String),
    /// A control message arrived.
    Control(Control),
}

/// Serves `card` over one established connection until the reader closes it.
pub async fn serve<S>(
    stream: &mut S,
    card: &mut VirtualCard,
    on_event: &mut (dyn FnMut(VpcdEvent) + Send),
) -> Result<(), VpcdError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    while let Some(payload) = read_frame(stream).await? {
        let message = Message::parse(payload)?;
        if let Message::Control(c) = &message {
            // ATR requests double as vpcd's presence polling: too frequent to report.
            if *c != Control::GetAtr {
                on_event(VpcdEvent::Control(*c));
            }
        }
        let answer = match message {
            // Link faults: a slow chip keeps the reader waiting; a lost tag ends the link.
            Message::Apdu(apdu) => match card.chip.exchange(&apdu) {
                Reply::Answer(answer) => Some(answer),
                Reply::Late { after, answer } => {
                    tokio::time::sleep(after).await;
                    Some(answer)
                }
                Reply::Lost => return Ok(()),
            },
            other => card.handle(other),
        };
        if let Some(answer) = answer {
            write_frame(stream, &answer).await?;
        }
    }
    Ok(())
}

/// Keeps `card` inserted in the vpcd reader at `addr` until `shutdown` completes: connects
/// (retrying every `retry` while pcscd is not listening), serves, and after the reader goes
/// away resets the chip and connects again.
pub async fn run<F>(
    card: &mut VirtualCard,
    addr: &str,
    retry: Duration,
    shutdown: F,
    on_event: &mut (dyn FnMut(VpcdEvent) + Send),
) where
    F: Future<Output = ()>,
{
    tokio::select! {
        () = shutdown => {}
        () = connect_loop(card, addr, retry, on_event) => {}
    }
}

async fn connect_loop(
    card: &mut VirtualCard,
    addr: &str,
    retry: Duration,
    on_event: &mut (dyn FnMut(VpcdEvent) + Send),
) {
    let mut waiting = false;
    loop {
        match TcpStream::connect(addr).await {
            Ok(mut stream) => {
                waiting = false;
                // Best effort: APDU exchanges are small request/response pairs.
                let _ = stream.set_nodelay(true);
                on_event(VpcdEvent::Connected(addr.to_owned()));
                let result = serve(&mut stream, card, on_event).await;
                card.chip_mut().reset();
                match result {
                    Ok(()) => on_event(VpcdEvent::Disconnected),
                    Err(e) => on_event(VpcdEvent::LinkError(e.to_string())),
                }
            }
            Err(e) => {
                if !waiting {
                    on_event(VpcdEvent::Waiting(e.to_string()));
                    waiting = true;
                }
            }
        }
        tokio::time::sleep(retry).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::atr;
    use crate::pki::drbg::SeededRng;
    use crate::{ChipConfig, Profile};
    use async_trait::async_trait;
    use tapid_card::{CardTransport, TransportCapabilities, TransportError};
    use tapid_mrtd::mrz::AccessKey;
    use tapid_mrtd::pa::TrustStore;
    use tapid_mrtd::reader::{ReadOptions, Verification, read};
    use tokio::io::DuplexStream;

    const SELECT_EMRTD: [u8; 12] = [
        0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01,
    ];

    /// No trust anchors, at 2027-01-15: these reads only exercise the link.
    fn verification(trust: &TrustStore) -> Verification<'_> {
        Verification::new(trust, 1_800_000_000)
    }

    fn card(extended_length: bool) -> VirtualCard {
        let profile = Profile::named("bac").unwrap();
        VirtualCard::new(Chip::new(&profile, ChipConfig { extended_length }, b"vpcd").unwrap())
    }

    /// The reader's end of a vpcd link, as a transport for the reader session.
    struct ReaderEnd(DuplexStream);

    impl ReaderEnd {
        async fn control(&mut self, c: Control) {
            write_frame(&mut self.0, &[c.byte()]).await.unwrap();
        }

        async fn atr(&mut self) -> Vec<u8> {
            self.control(Control::GetAtr).await;
            read_frame(&mut self.0).await.unwrap().unwrap()
        }
    }

    #[async_trait]
    impl CardTransport for ReaderEnd {
        async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
            write_frame(&mut self.0, command)
                .await
                .map_err(|e| TransportError::Reader(e.to_string()))?;
            read_frame(&mut self.0)
                .await
                .map_err(|e| TransportError::Reader(e.to_string()))?
                .ok_or(TransportError::LinkLost)
        }

        fn capabilities(&self) -> TransportCapabilities {
            TransportCapabilities::EXTENDED
        }
    }

    fn spawn_card(mut card: VirtualCard) -> (ReaderEnd, tokio::task::JoinHandle<Vec<VpcdEvent>>) {
        let (reader, mut card_end) = tokio::io::duplex(1 << 17);
        let task = tokio::spawn(async move {
            let mut events = Vec::new();
            serve(&mut card_end, &mut card, &mut |e| events.push(e))
                .await
                .unwrap();
            events
        });
        (ReaderEnd(reader), task)
    }

    #[test]
    fn frames_are_length_prefixed_big_endian() {
        assert_eq!(encode_frame(&[0x04]).unwrap(), [0x00, 0x01, 0x04]);
        let long = vec![0xAB; 0x0102];
        let f = encode_frame(&long).unwrap();
        assert_eq!(&f[..2], &[0x01, 0x02]);
        assert_eq!(f.len(), 2 + 0x0102);
        assert_eq!(encode_frame(&vec![0; MAX_PAYLOAD]).unwrap().len(), 65_537);
        assert!(matches!(
            encode_frame(&vec![0; MAX_PAYLOAD + 1]),
            Err(VpcdError::TooLong(65_536))
        ));
    }

    #[test]
    fn messages_are_classified_by_length() {
        assert_eq!(
            Message::parse(vec![0]).unwrap(),
            Message::Control(Control::PowerOff)
        );
        assert_eq!(
            Message::parse(vec![1]).unwrap(),
            Message::Control(Control::PowerOn)
        );
        assert_eq!(
            Message::parse(vec![2]).unwrap(),
            Message::Control(Control::Reset)
        );
        assert_eq!(
            Message::parse(vec![4]).unwrap(),
            Message::Control(Control::GetAtr)
        );
        assert_eq!(Message::parse(vec![3]).unwrap(), Message::UnknownControl(3));
        assert_eq!(
            Message::parse(vec![0x00, 0x84]).unwrap(),
            Message::Apdu(vec![0x00, 0x84])
        );
        assert!(matches!(Message::parse(vec![]), Err(VpcdError::Empty)));
        for c in [
            Control::PowerOff,
            Control::PowerOn,
            Control::Reset,
            Control::GetAtr,
        ] {
            assert_eq!(Control::from_byte(c.byte()), Some(c));
        }
    }

    #[tokio::test]
    async fn frames_split_across_reads_and_truncation() {
        let (mut a, mut b) = tokio::io::duplex(64);
        // The header arrives one byte at a time, then the payload.
        a.write_all(&[0x00]).await.unwrap();
        a.flush().await.unwrap();
        let reader = tokio::spawn(async move {
            let first = read_frame(&mut b).await.unwrap();
            let second = read_frame(&mut b).await;
            (first, second)
        });
        tokio::task::yield_now().await;
        a.write_all(&[0x03, 0xAA, 0xBB, 0xCC, 0x00, 0x05, 0x01])
            .await
            .unwrap();
        drop(a);
        let (first, second) = reader.await.unwrap();
        assert_eq!(first, Some(vec![0xAA, 0xBB, 0xCC]));
        assert!(matches!(second, Err(VpcdError::Truncated)));

        let (a, mut b) = tokio::io::duplex(64);
        drop(a);
        assert_eq!(read_frame(&mut b).await.unwrap(), None);
    }

    #[tokio::test]
    async fn answers_atr_and_apdus_and_ignores_power_controls() {
        let c = card(true);
        let expected_atr = c.atr().to_vec();
        let (mut reader, task) = spawn_card(c);
        reader.control(Control::PowerOn).await;
        assert_eq!(reader.atr().await, expected_atr);
        assert_eq!(expected_atr[8] & atr::EXTENDED_LC_LE, atr::EXTENDED_LC_LE);
        write_frame(&mut reader.0, &[7]).await.unwrap(); // unknown control: no answer
        let resp = reader.transmit(&SELECT_EMRTD).await.unwrap();
        assert_eq!(resp, [0x90, 0x00]);
        reader.control(Control::PowerOff).await;
        drop(reader);
        let events = task.await.unwrap();
        assert_eq!(
            events,
            [
                VpcdEvent::Control(Control::PowerOn),
                VpcdEvent::Control(Control::PowerOff)
            ]
        );
    }

    #[tokio::test]
    async fn short_chip_atr_does_not_advertise_extended_length() {
        let (mut reader, _task) = spawn_card(card(false));
        let atr = reader.atr().await;
        assert_eq!(atr[8] & atr::EXTENDED_LC_LE, 0);
    }

    async fn read_over(reader: &mut ReaderEnd) {
        let key = AccessKey::Mrz(Profile::named("bac").unwrap().mrz_key().unwrap());
        let mut rng = SeededRng::new(b"terminal");
        let trust = TrustStore::new();
        let out = read(
            reader,
            &key,
            &ReadOptions::default(),
            &verification(&trust),
            &mut rng,
            &mut |_| {},
        )
        .await
        .unwrap();
        assert_eq!(out.report().document.document_number, "L898902C3");
    }

    #[tokio::test]
    async fn a_lost_tag_closes_the_link() {
        let profile = Profile::named("bac").unwrap();
        let chip = Chip::new(&profile, ChipConfig::default(), b"vpcd")
            .unwrap()
            .with_fault(crate::Fault::TagLost);
        let (mut reader, task) = spawn_card(VirtualCard::new(chip));
        let key = AccessKey::Mrz(profile.mrz_key().unwrap());
        let mut rng = SeededRng::new(b"terminal");
        let trust = TrustStore::new();
        let e = read(
            &mut reader,
            &key,
            &ReadOptions::default(),
            &verification(&trust),
            &mut rng,
            &mut |_| {},
        )
        .await
        .err()
        .unwrap();
        assert!(
            matches!(e, tapid_mrtd::reader::ReadError::LinkLost { .. }),
            "{e:?}"
        );
        // The card side ended the connection (pcscd then sees the card removed).
        task.await.unwrap();
    }

    #[tokio::test]
    async fn reset_ends_the_secure_session() {
        // Without a reset, a plain command after BAC is refused (secure messaging is on).
        let (mut reader, _task) = spawn_card(card(true));
        read_over(&mut reader).await;
        let resp = reader.transmit(&SELECT_EMRTD).await.unwrap();
        assert_ne!(resp, [0x90, 0x00]);

        // After a reset the chip starts over: the plain SELECT is accepted.
        for control in [Control::Reset, Control::PowerOff] {
            let (mut reader, _task) = spawn_card(card(true));
            read_over(&mut reader).await;
            reader.control(control).await;
            let resp = reader.transmit(&SELECT_EMRTD).await.unwrap();
            assert_eq!(resp, [0x90, 0x00], "after {control:?}");
        }
    }

    #[tokio::test]
    async fn run_waits_for_the_reader_and_reconnects() {
        // Find a free port, leave it closed for a while (pcscd not up yet).
        let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = probe.local_addr().unwrap().to_string();
        drop(probe);

        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (ev_tx, mut ev_rx) = tokio::sync::mpsc::unbounded_channel();
        let run_addr = addr.clone();
        let runner = tokio::spawn(async move {
            let mut c = card(true);
            run(
                &mut c,
                &run_addr,
                Duration::from_millis(20),
                async {
                    let _ = stop_rx.await;
                },
                &mut |e| {
                    let _ = ev_tx.send(e);
                },
            )
            .await;
        });
        assert!(matches!(ev_rx.recv().await, Some(VpcdEvent::Waiting(_))));

        let listener = tokio::net::TcpListener::bind(&addr).await.unwrap();
        for round in 0..2 {
            let (sock, _) = listener.accept().await.unwrap();
            assert!(matches!(ev_rx.recv().await, Some(VpcdEvent::Connected(_))));
            let (mut rd, mut wr) = tokio::io::split(sock);
            write_frame(&mut wr, &[Control::GetAtr.byte()])
                .await
                .unwrap();
            let atr = read_frame(&mut rd).await.unwrap().unwrap();
            assert_eq!(atr[0], 0x3B, "round {round}");
            write_frame(&mut wr, &SELECT_EMRTD).await.unwrap();
            assert_eq!(read_frame(&mut rd).await.unwrap().unwrap(), [0x90, 0x00]);
            drop((rd, wr));
            assert_eq!(ev_rx.recv().await, Some(VpcdEvent::Disconnected));
        }
        stop_tx.send(()).unwrap();
        runner.await.unwrap();
    }
}
