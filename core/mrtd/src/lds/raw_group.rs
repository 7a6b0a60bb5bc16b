//! Data groups kept as bytes: DG13 (issuer-defined details), DG16 (persons to notify) and any
//! other group without a parser, plus DG3/DG4, which are EAC-protected (fingerprints, iris) and
//! cannot be read without Extended Access Control terminal authentication.

use serde::Serialize;
use tapid_card::tlv::{Tlv, TlvError};

use super::DataGroup;

/// Errors checking a raw data group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawGroupError {
    /// The file is not one TLV object.
    #[error("data group structure: {0}")]
    Tlv(#[from] TlvError),
    /// The file's tag is not the one of the data group it was read as.
    #[error("file tag {found:02X} is not the tag of {expected}")]
    WrongTag {
        /// The data group expected.
        expected: DataGroup,
        /// The first byte found.
        found: u8,
    },
}

/// A data group kept as its raw bytes (content not interpreted).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RawDataGroup {
    /// Which data group.
    pub data_group: DataGroup,
    /// The file's tag (first byte).
    pub tag: u8,
    /// Size of the file in bytes.
    pub len: usize,
    /// The file, byte for byte; not serialized (DG13/DG16 hold personal data).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for RawDataGroup {
    // The content may be personal data: only the group and size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawDataGroup({}, {} bytes)", self.data_group, self.len)
    }
}

impl RawDataGroup {
    /// Checks that `bytes` is one TLV object with `data_group`'s tag and keeps it.
    pub fn parse(data_group: DataGroup, bytes: &[u8]) -> Result<Self, RawGroupError> {
        let tlv = Tlv::parse_exact(bytes)?;
        let found = tlv.tag.to_bytes().first().copied().unwrap_or_default();
        if tlv.tag.0 != u32::from(data_group.tag()) {
            return Err(RawGroupError::WrongTag {
                expected: data_group,
                found,
            });
        }
        Ok(Self {
            data_group,
            tag: found,
            len: bytes.len(),
            bytes: bytes.to_vec(),
        })
    }
}

/// A data group protected by Extended Access Control (DG3 fingerprints, DG4 iris): recorded as
/// present but not readable with BAC/PACE alone, and never parsed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EacProtectedGroup {
    /// DG3 or DG4.
    pub data_group: DataGroup,
    /// Always `eac_protected`, for the report.
    pub status: &'static str,
}

impl EacProtectedGroup {
    /// The marker for `data_group` if it is EAC-protected (DG3, DG4), else `None`.
    pub fn for_group(data_group: DataGroup) -> Option<Self> {
        matches!(data_group.number(), 3 | 4).then_some(Self {
            data_group,
            status: "eac_protected",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tapid_card::tlv::{Tag, encode};

    #[test]
    fn raw_and_eac() {
        let dg13 = DataGroup::new(13).unwrap();
        let bytes = encode(Tag(0x6D), &[1, 2, 3]);
        let raw = RawDataGroup::parse(dg13, &bytes).unwrap();
        assert_eq!((raw.tag, raw.len), (0x6D, 5));
        assert_eq!(format!("{raw:?}"), "RawDataGroup(DG13, 5 bytes)");
        assert_eq!(
            RawDataGroup::parse(DataGroup::new(16).unwrap(), &bytes),
            Err(RawGroupError::WrongTag {
                expected: DataGroup::new(16).unwrap(),
                found: 0x6D
            })
        );
        assert!(RawDataGroup::parse(dg13, &bytes[..4]).is_err());
        assert!(EacProtectedGroup::for_group(DataGroup::new(3).unwrap()).is_some());
        assert!(EacProtectedGroup::for_group(DataGroup::DG2).is_none());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100)) {
            let _ = RawDataGroup::parse(DataGroup::new(16).unwrap(), &bytes);
        }
    }
}
