//! EF.ATR/INFO (ISO/IEC 7816-4 §12.2.2; FID `2F01` in the master file, readable without
//! access control): interindustry data objects about the card, of which a reader needs the
//! extended length information `7F66` and the card capabilities `47`. 9303-10 has chips that
//! take extended-length APDUs announce it here. Unsigned: it can only choose an encoding.

use tapid_card::tlv::{Tag, Tlv, TlvError};

use tapid_card::historical::EXTENDED_LC_LE;

/// Extended length information (`7F66`).
const EXTENDED_LENGTH_INFO: Tag = Tag(0x7F66);
/// Card capabilities (`47`), the same three software function tables as in the ATR.
const CARD_CAPABILITIES: Tag = Tag(0x47);
/// INTEGER inside `7F66`.
const INTEGER: Tag = Tag(0x02);

/// What EF.ATR/INFO says about the APDUs the chip takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct AtrInfo {
    /// Whether the chip announces extended Lc/Le (a `7F66` object, or the card capabilities'
    /// extended-length bit).
    pub extended_length: bool,
    /// The largest command APDU the chip buffers (`7F66`, first INTEGER).
    pub max_command_len: Option<usize>,
    /// The largest response APDU the chip sends (`7F66`, second INTEGER).
    pub max_response_len: Option<usize>,
}

impl AtrInfo {
    /// Parses the file: a sequence of BER-TLV data objects (others are skipped; padding
    /// `00`/`FF` after the last object is allowed).
    pub fn parse(bytes: &[u8]) -> Result<Self, TlvError> {
        let mut info = Self::default();
        let mut rest = bytes;
        while let Some(first) = rest.first() {
            if matches!(first, 0x00 | 0xFF) {
                break;
            }
            let (obj, tail) = Tlv::parse(rest)?;
            match obj.tag {
                EXTENDED_LENGTH_INFO => {
                    let mut ints = Vec::new();
                    for child in obj.children() {
                        let child = child?;
                        if child.tag == INTEGER {
                            ints.push(uint(child.value));
                        }
                    }
                    info.max_command_len = ints.first().copied().flatten();
                    info.max_response_len = ints.get(1).copied().flatten();
                    info.extended_length = true;
                }
                CARD_CAPABILITIES if obj.value.get(2).is_some_and(|t| t & EXTENDED_LC_LE != 0) => {
                    info.extended_length = true;
                }
                _ => {}
            }
            rest = tail;
        }
        Ok(info)
    }
}

/// A non-negative INTEGER of up to four content bytes.
fn uint(value: &[u8]) -> Option<usize> {
    if value.is_empty() || value.len() > 4 {
        return None;
    }
    Some(
        value
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_length_information() {
        // 7F66 { 02 02 0F FF, 02 02 0F FF } after card capabilities without the bit.
        let file = [
            0x47, 0x03, 0x94, 0x21, 0x00, 0x7F, 0x66, 0x08, 0x02, 0x02, 0x0F, 0xFF, 0x02, 0x02,
            0x0F, 0xFF, 0x00, 0x00,
        ];
        let info = AtrInfo::parse(&file).unwrap();
        assert!(info.extended_length);
        assert_eq!(info.max_command_len, Some(4095));
        assert_eq!(info.max_response_len, Some(4095));
    }

    #[test]
    fn card_capabilities_alone() {
        let info = AtrInfo::parse(&[0x47, 0x03, 0x94, 0x21, 0x40]).unwrap();
        assert!(info.extended_length);
        assert_eq!(info.max_response_len, None);
        let none = AtrInfo::parse(&[0x47, 0x03, 0x94, 0x21, 0x00, 0x43, 0x01, 0x00]).unwrap();
        assert!(!none.extended_length);
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(AtrInfo::parse(&[0x7F, 0x66, 0x08, 0x02]).is_err());
    }
}
