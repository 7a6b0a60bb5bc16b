//! Command and response APDUs (ISO/IEC 7816-4 §5.1) in short and extended encoding.
//!
//! `Le` is modelled as `Ne`, the maximum number of response bytes expected: 1..=256 fits a
//! short APDU (256 is encoded as `00`), 257..=65536 needs extended length (65536 is `0000`).

use crate::status::StatusWord;

/// Largest `Ne` a short APDU can express.
pub const SHORT_MAX_NE: usize = 256;
/// Largest `Ne` an extended APDU can express.
pub const EXTENDED_MAX_NE: usize = 65536;
/// Largest command data field of a short APDU.
pub const SHORT_MAX_NC: usize = 255;
/// Largest command data field of an extended APDU.
pub const EXTENDED_MAX_NC: usize = 65535;

/// Errors building or parsing APDUs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApduError {
    /// Fewer than four header bytes.
    #[error("APDU shorter than its 4-byte header")]
    TooShort,
    /// The length fields do not match the bytes present.
    #[error("APDU length fields are inconsistent with its size")]
    InconsistentLength,
    /// The data field exceeds what any encoding can carry.
    #[error("command data of {0} bytes exceeds 65535")]
    DataTooLong(usize),
    /// `Ne` of zero or above 65536.
    #[error("expected length {0} is outside 1..=65536")]
    InvalidNe(usize),
    /// The caller asked for a short encoding the command does not fit.
    #[error("command needs extended length")]
    NeedsExtended,
    /// A response APDU shorter than its two status bytes.
    #[error("response shorter than its 2-byte status word")]
    ResponseTooShort,
}

/// How the length fields of a command are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// One-byte Lc/Le.
    Short,
    /// Three-byte Lc/Le (leading `00`), two-byte Le after data.
    Extended,
}

/// A command APDU: header, optional data, optional expected response length.
#[derive(Clone, PartialEq, Eq)]
pub struct CommandApdu {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data field (Nc bytes).
    pub data: Vec<u8>,
    /// Maximum expected response length (Ne), or `None` for no Le field.
    pub ne: Option<usize>,
}

impl std::fmt::Debug for CommandApdu {
    // The data field may carry secrets (authentication cryptograms); show only its length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CommandApdu({:02X} {:02X} {:02X} {:02X}, Nc={}, Ne={:?})",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.ne
        )
    }
}

impl CommandApdu {
    /// A command without data and without Le (case 1).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            ne: None,
        }
    }

    /// Sets the command data.
    #[must_use]
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets Ne, the expected response length (256 = short maximum, 65536 = extended maximum).
    #[must_use]
    pub fn with_ne(mut self, ne: usize) -> Self {
        self.ne = Some(ne);
        self
    }

    /// The header bytes CLA INS P1 P2.
    pub fn header(&self) -> [u8; 4] {
        [self.cla, self.ins, self.p1, self.p2]
    }

    /// Whether the command can only be sent with extended length.
    pub fn requires_extended(&self) -> bool {
        self.data.len() > SHORT_MAX_NC || self.ne.is_some_and(|ne| ne > SHORT_MAX_NE)
    }

    /// Encodes with the shortest encoding that fits.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApduError> {
        let encoding = if self.requires_extended() {
            Encoding::Extended
        } else {
            Encoding::Short
        };
        self.encode(encoding)
    }

    /// Encodes with the given length encoding.
    pub fn encode(&self, encoding: Encoding) -> Result<Vec<u8>, ApduError> {
        let nc = self.data.len();
        if nc > EXTENDED_MAX_NC {
            return Err(ApduError::DataTooLong(nc));
        }
        if let Some(ne) = self.ne.filter(|ne| *ne == 0 || *ne > EXTENDED_MAX_NE) {
            return Err(ApduError::InvalidNe(ne));
        }
        let mut out = Vec::with_capacity(4 + 3 + nc + 3);
        out.extend_from_slice(&self.header());
        match encoding {
            Encoding::Short => {
                if self.requires_extended() {
                    return Err(ApduError::NeedsExtended);
                }
                if nc > 0 {
                    out.push(nc as u8);
                    out.extend_from_slice(&self.data);
                }
                if let Some(ne) = self.ne {
                    out.push(if ne == SHORT_MAX_NE { 0 } else { ne as u8 });
                }
            }
            Encoding::Extended => {
                if nc > 0 {
                    out.push(0);
                    out.extend_from_slice(&(nc as u16).to_be_bytes());
                    out.extend_from_slice(&self.data);
                }
                if let Some(ne) = self.ne {
                    if nc == 0 {
                        out.push(0);
                    }
                    let le = if ne == EXTENDED_MAX_NE { 0 } else { ne as u16 };
                    out.extend_from_slice(&le.to_be_bytes());
                }
            }
        }
        Ok(out)
    }

    /// Parses an encoded command APDU (cases 1–4, short and extended).
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let (header, body) = bytes.split_first_chunk::<4>().ok_or(ApduError::TooShort)?;
        let [cla, ins, p1, p2] = *header;
        let mut apdu = Self::new(cla, ins, p1, p2);
        match body {
            [] => {}
            [le] => apdu.ne = Some(short_ne(*le)),
            [0, rest @ ..] if rest.len() >= 2 => {
                // Extended: 00 followed by two-byte Lc or Le.
                let (len2, tail) = rest.split_first_chunk::<2>().ok_or(ApduError::TooShort)?;
                let n = usize::from(u16::from_be_bytes(*len2));
                if tail.is_empty() {
                    apdu.ne = Some(if n == 0 { EXTENDED_MAX_NE } else { n });
                } else {
                    if n == 0 {
                        return Err(ApduError::InconsistentLength);
                    }
                    let (data, le) = tail
                        .split_at_checked(n)
                        .ok_or(ApduError::InconsistentLength)?;
                    apdu.data = data.to_vec();
                    match le {
                        [] => {}
                        [a, b] => {
                            let n = usize::from(u16::from_be_bytes([*a, *b]));
                            apdu.ne = Some(if n == 0 { EXTENDED_MAX_NE } else { n });
                        }
                        _ => return Err(ApduError::InconsistentLength),
                    }
                }
            }
            [lc, rest @ ..] => {
                let n = usize::from(*lc);
                if n == 0 {
                    return Err(ApduError::InconsistentLength);
                }
                let (data, le) = rest
                    .split_at_checked(n)
                    .ok_or(ApduError::InconsistentLength)?;
                apdu.data = data.to_vec();
                match le {
                    [] => {}
                    [le] => apdu.ne = Some(short_ne(*le)),
                    _ => return Err(ApduError::InconsistentLength),
                }
            }
        }
        Ok(apdu)
    }
}

fn short_ne(le: u8) -> usize {
    if le == 0 {
        SHORT_MAX_NE
    } else {
        usize::from(le)
    }
}

/// A response APDU: data followed by the status word.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseApdu {
    /// Response data field.
    pub data: Vec<u8>,
    /// Trailing status word SW1-SW2.
    pub sw: StatusWord,
}

impl std::fmt::Debug for ResponseApdu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResponseApdu(Nr={}, SW={})", self.data.len(), self.sw)
    }
}

impl ResponseApdu {
    /// Builds a response from data and a status word.
    pub fn new(data: impl Into<Vec<u8>>, sw: StatusWord) -> Self {
        Self {
            data: data.into(),
            sw,
        }
    }

    /// A response carrying only a status word.
    pub fn status(sw: StatusWord) -> Self {
        Self {
            data: Vec::new(),
            sw,
        }
    }

    /// Splits raw response bytes into data and status word.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let (data, sw) = bytes
            .split_last_chunk::<2>()
            .ok_or(ApduError::ResponseTooShort)?;
        Ok(Self {
            data: data.to_vec(),
            sw: StatusWord::from_bytes(*sw),
        })
    }

    /// Encodes data followed by SW1 SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn case1_to_case4_short() {
        assert_eq!(
            CommandApdu::new(0, 0xA4, 0, 0).to_bytes().unwrap(),
            hex("00A40000")
        );
        assert_eq!(
            CommandApdu::new(0, 0x84, 0, 0)
                .with_ne(8)
                .to_bytes()
                .unwrap(),
            hex("0084000008")
        );
        assert_eq!(
            CommandApdu::new(0, 0xB0, 0, 0)
                .with_ne(256)
                .to_bytes()
                .unwrap(),
            hex("00B0000000")
        );
        let select = CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(hex("011E"));
        assert_eq!(select.to_bytes().unwrap(), hex("00A4020C02011E"));
        let c4 = CommandApdu::new(0, 0x88, 0, 0)
            .with_data(vec![1; 8])
            .with_ne(256);
        assert_eq!(
            c4.to_bytes().unwrap(),
            hex("00880000080101010101010101 00".replace(' ', "").as_str())
        );
    }

    #[test]
    fn extended_encodings() {
        let c2 = CommandApdu::new(0, 0xB0, 0, 0).with_ne(65536);
        assert_eq!(c2.to_bytes().unwrap(), hex("00B00000000000"));
        let c2b = CommandApdu::new(0, 0xB0, 0, 0).with_ne(1000);
        assert_eq!(c2b.to_bytes().unwrap(), hex("00B000000003E8"));
        let c4 = CommandApdu::new(0, 0xB1, 0, 0)
            .with_data(vec![0x54, 0x02, 0x80, 0x00])
            .with_ne(65536);
        assert_eq!(
            c4.to_bytes().unwrap(),
            hex("00B1000000000454028000 0000".replace(' ', "").as_str())
        );
        let short_as_ext = CommandApdu::new(0, 0xB0, 0, 0)
            .with_ne(4)
            .encode(Encoding::Extended)
            .unwrap();
        assert_eq!(short_as_ext, hex("00B00000000004"));
        assert_eq!(
            CommandApdu::new(0, 0xB0, 0, 0)
                .with_ne(300)
                .encode(Encoding::Short),
            Err(ApduError::NeedsExtended)
        );
    }

    #[test]
    fn invalid_lengths_are_errors() {
        assert_eq!(
            CommandApdu::new(0, 0, 0, 0).with_ne(0).to_bytes(),
            Err(ApduError::InvalidNe(0))
        );
        assert_eq!(
            CommandApdu::new(0, 0, 0, 0).with_ne(65537).to_bytes(),
            Err(ApduError::InvalidNe(65537))
        );
        assert_eq!(
            CommandApdu::new(0, 0, 0, 0)
                .with_data(vec![0; 65536])
                .to_bytes(),
            Err(ApduError::DataTooLong(65536))
        );
    }

    #[test]
    fn parse_round_trips() {
        for apdu in [
            CommandApdu::new(0, 0xA4, 4, 0x0C).with_data(hex("A0000002471001")),
            CommandApdu::new(0, 0xB0, 0x81, 0).with_ne(256),
            CommandApdu::new(0x0C, 0xB0, 0, 0)
                .with_data(vec![7; 300])
                .with_ne(65536),
            CommandApdu::new(0, 0xB0, 0, 0).with_ne(4000),
            CommandApdu::new(0, 0x20, 0, 0),
        ] {
            assert_eq!(CommandApdu::parse(&apdu.to_bytes().unwrap()).unwrap(), apdu);
        }
        assert_eq!(CommandApdu::parse(&[0, 1, 2]), Err(ApduError::TooShort));
        assert_eq!(
            CommandApdu::parse(&hex("00A4020C05011E")),
            Err(ApduError::InconsistentLength)
        );
        assert_eq!(
            CommandApdu::parse(&hex("00A4020C02011E0000")),
            Err(ApduError::InconsistentLength)
        );
    }

    #[test]
    fn responses() {
        let r = ResponseApdu::parse(&hex("60149000")).unwrap();
        assert_eq!(r.data, hex("6014"));
        assert!(r.sw.is_success());
        assert_eq!(
            ResponseApdu::parse(&[0x90]),
            Err(ApduError::ResponseTooShort)
        );
        assert_eq!(r.to_bytes(), hex("60149000"));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = CommandApdu::parse(&bytes);
            let _ = ResponseApdu::parse(&bytes);
        }
    }
}
