//! BER-TLV as used on smart cards (ISO/IEC 7816-4 §5.2, ISO/IEC 8825-1): multi-byte tags,
//! definite short and long-form lengths. Every malformed input is an error, never a panic.
//!
//! Indefinite lengths (`80`) are not allowed in card data objects and are rejected here;
//! CMS structures that may use them are parsed with the `der` crate's BER mode instead.

/// Largest number of bytes a tag may take (ISO/IEC 7816-4 allows up to three).
const MAX_TAG_BYTES: usize = 3;
/// Largest number of length bytes after `8x` accepted (`84` = four bytes).
const MAX_LENGTH_BYTES: usize = 4;

/// Errors parsing BER-TLV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlvError {
    /// Input ended inside a tag.
    #[error("TLV truncated inside the tag")]
    TruncatedTag,
    /// Tag longer than three bytes.
    #[error("TLV tag longer than {MAX_TAG_BYTES} bytes")]
    TagTooLong,
    /// Input ended inside a length field.
    #[error("TLV truncated inside the length")]
    TruncatedLength,
    /// `80` indefinite length, not allowed in card data objects.
    #[error("TLV indefinite length is not allowed")]
    IndefiniteLength,
    /// A length field of more than four bytes, or one that overflows.
    #[error("TLV length field too large")]
    LengthTooLarge,
    /// The value runs past the end of the input.
    #[error("TLV value of {declared} bytes runs past the {available} bytes available")]
    ValueOverrun {
        /// Declared value length.
        declared: usize,
        /// Bytes actually present.
        available: usize,
    },
    /// A required data object is missing.
    #[error("TLV object with tag {0} is missing")]
    Missing(Tag),
    /// An object appeared where another was expected.
    #[error("unexpected TLV tag {found} (expected {expected})")]
    UnexpectedTag {
        /// The tag expected.
        expected: Tag,
        /// The tag found.
        found: Tag,
    },
    /// Bytes left over after the last object where none are allowed.
    #[error("{0} trailing bytes after TLV object")]
    TrailingBytes(usize),
}

/// A BER tag, stored as its encoded bytes read big-endian (`5F1F` → `0x5F1F`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

impl Tag {
    /// Whether bit 6 of the first byte marks a constructed object.
    pub fn is_constructed(self) -> bool {
        self.first_byte() & 0x20 != 0
    }

    fn first_byte(self) -> u8 {
        let bytes = self.0.to_be_bytes();
        bytes.into_iter().find(|b| *b != 0).unwrap_or(0)
    }

    /// The encoded tag bytes.
    pub fn to_bytes(self) -> Vec<u8> {
        let bytes = self.0.to_be_bytes();
        let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
        bytes.iter().skip(skip).copied().collect()
    }

    /// Reads a tag from the front of `input`, returning it and the rest.
    pub fn parse(input: &[u8]) -> Result<(Self, &[u8]), TlvError> {
        let (&first, mut rest) = input.split_first().ok_or(TlvError::TruncatedTag)?;
        let mut value = u32::from(first);
        if first & 0x1F == 0x1F {
            let mut count = 1;
            loop {
                let (&b, tail) = rest.split_first().ok_or(TlvError::TruncatedTag)?;
                rest = tail;
                count += 1;
                if count > MAX_TAG_BYTES {
                    return Err(TlvError::TagTooLong);
                }
                value = (value << 8) | u32::from(b);
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        Ok((Self(value), rest))
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}'", hex::encode_upper(self.to_bytes()))
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tag({self})")
    }
}

/// Reads a definite length from the front of `input`.
pub fn parse_length(input: &[u8]) -> Result<(usize, &[u8]), TlvError> {
    let (&first, rest) = input.split_first().ok_or(TlvError::TruncatedLength)?;
    if first < 0x80 {
        return Ok((usize::from(first), rest));
    }
    if first == 0x80 {
        return Err(TlvError::IndefiniteLength);
    }
    let n = usize::from(first & 0x7F);
    if n > MAX_LENGTH_BYTES {
        return Err(TlvError::LengthTooLarge);
    }
    let (len_bytes, rest) = rest.split_at_checked(n).ok_or(TlvError::TruncatedLength)?;
    let mut len: u64 = 0;
    for b in len_bytes {
        len = (len << 8) | u64::from(*b);
    }
    let len = usize::try_from(len).map_err(|_| TlvError::LengthTooLarge)?;
    Ok((len, rest))
}

/// Encodes a definite length in the shortest form.
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        0x100..=0xFFFF => {
            out.push(0x82);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xFF_FFFF => {
            out.push(0x83);
            out.extend_from_slice(&(len as u32).to_be_bytes()[1..]);
        }
        _ => {
            out.push(0x84);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

/// One parsed data object borrowing its value from the input.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// The value bytes.
    pub value: &'a [u8],
    /// Bytes of tag and length together.
    pub header_len: usize,
}

impl std::fmt::Debug for Tlv<'_> {
    // Values may hold personal data; print only their size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tlv({}, {} bytes)", self.tag, self.value.len())
    }
}

impl<'a> Tlv<'a> {
    /// Parses one object from the front of `input`, returning it and the rest.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), TlvError> {
        let (tag, rest) = Tag::parse(input)?;
        let (len, rest) = parse_length(rest)?;
        let header_len = input.len() - rest.len();
        let (value, rest) = rest.split_at_checked(len).ok_or(TlvError::ValueOverrun {
            declared: len,
            available: rest.len(),
        })?;
        Ok((
            Self {
                tag,
                value,
                header_len,
            },
            rest,
        ))
    }

    /// Parses exactly one object filling all of `input`.
    pub fn parse_exact(input: &'a [u8]) -> Result<Self, TlvError> {
        let (tlv, rest) = Self::parse(input)?;
        if !rest.is_empty() {
            return Err(TlvError::TrailingBytes(rest.len()));
        }
        Ok(tlv)
    }

    /// Parses one object that must carry `tag`, filling all of `input`.
    pub fn parse_tagged(input: &'a [u8], tag: Tag) -> Result<Self, TlvError> {
        let tlv = Self::parse_exact(input)?;
        if tlv.tag != tag {
            return Err(TlvError::UnexpectedTag {
                expected: tag,
                found: tlv.tag,
            });
        }
        Ok(tlv)
    }

    /// Iterates over the objects inside this object's value.
    pub fn children(&self) -> TlvIter<'a> {
        TlvIter::new(self.value)
    }

    /// The first child with `tag`, if any (malformed children are an error).
    pub fn find(&self, tag: Tag) -> Result<Option<Tlv<'a>>, TlvError> {
        find(self.value, tag)
    }

    /// The first child with `tag`, or [`TlvError::Missing`].
    pub fn require(&self, tag: Tag) -> Result<Tlv<'a>, TlvError> {
        self.find(tag)?.ok_or(TlvError::Missing(tag))
    }

    /// Total encoded size.
    pub fn encoded_len(&self) -> usize {
        self.header_len + self.value.len()
    }
}

/// The first object with `tag` in a concatenation of objects.
pub fn find(input: &[u8], tag: Tag) -> Result<Option<Tlv<'_>>, TlvError> {
    for tlv in TlvIter::new(input) {
        let tlv = tlv?;
        if tlv.tag == tag {
            return Ok(Some(tlv));
        }
    }
    Ok(None)
}

/// Iterator over concatenated objects; yields one error and stops on malformed input.
pub struct TlvIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> TlvIter<'a> {
    /// Iterates over the objects in `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            failed: false,
        }
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match Tlv::parse(self.rest) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Encodes one data object.
pub fn encode(tag: Tag, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    encode_into(tag, value, &mut out);
    out
}

/// Appends one encoded data object to `out`.
pub fn encode_into(tag: Tag, value: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&tag.to_bytes());
    encode_length(value.len(), out);
    out.extend_from_slice(value);
}

/// The size of a complete object from its first bytes, for reading a file whose length is
/// only known from its header (EF.COM, DGs, EF.SOD). `Ok(None)` means more bytes are needed.
pub fn total_len_from_header(first: &[u8]) -> Result<Option<usize>, TlvError> {
    let rest = match Tag::parse(first) {
        Ok((_, rest)) => rest,
        Err(TlvError::TruncatedTag) => return Ok(None),
        Err(e) => return Err(e),
    };
    match parse_length(rest) {
        Ok((len, after)) => {
            let header = first.len() - after.len();
            header
                .checked_add(len)
                .map(Some)
                .ok_or(TlvError::LengthTooLarge)
        }
        Err(TlvError::TruncatedLength) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn parses_ef_com() {
        let com = hex("60145F0104303130365F36063034303030305C026175");
        let tlv = Tlv::parse_exact(&com).unwrap();
        assert_eq!(tlv.tag, Tag(0x60));
        assert!(tlv.tag.is_constructed());
        assert_eq!(tlv.header_len, 2);
        let kids: Vec<_> = tlv.children().map(|t| t.unwrap().tag).collect();
        assert_eq!(kids, vec![Tag(0x5F01), Tag(0x5F36), Tag(0x5C)]);
        assert_eq!(tlv.require(Tag(0x5C)).unwrap().value, &[0x61, 0x75]);
        assert_eq!(tlv.require(Tag(0x99)), Err(TlvError::Missing(Tag(0x99))));
    }

    #[test]
    fn long_forms() {
        let value = vec![0xAB; 300];
        let enc = encode(Tag(0x7F61), &value);
        assert_eq!(&enc[..5], &hex("7F6182012C"));
        let tlv = Tlv::parse_exact(&enc).unwrap();
        assert_eq!(tlv.value.len(), 300);
        assert_eq!(total_len_from_header(&enc[..4]).unwrap(), None);
        assert_eq!(total_len_from_header(&enc[..5]).unwrap(), Some(305));
        assert_eq!(total_len_from_header(&hex("7581")).unwrap(), None);
        assert_eq!(total_len_from_header(&hex("758180")).unwrap(), Some(131));
        for len in [0usize, 127, 128, 255, 256, 65535, 65536, 0x1_000_000] {
            let mut out = Vec::new();
            encode_length(len, &mut out);
            assert_eq!(parse_length(&out).unwrap().0, len);
        }
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert_eq!(Tlv::parse(&[]), Err(TlvError::TruncatedTag));
        assert_eq!(Tlv::parse(&hex("5F")), Err(TlvError::TruncatedTag));
        assert_eq!(Tlv::parse(&hex("5F81818101")), Err(TlvError::TagTooLong));
        assert_eq!(Tlv::parse(&hex("60")), Err(TlvError::TruncatedLength));
        assert_eq!(Tlv::parse(&hex("6080")), Err(TlvError::IndefiniteLength));
        assert_eq!(
            Tlv::parse(&hex("6085FFFFFFFFFF")),
            Err(TlvError::LengthTooLarge)
        );
        assert_eq!(Tlv::parse(&hex("6082FF")), Err(TlvError::TruncatedLength));
        assert_eq!(
            Tlv::parse(&hex("600401")),
            Err(TlvError::ValueOverrun {
                declared: 4,
                available: 1
            })
        );
        assert_eq!(
            Tlv::parse_exact(&hex("6000FF")),
            Err(TlvError::TrailingBytes(1))
        );
        assert_eq!(
            Tlv::parse_tagged(&hex("6100"), Tag(0x60)),
            Err(TlvError::UnexpectedTag {
                expected: Tag(0x60),
                found: Tag(0x61)
            })
        );
        let input = hex("5C01615C05");
        let errs: Vec<_> = TlvIter::new(&input).collect();
        assert_eq!(errs.len(), 2);
        assert!(errs[1].is_err());
    }

    #[test]
    fn tag_bytes() {
        assert_eq!(Tag(0x5F1F).to_bytes(), hex("5F1F"));
        assert_eq!(Tag(0x00).to_bytes(), hex("00"));
        assert_eq!(Tag(0x7F2E).to_string(), "'7F2E'");
        assert_eq!(Tag::parse(&hex("9F8101")).unwrap().0, Tag(0x9F8101));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            for t in TlvIter::new(&bytes).flatten() { let _ = t.children().count(); }
            let _ = total_len_from_header(&bytes);
        }

        #[test]
        fn round_trip(tag in 0x41u32..0x5E, value in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1000)) {
            let enc = encode(Tag(tag), &value);
            let tlv = Tlv::parse_exact(&enc).unwrap();
            proptest::prop_assert_eq!(tlv.value, &value[..]);
        }
    }
}
