//! The one hand-written ASN.1 reader: a BER walker over the CMS containers of passive
//! authentication that keeps the original bytes of every element.
//!
//! Everything typed is decoded with the `der` crate (certificates and CRLs with x509-cert,
//! AlgorithmIdentifiers, keys, `ECParameters`, the LDSSecurityObject, attributes, names;
//! [`decode`] and [`Tlv::decode`] hand an element to it). This walker exists for what `der`
//! 0.8 does not do with real documents (measurements in `docs/design-decisions.md`):
//!
//! * CMS signs the *original* encoding of the signed attributes (and an X.509 signature the
//!   original TBS). `der` re-sorts a `SET OF` it decodes as DER, and re-encodes lengths of one
//!   it decodes as BER, so a typed SignerInfo only reproduces the signed bytes when they were
//!   sorted DER to begin with. [`Tlv::raw`] keeps them.
//! * Issuers use BER: indefinite lengths (the New Zealand SOD), definite-length *constructed*
//!   OCTET STRINGs ([`Tlv::octets`] joins their chunks; `der`'s BER mode refuses them and joins
//!   only indefinite-length ones), non-minimal lengths, non-canonical INTEGERs in SignerInfo
//!   serial numbers (all refused by `der` even under BER rules).
//! * One bad certificate must not make a master list unreadable: the walker hands each
//!   `certList` entry to the typed decoder on its own.
//! * [`super::file_kind`] recognises damaged and truncated files from their first elements.
//!
//! `tapid_card::tlv` is a different thing: ISO/IEC 7816-4 BER-TLV data objects of APDUs.

use super::error::PaError;

/// Maximum nesting depth accepted when scanning indefinite-length content (hostile input bound).
const MAX_DEPTH: usize = 64;

/// One TLV element: its tag byte(s), content and the full original encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// First identifier octet (class, constructed bit and low tag number).
    pub tag: u8,
    /// Content octets (for indefinite lengths: without the end-of-contents octets).
    pub content: &'a [u8],
    /// The complete element: identifier, length and content (and end-of-contents if any).
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Children of a constructed element.
    pub fn children(&self) -> Reader<'a> {
        Reader::new(self.content)
    }

    /// Fails with a precise error unless the tag is `expected`.
    pub fn expect(self, expected: u8, what: &'static str) -> Result<Self, PaError> {
        if self.tag == expected {
            Ok(self)
        } else {
            Err(PaError::Malformed(what))
        }
    }

    /// Decodes the element with `der` as a `T` (see [`decode`]).
    pub fn decode<T>(&self, what: &'static str) -> Result<T, PaError>
    where
        T: der::Decode<'a, Error = der::Error>,
    {
        decode(self.raw, what)
    }

    /// Content of an OCTET STRING, joining the chunks of a BER constructed encoding.
    pub fn octets(&self) -> Result<Vec<u8>, PaError> {
        match self.tag {
            0x04 => Ok(self.content.to_vec()),
            0x24 => {
                let mut out = Vec::new();
                for chunk in self.children() {
                    out.extend_from_slice(&chunk?.octets()?);
                }
                Ok(out)
            }
            _ => Err(PaError::Malformed("OCTET STRING")),
        }
    }
}

/// Iterator over consecutive TLV elements in a byte string.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads elements from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The next element, failing with `what` when there is none.
    pub fn next_required(&mut self, what: &'static str) -> Result<Tlv<'a>, PaError> {
        self.next().ok_or(PaError::Malformed(what))?
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, PaError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read_tlv(self.rest, 0) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// Decodes one typed element with `der` under BER rules (which accept DER, and indefinite
/// lengths inside the element), failing with a [`PaError::Decode`] that names `what`.
pub(crate) fn decode<'a, T>(bytes: &'a [u8], what: &'static str) -> Result<T, PaError>
where
    T: der::Decode<'a, Error = der::Error>,
{
    T::from_ber(bytes).map_err(|e| decode_error(what, e))
}

/// A `der` error as a [`PaError::Decode`] naming `what`.
pub(crate) fn decode_error(what: &'static str, e: der::Error) -> PaError {
    PaError::Decode {
        what,
        detail: e.to_string(),
    }
}

/// Parses exactly one element spanning all of `bytes` (trailing bytes are an error).
pub(crate) fn parse_single(bytes: &[u8]) -> Result<Tlv<'_>, PaError> {
    let (tlv, rest) = read_tlv(bytes, 0)?;
    if rest.is_empty() {
        Ok(tlv)
    } else {
        Err(PaError::Malformed("trailing bytes after element"))
    }
}

/// Parses the first element of `bytes`, ignoring anything after it (files padded by chips).
pub(crate) fn parse_first(bytes: &[u8]) -> Result<Tlv<'_>, PaError> {
    read_tlv(bytes, 0).map(|(tlv, _)| tlv)
}

fn read_tlv(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), PaError> {
    if depth > MAX_DEPTH {
        return Err(PaError::Malformed("nesting too deep"));
    }
    let (&tag, mut rest) = input
        .split_first()
        .ok_or(PaError::Malformed("truncated tag"))?;
    if tag & 0x1F == 0x1F {
        // High tag number form: skip subsequent octets with the continuation bit.
        loop {
            let (&b, r) = rest
                .split_first()
                .ok_or(PaError::Malformed("truncated tag"))?;
            rest = r;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let (&first, after_len) = rest
        .split_first()
        .ok_or(PaError::Malformed("truncated length"))?;
    rest = after_len;
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(PaError::Malformed("indefinite length on primitive element"));
        }
        // Indefinite length: walk children until the end-of-contents octets 00 00.
        let content_start = rest;
        let mut cursor = rest;
        loop {
            if cursor.first() == Some(&0) && cursor.get(1) == Some(&0) {
                let content_len = content_start.len() - cursor.len();
                let (content, _) = content_start
                    .split_at_checked(content_len)
                    .ok_or(PaError::Malformed("length"))?;
                let after = cursor.get(2..).ok_or(PaError::Malformed("length"))?;
                let total = input.len() - after.len();
                let raw = input.get(..total).ok_or(PaError::Malformed("length"))?;
                return Ok((Tlv { tag, content, raw }, after));
            }
            let (_, next) = read_tlv(cursor, depth + 1)?;
            cursor = next;
        }
    }
    let len = if first & 0x80 == 0 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7F);
        if n > 4 {
            return Err(PaError::Malformed("length too large"));
        }
        let (len_bytes, r) = rest
            .split_at_checked(n)
            .ok_or(PaError::Malformed("truncated length"))?;
        rest = r;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    let (content, after) = rest
        .split_at_checked(len)
        .ok_or(PaError::Malformed("truncated content"))?;
    let total = input.len() - after.len();
    let raw = input.get(..total).ok_or(PaError::Malformed("length"))?;
    Ok((Tlv { tag, content, raw }, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite_lengths() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let t = parse_single(&der).unwrap();
        assert_eq!(t.tag, 0x30);
        assert_eq!(t.content, &[0x02, 0x01, 0x05]);
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0xAA, 0x04, 0x01, 0xBB, 0, 0, 0, 0,
        ];
        let t = parse_single(&ber).unwrap();
        assert_eq!(t.raw.len(), ber.len());
        let inner = t.children().next().unwrap().unwrap();
        assert_eq!(inner.octets().unwrap(), vec![0xAA, 0xBB]);
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(parse_single(&[0x30, 0x05, 0x02]).is_err());
        assert!(parse_single(&[0x30, 0x80, 0x02, 0x01, 0x05]).is_err());
        assert!(parse_single(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }
}
