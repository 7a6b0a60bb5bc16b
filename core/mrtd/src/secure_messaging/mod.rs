//! Secure messaging (ICAO 9303-11 §9.8, ISO/IEC 7816-4 §10): DO'87'/'85' cryptograms, DO'97'
//! expected length, DO'99' status, DO'8E' MAC, and the send sequence counter.
//!
//! Generic over the cipher suite: 3DES (IV 0, retail MAC, 8-byte SSC) and AES (IV = E(KSenc,
//! SSC), CMAC, 16-byte SSC). Both the terminal side (protect commands, unprotect responses)
//! and the chip side (the reverse, used by the emulator) live here so they cannot drift apart.
//!
//! A response MAC is verified before anything else of the response is used. Any failure
//! closes the channel: later calls return [`SmError::Closed`].

use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use zeroize::Zeroizing;

use crate::symmetric::{self, CipherAlg, SymmetricError};

const DO85: Tag = Tag(0x85);
const DO87: Tag = Tag(0x87);
const DO97: Tag = Tag(0x97);
const DO99: Tag = Tag(0x99);
const DO8E: Tag = Tag(0x8E);

/// Secure messaging failures. None carries key material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmError {
    /// The MAC of a response (or, chip side, of a command) is wrong.
    #[error("secure messaging MAC verification failed")]
    BadMac,
    /// A required data object (DO'99' or DO'8E') is missing.
    #[error("secure messaging data object {0} missing")]
    MissingObject(Tag),
    /// The data objects are malformed.
    #[error("malformed secure messaging data objects: {0}")]
    Malformed(#[from] tlv::TlvError),
    /// An object that does not belong in a protected APDU.
    #[error("unexpected secure messaging data object {0}")]
    UnexpectedObject(Tag),
    /// The padding-content indicator of DO'87' is not `01`.
    #[error("unsupported padding-content indicator")]
    PaddingIndicator,
    /// Decrypted data has invalid padding.
    #[error("invalid padding in decrypted data")]
    BadPadding,
    /// DO'99' disagrees with the status word outside it.
    #[error("protected status word disagrees with the outer status word")]
    StatusMismatch,
    /// A plaintext response carrying data or `9000` after secure messaging started.
    #[error("unprotected response after secure messaging started")]
    PlaintextResponse,
    /// The command cannot be protected (too long for any encoding).
    #[error("command too long to protect")]
    CommandTooLong,
    /// The channel was closed by an earlier failure.
    #[error("secure messaging session closed after an earlier failure")]
    Closed,
    /// A cryptographic primitive failed.
    #[error("cipher failure: {0}")]
    Cipher(#[from] SymmetricError),
}

/// A response under secure messaging, as the terminal may use it. The two cases are different
/// types on purpose: only an authenticated answer is evidence that the chip holds the session
/// keys (which is what confirms Chip Authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unprotected {
    /// DO'8E' verified: the data and the status word come from the holder of the session keys.
    Authenticated(ResponseApdu),
    /// A bare status word without DO'99'/DO'8E'. Anyone on the link can send it, so it proves
    /// nothing; per 9303-11 a chip answers so when it has ended secure messaging.
    Plain(StatusWord),
}

impl Unprotected {
    /// The status word, authenticated or not.
    pub fn sw(&self) -> StatusWord {
        match self {
            Self::Authenticated(r) => r.sw,
            Self::Plain(sw) => *sw,
        }
    }

    /// Whether the MAC verified.
    pub fn is_authenticated(&self) -> bool {
        matches!(self, Self::Authenticated(_))
    }

    /// The authenticated response, or `None` for a plain status word.
    pub fn authenticated(self) -> Option<ResponseApdu> {
        match self {
            Self::Authenticated(r) => Some(r),
            Self::Plain(_) => None,
        }
    }
}

/// An established secure messaging channel: keys, cipher suite and send sequence counter.
pub struct SecureChannel {
    alg: CipherAlg,
    ks_enc: Zeroizing<Vec<u8>>,
    ks_mac: Zeroizing<Vec<u8>>,
    ssc: Zeroizing<Vec<u8>>,
    closed: bool,
}

impl std::fmt::Debug for SecureChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecureChannel({}, closed={})", self.alg, self.closed)
    }
}

/// Where the Le of a protected command goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthMode {
    /// Short APDU: DO'97' of one byte, outer Le `00`.
    Short,
    /// Extended APDU: DO'97' of two bytes when needed, outer Le `0000`.
    Extended,
}

impl SecureChannel {
    /// Starts a channel with session keys and an initial SSC (BAC: from the nonces; PACE and CA:
    /// zero, see [`SecureChannel::zero_ssc`]).
    pub fn new(
        alg: CipherAlg,
        ks_enc: Zeroizing<Vec<u8>>,
        ks_mac: Zeroizing<Vec<u8>>,
        ssc: Vec<u8>,
    ) -> Result<Self, SmError> {
        if ks_enc.len() != alg.key_len()
            || ks_mac.len() != alg.key_len()
            || ssc.len() != alg.block_size()
        {
            return Err(SmError::Cipher(SymmetricError::KeyLength));
        }
        Ok(Self {
            alg,
            ks_enc,
            ks_mac,
            ssc: Zeroizing::new(ssc),
            closed: false,
        })
    }

    /// An all-zero SSC of the cipher's block size.
    pub fn zero_ssc(alg: CipherAlg) -> Vec<u8> {
        vec![0; alg.block_size()]
    }

    /// The cipher suite in use.
    pub fn cipher(&self) -> CipherAlg {
        self.alg
    }

    /// Whether an earlier failure closed the channel.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The current SSC (for tests against the worked examples).
    pub fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    fn increment_ssc(&mut self) {
        for b in self.ssc.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
    }

    fn iv(&self) -> Result<Vec<u8>, SmError> {
        Ok(match self.alg {
            CipherAlg::Tdes => vec![0; 8],
            _ => symmetric::encrypt_block(self.alg, &self.ks_enc, &self.ssc)?,
        })
    }

    fn mac_over(&self, parts: &[&[u8]]) -> Result<[u8; 8], SmError> {
        let mut m = Vec::with_capacity(64);
        m.extend_from_slice(&self.ssc);
        for p in parts {
            m.extend_from_slice(p);
        }
        Ok(symmetric::mac(
            self.alg,
            &self.ks_mac,
            &symmetric::pad(&m, self.alg.block_size()),
        )?)
    }

    fn encrypt(&self, plain: &[u8]) -> Result<Vec<u8>, SmError> {
        let padded = Zeroizing::new(symmetric::pad(plain, self.alg.block_size()));
        Ok(symmetric::cbc_encrypt(
            self.alg,
            &self.ks_enc,
            &self.iv()?,
            &padded,
        )?)
    }

    fn decrypt(&self, cryptogram: &[u8]) -> Result<Vec<u8>, SmError> {
        let plain = Zeroizing::new(symmetric::cbc_decrypt(
            self.alg,
            &self.ks_enc,
            &self.iv()?,
            cryptogram,
        )?);
        let data =
            symmetric::unpad(&plain, self.alg.block_size()).map_err(|_| SmError::BadPadding)?;
        Ok(data.to_vec())
    }

    /// Decrypts DO'87' (after its padding-content indicator `01`) or DO'85'.
    fn open_cryptogram(&self, obj: Tlv<'_>) -> Result<Vec<u8>, SmError> {
        if obj.tag != DO87 {
            return self.decrypt(obj.value);
        }
        match obj.value.split_first() {
            Some((0x01, cryptogram)) => self.decrypt(cryptogram),
            _ => Err(SmError::PaddingIndicator),
        }
    }

    fn guard(&self) -> Result<(), SmError> {
        if self.closed {
            Err(SmError::Closed)
        } else {
            Ok(())
        }
    }

    fn fail<T>(&mut self, e: SmError) -> Result<T, SmError> {
        self.closed = true;
        Err(e)
    }

    /// Closes the channel (e.g. the caller saw a protocol violation around it).
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Terminal side: protects a plain command APDU.
    pub fn protect_command(
        &mut self,
        cmd: &CommandApdu,
        mode: LengthMode,
    ) -> Result<CommandApdu, SmError> {
        self.guard()?;
        self.increment_ssc();
        let cla = cmd.cla | 0x0C;
        let header = symmetric::pad(&[cla, cmd.ins, cmd.p1, cmd.p2], self.alg.block_size());
        let mut data_do = Vec::new();
        if !cmd.data.is_empty() {
            let cryptogram = self.encrypt(&cmd.data)?;
            if cmd.ins & 1 == 1 {
                tlv::encode_into(DO85, &cryptogram, &mut data_do);
            } else {
                let mut v = Vec::with_capacity(cryptogram.len() + 1);
                v.push(0x01);
                v.extend_from_slice(&cryptogram);
                tlv::encode_into(DO87, &v, &mut data_do);
            }
        }
        let mut le_do = Vec::new();
        if let Some(ne) = cmd.ne {
            let le: Vec<u8> = match (mode, ne) {
                (_, 256) if mode == LengthMode::Short => vec![0],
                (LengthMode::Short, n) if n < 256 => vec![n as u8],
                (LengthMode::Short, _) => return Err(SmError::CommandTooLong),
                (LengthMode::Extended, n) if n < 256 => vec![n as u8],
                (LengthMode::Extended, 65536) => vec![0, 0],
                (LengthMode::Extended, n) => (n as u16).to_be_bytes().to_vec(),
            };
            tlv::encode_into(DO97, &le, &mut le_do);
        }
        let cc = self.mac_over(&[&header, &data_do, &le_do])?;
        let mut body = data_do;
        body.extend_from_slice(&le_do);
        tlv::encode_into(DO8E, &cc, &mut body);
        let ne = match mode {
            LengthMode::Short => 256,
            LengthMode::Extended => 65536,
        };
        if mode == LengthMode::Short && body.len() > 255 {
            return Err(SmError::CommandTooLong);
        }
        Ok(CommandApdu {
            cla,
            ins: cmd.ins,
            p1: cmd.p1,
            p2: cmd.p2,
            data: body,
            ne: Some(ne),
        })
    }

    /// Terminal side: verifies and decrypts a response. A bare error status (two bytes, not
    /// `9000`) comes back as [`Unprotected::Plain`], never as an authenticated answer; plain
    /// data or a plain `9000` is refused. A plain `6987`/`6988` (the chip says secure messaging
    /// ended) closes the channel: the chip has dropped the session keys.
    pub fn unprotect_response(&mut self, raw: &ResponseApdu) -> Result<Unprotected, SmError> {
        self.guard()?;
        self.increment_ssc();
        if raw.data.is_empty() {
            if raw.sw.is_success() {
                return self.fail(SmError::PlaintextResponse);
            }
            if matches!(
                raw.sw,
                StatusWord::SM_OBJECTS_MISSING | StatusWord::SM_OBJECTS_INCORRECT
            ) {
                self.closed = true;
            }
            return Ok(Unprotected::Plain(raw.sw));
        }
        // Every protected response starts with DO'85', DO'87', DO'99' or DO'8E'; anything else
        // is a plaintext answer.
        if !matches!(raw.data.first(), Some(0x85 | 0x87 | 0x99 | 0x8E)) {
            return self.fail(SmError::PlaintextResponse);
        }
        match self.parse_response(raw) {
            Ok(r) => Ok(Unprotected::Authenticated(r)),
            Err(e) => self.fail(e),
        }
    }

    /// The length of the data field `cmd` will have once protected (DO'87'/'85', DO'97',
    /// DO'8E'), so a caller can pick short or extended encoding before the SSC moves.
    pub fn protected_data_len(&self, cmd: &CommandApdu) -> usize {
        let block = self.alg.block_size();
        let data = if cmd.data.is_empty() {
            0
        } else {
            let padded = (cmd.data.len() / block + 1) * block;
            let value = padded + usize::from(cmd.ins & 1 == 0);
            1 + tlv_len_size(value) + value
        };
        let le = match cmd.ne {
            None => 0,
            Some(n) if n <= 256 => 3,
            Some(_) => 4,
        };
        data + le + 10
    }

    fn parse_response(&self, raw: &ResponseApdu) -> Result<ResponseApdu, SmError> {
        let Protected {
            cryptogram,
            second: status,
            mac,
            mac_input,
        } = Protected::split(&raw.data, DO99)?;
        let status = status.ok_or(SmError::MissingObject(DO99))?;
        let expected = self.mac_over(&[&mac_input])?;
        if !symmetric::mac_eq(mac.value, &expected) {
            return Err(SmError::BadMac);
        }
        let inner_sw: [u8; 2] = status
            .value
            .try_into()
            .map_err(|_| SmError::MissingObject(DO99))?;
        if StatusWord::from_bytes(inner_sw) != raw.sw {
            return Err(SmError::StatusMismatch);
        }
        let data = match cryptogram {
            None => Vec::new(),
            Some(obj) => self.open_cryptogram(obj)?,
        };
        Ok(ResponseApdu { data, sw: raw.sw })
    }

    /// Chip side: verifies and decrypts a protected command.
    pub fn unprotect_command(&mut self, cmd: &CommandApdu) -> Result<CommandApdu, SmError> {
        self.guard()?;
        self.increment_ssc();
        match self.parse_command(cmd) {
            Ok(c) => Ok(c),
            Err(e) => self.fail(e),
        }
    }

    fn parse_command(&self, cmd: &CommandApdu) -> Result<CommandApdu, SmError> {
        if cmd.cla & 0x0C != 0x0C {
            return Err(SmError::MissingObject(DO8E));
        }
        let Protected {
            cryptogram,
            second: le,
            mac,
            mac_input,
        } = Protected::split(&cmd.data, DO97)?;
        let header = symmetric::pad(&[cmd.cla, cmd.ins, cmd.p1, cmd.p2], self.alg.block_size());
        let expected = self.mac_over(&[&header, &mac_input])?;
        if !symmetric::mac_eq(mac.value, &expected) {
            return Err(SmError::BadMac);
        }
        let data = match cryptogram {
            None => Vec::new(),
            Some(obj) => self.open_cryptogram(obj)?,
        };
        let ne = match le.map(|o| o.value) {
            None => None,
            Some([0]) => Some(256),
            Some([0, 0]) => Some(65536),
            Some([n]) => Some(usize::from(*n)),
            Some([a, b]) => Some(usize::from(u16::from_be_bytes([*a, *b]))),
            Some(_) => return Err(SmError::UnexpectedObject(DO97)),
        };
        Ok(CommandApdu {
            cla: cmd.cla & !0x0C,
            ins: cmd.ins,
            p1: cmd.p1,
            p2: cmd.p2,
            data,
            ne,
        })
    }

    /// Chip side: protects a response (data is encrypted into DO'87', or DO'85' for odd INS).
    pub fn protect_response(
        &mut self,
        resp: &ResponseApdu,
        odd_ins: bool,
    ) -> Result<ResponseApdu, SmError> {
        self.guard()?;
        self.increment_ssc();
        let mut body = Vec::new();
        if !resp.data.is_empty() {
            let cryptogram = self.encrypt(&resp.data)?;
            if odd_ins {
                tlv::encode_into(DO85, &cryptogram, &mut body);
            } else {
                let mut v = Vec::with_capacity(cryptogram.len() + 1);
                v.push(0x01);
                v.extend_from_slice(&cryptogram);
                tlv::encode_into(DO87, &v, &mut body);
            }
        }
        tlv::encode_into(DO99, &resp.sw.to_bytes(), &mut body);
        let cc = self.mac_over(&[&body])?;
        tlv::encode_into(DO8E, &cc, &mut body);
        Ok(ResponseApdu {
            data: body,
            sw: resp.sw,
        })
    }
}

impl SecureChannel {
    /// Chip side, for test chips that misbehave on purpose: like
    /// [`SecureChannel::protect_response`] for an even INS, but `padded` is encrypted as it is
    /// (it must be whole cipher blocks) instead of being padded first. The MAC is correct, so a
    /// terminal gets past MAC verification and must itself reject wrong padding in the
    /// decrypted data ([`SmError::BadPadding`]).
    pub fn protect_response_prepadded(
        &mut self,
        padded: &[u8],
        sw: StatusWord,
    ) -> Result<ResponseApdu, SmError> {
        self.guard()?;
        self.increment_ssc();
        let cryptogram = symmetric::cbc_encrypt(self.alg, &self.ks_enc, &self.iv()?, padded)?;
        let mut v = Vec::with_capacity(cryptogram.len() + 1);
        v.push(0x01);
        v.extend_from_slice(&cryptogram);
        let mut body = Vec::new();
        tlv::encode_into(DO87, &v, &mut body);
        tlv::encode_into(DO99, &sw.to_bytes(), &mut body);
        let cc = self.mac_over(&[&body])?;
        tlv::encode_into(DO8E, &cc, &mut body);
        Ok(ResponseApdu { data: body, sw })
    }
}

/// Bytes of a BER length field for a value of `len` bytes.
fn tlv_len_size(len: usize) -> usize {
    match len {
        0..=0x7F => 1,
        0x80..=0xFF => 2,
        0x100..=0xFFFF => 3,
        _ => 4,
    }
}

/// The data objects of a protected APDU in the order 9303-11 §9.8 prescribes: an optional
/// cryptogram (`85`/`87`), an optional second object (`99` status in responses, `97` Le in
/// commands), then the MAC `8E`, which must come last; and the bytes the MAC covers.
struct Protected<'a> {
    cryptogram: Option<Tlv<'a>>,
    second: Option<Tlv<'a>>,
    mac: Tlv<'a>,
    mac_input: Vec<u8>,
}

impl<'a> Protected<'a> {
    fn split(data: &'a [u8], second_tag: Tag) -> Result<Self, SmError> {
        let mut cryptogram = None;
        let mut second = None;
        let mut mac = None;
        let mut mac_input = Vec::new();
        for (obj, bytes) in objects(data) {
            let obj = obj?;
            if mac.is_some() {
                return Err(SmError::UnexpectedObject(obj.tag));
            }
            match obj.tag {
                DO85 | DO87 if cryptogram.is_none() && second.is_none() => cryptogram = Some(obj),
                tag if tag == second_tag && second.is_none() => second = Some(obj),
                DO8E => {
                    mac = Some(obj);
                    continue;
                }
                other => return Err(SmError::UnexpectedObject(other)),
            }
            mac_input.extend_from_slice(bytes);
        }
        Ok(Self {
            cryptogram,
            second,
            mac: mac.ok_or(SmError::MissingObject(DO8E))?,
            mac_input,
        })
    }
}

/// The data objects of a protected APDU, each with its exact encoded bytes: MACs are
/// computed over the bytes as sent, which may use non-minimal length encodings.
fn objects(data: &[u8]) -> impl Iterator<Item = (Result<Tlv<'_>, tlv::TlvError>, &[u8])> {
    let mut rest = data;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || rest.is_empty() {
            return None;
        }
        match Tlv::parse(rest) {
            Ok((obj, tail)) => {
                let bytes = rest
                    .get(..rest.len().saturating_sub(tail.len()))
                    .unwrap_or_default();
                rest = tail;
                Some((Ok(obj), bytes))
            }
            Err(e) => {
                failed = true;
                Some((Err(e), &[][..]))
            }
        }
    })
}

#[cfg(test)]
mod tests;
