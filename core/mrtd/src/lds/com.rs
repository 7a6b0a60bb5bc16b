//! EF.COM: LDS and Unicode versions and the tag list of present data groups. It is not
//! signed, so security decisions never rest on it.

use serde::Serialize;
use tapid_card::tlv::{Tag, Tlv, TlvError};

use super::DataGroup;

/// Parsed EF.COM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EfCom {
    /// LDS version `aabb` (e.g. `0107`).
    pub lds_version: String,
    /// Unicode version `aabbcc` (e.g. `040000`).
    pub unicode_version: String,
    /// Data groups listed in the tag list.
    pub data_groups: Vec<u8>,
}

impl EfCom {
    /// Parses `60 { 5F01 …, 5F36 …, 5C tags }`.
    pub fn parse(bytes: &[u8]) -> Result<Self, TlvError> {
        let com = Tlv::parse_tagged(bytes, Tag(0x60))?;
        let text = |t: Tlv<'_>| String::from_utf8_lossy(t.value).into_owned();
        let tags = com.require(Tag(0x5C))?;
        Ok(Self {
            lds_version: text(com.require(Tag(0x5F01))?),
            unicode_version: text(com.require(Tag(0x5F36))?),
            data_groups: tags
                .value
                .iter()
                .filter_map(|t| DataGroup::from_tag(*t))
                .map(DataGroup::number)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_d_ef_com() {
        let com =
            EfCom::parse(&hex::decode("60145F0104303130365F36063034303030305C026175").unwrap())
                .unwrap();
        assert_eq!(com.lds_version, "0106");
        assert_eq!(com.unicode_version, "040000");
        assert_eq!(com.data_groups, vec![1, 2]);
        assert!(EfCom::parse(&hex::decode("61025C00").unwrap()).is_err());
    }
}
