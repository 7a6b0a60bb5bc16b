//! Reading an Answer To Reset: its structure (ISO/IEC 7816-3 §8.2), its historical bytes, and
//! whether the card advertises extended-length APDUs there (ISO/IEC 7816-4 §8.1.1.2.7).
//!
//! For a contactless card, PC/SC readers build the ATR from the ATS (Type A) or the ATQB
//! (Type B): `3B 8n 80 01` + historical bytes + `TCK`. A chip that accepts extended Lc/Le
//! fields says so in the third software function table of its card capabilities object
//! (compact-TLV tag `7`), bit b7 (`40`).

use std::ops::Range;

pub use tapid_card::historical::EXTENDED_LC_LE;

/// Why an ATR does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AtrError {
    /// The first byte is neither `3B` (direct) nor `3F` (inverse convention).
    #[error("ATR does not start with 3B or 3F")]
    BadTs,
    /// The ATR ends before the bytes its format bytes announce.
    #[error("ATR truncated")]
    Truncated,
    /// Bytes follow the announced end.
    #[error("ATR has {0} unexpected trailing bytes")]
    Trailing(usize),
    /// The check byte does not match.
    #[error("ATR check byte (TCK) mismatch")]
    BadTck,
}

/// A parsed ATR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atr {
    bytes: Vec<u8>,
    historical: Range<usize>,
    protocols: Vec<u8>,
}

impl Atr {
    /// Parses and checks an ATR (structure and, when present, TCK).
    pub fn parse(bytes: &[u8]) -> Result<Self, AtrError> {
        let ts = *bytes.first().ok_or(AtrError::Truncated)?;
        if ts != 0x3B && ts != 0x3F {
            return Err(AtrError::BadTs);
        }
        let t0 = *bytes.get(1).ok_or(AtrError::Truncated)?;
        let k = usize::from(t0 & 0x0F);
        let mut y = t0 >> 4;
        let mut pos = 2usize;
        let mut protocols = Vec::new();
        loop {
            // TA, TB, TC: skip; TD: read, it announces the next group.
            pos += usize::from((y & 0x1) + ((y >> 1) & 0x1) + ((y >> 2) & 0x1));
            if y & 0x8 == 0 {
                break;
            }
            let td = *bytes.get(pos).ok_or(AtrError::Truncated)?;
            pos += 1;
            protocols.push(td & 0x0F);
            y = td >> 4;
        }
        let historical = pos..pos + k;
        if bytes.len() < historical.end {
            return Err(AtrError::Truncated);
        }
        let mut end = historical.end;
        // TCK is present unless only T=0 is indicated (ISO/IEC 7816-3 §8.2.5).
        if protocols.iter().any(|p| *p != 0) {
            if bytes.len() <= end {
                return Err(AtrError::Truncated);
            }
            end += 1;
            let check = bytes
                .get(1..end)
                .ok_or(AtrError::Truncated)?
                .iter()
                .fold(0u8, |a, b| a ^ b);
            if check != 0 {
                return Err(AtrError::BadTck);
            }
        }
        if bytes.len() > end {
            return Err(AtrError::Trailing(bytes.len() - end));
        }
        Ok(Self {
            bytes: bytes.to_vec(),
            historical,
            protocols,
        })
    }

    /// The raw ATR.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The historical bytes.
    pub fn historical(&self) -> &[u8] {
        self.bytes.get(self.historical.clone()).unwrap_or_default()
    }

    /// Protocols announced by the TD bytes (e.g. `[0, 1]` for a contactless card).
    pub fn protocols(&self) -> &[u8] {
        &self.protocols
    }

    /// Whether this is the PC/SC part 3 form of a contactless card (`3B 8n 80 01 …`).
    pub fn is_contactless(&self) -> bool {
        matches!(self.bytes.get(..4), Some([0x3B, t0, 0x80, 0x01]) if t0 & 0xF0 == 0x80)
    }

    /// The card capabilities object (compact-TLV tag `7`) of the historical bytes, if any.
    pub fn card_capabilities(&self) -> Option<&[u8]> {
        tapid_card::historical::card_capabilities(self.historical())
    }

    /// What the card says about extended length: `None` when it says nothing (no card
    /// capabilities object), otherwise the "extended Lc and Le fields" bit.
    pub fn extended_length(&self) -> Option<bool> {
        tapid_card::historical::extended_length(self.historical())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn desfire_contactless_atr() {
        let atr = Atr::parse(&[0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]).unwrap();
        assert!(atr.is_contactless());
        assert_eq!(atr.historical(), [0x80]);
        assert_eq!(atr.protocols(), [0, 1]);
        assert_eq!(atr.card_capabilities(), None);
        assert_eq!(atr.extended_length(), None);
    }

    #[test]
    fn card_capabilities_with_extended_length() {
        let atr =
            Atr::parse(&[0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x94, 0x21, 0x40, 0x02]).unwrap();
        assert_eq!(atr.card_capabilities(), Some(&[0x94, 0x21, 0x40][..]));
        assert_eq!(atr.extended_length(), Some(true));
        let short =
            Atr::parse(&[0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x94, 0x21, 0x00, 0x42]).unwrap();
        assert_eq!(short.extended_length(), Some(false));
    }

    #[test]
    fn status_indicator_category_and_other_objects() {
        // Category 00: objects, then 3 status bytes. A pre-issuing object (6x) comes first.
        let hist = [
            0x00, 0x62, 0xAA, 0xBB, 0x73, 0x00, 0x00, 0xC0, 0x00, 0x90, 0x00,
        ];
        let mut atr = vec![0x3B, 0x80 | hist.len() as u8, 0x80, 0x01];
        atr.extend_from_slice(&hist);
        atr.push(atr[1..].iter().fold(0, |a, b| a ^ b));
        let atr = Atr::parse(&atr).unwrap();
        assert_eq!(atr.extended_length(), Some(true));
    }

    #[test]
    fn contact_t0_atr_without_tck() {
        // T0 = 12: TA1 present, no TD1 (so only T=0 and no TCK), two historical bytes.
        let atr = Atr::parse(&[0x3B, 0x12, 0x96, 0xAA, 0xBB]).unwrap();
        assert_eq!(atr.historical(), [0xAA, 0xBB]);
        assert!(atr.protocols().is_empty());
        assert!(!atr.is_contactless());
    }

    #[test]
    fn malformed_atrs() {
        assert_eq!(Atr::parse(&[]), Err(AtrError::Truncated));
        assert_eq!(Atr::parse(&[0x3A, 0x00]), Err(AtrError::BadTs));
        assert_eq!(
            Atr::parse(&[0x3B, 0x81, 0x80, 0x01, 0x80, 0x81]),
            Err(AtrError::BadTck)
        );
        assert_eq!(
            Atr::parse(&[0x3B, 0x81, 0x80, 0x01, 0x80]),
            Err(AtrError::Truncated)
        );
        assert_eq!(
            Atr::parse(&[0x3B, 0x81, 0x80, 0x01, 0x80, 0x80, 0x00]),
            Err(AtrError::Trailing(1))
        );
        // Announced TD1 missing.
        assert_eq!(Atr::parse(&[0x3B, 0x80]), Err(AtrError::Truncated));
        // A bad compact-TLV length yields no capabilities rather than a panic.
        let mut atr = vec![0x3B, 0x82, 0x80, 0x01, 0x80, 0x7F];
        atr.push(atr[1..].iter().fold(0, |a, b| a ^ b));
        assert_eq!(Atr::parse(&atr).unwrap().extended_length(), None);
    }
}
