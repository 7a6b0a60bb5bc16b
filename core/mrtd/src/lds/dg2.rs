//! DG2: the encoded face (9303-10 §4.7.2), a CBEFF biometric information template group:
//! `75 { 7F61 { 02 count, 7F60 { A1 biometric header, 5F2E | 7F2E biometric data } … } }`.
//! `5F2E` holds an ISO/IEC 19794-5 record, `7F2E` the ISO/IEC 39794-5 encoding.

use serde::Serialize;
use tapid_card::tlv::{Tag, Tlv, TlvError};

use super::biometric::{self, BiometricError, Face, MAX_FACES};

/// Errors parsing DG2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Dg2Error {
    /// The CBEFF TLV structure is broken.
    #[error("DG2 structure: {0}")]
    Tlv(#[from] TlvError),
    /// The instance count is not one byte, exceeds the limit or disagrees with the templates.
    #[error("DG2 declares {declared} biometric templates but holds {found}")]
    CountMismatch {
        /// The count in `02`.
        declared: usize,
        /// The `7F60` templates present.
        found: usize,
    },
    /// More templates than accepted.
    #[error("DG2 holds too many biometric templates")]
    TooManyTemplates,
    /// A template has neither `5F2E` nor `7F2E` biometric data.
    #[error("DG2 template without biometric data")]
    NoBiometricData,
    /// The face record inside does not parse.
    #[error("DG2 face record: {0}")]
    Face(#[from] BiometricError),
}

/// The CBEFF biometric header template (`A1`) fields that identify the record format.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct BiometricHeader {
    /// `80` ICAO header version (hex), if present.
    pub version: Option<String>,
    /// `81` biometric type (2 = face), if present.
    pub biometric_type: Option<u32>,
    /// `82` biometric subtype, if present.
    pub subtype: Option<u32>,
    /// `87` format owner (0x0101 = ISO/IEC JTC 1/SC 37).
    pub format_owner: Option<u32>,
    /// `88` format type (0x0008 = 19794-5, 0x002A = 39794-5 ICAO profile).
    pub format_type: Option<u32>,
}

/// Parsed DG2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Dg2 {
    /// Every face in the file, in order (normally exactly one).
    pub faces: Vec<Face>,
    /// The biometric header of each template, in order.
    pub headers: Vec<BiometricHeader>,
}

fn number(value: &[u8]) -> Option<u32> {
    (1..=4)
        .contains(&value.len())
        .then(|| value.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

impl BiometricHeader {
    fn parse(t: &Tlv<'_>) -> Result<Self, TlvError> {
        let mut h = Self::default();
        for child in t.children() {
            let child = child?;
            match child.tag.0 {
                0x80 => h.version = Some(hex::encode_upper(child.value)),
                0x81 => h.biometric_type = number(child.value),
                0x82 => h.subtype = number(child.value),
                0x87 => h.format_owner = number(child.value),
                0x88 => h.format_type = number(child.value),
                _ => {}
            }
        }
        Ok(h)
    }
}

impl Dg2 {
    /// Parses the file.
    pub fn parse(bytes: &[u8]) -> Result<Self, Dg2Error> {
        let dg2 = Tlv::parse_tagged(bytes, Tag(0x75))?;
        let group = Tlv::parse_tagged(dg2.value, Tag(0x7F61))?;
        let count = group.require(Tag(0x02))?.value;
        let declared = match count {
            [n] => usize::from(*n),
            _ => return Err(Dg2Error::TooManyTemplates),
        };
        if declared > MAX_FACES {
            return Err(Dg2Error::TooManyTemplates);
        }
        let mut faces = Vec::new();
        let mut headers = Vec::new();
        for child in group.children() {
            let child = child?;
            if child.tag != Tag(0x7F60) {
                continue;
            }
            if headers.len() == declared {
                return Err(Dg2Error::CountMismatch {
                    declared,
                    found: declared + 1,
                });
            }
            headers.push(match child.find(Tag(0xA1))? {
                Some(h) => BiometricHeader::parse(&h)?,
                None => BiometricHeader::default(),
            });
            let found = if let Some(data) = child.find(Tag(0x5F2E))? {
                biometric::iso19794_5::parse(data.value)?
            } else if let Some(data) = child.find(Tag(0x7F2E))? {
                biometric::iso39794_5::parse(data.value)?
            } else {
                return Err(Dg2Error::NoBiometricData);
            };
            if faces.len() + found.len() > MAX_FACES {
                return Err(Dg2Error::TooManyTemplates);
            }
            faces.extend(found);
        }
        if headers.len() != declared {
            return Err(Dg2Error::CountMismatch {
                declared,
                found: headers.len(),
            });
        }
        Ok(Self { faces, headers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::encode;

    #[test]
    fn count_must_match() {
        let mut group = encode(Tag(0x02), &[2]);
        group.extend(encode(Tag(0x7F60), &encode(Tag(0x5F2E), b"FAC\0")));
        let dg2 = encode(Tag(0x75), &encode(Tag(0x7F61), &group));
        assert!(matches!(Dg2::parse(&dg2), Err(Dg2Error::Face(_))));
        let mut group = encode(Tag(0x02), &[2]);
        group.extend(encode(Tag(0x7F60), &encode(Tag(0xA1), &[])));
        let dg2 = encode(Tag(0x75), &encode(Tag(0x7F61), &group));
        assert_eq!(Dg2::parse(&dg2), Err(Dg2Error::NoBiometricData));
        let group = encode(Tag(0x02), &[1]);
        let dg2 = encode(Tag(0x75), &encode(Tag(0x7F61), &group));
        assert_eq!(
            Dg2::parse(&dg2),
            Err(Dg2Error::CountMismatch {
                declared: 1,
                found: 0
            })
        );
        let group = encode(Tag(0x02), &[200]);
        let dg2 = encode(Tag(0x75), &encode(Tag(0x7F61), &group));
        assert_eq!(Dg2::parse(&dg2), Err(Dg2Error::TooManyTemplates));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Dg2::parse(&bytes);
            let mut group = encode(Tag(0x02), &[1]);
            group.extend(encode(Tag(0x7F60), &bytes));
            let _ = Dg2::parse(&encode(Tag(0x75), &encode(Tag(0x7F61), &group)));
        }
    }
}
